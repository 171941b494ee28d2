/**
 * What matching produces: one finding per (package, vulnerability), each carrying how it matched and,
 * when suppressed, by what. Suppressed findings stay in the result: nothing disappears silently.
 */
import type { AffectedStatus, NameKind, VersionInterval } from '../advisories/types.js';
import type { Distro, PackageType, Provider } from '../core/types.js';
import type { SchemeName } from '../versioning/types.js';
import type { VexStatus } from '../vex/types.js';

export type SeverityLevel = 'critical' | 'high' | 'medium' | 'low' | 'negligible' | 'unknown';

export const SEVERITY_ORDER: readonly SeverityLevel[] = [
  'critical',
  'high',
  'medium',
  'low',
  'negligible',
  'unknown',
];

export interface SeverityRating {
  level: SeverityLevel;
  /** Who rated it: the feed (`debian-tracker`, `photon`…) or `nvd` (CVSS). */
  source: string;
  score?: number;
  vector?: string;
  /** `CVSS:3.1`, `CVSS:4.0`, `vendor`. */
  method: string;
}

/** How a finding was matched: enough to reproduce the decision by hand. */
export interface MatchDetails {
  namespace: string;
  /** The name used for the lookup (a source/origin name when the feed keys on it). */
  lookupName: string;
  nameKind: NameKind;
  /** The version scheme used to compare (absent when no comparison was made, e.g. a VEX-added finding). */
  scheme?: SchemeName;
  /** The affected ranges/versions of the record, as text: `< 1.1.1g-r0`, `>= 0, < 2.0.1`, `= 3.12.13-r7`, `all versions`. */
  constraint: string;
  /** The feed (source) and advisory id that decided it. */
  source: string;
  advisoryId: string;
  /** Why this namespace was chosen, e.g. `alpine 3.10 from etc/apk/repositories`. */
  namespaceReason: string;
  /** The version compared, when not the package's own: the source version for source-keyed Debian feeds. */
  comparedVersion?: string;
  /** Set when the installed version could not be compared: the finding is kept, flagged. */
  versionError?: string;
}

export type SuppressionKind = 'vendor-status' | 'vex' | 'ignore-rule';

export interface Suppression {
  kind: SuppressionKind;
  /** What said so, in words: `alpine-secdb: CVE-… not affected (secfixes "0")`, a VEX statement's origin… */
  detail: string;
  status?: string;
  justification?: string;
  origin?: string;
}

export interface FindingPackage {
  name: string;
  version: string;
  type: PackageType;
  purl: string;
  location: string;
  sourceName?: string;
  layer?: { index: number; diffID: string; base?: boolean; createdBy?: string };
}

export interface Finding {
  /** CVE id when one is known (id or alias), else the advisory's own id. */
  id: string;
  aliases: string[];
  package: FindingPackage;
  /** Vendor status for the installed version: affected, will_not_fix, fix_deferred, under_investigation, end_of_life, not_affected. */
  status: AffectedStatus;
  fixedVersions: string[];
  /** The rating used for sorting and gates: vendor first, then NVD CVSS. */
  severity: SeverityRating;
  severities: SeverityRating[];
  epss?: { score: number; percentile: number; date?: string };
  kev?: { dateAdded: string; dueDate?: string; ransomware?: string };
  summary?: string;
  /** Where to read more (vendor page or first reference). */
  url?: string;
  dataSource: { source: string; advisoryId: string };
  vex?: {
    status: VexStatus;
    justification?: string;
    statement?: string;
    origin: string;
  };
  match: MatchDetails;
  suppressed?: Suppression;
}

export interface ScanSummary {
  raw: number;
  actionable: number;
  suppressed: number;
  bySeverity: Record<SeverityLevel, number>;
  fixable: number;
  fromBase: number;
  /** Findings removed by report filters (--severity, --ignore-unfixed…), when any filter was given. */
  filtered?: number;
  /** How many findings each filter removed. */
  filteredBy?: Record<string, number>;
}

export interface DatabaseInfo {
  path: string;
  builtAt?: string;
  ageHours?: number;
  demo: boolean;
  sources: string[];
}

export interface ScanResult {
  schemaVersion: 1;
  image: { target: string; reference?: string; manifestDigest?: string; configDigest?: string };
  distro?: Pick<Distro, 'id' | 'version' | 'versionCodename' | 'rolling'>;
  provider: Provider;
  packages: number;
  findings: Finding[];
  summary: ScanSummary;
  database: DatabaseInfo;
  warnings: { code: string; message: string }[];
}

/** One place to look a package up: namespace + name, in precedence order per package. */
export interface Lookup {
  namespace: string;
  name: string;
  nameKind: NameKind;
  reason: string;
}

export interface ConstraintInput {
  ranges: VersionInterval[];
  versions: string[];
}
