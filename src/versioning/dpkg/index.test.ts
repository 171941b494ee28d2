import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { assertAscending, assertEqualForms, schemeTests, vectorPair } from '../test-vectors.js';
import { dpkg } from './index.js';

const piece = fc.stringMatching(/^[0-9A-Za-z.+~]{0,6}$/);
const generated = fc
  .tuple(fc.option(fc.nat(3)), fc.nat(20), piece, fc.option(fc.stringMatching(/^[0-9A-Za-z.+~]{1,6}$/)))
  .map(
    ([epoch, n, up, rev]) => `${epoch === null ? '' : `${epoch}:`}${n}${up}${rev === null ? '' : `-${rev}`}`,
  );

describe('dpkg', () => {
  schemeTests(dpkg, {
    vectors: vectorPair('debian-versions', 14_000),
    generated,
    hostile: { good: '1.0' },
  });

  test('tilde, revisions and hardened-image suffixes', () => {
    assertAscending(dpkg, ['1.0~~', '1.0~~a', '1.0~', '1.0', '1.0a', '1.0+', '1.0.1', '1:0.1']);
    assert.equal(dpkg.compare('9.7-3', '9.7-3+dhi1'), -1);
    assert.equal(dpkg.compare('9.7-3+dhi1', '9.7-3+dhi3'), -1);
    assert.equal(dpkg.compare('2.36-9+deb12u4', '2.36-9+deb12u10'), -1);
    assert.equal(dpkg.compare('1.2-3-4', '1.2-3-5'), -1, 'the last hyphen starts the revision');
    assertEqualForms(dpkg, [
      ['0:1.0', '1.0'],
      ['1.0', '1.0-0'],
      ['01:1.0', '1:1.0'],
      ['1.00', '1.0'],
    ]);
  });

  test('invalid versions', () => {
    for (const v of [':1.0', 'a:1.0', '1:', '-1', '1.0-', '99999999999:1']) {
      assert.equal(typeof dpkg.invalid(v), 'string', v);
    }
    assert.equal(dpkg.invalid('abc'), undefined, 'dpkg only warns about a missing leading digit');
  });
});
