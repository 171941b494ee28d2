import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { assertEqualForms, readVectors, schemeTests, vectorFailures } from '../test-vectors.js';
import { npm } from './index.js';

const num = fc.oneof(fc.nat(20), fc.nat(Number.MAX_SAFE_INTEGER));
const ident = fc.oneof(fc.nat(20).map(String), fc.stringMatching(/^[A-Za-z-][0-9A-Za-z-]{0,5}$/));
const generated = fc
  .tuple(fc.constantFrom('', 'v', '='), num, num, num, fc.array(ident, { maxLength: 3 }), fc.boolean())
  .map(
    ([prefix, a, b, c, pre, build]) =>
      `${prefix}${a}.${b}.${c}${pre.length ? `-${pre.join('.')}` : ''}${build ? '+build.1' : ''}`,
  );

describe('npm', () => {
  schemeTests(npm, {
    generated,
    sample: { files: ['semver-versions.txt'], filter: (v) => npm.invalid(v) === undefined },
    hostile: { good: '1.0.0' },
  });

  test('semver vectors where npm accepts both versions (both directions)', () => {
    const all = readVectors('semver-versions.txt');
    const applicable = all.filter(
      (c) => npm.invalid(c.left) === undefined && npm.invalid(c.right) === undefined,
    );
    const skipped = all.filter((c) => !applicable.includes(c));
    // Only the cases npm cannot parse: numbers beyond a safe integer and the 5-component version.
    assert.deepEqual(
      skipped.map((c) => c.line),
      [87, 88, 92],
    );
    assert.deepEqual(vectorFailures(npm, applicable), []);
    assert.match(npm.invalid('999999999999999999999999999991.0.0') ?? '', /major/i);
  });

  test('npm parsing rules', () => {
    assertEqualForms(npm, [
      ['v1.2.3', '1.2.3'],
      ['=1.2.3', '1.2.3'],
      ['1.2.3+a', '1.2.3+b'],
    ]);
    for (const v of ['1.2', '01.2.3', '1.2.3.4', ' 1.2.3']) assert.equal(typeof npm.invalid(v), 'string', v);
    assert.equal(npm.compare('1.0.0-rc.1', '1.0.0'), -1);
    assert.equal(npm.compare('1.0.0-beta.11', '1.0.0-beta.2'), 1);
  });
});
