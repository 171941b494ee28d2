import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { fixture } from '../../../../test/helpers/paths.js';
import type { FeedFile } from '../../types.js';
import { downloadAll, importAll, serveRoutes, testFetcher } from '../test-sink.js';
import { CodenameVotes, parseDistroInfoCsv } from './codenames.js';
import { parseDsaList } from './dsa-list.js';
import { importer } from './index.js';

const real = (name: string, path = name): FeedFile => ({
  path,
  bytes: readFileSync(fixture('feeds', 'distro', 'debian', name)),
});
const json = (path: string, value: unknown): FeedFile => ({
  path,
  bytes: Buffer.from(JSON.stringify(value)),
});

// Rows in distro-info-data's debian.csv layout (facts about Debian releases, written here for the test).
const DISTRO_INFO = [
  'version,codename,series,created,release,eol,eol-lts,eol-elts',
  '8,Jessie,jessie,2013-05-04,2015-04-25,2018-06-17,2020-06-30,2025-06-30',
  '9,Stretch,stretch,2015-04-25,2017-06-17,2020-07-18,2022-06-30,2027-06-30',
  '12,Bookworm,bookworm,2021-08-14,2023-06-10,2026-06-10,2028-06-30,2033-06-30',
  '14,Forky,forky,2025-08-09',
  ',Sid,sid,1993-08-16',
  '',
].join('\n');

describe('debian-tracker importer on the real tracker sample', () => {
  test('statuses, namespaces, severities and the derived codename map', async () => {
    const sink = await importAll(importer, [real('debian.json')]);
    assert.equal(sink.advisories.length, 6, 'CVE-2022-0358 has releases: [] and yields nothing');
    assert.deepEqual(sink.skips, []);

    const proto = sink.one('CVE-2008-7220');
    assert.equal(proto.source, 'debian-tracker');
    assert.equal(proto.url, 'https://security-tracker.debian.org/tracker/CVE-2008-7220');
    assert.match(proto.details ?? '', /^Unspecified vulnerability in Prototype/);
    assert.deepEqual(proto.references, [{ type: 'REPORT', url: 'https://bugs.debian.org/555217' }]);
    assert.deepEqual(proto.affected[0], {
      namespace: 'debian:9',
      packageName: 'prototypejs',
      nameKind: 'source',
      scheme: 'dpkg',
      status: 'fixed',
      ranges: [{ introduced: '0', fixed: '1.6.0.2-1' }],
      versions: [],
      severity: { level: 'high', raw: 'high**' },
    });
    assert.deepEqual(
      proto.affected.map((a) => a.namespace),
      ['debian:9', 'debian:8', 'debian:10', 'debian:unstable'],
    );

    const notAffected = sink.one('CVE-2007-2383').affected;
    assert.ok(notAffected.every((a) => a.status === 'not_affected' && a.ranges.length === 0));
    assert.deepEqual(notAffected[0]!.severity, { level: 'negligible', raw: 'unimportant' });

    assert.deepEqual(
      sink
        .one('CVE-2022-0456')
        .affected.map((a) => [a.namespace, a.status, a.ranges[0]?.fixed, a.severity?.level]),
      [
        ['debian:12', 'fixed', '98.0.4758.80-1', 'unknown'],
        ['debian:11', 'fixed', '98.0.4758.80-1~deb11u1', 'unknown'],
        ['debian:10', 'end_of_life', undefined, 'unknown'],
        ['debian:unstable', 'fixed', '98.0.4758.80-1', 'unknown'],
        ['debian:9', 'end_of_life', undefined, 'unknown'],
      ],
    );
    assert.deepEqual(
      sink.one('CVE-2025-53603').affected.map((a) => [a.namespace, a.ranges[0]?.fixed]),
      [
        ['debian:12', '5.8.0-1+deb12u1'],
        ['debian:11', '5.0.1-2+deb11u1'],
        ['debian:unstable', '5.12.1-2'],
        ['debian:13', '5.12.1-2'],
      ],
    );

    // Released codenames come from the table (data agrees here, but may never override it).
    assert.deepEqual(JSON.parse(sink.metas.get('debian-codenames')!), {
      jessie: '8',
      stretch: '9',
      buster: '10',
      bullseye: '11',
      bookworm: '12',
      trixie: '13',
    });
    assert.deepEqual(JSON.parse(sink.metas.get('debian-codename-sources')!), {
      jessie: 'table',
      stretch: 'table',
      buster: 'table',
      bullseye: 'table',
      bookworm: 'table',
      trixie: 'table',
    });
    assert.equal(sink.metas.has('debian-eol'), false, 'no companion file: EOL is not derivable');
  });

  test('with the DSA list: DSA references and end-of-life notices', async () => {
    const sink = await importAll(importer, [real('DSA'), real('debian.json')]);
    assert.deepEqual(sink.one('CVE-2025-53603').references, [
      { type: 'REPORT', url: 'https://bugs.debian.org/1108798' },
      { type: 'ADVISORY', url: 'https://security-tracker.debian.org/tracker/DSA-5970-1' },
    ]);
    assert.deepEqual(JSON.parse(sink.metas.get('debian-eol')!), ['jessie']);
  });

  test('with distro-info debian.csv: it wins, and EOL comes from its dates', async () => {
    const tracker = json('json', {
      pkg: {
        'CVE-2024-0001': {
          releases: {
            forky: { status: 'open', urgency: 'low' },
            jessie: { status: 'open', urgency: 'low' },
          },
        },
      },
    });
    const sink = await importAll(importer, [
      tracker,
      { path: 'debian.csv', bytes: Buffer.from(DISTRO_INFO) },
    ]);
    assert.deepEqual(
      sink.one('CVE-2024-0001').affected.map((a) => [a.namespace, a.status]),
      [
        ['debian:14', 'affected'],
        ['debian:8', 'affected'],
      ],
    );
    assert.deepEqual(JSON.parse(sink.metas.get('debian-codename-sources')!), {
      jessie: 'distro-info',
      forky: 'distro-info',
    });
    // jessie's LTS ended 2020; bookworm's ends 2028 (the test runs before then) and forky has no date.
    const eol: string[] = JSON.parse(sink.metas.get('debian-eol')!);
    assert.ok(eol.includes('jessie') && eol.includes('stretch'));
    assert.ok(!eol.includes('forky') && !eol.includes('sid'));
  });

  test('open/undetermined variants: ignored, postponed, undetermined; unknown codenames kept by name', async () => {
    const sink = await importAll(importer, [
      json('json', {
        pkg: {
          'CVE-2024-0002': {
            releases: {
              bookworm: { status: 'open', urgency: 'low', nodsa: 'Minor issue', nodsa_reason: 'ignored' },
              trixie: { status: 'open', urgency: 'medium*', nodsa: 'Minor issue', nodsa_reason: 'postponed' },
              sid: { status: 'undetermined', urgency: 'not yet assigned' },
              duke: { status: 'open', urgency: 'medium' },
            },
          },
          'TEMP-0000000-A1B2C3': { releases: { sid: { status: 'open', urgency: 'unimportant' } } },
        },
      }),
    ]);
    assert.deepEqual(
      sink.one('CVE-2024-0002').affected.map((a) => [a.namespace, a.status, a.severity?.level, a.notes]),
      [
        ['debian:12', 'will_not_fix', 'low', 'no DSA: Minor issue'],
        ['debian:13', 'fix_deferred', 'medium', 'no DSA: Minor issue'],
        ['debian:unstable', 'under_investigation', 'unknown', undefined],
        ['debian:duke', 'affected', 'medium', undefined],
      ],
    );
    assert.equal(sink.one('TEMP-0000000-A1B2C3').affected[0]!.status, 'affected');
    assert.deepEqual(JSON.parse(sink.metas.get('debian-unmapped-codenames')!), ['duke']);
  });

  test('data names only codenames the table does not know: a stray +deb12u1 under bullseye changes nothing', async () => {
    const sink = await importAll(importer, [
      json('json', {
        pkg: {
          'CVE-2024-0003': {
            releases: {
              bullseye: { status: 'resolved', fixed_version: '1.0-1+deb12u1', urgency: 'low' },
              forky: { status: 'resolved', fixed_version: '1.0-1+deb14u1', urgency: 'low' },
            },
          },
          'CVE-2024-0004': { releases: { bullseye: { status: 'resolved', fixed_version: '1.0-1+deb12u2' } } },
        },
      }),
    ]);
    assert.deepEqual(JSON.parse(sink.metas.get('debian-codenames')!), { bullseye: '11', forky: '14' });
    assert.deepEqual(JSON.parse(sink.metas.get('debian-codename-sources')!), {
      bullseye: 'table',
      forky: 'data',
    });
  });

  test('recognizes the tracker JSON, the DSA list and debian.csv, not other feeds', () => {
    assert.equal(importer.recognizes(real('debian.json')), true);
    assert.equal(importer.recognizes(real('DSA', 'data/DSA/list')), true);
    assert.equal(importer.recognizes({ path: 'debian.csv', bytes: Buffer.from(DISTRO_INFO) }), true);
    const echo = fixture('feeds', 'distro', 'echo', 'data.json');
    assert.equal(importer.recognizes({ path: 'data.json', bytes: readFileSync(echo) }), false);
    const photon = fixture('feeds', 'distro', 'photon', 'cve_data_photon4.0.json');
    assert.equal(
      importer.recognizes({ path: 'cve_data_photon4.0.json', bytes: readFileSync(photon) }),
      false,
    );
  });
});

describe('debian-tracker hostile input', () => {
  test('invalid JSON, truncated, wrong top-level type, empty feed, companions alone: PARSE_ERROR', async () => {
    const bytes = real('debian.json').bytes;
    const cases: FeedFile[][] = [
      [{ path: 'json', bytes: bytes.subarray(0, 3000) }],
      [{ path: 'json', bytes: Buffer.from('not json at all') }],
      [json('json', [{ releases: {} }])],
      [json('json', {})],
      [real('DSA')],
      [json('json', { a: {} }), { path: 'debian.csv', bytes: Buffer.from('garbage') }],
    ];
    for (const files of cases) {
      await assert.rejects(importAll(importer, files), { code: 'PARSE_ERROR' });
    }
  });

  test('malformed records are skipped with their path; huge strings do not leak into messages', async () => {
    const huge = 'h'.repeat(1 << 20);
    const sink = await importAll(importer, [
      json('json', {
        [huge]: { 'CVE-2024-0001': { releases: {} } },
        list: ['CVE-2024-0001'],
        pkg: {
          'CVE-2024-0003': 'resolved',
          'CVE-2024-0004': { releases: 'bookworm' },
          'not-a-cve id': { releases: {} },
          'CVE-2024-0005': {
            description: huge,
            releases: {
              bookworm: { status: 'resolved', urgency: 'low' },
              bullseye: { status: 'weird' },
              trixie: 'open',
              'Bad Codename': { status: 'open' },
              sid: { status: 'resolved', fixed_version: huge },
              forky: { status: 'open', urgency: huge },
            },
          },
        },
      }),
    ]);
    assert.equal(sink.skips.length, 10);
    for (const s of sink.skips) assert.ok(s.where.length < 400 && s.why.length < 400, s.where.slice(0, 50));
    assert.ok(sink.skips.some((s) => s.where === 'json: "pkg"."CVE-2024-0005".releases."bookworm"'));
    const adv = sink.one('CVE-2024-0005');
    assert.equal(adv.affected.length, 1);
    assert.equal(adv.affected[0]!.severity?.raw?.length, 64);
    assert.ok((adv.details?.length ?? 0) <= 64 * 1024 + 1);
  });

  test('10^5 records import completely', async () => {
    const doc: Record<string, Record<string, unknown>> = {};
    for (let i = 0; i < 100_000; i++) {
      doc[`pkg${i % 1000}`] ??= {};
      const pkg = doc[`pkg${i % 1000}`]!;
      pkg[`CVE-2022-${10000 + i}`] = {
        releases: { bookworm: { status: 'resolved', fixed_version: `1.${i}-1+deb12u1`, urgency: 'low' } },
      };
    }
    const sink = await importAll(importer, [json('json', doc)]);
    assert.equal(sink.advisories.length, 100_000);
    assert.equal(sink.one('CVE-2022-109999').affected[0]!.namespace, 'debian:12');
  });
});

describe('debian-tracker helpers', () => {
  test('votes need a strict majority', () => {
    const votes = new CodenameVotes();
    votes.add('bookworm', '1.0+deb12u1');
    votes.add('bookworm', '2.0~deb12u3');
    votes.add('bookworm', '3.0+deb11u1');
    votes.add('trixie', '1.0+deb12u1');
    votes.add('trixie', '1.0+deb13u1');
    votes.add('trixie', '1.0-1');
    assert.deepEqual([...votes.winners()], [['bookworm', '12']]);
  });

  test('DSA list parsing', () => {
    const list = parseDsaList(real('DSA').bytes.toString('utf8'));
    assert.deepEqual(list.advisoriesByCve.get('CVE-2002-0660'), ['DSA-140']);
    assert.deepEqual(list.fixedVersions.at(-1), { codename: 'bookworm', version: '5.8.0-1+deb12u1' });
    assert.deepEqual(list.endOfLife, ['jessie']);
  });

  test('distro-info csv parsing', () => {
    const info = parseDistroInfoCsv(DISTRO_INFO, new Date('2026-09-01T00:00:00Z'))!;
    assert.deepEqual(
      [...info.majors],
      [
        ['jessie', '8'],
        ['stretch', '9'],
        ['bookworm', '12'],
        ['forky', '14'],
      ],
    );
    assert.deepEqual(info.endOfLife, ['jessie', 'stretch']);
    assert.equal(parseDistroInfoCsv('a,b\n1,2', new Date()), undefined);
  });
});

describe('debian-tracker download', () => {
  test('fetches the tracker JSON plus the companions when available', async () => {
    const server = await serveRoutes({
      '/tracker/data/json': real('debian.json').bytes,
      '/distro-info-data/debian.csv': DISTRO_INFO,
      '/data/DSA/list': real('DSA').bytes,
    });
    try {
      const files = await downloadAll(importer, testFetcher, server.baseUrl);
      assert.deepEqual(
        files.map((f) => f.path),
        ['tracker/data/json', 'debian.csv', 'data/DSA/list'],
      );
      const sink = await importAll(importer, files);
      assert.equal(sink.advisories.length, 6);
      assert.equal(JSON.parse(sink.metas.get('debian-codename-sources')!).bookworm, 'distro-info');
    } finally {
      await server.close();
    }
  });

  test('missing or bogus companions are left out; the tracker alone still imports', async () => {
    const server = await serveRoutes({
      '/tracker/data/json': real('debian.json').bytes,
      '/data/DSA/list': '<html>login</html>',
    });
    try {
      const files = await downloadAll(importer, testFetcher, server.baseUrl);
      assert.deepEqual(
        files.map((f) => f.path),
        ['tracker/data/json'],
      );
      assert.equal((await importAll(importer, files)).advisories.length, 6);
    } finally {
      await server.close();
    }
  });
});
