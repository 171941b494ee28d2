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
  test('hand-written vectors (both directions)', () => {
    assert.deepEqual(vectorFailures(maven, readVectors('maven-versions.txt')), []);
  });

  test('generated vectors (both directions)', () => {
    const cases = readVectors('maven-versions-generated.txt');
    assert.ok(cases.length > 14_000);
    assert.deepEqual(vectorFailures(maven, cases), []);
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
    for (let i = 1; i < chain.length; i++)
      assert.equal(maven.compare(chain[i - 1]!, chain[i]!), -1, chain[i]);
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

  test('order laws on generated versions', () => {
    checkOrderLaws(maven, generated);
  });

  test('order laws on vector versions', () => {
    const sample = vectorVersions('maven-versions.txt', 'maven-versions-generated.txt');
    checkOrderLaws(maven, fc.constantFrom(...sample), 500);
  });

  test('hostile input is rejected quickly, never crashes', () => {
    assertRejected(maven, [...HOSTILE_INPUTS, ...UNICODE_INPUTS], '1.0');
    const deep = '1a'.repeat(120);
    assert.equal(maven.compare(deep, deep), 0, 'deeply nested lists compare without blowing the stack');
  });
});
