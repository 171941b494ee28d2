/**
 * Identifiers inside SBOM documents (CycloneDX bom-refs, SPDX element and licence ids): stable for the
 * same inventory, unique within a document, and made only of the characters each format allows.
 */
import { createHash } from 'node:crypto';
import type { Package } from '../core/types.js';

/** First 16 hex digits of the SHA-256 of the parts (NUL-separated, so `a`+`bc` ≠ `ab`+`c`). */
export function shortHash(...parts: string[]): string {
  return createHash('sha256').update(parts.join('\0')).digest('hex').slice(0, 16);
}

/** The fields that tell two inventoried packages apart. */
export function packageIdentity(pkg: Package): string[] {
  return [pkg.type, pkg.name, pkg.version, pkg.arch ?? '', pkg.location, pkg.purl];
}

/**
 * An SPDX `idstring` (letters, digits, `.` and `-`): other runs of characters become one `-`, and the
 * result is cut to `maxLength`. May be empty.
 */
export function spdxIdString(text: string, maxLength = 48): string {
  let out = '';
  for (const char of text) {
    if (out.length >= maxLength) break;
    if (/^[A-Za-z0-9.]$/.test(char)) out += char;
    else if (!out.endsWith('-')) out += '-';
  }
  while (out.startsWith('-')) out = out.slice(1);
  while (out.endsWith('-')) out = out.slice(0, -1);
  return out;
}

/** Hands out each candidate id once; a repeat gets `-2`, `-3`… (so identical packages still get distinct ids). */
export class UniqueIds {
  private readonly taken = new Set<string>();
  /** Next suffix to try per candidate, so many repeats stay linear. */
  private readonly nextSuffix = new Map<string, number>();

  take(candidate: string): string {
    let n = this.nextSuffix.get(candidate) ?? 1;
    let id = n === 1 ? candidate : `${candidate}-${n}`;
    while (this.taken.has(id)) id = `${candidate}-${++n}`;
    this.nextSuffix.set(candidate, n + 1);
    this.taken.add(id);
    return id;
  }
}
