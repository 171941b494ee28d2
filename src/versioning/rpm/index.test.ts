import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import {
  assertAscending,
  assertEqualForms,
  assertRejected,
  HOSTILE_INPUTS,
  schemeTests,
  UNICODE_INPUTS,
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
  // Hostile input has its own test below: rpm reads non-ASCII as a separator.
  schemeTests(rpm, { vectors: [{ file: 'redhat-versions.txt', moreThan: 150 }], generated, hostile: null });

  test('tilde and caret', () => {
    assertAscending(rpm, ['1.0~rc1', '1.0~rc1^git1', '1.0', '1.0^git1~pre', '1.0^git1', '1.0^git2', '1.0.1']);
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

  test('hostile input is rejected quickly; unicode is a separator, never a crash', () => {
    assertRejected(rpm, HOSTILE_INPUTS, '1.0');
    for (const u of UNICODE_INPUTS) {
      assert.equal(rpm.invalid(u), undefined);
      assert.equal(typeof rpm.compare(u, '1.0'), 'number');
    }
  });
});
