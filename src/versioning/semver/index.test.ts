import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { assertAscending, assertEqualForms, schemeTests } from '../test-vectors.js';
import { semver } from './index.js';

const num = fc.oneof(fc.nat(20), fc.bigInt({ min: 0n, max: 10n ** 30n }).map(String));
const ident = fc.oneof(fc.nat(20).map(String), fc.stringMatching(/^[A-Za-z-][0-9A-Za-z-]{0,5}$/));
export const semverArb = fc
  .tuple(
    num,
    num,
    num,
    fc.array(ident, { maxLength: 3 }),
    fc.option(fc.stringMatching(/^[0-9A-Za-z-]{1,5}$/)),
  )
  .map(
    ([a, b, c, pre, build]) =>
      `${a}.${b}.${c}${pre.length ? `-${pre.join('.')}` : ''}${build === null ? '' : `+${build}`}`,
  );

describe('semver', () => {
  schemeTests(semver, {
    vectors: [{ file: 'semver-versions.txt' }],
    generated: semverArb,
    hostile: { good: '1.0.0', extra: [`1.0.0-${'a.'.repeat(100)}`] },
  });

  test('SemVer 2.0 spec precedence example', () => {
    const chain = [
      '1.0.0-alpha',
      '1.0.0-alpha.1',
      '1.0.0-alpha.beta',
      '1.0.0-beta',
      '1.0.0-beta.2',
      '1.0.0-beta.11',
      '1.0.0-rc.1',
      '1.0.0',
      '2.0.0',
      '2.1.0',
      '2.1.1',
    ];
    assertAscending(semver, chain);
    assertEqualForms(semver, [
      ['1.0.0+a', '1.0.0+b'],
      ['v1.0.0', '1.0.0'],
      ['1.0.0-rc.1+x', '1.0.0-rc.1'],
    ]);
  });

  test('strict parsing', () => {
    assertEqualForms(semver, [
      ['1', '1.0.0'],
      ['1.2', '1.2.0'],
    ]);
    for (const v of ['01.2.3', '1.02.3', '1.2.3-01', '1.2.3-', '1.2.3+', '1.2.3-a..b', 'V1.2.3', '1.2.3.a']) {
      assert.equal(typeof semver.invalid(v), 'string', v);
    }
  });
});
