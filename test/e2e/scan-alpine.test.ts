import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { ScanResult } from '../../src/matching/types.js';
import { runCli } from '../helpers/cli.js';
import { fixture } from '../helpers/paths.js';

/**
 * The real alpine:3.10 image against Alpine's v3.10 secdb records for its packages, through the CLI:
 * the 20 findings the shared formats reference lists, found by origin name, reported per binary package.
 */
describe('keelson scan: real alpine 3.10 with the Alpine 3.10 secdb', () => {
  let work: string;
  let dbDir: string;
  const image = fixture('images', 'alpine-310.tar.gz');

  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'keelson-scan-alpine-'));
    dbDir = join(work, 'db');
    const imported = await runCli(['db', 'import', fixture('feeds', 'alpine-3.10'), '--db-dir', dbDir]);
    assert.equal(imported.code, 0, imported.stderr);
    assert.match(imported.stderr, /alpine-secdb: 1 advisories|alpine-secdb: \d+ advisories/);
  });
  after(() => rm(work, { recursive: true, force: true }));

  test('exactly the expected 20 findings, each fixed, looked up by origin in alpine:3.10', async () => {
    const res = await runCli(['scan', image, '--db-dir', dbDir, '--format', 'json', '--no-cache']);
    assert.equal(res.code, 0, res.stderr);
    const result = JSON.parse(res.stdout) as ScanResult;
    const openssl = ['CVE-2020-1967', 'CVE-2020-1971', 'CVE-2021-23839', 'CVE-2021-23840', 'CVE-2021-23841'];
    openssl.push('CVE-2021-3449', 'CVE-2021-3450');
    const expected = [
      ...openssl.flatMap((id) => [`libcrypto1.1 ${id}`, `libssl1.1 ${id}`]),
      'musl CVE-2020-28928',
      'musl-utils CVE-2020-28928',
      'busybox CVE-2021-28831',
      'ssl_client CVE-2021-28831',
      'apk-tools CVE-2021-30139',
      'apk-tools CVE-2021-36159',
    ].sort();
    const got = result.findings.map((f) => `${f.package.name} ${f.id}`).sort();
    assert.deepEqual(got, expected);
    assert.equal(result.summary.raw, 20);
    assert.equal(result.summary.actionable, 20);
    assert.equal(result.summary.fixable, 20);
    for (const f of result.findings) {
      assert.equal(f.match.namespace, 'alpine:3.10');
      assert.equal(f.match.nameKind, 'origin');
      assert.equal(f.match.scheme, 'apk');
      assert.equal(f.dataSource.source, 'alpine-secdb');
    }
    const ssl = result.findings.find((f) => f.package.name === 'libssl1.1' && f.id === 'CVE-2021-3449')!;
    assert.equal(ssl.match.lookupName, 'openssl');
    assert.deepEqual(ssl.fixedVersions, ['1.1.1k-r0']);
    assert.equal(ssl.package.version, '1.1.1d-r2');
  });

  test('the table ends with the raw → actionable summary line', async () => {
    const res = await runCli(['scan', image, '--db-dir', dbDir, '--no-cache']);
    assert.equal(res.code, 0, res.stderr);
    assert.match(
      res.stdout,
      /20 raw → 20 actionable: .*; 20 fixable; 0 inherited from base image; 0 suppressed\n$/,
    );
    assert.match(res.stdout, /CVE-2021-36159 +apk-tools +2\.10\.4-r2 +2\.10\.7-r0/);
  });

  test('explain prints the namespace, lookup name, range and scheme', async () => {
    const res = await runCli(['explain', image, 'cve-2021-3449', '--db-dir', dbDir, '--no-cache']);
    assert.equal(res.code, 0, res.stderr);
    assert.match(res.stdout, /namespace +alpine:3\.10 — Alpine 3\.10 from etc\/apk\/repositories/);
    assert.match(res.stdout, /looked up +origin name "openssl"/);
    assert.match(res.stdout, /affected +< 1\.1\.1k-r0 \(apk version order\)/);
    assert.match(res.stdout, /libcrypto1\.1 1\.1\.1d-r2/);
    assert.match(res.stdout, /libssl1\.1 1\.1\.1d-r2/);
  });

  test('explain of an id the image does not have is exit 2 with a reason', async () => {
    const res = await runCli(['explain', image, 'CVE-1999-0001', '--db-dir', dbDir, '--no-cache']);
    assert.equal(res.code, 2);
    assert.match(res.stderr, /CVE-1999-0001 was not found/);
  });

  test('without a database the scan says how to get one (exit 2)', async () => {
    const res = await runCli(['scan', image, '--db-dir', join(work, 'none'), '--no-cache']);
    assert.equal(res.code, 2);
    assert.match(
      res.stderr,
      /no advisory database .* run `keelson db update`, or `keelson db import FILE` offline/,
    );
  });

  test('db status lists the source with its counts', async () => {
    const res = await runCli(['db', 'status', '--db-dir', dbDir, '--format', 'json']);
    assert.equal(res.code, 0, res.stderr);
    const status = JSON.parse(res.stdout) as { sources: { name: string; counts: { affected: number } }[] };
    assert.equal(status.sources[0]?.name, 'alpine-secdb');
    assert.ok(status.sources[0]!.counts.affected >= 20);
  });
});
