import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { assertAscending, assertEqualForms, schemeTests, vectorPair } from '../test-vectors.js';
import { isPep440, pep440 } from './index.js';

const sep = fc.constantFrom('', '.', '-', '_');
const generated = fc
  .tuple(
    fc.option(fc.nat(3)),
    fc.array(fc.nat(12), { minLength: 1, maxLength: 4 }),
    fc.option(
      fc.tuple(sep, fc.constantFrom('a', 'b', 'rc', 'alpha', 'beta', 'c', 'pre', 'preview', 'RC'), fc.nat(5)),
    ),
    fc.option(fc.tuple(sep, fc.constantFrom('post', 'rev', 'r'), fc.nat(5))),
    fc.option(fc.nat(5)),
    fc.option(fc.stringMatching(/^[a-z0-9]{1,4}(\.[a-z0-9]{1,4}){0,2}$/)),
  )
  .map(([epoch, rel, pre, post, dev, local]) => {
    let v = `${epoch === null ? '' : `${epoch}!`}${rel.join('.')}`;
    if (pre) v += `${pre[0]}${pre[1]}${pre[2]}`;
    if (post) v += `${post[0]}${post[1]}${post[2]}`;
    if (dev !== null) v += `.dev${dev}`;
    if (local) v += `+${local}`;
    return v;
  });

describe('pep440', () => {
  schemeTests(pep440, {
    vectors: vectorPair('pypi-versions', 12_000),
    generated,
    sample: { label: 'vector versions (PEP 440 and legacy)' },
    hostile: { good: '1.0' },
  });

  test('PEP 440 ordering example and normalisation', () => {
    const chain = [
      '1.0.dev456',
      '1.0a1',
      '1.0a2.dev456',
      '1.0a12.dev456',
      '1.0a12',
      '1.0b1.dev456',
      '1.0b2',
      '1.0b2.post345.dev456',
      '1.0b2.post345',
      '1.0rc1.dev456',
      '1.0rc1',
      '1.0',
      '1.0+abc.5',
      '1.0+abc.7',
      '1.0+5',
      '1.0.post456.dev34',
      '1.0.post456',
      '1.0.15',
      '1.1.dev1',
      '1!0.1',
    ];
    assertAscending(pep440, chain);
    assertEqualForms(pep440, [
      ['1.0RC1', '1.0rc1'],
      ['1.0c1', '1.0rc1'],
      ['1.0-preview_1', '1.0rc1'],
      ['1.0alpha1', '1.0a1'],
      ['1.0.beta.1', '1.0b1'],
      ['v1.0', '1.0'],
      ['1.0.0', '1'],
      ['0!1.0', '1.0'],
      ['1.0-1', '1.0.post1'],
      ['1.0.rev1', '1.0.post1'],
      ['1.0.post', '1.0.post0'],
      ['1.0-dev', '1.0.dev0'],
      ['1.0+ubuntu-1', '1.0+ubuntu.1'],
      ['1.0+ABC', '1.0+abc'],
      ['1.0a', '1.0a0'],
    ]);
  });

  test('legacy (non-PEP 440) versions sort below every PEP 440 version', () => {
    assert.equal(isPep440('0.9-ivysaur'), false);
    assert.equal(isPep440('1.0rc1'), true);
    assert.equal(pep440.invalid('0.9-ivysaur'), undefined);
    assert.equal(pep440.compare('999-legacy!', '0.0.dev0'), -1);
  });

  test('a long near-miss version is accepted quickly', () => {
    const nearMiss = `1${'.0'.repeat(120)}${'-'.repeat(10)}`;
    const started = performance.now();
    assert.equal(pep440.invalid(nearMiss), undefined);
    assert.ok(performance.now() - started < 200);
  });
});
