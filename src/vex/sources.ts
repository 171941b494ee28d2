/**
 * Where VEX comes from besides plain files:
 * (a) a VEX repository in the aquasecurity VEX Repository Specification layout (VEX Hub, DHI's
 *     `docker-hardened-images/advisories`), read from a local directory;
 * (b) OCI referrers of a registry image: in-toto attestations with an OpenVEX predicate, found via the
 *     referrers API (or its `sha256-<hex>` tag-schema fallback) and via cosign's `sha256-<hex>.att` tag.
 */
import { realpath, stat } from 'node:fs/promises';
import { isAbsolute, join, relative, sep } from 'node:path';
import { KeelsonError, toKeelsonError } from '../core/errors.js';
import { array, object, ShapeError } from '../core/json-shape.js';
import type { RegistryClient } from '../image/registry/client.js';
import { manifestReference, parseReference } from '../image/registry/reference.js';
import { type RegistryConnectionOptions, registryClientFor } from '../image/registry/source.js';
import type { ImageSource } from '../image/types.js';
import {
  attestationStatements,
  DSSE_MEDIA_TYPE,
  isAttestation,
  isOpenVexPredicateType,
} from './attestation.js';
import { csafStatements } from './csaf.js';
import { decodeJson, type Json, MAX_VEX_BYTES, optionalText, withShapeErrors } from './json.js';
import { isOpenVexDocument, openVexStatements } from './openvex.js';
import { parsePurl, purlMatches } from './purl-match.js';
import { readFileCapped, vexStatementsOf } from './read.js';
import type { VexStatement } from './types.js';

export interface VexSourceResult {
  statements: VexStatement[];
  /** What was read: document paths, or referrer manifest digests. */
  sources: string[];
  /** What was left out, and why (missing file, broken document, unreachable referrer). */
  skipped: { source: string; reason: string }[];
}

// ---------------------------------------------------------------------------------------------
// (a) VEX repository

const INDEX_FILE = 'index.json';
const MANIFEST_FILE = 'vex-repository.json';
const MAX_INDEX_BYTES = 64 * 1024 * 1024;

interface IndexEntry {
  id: string;
  location: string;
  format?: string;
}

export interface VexRepositoryOptions {
  /** Name for `vex-repository:NAME` origins (default: the manifest's name, else the directory). */
  name?: string;
  /** Per-document size cap (default 64 MiB). */
  maxBytes?: number;
}

/**
 * Statements from a VEX repository on disk for the given package URLs. `dir` is the repository root
 * (holding `index.json`), or a tree whose `vex-repository.json` names a location with a `//subdir`
 * suffix where `index.json` lives (a checkout or unpacked archive of DHI's advisories).
 *
 * A document is read when an `index.json` package id matches one of `packagePurls` (purlMatches:
 * index ids are versionless, and the qualifiers some repositories add, e.g. DHI's
 * `pkg:oci/x?repository_url=dhi.io`, must then be present in the purl). Pass the image's own purls
 * too to get image-level documents. Each document's statements are returned whole: resolveVex picks
 * what applies. Locations that escape the repository are refused.
 */
export async function readVexRepository(
  dir: string,
  packagePurls: readonly string[],
  options: VexRepositoryOptions = {},
): Promise<VexSourceResult> {
  const manifest = await readRepositoryManifest(dir);
  const root = await findIndexRoot(dir, manifest.subdirs);
  const indexPath = join(root, INDEX_FILE);
  const indexBytes = await readFileCapped(indexPath, MAX_INDEX_BYTES);
  const entries = withShapeErrors(indexPath, 'VEX repository index', () =>
    readIndex(decodeJson(indexBytes, indexPath)),
  );
  // Bucket by type/namespace/name so each purl compares with few index entries.
  const buckets = new Map<string, IndexEntry[]>();
  for (const entry of entries) {
    const parsed = parsePurl(entry.id);
    if (!parsed) continue;
    const key = bucketKey(parsed.type, parsed.namespace, parsed.name);
    const list = buckets.get(key);
    if (list) list.push(entry);
    else buckets.set(key, [entry]);
  }
  const wanted = new Map<string, IndexEntry>();
  for (const purl of packagePurls) {
    const parsed = parsePurl(purl);
    if (!parsed) continue;
    for (const entry of buckets.get(bucketKey(parsed.type, parsed.namespace, parsed.name)) ?? []) {
      if (!wanted.has(entry.location) && purlMatches(entry.id, purl)) wanted.set(entry.location, entry);
    }
  }
  const name = options.name ?? manifest.name ?? dir;
  const origin = `vex-repository:${name}`;
  const result: VexSourceResult = { statements: [], sources: [], skipped: [] };
  const realRoot = await realpath(root);
  for (const entry of wanted.values()) {
    const path = await locate(realRoot, entry.location);
    if (!path) {
      result.skipped.push({ source: entry.location, reason: 'missing, or outside the repository' });
      continue;
    }
    try {
      const bytes = await readFileCapped(path, options.maxBytes ?? MAX_VEX_BYTES);
      const doc = decodeJson(bytes, path);
      // The index declares the format (OpenVEX when absent); trust it, so a broken document gets
      // that format's error rather than "not recognised".
      result.statements.push(
        ...(entry.format === 'csaf'
          ? csafStatements(doc, path, { origin })
          : entry.format === undefined || entry.format === 'openvex'
            ? openVexStatements(doc, path, { origin })
            : vexStatementsOf(doc, path, origin)),
      );
      result.sources.push(path);
    } catch (err) {
      result.skipped.push({
        source: path,
        reason: toKeelsonError(err, 'PARSE_ERROR', { file: path }).message,
      });
    }
  }
  return result;
}

function bucketKey(type: string, namespace: string | undefined, name: string): string {
  return `${type}/${(namespace ?? '').toLowerCase()}/${name.toLowerCase()}`;
}

interface RepositoryManifest {
  name?: string;
  /** `//subdir` suffixes of the manifest's location URLs. */
  subdirs: string[];
}

async function readRepositoryManifest(dir: string): Promise<RepositoryManifest> {
  const path = join(dir, MANIFEST_FILE);
  let bytes: Buffer;
  try {
    bytes = await readFileCapped(path, 1024 * 1024);
  } catch (err) {
    if (err instanceof KeelsonError && err.code === 'TARGET_NOT_FOUND') return { subdirs: [] };
    throw err;
  }
  return withShapeErrors(path, 'VEX repository manifest', () => {
    const doc = object(decodeJson(bytes, path), '');
    const name = optionalText(doc.name, 'name');
    // The spec has `versions` as a map (`v0`, `v1`); DHI's file has an array.
    const versions: { value: unknown; path: string }[] = [];
    if (Array.isArray(doc.versions))
      doc.versions.forEach((v, i) => {
        versions.push({ value: v, path: `versions.${i}` });
      });
    else if (doc.versions !== undefined && doc.versions !== null) {
      for (const [k, v] of Object.entries(object(doc.versions, 'versions')))
        versions.push({ value: v, path: `versions.${k}` });
    }
    const subdirs: string[] = [];
    for (const { value, path: vPath } of versions) {
      const version = object(value, vPath);
      if (version.locations === undefined || version.locations === null) continue;
      array(version.locations, `${vPath}.locations`).forEach((l, i) => {
        const url = optionalText(object(l, `${vPath}.locations.${i}`).url, `${vPath}.locations.${i}.url`);
        const sub = url && /^[a-z]+:\/\/.+?\/\/(.+)$/i.exec(url)?.[1];
        if (sub) subdirs.push(sub.replace(/\/+$/, ''));
      });
    }
    return { ...(name ? { name } : {}), subdirs };
  });
}

async function findIndexRoot(dir: string, subdirs: string[]): Promise<string> {
  for (const candidate of [dir, ...subdirs.map((s) => join(dir, s))]) {
    try {
      if ((await stat(join(candidate, INDEX_FILE))).isFile()) return candidate;
    } catch {
      // try the next candidate
    }
  }
  throw new KeelsonError('TARGET_NOT_FOUND', `no ${INDEX_FILE} in the VEX repository ${dir}`, { file: dir });
}

function readIndex(value: unknown): IndexEntry[] {
  const index = object(value, '');
  return array(index.packages, 'packages').map((p, i) => {
    const entry = object(p, `packages.${i}`);
    const id = optionalText(entry.id, `packages.${i}.id`);
    const location = optionalText(entry.location, `packages.${i}.location`);
    if (!id || !location) throw new ShapeError(`packages.${i}`, 'a package needs an id and a location');
    const format = optionalText(entry.format, `packages.${i}.format`);
    return { id: id.trim(), location: location.trim(), ...(format ? { format } : {}) };
  });
}

/** The real path of an index location inside the repository root, or undefined. */
async function locate(realRoot: string, location: string): Promise<string | undefined> {
  const candidates = [location];
  try {
    const decoded = decodeURIComponent(location);
    if (decoded !== location) candidates.push(decoded);
  } catch {
    // not percent-encoded
  }
  for (const candidate of candidates) {
    if (isAbsolute(candidate) || candidate.includes('\0')) continue;
    let real: string;
    try {
      real = await realpath(join(realRoot, candidate));
    } catch {
      continue;
    }
    const rel = relative(realRoot, real);
    if (rel === '' || rel.startsWith(`..${sep}`) || rel === '..' || isAbsolute(rel)) continue;
    return real;
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// (b) OCI referrers

export interface ReferrerVexOptions extends RegistryConnectionOptions {
  /** Most referrer manifests read per subject digest (default 64). */
  maxReferrers?: number;
  /** Largest attestation blob read (default 16 MiB). */
  maxBlobBytes?: number;
}

const ATT_LAYER_TYPES = new Set([DSSE_MEDIA_TYPE, 'application/vnd.in-toto+json']);
const PREDICATE_ANNOTATION = 'in-toto.io/predicate-type';
/** Referrer artifact types that never carry VEX: skip their manifests. */
const NON_VEX_ARTIFACTS = [/cosign\.artifact\.sig/, /sigstore\.bundle/, /spdx/, /cyclonedx/, /syft/];

/**
 * OpenVEX statements attached to a registry image: in-toto statements with an OpenVEX predicate type,
 * in DSSE envelopes or bare, found (1) among the OCI referrers of the image's manifest digest and,
 * when the image was opened by a tag that names an index, of the index digest (the client falls back
 * to the `sha256-<hex>` tag schema when the registry lacks the referrers API), and (2) in cosign's
 * `sha256-<hex>.att` attestation tag. Images not from a registry have no referrers: empty result.
 * Unreachable or broken referrers are listed in `skipped`; signatures are not verified.
 */
export async function fetchReferrerVex(
  source: Pick<ImageSource, 'identity'>,
  options: ReferrerVexOptions = {},
): Promise<VexSourceResult> {
  const result: VexSourceResult = { statements: [], sources: [], skipped: [] };
  const identity = source.identity;
  if (identity.sourceType !== 'registry' || !identity.reference || !identity.manifestDigest) return result;
  const ref = parseReference(identity.reference);
  const client = registryClientFor(ref, options);
  try {
    const subjects = [identity.manifestDigest];
    try {
      const target = parseReference(identity.target);
      if (target.registry === ref.registry && target.repository === ref.repository) {
        const top = await client.headManifest(ref.repository, manifestReference(target));
        if (!subjects.includes(top.digest)) subjects.push(top.digest);
      }
    } catch {
      // The target is not a reference we can resolve again (or the tag moved): the manifest digest suffices.
    }
    const seen = new Set<string>();
    for (const subject of subjects) {
      await collectReferrers(client, ref.repository, subject, options, result, seen);
      await collectCosignAttestations(client, ref.repository, subject, options, result, seen);
    }
    return result;
  } finally {
    await client.close();
  }
}

async function collectReferrers(
  client: RegistryClient,
  repository: string,
  subject: string,
  options: ReferrerVexOptions,
  result: VexSourceResult,
  seen: Set<string>,
): Promise<void> {
  let referrers: Awaited<ReturnType<RegistryClient['listReferrers']>>;
  try {
    referrers = await client.listReferrers(repository, subject);
  } catch (err) {
    result.skipped.push({
      source: `referrers:${subject}`,
      reason: toKeelsonError(err, 'REGISTRY_ERROR').message,
    });
    return;
  }
  const limit = options.maxReferrers ?? 64;
  for (const referrer of referrers.slice(0, limit)) {
    if (seen.has(referrer.digest)) continue;
    seen.add(referrer.digest);
    const type = referrer.artifactType ?? '';
    if (NON_VEX_ARTIFACTS.some((re) => re.test(type))) continue;
    const predicate = referrer.annotations?.[PREDICATE_ANNOTATION];
    if (predicate !== undefined && !isOpenVexPredicateType(predicate)) continue;
    await readAttestationManifest(client, repository, referrer.digest, options, result, false);
  }
  if (referrers.length > limit) {
    result.skipped.push({
      source: `referrers:${subject}`,
      reason: `only the first ${limit} referrers were read`,
    });
  }
}

async function collectCosignAttestations(
  client: RegistryClient,
  repository: string,
  subject: string,
  options: ReferrerVexOptions,
  result: VexSourceResult,
  seen: Set<string>,
): Promise<void> {
  const tag = `${subject.replace(':', '-')}.att`;
  let digest: string;
  try {
    digest = (await client.headManifest(repository, tag)).digest;
  } catch (err) {
    if (err instanceof KeelsonError && err.code === 'REGISTRY_NOT_FOUND') return;
    result.skipped.push({ source: tag, reason: toKeelsonError(err, 'REGISTRY_ERROR').message });
    return;
  }
  if (seen.has(digest)) return;
  seen.add(digest);
  await readAttestationManifest(client, repository, digest, options, result, true);
}

/** Reads one attestation manifest's JSON layers (or artifact-manifest blobs) for OpenVEX statements. */
async function readAttestationManifest(
  client: RegistryClient,
  repository: string,
  digest: string,
  options: ReferrerVexOptions,
  result: VexSourceResult,
  cosign: boolean,
): Promise<void> {
  const origin = `referrer:${digest}`;
  let layers: Json[];
  try {
    const fetched = await client.getManifest(repository, digest);
    const manifest = object(decodeJson(fetched.bytes, origin), '');
    const list = manifest.layers ?? manifest.blobs;
    layers =
      list === undefined || list === null
        ? []
        : array(list, 'layers').map((l, i) => object(l, `layers.${i}`));
  } catch (err) {
    const reason =
      err instanceof ShapeError
        ? `invalid manifest: ${err.message}`
        : toKeelsonError(err, 'REGISTRY_ERROR').message;
    result.skipped.push({ source: origin, reason });
    return;
  }
  const maxBytes = options.maxBlobBytes ?? 16 * 1024 * 1024;
  let read = false;
  for (const [i, layer] of layers.slice(0, 32).entries()) {
    const mediaType = typeof layer.mediaType === 'string' ? layer.mediaType : '';
    const layerDigest = typeof layer.digest === 'string' ? layer.digest : undefined;
    const annotations =
      layer.annotations !== null && typeof layer.annotations === 'object' ? (layer.annotations as Json) : {};
    const predicate = annotations[PREDICATE_ANNOTATION];
    if (!layerDigest) continue;
    if (predicate !== undefined && !isOpenVexPredicateType(predicate)) continue;
    if (
      cosign ? mediaType !== DSSE_MEDIA_TYPE : !(ATT_LAYER_TYPES.has(mediaType) || mediaType.endsWith('json'))
    )
      continue;
    if (mediaType === 'application/vnd.oci.empty.v1+json') continue;
    if (typeof layer.size === 'number' && layer.size > maxBytes) {
      result.skipped.push({ source: `${origin} layer ${i}`, reason: `larger than ${maxBytes} bytes` });
      continue;
    }
    try {
      const bytes = await client.getBlob(repository, layerDigest, maxBytes);
      const file = `${origin} layer ${layerDigest}`;
      const doc = decodeJson(bytes, file);
      if (isAttestation(doc)) result.statements.push(...attestationStatements(doc, file, origin));
      else if (isOpenVexDocument(doc)) result.statements.push(...openVexStatements(doc, file, { origin }));
      read = true;
    } catch (err) {
      result.skipped.push({
        source: `${origin} layer ${layerDigest}`,
        reason: toKeelsonError(err, 'PARSE_ERROR').message,
      });
    }
  }
  if (read) result.sources.push(origin);
}
