import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { parse } from 'yaml';
import { runCli } from '../helpers/cli.js';
import { repoRoot } from '../helpers/paths.js';

interface Step {
  name?: string;
  id?: string;
  uses?: string;
  run?: string;
  if?: string;
  with?: Record<string, string>;
}

describe('docs/examples/keelson-scan.yml', () => {
  const load = async () => {
    const text = await readFile(join(repoRoot, 'docs', 'examples', 'keelson-scan.yml'), 'utf8');
    return parse(text, { strict: true, uniqueKeys: true }) as {
      on: Record<string, unknown>;
      permissions: Record<string, string>;
      jobs: Record<string, { 'runs-on': string; steps: Step[] }>;
    };
  };

  test('is a workflow: triggers, permissions for code scanning, one job of steps', async () => {
    const wf = await load();
    assert.ok(wf.on.push && 'pull_request' in wf.on && wf.on.schedule);
    assert.equal(wf.permissions['security-events'], 'write');
    const job = wf.jobs.scan;
    assert.ok(job);
    assert.equal(job['runs-on'], 'ubuntu-latest');
    for (const step of job.steps) assert.ok(step.uses || step.run, JSON.stringify(step));
  });

  test('cached database by date, db update, SARIF scan, upload, critical gate — in that order', async () => {
    const steps = (await load()).jobs.scan!.steps;
    const at = (pred: (s: Step) => boolean, what: string) => {
      const i = steps.findIndex(pred);
      assert.ok(i >= 0, `no step ${what}`);
      return i;
    };
    const build = at(
      (s) => /docker build/.test(s.run ?? '') && /docker save .* -o image\.tar/.test(s.run ?? ''),
      'build',
    );
    const install = at((s) => /npm install --global keelson/.test(s.run ?? ''), 'install');
    const cache = at((s) => s.uses?.startsWith('actions/cache@') === true, 'cache');
    const cacheWith = steps[cache]!.with!;
    assert.equal(cacheWith.path, '~/.local/share/keelson/db');
    assert.match(cacheWith.key!, /\$\{\{ steps\.date\.outputs\.date \}\}/);
    const date = at((s) => s.id === 'date', 'date');
    assert.match(steps[date]!.run!, /date -u \+%Y-%m-%d.*GITHUB_OUTPUT/);
    const update = at((s) => s.run?.trim() === 'keelson db update', 'db update');
    const sarif = at(
      (s) => /keelson scan image\.tar --format sarif --output keelson\.sarif/.test(s.run ?? ''),
      'sarif',
    );
    const upload = at((s) => s.uses?.startsWith('github/codeql-action/upload-sarif@') === true, 'upload');
    assert.equal(steps[upload]!.with!.sarif_file, 'keelson.sarif');
    assert.ok(steps[upload]!.if, 'the report is uploaded even after a failed step');
    const gate = at((s) => /keelson scan image\.tar --fail-on critical/.test(s.run ?? ''), 'gate');
    assert.ok(date < cache && cache < update && install < update);
    assert.ok(build < sarif && update < sarif && sarif < upload && upload < gate);
    assert.equal(gate, steps.length - 1, 'the gate is last');
  });

  test('the keelson commands it runs exist', async () => {
    for (const command of [['scan'], ['db', 'update']]) {
      const res = await runCli([...command, '--help']);
      assert.equal(res.code, 0, res.stderr);
    }
  });
});

describe('Dockerfile (read, not built: no Docker engine here)', () => {
  test('multi-stage on node:20-bookworm-slim, production deps, non-root, the CLI as entrypoint', async () => {
    const text = await readFile(join(repoRoot, 'Dockerfile'), 'utf8');
    const lines = text.split('\n').filter((l) => l.trim() && !l.trimStart().startsWith('#'));
    assert.match(text, /^ARG NODE_IMAGE=node:20-bookworm-slim$/m);
    assert.equal(lines.filter((l) => /^FROM /.test(l)).length, 3);
    assert.match(text, /npm ci --omit=dev/);
    const user = lines.findIndex((l) => /^USER keelson$/.test(l));
    const entry = lines.findIndex((l) => l.startsWith('ENTRYPOINT'));
    assert.ok(user > 0 && user < entry, 'USER before ENTRYPOINT');
    assert.deepEqual(JSON.parse(lines[entry]!.slice('ENTRYPOINT'.length)), ['node', '/app/bin/keelson.js']);
    // What the final stage copies from the context exists, and is not excluded by .dockerignore.
    const ignore = (await readFile(join(repoRoot, '.dockerignore'), 'utf8')).split('\n').map((l) => l.trim());
    for (const copied of [
      'package.json',
      'package-lock.json',
      '.npmrc',
      'bin',
      'src',
      'scripts',
      'LICENSE',
      'NOTICE',
    ]) {
      const tokens = lines.filter((l) => l.startsWith('COPY ')).flatMap((l) => l.split(/\s+/));
      assert.ok(
        tokens.some((t) => t.replace(/\/.*$/, '') === copied),
        `${copied} is not copied`,
      );
      assert.ok(!ignore.includes(copied), `${copied} is ignored`);
      await readFile(join(repoRoot, copied)).catch(async (err: NodeJS.ErrnoException) => {
        if (err.code !== 'EISDIR') throw err;
      });
    }
    for (const excluded of ['node_modules', 'dist', 'test', '.git'])
      assert.ok(ignore.includes(excluded), excluded);
  });
});
