import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { assertAscending, schemeTests, vectorPair } from '../test-vectors.js';
import { apk, isWellFormedApk } from './index.js';

const suffix = fc
  .tuple(fc.constantFrom('alpha', 'beta', 'pre', 'rc', 'cvs', 'svn', 'git', 'hg', 'p'), fc.option(fc.nat(30)))
  .map(([s, n]) => `_${s}${n ?? ''}`);
const generated = fc
  .tuple(
    fc.array(fc.nat(30), { minLength: 1, maxLength: 4 }),
    fc.option(fc.constantFrom('a', 'b', 'z')),
    fc.array(suffix, { maxLength: 2 }),
    fc.option(fc.constantFrom('~abc123', '~0f')),
    fc.option(fc.nat(12)),
  )
  .map(
    ([nums, letter, sufs, hash, rev]) =>
      `${nums.join('.')}${letter ?? ''}${sufs.join('')}${hash ?? ''}${rev === null ? '' : `-r${rev}`}`,
  );

describe('apk', () => {
  schemeTests(apk, {
    vectors: vectorPair('alpine-versions', 13_000),
    generated,
    // Only well-formed versions obey the order laws; apk orders malformed ones leniently.
    sample: { filter: isWellFormedApk, moreThan: 1000, label: 'well-formed vector versions' },
    hostile: { good: '1.0' },
  });

  test('suffix order and revisions', () => {
    const chain = ['1.2_alpha', '1.2_beta2', '1.2_pre1', '1.2_rc1', '1.2', '1.2-r1', '1.2_cvs1', '1.2_svn'];
    const rest = ['1.2_git1', '1.2_hg1', '1.2_p1', '1.2_p2-r3', '1.2a', '1.2.1'];
    assertAscending(apk, [...chain, ...rest]);
    assert.equal(apk.compare('1.0~abc-r1', '1.0~def-r1'), 0, 'commit hash is not ordered');
    assert.equal(apk.compare('1.0-r10', '1.0-r9'), 1);
    assert.equal(apk.compare('1.02', '1.1'), -1, 'leading zero after the first number compares as text');
  });

  test('lenient: malformed strings still order, as apk version -t does', () => {
    for (const v of ['1.2.0A', '.1', 'a', '1-r-1', '1--ruff1']) assert.equal(apk.invalid(v), undefined, v);
    assert.equal(isWellFormedApk('1.2.0A'), false);
    assert.equal(isWellFormedApk('1.2.0a_rc1~cafe-r3'), true);
  });
});
