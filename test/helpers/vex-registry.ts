/**
 * Helpers for VEX-over-OCI tests: push blobs and manifests to a real registry with plain HTTP (the
 * distribution API's monolithic upload), build in-toto/DSSE attestation manifests, and a tiny
 * node:http registry that implements the OCI 1.1 referrers API (distribution 2.8 does not).
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export const sha256 = (data: Buffer | string): string =>
  `sha256:${createHash('sha256').update(data).digest('hex')}`;

export const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
export const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
export const OCI_EMPTY = 'application/vnd.oci.empty.v1+json';
export const DSSE = 'application/vnd.dsse.envelope.v1+json';
export const IN_TOTO = 'application/vnd.in-toto+json';

async function expectStatus(response: Response, ok: number[], what: string): Promise<void> {
  if (!ok.includes(response.status)) {
    throw new Error(`${what}: HTTP ${response.status} ${(await response.text()).slice(0, 500)}`);
  }
}

/** Uploads a blob (POST then PUT ?digest=) and returns its descriptor fields. */
export async function pushBlob(baseUrl: string, repository: string, bytes: Buffer | string) {
  const body = Buffer.from(bytes);
  const digest = sha256(body);
  const start = await fetch(`${baseUrl}/v2/${repository}/blobs/uploads/`, { method: 'POST' });
  await expectStatus(start, [202], `start upload to ${repository}`);
  const location = start.headers.get('location');
  if (!location) throw new Error('upload has no Location');
  const url = new URL(location, baseUrl);
  url.searchParams.set('digest', digest);
  const put = await fetch(url, {
    method: 'PUT',
    headers: { 'content-type': 'application/octet-stream' },
    body,
  });
  await expectStatus(put, [201], `upload ${digest}`);
  return { digest, size: body.length };
}

/** PUTs a manifest by tag or digest and returns its digest. */
export async function pushManifest(
  baseUrl: string,
  repository: string,
  reference: string,
  manifest: string,
  mediaType = OCI_MANIFEST,
): Promise<string> {
  const response = await fetch(`${baseUrl}/v2/${repository}/manifests/${reference}`, {
    method: 'PUT',
    headers: { 'content-type': mediaType },
    body: manifest,
  });
  await expectStatus(response, [201], `manifest ${repository}:${reference}`);
  return sha256(manifest);
}

/** A DSSE envelope around an in-toto statement whose predicate is the given OpenVEX document. */
export function vexEnvelope(
  subjectDigest: string,
  openVex: unknown,
  predicateType = 'https://openvex.dev/ns/v0.2.0',
) {
  const statement = {
    _type: 'https://in-toto.io/Statement/v1',
    subject: [{ name: 'image', digest: { sha256: subjectDigest.replace(/^sha256:/, '') } }],
    predicateType,
    predicate: openVex,
  };
  return JSON.stringify({
    payloadType: 'application/vnd.in-toto+json',
    payload: Buffer.from(JSON.stringify(statement)).toString('base64'),
    signatures: [{ keyid: 'test', sig: Buffer.from('not a real signature').toString('base64') }],
  });
}

export interface LayerSpec {
  bytes: string;
  mediaType: string;
  annotations?: Record<string, string>;
}

/** An OCI image manifest (empty config) carrying the given layers, optionally with a subject. */
export function artifactManifest(
  layers: (LayerSpec & { digest: string; size: number })[],
  options: {
    subject?: { digest: string; size: number; mediaType?: string };
    artifactType?: string;
    configDigest: string;
  },
): string {
  return JSON.stringify({
    schemaVersion: 2,
    mediaType: OCI_MANIFEST,
    ...(options.artifactType ? { artifactType: options.artifactType } : {}),
    config: { mediaType: OCI_EMPTY, digest: options.configDigest, size: 2 },
    layers: layers.map((l) => ({
      mediaType: l.mediaType,
      digest: l.digest,
      size: l.size,
      ...(l.annotations ? { annotations: l.annotations } : {}),
    })),
    ...(options.subject
      ? {
          subject: {
            mediaType: options.subject.mediaType ?? OCI_MANIFEST,
            digest: options.subject.digest,
            size: options.subject.size,
          },
        }
      : {}),
  });
}

export interface ReferrersServer {
  url: string;
  host: string;
  /** Requests seen, as `METHOD path`. */
  requests: string[];
  close(): Promise<void>;
}

/**
 * A minimal anonymous registry on 127.0.0.1 that serves `GET /v2/`, manifests and blobs by digest
 * (and manifests by tag), and `GET /v2/<name>/referrers/<digest>` computed from the stored
 * manifests' `subject` fields, as OCI distribution 1.1 specifies.
 */
export async function startReferrersServer(
  repository: string,
  content: {
    manifests: Record<string, { body: string; mediaType: string }>;
    tags?: Record<string, string>;
    blobs: Buffer[];
  },
): Promise<ReferrersServer> {
  const manifests = new Map(Object.entries(content.manifests));
  const blobs = new Map(content.blobs.map((b) => [sha256(b), b]));
  const requests: string[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    requests.push(`${req.method} ${req.url}`);
    const send = (
      status: number,
      body: string | Buffer,
      type = 'application/json',
      extra: Record<string, string> = {},
    ) => {
      res.writeHead(status, {
        'content-type': type,
        'content-length': String(Buffer.byteLength(body)),
        ...extra,
      });
      res.end(req.method === 'HEAD' ? undefined : body);
    };
    if (path === '/v2/') return send(200, '{}');
    const prefix = `/v2/${repository}/`;
    if (!path.startsWith(prefix)) return send(404, '{"errors":[{"code":"NAME_UNKNOWN"}]}');
    const [kind, ref] = path.slice(prefix.length).split('/');
    if (kind === 'referrers' && ref) {
      const found = [...manifests.entries()]
        .filter(([, m]) => (JSON.parse(m.body) as { subject?: { digest?: string } }).subject?.digest === ref)
        .map(([digest, m]) => {
          const parsed = JSON.parse(m.body) as {
            artifactType?: string;
            annotations?: Record<string, string>;
          };
          return {
            mediaType: m.mediaType,
            digest,
            size: Buffer.byteLength(m.body),
            ...(parsed.artifactType ? { artifactType: parsed.artifactType } : {}),
            ...(parsed.annotations ? { annotations: parsed.annotations } : {}),
          };
        });
      return send(
        200,
        JSON.stringify({ schemaVersion: 2, mediaType: OCI_INDEX, manifests: found }),
        OCI_INDEX,
      );
    }
    if (kind === 'manifests' && ref) {
      const digest = ref.startsWith('sha256:') ? ref : content.tags?.[ref];
      const manifest = digest ? manifests.get(digest) : undefined;
      if (!manifest) return send(404, '{"errors":[{"code":"MANIFEST_UNKNOWN"}]}');
      return send(200, manifest.body, manifest.mediaType, { 'docker-content-digest': digest! });
    }
    if (kind === 'blobs' && ref) {
      const blob = blobs.get(ref);
      if (!blob) return send(404, '{"errors":[{"code":"BLOB_UNKNOWN"}]}');
      return send(200, blob, 'application/octet-stream');
    }
    return send(404, '{}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    host: `127.0.0.1:${port}`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
