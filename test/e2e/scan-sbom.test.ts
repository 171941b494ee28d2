import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { ScanResult } from '../../src/matching/types.js';
import { runCli } from '../helpers/cli.js';
import { fixture } from '../helpers/paths.js';

/** An SBOM keelson wrote of the real alpine 3.10 image, scanned: the same 20 findings as the image itself. */
describe("keelson scan SBOM: keelson's own CycloneDX and SPDX of alpine 3.10", () => {
  let work: string;
  let dbDir: string;
  let fromImage: string[];
  const image = fixture('images', 'alpine-310.tar.gz');
  const findings = (r: ScanResult) =>
    r.findings
      .map((f) => `${f.id} ${f.package.name} ${f.package.version} ${f.fixedVersions.join(',')}`)
      .sort();

  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'keelson-scan-sbom-'));
    dbDir = join(work, 'db');
    const imported = await runCli(['db', 'import', fixture('feeds', 'alpine-3.10'), '--db-dir', dbDir]);
    assert.equal(imported.code, 0, imported.stderr);
    const res = await runCli(['scan', image, '--db-dir', dbDir, '--format', 'json', '--no-cache']);
    assert.equal(res.code, 0, res.stderr);
    fromImage = findings(JSON.parse(res.stdout) as ScanResult);
    assert.equal(fromImage.length, 20);
  });
  after(() => rm(work, { recursive: true, force: true }));

  for (const format of ['cyclonedx', 'spdx']) {
    test(`${format}: exactly the image's 20 findings`, async () => {
      const sbom = join(work, `alpine.${format}.json`);
      const written = await runCli(['sbom', image, '--format', format, '-o', sbom, '--no-cache']);
      assert.equal(written.code, 0, written.stderr);
      const res = await runCli(['scan', sbom, '--db-dir', dbDir, '--format', 'json']);
      assert.equal(res.code, 0, res.stderr);
      const result = JSON.parse(res.stdout) as ScanResult;
      assert.deepEqual(findings(result), fromImage);
      for (const f of result.findings) assert.equal(f.match.namespace, 'alpine:3.10');
    });
  }

  test('an invalid SBOM is a clear error naming the file, exit 2', async () => {
    const bad = join(work, 'bad.json');
    await import('node:fs/promises').then((fs) => fs.writeFile(bad, '{"bomFormat": "CycloneDX", "comp'));
    const res = await runCli(['scan', bad, '--db-dir', dbDir]);
    assert.equal(res.code, 2);
    assert.match(res.stderr, /bad\.json/);
    assert.match(res.stderr, /not valid UTF-8 JSON/);
  });
});
