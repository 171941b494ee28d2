/** What every SBOM renderer takes and shares: options, the document clock and id, the image's name. */
import { randomUUID } from 'node:crypto';
import type { Inventory } from '../core/types.js';

export interface RenderOptions {
  /** keelson's version, named as the creating tool. */
  toolVersion: string;
  /** Creation time; injectable so tests are deterministic. */
  now?: Date;
  /** Document id source (RFC 4122 UUID); injectable so tests are deterministic. */
  uuid?: () => string;
  /** keelson JSON only: keep each package's owned file list. */
  includeFiles?: boolean;
}

export interface SbomFormat {
  name: string;
  mediaType: string;
  fileExtension: string;
  render(inv: Inventory, opts: RenderOptions): string;
}

/** UTC to the second (`2026-09-01T12:00:00Z`): the form SPDX requires and CycloneDX accepts. */
export function documentTimestamp(opts: RenderOptions): string {
  return (opts.now ?? new Date()).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Lowercase, as the CycloneDX serialNumber pattern requires. */
export function documentUuid(opts: RenderOptions): string {
  return (opts.uuid ?? randomUUID)().toLowerCase();
}

/** How the image is named in a document: its registry reference, else what the user gave. */
export function imageName(inv: Inventory): string {
  return inv.image.reference ?? inv.image.target;
}
