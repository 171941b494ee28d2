import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { gunzipSync, gzipSync } from 'node:zlib';
import { apkRecord, writeApkImage } from '../helpers/apk-image.js';
import { runCli } from '../helpers/cli.js';
import { fixture, repoRoot } from '../helpers/paths.js';
import { findingLines, scanJson } from '../helpers/scan-cli.js';
import { tarEntries } from '../helpers/tar-writer.js';

/**
 * Hostile and interrupted advisory-database input through the real CLI: invalid, wrong-typed and
 * oversized feeds, a feed with 10^6 secfixes entries, unsafe and truncated archives, a database update
 * killed half-way, a damaged database and a tampered bundle. Every feed here is SYNTHETIC (invented
 * package names and CVE-2099-… ids).
 */

const SYNTHETIC = 'SYNTHETIC test data written for keelson e2e tests; ids, names and versions are invented.';
const WOLFI_PREFIX = 'https://packages.wolfi.dev';

function wolfiSecdb(packages: unknown[]): string {
  return JSON.stringify({ _synthetic: SYNTHETIC, reponame: 'os', urlprefix: WOLFI_PREFIX, packages });
}

/** The "old" data: synthcore fixed above the installed 2.0.0-r1. */
const OLD_FEED = wolfiSecdb([{ pkg: { name: 'synthcore', secfixes: { '2.0.0-r2': ['CVE-2099-0101'] } } }]);
const OLD_FINDING = 'synthcore CVE-2099-0101 affected fix=2.0.0-r2 ns=wolfi lookup=synthcore src=wolfi-secdb';

const BIG_PACKAGES = 1000;
const BIG_VERSIONS = 1000;

/**
 * 10^6 secfixes entries: 1000 packages with 1000 fixed versions each (one id per package, fixed again in
 * every version), plus synthcore with a new id so that the scan shows which data is live.
 */
function bigFeed(): string {
  const parts: string[] = [];
  for (let p = 0; p < BIG_PACKAGES; p++) {
    const fixes: string[] = [];
    for (let v = 0; v < BIG_VERSIONS; v++) fixes.push(`"1.${v}.0-r0":["CVE-2099-${100000 + p}"]`);
    parts.push(`{"pkg":{"name":"bulk${p}","secfixes":{${fixes.join(',')}}}}`);
  }
  parts.push('{"pkg":{"name":"synthcore","secfixes":{"2.0.0-r5":["CVE-2099-0199"]}}}');
  return `{"_synthetic":"${SYNTHETIC}","reponame":"os","urlprefix":"${WOLFI_PREFIX}","packages":[${parts.join(',')}]}`;
}
const NEW_FINDING = 'synthcore CVE-2099-0199 affected fix=2.0.0-r5 ns=wolfi lookup=synthcore src=wolfi-secdb';

function statusOf(dbDir: string) {
  return runCli(['db', 'status', '--db-dir', dbDir, '--format', 'json']).then((res) => {
    assert.equal(res.code, 0, res.stderr);
    return JSON.parse(res.stdout) as {
      sources: { name: string; counts: { advisories: number; affected: number }; skipped: number }[];
    };
  });
}

/** Files in the database folder other than advisories.db: build leftovers and the writer lock. */
const leftovers = (dbDir: string) => readdirSync(dbDir).filter((n) => n !== 'advisories.db');

describe('keelson db import/scan: hostile input and interrupted updates', () => {
  let work: string;
  let dbDir: string;
  let image: string;
  let feeds: string;

  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'keelson-scan-hostile-'));
    dbDir = join(work, 'db');
    feeds = join(work, 'feeds');
    await mkdir(feeds);
    image = await writeApkImage(
      join(work, 'wolfi.tar'),
      readFileSync(fixture('os-release', 'wolfi', 'os-release'), 'utf8'),
      [apkRecord('synthcore', '2.0.0-r1')],
    );
    await writeFile(join(feeds, 'wolfi-security.json'), OLD_FEED);
    const imported = await runCli(['db', 'import', join(feeds, 'wolfi-security.json'), '--db-dir', dbDir]);
    assert.equal(imported.code, 0, imported.stderr);
    assert.match(imported.stderr, /keelson: wolfi-secdb: 1 advisories, 1 affected/);
    assert.deepEqual(findingLines(await scanJson(image, dbDir)), [OLD_FINDING]);
  });
  after(() => rm(work, { recursive: true, force: true }));

  async function assertOldDataKept(): Promise<void> {
    assert.deepEqual(findingLines(await scanJson(image, dbDir)), [OLD_FINDING]);
    const status = await statusOf(dbDir);
    assert.deepEqual(
      status.sources.map((s) => [s.name, s.counts.advisories, s.counts.affected]),
      [['wolfi-secdb', 1, 1]],
    );
  }

  test('invalid JSON for a source: exit 2 naming the file, previous data kept', async () => {
    const file = join(feeds, 'broken-security.json');
    await writeFile(
      file,
      `{"urlprefix":"${WOLFI_PREFIX}","packages":[{"pkg":{"name":"synthcore","secfixes":{`,
    );
    const res = await runCli(['db', 'import', file, '--source', 'wolfi-secdb', '--db-dir', dbDir]);
    assert.equal(res.code, 2);
    assert.match(res.stderr, /broken-security\.json: not a secdb file: invalid JSON/);
    assert.match(res.stderr, /\[PARSE_ERROR\]/);
    assert.match(res.stderr, /previous data kept/);
    await assertOldDataKept();
  });

  test('wrong top-level types: exit 2, previous data kept', async () => {
    for (const [name, body] of [
      ['packages-string.json', `{"urlprefix":"${WOLFI_PREFIX}","packages":"nope"}`],
      ['array.json', '[1, 2, 3]'],
      ['null.json', 'null'],
      ['number.json', '12345'],
    ] as const) {
      const file = join(feeds, name);
      await writeFile(file, body);
      const res = await runCli(['db', 'import', file, '--source', 'wolfi-secdb', '--db-dir', dbDir]);
      assert.equal(res.code, 2, `${name}: ${res.stderr}`);
      assert.match(res.stderr, new RegExp(`${name.replace('.', '\\.')}: not a secdb file`), name);
      assert.match(res.stderr, /\[PARSE_ERROR\]/);
    }
    // Every record malformed: nothing valid to replace the old data with.
    const file = join(feeds, 'all-bad.json');
    await writeFile(
      file,
      wolfiSecdb([{ pkg: { name: 7, secfixes: {} } }, { pkg: { name: 'x', secfixes: [] } }, 'string', null]),
    );
    const res = await runCli(['db', 'import', file, '--source', 'wolfi-secdb', '--db-dir', dbDir]);
    assert.equal(res.code, 2, res.stderr);
    assert.match(res.stderr, /no valid records \(4 malformed/);
    await assertOldDataKept();
  });

  test('malformed and 10 MB records are skipped and counted; the rest imports; output stays short', async () => {
    const huge = '9'.repeat(10 * 1024 * 1024);
    const file = join(feeds, 'hostile-security.json');
    await writeFile(
      file,
      wolfiSecdb([
        { pkg: { name: 'synthcore', secfixes: { '2.0.0-r3': ['CVE-2099-0102'] } } },
        { pkg: { name: 'synthcore', secfixes: { '2.0.0-r4': [`CVE-2099-${huge}`] } } }, // 10 MB id
        { pkg: { name: `n${huge}`, secfixes: { '1.0-r0': ['CVE-2099-0103'] } } }, // 10 MB name
        { pkg: { name: 'synthcore', secfixes: { [`1.${huge}`]: ['CVE-2099-0104'] } } }, // 10 MB version
        { pkg: { name: 'synthcore', secfixes: { '2.0.0-r5': [42, null, { id: 'x' }] } } },
        { pkg: { name: 'synthcore', secfixes: 'nope' } },
        { pkg: null },
      ]),
    );
    const hostileDb = join(work, 'db-hostile');
    const res = await runCli(['db', 'import', file, '--source', 'wolfi-secdb', '--db-dir', hostileDb]);
    assert.equal(res.code, 0, res.stderr.slice(0, 2000));
    assert.match(res.stderr, /keelson: wolfi-secdb: 1 advisories, 1 affected/);
    assert.match(res.stderr, /skipped 8 malformed record\(s\)/);
    assert.ok(res.stderr.length < 4096, `stderr is ${res.stderr.length} characters`);
    const status = await statusOf(hostileDb);
    assert.equal(status.sources[0]?.skipped, 8);
    assert.deepEqual(findingLines(await scanJson(image, hostileDb)), [
      'synthcore CVE-2099-0102 affected fix=2.0.0-r3 ns=wolfi lookup=synthcore src=wolfi-secdb',
    ]);
  });

  test('a file no importer recognizes: exit 2 naming it', async () => {
    const file = join(feeds, 'notes.json');
    await writeFile(file, '{"hello": "world"}');
    const res = await runCli(['db', 'import', file, '--db-dir', dbDir]);
    assert.equal(res.code, 2);
    assert.match(res.stderr, /notes\.json: not a feed keelson recognizes — name the source with --source/);
    await assertOldDataKept();
  });

  test('--source nosuch: exit 2 listing the known sources', async () => {
    const res = await runCli([
      'db',
      'import',
      join(feeds, 'wolfi-security.json'),
      '--source',
      'nosuch',
      '--db-dir',
      dbDir,
    ]);
    assert.equal(res.code, 2);
    assert.match(res.stderr, /unknown feed source "nosuch" \(known: .*wolfi-secdb.*\) \[INVALID_ARGUMENT\]/);
  });

  test('a .tar.gz with ../ or absolute entry names: exit 2, nothing written anywhere', async () => {
    const inner = join(work, 'a', 'b');
    await mkdir(inner, { recursive: true });
    for (const evil of ['wolfi-secdb/../../escaped.json', '../escaped.json', '/tmp/keelson-escaped.json']) {
      const archive = join(inner, 'evil.tar.gz');
      await writeFile(
        archive,
        gzipSync(
          tarEntries([
            { path: 'wolfi-secdb/security.json', content: OLD_FEED },
            { path: evil, content: OLD_FEED },
          ]),
        ),
      );
      const target = join(inner, 'db');
      const res = await runCli(['db', 'import', archive, '--db-dir', target]);
      assert.equal(res.code, 2, res.stderr);
      assert.match(res.stderr, /evil\.tar\.gz: unsafe entry name .*\[UNSAFE_PATH\]/);
      assert.ok(!existsSync(join(target, 'advisories.db')), 'no database was written');
    }
    for (const dir of [inner, join(work, 'a'), work, dirname(work)])
      assert.ok(!readdirSync(dir).includes('escaped.json'), dir);
    assert.ok(!existsSync('/tmp/keelson-escaped.json'));
  });

  test('a truncated .tar.gz: exit 2, previous data kept', async () => {
    const whole = gzipSync(
      tarEntries([{ path: 'wolfi-secdb/security.json', content: bigFeed().slice(0, 300_000) }]),
    );
    const archive = join(feeds, 'truncated.tar.gz');
    await writeFile(archive, whole.subarray(0, Math.floor(whole.length / 2)));
    const res = await runCli(['db', 'import', archive, '--db-dir', dbDir]);
    assert.equal(res.code, 2);
    assert.match(res.stderr, /truncated\.tar\.gz/);
    assert.match(res.stderr, /\[PARSE_ERROR\]/);
    await assertOldDataKept();
  });

  test('an update killed half-way leaves the old database in use; the next import cleans up', async () => {
    const big = join(feeds, 'big-security.json');
    await writeFile(big, bigFeed());
    assert.ok((await stat(big)).size > 30_000_000);

    const child = spawn(
      process.execPath,
      [join(repoRoot, 'bin', 'keelson.js'), 'db', 'import', big, '--db-dir', dbDir],
      {
        stdio: 'ignore',
      },
    );
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    let building: string | undefined;
    const deadline = Date.now() + 30_000;
    while (!building && Date.now() < deadline) {
      building = readdirSync(dbDir).find((n) => n.startsWith('advisories.db.building-'));
      if (!building) await sleep(5);
    }
    assert.ok(building, 'the import started building a new database');
    child.kill('SIGKILL');
    assert.equal(await exited, null, 'killed, not finished');
    // The kill left its build file and lock behind: proof it died mid-update.
    assert.ok(leftovers(dbDir).includes(building), JSON.stringify(leftovers(dbDir)));
    assert.ok(leftovers(dbDir).includes('advisories.db.lock'));

    // Readers still get the old, complete database.
    await assertOldDataKept();

    // A new import takes over the dead writer's lock, removes the leftovers and installs the big feed.
    const res = await runCli(['db', 'import', big, '--db-dir', dbDir]);
    assert.equal(res.code, 0, res.stderr);
    assert.match(res.stderr, /keelson: wolfi-secdb: 1001 advisories, 1001 affected/);
    assert.deepEqual(leftovers(dbDir), []);
    const status = await statusOf(dbDir);
    assert.deepEqual(
      status.sources.map((s) => [s.name, s.counts.advisories, s.counts.affected, s.skipped]),
      [['wolfi-secdb', 1001, 1001, 0]],
    );
    assert.deepEqual(findingLines(await scanJson(image, dbDir)), [NEW_FINDING]);
  });

  test('an invalid import after the big one keeps the big data', async () => {
    const file = join(feeds, 'broken-again.json');
    await writeFile(file, '{"packages": [');
    const res = await runCli(['db', 'import', file, '--source', 'wolfi-secdb', '--db-dir', dbDir]);
    assert.equal(res.code, 2);
    assert.deepEqual(findingLines(await scanJson(image, dbDir)), [NEW_FINDING]);
    assert.deepEqual(leftovers(dbDir), []);
  });

  test('a scan with a garbage advisories.db: exit 2 DATABASE_ERROR', async () => {
    const garbage = join(work, 'db-garbage');
    await mkdir(garbage);
    await writeFile(join(garbage, 'advisories.db'), Buffer.from('this is not sqlite at all\n'.repeat(200)));
    const res = await runCli(['scan', image, '--db-dir', garbage, '--no-cache']);
    assert.equal(res.code, 2);
    assert.match(res.stderr, /\[DATABASE_ERROR\]/);
    assert.equal(res.stdout, '');
    // A truncated real database is refused the same way.
    const truncated = join(work, 'db-truncated');
    await mkdir(truncated);
    const real = await readFile(join(dbDir, 'advisories.db'));
    await writeFile(join(truncated, 'advisories.db'), real.subarray(0, 3000));
    const res2 = await runCli(['scan', image, '--db-dir', truncated, '--no-cache']);
    assert.equal(res2.code, 2, res2.stderr);
    assert.match(res2.stderr, /\[DATABASE_ERROR\]/);
  });

  test('export-bundle → import into a new folder → the same scan; a tampered bundle is refused', async () => {
    const bundle = join(work, 'bundle.tar.gz');
    const exported = await runCli(['db', 'export-bundle', bundle, '--db-dir', dbDir]);
    assert.equal(exported.code, 0, exported.stderr);
    assert.match(exported.stderr, /wrote .*bundle\.tar\.gz \(1 sources, \d+ bytes\)/);

    const copy = join(work, 'db-from-bundle');
    const imported = await runCli(['db', 'import', bundle, '--db-dir', copy]);
    assert.equal(imported.code, 0, imported.stderr);
    assert.match(imported.stderr, /installed bundle \(wolfi-secdb; built /);
    const original = await scanJson(image, dbDir);
    const restored = await scanJson(image, copy);
    assert.deepEqual(restored.findings, original.findings);
    assert.deepEqual(findingLines(restored), [NEW_FINDING]);
    assert.deepEqual(
      (await statusOf(copy)).sources.map((s) => [s.name, s.counts.affected]),
      [['wolfi-secdb', 1001]],
    );

    // One byte of the database changed inside the bundle: the checksum no longer matches.
    const tar = gunzipSync(await readFile(bundle));
    const dbHeader = 512 + Math.ceil(manifestSize(tar) / 512) * 512;
    assert.equal(tar.subarray(dbHeader, dbHeader + 13).toString('latin1'), 'advisories.db');
    const dbStart = dbHeader + 512;
    tar[dbStart + 4096] = tar[dbStart + 4096]! ^ 0xff;
    const tampered = join(work, 'tampered.tar.gz');
    await writeFile(tampered, gzipSync(tar));
    const target = join(work, 'db-tampered');
    const res = await runCli(['db', 'import', tampered, '--db-dir', target]);
    assert.equal(res.code, 2, res.stderr);
    assert.match(
      res.stderr,
      /bundle database has sha256 [0-9a-f]{64}, the manifest says [0-9a-f]{64} \[DIGEST_MISMATCH\]/,
    );
    assert.ok(!existsSync(join(target, 'advisories.db')));

    // A tampered bundle over an existing database leaves that database as it was.
    const over = await runCli(['db', 'import', tampered, '--db-dir', copy]);
    assert.equal(over.code, 2);
    assert.deepEqual(findingLines(await scanJson(image, copy)), [NEW_FINDING]);

    // A bundle cut short: refused too.
    const short = join(work, 'short.tar.gz');
    const gz = await readFile(bundle);
    await writeFile(short, gz.subarray(0, Math.floor(gz.length / 2)));
    const res2 = await runCli(['db', 'import', short, '--db-dir', target]);
    assert.equal(res2.code, 2, res2.stderr);
    assert.ok(!existsSync(join(target, 'advisories.db')));
  });
});

/** Size field of the first tar header (the bundle manifest). */
function manifestSize(tar: Buffer): number {
  return Number.parseInt(tar.subarray(124, 136).toString('latin1').replace(/\0.*$/, '').trim(), 8);
}
