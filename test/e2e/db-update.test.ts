import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { serveRoutes, type TestServer } from '../../src/advisories/feeds/test-sink.js';
import { runCli } from '../helpers/cli.js';
import { fixture } from '../helpers/paths.js';

/**
 * `keelson db update` over HTTP, through the CLI, against a local mirror serving real feed samples in
 * the upstream layout: downloads, imports, reports per source, and keeps the old data of a source whose
 * download fails.
 */
describe('keelson db update from a mirror', () => {
  let work: string;
  let mirror: TestServer;
  const alpine = (name: string) => readFileSync(fixture('feeds', 'distro', 'alpine-secdb', name));

  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'keelson-db-update-'));
    mirror = await serveRoutes({
      '/': alpine('index.html'),
      '/v3.11/': alpine('311.html'),
      '/v3.11/main.json': alpine('311-main.json'),
      '/v3.11/community.json': alpine('311-community.json'),
      '/v3.12/': alpine('312.html'),
      '/v3.12/main.json': alpine('312-main.json'),
      '/v3.12/community.json': alpine('312-community.json'),
      '/edge/': alpine('edge.html'),
      '/edge/main.json': alpine('edge-main.json'),
      '/edge/community.json': alpine('edge-community.json'),
      '/echo/data.json': readFileSync(fixture('feeds', 'distro', 'echo', 'data.json')),
    });
  });
  after(async () => {
    await mirror?.close();
    await rm(work, { recursive: true, force: true });
  });

  test('downloads and imports each named source from its mirror', async () => {
    const dbDir = join(work, 'db');
    const res = await runCli([
      'db',
      'update',
      '--db-dir',
      dbDir,
      '--source',
      'alpine-secdb',
      '--source',
      'echo',
      '--mirror',
      mirror.baseUrl,
      '--mirror',
      `echo=${mirror.baseUrl}/echo`,
    ]);
    assert.equal(res.code, 0, res.stderr);
    assert.match(res.stderr, /alpine-secdb: \d+ advisories/);
    assert.match(res.stderr, /echo: \d+ advisories/);
    assert.ok(mirror.requests.includes('/v3.12/main.json'));
    assert.ok(mirror.requests.includes('/echo/data.json'));
    const status = await runCli(['db', 'status', '--db-dir', dbDir, '--format', 'json']);
    const sources = (JSON.parse(status.stdout) as { sources: { name: string; origin: string }[] }).sources;
    assert.deepEqual(
      sources.map((s) => [s.name, s.origin]),
      [
        ['alpine-secdb', mirror.baseUrl],
        ['echo', `${mirror.baseUrl}/echo`],
      ],
    );
  });

  test('a source whose download fails keeps its previous data; exit 2 names it', async () => {
    const dbDir = join(work, 'db-fail');
    const first = await runCli([
      'db',
      'update',
      '--db-dir',
      dbDir,
      '--source',
      'echo',
      '--mirror',
      `${mirror.baseUrl}/echo`,
    ]);
    assert.equal(first.code, 0, first.stderr);
    const again = await runCli([
      'db',
      'update',
      '--db-dir',
      dbDir,
      '--source',
      'echo',
      '--mirror',
      `${mirror.baseUrl}/nothing-here`,
    ]);
    assert.equal(again.code, 2);
    assert.match(again.stderr, /echo: .*HTTP 404.*previous data kept/);
    const status = await runCli(['db', 'status', '--db-dir', dbDir, '--format', 'json']);
    const echo = (JSON.parse(status.stdout) as { sources: { name: string; origin: string }[] }).sources[0];
    assert.equal(echo?.origin, `${mirror.baseUrl}/echo`);
  });

  test('bad arguments are exit 2 with a reason', async () => {
    const unknown = await runCli(['db', 'update', '--db-dir', join(work, 'x'), '--source', 'nosuch']);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /unknown feed source "nosuch"/);
    const badUrl = await runCli(['db', 'update', '--db-dir', join(work, 'x'), '--mirror', 'ftp://example']);
    assert.equal(badUrl.code, 2);
    assert.match(badUrl.stderr, /--mirror "ftp:\/\/example" is not an http\(s\) URL/);
  });
});
