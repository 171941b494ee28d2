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
import { rpm } from './index.js';

const part = fc.stringMatching(/^[0-9a-zA-Z][0-9a-zA-Z.~^_+]{0,6}$/);
const generated = fc
  .tuple(fc.option(fc.nat(3)), part, fc.option(part))
  .map(
    ([epoch, version, release]) =>
      `${epoch === null ? '' : `${epoch}:`}${version}${release === null ? '' : `-${release}`}`,
  );

describe('rpm', () => {
  test('vectors (both directions)', () => {
    const cases = readVectors('redhat-versions.txt');
    assert.ok(cases.length > 150);
    assert.deepEqual(vectorFailures(rpm, cases), []);
  });

  test('tilde and caret', () => {
    const chain = ['1.0~rc1', '1.0~rc1^git1', '1.0', '1.0^git1~pre', '1.0^git1', '1.0^git2', '1.0.1', '1.0a'];
    for (let i = 1; i < chain.length - 1; i++)
      assert.equal(rpm.compare(chain[i - 1]!, chain[i]!), -1, chain[i]);
    assert.equal(rpm.compare('1.0.1', '1.0a'), 1, 'digits sort above letters');
    assert.equal(rpm.compare('1:1.0', '2.0'), 1, 'epoch first');
    assert.equal(rpm.compare('0:2.0-1.el9', '2.0-1.el9'), 0, 'missing epoch is 0');
    assert.equal(rpm.compare('2.0-1.el9_3', '2.0-1.el9_10'), -1);
    assertEqualForms(rpm, [
      ['1.0-1', '1_0-1'],
      ['1.01', '1.1'],
      ['1.1.α', '1.1.β'],
    ]);
  });

  test('order laws on generated versions', () => {
    checkOrderLaws(rpm, generated);
  });

  test('order laws on vector versions', () => {
    checkOrderLaws(rpm, fc.constantFrom(...vectorVersions('redhat-versions.txt')), 500);
  });

  test('hostile input is rejected quickly; unicode is a separator, never a crash', () => {
    assertRejected(rpm, HOSTILE_INPUTS, '1.0');
    for (const u of UNICODE_INPUTS) {
      assert.equal(rpm.invalid(u), undefined);
      assert.equal(typeof rpm.compare(u, '1.0'), 'number');
    }
  });
});
