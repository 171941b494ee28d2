import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { KeelsonError } from '../core/errors.js';
import { dpkg } from './dpkg/index.js';
import { inInterval, satisfiesNpmRange } from './range.js';
import { InvalidVersionError } from './types.js';

describe('inInterval', () => {
  test('introduced inclusive, fixed exclusive, lastAffected inclusive', () => {
    const iv = { introduced: '1.2.0', fixed: '1.4.0' };
    assert.equal(inInterval('semver', '1.1.9', iv), false);
    assert.equal(inInterval('semver', '1.2.0', iv), true);
    assert.equal(inInterval('semver', '1.3.9', iv), true);
    assert.equal(inInterval('semver', '1.4.0', iv), false);
    assert.equal(inInterval('semver', '1.4.0-rc.1', iv), true, 'a pre-release of the fix is still affected');
    const last = { introduced: '1.2.0', lastAffected: '1.3.0' };
    assert.equal(inInterval('semver', '1.3.0', last), true);
    assert.equal(inInterval('semver', '1.3.1', last), false);
  });

  test("introduced absent or '0' means from the start, in any scheme", () => {
    assert.equal(inInterval('dpkg', '0~beta1', { introduced: '0', fixed: '1.0' }), true);
    assert.equal(inInterval('semver', '0.0.1', { introduced: '0', fixed: '1.0.0' }), true);
    assert.equal(inInterval('go', 'v0.0.0-20191109021931-daa7c04131f5', { fixed: 'v0.1.0' }), true);
    assert.equal(inInterval('pep440', '0.1.dev1', {}), true, 'no bounds: every version');
  });

  test('ecosystem ordering is used (scheme object or name)', () => {
    const iv = { introduced: '9.7-3', fixed: '9.7-3+dhi3' };
    assert.equal(inInterval(dpkg, '9.7-3+dhi1', iv), true);
    assert.equal(inInterval('dpkg', '9.7-3+dhi3', iv), false);
    assert.equal(inInterval('apk', '1.2.3-r4', { introduced: '0', fixed: '1.2.3-r5' }), true);
    assert.equal(inInterval('rpm', '1:2.0-1.el9', { fixed: '3.0-1.el9' }), false, 'epoch wins');
    assert.equal(inInterval('maven', '2.0-SNAPSHOT', { introduced: '1.0', fixed: '2.0' }), true);
  });

  test('invalid version or bound throws InvalidVersionError, never reads as not affected', () => {
    assert.throws(() => inInterval('semver', 'latest', { fixed: '1.0.0' }), InvalidVersionError);
    assert.throws(
      () => inInterval('semver', '0.5.0', { introduced: 'x', fixed: '1.0.0' }),
      InvalidVersionError,
    );
    assert.throws(
      () => inInterval('semver', '2.0.0', { introduced: '1.0.0', fixed: '' }),
      InvalidVersionError,
    );
    assert.throws(() => inInterval('npm', '1.0.0', { lastAffected: '1.0' }), InvalidVersionError);
  });
});

describe('satisfiesNpmRange', () => {
  test('npm range syntax, GitHub comma style, pre-releases included', () => {
    assert.equal(satisfiesNpmRange('4.17.20', '< 4.17.21'), true);
    assert.equal(satisfiesNpmRange('4.17.21', '< 4.17.21'), false);
    assert.equal(satisfiesNpmRange('1.5.0', '>= 1.0.0, < 1.2.3'), false);
    assert.equal(satisfiesNpmRange('1.1.0', '>= 1.0.0, < 1.2.3'), true);
    assert.equal(satisfiesNpmRange('2.3.0', '^2.0.0'), true);
    assert.equal(satisfiesNpmRange('3.0.0', '^2.0.0'), false);
    assert.equal(satisfiesNpmRange('0.9.0', '< 0.5.0 || >= 0.8.0 < 1.0.0'), true);
    assert.equal(satisfiesNpmRange('2.0.0-beta.1', '< 2.0.0'), true);
    assert.equal(satisfiesNpmRange('v1.0.0', '1.0.0'), true);
  });

  test('bad version or range', () => {
    assert.throws(() => satisfiesNpmRange('1.0', '< 2.0.0'), InvalidVersionError);
    assert.throws(() => satisfiesNpmRange('1.0.0', '>>> nope'), KeelsonError);
    assert.throws(() => satisfiesNpmRange('1.0.0', `<${'1'.repeat(5000)}`), KeelsonError);
    assert.throws(() => satisfiesNpmRange('1.0.0', 42 as unknown as string), KeelsonError);
  });
});
