import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Advisory } from '../../types.js';
import { languageTarget, pep503 } from './index.js';
import { type OsvParseOptions, type OsvParseResult, parseOsvRecord } from './record.js';

const options: OsvParseOptions = { source: 'osv', target: languageTarget };

function record(affected: unknown[], extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { id: 'GHSA-test-0000-0001', modified: '2024-01-01T00:00:00Z', affected, ...extra };
}

function npm(ranges: unknown, more: Record<string, unknown> = {}) {
  return { package: { ecosystem: 'npm', name: 'left-pad' }, ranges, ...more };
}

function ok(result: OsvParseResult): Advisory & { entrySkips: Array<{ where: string; why: string }> } {
  if ('skip' in result) assert.fail(`record was skipped: ${result.skip}`);
  return { ...result.advisory, entrySkips: result.entrySkips };
}

describe('parseOsvRecord ranges', () => {
  test('pairs events in the order written, with open and last_affected intervals', () => {
    const a = ok(
      parseOsvRecord(
        record([
          npm([
            {
              type: 'SEMVER',
              events: [
                { introduced: '1.0.0' },
                { fixed: '1.2.0' },
                { introduced: '2.0.0' },
                { last_affected: '2.1.0' },
                { introduced: '3.0.0' },
              ],
            },
          ]),
        ]),
        'x.json',
        options,
      ),
    );
    assert.deepEqual(a.affected[0]!.ranges, [
      { introduced: '1.0.0', fixed: '1.2.0' },
      { introduced: '2.0.0', lastAffected: '2.1.0' },
      { introduced: '3.0.0' },
    ]);
    assert.equal(a.affected[0]!.status, 'affected');
    assert.equal(a.affected[0]!.scheme, 'npm');
    assert.equal(a.affected[0]!.namespace, 'npm');
  });

  test('a closing event with nothing open starts from the beginning; a second introduced is redundant', () => {
    const a = ok(
      parseOsvRecord(
        record([
          npm([
            {
              type: 'ECOSYSTEM',
              events: [{ fixed: '1.0.0' }, { introduced: '2.0' }, { introduced: '2.5' }, { fixed: '3.0' }],
            },
          ]),
        ]),
        'x.json',
        options,
      ),
    );
    assert.deepEqual(a.affected[0]!.ranges, [{ fixed: '1.0.0' }, { introduced: '2.0', fixed: '3.0' }]);
  });

  test('limit is an exclusive upper bound, noted on the entry', () => {
    const a = ok(
      parseOsvRecord(
        record([npm([{ type: 'SEMVER', events: [{ introduced: '0' }, { limit: '5.0.0' }] }])]),
        'x',
        options,
      ),
    );
    assert.deepEqual(a.affected[0]!.ranges, [{ introduced: '0', fixed: '5.0.0' }]);
    assert.match(a.affected[0]!.notes ?? '', /limit 5\.0\.0/);
  });

  test('introduced 0 + fixed 0 means not affected (Chainguard convention)', () => {
    const a = ok(
      parseOsvRecord(
        record([npm([{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '0' }] }])]),
        'x',
        options,
      ),
    );
    assert.equal(a.affected[0]!.status, 'not_affected');
    assert.deepEqual(a.affected[0]!.ranges, []);
  });

  test('GIT ranges are ignored; versions are kept, de-duplicated', () => {
    const a = ok(
      parseOsvRecord(
        record([
          npm([{ type: 'GIT', repo: 'https://x', events: [{ introduced: 'abc' }] }], {
            versions: ['1.0.0', '1.0.0', '1.0.1'],
          }),
        ]),
        'x',
        options,
      ),
    );
    assert.deepEqual(a.affected[0]!.ranges, []);
    assert.deepEqual(a.affected[0]!.versions, ['1.0.0', '1.0.1']);
    assert.equal(a.affected[0]!.status, 'affected');
  });

  test('an entry with no usable range and no versions is skipped, never read as all versions', () => {
    const result = parseOsvRecord(
      record([
        npm([{ type: 'GIT', events: [{ introduced: 'abc' }] }]),
        npm([{ type: 'SEMVER', events: [{ introduced: '0' }, { fixed: '1.0.0' }] }]),
      ]),
      'f.json',
      options,
    );
    const a = ok(result);
    assert.equal(a.affected.length, 1);
    assert.equal(a.entrySkips.length, 1);
    assert.equal(a.entrySkips[0]!.where, 'f.json: GHSA-test-0000-0001 affected[0]');
    assert.match(a.entrySkips[0]!.why, /not read as all versions/);

    const alone = parseOsvRecord(record([{ package: { ecosystem: 'npm', name: 'x' } }]), 'f.json', options);
    assert.ok('skip' in alone);
    assert.match(alone.skip, /no usable affected entry.*not read as all versions/);
  });
});

describe('parseOsvRecord fields', () => {
  test('aliases join aliases and upstream without the id or duplicates; CVSS vectors kept, score not computed', () => {
    const a = ok(
      parseOsvRecord(
        record([npm([{ type: 'SEMVER', events: [{ introduced: '0' }] }])], {
          aliases: ['CVE-2024-1', 'GHSA-test-0000-0001', 7],
          upstream: ['CVE-2024-1', 'CVE-2024-2'],
          severity: [
            { type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H' },
            { type: 'Ubuntu', score: 'high' },
            { type: 'CVSS_V4', score: 42 },
          ],
          database_specific: { severity: 'MODERATE' },
          references: [{ type: 'WEB', url: 'https://example.org' }, { url: 5 }, 'x'],
          summary: 12,
        }),
        'x',
        options,
      ),
    );
    assert.deepEqual(a.aliases, ['CVE-2024-1', 'CVE-2024-2']);
    assert.deepEqual(a.severities, [
      { type: 'CVSS_V3', vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H' },
    ]);
    assert.deepEqual(a.affected[0]!.severity, { level: 'medium', raw: 'MODERATE' });
    assert.deepEqual(a.references, [{ type: 'WEB', url: 'https://example.org' }]);
    assert.equal(a.summary, undefined);
    assert.equal(a.source, 'osv');
  });

  test('PyPI names are PEP 503 normalized, Maven keeps group:artifact', () => {
    assert.equal(pep503('Products.PluggableAuthService'), 'products-pluggableauthservice');
    assert.equal(pep503('a__b-.-c'), 'a-b-c');
    const a = ok(
      parseOsvRecord(
        record([
          { package: { ecosystem: 'PyPI', name: 'Zope_Interface' }, versions: ['1.0'] },
          { package: { ecosystem: 'Maven', name: 'org.x:y' }, versions: ['1.0'] },
        ]),
        'x',
        options,
      ),
    );
    assert.deepEqual(
      a.affected.map((e) => [e.namespace, e.packageName, e.scheme]),
      [
        ['pypi', 'zope-interface', 'pep440'],
        ['maven', 'org.x:y', 'maven'],
      ],
    );
  });

  test('unknown ecosystems are left out and counted; a record with nothing else is skipped with the reason', () => {
    const result = parseOsvRecord(
      record([{ package: { ecosystem: 'Alpine:v3.18', name: 'openssl' }, versions: ['1'] }]),
      'x',
      options,
    );
    assert.ok('skip' in result);
    assert.match(result.skip, /nothing this feed covers: ecosystem Alpine is not read/);
    assert.deepEqual(result.ignored, ['ecosystem Alpine is not read by the osv importer']);
  });

  test('wrong types skip the entry or the record with a reason', () => {
    const cases: Array<[unknown, RegExp]> = [
      [null, /not a JSON object/],
      [{ id: 7, affected: [] }, /not a valid advisory id/],
      [{ id: 'has space', affected: [] }, /not a valid advisory id/],
      [{ id: 'X-1' }, /affected is missing/],
      [{ id: 'X-1', affected: {} }, /affected is not an array/],
      [record(['x']), /affected\[0\] is not an object/],
      [record([{ package: 'npm' }]), /package is not an object/],
      [record([{ package: { ecosystem: 'npm', name: 3 } }]), /package\.name is not a non-empty string/],
      [record([npm('r')]), /ranges is not an array/],
      [record([npm([{ type: 'SEMVER' }])]), /events is not an array/],
      [record([npm([{ type: 'SEMVER', events: [] }])]), /no ECOSYSTEM\/SEMVER ranges and no versions/],
      [record([npm([{ type: 'SEMVER', events: [{ introduced: '0', fixed: '1' }] }])]), /exactly one key/],
      [
        record([npm([{ type: 'SEMVER', events: [{ introduced: 0 }] }])]),
        /introduced is not a non-empty string/,
      ],
      [record([npm([{ type: 'SEMVER', events: [{ broken: '1' }] }])]), /unknown event type/],
      [record([npm([{ type: 'SEMVER', events: [{ fixed: 'a\u0000b' }] }])]), /control characters/],
      [record([npm([{ type: 'SEMVER', events: [{ fixed: 'x'.repeat(100_000) }] }])]), /longer than 512/],
      [record([npm(undefined, { versions: 'all' })]), /versions is not an array/],
      [record([npm(undefined, { versions: [1] })]), /versions\[0\] is not a non-empty string/],
    ];
    for (const [input, why] of cases) {
      const result = parseOsvRecord(input, 'x', options);
      assert.ok('skip' in result, `expected a skip for ${JSON.stringify(input).slice(0, 80)}`);
      assert.match(result.skip, why);
    }
  });

  test('huge free text is cut, not stored whole', () => {
    const a = ok(
      parseOsvRecord(
        record([npm(undefined, { versions: ['1'] })], {
          details: 'd'.repeat(5_000_000),
          summary: 's'.repeat(5000),
        }),
        'x',
        options,
      ),
    );
    assert.ok(a.details!.length <= 100_001);
    assert.ok(a.summary!.length <= 1025);
  });

  test('withdrawn, published and the url are kept', () => {
    const a = ok(
      parseOsvRecord(
        record([npm(undefined, { versions: ['1'] })], { withdrawn: '2024-02-02T00:00:00Z' }),
        'x',
        {
          ...options,
          url: (id) => `https://osv.dev/vulnerability/${id}`,
        },
      ),
    );
    assert.equal(a.withdrawn, '2024-02-02T00:00:00Z');
    assert.equal(a.url, 'https://osv.dev/vulnerability/GHSA-test-0000-0001');
  });
});
