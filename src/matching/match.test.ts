import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { AdvisoryDb } from '../advisories/db/reader.js';
import { updateDatabase } from '../advisories/db/writer.js';
import type { Advisory, AffectedEntry, FeedFile, FeedImporter, ImportSink } from '../advisories/types.js';
import type { Distro, Inventory, Package, ProviderName } from '../core/types.js';
import type { VexStatement } from '../vex/types.js';
import { evaluate, matchInventory } from './match.js';

/** Feeds a fixed list of advisories (and VEX statements) into the real database code. */
function staticImporter(name: string, advisories: Advisory[], vex: VexStatement[] = []): FeedImporter {
  return {
    name,
    title: name,
    version: 1,
    recognizes: () => true,
    async import(_files: AsyncIterable<FeedFile> | Iterable<FeedFile>, sink: ImportSink) {
      for (const a of advisories) sink.advisory(a);
      for (const s of vex) sink.vex(s);
    },
    async *download() {},
  };
}

function adv(id: string, entries: Partial<AffectedEntry>[], aliases: string[] = []): Advisory {
  return {
    id,
    aliases,
    references: [],
    severities: [],
    source: '',
    affected: entries.map((e) => ({
      namespace: 'wolfi',
      packageName: 'x',
      nameKind: 'origin',
      scheme: 'apk',
      status: 'fixed',
      ranges: [],
      versions: [],
      ...e,
    })),
  };
}

function pkg(p: Partial<Package> & Pick<Package, 'name' | 'version' | 'type'>): Package {
  return {
    location: 'lib/apk/db/installed',
    purl: `pkg:${p.type}/x/${p.name}@${p.version}`,
    foundBy: 't',
    ...p,
  };
}

function inventory(
  distro: Partial<Distro> & { id: string },
  packages: Package[],
  provider: ProviderName = 'traditional',
  extra: Partial<Inventory> = {},
): Inventory {
  return {
    schemaVersion: 1,
    image: { target: 'test', sourceType: 'oci-archive', annotations: {} },
    config: { labels: {}, history: [], diffIDs: [] },
    layers: [],
    distro: { source: 'etc/os-release', fields: {}, ...distro },
    provider: { name: provider, evidence: [] },
    packages,
    embeddedSboms: [],
    warnings: [],
    complete: true,
    stats: { layersFromCache: 0, layersAnalyzed: 0, bytesRead: 0 },
    ...extra,
  };
}

describe('matching', async () => {
  const work = await mkdtemp(join(tmpdir(), 'keelson-match-'));
  after(() => rm(work, { recursive: true, force: true }));

  const dbDir = join(work, 'db');
  await updateDatabase(dbDir, [
    {
      importer: staticImporter('wolfi-secdb', [
        adv('CVE-2024-1000', [{ packageName: 'openssl', ranges: [{ introduced: '0', fixed: '3.4.0-r3' }] }]),
        adv('CVE-2024-1001', [{ packageName: 'openssl', status: 'not_affected' }]),
        adv('CVE-2024-1002', [{ packageName: 'openssl', ranges: [{ introduced: '0', fixed: '3.3.0-r0' }] }]),
        adv('CVE-2024-2000', [{ packageName: 'glibc', ranges: [{ introduced: '0', fixed: '2.40-r4' }] }]),
      ]),
      files: [],
      origin: 'test',
    },
    {
      importer: staticImporter('chainguard-osv', [
        // The same vulnerability under Chainguard's id: merged with the secdb record, not reported twice.
        adv(
          'CGA-2222-3333-4444',
          [{ packageName: 'openssl', ranges: [{ introduced: '0', fixed: '3.4.0-r3' }] }],
          ['CVE-2024-1000'],
        ),
        adv('CVE-2024-3000', [{ namespace: 'chainguard', packageName: 'glibc', status: 'not_affected' }]),
      ]),
      files: [],
      origin: 'test',
    },
    {
      importer: staticImporter('debian-tracker', [
        adv('CVE-2024-4000', [
          {
            namespace: 'debian:12',
            packageName: 'glibc',
            nameKind: 'source',
            scheme: 'dpkg',
            status: 'affected',
          },
        ]),
        adv('CVE-2024-4001', [
          {
            namespace: 'debian:12',
            packageName: 'glibc',
            nameKind: 'source',
            scheme: 'dpkg',
            status: 'will_not_fix',
          },
        ]),
        adv('CVE-2024-4002', [
          {
            namespace: 'debian:12',
            packageName: 'glibc',
            nameKind: 'source',
            scheme: 'dpkg',
            ranges: [{ introduced: '0', fixed: '2.36-9+deb12u4' }],
          },
        ]),
        adv('CVE-2025-62813', [
          {
            namespace: 'debian:13',
            packageName: 'lz4',
            nameKind: 'source',
            scheme: 'dpkg',
            status: 'affected',
          },
        ]),
      ]),
      files: [],
      origin: 'test',
    },
    {
      importer: staticImporter('photon', [
        adv('CVE-2024-5000', [
          {
            namespace: 'photon:5.0',
            packageName: 'curl-libs',
            nameKind: 'binary',
            scheme: 'rpm',
            ranges: [{ introduced: '0', fixed: '8.9.0-1.ph5' }],
          },
        ]),
      ]),
      files: [],
      origin: 'test',
    },
    {
      importer: staticImporter(
        'dhi-advisories',
        [
          adv(
            'DHI-CVE-2016-2781-coreutils',
            [
              {
                namespace: 'dhi:alpine:3.24',
                packageName: 'coreutils',
                nameKind: 'binary',
                status: 'affected',
                ranges: [{ introduced: '0', fixed: '9.11-r1' }],
                versions: ['9.11-r0'],
              },
            ],
            ['CVE-2016-2781'],
          ),
        ],
        [
          {
            vulnerability: 'CVE-2025-62813',
            aliases: [],
            products: ['pkg:deb/debian/liblz4-1'],
            subcomponents: [],
            status: 'not_affected',
            justification: 'vulnerable_code_cannot_be_controlled_by_adversary',
            origin: 'db:dhi-advisories:vex/debian-base/dhi-debian-base.vex.json',
            format: 'openvex',
          },
        ],
      ),
      files: [],
      origin: 'test',
    },
  ]);
  const db = AdvisoryDb.open(dbDir);
  after(() => db.close());

  const wolfiOpenssl = pkg({
    name: 'libssl3',
    version: '3.4.0-r2',
    type: 'apk',
    source: { name: 'openssl' },
  });

  test('Wolfi: lookup by origin, fixed records by apk order, secdb "0" suppresses, aliases merged', () => {
    const inv = inventory({ id: 'wolfi', version: '20230201', rolling: true }, [wolfiOpenssl], 'wolfi');
    const { findings } = matchInventory(inv, db);
    const byId = new Map(findings.map((f) => [f.id, f]));
    assert.deepEqual([...byId.keys()].sort(), ['CVE-2024-1000', 'CVE-2024-1001']);
    const f = byId.get('CVE-2024-1000')!;
    assert.deepEqual(f.aliases, ['CGA-2222-3333-4444']);
    assert.deepEqual(f.fixedVersions, ['3.4.0-r3']);
    assert.equal(f.match.namespace, 'wolfi');
    assert.equal(f.match.lookupName, 'openssl');
    assert.equal(f.suppressed, undefined);
    const na = byId.get('CVE-2024-1001')!;
    assert.equal(na.suppressed?.kind, 'vendor-status');
  });

  test('Chainguard image reporting ID=wolfi: the chainguard namespace decides first', () => {
    const glibc = pkg({ name: 'glibc', version: '2.40-r3', type: 'apk', source: { name: 'glibc' } });
    const inv = inventory({ id: 'wolfi', rolling: true }, [glibc], 'chainguard');
    const { findings } = matchInventory(inv, db);
    assert.deepEqual(findings.map((f) => [f.id, f.match.namespace, Boolean(f.suppressed)]).sort(), [
      ['CVE-2024-2000', 'wolfi', false],
      ['CVE-2024-3000', 'chainguard', true],
    ]);
  });

  test('Debian: source-name lookup; open → affected without fix; ignored → will_not_fix; fixed by dpkg order', () => {
    const libc = pkg({ name: 'libc6', version: '2.36-9+deb12u3', type: 'deb', source: { name: 'glibc' } });
    const inv = inventory({ id: 'debian', version: '12' }, [libc]);
    const { findings } = matchInventory(inv, db);
    assert.deepEqual(findings.map((f) => [f.id, f.status, f.fixedVersions.join()]).sort(), [
      ['CVE-2024-4000', 'affected', ''],
      ['CVE-2024-4001', 'will_not_fix', ''],
      ['CVE-2024-4002', 'affected', '2.36-9+deb12u4'],
    ]);
    assert.equal(findings[0]!.package.name, 'libc6');
  });

  test('Photon: binary-name lookup in photon:<major.minor>', () => {
    const curl = pkg({ name: 'curl-libs', version: '8.7.1-1.ph5', type: 'rpm', source: { name: 'curl' } });
    const { findings } = matchInventory(inventory({ id: 'photon', version: '5.0' }, [curl]), db);
    assert.deepEqual(
      findings.map((f) => [f.id, f.match.namespace, f.match.lookupName]),
      [['CVE-2024-5000', 'photon:5.0', 'curl-libs']],
    );
  });

  test('an unparseable installed version is reported, flagged, never dropped', () => {
    const odd = pkg({ name: 'libssl3', version: 'not a version!', type: 'apk', source: { name: 'openssl' } });
    const { findings } = matchInventory(inventory({ id: 'wolfi', rolling: true }, [odd], 'wolfi'), db);
    const f = findings.find((x) => x.id === 'CVE-2024-1000');
    assert.ok(f, 'finding kept');
    assert.match(f.match.versionError ?? '', /not a version/);
  });

  test('user VEX: not_affected suppresses (kept, marked), under_investigation annotates, affected adds', () => {
    const inv = inventory({ id: 'wolfi', rolling: true }, [wolfiOpenssl], 'wolfi');
    const base = { aliases: [], subcomponents: [], origin: 'vex.json', format: 'openvex' as const };
    const vex: VexStatement[] = [
      {
        ...base,
        vulnerability: 'CVE-2024-1000',
        products: ['pkg:apk/x/libssl3'],
        status: 'under_investigation',
      },
      {
        ...base,
        vulnerability: 'CGA-2222-3333-4444',
        products: ['pkg:apk/x/libssl3@3.4.0-r2'],
        status: 'not_affected',
        justification: 'component_not_present',
        timestamp: '2026-01-02T00:00:00Z',
      },
      { ...base, vulnerability: 'CVE-2099-0001', products: ['pkg:apk/x/libssl3'], status: 'affected' },
    ];
    const { findings } = matchInventory(inv, db, { vex });
    const f = findings.find((x) => x.id === 'CVE-2024-1000')!;
    assert.equal(f.suppressed?.kind, 'vex');
    assert.equal(f.suppressed?.justification, 'component_not_present');
    const added = findings.find((x) => x.id === 'CVE-2099-0001')!;
    assert.equal(added.dataSource.source, 'vex');
    assert.equal(added.suppressed, undefined);
  });

  test('DHI current model: DHI VEX from the DB suppresses base-layer packages only', () => {
    const lz4 = (base: boolean) =>
      pkg({
        name: 'liblz4-1',
        version: '1.10.0-4',
        type: 'deb',
        purl: 'pkg:deb/debian/liblz4-1@1.10.0-4?arch=amd64&distro=debian-13&upstream=lz4',
        source: { name: 'lz4' },
        layer: { index: base ? 0 : 1, diffID: 'sha256:x', base },
      });
    const extra: Partial<Inventory> = { base: { layerCount: 1, method: 'dhi-chain-id', detail: '' } };
    const dhi = inventory({ id: 'debian', version: '13' }, [lz4(true)], 'docker-hardened-images', extra);
    const [inBase] = matchInventory(dhi, db).findings;
    assert.equal(inBase?.suppressed?.kind, 'vex');
    assert.match(inBase!.suppressed!.detail, /vulnerable_code_cannot_be_controlled_by_adversary/);
    const app = inventory({ id: 'debian', version: '13' }, [lz4(false)], 'docker-hardened-images', extra);
    assert.equal(matchInventory(app, db).findings[0]?.suppressed, undefined);
    const plain = inventory({ id: 'debian', version: '13' }, [lz4(true)], 'traditional', extra);
    assert.equal(matchInventory(plain, db).findings[0]?.suppressed, undefined, 'DHI VEX only for DHI images');
  });

  test('DHI upcoming model: DHI OSV decides base packages, no upstream fallback; added packages go upstream', () => {
    const coreutils = (version: string, base: boolean) =>
      pkg({
        name: 'coreutils',
        version,
        type: 'apk',
        source: { name: 'coreutils' },
        layer: { index: 0, diffID: 'x', base },
      });
    const mk = (packages: Package[], withBase: boolean) =>
      inventory({ id: 'dhi', idLike: ['alpine'], version: '3.24' }, packages, 'docker-hardened-images', {
        ...(withBase ? { base: { layerCount: 1, method: 'dhi-chain-id', detail: '' } } : {}),
      });
    const [f] = matchInventory(mk([coreutils('9.11-r0', true)], false), db).findings;
    assert.equal(f?.dataSource.advisoryId, 'DHI-CVE-2016-2781-coreutils');
    assert.equal(f?.id, 'CVE-2016-2781');
    assert.equal(f?.match.namespace, 'dhi:alpine:3.24');
    assert.deepEqual(f?.fixedVersions, ['9.11-r1']);
    assert.equal(matchInventory(mk([coreutils('9.11-r1', true)], false), db).findings.length, 0);
    const added = matchInventory(mk([coreutils('9.11-r0', false)], true), db).findings;
    assert.equal(
      added.length,
      0,
      'an added package is looked up upstream (alpine:3.24), where nothing matches',
    );
  });

  test('a release the database knows nothing about is a warning, not a clean result', () => {
    const musl = pkg({ name: 'musl', version: '1.2.5-r0', type: 'apk', source: { name: 'musl' } });
    const unknown = matchInventory(inventory({ id: 'alpine', version: '3.99.0' }, [musl]), db);
    assert.deepEqual(unknown.findings, []);
    assert.match(
      unknown.warnings.find((w) => w.code === 'NO_ADVISORIES')?.message ?? '',
      /no records for alpine:3\.99/,
    );
    const known = matchInventory(inventory({ id: 'wolfi', rolling: true }, [wolfiOpenssl], 'wolfi'), db);
    assert.equal(
      known.warnings.some((w) => w.code === 'NO_ADVISORIES'),
      false,
    );
  });

  test('evaluate: explicit versions, introduced/fixed, last_affected, fixed "0"', () => {
    const e =
      (
        ranges: AffectedEntry['ranges'],
        versions: string[] = [],
        status: AffectedEntry['status'] = 'affected',
      ) =>
      (v: string) =>
        evaluate({ scheme: 'apk', status, ranges, versions }, v).affected;
    assert.equal(e([], ['1.0-r1'])('1.0-r1'), true);
    assert.equal(e([], ['1.0-r1'])('1.0-r2'), false);
    assert.equal(e([{ introduced: '1.0-r0', fixed: '1.2-r0' }])('0.9-r0'), false);
    assert.equal(e([{ introduced: '1.0-r0', fixed: '1.2-r0' }])('1.1-r0'), true);
    assert.equal(e([{ introduced: '1.0-r0', fixed: '1.2-r0' }])('1.2-r0'), false);
    assert.equal(e([{ introduced: '0', lastAffected: '1.2-r0' }])('1.2-r0'), true);
    assert.equal(e([{ introduced: '0', fixed: '0' }])('1.2-r0'), false);
    assert.equal(e([], [], 'affected')('5'), true);
    assert.equal(e([], [], 'fixed')('5'), false);
  });
});
