import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, test } from 'node:test';
import { fixture } from '../../../../test/helpers/paths.js';
import { KeelsonError } from '../../../core/errors.js';
import type { FeedFile } from '../../types.js';
import { loadFeedDir, makeTarGz } from '../osv/test-files.js';
import { downloadAll, importAll, serveRoutes, testFetcher } from '../test-sink.js';
import { classifyDhiPath, importer } from './index.js';

const repo = () => loadFeedDir(fixture('feeds', 'osv', 'dhi-advisories'));
const SUITE = fixture('dhi-suite', 'upcoming-id-dhi');

/** The upcoming-model example files, placed where production puts them (`dhi/osv/`, `dhi/vex/`). */
function suiteFiles(under: 'examples' | 'superseded'): FeedFile[] {
  return loadFeedDir(join(SUITE, under), (p) => /\/(osv|vex)\/[^/]+\.json$/.test(p)).map((f) => ({
    path: `dhi/${f.path.split('/').slice(-2).join('/')}`,
    bytes: f.bytes,
  }));
}

describe('dhi-advisories on the real repository files (current model)', () => {
  test('every OSV file is read: pkg:dhi runtimes on SemVer, one advisory per id across components', async () => {
    const files = repo();
    assert.equal(files.filter((f) => f.path.startsWith('osv/')).length, 693);
    const sink = await importAll(importer, files);
    assert.equal(sink.advisories.length, 642);
    assert.equal(sink.metas.get('merged records'), '9');
    assert.ok(
      sink.entries().every((e) => e.namespace === 'dhi' && e.scheme === 'semver' && e.nameKind === 'binary'),
    );

    const cosign = sink.one('CVE-2022-35929');
    assert.deepEqual(cosign.aliases, ['GHSA-vjxv-45g9-9296']);
    assert.equal(cosign.source, 'dhi-advisories');
    assert.equal(
      cosign.url,
      'https://github.com/docker-hardened-images/advisories/blob/main/osv/cosign/CVE-2022-35929.json',
    );
    assert.deepEqual(cosign.affected, [
      {
        namespace: 'dhi',
        packageName: 'cosign',
        nameKind: 'binary',
        scheme: 'semver',
        status: 'affected',
        ranges: [{ introduced: '0', fixed: '1.10.1' }],
        versions: [],
        purl: 'pkg:dhi/cosign',
        notes: 'source package cosign (cosign)',
      },
    ]);

    const spark = sink.one('CVE-2018-1334').affected[0]!;
    assert.deepEqual(spark.ranges, [
      { introduced: '0', lastAffected: '2.1.2' },
      { introduced: '2.2.0', lastAffected: '2.2.1' },
    ]);
    assert.deepEqual(spark.versions, ['2.3.0']);

    // CVE-2023-44487 is filed under aspnetcore, envoy and node: one advisory with all their entries.
    const rapidReset = sink.one('CVE-2023-44487');
    assert.deepEqual(
      [...new Set(rapidReset.affected.map((e) => e.packageName))],
      ['aspnetcore', 'envoy', 'node'],
    );
  });

  test('entries without ranges or versions are skipped, never "all versions"', async () => {
    const sink = await importAll(importer, repo());
    const python = sink.skips.find((s) => s.where === 'osv/python/CVE-2008-1679.json');
    assert.match(
      python?.why ?? '',
      /no ECOSYSTEM\/SEMVER ranges and no versions \(not read as all versions\)/,
    );
    assert.equal(sink.byId('CVE-2008-1679').length, 0);
    assert.ok(
      sink.skips.some(
        (s) => s.where === 'osv/grafana/CVE-2022-23498.json' && /affected is missing/.test(s.why),
      ),
    );
    assert.equal(sink.skips.length, 42);
  });

  test('VEX files become statements, split by product group (debian-base: 53 statements)', async () => {
    const sink = await importAll(importer, repo());
    const debian = sink.vexStatements.filter(
      (v) => v.origin === 'db:dhi-advisories:vex/debian-base/dhi-debian-base.vex.json',
    );
    const bare = debian.filter((v) => v.subcomponents.length === 0);
    assert.equal(bare.length, 53);
    const tally = new Map<string, number>();
    for (const v of bare)
      tally.set(
        `${v.status}/${v.justification ?? '-'}`,
        (tally.get(`${v.status}/${v.justification ?? '-'}`) ?? 0) + 1,
      );
    assert.deepEqual(Object.fromEntries(tally), {
      'not_affected/vulnerable_code_cannot_be_controlled_by_adversary': 43,
      'not_affected/inline_mitigations_already_exist': 4,
      'not_affected/vulnerable_code_not_in_execute_path': 2,
      'under_investigation/-': 4,
    });

    // The file holds two statements on CVE-2025-62813 (two timestamps); each splits into two groups.
    assert.equal(debian.filter((v) => v.vulnerability === 'CVE-2025-62813').length, 4);
    const lz4 = debian.filter(
      (v) => v.vulnerability === 'CVE-2025-62813' && v.timestamp === '2025-10-25T14:37:19.272Z',
    );
    assert.equal(lz4.length, 2);
    assert.ok(
      lz4[0]!.products.includes('pkg:deb/debian/lz4@1.10.0-4?os_distro=trixie&os_name=debian&os_version=13'),
    );
    assert.deepEqual(lz4[0]!.subcomponents, []);
    assert.equal(lz4[0]!.status, 'not_affected');
    assert.equal(lz4[0]!.format, 'openvex');
    assert.equal(lz4[0]!.timestamp, '2025-10-25T14:37:19.272Z');
    assert.deepEqual(lz4[1]!.products, ['pkg:docker/dhi/debian-base', 'pkg:oci/dhi%2Fdebian-base']);
    assert.equal(lz4[1]!.subcomponents.length, 5);

    const busybox = sink.vexStatements.filter(
      (v) => v.origin.endsWith('dhi-alpine-base.vex.json') && v.subcomponents.length === 0,
    );
    assert.deepEqual(
      busybox.map((v) => [v.vulnerability, v.status, v.statusNotes, v.products]),
      [
        [
          'CVE-2024-58251',
          'under_investigation',
          'Waiting for upstream fix',
          ['pkg:apk/alpine/busybox@1.37.0-r19?os_name=alpine&os_version=3.22'],
        ],
        [
          'CVE-2025-46394',
          'under_investigation',
          'Waiting for upstream fix',
          ['pkg:apk/alpine/busybox@1.37.0-r19?os_name=alpine&os_version=3.22'],
        ],
      ],
    );
    assert.equal(sink.metas.get('vex statements'), String(sink.vexStatements.length));
  });

  test('the repository tarball gives the same result; duplicates and fixtures in it are not read', async () => {
    const files = repo();
    const loose = await importAll(importer, files);
    const tarball = makeTarGz([
      ...files.map((f) => ({ name: `advisories-main/${f.path}`, bytes: f.bytes })),
      // Copies that must not double the data: the consolidated VEX, the VEX-repository layout, fixtures.
      {
        name: 'advisories-main/vex/dhi.vex.json',
        bytes: files.find((f) => f.path.endsWith('dhi-alpine-base.vex.json'))!.bytes,
      },
      {
        name: 'advisories-main/pkg/oci/index.docker.io/dhi/alpine-base/vex.json',
        bytes: '{"@context":"https://openvex.dev/ns/v0.2.0","statements":[]}',
      },
      {
        name: 'advisories-main/integration/upcoming-id-dhi/examples/x/osv/DHI-1.json',
        bytes: '{"id":"DHI-1","affected":[]}',
      },
      { name: 'advisories-main/osv/cosign/CVE-2022-35929.json.sha256', bytes: 'abc' },
    ]);
    const packed = await importAll(importer, [
      { path: 'docker-hardened-images-advisories-main.tar.gz', bytes: tarball },
    ]);
    assert.equal(packed.advisories.length, loose.advisories.length);
    assert.equal(packed.vexStatements.length, loose.vexStatements.length);
    assert.deepEqual(packed.one('CVE-2022-35929'), loose.one('CVE-2022-35929'));
  });
});

describe('dhi-advisories on the upcoming ID=dhi examples (dhi-suite)', () => {
  test('release-scoped ecosystems map to dhi:<distro>:<release> with native schemes', async () => {
    const sink = await importAll(importer, suiteFiles('examples'));
    const coreutils = sink.one('DHI-CVE-2016-2781-coreutils');
    assert.deepEqual(coreutils.aliases, ['CVE-2016-2781']);
    assert.deepEqual(coreutils.affected, [
      {
        namespace: 'dhi:alpine:3.24',
        packageName: 'coreutils',
        nameKind: 'binary',
        scheme: 'apk',
        status: 'affected',
        ranges: [{ introduced: '0', fixed: '9.11-r1' }],
        versions: ['9.11-r0'],
        purl: 'pkg:apk/dhi/coreutils?os_distro=alpine&os_name=dhi&os_version=3.24',
      },
    ]);
    const debian = sink.one('DHI-CVE-2025-12781-python-3.9').affected[0]!;
    assert.deepEqual(
      [debian.namespace, debian.scheme, debian.ranges, debian.versions],
      ['dhi:debian:13', 'dpkg', [{ introduced: '0' }], ['3.9.23-18']],
    );
    // Versions only, no ranges: a finding for exactly those versions; components are context.
    const component = sink.one('DHI-CVE-2025-12781-python-3.12').affected[0]!;
    assert.deepEqual(
      [component.namespace, component.status, component.ranges, component.versions, component.notes],
      ['dhi:alpine:3.23', 'affected', [], ['3.12.13-r7'], 'component packages: pkg:pypi/setuptools@58.3.0'],
    );
    assert.deepEqual(sink.skips, []);
  });

  test('each manifest scenario: OSV entry on the canonical package, VEX with the expected status', async () => {
    const manifestPath = join(SUITE, 'validation', 'fixtures', 'scenarios.json');
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as {
      scenarios: Array<{
        id: string;
        example_dir: string;
        canonical_package_purl?: string;
        osv?: string | null;
        vex?: string | null;
        expected_behavior: { vex_status?: string | null };
      }>;
    };
    let checked = 0;
    for (const s of manifest.scenarios) {
      const dir = join(dirname(manifestPath), s.example_dir);
      if (!s.canonical_package_purl) {
        assert.ok(!s.osv && !s.vex, `${s.id} has files but no canonical purl`);
        continue;
      }
      const purl = s.canonical_package_purl.match(
        /^pkg:(apk|deb)\/dhi\/([^@]+)@([^?]+)\?.*os_distro=(\w+).*os_version=([\w.]+)/,
      );
      assert.ok(purl, s.id);
      const files: FeedFile[] = [];
      if (s.osv)
        files.push({ path: `dhi/osv/${s.osv.split('/').pop()}`, bytes: readFileSync(join(dir, s.osv)) });
      if (s.vex)
        files.push({ path: `dhi/vex/${s.vex.split('/').pop()}`, bytes: readFileSync(join(dir, s.vex)) });
      const sink = await importAll(importer, files);
      if (s.osv) {
        assert.equal(sink.advisories.length, 1, s.id);
        const entry = sink.advisories[0]!.affected[0]!;
        assert.equal(entry.namespace, `dhi:${purl[4]}:${purl[5]}`, s.id);
        assert.equal(entry.packageName, purl[2], s.id);
        checked++;
      }
      if (s.vex && s.expected_behavior.vex_status) {
        assert.equal(sink.vexStatements.length, 1, s.id);
        const vex = sink.vexStatements[0]!;
        assert.equal(vex.status, s.expected_behavior.vex_status, s.id);
        assert.ok(vex.products.includes(s.canonical_package_purl), `${s.id}: ${vex.products.join(' ')}`);
        assert.match(vex.origin, /^db:dhi-advisories:dhi\/vex\//);
        checked++;
      }
    }
    assert.equal(checked, 10);
  });

  test('the superseded bare "Docker Hardened Images" ecosystem is skipped with a clear reason', async () => {
    const sink = await importAll(importer, suiteFiles('superseded'));
    assert.equal(sink.advisories.length, 0);
    assert.equal(sink.skips.length, 2);
    for (const s of sink.skips)
      assert.match(s.why, /superseded contract: the bare "Docker Hardened Images" ecosystem/);
    assert.match(sink.metas.get('entries left out') ?? '', /^2× superseded contract/);
    assert.equal(sink.vexStatements.length, 2);
  });
});

describe('dhi-advisories hostile input', () => {
  test('malformed OSV and VEX files are skipped; unknown loose JSON fails naming the file', async () => {
    const sink = await importAll(importer, [
      { path: 'osv/x/CVE-1.json', bytes: Buffer.from('{"id":') },
      { path: 'osv/x/CVE-2.json', bytes: Buffer.from('<html>') },
      { path: 'vex/x/dhi-x.vex.json', bytes: Buffer.from('{"statements": []}') },
      {
        path: 'vex/y/dhi-y.vex.json',
        bytes: Buffer.from(
          JSON.stringify({
            '@context': 'https://openvex.dev/ns/v0.2.0',
            statements: [
              { vulnerability: { name: 'CVE-1' }, status: 'bogus', products: [{ '@id': 'pkg:x/y' }] },
              { vulnerability: {}, status: 'fixed', products: [{ '@id': 'pkg:x/y' }] },
              { vulnerability: 'CVE-2', status: 'fixed', products: [] },
              { vulnerability: 'CVE-3', status: 'fixed', products: ['pkg:x/y', { '@id': 5 }] },
              'junk',
            ],
          }),
        ),
      },
    ]);
    const expected: Array<[string, RegExp]> = [
      ['osv/x/CVE-1.json', /^invalid JSON/],
      ['osv/x/CVE-2.json', /^not JSON$/],
      ['vex/x/dhi-x.vex.json', /^not an OpenVEX document/],
      // A malformed VEX document is skipped whole, with the first problem named by its JSON path.
      ['vex/y/dhi-y.vex.json', /statements\.0/],
    ];
    assert.equal(sink.skips.length, expected.length);
    expected.forEach(([where, why], i) => {
      assert.equal(sink.skips[i]!.where, where);
      assert.match(sink.skips[i]!.why, why);
    });
    assert.deepEqual(sink.vexStatements, []);
    await assert.rejects(
      importAll(importer, [{ path: 'elsewhere/thing.json', bytes: Buffer.from('{"hello": 1}') }]),
      (err: unknown) =>
        err instanceof KeelsonError &&
        err.code === 'PARSE_ERROR' &&
        /elsewhere\/thing\.json/.test(err.message),
    );
  });

  test('path layout classification', () => {
    assert.deepEqual(classifyDhiPath('osv/node/CVE-1.json'), {
      kind: 'osv',
      repoPath: 'osv/node/CVE-1.json',
    });
    assert.deepEqual(classifyDhiPath('x/advisories/dhi/osv/DHI-1.json'), {
      kind: 'osv',
      repoPath: 'dhi/osv/DHI-1.json',
    });
    assert.deepEqual(classifyDhiPath('vex/bash/dhi-bash.vex.json'), {
      kind: 'vex',
      repoPath: 'vex/bash/dhi-bash.vex.json',
    });
    assert.equal(classifyDhiPath('vex/dhi.vex.json').kind, 'ignore');
    assert.equal(classifyDhiPath('pkg/oci/index.docker.io/dhi/bash/vex.json').kind, 'ignore');
    assert.equal(
      classifyDhiPath('integration/upcoming-id-dhi/examples/e2e-alpine/osv/a.json').kind,
      'ignore',
    );
    assert.equal(classifyDhiPath('osv/node/CVE-1.json.sig').kind, 'ignore');
    assert.equal(classifyDhiPath('other.json').kind, 'sniff');
  });

  test('recognizes DHI records, VEX and the repository tarball only', () => {
    const files = repo();
    assert.ok(importer.recognizes(files.find((f) => f.path === 'osv/cosign/CVE-2022-35929.json')!));
    assert.ok(importer.recognizes(files.find((f) => f.path.endsWith('dhi-alpine-base.vex.json'))!));
    assert.ok(importer.recognizes(suiteFiles('examples')[0]!));
    assert.ok(
      importer.recognizes({ path: 'docker-hardened-images-advisories-main.tar.gz', bytes: makeTarGz([]) }),
    );
    const go = loadFeedDir(fixture('feeds', 'osv', 'osv-samples', 'osv-linter'), (p) =>
      p.startsWith('GO-'),
    )[0]!;
    assert.equal(importer.recognizes(go), false);
  });
});

describe('dhi-advisories download', () => {
  test('fetches the repository tarball from the base URL', async () => {
    const tarball = makeTarGz([
      {
        name: 'advisories-main/osv/cosign/CVE-2022-35929.json',
        bytes: repo().find((f) => f.path === 'osv/cosign/CVE-2022-35929.json')!.bytes,
      },
    ]);
    const server = await serveRoutes({
      '/docker-hardened-images/advisories/tar.gz/refs/heads/main': tarball,
    });
    try {
      const files = await downloadAll(importer, testFetcher, server.baseUrl);
      assert.deepEqual(
        files.map((f) => f.path),
        ['docker-hardened-images-advisories-main.tar.gz'],
      );
      const sink = await importAll(importer, files);
      assert.deepEqual(
        sink.advisories.map((a) => a.id),
        ['CVE-2022-35929'],
      );
    } finally {
      await server.close();
    }
  });
});
