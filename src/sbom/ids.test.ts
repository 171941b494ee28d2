import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { shortHash, spdxIdString, UniqueIds } from './ids.js';

describe('spdxIdString', () => {
  test('keeps letters, digits and dots; other runs become one dash', () => {
    assert.equal(spdxIdString('libgcc-s1'), 'libgcc-s1');
    assert.equal(spdxIdString('@babel/core'), 'babel-core');
    assert.equal(spdxIdString('a  _/ b'), 'a-b');
    assert.equal(spdxIdString('Zope.Interface'), 'Zope.Interface');
    assert.equal(spdxIdString('ünï'), 'n');
    assert.equal(spdxIdString('🦀'), '');
  });
  test('is cut to the maximum length', () => {
    assert.equal(spdxIdString('x'.repeat(100), 10), 'x'.repeat(10));
    assert.equal(spdxIdString('abc def', 4), 'abc');
  });
});

describe('UniqueIds', () => {
  test('numbers repeats', () => {
    const ids = new UniqueIds();
    assert.deepEqual(
      ['a', 'a', 'a-2', 'a', 'b'].map((candidate) => ids.take(candidate)),
      ['a', 'a-2', 'a-2-2', 'a-3', 'b'],
    );
  });
  test('many repeats of one candidate', () => {
    const ids = new UniqueIds();
    const taken = Array.from({ length: 20_000 }, () => ids.take('dup'));
    assert.equal(new Set(taken).size, 20_000);
    assert.equal(taken[19_999], 'dup-20000');
  });
});

describe('shortHash', () => {
  test('is 16 hex digits of SHA-256 over NUL-joined parts', () => {
    // sha256("a\0bc") and sha256("ab\0c") computed with: printf 'a\0bc' | sha256sum
    assert.equal(shortHash('a', 'bc'), '40bb547d936bbd31');
    assert.notEqual(shortHash('a', 'bc'), shortHash('ab', 'c'));
  });
});
