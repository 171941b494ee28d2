import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { allOf, parseLicenseExpression, spdxLicenseId } from './license-expression.js';

describe('parseLicenseExpression', () => {
  const valid: [input: string, text: string, licenseId?: string][] = [
    ['MIT', 'MIT', 'MIT'],
    ['mit', 'MIT', 'MIT'],
    ['  Apache-2.0 ', 'Apache-2.0', 'Apache-2.0'],
    ['Apache-1.0+', 'Apache-1.0+'],
    // A deprecated list id that happens to end in `+`.
    ['gpl-2.0+', 'GPL-2.0+', 'GPL-2.0+'],
    ['MIT OR Apache-2.0', 'MIT OR Apache-2.0'],
    ['mit OR apache-2.0', 'MIT OR Apache-2.0'],
    ['GPL-3.0-or-later WITH GCC-exception-3.1', 'GPL-3.0-or-later WITH GCC-exception-3.1'],
    ['GPL-2.0-only WITH classpath-exception-2.0', 'GPL-2.0-only WITH Classpath-exception-2.0'],
    ['(MIT OR Apache-2.0) AND BSD-3-Clause', '(MIT OR Apache-2.0) AND BSD-3-Clause'],
    ['( MIT  OR\n(Apache-2.0 AND BSD-2-Clause) )', '(MIT OR (Apache-2.0 AND BSD-2-Clause))'],
    ['MIT AND BSD-3-Clause OR Apache-2.0', 'MIT AND BSD-3-Clause OR Apache-2.0'],
  ];
  for (const [input, text, licenseId] of valid) {
    test(`valid: ${JSON.stringify(input)}`, () => {
      const parsed = parseLicenseExpression(input);
      assert.deepEqual(parsed, { text, ...(licenseId ? { licenseId } : {}), hasLicenseRefs: false });
    });
  }

  test('LicenseRef and DocumentRef ids are valid and flagged', () => {
    assert.deepEqual(parseLicenseExpression('LicenseRef-acme-1.0 OR MIT'), {
      text: 'LicenseRef-acme-1.0 OR MIT',
      hasLicenseRefs: true,
    });
    assert.deepEqual(parseLicenseExpression('DocumentRef-spdx-tool-1.2:LicenseRef-MIT-Style-2'), {
      text: 'DocumentRef-spdx-tool-1.2:LicenseRef-MIT-Style-2',
      hasLicenseRefs: true,
    });
  });

  const invalid = [
    '',
    '   ',
    'GPLv2+',
    'GPL (>= 2) and/or BSD',
    'MIT and Apache-2.0',
    'MIT AND',
    'OR MIT',
    '(MIT',
    'MIT)',
    '()',
    'MIT Apache-2.0',
    'MIT WITH',
    'MIT WITH MIT',
    'Classpath-exception-2.0',
    'MIT WITH Classpath-exception-2.0 WITH LLVM-exception',
    '(MIT OR Apache-2.0) WITH LLVM-exception',
    'LicenseRef-',
    'LicenseRef-a_b',
    'MIT++',
    `${'('.repeat(100_000)}MIT${')'.repeat(100_000)}`,
  ];
  for (const input of invalid) {
    test(`invalid: ${JSON.stringify(input.slice(0, 60))}`, () =>
      assert.equal(parseLicenseExpression(input), undefined));
  }

  test('nesting up to 32 levels is accepted', () => {
    assert.equal(
      parseLicenseExpression(`${'('.repeat(32)}MIT${')'.repeat(32)}`)?.text,
      `${'('.repeat(32)}MIT${')'.repeat(32)}`,
    );
    assert.equal(parseLicenseExpression(`${'('.repeat(33)}MIT${')'.repeat(33)}`), undefined);
  });

  test('a huge valid expression parses (no recursion per operator)', () => {
    const huge = Array.from({ length: 50_000 }, () => 'MIT').join(' AND ');
    assert.equal(parseLicenseExpression(huge)?.text, huge);
  });
});

describe('spdxLicenseId', () => {
  test('finds ids case-insensitively and gives the list spelling', () => {
    assert.equal(spdxLicenseId('apache-2.0'), 'Apache-2.0');
    assert.equal(spdxLicenseId('0bsd'), '0BSD');
    assert.equal(spdxLicenseId('GPL-2.0'), 'GPL-2.0');
  });
  test('rejects exceptions, expressions and unknown names', () => {
    assert.equal(spdxLicenseId('Classpath-exception-2.0'), undefined);
    assert.equal(spdxLicenseId('MIT OR Apache-2.0'), undefined);
    assert.equal(spdxLicenseId('GPLv2'), undefined);
  });
});

describe('allOf', () => {
  test('joins with AND, parenthesising compound expressions', () => {
    assert.equal(allOf(['MIT']), 'MIT');
    assert.equal(allOf(['MIT OR Apache-2.0']), 'MIT OR Apache-2.0');
    assert.equal(
      allOf(['MIT', 'MIT OR Apache-2.0', 'LicenseRef-x']),
      'MIT AND (MIT OR Apache-2.0) AND LicenseRef-x',
    );
  });
});
