import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import type { ProgressEvent } from '../../src/core/progress.js';
import { inventoryTarget } from '../../src/inventory/build.js';
import type { ScanResult } from '../../src/matching/types.js';
import { runCli } from '../helpers/cli.js';
import { fixture, repoRoot } from '../helpers/paths.js';
import { skopeoCopy, startRegistry, type TestRegistry } from '../helpers/registry.js';

const exec = promisify(execFile);

/** Single-quotes a word for sh. */
const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/**
 * Runs `shell` under a pseudo-terminal with util-linux `script`: stdin, stdout and stderr of the
 * command are the terminal unless the command redirects them. Returns what the terminal showed.
 */
async function underTty(shell: string, env: NodeJS.ProcessEnv = {}): Promise<string> {
  const { stdout } = await exec('script', ['-qec', shell, '/dev/null'], {
    cwd: repoRoot,
    env: { ...process.env, CI: '', NO_COLOR: '', TERM: 'xterm-256color', ...env },
    timeout: 120_000,
    maxBuffer: 16 * 1024 * 1024,
  });
  return stdout;
}

const ANSI = /\x1b\[[0-9;]*[A-Za-z]/;
const strip = (s: string) => s.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '');

describe('progress on a terminal, nothing but results elsewhere', () => {
  let work: string;
  let dbDir: string;
  const image = fixture('images', 'alpine-310.tar.gz');
  const keelson = `${q(process.execPath)} ${q(join(repoRoot, 'bin', 'keelson.js'))}`;
  let scan: string;

  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'keelson-tty-'));
    dbDir = join(work, 'db');
    const imported = await runCli(['db', 'import', fixture('feeds', 'alpine-3.10'), '--db-dir', dbDir]);
    assert.equal(imported.code, 0, imported.stderr);
    scan = `${keelson} scan ${q(image)} --db-dir ${q(dbDir)} --no-cache`;
  });
  after(() => rm(work, { recursive: true, force: true }));

  test('on a terminal: layer bars on stderr, and stdout redirected to a file is clean JSON', async () => {
    const out = join(work, 'tty.json');
    const screen = await underTty(`${scan} --format json > ${q(out)}`);
    assert.match(screen, ANSI, 'ANSI control sequences were drawn');
    const plain = strip(screen);
    assert.match(plain, /alpine-310\.tar\.gz {2}\d\/1 layers/);
    assert.match(plain, /layer 1\/1 [0-9a-f]{12} /);
    // Every block drawn was erased: the last thing on the terminal is a clear, not a bar.
    assert.match(screen, /\x1b\[\d+A\x1b\[0J[\r\n]*$/);
    const result = JSON.parse(await readFile(out, 'utf8')) as ScanResult;
    assert.equal(result.findings.length, 20);
  });

  test('stderr not a terminal (redirected to a file): no progress, and stdout on the terminal is clean JSON', async () => {
    const err = join(work, 'tty.err');
    const screen = await underTty(`${scan} --format json 2> ${q(err)}`);
    assert.equal(await readFile(err, 'utf8'), '', 'nothing written to stderr');
    assert.doesNotMatch(screen, ANSI);
    // The terminal turns \n into \r\n.
    const result = JSON.parse(screen.replace(/\r\n/g, '\n')) as ScanResult;
    assert.equal(result.findings.length, 20);
  });

  test('NO_COLOR: the bars are drawn without colour', async () => {
    const screen = await underTty(`${scan} --format json > /dev/null`, { NO_COLOR: '1' });
    assert.match(strip(screen), /layer 1\/1 /);
    assert.doesNotMatch(screen, /\x1b\[[0-9;]*m/);
  });

  for (const [name, flags, env] of [
    ['CI=true', '', { CI: 'true' }],
    ['--quiet', ' --quiet', {}],
    ['-q before the command', '', {}],
  ] as const) {
    test(`no progress on a terminal with ${name}`, async () => {
      const command = name.startsWith('-q before')
        ? `${keelson} -q scan ${q(image)} --db-dir ${q(dbDir)} --no-cache`
        : scan;
      const screen = await underTty(`${command}${flags} --format json`, env);
      assert.doesNotMatch(screen, ANSI);
      const result = JSON.parse(screen.replace(/\r\n/g, '\n')) as ScanResult;
      assert.equal(result.findings.length, 20);
    });
  }

  test('without a terminal (pipes): stderr stays empty and stdout is the result', async () => {
    const res = await runCli(['scan', image, '--db-dir', dbDir, '--no-cache', '--format', 'json'], {
      env: { CI: '' },
    });
    assert.equal(res.code, 0, res.stderr);
    assert.equal(res.stderr, '');
    assert.equal((JSON.parse(res.stdout) as ScanResult).findings.length, 20);
  });

  test('sbom and inspect draw the same bars on a terminal', async () => {
    for (const command of ['sbom', 'inspect']) {
      const screen = await underTty(`${keelson} ${command} ${q(image)} --no-cache > /dev/null`);
      assert.match(strip(screen), /layer 1\/1 [0-9a-f]{12} /, command);
    }
  });

  test('--debug logs the database path, phase timings and layer cache hits, even without a terminal', async () => {
    const cacheDir = join(work, 'cache');
    const args = ['scan', image, '--db-dir', dbDir, '--cache-dir', cacheDir, '--format', 'json', '--debug'];
    const first = await runCli(args);
    assert.equal(first.code, 0, first.stderr);
    assert.doesNotMatch(first.stderr, ANSI);
    assert.ok(first.stderr.includes(`keelson: debug: advisory database: ${dbDir}`), first.stderr);
    for (const phase of ['open', 'layers', 'inventory', 'match']) {
      assert.match(first.stderr, new RegExp(`keelson: debug: phase ${phase}: \\d+(\\.\\d+)? m?s`), phase);
    }
    assert.match(first.stderr, /keelson: debug: image cache miss/);
    assert.match(
      first.stderr,
      /layer 0 [0-9a-f]{12}: analysed in \d+ ms \([\d.]+ MB read, [\d.]+ MB walked\)/,
    );
    assert.match(first.stderr, /keelson: debug: total: \d/);
    assert.equal((JSON.parse(first.stdout) as ScanResult).findings.length, 20);

    // The same image again: served from the image cache.
    const second = await runCli(args);
    assert.equal(second.code, 0, second.stderr);
    assert.match(second.stderr, /keelson: debug: image cache hit/);

    // A base image changes the image cache key but not the layers: they come from the layer cache.
    const based = await runCli([...args, '--base-image', image]);
    assert.equal(based.code, 0, based.stderr);
    assert.match(based.stderr, /keelson: debug: image cache miss/);
    assert.match(based.stderr, /keelson: debug: layer 0 [0-9a-f]{12}: layer cache hit/);
  });
});

describe('registry downloads report their bytes', () => {
  let registry: TestRegistry;
  before(async () => {
    registry = await startRegistry();
    await skopeoCopy(
      `docker-archive:${fixture('images', 'alpine-310.tar.gz')}`,
      `docker://${registry.host}/library/alpine:3.10`,
    );
  });
  after(() => registry.stop());

  test('download events grow to the blob size, alongside the analysis of the same bytes', async () => {
    const events: ProgressEvent[] = [];
    const inv = await inventoryTarget(`${registry.host}/library/alpine:3.10`, {
      insecureRegistries: [registry.host],
      onProgress: (e) => events.push(e),
    });
    assert.ok(inv.packages.length > 0);
    const opened = events.find((e) => e.type === 'image');
    assert.ok(opened?.type === 'image');
    const size = opened.layers[0]?.size;
    assert.ok(size !== undefined && size > 0);
    const downloads = events.filter((e) => e.type === 'download');
    assert.ok(downloads.length > 0);
    assert.deepEqual(
      downloads.map((d) => d.total),
      downloads.map(() => size),
    );
    assert.equal(downloads.at(-1)?.bytes, size);
    const end = events.find((e) => e.type === 'layer-end');
    assert.ok(end?.type === 'layer-end' && end.read === size && end.walked > size);
  });
});
