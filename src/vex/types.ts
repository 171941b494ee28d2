/**
 * VEX statements from any format (OpenVEX, CycloneDX VEX, CSAF 2.0) in one shape.
 */
export type VexStatus = 'not_affected' | 'affected' | 'fixed' | 'under_investigation';

export interface VexStatement {
  /** The vulnerability as named in the document (CVE-…, GHSA-…, DHI-CVE-…). */
  vulnerability: string;
  /** Other names the document gives for it. */
  aliases: string[];
  /** Product identifiers: package URLs (image or package), possibly with versions and qualifiers. */
  products: string[];
  /** Subcomponent package URLs (the packages inside a product image). Empty: the product itself. */
  subcomponents: string[];
  status: VexStatus;
  justification?: string;
  impactStatement?: string;
  actionStatement?: string;
  statusNotes?: string;
  /** ISO 8601: the statement's timestamp, else the document's. Used for "latest statement wins". */
  timestamp?: string;
  /** Where it came from: file path, URL, `referrer:sha256:…`, `vex-repository:NAME`, `db:dhi-vex`. */
  origin: string;
  /** The document's id (`@id` / CSAF tracking id) when it has one. */
  documentId?: string;
  format: 'openvex' | 'cyclonedx' | 'csaf';
}
