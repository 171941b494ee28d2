/** What several report formats share: severity numbers, the image's package URL, stable ids, layer text. */
import { createHash } from 'node:crypto';
import type { Finding, ScanResult, SeverityLevel } from '../matching/types.js';

/**
 * Where people read about keelson (SARIF `informationUri`). A placeholder until the project has a public
 * home; one constant so it changes in one place.
 */
export const KEELSON_INFORMATION_URI = 'https://github.com/keelson/keelson';

/** A number for a level when no CVSS score is known, in the band GitHub maps back to the same level. */
export const SEVERITY_SCORE: Readonly<Record<SeverityLevel, number | undefined>> = {
  critical: 9.5,
  high: 8.0,
  medium: 5.5,
  low: 2.0,
  negligible: 0.5,
  unknown: undefined,
};

/** The CVSS score of the rating used for the finding, else the number for its level. */
export function severityScore(f: Finding): number | undefined {
  return f.severity.score ?? SEVERITY_SCORE[f.severity.level];
}

export function sha256Hex(...parts: string[]): string {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part).update('\0');
  return hash.digest('hex');
}

/** A UUID (version 5 layout, SHA-256 based) derived from text: the same report content gives the same id. */
export function uuidFromText(text: string): string {
  const hex = sha256Hex(text).slice(0, 32).split('');
  hex[12] = '5';
  hex[16] = ((Number.parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  const h = hex.join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** UTC to the second, as SBOM and VEX documents write it. */
export function reportTimestamp(now: Date | undefined): string {
  return (now ?? new Date()).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** A stable id for a report's content: the image, every finding's id/purl/state, and the time. */
export function contentUuid(kind: string, result: ScanResult, timestamp: string): string {
  const findings = result.findings.map(
    (f) => `${f.id}|${f.package.purl}|${f.package.location}|${f.status}|${f.suppressed?.kind ?? ''}`,
  );
  return uuidFromText(
    [kind, result.image.target, result.image.manifestDigest ?? '', timestamp, ...findings].join('\n'),
  );
}

/** `base`, `app`, or `-` when the image has no known base boundary. */
export function imagePart(f: Finding): 'base' | 'app' | '-' {
  const base = f.package.layer?.base;
  return base === undefined ? '-' : base ? 'base' : 'app';
}

/** `layer 0 (sha256:…)`. */
export function layerText(f: Finding): string | undefined {
  const layer = f.package.layer;
  return layer ? `layer ${layer.index} (${layer.diffID})` : undefined;
}

/** What a suppression is, in a few words. */
export function suppressionText(f: Finding): string | undefined {
  const s = f.suppressed;
  if (!s) return undefined;
  if (s.kind === 'vex')
    return `VEX ${s.status ?? 'not_affected'}${s.justification ? ` (${s.justification})` : ''}`;
  if (s.kind === 'vendor-status') return 'vendor not_affected';
  return 'ignore rule';
}

/** The findings a report for people lists: actionable ones first, suppressed ones only when asked. */
export function listedFindings(result: ScanResult, showSuppressed: boolean | undefined): Finding[] {
  const actionable = result.findings.filter((f) => !f.suppressed);
  return showSuppressed ? [...actionable, ...result.findings.filter((f) => f.suppressed)] : actionable;
}

const pct = (text: string) =>
  encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/**
 * The image as a package URL (`pkg:oci/NAME@DIGEST?repository_url=…&tag=…`): the manifest digest when
 * known (the image's identity), else the tag. Without a registry reference, the target's file name.
 */
export function imagePurl(result: ScanResult): string {
  const ref = result.image.reference;
  let repository: string;
  let tag: string | undefined;
  let digest = result.image.manifestDigest;
  if (ref) {
    const [withoutDigest, refDigest] = ref.split('@', 2) as [string, string | undefined];
    digest ??= refDigest;
    const colon = withoutDigest.lastIndexOf(':');
    const slash = withoutDigest.lastIndexOf('/');
    if (colon > slash) {
      repository = withoutDigest.slice(0, colon);
      tag = withoutDigest.slice(colon + 1);
    } else repository = withoutDigest;
  } else {
    const file = result.image.target.split(/[\\/]/).filter(Boolean).pop() ?? 'image';
    repository = file.replace(/\.(tar\.gz|tgz|tar)$/i, '');
  }
  const name = (repository.split('/').pop() ?? repository).toLowerCase() || 'image';
  const qualifiers: string[] = [];
  if (repository.includes('/')) qualifiers.push(`repository_url=${pct(repository.toLowerCase())}`);
  if (tag) qualifiers.push(`tag=${pct(tag)}`);
  return `pkg:oci/${pct(name)}${digest ? `@${pct(digest)}` : ''}${qualifiers.length ? `?${qualifiers.join('&')}` : ''}`;
}
