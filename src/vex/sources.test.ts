import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fixture } from '../../test/helpers/paths.js';
import { skopeoCopy, startRegistry, type TestRegistry } from '../../test/helpers/registry.js';
import {
  artifactManifest,
  DSSE,
  IN_TOTO,
  OCI_INDEX,
  OCI_MANIFEST,
  pushBlob,
  pushManifest,
  type ReferrersServer,
  sha256,
  startReferrersServer,
  vexEnvelope,
} from '../../test/helpers/vex-registry.js';
import { KeelsonError } from '../core/errors.js';
import { openRegistryImage } from '../image/registry/source.js';
import type { ImageSource } from '../image/types.js';
import { imagePurlCandidates, resolveVex } from './apply.js';
import { fetchReferrerVex, readVexRepository } from './sources.js';

const BUSYBOX_PURL = 'pkg:apk/alpine/busybox@1.37.0-r19?arch=x86_64&distro=alpine-3.22.1';

async function put(path: string, content: string | Buffer): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, content);
}

describe('readVexRepository', () => {
  let dir: string;
  let root: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'keelson-vex-repo-'));
    root = join(dir, 'advisories-main');
    const alpineBase = await readFile(fixture('vex', 'dhi', 'dhi-alpine-base.vex.json'));
    // DHI's manifest shape: `versions` as an array, the index under the `//advisories-main` subdirectory.
    await put(
      join(dir, 'vex-repository.json'),
      JSON.stringify({
        name: 'DHI VEX Hub',
        description: 'VEX Repository for Docker Hardened Images',
        versions: [
          {
            spec_version: '0.1',
            locations: [
              {
                url: 'https://github.com/docker-hardened-images/advisories/archive/refs/heads/main.tar.gz//advisories-main',
              },
            ],
            update_interval: '4h',
          },
        ],
      }),
    );
    await put(join(dir, 'outside.json'), alpineBase);
    await put(
      join(root, 'index.json'),
      JSON.stringify({
        updated_at: '2026-04-30T16:53:52Z',
        packages: [
          {
            id: 'pkg:apk/alpine/busybox',
            location: 'pkg/apk/alpine/busybox/busybox.vex.json',
            format: 'openvex',
          },
          {
            id: 'pkg:oci/alpine-base?repository_url=dhi.io',
            location: 'pkg/oci/dhi.io/alpine-base/dhi-alpine-base.vex.json',
          },
          {
            id: 'pkg:deb/debian/lib32stdc%2b%2b6',
            location: 'pkg/deb/debian/lib32stdc%2b%2b6/lib32stdc++6.vex.json',
          },
          { id: 'pkg:deb/debian/evil', location: '../outside.json' },
          { id: 'pkg:deb/debian/broken', location: 'pkg/deb/debian/broken/broken.vex.json' },
          { id: 'pkg:npm/cli', location: 'pkg/npm/cli/csaf.json', format: 'csaf' },
          { id: 'not a purl', location: 'x.json' },
        ],
      }),
    );
    await put(join(root, 'pkg/apk/alpine/busybox/busybox.vex.json'), alpineBase);
    await put(join(root, 'pkg/oci/dhi.io/alpine-base/dhi-alpine-base.vex.json'), alpineBase);
    await put(
      join(root, 'pkg/deb/debian/lib32stdc++6/lib32stdc++6.vex.json'),
      JSON.stringify({
        '@context': 'https://openvex.dev/ns/v0.2.0',
        statements: [
          {
            vulnerability: { name: 'CVE-2022-27943' },
            products: [{ '@id': 'pkg:deb/debian/lib32stdc%2B%2B6' }],
            status: 'not_affected',
            justification: 'vulnerable_code_not_in_execute_path',
          },
        ],
      }),
    );
    await put(join(root, 'pkg/deb/debian/broken/broken.vex.json'), '{"statements": 5}');
    await put(
      join(root, 'pkg/npm/cli/csaf.json'),
      await readFile(fixture('vex', 'csaf', 'authored-csaf-vex.json')),
    );
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test('reads only the documents indexed for the given purls', async () => {
    const result = await readVexRepository(dir, [BUSYBOX_PURL]);
    assert.deepEqual(result.sources, [join(await realRoot(), 'pkg/apk/alpine/busybox/busybox.vex.json')]);
    assert.equal(result.statements.length, 4);
    assert.ok(result.statements.every((s) => s.origin === 'vex-repository:DHI VEX Hub'));
    assert.equal(
      resolveVex(result.statements, { vulnerabilityIds: ['CVE-2024-58251'], packagePurl: BUSYBOX_PURL })
        ?.status,
      'under_investigation',
    );
    assert.deepEqual(result.skipped, []);
  });

  test('image-level entries need the image purls; percent-encoded locations; other formats', async () => {
    const images = imagePurlCandidates('dhi.io', 'alpine-base');
    const result = await readVexRepository(
      dir,
      [...images, 'pkg:deb/debian/lib32stdc++6@12.2.0-14?distro=debian-12', 'pkg:npm/cli@2'],
      {
        name: 'dhi',
      },
    );
    const base = await realRoot();
    assert.deepEqual(result.sources, [
      join(base, 'pkg/oci/dhi.io/alpine-base/dhi-alpine-base.vex.json'),
      join(base, 'pkg/deb/debian/lib32stdc++6/lib32stdc++6.vex.json'),
      join(base, 'pkg/npm/cli/csaf.json'),
    ]);
    assert.deepEqual(result.statements.map((s) => [s.format, s.vulnerability]).slice(4, 6), [
      ['openvex', 'CVE-2022-27943'],
      ['csaf', 'CVE-2023-5678'],
    ]);
    assert.ok(result.statements.every((s) => s.origin === 'vex-repository:dhi'));
  });

  test('locations outside the repository and broken documents are skipped', async () => {
    const result = await readVexRepository(dir, ['pkg:deb/debian/evil@1', 'pkg:deb/debian/broken@1']);
    assert.deepEqual(result.statements, []);
    assert.deepEqual(
      result.skipped.map((s) => [s.source.replace(/^.*\/advisories-main\//, ''), s.reason.slice(0, 40)]),
      [
        ['../outside.json', 'missing, or outside the repository'],
        ['pkg/deb/debian/broken/broken.vex.json', 'invalid OpenVEX document: statements: ex'],
      ],
    );
  });

  test('spec layout (versions map, index at the root); missing or invalid index', async () => {
    const spec = join(dir, 'spec');
    await put(
      join(spec, 'vex-repository.json'),
      JSON.stringify({
        name: 'Spec',
        description: 'd',
        versions: {
          v0: {
            spec_version: 'v0.1',
            locations: [{ url: 'https://e.com/v0.tar.gz' }],
            update_interval: '24h',
          },
        },
        latest_version: 'v0',
      }),
    );
    await put(
      join(spec, 'index.json'),
      JSON.stringify({
        updated_at: 'x',
        packages: [{ id: 'pkg:npm/cli', location: 'cli.json', format: 'csaf' }],
      }),
    );
    await put(join(spec, 'cli.json'), await readFile(fixture('vex', 'csaf', 'authored-csaf-vex.json')));
    const result = await readVexRepository(spec, ['pkg:npm/cli@1']);
    assert.equal(result.statements.length, 6);
    assert.equal(result.statements[0]?.origin, 'vex-repository:Spec');

    const empty = join(dir, 'empty');
    await mkdir(empty);
    await assert.rejects(
      readVexRepository(empty, []),
      (err: unknown) => err instanceof KeelsonError && err.code === 'TARGET_NOT_FOUND',
    );
    const bad = join(dir, 'bad');
    await put(join(bad, 'index.json'), '{"packages": [{"id": "pkg:npm/x"}]}');
    await assert.rejects(readVexRepository(bad, []), (err: unknown) => {
      assert.ok(err instanceof KeelsonError);
      assert.equal(err.code, 'PARSE_ERROR');
      assert.match(err.message, /packages\.0: a package needs an id and a location/);
      return true;
    });
  });

  async function realRoot(): Promise<string> {
    const { realpath } = await import('node:fs/promises');
    return realpath(root);
  }
});

/** OpenVEX documents used as attestation predicates. */
function openVex(id: string, status: string, purl: string, timestamp: string) {
  return {
    '@context': 'https://openvex.dev/ns/v0.2.0',
    '@id': `https://example.com/vex/${id}`,
    author: 'keelson tests',
    timestamp,
    version: 1,
    statements: [
      {
        vulnerability: { name: id },
        products: [{ '@id': purl }],
        status,
        justification: 'component_not_present',
      },
    ],
  };
}

describe('fetchReferrerVex against a real registry (distribution 2.8: no referrers API)', () => {
  let registry: TestRegistry;
  let source: ImageSource;
  let subject: string;
  let subjectSize: number;
  let emptyConfig: string;

  before(async () => {
    registry = await startRegistry();
    await skopeoCopy(
      `oci-archive:${fixture('images', 'oci-busybox-1.31.1.tar')}`,
      `docker://${registry.host}/vex/busybox:1`,
    );
    source = await openRegistryImage(`${registry.host}/vex/busybox:1`);
    subject = source.identity.manifestDigest!;
    subjectSize = 347;
    emptyConfig = (await pushBlob(registry.url, 'vex/busybox', '{}')).digest;
  });
  after(async () => {
    await source?.close();
    await registry?.stop();
  });

  test('cosign .att tag and the OCI referrers tag schema (sha256-<hex> index) both deliver VEX', async () => {
    const repo = 'vex/busybox';
    // (1) cosign: tag sha256-<hex>.att, layers are DSSE envelopes.
    const cosignEnvelope = vexEnvelope(
      subject,
      openVex('CVE-2024-1111', 'not_affected', 'pkg:apk/alpine/busybox', '2024-05-01T00:00:00Z'),
    );
    const cosignLayer = await pushBlob(registry.url, repo, cosignEnvelope);
    const cosignManifest = artifactManifest(
      [
        {
          ...cosignLayer,
          bytes: cosignEnvelope,
          mediaType: DSSE,
          annotations: { predicateType: 'https://openvex.dev/ns/v0.2.0' },
        },
      ],
      { configDigest: emptyConfig },
    );
    const cosignDigest = await pushManifest(
      registry.url,
      repo,
      `${subject.replace(':', '-')}.att`,
      cosignManifest,
    );

    // (2) OCI 1.1 referrer with `subject`, listed in the sha256-<hex> fallback index.
    const vexPayload = vexEnvelope(
      subject,
      openVex('CVE-2024-2222', 'fixed', 'pkg:apk/alpine/busybox@1.31.1-r9', '2024-06-01T00:00:00Z'),
    );
    const vexLayer = await pushBlob(registry.url, repo, vexPayload);
    const vexManifest = artifactManifest(
      [
        {
          ...vexLayer,
          bytes: vexPayload,
          mediaType: IN_TOTO,
          annotations: { 'in-toto.io/predicate-type': 'https://openvex.dev/ns/v0.2.0' },
        },
      ],
      {
        configDigest: emptyConfig,
        artifactType: 'application/vnd.in-toto+json',
        subject: { digest: subject, size: subjectSize },
      },
    );
    const vexDigest = await pushManifest(registry.url, repo, sha256(vexManifest), vexManifest);
    // An SBOM attestation (skipped by its predicate annotation) and a broken DSSE layer.
    const sbomPayload = vexEnvelope(subject, { spdxVersion: 'SPDX-2.3' }, 'https://spdx.dev/Document');
    const sbomLayer = await pushBlob(registry.url, repo, sbomPayload);
    const sbomManifest = artifactManifest(
      [
        {
          ...sbomLayer,
          bytes: sbomPayload,
          mediaType: IN_TOTO,
          annotations: { 'in-toto.io/predicate-type': 'https://spdx.dev/Document' },
        },
      ],
      {
        configDigest: emptyConfig,
        artifactType: 'application/vnd.in-toto+json',
        subject: { digest: subject, size: subjectSize },
      },
    );
    const sbomDigest = await pushManifest(registry.url, repo, sha256(sbomManifest), sbomManifest);
    const brokenPayload = JSON.stringify({ payloadType: 'application/vnd.in-toto+json', payload: '%%%' });
    const brokenLayer = await pushBlob(registry.url, repo, brokenPayload);
    const brokenManifest = artifactManifest([{ ...brokenLayer, bytes: brokenPayload, mediaType: DSSE }], {
      configDigest: emptyConfig,
      artifactType: 'application/vnd.in-toto+json',
      subject: { digest: subject, size: subjectSize },
    });
    const brokenDigest = await pushManifest(registry.url, repo, sha256(brokenManifest), brokenManifest);
    const descriptor = (digest: string, body: string, annotations?: Record<string, string>) => ({
      mediaType: OCI_MANIFEST,
      digest,
      size: Buffer.byteLength(body),
      artifactType: 'application/vnd.in-toto+json',
      ...(annotations ? { annotations } : {}),
    });
    const fallbackIndex = JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_INDEX,
      manifests: [
        descriptor(vexDigest, vexManifest),
        descriptor(sbomDigest, sbomManifest, { 'in-toto.io/predicate-type': 'https://spdx.dev/Document' }),
        descriptor(brokenDigest, brokenManifest),
      ],
    });
    await pushManifest(registry.url, repo, subject.replace(':', '-'), fallbackIndex, OCI_INDEX);

    const result = await fetchReferrerVex(source);
    assert.deepEqual(
      result.statements.map((s) => [s.vulnerability, s.status, s.origin, s.products[0]]),
      [
        ['CVE-2024-2222', 'fixed', `referrer:${vexDigest}`, 'pkg:apk/alpine/busybox@1.31.1-r9'],
        ['CVE-2024-1111', 'not_affected', `referrer:${cosignDigest}`, 'pkg:apk/alpine/busybox'],
      ],
    );
    assert.deepEqual(result.sources, [`referrer:${vexDigest}`, `referrer:${cosignDigest}`]);
    assert.equal(result.skipped.length, 1);
    assert.match(result.skipped[0]?.source ?? '', new RegExp(`^referrer:${brokenDigest}`));
    assert.match(result.skipped[0]?.reason ?? '', /not base64/);
  });
});

describe('fetchReferrerVex against a local server with the OCI 1.1 referrers API', () => {
  let server: ReferrersServer;
  const repo = 'vex/app';
  const subjectManifest = JSON.stringify({
    schemaVersion: 2,
    mediaType: OCI_MANIFEST,
    config: {},
    layers: [],
  });
  const subject = sha256(subjectManifest);
  const envelope = vexEnvelope(
    subject,
    openVex('CVE-2025-3333', 'not_affected', 'pkg:npm/left-pad@1.3.0', '2025-01-01T00:00:00Z'),
  );
  // A bare (unsigned) in-toto statement as the layer.
  const bare = Buffer.from(JSON.parse(envelope).payload, 'base64');
  const config = Buffer.from('{}');

  before(async () => {
    const layer = (bytes: Buffer | string, mediaType: string) => ({
      bytes: bytes.toString(),
      mediaType,
      digest: sha256(bytes),
      size: Buffer.byteLength(bytes),
    });
    const signed = artifactManifest([layer(envelope, DSSE)], {
      configDigest: sha256(config),
      artifactType: 'application/vnd.in-toto+json',
      subject: { digest: subject, size: Buffer.byteLength(subjectManifest) },
    });
    const unsigned = artifactManifest([layer(bare, IN_TOTO)], {
      configDigest: sha256(config),
      artifactType: 'application/vnd.in-toto+json',
      subject: { digest: subject, size: Buffer.byteLength(subjectManifest) },
    });
    const signature = artifactManifest([layer('sig', 'application/octet-stream')], {
      configDigest: sha256(config),
      artifactType: 'application/vnd.dev.cosign.artifact.sig.v1+json',
      subject: { digest: subject, size: Buffer.byteLength(subjectManifest) },
    });
    server = await startReferrersServer(repo, {
      manifests: {
        [subject]: { body: subjectManifest, mediaType: OCI_MANIFEST },
        [sha256(signed)]: { body: signed, mediaType: OCI_MANIFEST },
        [sha256(unsigned)]: { body: unsigned, mediaType: OCI_MANIFEST },
        [sha256(signature)]: { body: signature, mediaType: OCI_MANIFEST },
      },
      tags: { v1: subject },
      blobs: [Buffer.from(envelope), bare, config, Buffer.from('sig')],
    });
  });
  after(async () => {
    await server?.close();
  });

  test('reads DSSE and bare in-toto referrers, skips signatures', async () => {
    const fake: ImageSource = {
      identity: {
        target: `${server.host}/${repo}:v1`,
        sourceType: 'registry',
        reference: `${server.host}/${repo}:v1@${subject}`,
        manifestDigest: subject,
        annotations: {},
      },
      config: {} as ImageSource['config'],
      layers: [],
      openLayer: () => Promise.reject(new Error('unused')),
      close: () => Promise.resolve(),
    };
    const result = await fetchReferrerVex(fake);
    assert.equal(result.statements.length, 2);
    assert.ok(
      result.statements.every((s) => s.vulnerability === 'CVE-2025-3333' && s.status === 'not_affected'),
    );
    assert.ok(server.requests.includes(`GET /v2/${repo}/referrers/${subject}`));
    // The signature referrer's manifest was never fetched.
    assert.ok(!server.requests.some((r) => r.includes('application') || r.endsWith(sha256('sig'))));
    assert.deepEqual(result.skipped, []);
  });

  test('images that are not from a registry have no referrers', async () => {
    const local = {
      identity: { target: 'x.tar', sourceType: 'docker-archive', annotations: {} },
    } as unknown as ImageSource;
    assert.deepEqual(await fetchReferrerVex(local), { statements: [], sources: [], skipped: [] });
  });
});
