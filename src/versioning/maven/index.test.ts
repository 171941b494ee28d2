import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { assertAscending, assertEqualForms, schemeTests, vectorPair } from '../test-vectors.js';
import { maven } from './index.js';

const qualifier = fc.constantFrom(
  'alpha',
  'a',
  'beta',
  'b',
  'M',
  'milestone',
  'rc',
  'CR',
  'SNAPSHOT',
  'ga',
  'final',
  'release',
  'sp',
  'foo',
  'jre',
);
const piece = fc.oneof(
  fc.nat(12).map(String),
  qualifier,
  fc.tuple(qualifier, fc.nat(5)).map(([q, n]) => `${q}${n}`),
);
const generated = fc
  .tuple(fc.nat(10), fc.array(fc.tuple(fc.constantFrom('.', '-'), piece), { maxLength: 4 }))
  .map(([first, rest]) => `${first}${rest.map(([s, p]) => s + p).join('')}`);

describe('maven', () => {
  schemeTests(maven, {
    vectors: vectorPair('maven-versions', 14_000),
    generated,
    hostile: { good: '1.0' },
  });

  test('qualifier order and padding', () => {
    const chain = [
      '1-alpha',
      '1-beta',
      '1-milestone',
      '1-rc',
      '1-snapshot',
      '1',
      '1-sp',
      '1-abc',
      '1-xyz',
      '1-1',
      '1.1',
    ];
    assertAscending(maven, chain);
    assertEqualForms(maven, [
      ['1', '1.0.0'],
      ['1.0-GA', '1'],
      ['1-FINAL', '1.0'],
      ['1-cr1', '1-RC-1'],
      ['1.0.0-a1', '1-alpha-1'],
    ]);
    assert.equal(maven.compare('2.0-SNAPSHOT', '2.0'), -1);
    assert.equal(maven.compare('1.10', '1.9'), 1);
  });

  test('deeply nested lists compare without blowing the stack', () => {
    const deep = '1a'.repeat(120);
    assert.equal(maven.compare(deep, deep), 0, 'deeply nested lists compare without blowing the stack');
  });
});
