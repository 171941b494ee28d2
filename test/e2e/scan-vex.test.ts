import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import type { ScanResult } from '../../src/matching/types.js';
import { runCli } from '../helpers/cli.js';
import { fixture } from '../helpers/paths.js';
import { skopeoCopy, startRegistry, type TestRegistry } from '../helpers/registry.js';
import { artifactManifest, DSSE, pushBlob, pushManifest, vexEnvelope } from '../helpers/vex-registry.js';

/**
 * VEX from every place a user keeps it, applied by `keelson scan` to the real alpine:3.10 image matched
 * against Alpine's 3.10 secdb: files in the three formats, a VEX repository on disk, and attestations
 * attached to the image in a real registry. A suppressed finding stays in the result, marked.
 */
const openVex = (vuln: string, status: string, product: string, timestamp: string) => ({
  '@context': 'https://openvex.dev/ns/v0.2.0',
  '@id': `https://example.com/vex/${vuln}`,
  author: 'keelson tests',
  timestamp,
  version: 1,
  statements: [
    {
      vulnerability: { name: vuln },
      products: [{ '@id': product }],
      status,
      ...(status === 'not_affected' ? { justification: 'vulnerable_code_not_in_execute_path' } : {}),
    },
  ],
});

describe('keelson scan with VEX', () => {
  let work: string;
  let dbDir: string;
  const image = fixture('images', 'alpine-310.tar.gz');

  const scan = async (...args: string[]) => {
    const res = await runCli(['scan', ...args, '--db-dir', dbDir, '--format', 'json', '--no-cache']);
    assert.equal(res.code, 0, res.stderr);
    return JSON.parse(res.stdout) as ScanResult;
  };
  const suppressed = (r: ScanResult) =>
    r.findings.filter((f) => f.suppressed).map((f) => `${f.package.name} ${f.id} ${f.suppressed!.kind}`);

  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'keelson-scan-vex-'));
    dbDir = join(work, 'db');
    const res = await runCli(['db', 'import', fixture('feeds', 'alpine-3.10'), '--db-dir', dbDir]);
    assert.equal(res.code, 0, res.stderr);
  });
  after(() => rm(work, { recursive: true, force: true }));

  test('OpenVEX file: not_affected suppresses only the named package; the rest stays actionable', async () => {
    const file = join(work, 'openvex.json');
    await writeFile(
      file,
      JSON.stringify(
        openVex('CVE-2021-3449', 'not_affected', 'pkg:apk/alpine/libssl1.1', '2026-01-01T00:00:00Z'),
      ),
    );
    const result = await scan(image, '--vex', file);
    assert.deepEqual(suppressed(result), ['libssl1.1 CVE-2021-3449 vex']);
    assert.equal(result.summary.raw, 20);
    assert.equal(result.summary.actionable, 19);
    const f = result.findings.find((x) => x.suppressed)!;
    assert.equal(f.suppressed?.justification, 'vulnerable_code_not_in_execute_path');
    assert.equal(f.vex?.origin, file);
  });

  test('CSAF VEX and CycloneDX VEX are read too; the latest statement wins', async () => {
    const csaf = join(work, 'csaf.json');
    await writeFile(
      csaf,
      JSON.stringify({
        document: {
          category: 'csaf_vex',
          csaf_version: '2.0',
          title: 'test',
          publisher: { category: 'vendor', name: 'keelson tests', namespace: 'https://example.com' },
          tracking: {
            id: 'T-1',
            status: 'final',
            version: '1',
            initial_release_date: '2026-01-01T00:00:00Z',
            current_release_date: '2026-02-01T00:00:00Z',
            revision_history: [{ date: '2026-02-01T00:00:00Z', number: '1', summary: 'x' }],
          },
        },
        product_tree: {
          full_product_names: [
            {
              product_id: 'MUSL',
              name: 'musl',
              product_identification_helper: { purl: 'pkg:apk/alpine/musl' },
            },
          ],
        },
        vulnerabilities: [
          {
            cve: 'CVE-2020-28928',
            product_status: { known_not_affected: ['MUSL'] },
            flags: [{ label: 'vulnerable_code_not_present', product_ids: ['MUSL'] }],
          },
        ],
      }),
    );
    const cdx = join(work, 'cdx.json');
    await writeFile(
      cdx,
      JSON.stringify({
        bomFormat: 'CycloneDX',
        specVersion: '1.6',
        version: 1,
        components: [
          { 'bom-ref': 'apk-tools', type: 'library', name: 'apk-tools', purl: 'pkg:apk/alpine/apk-tools' },
        ],
        vulnerabilities: [
          {
            id: 'CVE-2021-36159',
            analysis: { state: 'resolved' },
            affects: [{ ref: 'apk-tools' }],
          },
        ],
      }),
    );
    // Two OpenVEX statements about the same finding: the later one (affected) wins over not_affected.
    const older = join(work, 'older.json');
    const newer = join(work, 'newer.json');
    await writeFile(
      older,
      JSON.stringify(
        openVex('CVE-2021-28831', 'not_affected', 'pkg:apk/alpine/busybox', '2026-01-01T00:00:00Z'),
      ),
    );
    await writeFile(
      newer,
      JSON.stringify(openVex('CVE-2021-28831', 'affected', 'pkg:apk/alpine/busybox', '2026-03-01T00:00:00Z')),
    );
    const result = await scan(image, '--vex', csaf, '--vex', cdx, '--vex', newer, '--vex', older);
    assert.deepEqual(suppressed(result).sort(), ['apk-tools CVE-2021-36159 vex', 'musl CVE-2020-28928 vex']);
    const busybox = result.findings.find((f) => f.package.name === 'busybox' && f.id === 'CVE-2021-28831')!;
    assert.equal(busybox.vex?.status, 'affected');
    assert.equal(busybox.suppressed, undefined);
  });

  test('a VEX repository on disk (VEX Hub layout) supplies statements for the image packages', async () => {
    const repo = join(work, 'vex-repo');
    await mkdir(join(repo, 'pkg', 'apk', 'alpine', 'libcrypto1.1'), { recursive: true });
    await writeFile(
      join(repo, 'vex-repository.json'),
      JSON.stringify({
        name: 'Test VEX Hub',
        versions: [{ spec_version: '0.1', locations: [{ url: 'https://example.com/vexhub.tar.gz' }] }],
      }),
    );
    await writeFile(
      join(repo, 'index.json'),
      JSON.stringify({
        updated_at: '2026-01-01T00:00:00Z',
        packages: [{ id: 'pkg:apk/alpine/libcrypto1.1', location: 'pkg/apk/alpine/libcrypto1.1/vex.json' }],
      }),
    );
    await writeFile(
      join(repo, 'pkg', 'apk', 'alpine', 'libcrypto1.1', 'vex.json'),
      JSON.stringify(
        openVex('CVE-2021-3450', 'not_affected', 'pkg:apk/alpine/libcrypto1.1', '2026-01-01T00:00:00Z'),
      ),
    );
    const result = await scan(image, '--vex-repo', repo);
    assert.deepEqual(suppressed(result), ['libcrypto1.1 CVE-2021-3450 vex']);
  });

  test('a broken VEX file is exit 2 naming the file', async () => {
    const bad = join(work, 'bad-vex.json');
    await writeFile(bad, '{"@context": "https://openvex.dev/ns/v0.2.0", "statements": [');
    const res = await runCli(['scan', image, '--db-dir', dbDir, '--vex', bad, '--no-cache']);
    assert.equal(res.code, 2);
    assert.match(res.stderr, /bad-vex\.json/);
  });

  describe('attestations in a real registry (--vex-referrers)', () => {
    let registry: TestRegistry;
    let reference: string;

    before(async () => {
      registry = await startRegistry();
      const tar = join(work, 'alpine-310.tar');
      await writeFile(tar, gunzipSync(await readFile(image)));
      reference = `${registry.host}/vex/alpine:3.10`;
      await skopeoCopy(`docker-archive:${tar}`, `docker://${reference}`);
      const inspected = await runCli(['inspect', reference, '--format', 'json', '--no-cache']);
      assert.equal(inspected.code, 0, inspected.stderr);
      const subject = (JSON.parse(inspected.stdout) as { image: { manifestDigest: string } }).image
        .manifestDigest;
      const envelope = vexEnvelope(
        subject,
        openVex('CVE-2021-30139', 'not_affected', 'pkg:apk/alpine/apk-tools', '2026-01-01T00:00:00Z'),
      );
      const layer = await pushBlob(registry.url, 'vex/alpine', envelope);
      const config = await pushBlob(registry.url, 'vex/alpine', '{}');
      const manifest = artifactManifest(
        [
          {
            ...layer,
            bytes: envelope,
            mediaType: DSSE,
            annotations: { predicateType: 'https://openvex.dev/ns/v0.2.0' },
          },
        ],
        { configDigest: config.digest },
      );
      // cosign's convention: the attestation is tagged sha256-<hex>.att next to the image.
      await pushManifest(registry.url, 'vex/alpine', `${subject.replace(':', '-')}.att`, manifest);
    });
    after(() => registry?.stop());

    test('the image attestation suppresses its finding only when asked for', async () => {
      const without = await scan(reference);
      assert.deepEqual(suppressed(without), []);
      const withVex = await scan(reference, '--vex-referrers');
      assert.deepEqual(suppressed(withVex), ['apk-tools CVE-2021-30139 vex']);
      assert.match(withVex.findings.find((f) => f.suppressed)!.suppressed!.origin ?? '', /^referrer:sha256:/);
    });
  });
});
