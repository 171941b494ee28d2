import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Comparison } from '../../src/compare/compare.js';
import type { ScanResult } from '../../src/matching/types.js';
import { runCli } from '../helpers/cli.js';
import { fixture } from '../helpers/paths.js';

/**
 * Exit codes through the real CLI: 0 clean, 1 a --fail-on gate, 2 an error (one line on stderr). The
 * real alpine:3.10 image with Alpine's 3.10 secdb: 20 fixable findings, all of severity `unknown`
 * (the secdb carries no ratings), so `--fail-on unknown` fails and `--fail-on critical` passes.
 */
describe('keelson scan gates, filters, ignore file, config and exit codes', () => {
  let work: string;
  let dbDir: string;
  const image = fixture('images', 'alpine-310.tar.gz');
  // A clean environment: settings from the developer's shell must not leak into the matrix.
  const env = {
    KEELSON_FAIL_ON: '',
    KEELSON_SEVERITY: '',
    KEELSON_FORMAT: '',
    KEELSON_CONFIG: '',
    KEELSON_DB_DIR: '',
  };
  const scan = (args: string[], extra: { env?: NodeJS.ProcessEnv; cwd?: string } = {}) =>
    runCli(['scan', image, '--db-dir', dbDir, '--no-cache', ...args], {
      env: { ...env, ...extra.env },
      ...(extra.cwd ? { cwd: extra.cwd } : {}),
    });
  const oneErrorLine = (stderr: string, pattern: RegExp) => {
    const errors = stderr.split('\n').filter((l) => l.startsWith('keelson: error:'));
    assert.equal(errors.length, 1, stderr);
    assert.match(errors[0]!, pattern);
  };

  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'keelson-gates-'));
    dbDir = join(work, 'db');
    const imported = await runCli(['db', 'import', fixture('feeds', 'alpine-3.10'), '--db-dir', dbDir]);
    assert.equal(imported.code, 0, imported.stderr);
  });
  after(() => rm(work, { recursive: true, force: true }));

  test('exit-code matrix: 0 clean, 1 fail-on hit, 2 error', async () => {
    const cases: [string[], number][] = [
      [[], 0],
      [['--fail-on', 'critical'], 0],
      [['--fail-on', 'unknown'], 1],
      [['--fail-on', 'UNKNOWN', '--severity', 'critical'], 0],
      [['--fail-on', 'unknown', '--only-kev'], 0],
      [['--fail-on', 'unknown', '--epss-min', '0.5'], 0],
      [['--fail-on', 'severe'], 2],
      [['--severity', 'high,,low'], 2],
      [['--epss-min', '2'], 2],
      [['--only-base', '--ignore-base'], 2],
      [['--format', 'nope'], 2],
      [['--format', 'json', '--format', 'table'], 2],
      [['--no-such-flag'], 2],
    ];
    for (const [args, code] of cases) {
      const res = await scan(args);
      assert.equal(res.code, code, `keelson scan ${args.join(' ')}: ${res.stderr}`);
      if (code === 1)
        assert.match(res.stderr, /--fail-on unknown: 20 actionable finding\(s\) at or above unknown/);
      if (code === 2 && args[0] !== '--no-such-flag') oneErrorLine(res.stderr, /\[INVALID_ARGUMENT\]$/);
    }
    const unknownFlag = await scan(['--no-such-flag']);
    assert.match(unknownFlag.stderr, /unknown option '--no-such-flag'/);
    const missingDb = await runCli(['scan', image, '--db-dir', join(work, 'none'), '--fail-on', 'high'], {
      env,
    });
    assert.equal(missingDb.code, 2);
    oneErrorLine(
      missingDb.stderr,
      /no advisory database .* run `keelson db update`, or `keelson db import FILE` offline/,
    );
  });

  test('a failed gate still writes the report; filters are counted in the summary', async () => {
    const failed = await scan(['--fail-on', 'low', '--format', 'json']);
    assert.equal(failed.code, 0, 'unknown is below low: nothing at or above low');
    const res = await scan(['--format', 'json', '--severity', 'critical,high', '--fail-on', 'unknown']);
    assert.equal(res.code, 0, res.stderr);
    const result = JSON.parse(res.stdout) as ScanResult & { summary: { filtered: number } };
    assert.equal(result.findings.length, 0);
    assert.equal(result.summary.raw, 20);
    assert.equal(result.summary.filtered, 20);
    assert.match(res.stderr, /20 of 20 findings filtered out \(--severity: 20\)/);
    const gate = await scan(['--format', 'json', '--fail-on', 'unknown']);
    assert.equal(gate.code, 1);
    assert.equal((JSON.parse(gate.stdout) as ScanResult).findings.length, 20, 'the report is complete');
  });

  test('several formats at once: FORMAT=FILE and one to stdout', async () => {
    const json = join(work, 'out.json');
    const res = await scan(['--format', `json=${json}`, '--format', 'table']);
    assert.equal(res.code, 0, res.stderr);
    assert.match(res.stdout, /20 raw → 20 actionable/);
    assert.equal((JSON.parse(await readFile(json, 'utf8')) as ScanResult).findings.length, 20);
  });

  test('ignore file: rules suppress with their reason; expired rules are reported and stop applying', async () => {
    const dir = await mkdtemp(join(work, 'ignore-'));
    await writeFile(
      join(dir, '.keelsonignore.yaml'),
      [
        'rules:',
        '  - purl: "pkg:apk/alpine/lib*"',
        '    reason: openssl is not used by the service',
        '  - id: CVE-2020-28928',
        '    path: lib/apk/**',
        '    reason: musl bug not reachable',
        '    expires: 2999-12-31',
        '  - id: CVE-2021-28831',
        '    reason: old exception',
        '    expires: 2020-01-01',
      ].join('\n'),
    );
    // The default file in the current folder is read.
    const res = await scan(['--format', 'json'], { cwd: dir });
    assert.equal(res.code, 0, res.stderr);
    const result = JSON.parse(res.stdout) as ScanResult;
    const ignored = result.findings.filter((f) => f.suppressed?.kind === 'ignore-rule');
    assert.equal(ignored.length, 16, '14 libcrypto/libssl + 2 musl');
    assert.ok(ignored.every((f) => f.suppressed!.detail.length > 0));
    assert.equal(result.summary.actionable, 4);
    assert.match(res.stderr, /rules\[2\] \(CVE-2021-28831\) expired on 2020-01-01 and no longer applies/);
    const gate = await scan(['--fail-on', 'unknown'], { cwd: dir });
    assert.equal(gate.code, 1, 'busybox/apk-tools findings remain');
    const table = await scan(['--show-suppressed'], { cwd: dir });
    assert.match(table.stdout, /SUPPRESSED \(16\)/);
  });

  test('bad ignore files: exit 2 naming the file and the rule', async () => {
    const bad = join(work, 'bad-ignore.yaml');
    await writeFile(bad, 'rules:\n  - id: CVE-1\n    reason: ok\n  - id: CVE-2\n');
    const res = await scan(['--ignore-file', bad]);
    assert.equal(res.code, 2);
    oneErrorLine(res.stderr, /bad-ignore\.yaml: rules\[1\]: every rule needs a reason/);
    await writeFile(bad, 'rules:\n  - id: CVE-1\n    reason: ok\n    expires: soon\n');
    oneErrorLine((await scan(['--ignore-file', bad])).stderr, /rules\[0\]: expires "soon" is not a date/);
    await writeFile(bad, 'rules: [\n');
    oneErrorLine((await scan(['--ignore-file', bad])).stderr, /bad-ignore\.yaml: not valid YAML/);
    const missing = await scan(['--ignore-file', join(work, 'nope.yaml')]);
    assert.equal(missing.code, 2);
    oneErrorLine(missing.stderr, /nope\.yaml: ignore file not found/);
  });

  test('settings: flags > KEELSON_* > config file > defaults', async () => {
    const config = join(work, 'keelson.yaml');
    await writeFile(config, 'fail-on: unknown\nformat: [json]\n');
    const fromConfig = await scan(['--config', config]);
    assert.equal(fromConfig.code, 1, fromConfig.stderr);
    assert.equal((JSON.parse(fromConfig.stdout) as ScanResult).findings.length, 20, 'format from the config');
    const envWins = await scan(['--config', config], { env: { KEELSON_FAIL_ON: 'critical' } });
    assert.equal(envWins.code, 0, envWins.stderr);
    const flagWins = await scan(['--config', config, '--fail-on', 'high'], {
      env: { KEELSON_FAIL_ON: 'unknown' },
    });
    assert.equal(flagWins.code, 0, flagWins.stderr);
    const viaEnv = await scan([], { env: { KEELSON_CONFIG: config } });
    assert.equal(viaEnv.code, 1);
    const dbFromEnv = await runCli(['scan', image, '--no-cache', '--fail-on', 'critical'], {
      env: { ...env, KEELSON_DB_DIR: dbDir },
    });
    assert.equal(dbFromEnv.code, 0, dbFromEnv.stderr);
    await writeFile(config, 'fail_on: high\n');
    const typo = await scan(['--config', config]);
    assert.equal(typo.code, 2);
    oneErrorLine(typo.stderr, /keelson\.yaml: unknown setting "fail_on"/);
    const badEnv = await scan([], { env: { KEELSON_FAIL_ON: 'severe' } });
    assert.equal(badEnv.code, 2);
    oneErrorLine(badEnv.stderr, /--fail-on "severe" is not a severity/);
  });

  test('--version prints the version and the database age, and never fails', async () => {
    const withDb = await runCli(['--version', '--db-dir', dbDir], { env });
    assert.equal(withDb.code, 0);
    assert.match(
      withDb.stdout,
      /^keelson \d+\.\d+\.\d+\nadvisory database: .*advisories\.db, built .* \(\d+ hours old\)\n$/,
    );
    const none = await runCli(['--version'], { env: { ...env, KEELSON_DB_DIR: join(work, 'none') } });
    assert.equal(none.code, 0);
    assert.match(none.stdout, /no advisory database in .*none/);
  });

  test('compare: alpine 3.10 vs 3.11 against the same database', async () => {
    const res = await runCli(
      [
        'compare',
        image,
        fixture('images', 'alpine-311.tar.gz'),
        '--db-dir',
        dbDir,
        '--no-cache',
        '--format',
        'json',
      ],
      { env },
    );
    assert.equal(res.code, 0, res.stderr);
    const c = JSON.parse(res.stdout) as Comparison;
    assert.equal(c.base.changed, true);
    assert.match(c.base.reasons.join(';'), /distro alpine 3\.10\.\d+ → alpine 3\.11\.\d+/);
    assert.deepEqual(
      c.packages.upgraded.find((p) => p.name === 'musl'),
      { type: 'apk', name: 'musl', from: '1.1.22-r3', to: '1.1.24-r2' },
    );
    assert.equal(c.packages.added.length + c.packages.removed.length + c.packages.downgraded.length, 0);
    assert.equal(c.findings.fixed.length, 20);
    assert.equal(c.findings.new.length, 0);
    const table = await runCli(
      ['compare', image, fixture('images', 'alpine-311.tar.gz'), '--db-dir', dbDir, '--no-cache'],
      { env },
    );
    assert.equal(table.code, 0, table.stderr);
    assert.match(table.stdout, /Findings: 20 fixed, 0 new, 0 unchanged/);
    const same = await runCli(
      ['compare', image, image, '--db-dir', dbDir, '--no-cache', '--format', 'json'],
      { env },
    );
    const s = JSON.parse(same.stdout) as Comparison;
    assert.equal(s.findings.unchanged.length, 20);
    assert.equal(s.base.changed, false);
  });

  test('completion and help through the CLI', async () => {
    const bash = await runCli(['completion', 'bash']);
    assert.equal(bash.code, 0);
    assert.match(bash.stdout, /complete -o bashdefault -F _keelson_complete keelson/);
    const badShell = await runCli(['completion', 'tcsh']);
    assert.equal(badShell.code, 2);
    for (const command of [['scan'], ['compare'], ['db', 'status'], ['completion']]) {
      const help = await runCli([...command, '--help']);
      assert.equal(help.code, 0);
      assert.match(help.stdout, /\nExamples:\n/);
    }
  });
});
