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
import { dpkg } from './index.js';

const piece = fc.stringMatching(/^[0-9A-Za-z.+~]{0,6}$/);
const generated = fc
  .tuple(fc.option(fc.nat(3)), fc.nat(20), piece, fc.option(fc.stringMatching(/^[0-9A-Za-z.+~]{1,6}$/)))
  .map(
    ([epoch, n, up, rev]) => `${epoch === null ? '' : `${epoch}:`}${n}${up}${rev === null ? '' : `-${rev}`}`,
  );

describe('dpkg', () => {
  test('hand-written vectors (both directions)', () => {
    assert.deepEqual(vectorFailures(dpkg, readVectors('debian-versions.txt')), []);
  });

  test('generated vectors (both directions)', () => {
    const cases = readVectors('debian-versions-generated.txt');
    assert.ok(cases.length > 14_000);
    assert.deepEqual(vectorFailures(dpkg, cases), []);
  });

  test('tilde, revisions and hardened-image suffixes', () => {
    const chain = ['1.0~~', '1.0~~a', '1.0~', '1.0', '1.0a', '1.0+', '1.0.1', '1:0.1'];
    for (let i = 1; i < chain.length; i++) assert.equal(dpkg.compare(chain[i - 1]!, chain[i]!), -1, chain[i]);
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

  test('order laws on generated versions', () => {
    checkOrderLaws(dpkg, generated);
  });

  test('order laws on vector versions', () => {
    const sample = vectorVersions('debian-versions.txt', 'debian-versions-generated.txt');
    checkOrderLaws(dpkg, fc.constantFrom(...sample), 500);
  });

  test('hostile input is rejected quickly, never crashes', () => {
    assertRejected(dpkg, [...HOSTILE_INPUTS, ...UNICODE_INPUTS], '1.0');
  });
});
