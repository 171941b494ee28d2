import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isKeelsonError } from '../core/errors.js';
import { applyIgnoreRules, compileGlob, isExpired, parseIgnoreFile } from './ignore.js';
import { finding, result } from './test-findings.js';

const FILE = '.keelsonignore.yaml';
const NOW = new Date('2025-06-15T12:00:00Z');

const parseError = (text: string, pattern: RegExp) =>
  assert.throws(
    () => parseIgnoreFile(text, FILE),
    (e) =>
      isKeelsonError(e) && e.code === 'PARSE_ERROR' && e.context.file === FILE && pattern.test(e.message),
  );

describe('parseIgnoreFile', () => {
  test('reads rules with id, purl, path, reason and expires', () => {
    const rules = parseIgnoreFile(
      [
        'rules:',
        '  - id: CVE-2021-3450',
        '    reason: not reachable',
        '    expires: 2026-12-31',
        '  - purl: "pkg:npm/lodash*"',
        '    path: usr/lib/**',
        '    reason: "vendored test copy"',
        '    expires: "2025-01-31"',
      ].join('\n'),
      FILE,
    );
    assert.deepEqual(rules, [
      { index: 0, id: 'CVE-2021-3450', reason: 'not reachable', expires: '2026-12-31' },
      {
        index: 1,
        purl: 'pkg:npm/lodash*',
        path: 'usr/lib/**',
        reason: 'vendored test copy',
        expires: '2025-01-31',
      },
    ]);
  });

  test('empty file or empty list is no rules', () => {
    assert.deepEqual(parseIgnoreFile('', FILE), []);
    assert.deepEqual(parseIgnoreFile('rules: []\n', FILE), []);
    assert.deepEqual(parseIgnoreFile('# nothing\n', FILE), []);
  });

  test('bad files are errors naming the file and the rule index', () => {
    parseError('rules: [\n', /not valid YAML/);
    parseError('- id: CVE-1\n', /expected a mapping/);
    parseError('rule:\n  - id: x\n', /unknown key "rule"/);
    parseError('rules: {id: x}\n', /`rules` must be a list/);
    parseError('rules:\n  - id: CVE-1\n', /^rules\[0\]: every rule needs a reason/);
    parseError('rules:\n  - id: CVE-1\n    reason: "  "\n', /^rules\[0\]: every rule needs a reason/);
    parseError(
      'rules:\n  - id: CVE-1\n    reason: ok\n  - reason: what?\n',
      /^rules\[1\]: a rule needs at least one of id/,
    );
    parseError(
      'rules:\n  - id: CVE-1\n    reason: ok\n    expires: tomorrow\n',
      /^rules\[0\]: expires "tomorrow"/,
    );
    parseError('rules:\n  - id: CVE-1\n    reason: ok\n    expires: 2026-02-30\n', /^rules\[0\]: expires/);
    parseError('rules:\n  - id: CVE-1\n    reason: ok\n    expires: 20261231\n', /^rules\[0\]: expires/);
    parseError('rules:\n  - id: 42\n    reason: ok\n', /^rules\[0\]: id must be a non-empty string/);
    parseError('rules:\n  - id: CVE-1\n    reson: typo\n', /^rules\[0\]: unknown key "reson"/);
    parseError('rules:\n  - CVE-1\n', /^rules\[0\]: each rule must be a mapping/);
  });

  test('hostile YAML: alias bombs and oversized files are refused, not expanded', () => {
    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x]'];
    for (let i = 0; i < 12; i++)
      bomb.push(
        `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [*${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}]`,
      );
    assert.throws(
      () => parseIgnoreFile(bomb.join('\n'), FILE),
      (e) => isKeelsonError(e),
    );
    assert.throws(
      () => parseIgnoreFile(`rules: []\n#${'x'.repeat(2 << 20)}`, FILE),
      (e) => isKeelsonError(e) && e.code === 'FILE_TOO_LARGE',
    );
  });
});

describe('compileGlob', () => {
  test('exact, empty and star-only patterns', () => {
    assert.ok(compileGlob('abc', true)('abc'));
    assert.ok(!compileGlob('abc', true)('abcd'));
    assert.ok(compileGlob('*', false)(''));
    assert.ok(compileGlob('**', true)('a/b/c'));
    assert.ok(!compileGlob('*', true)('a/b'));
    assert.ok(compileGlob('a/**/z', true)('a/z'));
    assert.ok(compileGlob('a/**/z', true)('a/b/c/z'));
    assert.ok(!compileGlob('a/**/z', true)('a/bz'));
  });
  test('purl mode: * matches anything', () => {
    assert.ok(compileGlob('pkg:npm/lodash*', false)('pkg:npm/lodash@4.17.20'));
    assert.ok(compileGlob('pkg:npm/*', false)('pkg:npm/%40scope/x@1'));
    assert.ok(!compileGlob('pkg:npm/lodash', false)('pkg:npm/lodash.merge'));
    assert.ok(compileGlob('pkg:pypi/requests?', false)('pkg:pypi/requests2'));
  });
  test('path mode: * within a segment, ** across', () => {
    assert.ok(compileGlob('usr/lib/**', true)('usr/lib/node_modules/a/package.json'));
    assert.ok(!compileGlob('usr/lib/*', true)('usr/lib/node_modules/a/package.json'));
    assert.ok(compileGlob('usr/lib/*', true)('usr/lib/x.jar'));
    assert.ok(compileGlob('**/package.json', true)('package.json'));
    assert.ok(compileGlob('**/package.json', true)('app/node_modules/a/package.json'));
    assert.ok(!compileGlob('app.(x)', true)('appx(x)'), 'regex characters are literal');
  });
  test('many stars do not make matching slow', () => {
    const re = compileGlob(`${'*a'.repeat(30)}b`, false);
    const rp = compileGlob(`${'*a'.repeat(30)}b`, true);
    assert.ok(!rp('a'.repeat(5000)));
    const start = Date.now();
    assert.ok(!re('a'.repeat(5000)));
    assert.ok(Date.now() - start < 2000);
  });
});

describe('applyIgnoreRules', () => {
  const scan = () =>
    result([
      finding({ id: 'CVE-1', pkg: 'openssl', aliases: ['GHSA-xxxx'] }),
      finding({
        id: 'CVE-2',
        pkg: 'lodash',
        purl: 'pkg:npm/lodash@4.17.20',
        location: 'usr/lib/node_modules/lodash/package.json',
      }),
      finding({
        id: 'CVE-3',
        pkg: 'lodash',
        purl: 'pkg:npm/lodash@4.17.20',
        location: 'app/node_modules/lodash/package.json',
      }),
      finding({ id: 'CVE-4', pkg: 'zlib', suppressed: true }),
    ]);

  test('rules by id (or alias), purl pattern and path suppress with the rule reason', () => {
    const rules = parseIgnoreFile(
      [
        'rules:',
        '  - id: ghsa-XXXX',
        '    reason: not reachable from the entrypoint',
        '  - purl: pkg:npm/lodash',
        '    path: usr/lib/**',
        '    reason: build-time only',
        '    expires: 2025-06-15',
        '  - id: CVE-4',
        '    reason: would not override VEX',
      ].join('\n'),
      FILE,
    );
    const out = applyIgnoreRules(scan(), rules, { now: NOW, file: FILE });
    const by = Object.fromEntries(out.result.findings.map((f) => [f.id, f.suppressed]));
    assert.equal(by['CVE-1']?.kind, 'ignore-rule');
    assert.equal(by['CVE-1']?.detail, 'not reachable from the entrypoint');
    assert.equal(by['CVE-1']?.origin, `${FILE} rules[0]`);
    assert.equal(by['CVE-2']?.kind, 'ignore-rule');
    assert.equal(by['CVE-2']?.detail, 'build-time only');
    assert.equal(by['CVE-3'], undefined, 'path did not match: both conditions must hold');
    assert.equal(by['CVE-4']?.kind, 'vex', 'an existing suppression is kept');
    assert.equal(out.ignored, 2);
    assert.equal(out.result.summary.actionable, 1);
    assert.equal(out.result.summary.suppressed, 3);
    assert.deepEqual(out.warnings, []);
  });

  test('expired rules stop applying and are reported (injected clock)', () => {
    const rules = parseIgnoreFile(
      'rules:\n  - id: CVE-1\n    reason: waiting for upstream\n    expires: 2025-06-14\n',
      FILE,
    );
    const out = applyIgnoreRules(scan(), rules, { now: NOW, file: FILE });
    assert.equal(out.ignored, 0);
    assert.equal(out.result.findings[0]?.suppressed, undefined);
    assert.equal(out.expired.length, 1);
    assert.match(out.warnings[0] ?? '', /rules\[0\] \(CVE-1\) expired on 2025-06-14 and no longer applies/);
    // The same rule still applied on its last day.
    const lastDay = applyIgnoreRules(scan(), rules, { now: new Date('2025-06-14T23:59:59Z'), file: FILE });
    assert.equal(lastDay.ignored, 1);
  });

  test('isExpired is inclusive of the expiry day', () => {
    const rule = { index: 0, id: 'x', reason: 'r', expires: '2025-01-31' };
    assert.equal(isExpired(rule, new Date('2025-01-31T23:59:59.999Z')), false);
    assert.equal(isExpired(rule, new Date('2025-02-01T00:00:00Z')), true);
    assert.equal(isExpired({ index: 0, id: 'x', reason: 'r' }, new Date('2999-01-01')), false);
  });
});
