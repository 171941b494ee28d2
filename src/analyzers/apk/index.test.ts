import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { fixture } from '../../../test/helpers/paths.js';
import { isKeelsonError } from '../../core/errors.js';
import type { PackageRecord } from '../../core/types.js';
import type { EntryInfo, FileFacts } from '../types.js';
import { apkAnalyzer, apkRepositoriesAnalyzer } from './index.js';

const DB = 'lib/apk/db/installed';
const ctx = { sibling: () => undefined };
const entry = (path: string): EntryInfo => ({ path, size: 1, mode: 0o644, type: 'file' });

function analyze(content: string | Buffer, path = DB): FileFacts {
  const buffer = Buffer.isBuffer(content) ? content : Buffer.from(content);
  const facts = apkAnalyzer.analyze({ path, content: buffer, mode: 0o644 }, ctx);
  assert.ok(facts);
  return facts;
}

const parseError = (pattern: RegExp) => (err: unknown) =>
  isKeelsonError(err) && err.code === 'PARSE_ERROR' && err.context.file === DB && pattern.test(err.message);

/** Rows of an expected-package TSV written by hand/awk from the database (see PROVENANCE-os-pkgdb.md). */
function expectedRows(name: string): string[] {
  const [, ...rows] = readFileSync(fixture('expected', name), 'utf8').trimEnd().split('\n');
  return rows;
}

const row = (p: PackageRecord) => [p.name, p.version, p.arch ?? '', p.source?.name ?? ''].join('\t');

describe('apkAnalyzer', () => {
  test('wants both installed-database locations and nothing else', () => {
    for (const path of [DB, 'usr/lib/apk/db/installed'])
      assert.equal(apkAnalyzer.wants(path, entry(path)), true);
    for (const path of [
      'lib/apk/db/installed/x',
      'foo/lib/apk/db/installed',
      'lib/apk/db/triggers',
      'etc/apk/world',
    ]) {
      assert.equal(apkAnalyzer.wants(path, entry(path)), false, path);
    }
    assert.equal(apkAnalyzer.oversize, 'error');
  });

  const realDatabases: [string, string, number][] = [
    ['trivy-alpine-3.4/installed', 'apk-trivy-alpine-3.4.tsv', 15],
    ['snyk-alpine_2_6_6/installed', 'apk-snyk-alpine-2.6.6.tsv', 13],
    ['snyk-alpine_3_7_0/installed', 'apk-snyk-alpine-3.7.0.tsv', 11],
    ['syft/multiple-1/installed', 'apk-syft-multiple-1.tsv', 4],
    ['syft/multiple-2/installed', 'apk-syft-multiple-2.tsv', 14],
    ['osv-scalibr/installed', 'apk-osv-scalibr-installed.tsv', 15],
  ];
  for (const [db, tsv, count] of realDatabases) {
    test(`${db}: name, version, arch and origin of all ${count} packages, in database order`, () => {
      const facts = analyze(readFileSync(fixture('pkgdb', 'apk', db)), 'usr/lib/apk/db/installed');
      const expected = expectedRows(tsv);
      assert.equal(expected.length, count);
      assert.deepEqual(facts.packages?.map(row), expected);
      for (const p of facts.packages ?? []) {
        assert.equal(p.type, 'apk');
        assert.equal(p.location, 'usr/lib/apk/db/installed');
        assert.equal(p.foundBy, 'apk');
        assert.equal(p.source?.version, p.version);
      }
    });
  }

  test('a full record: licence, maintainer, files', () => {
    const facts = analyze(readFileSync(fixture('pkgdb', 'apk', 'trivy-alpine-3.4', 'installed')));
    assert.deepEqual(facts.packages?.[0], {
      name: 'musl',
      version: '1.1.14-r10',
      type: 'apk',
      arch: 'x86_64',
      source: { name: 'musl', version: '1.1.14-r10' },
      licenses: ['MIT'],
      supplier: 'Timo Teräs <timo.teras@iki.fi>',
      location: DB,
      foundBy: 'apk',
      files: ['lib/libc.musl-x86_64.so.1', 'lib/ld-musl-x86_64.so.1'],
    });
    const files = facts.packages?.flatMap((p) => p.files ?? []) ?? [];
    assert.equal(files.length, 76); // the file's R: lines, counted with grep
    assert.ok(files.every((f) => !f.startsWith('/')));
  });

  test('licence expressions stay one string', () => {
    const facts = analyze(readFileSync(fixture('pkgdb', 'apk', 'osv-scalibr', 'installed')));
    const musl = facts.packages?.find((p) => p.name === 'musl-utils');
    assert.deepEqual(musl?.licenses, ['MIT AND BSD-2-Clause AND GPL-2.0-or-later']);
  });

  test('trivy-alpine-3.4: the record without a version is skipped, with a warning', () => {
    const facts = analyze(readFileSync(fixture('pkgdb', 'apk', 'trivy-alpine-3.4', 'installed')));
    assert.equal(facts.incomplete, true);
    assert.equal(facts.warnings?.length, 1);
    assert.equal(facts.warnings?.[0]?.code, 'PKGDB_DAMAGED');
    assert.match(
      facts.warnings?.[0]?.message ?? '',
      /line 23: record skipped: invalidPackageWithoutAVersion: no V:/,
    );
    assert.equal(facts.warnings?.[0]?.file, DB);
  });

  test('osv-scalibr single, different-arch and no-origin', () => {
    const single = analyze(readFileSync(fixture('pkgdb', 'apk', 'osv-scalibr', 'single')));
    assert.deepEqual(
      single.packages?.map((p) => [p.name, p.version, p.arch, p.source?.name, p.supplier, p.licenses]),
      [
        [
          'alpine-baselayout-data',
          '3.4.3-r1',
          'x86_64',
          'alpine-baselayout',
          'Natanael Copa <ncopa@alpinelinux.org>',
          ['GPL-2.0-only'],
        ],
      ],
    );
    assert.equal(single.warnings, undefined);
    const noarch = analyze(readFileSync(fixture('pkgdb', 'apk', 'osv-scalibr', 'different-arch')));
    assert.equal(noarch.packages?.[0]?.arch, 'noarch');
    // Without o: the package is its own origin.
    assert.deepEqual(analyze(readFileSync(fixture('pkgdb', 'apk', 'osv-scalibr', 'no-origin'))).packages, [
      {
        name: 'pkgname',
        version: '1.2.3',
        type: 'apk',
        arch: 'x86_64',
        source: { name: 'pkgname', version: '1.2.3' },
        licenses: ['GPL-2.0-only'],
        location: DB,
        foundBy: 'apk',
        files: [],
      },
    ]);
  });

  test('an empty database gives zero packages and a warning, never silence', () => {
    for (const content of [readFileSync(fixture('pkgdb', 'apk', 'osv-scalibr', 'empty')), '\n\n \r\n\t\n']) {
      const facts = analyze(content);
      assert.deepEqual(facts.packages, []);
      assert.deepEqual(
        facts.warnings?.map((w) => w.code),
        ['PKGDB_EMPTY'],
      );
      assert.equal(facts.incomplete, undefined);
    }
  });

  test('content without any valid record is a parse error (osv-scalibr invalid)', () => {
    const content = readFileSync(fixture('pkgdb', 'apk', 'osv-scalibr', 'invalid'));
    assert.throws(() => analyze(content), parseError(/no readable apk record: 2 problem/));
  });

  test('syft corrupt: the readable record is kept, the garbage reported', () => {
    const facts = analyze(readFileSync(fixture('pkgdb', 'apk', 'syft', 'corrupt', 'installed')));
    assert.deepEqual(
      facts.packages?.map((p) => `${p.name}@${p.version}`),
      ['alpine-baselayout-data@3.2.0-r22'],
    );
    assert.equal(facts.incomplete, true);
    assert.match(
      facts.warnings?.[0]?.message ?? '',
      /line 1: record skipped: no P: \(name\); line 1 is not a "X:value" field/,
    );
  });

  test('files: F: names the directory of the R: lines that follow', () => {
    const facts = analyze('P:a\nV:1\nR:top\nF:usr/bin\nR:x\nR:y\nF:/etc/\nR:z\nF:\nR:w\n');
    assert.deepEqual(facts.packages?.[0]?.files, ['top', 'usr/bin/x', 'usr/bin/y', 'etc/z', 'w']);
  });

  test('CRLF line ends, several blank lines, no final newline', () => {
    const facts = analyze('P:a\r\nV:1\r\nA:x86_64\r\n\r\n\r\n\r\nP:b\r\nV:2');
    assert.deepEqual(
      facts.packages?.map((p) => [p.name, p.version, p.arch]),
      [
        ['a', '1', 'x86_64'],
        ['b', '2', undefined],
      ],
    );
  });

  test('damaged records: second P:, invalid tokens, stray lines', () => {
    const text = [
      'P:a\nV:1\nP:b\n',
      'P:has space\nV:1\n',
      'P:c\nV:1\0\n',
      'P:d\nV:1\nthis line is junk\nmore junk\n',
      'P:e\nV:2\n',
    ].join('\n');
    const facts = analyze(text);
    assert.deepEqual(
      facts.packages?.map((p) => p.name),
      ['d', 'e'],
    );
    assert.equal(facts.incomplete, true);
    const message = facts.warnings?.[0]?.message ?? '';
    assert.match(message, /^4 problem\(s\) in the apk database/);
    assert.match(message, /line 1: record skipped: b: second P: at line 3/);
    assert.match(message, /line 5: record skipped: invalid package name "has space"/);
    assert.match(message, /line 8: record skipped: c: invalid version "1\\u0000"/);
    assert.match(message, /line 11: d: 2 lines are not "X:value" fields \(first: line 13\), ignored/);
  });

  test('truncated in the middle of a record: earlier records survive', () => {
    const full = readFileSync(fixture('pkgdb', 'apk', 'osv-scalibr', 'installed'), 'utf8');
    const cut = full.slice(0, full.indexOf('P:busybox') + 'P:busy'.length);
    const facts = analyze(cut);
    assert.deepEqual(
      facts.packages?.map((p) => p.name),
      ['alpine-baselayout', 'alpine-baselayout-data', 'alpine-keys', 'apk-tools'],
    );
    assert.equal(facts.incomplete, true);
    assert.match(facts.warnings?.[0]?.message ?? '', /record skipped: busy: no V: \(version\)/);
  });

  test('hostile input: 10^5 records without version, huge values, binary garbage, NUL bytes', () => {
    assert.throws(
      () => analyze('P:x\n\n'.repeat(100_000)),
      parseError(/100000 problem\(s\).*and 99995 more$/),
    );
    assert.deepEqual(
      analyze('\n'.repeat(100_000)).warnings?.map((w) => w.code),
      ['PKGDB_EMPTY'],
    );
    const huge = analyze(`P:big\nV:1\nT:${'x'.repeat(5_000_000)}\n\nP:${'n'.repeat(1_000_000)} \nV:1\n`);
    assert.deepEqual(
      huge.packages?.map((p) => p.name),
      ['big'],
    );
    assert.ok(
      (huge.warnings?.[0]?.message.length ?? 0) < 500,
      'messages quote at most a slice of hostile values',
    );
    const garbage = Buffer.from(Array.from({ length: 200_000 }, (_, i) => (i * 7919 + 13) % 256));
    assert.throws(() => analyze(garbage), parseError(/no readable apk record/));
    assert.throws(() => analyze(Buffer.alloc(10_000)), parseError(/no readable apk record/));
  });

  test('any input yields packages or a PARSE_ERROR, nothing else', () => {
    const line = fc.oneof(
      fc.constantFrom('', 'P:a', 'V:1', 'A:x', 'o:', 'F:/', 'R:', 'R:f', ':', 'P:', '\r'),
      fc.string({ maxLength: 20 }),
    );
    fc.assert(
      fc.property(fc.array(line, { maxLength: 40 }), (lines) => {
        try {
          const facts = analyze(lines.join('\n'));
          assert.ok(Array.isArray(facts.packages));
          for (const p of facts.packages ?? [])
            assert.ok(p.name && p.version && !/\s/.test(p.name + p.version));
          if (facts.packages?.length === 0) assert.ok(facts.warnings?.length);
        } catch (err) {
          assert.ok(isKeelsonError(err) && err.code === 'PARSE_ERROR', String(err));
        }
      }),
      { numRuns: 500 },
    );
  });
});

describe('apkRepositoriesAnalyzer', () => {
  test('lists the non-comment lines of etc/apk/repositories', () => {
    const path = 'etc/apk/repositories';
    assert.equal(apkRepositoriesAnalyzer.wants(path, entry(path)), true);
    assert.equal(apkRepositoriesAnalyzer.wants('etc/apk/repositories.d/x', entry(path)), false);
    const content = Buffer.from(
      '# Chainguard\nhttps://apk.cgr.dev/chainguard\r\n\n  https://packages.wolfi.dev/os  \n@edge https://dl-cdn.alpinelinux.org/alpine/edge/main\n#https://commented.out\n',
    );
    assert.deepEqual(apkRepositoriesAnalyzer.analyze({ path, content, mode: 0o644 }, ctx), {
      repositories: [
        'https://apk.cgr.dev/chainguard',
        'https://packages.wolfi.dev/os',
        '@edge https://dl-cdn.alpinelinux.org/alpine/edge/main',
      ],
    });
  });
});
