import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isKeelsonError } from '../core/errors.js';
import { configPath, fromEnv, parseConfigFile, resolveSettings, SETTINGS } from './settings.js';

const FILE = 'keelson.yaml';
const SCAN_OPTIONS = [
  'format',
  'output',
  'severity',
  'failOn',
  'dbDir',
  'ignoreUnfixed',
  'vex',
  'cache',
  'epssMin',
];

describe('parseConfigFile', () => {
  test('reads settings by their flag names, with lists and scalars', () => {
    const config = parseConfigFile(
      [
        'format: [table, sarif=out.sarif]',
        'severity: [critical, high]',
        'fail-on: high',
        'db-dir: /var/lib/keelson',
        'ignore-unfixed: true',
        'vex: vex.json',
        'epss-min: 0.1',
        'cache: false',
      ].join('\n'),
      FILE,
    );
    assert.deepEqual(config, {
      format: ['table', 'sarif=out.sarif'],
      severity: ['critical', 'high'],
      'fail-on': 'high',
      'db-dir': '/var/lib/keelson',
      'ignore-unfixed': true,
      vex: ['vex.json'],
      'epss-min': '0.1',
      cache: false,
    });
  });

  test('empty file is no settings', () => {
    assert.deepEqual(parseConfigFile('', FILE), {});
    assert.deepEqual(parseConfigFile('# only a comment\n', FILE), {});
  });

  test('bad files are errors naming the file and the setting', () => {
    const bad = (text: string, pattern: RegExp) =>
      assert.throws(
        () => parseConfigFile(text, FILE),
        (e) =>
          isKeelsonError(e) && e.code === 'PARSE_ERROR' && e.context.file === FILE && pattern.test(e.message),
      );
    bad('format: [table\n', /not valid YAML/);
    bad('- table\n', /expected a mapping/);
    bad('"just text"\n', /expected a mapping/);
    bad('fail_on: high\n', /unknown setting "fail_on"/);
    bad('ignore-unfixed: "yes"\n', /"ignore-unfixed" must be true or false/);
    bad('fail-on: [high]\n', /"fail-on" must be a non-empty string, not a list/);
    bad('fail-on: ""\n', /"fail-on" must be a non-empty string/);
    bad('format: [table, {x: 1}]\n', /"format" must be a string or a list of strings/);
    bad(`format: table\n#${'x'.repeat(2 << 20)}`, /larger than/);
  });
});

describe('environment values', () => {
  const byKey = (key: string) => SETTINGS.find((s) => s.key === key)!;
  test('booleans, lists and strings', () => {
    assert.equal(fromEnv(byKey('ignore-unfixed'), 'TRUE'), true);
    assert.equal(fromEnv(byKey('ignore-unfixed'), '0'), false);
    assert.deepEqual(fromEnv(byKey('format'), 'table, json=out.json,'), ['table', 'json=out.json']);
    assert.equal(fromEnv(byKey('db-dir'), ' /db '), '/db');
    assert.throws(() => fromEnv(byKey('only-kev'), 'maybe'), /KEELSON_ONLY_KEV="maybe" is not a boolean/);
  });

  test('config path: flag, else KEELSON_CONFIG, else none', () => {
    assert.equal(configPath('a.yaml', { KEELSON_CONFIG: 'b.yaml' }), 'a.yaml');
    assert.equal(configPath(undefined, { KEELSON_CONFIG: 'b.yaml' }), 'b.yaml');
    assert.equal(configPath(undefined, { KEELSON_CONFIG: ' ' }), undefined);
    assert.equal(configPath(undefined, {}), undefined);
  });
});

describe('resolveSettings: flags > environment > config file > defaults', () => {
  const config = { 'fail-on': 'low', 'db-dir': '/config/db', format: ['json'], 'ignore-unfixed': true };
  const env = { KEELSON_FAIL_ON: 'medium', KEELSON_SEVERITY: 'high,critical' };

  test('each setting comes from the strongest place that has it', () => {
    const r = resolveSettings({
      command: 'scan',
      options: SCAN_OPTIONS,
      fromCli: new Set(['failOn']),
      env,
      config,
    });
    assert.deepEqual(r.sources, {
      format: 'config',
      severity: 'env',
      failOn: 'cli',
      dbDir: 'config',
      ignoreUnfixed: 'config',
    });
    assert.deepEqual(r.values, {
      format: ['json'],
      severity: ['high', 'critical'],
      dbDir: '/config/db',
      ignoreUnfixed: true,
    });
    assert.ok(!('failOn' in r.values), 'a flag is never overridden');
  });

  test('environment beats the config file; an empty variable counts as unset', () => {
    const r = resolveSettings({ command: 'scan', options: SCAN_OPTIONS, fromCli: new Set(), env, config });
    assert.equal(r.values.failOn, 'medium');
    const empty = resolveSettings({
      command: 'scan',
      options: SCAN_OPTIONS,
      fromCli: new Set(),
      env: { KEELSON_FAIL_ON: '' },
      config,
    });
    assert.equal(empty.values.failOn, 'low');
  });

  test('settings apply only to commands that have the option; format only to scan', () => {
    const r = resolveSettings({
      command: 'status',
      options: ['dbDir', 'format'],
      fromCli: new Set(),
      env: { KEELSON_FORMAT: 'sarif', KEELSON_DB_DIR: '/env/db' },
      config,
    });
    assert.deepEqual(r.values, { dbDir: '/env/db' });
  });

  test('every setting maps to a kebab-case key and camelCase attribute', () => {
    for (const s of SETTINGS) {
      assert.match(s.key, /^[a-z]+(-[a-z]+)*$/);
      assert.equal(
        s.attr,
        s.key.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase()),
      );
      if (s.env) assert.match(s.env, /^KEELSON_[A-Z_]+$/);
    }
  });
});
