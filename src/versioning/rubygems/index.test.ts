import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import {
  assertEqualForms,
  assertRejected,
  checkOrderLaws,
  HOSTILE_INPUTS,
  readVectors,
  UNICODE_INPUTS,
  vectorFailures,
  vectorVersions,
} from '../test-vectors.js';
import { rubygems } from './index.js';

const segment = fc.oneof(
  fc.nat(12).map(String),
  fc.constantFrom('a', 'b', 'beta', 'pre', 'rc', 'rc1', 'alpha2', 'Z'),
);
const generated = fc
  .tuple(fc.nat(10), fc.array(segment, { maxLength: 4 }), fc.option(fc.constantFrom('-rc1', '-1', '-x.2')))
  .map(([first, rest, pre]) => `${[first, ...rest].join('.')}${pre ?? ''}`);

describe('rubygems', () => {
  test('hand-written vectors (both directions)', () => {
    assert.deepEqual(vectorFailures(rubygems, readVectors('rubygems-versions.txt')), []);
  });

  test('generated vectors (both directions)', () => {
    const cases = readVectors('rubygems-versions-generated.txt');
    assert.ok(cases.length > 4000);
    assert.deepEqual(vectorFailures(rubygems, cases), []);
  });

  test('Gem::Version rules', () => {
    const chain = ['1.0.a', '1.0.a.1', '1.0.b1', '1.0.rc1', '1.0', '1.0.1', '1.1'];
    for (let i = 1; i < chain.length; i++)
      assert.equal(rubygems.compare(chain[i - 1]!, chain[i]!), -1, chain[i]);
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

  test('order laws on generated versions', () => {
    checkOrderLaws(rubygems, generated);
  });

  test('order laws on vector versions', () => {
    const sample = vectorVersions('rubygems-versions.txt', 'rubygems-versions-generated.txt');
    checkOrderLaws(rubygems, fc.constantFrom(...sample), 500);
  });

  test('hostile input is rejected quickly, never crashes', () => {
    assertRejected(rubygems, [...HOSTILE_INPUTS, ...UNICODE_INPUTS, `1${'.a'.repeat(100)}!`], '1.0');
  });
});
