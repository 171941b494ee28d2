import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { fixture } from '../../../test/helpers/paths.js';
import { isKeelsonError } from '../../core/errors.js';
import type { PackageRecord } from '../../core/types.js';
import type { EntryInfo, FileFacts } from '../types.js';
import { dpkgAnalyzer } from './index.js';

const STATUS = 'var/lib/dpkg/status';
const ctx = { sibling: () => undefined };
const entry = (path: string): EntryInfo => ({ path, size: 1, mode: 0o644, type: 'file' });
const dpkgFixture = (...parts: string[]) => readFileSync(fixture('pkgdb', 'dpkg', ...parts));

function analyze(content: string | Buffer, path = STATUS): FileFacts {
  const buffer = Buffer.isBuffer(content) ? content : Buffer.from(content);
  const facts = dpkgAnalyzer.analyze({ path, content: buffer, mode: 0o644 }, ctx);
  assert.ok(facts);
  return facts;
}

const names = (facts: FileFacts) => facts.packages?.map((p) => p.name);
const parseError = (pattern: RegExp) => (err: unknown) =>
  isKeelsonError(err) && err.code === 'PARSE_ERROR' && pattern.test(err.message);

/** TSV written with `dpkg-query --admindir` from a copy of the status file (see PROVENANCE-os-pkgdb.md). */
function expectedRows(name: string): string[] {
  const [, ...rows] = readFileSync(fixture('expected', name), 'utf8').trimEnd().split('\n');
  return rows;
}

const row = (p: PackageRecord) =>
  [p.name, p.version, p.arch ?? '', p.source?.name ?? '', p.source?.version ?? ''].join('\t');
const byteOrder = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

describe('dpkgAnalyzer', () => {
  test('wants the status file, status.d entries (not md5sums) and info/*.list', () => {
    const wanted = [
      STATUS,
      'var/lib/dpkg/status.d/libc6',
      'var/lib/dpkg/status.d/base-files',
      'var/lib/dpkg/info/libc6:amd64.list',
      'var/lib/dpkg/info/bash.list',
    ];
    for (const path of wanted) assert.equal(dpkgAnalyzer.wants(path, entry(path)), true, path);
    const unwanted = [
      'var/lib/dpkg/status-old',
      'var/lib/dpkg/status.d/',
      'var/lib/dpkg/status.d/libc6.md5sums',
      'var/lib/dpkg/status.d/sub/x',
      'var/lib/dpkg/info/bash.md5sums',
      'var/lib/dpkg/info/bash.list/x',
      'var/lib/dpkg/available',
      'usr/var/lib/dpkg/status',
    ];
    for (const path of unwanted) assert.equal(dpkgAnalyzer.wants(path, entry(path)), false, path);
    assert.equal(dpkgAnalyzer.oversize, 'error');
  });

  const realDatabases: [string[], string, number][] = [
    [['trivy-ubuntu-18.04', 'status'], 'dpkg-trivy-ubuntu-18.04.tsv', 90],
    [['snyk-ubuntu-10.04', 'status'], 'dpkg-snyk-ubuntu-10.04.tsv', 140],
    [['osv-scalibr', 'valid'], 'dpkg-osv-scalibr-valid.tsv', 7],
  ];
  for (const [parts, tsv, count] of realDatabases) {
    test(`${parts.join('/')}: the ${count} installed packages agree with dpkg-query`, () => {
      const facts = analyze(dpkgFixture(...parts));
      const expected = expectedRows(tsv);
      assert.equal(expected.length, count);
      assert.deepEqual(facts.packages?.map(row).sort(byteOrder), [...expected].sort(byteOrder));
      for (const p of facts.packages ?? []) {
        assert.equal(p.type, 'deb');
        assert.equal(p.location, STATUS);
        assert.equal(p.foundBy, 'dpkg');
        assert.ok(p.supplier);
      }
      assert.equal(facts.warnings, undefined);
      assert.equal(facts.incomplete, undefined);
    });
  }

  test('trivy-ubuntu-18.04: 91 stanzas, the one with only config files left (git, rc) is not reported', () => {
    const facts = analyze(dpkgFixture('trivy-ubuntu-18.04', 'status'));
    assert.equal(facts.packages?.length, 90);
    assert.equal(
      facts.packages?.some((p) => p.name === 'git'),
      false,
    );
  });

  test('a full record: epoch kept as written, Source with its own version, maintainer as supplier', () => {
    const bsdutils = analyze(dpkgFixture('trivy-ubuntu-18.04', 'status')).packages?.find(
      (p) => p.name === 'bsdutils',
    );
    assert.deepEqual(bsdutils, {
      name: 'bsdutils',
      version: '1:2.31.1-0.4ubuntu3.1',
      type: 'deb',
      arch: 'amd64',
      source: { name: 'util-linux', version: '2.31.1-0.4ubuntu3.1' },
      supplier: 'Ubuntu Developers <ubuntu-devel-discuss@lists.ubuntu.com>',
      location: STATUS,
      foundBy: 'dpkg',
    });
  });

  test('Source without a version takes the binary version; no Source means the binary itself', () => {
    const facts = analyze(
      'Package: libacl1\nStatus: install ok installed\nSource: acl\nVersion: 2.3.1-3\n\n' +
        'Package: acl\nStatus: install ok installed\nVersion: 1:2.3.1-3\n\n' +
        'Package: odd\nStatus: install ok installed\nSource: weird (1.0\nVersion: 5\n',
    );
    assert.deepEqual(
      facts.packages?.map((p) => p.source),
      [
        { name: 'acl', version: '2.3.1-3' },
        { name: 'acl', version: '1:2.3.1-3' },
        { name: 'weird', version: '5' },
      ],
    );
  });

  test('Status decides: installed counts, whatever the administrator wants (osv-scalibr statusfield)', () => {
    const facts = analyze(dpkgFixture('osv-scalibr', 'statusfield'));
    assert.deepEqual(names(facts), [
      'wantinstall_installed',
      'wantdeinstall_installed',
      'wantpurge_installed',
    ]);
    // Skipped silently: unpacked, deinstall/config-files and install/half-installed. Reported: no Status.
    assert.equal(facts.incomplete, true);
    assert.match(
      facts.warnings?.[0]?.message ?? '',
      /^1 problem\(s\).*line 25: stanza skipped: wantnostatus: no Status field$/,
    );
  });

  test('held packages are installed; packages mid-transaction are not', () => {
    const states = [
      ['hold ok installed', true],
      ['deinstall ok installed', true],
      ['install ok triggers-pending', false],
      ['install ok triggers-awaited', false],
      ['install ok half-configured', false],
      ['install reinstreq unpacked', false],
      ['purge ok not-installed', false],
      ['deinstall ok config-files', false],
      ['install reinstreq half-installed', false],
    ] as const;
    const text = states.map(([status], i) => `Package: p${i}\nStatus: ${status}\nVersion: 1\n`).join('\n');
    const expected = states.flatMap(([, on], i) => (on ? [`p${i}`] : []));
    assert.deepEqual(names(analyze(text)), expected);
    assert.equal(analyze(text).warnings, undefined);
  });

  test('a not-installed stanza may lack a Version; a malformed Status damages the stanza', () => {
    const facts = analyze(
      'Package: gone\nStatus: purge ok not-installed\n\n' +
        'Package: bad\nStatus: install ok\nVersion: 1\n\n' +
        'Package: worse\nStatus: install nope installed\nVersion: 1\n\n' +
        'Package: fine\nStatus: install ok installed\nVersion: 1\n',
    );
    assert.deepEqual(names(facts), ['fine']);
    const message = facts.warnings?.[0]?.message ?? '';
    assert.match(message, /line 4: stanza skipped: bad: invalid Status "install ok"/);
    assert.match(message, /line 8: stanza skipped: worse: invalid Status "install nope installed"/);
    assert.doesNotMatch(message, /gone/);
  });

  test('osv-scalibr nopackage and noversion: neighbours survive a damaged stanza', () => {
    const noPackage = analyze(dpkgFixture('osv-scalibr', 'nopackage'));
    assert.deepEqual(names(noPackage), ['foo', 'bar']);
    assert.match(noPackage.warnings?.[0]?.message ?? '', /line 5: stanza skipped: no Package field/);
    const noVersion = analyze(dpkgFixture('osv-scalibr', 'noversion'));
    assert.deepEqual(names(noVersion), ['foo', 'bar']);
    assert.match(noVersion.warnings?.[0]?.message ?? '', /line 5: stanza skipped: acl: no Version field/);
    assert.equal(noVersion.incomplete, true);
  });

  test('osv-scalibr single, trailing blank lines and transitional packages', () => {
    for (const name of ['single', 'trailingnewlines']) {
      assert.deepEqual(analyze(dpkgFixture('osv-scalibr', name)).packages, [
        {
          name: 'acl',
          version: '2.3.1-3',
          type: 'deb',
          arch: 'amd64',
          source: { name: 'acl', version: '2.3.1-3' },
          supplier: 'Guillem Jover <guillem@debian.org>',
          location: STATUS,
          foundBy: 'dpkg',
        },
      ]);
    }
    const rows = ['transitional', 'transitional_dummy', 'transitional_empty'].map((name) =>
      row(analyze(dpkgFixture('osv-scalibr', name)).packages![0]!),
    );
    assert.deepEqual(rows, [
      'iceweasel\t78.13.0esr-1~deb10u1\tall\tfirefox-esr\t78.13.0esr-1~deb10u1',
      'git-core\t1:2.14.2-1\tall\tgit\t1:2.14.2-1',
      'runit-systemd\t2.1.2-54+usrmerge\tall\trunit\t2.1.2-54+usrmerge',
    ]);
  });

  test('syft Debian 12: an empty Package stanza is reported, libpam-runtime kept', () => {
    const facts = analyze(dpkgFixture('syft-debian-12', 'status'));
    assert.deepEqual(facts.packages?.map(row), ['libpam-runtime\t1.1.8-3.6\tall\tpam\t1.1.8-3.6']);
    assert.equal(facts.incomplete, true);
    assert.match(facts.warnings?.[0]?.message ?? '', /line 1: stanza skipped: no Package field/);
  });

  test('empty status file: zero packages and a warning', () => {
    for (const content of [dpkgFixture('osv-scalibr', 'empty'), '\n\n\n', '# only a comment\n']) {
      const facts = analyze(content);
      assert.deepEqual(facts.packages, []);
      assert.deepEqual(
        facts.warnings?.map((w) => w.code),
        ['PKGDB_EMPTY'],
      );
    }
  });

  test('a status file with only removed packages says so', () => {
    const facts = analyze('Package: a\nStatus: deinstall ok config-files\nVersion: 1\n');
    assert.deepEqual(facts.packages, []);
    assert.deepEqual(
      facts.warnings?.map((w) => w.code),
      ['PKGDB_EMPTY'],
    );
    assert.match(facts.warnings?.[0]?.message ?? '', /no installed package \(1 removed or not installed\)/);
  });

  test('content without a readable stanza is a parse error (osv-scalibr invalid, syft corrupt and empty)', () => {
    assert.throws(
      () => analyze(dpkgFixture('osv-scalibr', 'invalid')),
      parseError(/no readable dpkg stanza/),
    );
    const statusD = 'var/lib/dpkg/status.d/';
    assert.throws(
      () => analyze(dpkgFixture('syft-status.d', 'corrupt'), `${statusD}corrupt`),
      (err: unknown) =>
        parseError(/no Package field; 2 lines are not fields/)(err) &&
        isKeelsonError(err) &&
        err.context.file === `${statusD}corrupt`,
    );
    assert.throws(
      () => analyze(dpkgFixture('syft-status.d', 'empty'), `${statusD}empty`),
      parseError(/no Package field/),
    );
  });

  describe('status.d (distroless)', () => {
    const statusD = (name: string, ...parts: string[]) =>
      analyze(
        dpkgFixture(...(parts.length ? parts : ['syft-status.d', name])),
        `var/lib/dpkg/status.d/${name}`,
      );

    test('no Status field means installed; one file may hold several stanzas', () => {
      const sqlite = statusD('libsqlite3-0', 'syft-distroless-status.d', 'libsqlite3-0');
      assert.deepEqual(sqlite.packages, [
        {
          name: 'libsqlite3-0',
          version: '3.34.1-3',
          type: 'deb',
          arch: 'arm64',
          source: { name: 'sqlite3', version: '3.34.1-3' },
          supplier: 'Laszlo Boszormenyi (GCS) <gcs@debian.org>',
          location: 'var/lib/dpkg/status.d/libsqlite3-0',
          foundBy: 'dpkg',
        },
      ]);
      assert.deepEqual(statusD('coreutils-relationships').packages?.map(row), [
        'coreutils\t9.1-1\tarm64\tcoreutils\t9.1-1',
        'libacl1\t2.3.1-3\tarm64\tacl\t2.3.1-3',
        'libc6\t2.36-9+deb12u1\tarm64\tglibc\t2.36-9+deb12u1',
        'libgcc-s1\t12.2.0-14\tarm64\tgcc-12\t12.2.0-14',
        'gcc-12-base\t12.2.0-14\tarm64\tgcc-12\t12.2.0-14',
        'libattr1\t1:2.5.1-4\tarm64\tattr\t1:2.5.1-4',
        'libgmp10\t2:6.2.1+dfsg1-1.1\tarm64\tgmp\t2:6.2.1+dfsg1-1.1',
        'libselinux1\t3.4-1+b6\tarm64\tlibselinux\t3.4-1',
        'libpcre2-8-0\t10.42-1\tarm64\tpcre2\t10.42-1',
      ]);
    });

    test('a status.d stanza that does carry Status follows it (osv-scalibr foo, syft deinstall)', () => {
      assert.deepEqual(names(statusD('foo', 'osv-scalibr', 'status.d', 'foo')), ['foo']);
      assert.deepEqual(names(statusD('deinstall')), ['linux-image-6.14.0-1012-aws']);
    });

    test('syft single, installed-size-4KB and multiple', () => {
      assert.deepEqual(statusD('single').packages?.map(row), ['apt\t1.8.2\tamd64\tapt-dev\t1.8.2']);
      assert.deepEqual(statusD('installed-size-4KB').packages?.map(row), [
        'apt\t1.8.2\tamd64\tapt-dev\t1.8.2',
      ]);
      const multiple = statusD('multiple');
      assert.deepEqual(multiple.packages?.map(row), [
        'tzdata\t2020a-0+deb10u1\tall\ttzdata-dev\t2020a-0+deb10u1',
        'util-linux\t2.33.1-0.1\tamd64\tutil-linux\t2.33.1-0.1',
      ]);
      assert.equal(multiple.incomplete, true);
      assert.match(
        multiple.warnings?.[0]?.message ?? '',
        /line 1: stanza skipped: no Package field; line 3: stanza skipped: no-version: no Version field/,
      );
    });

    test('versionless stanzas (syft doc-examples, libpam-runtime) are reported, not invented', () => {
      const docs = statusD('doc-examples');
      assert.deepEqual(names(docs), [
        'mutt',
        'made-up-package-1',
        'made-up-package-2',
        'made-up-package-3',
        'made-up-package-4',
      ]);
      assert.match(docs.warnings?.[0]?.message ?? '', /^11 problem\(s\).*and 6 more$/);
      assert.deepEqual(names(statusD('libpam-runtime')), ['libpam-runtime']);
    });
  });

  test('deb822 details: CRLF, case-insensitive field names, comments, continuation lines', () => {
    const text =
      '# comment\r\npackage: a\r\nSTATUS: install ok installed\r\nversion: 1.0\r\nDescription: x\r\n more\r\n\tand more\r\n .\r\n';
    assert.deepEqual(analyze(text).packages?.map(row), ['a\t1.0\t\ta\t1.0']);
  });

  test('damage inside a stanza: duplicates drop it, stray lines are reported', () => {
    const facts = analyze(
      'Package: apt\nPackage: apt-get\nStatus: install ok installed\nVersion: 1\n\n' +
        ' Package: orphan continuation\nPackage: b\nStatus: install ok installed\nVersion: 2\njunk line\n\n' +
        'Package: c\nStatus: install ok installed\nVersion: 3\nVersion: 4\n',
    );
    assert.deepEqual(names(facts), ['b']);
    const message = facts.warnings?.[0]?.message ?? '';
    assert.match(message, /line 1: stanza skipped: apt-get: field "Package" appears twice/);
    assert.match(message, /line 6: b: 2 lines are not fields or continuations \(first: line 6\), ignored/);
    assert.match(message, /line 12: stanza skipped: c: field "Version" appears twice/);
  });

  test('truncated in the middle of a stanza: earlier stanzas survive', () => {
    const full = dpkgFixture('trivy-ubuntu-18.04', 'status').toString('utf8');
    const cut = full.slice(0, full.indexOf('Package: bsdutils') + 60);
    const facts = analyze(cut);
    // 31 stanzas, all `install ok installed`, precede bsdutils (counted with awk).
    assert.equal(facts.packages?.length, 31);
    assert.match(
      facts.warnings?.[0]?.message ?? '',
      /line 698: stanza skipped: bsdutils: invalid Status "install ok installe"/,
    );
  });

  test('hostile input: 10^5 empty stanzas, huge lines, garbage, NUL bytes', () => {
    assert.throws(
      () => analyze('Package:\n\n'.repeat(100_000)),
      parseError(/^no readable dpkg stanza: 100000 problem/),
    );
    assert.deepEqual(
      analyze('\n\n'.repeat(100_000)).warnings?.map((w) => w.code),
      ['PKGDB_EMPTY'],
    );
    const huge = analyze(
      `Package: big\nStatus: install ok installed\nVersion: 1\nDescription: ${'x'.repeat(5_000_000)}\n${' y\n'.repeat(100_000)}\n` +
        `Package: ${'n'.repeat(1_000_000)}\nVersion: 1\nStatus: install ok installed\n`,
    );
    assert.equal(huge.packages?.length, 1);
    assert.equal(huge.packages?.[0]?.name, 'big');
    assert.match(huge.warnings?.[0]?.message ?? '', /stanza skipped: invalid Package "n{60}"…/);
    assert.ok((huge.warnings?.[0]?.message.length ?? 0) < 500);
    const garbage = Buffer.from(Array.from({ length: 200_000 }, (_, i) => (i * 7919 + 13) % 256));
    assert.throws(() => analyze(garbage), parseError(/no readable dpkg stanza/));
    assert.throws(() => analyze(Buffer.alloc(10_000)), parseError(/no readable dpkg stanza/));
    const nul = analyze(
      'Package: a\0b\nStatus: install ok installed\nVersion: 1\n\nPackage: c\nStatus: install ok installed\nVersion: 1\n',
    );
    assert.deepEqual(names(nul), ['c']);
  });

  test('any input yields packages or a PARSE_ERROR, nothing else', () => {
    const line = fc.oneof(
      fc.constantFrom(
        '',
        'Package: a',
        'Version: 1',
        'Status: install ok installed',
        'Status: x',
        ' cont',
        'Source: s (2)',
        ':',
        '#',
      ),
      fc.string({ maxLength: 20 }),
    );
    fc.assert(
      fc.property(fc.array(line, { maxLength: 40 }), fc.boolean(), (lines, inStatusD) => {
        const path = inStatusD ? 'var/lib/dpkg/status.d/x' : STATUS;
        try {
          const facts = analyze(lines.join('\n'), path);
          assert.ok(Array.isArray(facts.packages));
          if (facts.packages?.length === 0) assert.ok(facts.warnings?.length);
        } catch (err) {
          assert.ok(isKeelsonError(err) && err.code === 'PARSE_ERROR', String(err));
        }
      }),
      { numRuns: 500 },
    );
  });

  describe('info/*.list', () => {
    const list = (name: string, content: string) =>
      dpkgAnalyzer.analyze(
        { path: `var/lib/dpkg/info/${name}`, content: Buffer.from(content), mode: 0o644 },
        ctx,
      );

    test('owned files without leading slash, the root left out, arch suffix dropped', () => {
      assert.deepEqual(
        list('libc6:amd64.list', '/.\n/lib\n/lib/x86_64-linux-gnu/libc.so.6\r\n\n/usr/share/doc/libc6\n'),
        {
          ownedFiles: {
            package: 'libc6',
            files: ['lib', 'lib/x86_64-linux-gnu/libc.so.6', 'usr/share/doc/libc6'],
          },
        },
      );
      assert.deepEqual(list('bash.list', ''), { ownedFiles: { package: 'bash', files: [] } });
      assert.equal(list('.list', '/x\n'), undefined);
    });
  });
});
