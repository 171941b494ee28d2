import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { assertAscending, assertEqualForms, schemeTests, vectorPair } from '../test-vectors.js';
import { rubygems } from './index.js';

const segment = fc.oneof(
  fc.nat(12).map(String),
  fc.constantFrom('a', 'b', 'beta', 'pre', 'rc', 'rc1', 'alpha2', 'Z'),
);
const generated = fc
  .tuple(fc.nat(10), fc.array(segment, { maxLength: 4 }), fc.option(fc.constantFrom('-rc1', '-1', '-x.2')))
  .map(([first, rest, pre]) => `${[first, ...rest].join('.')}${pre ?? ''}`);

describe('rubygems', () => {
  schemeTests(rubygems, {
    vectors: vectorPair('rubygems-versions', 4000),
    generated,
    hostile: { good: '1.0', extra: [`1${'.a'.repeat(100)}!`] },
  });

  test('Gem::Version rules', () => {
    assertAscending(rubygems, ['1.0.a', '1.0.a.1', '1.0.b1', '1.0.rc1', '1.0', '1.0.1', '1.1']);
    assertEqualForms(rubygems, [
      ['1.0', '1'],
      ['1.0.0', '1'],
      ['1.0.a2', '1.0.a.2'],
      ['1.0-x', '1.0.pre.x'],
      ['1.01', '1.1'],
    ]);
    for (const v of ['a', '.1', '1..2', '1.0-', '1_0', 'v1.0'])
      assert.equal(typeof rubygems.invalid(v), 'string', v);
  });
});
