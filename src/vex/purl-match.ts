/**
 * Package-URL comparison for VEX: does a statement's product (or subcomponent) purl name this package?
 *
 * The rule, in order (`S` = statement purl, `P` = package purl, both parsed by packageurl-js, which
 * percent-decodes every component and applies the purl spec's per-type normalisation, e.g. lowercase
 * `deb`/`apk`/`pypi` names):
 *
 * 1. Either fails to parse (not a purl at all, a maven purl without namespace, …) → no match.
 * 2. `type` must be equal (lowercased by the spec). `namespace` must be equal ignoring ASCII case (absent
 *    equals absent). `name` must be equal; for types whose names the spec makes case-insensitive
 *    (see CASE_INSENSITIVE_NAMES) ignoring case; `deb`/`apk`/`rpm` names as packageurl-js leaves them. So `pkg:apk/alpine/x` never matches `pkg:apk/dhi/x`.
 * 3. Version: a versionless `S` matches every version. A versioned `S` needs `P` to have the same
 *    version, compared after percent-decoding (`9.7-3%2Bdhi3` = `9.7-3+dhi3`). `P` without a version
 *    never matches a versioned `S`.
 * 4. Subpath: when `S` has one, `P` must have the same one.
 * 5. Qualifiers: only those present in `S` constrain; extra qualifiers in `P` are ignored. Each `S`
 *    qualifier must be present in `P` with an equal value, except:
 *    - `arch` is ignored: scanners and vendors spell it differently (`aarch64` vs `arm64`, `x86_64`
 *      vs `amd64`), and Ubuntu lists one product per arch; the version already pins the build.
 *    - the distribution qualifiers `distro`, `os_name`, `os_version`, `os_distro` are compared as one
 *      release identity rather than key by key, because tools write it differently:
 *      syft/keelson write `distro=<id>-<release>` (`distro=dhi-3.24`, `distro=debian-13`) or a bare
 *      codename (`distro=jammy`); DHI VEX writes `os_name=<id>&os_version=<release>` plus
 *      `os_distro=<codename or base distro>` (`trixie`, `alpine`). From each side we take
 *      name = `os_name` else the `<id>` of `distro`; release = `os_version` else the `<release>` of
 *      `distro`; codename = `os_distro` else a bare (digit-free) `distro`. Then a field is compared
 *      only when BOTH sides have it: names equal ignoring case; releases equal or one a dot-boundary
 *      prefix of the other (`3.22` vs `3.22.1`: Alpine's VERSION_ID carries the point release, DHI
 *      VEX the minor); codenames equal ignoring case. A field one side lacks is tolerated.
 *      Thus `os_name=dhi&os_version=3.24` matches `distro=dhi-3.24` but not `distro=dhi-3.23`.
 *    - `repository_url` (oci/docker) is compared ignoring case and a trailing `/`.
 */
import { PackageURL } from 'packageurl-js';

/** Types whose names the purl spec lowercases or treats as case-insensitive. */
const CASE_INSENSITIVE_NAMES = new Set(['bitbucket', 'github', 'pypi', 'composer']);
const IGNORED_QUALIFIERS = new Set(['arch']);
const DISTRO_QUALIFIERS = new Set(['distro', 'os_name', 'os_version', 'os_distro']);

export interface ParsedPurl {
  type: string;
  namespace?: string;
  name: string;
  version?: string;
  qualifiers: Record<string, string>;
  subpath?: string;
}

const CACHE_LIMIT = 20_000;
const cache = new Map<string, ParsedPurl | null>();

/** A parsed package URL, or undefined when the text is not one. Results are memoised (bounded). */
export function parsePurl(text: string): ParsedPurl | undefined {
  const cached = cache.get(text);
  if (cached !== undefined) return cached ?? undefined;
  let parsed: ParsedPurl | null = null;
  if (text.length <= 4096 && text.toLowerCase().startsWith('pkg:')) {
    try {
      const purl = PackageURL.fromString(text);
      parsed = {
        type: purl.type.toLowerCase(),
        name: purl.name,
        qualifiers: { ...(purl.qualifiers ?? {}) },
        ...(purl.namespace ? { namespace: purl.namespace } : {}),
        ...(purl.version ? { version: purl.version } : {}),
        ...(purl.subpath ? { subpath: purl.subpath } : {}),
      };
    } catch {
      parsed = null;
    }
  }
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(text, parsed);
  return parsed ?? undefined;
}

/** True when the statement purl names the package purl under the rule in this module's comment. */
export function purlMatches(statementPurl: string, packagePurl: string): boolean {
  const s = parsePurl(statementPurl);
  const p = parsePurl(packagePurl);
  if (!s || !p) return false;
  if (s.type !== p.type) return false;
  if ((s.namespace ?? '').toLowerCase() !== (p.namespace ?? '').toLowerCase()) return false;
  const caseless = CASE_INSENSITIVE_NAMES.has(s.type);
  if (caseless ? s.name.toLowerCase() !== p.name.toLowerCase() : s.name !== p.name) return false;
  if (s.version !== undefined && s.version !== p.version) return false;
  if (s.subpath !== undefined && s.subpath !== p.subpath) return false;
  return qualifiersMatch(s.qualifiers, p.qualifiers);
}

function qualifiersMatch(s: Record<string, string>, p: Record<string, string>): boolean {
  let hasDistro = false;
  for (const [key, value] of Object.entries(s)) {
    if (IGNORED_QUALIFIERS.has(key)) continue;
    if (DISTRO_QUALIFIERS.has(key)) {
      hasDistro = true;
      continue;
    }
    const other = p[key];
    if (other === undefined) return false;
    if (key === 'repository_url') {
      if (normaliseRepositoryUrl(value) !== normaliseRepositoryUrl(other)) return false;
    } else if (value !== other) return false;
  }
  return !hasDistro || releasesCompatible(releaseOf(s), releaseOf(p));
}

function normaliseRepositoryUrl(url: string): string {
  return url.toLowerCase().replace(/\/+$/, '');
}

export interface ReleaseIdentity {
  name?: string;
  release?: string;
  codename?: string;
}

/** The distribution identity a purl's qualifiers describe (see the module comment). */
export function releaseOf(qualifiers: Record<string, string>): ReleaseIdentity {
  const out: ReleaseIdentity = {};
  const distro = qualifiers.distro?.trim();
  if (distro) {
    // `<id>-<release>` where the release starts with a digit: `dhi-3.24`, `debian-13`, `alpine-3.22.1`.
    const split = /^(.+?)-(\d[\w.+~-]*)$/.exec(distro);
    if (split) {
      out.name = split[1]!;
      out.release = split[2]!;
    } else if (!/\d/.test(distro)) out.codename = distro;
    else out.release = distro;
  }
  if (qualifiers.os_name?.trim()) out.name = qualifiers.os_name.trim();
  if (qualifiers.os_version?.trim()) out.release = qualifiers.os_version.trim();
  if (qualifiers.os_distro?.trim()) out.codename = qualifiers.os_distro.trim();
  return out;
}

function releasesCompatible(a: ReleaseIdentity, b: ReleaseIdentity): boolean {
  if (a.name !== undefined && b.name !== undefined && a.name.toLowerCase() !== b.name.toLowerCase()) {
    return false;
  }
  if (a.release !== undefined && b.release !== undefined && !sameRelease(a.release, b.release)) return false;
  if (
    a.codename !== undefined &&
    b.codename !== undefined &&
    a.codename.toLowerCase() !== b.codename.toLowerCase()
  ) {
    return false;
  }
  return true;
}

/** `3.22` = `3.22` = `3.22.1` (dot-boundary prefix), but `3.2` ≠ `3.22`. */
function sameRelease(a: string, b: string): boolean {
  if (a === b) return true;
  const [short, long] = a.length < b.length ? [a, b] : [b, a];
  return long.startsWith(short) && long[short.length] === '.';
}
