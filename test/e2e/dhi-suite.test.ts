import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { AdvisoryDb } from '../../src/advisories/db/reader.js';
import { updateDatabase } from '../../src/advisories/db/writer.js';
import { feedImporter } from '../../src/advisories/feeds/registry.js';
import type { FeedFile } from '../../src/advisories/types.js';
import type { Inventory, Package, PackageType } from '../../src/core/types.js';
import { matchInventory } from '../../src/matching/match.js';
import type { Finding } from '../../src/matching/types.js';
import { resolveVex } from '../../src/vex/apply.js';
import { purlMatches } from '../../src/vex/purl-match.js';
import { fixture } from '../helpers/paths.js';

/**
 * Docker Hardened Images' own integration suite for the upcoming `ID=dhi` model: every scenario of
 * `validation/fixtures/scenarios.json` with its `expected.json`, reproduced by keelson's matcher on an
 * inventory read from the scenario's `sbom.json` and a database holding the scenario OSV/VEX files
 * (imported by the real `dhi-advisories` importer) plus upstream Alpine/Debian records that a DHI-owned
 * package must never fall back to.
 */
const suite = fixture('dhi-suite', 'upcoming-id-dhi');
const manifestPath = join(suite, 'validation', 'fixtures', 'scenarios.json');

interface Scenario {
  id: string;
  example_dir: string;
  scanner_observed_package_purl: string;
  canonical_package_purl?: string;
  upstream_like_package_purl?: string;
  vex: string | null;
  expected: string;
  expected_behavior: {
    expected_finding?: boolean | null;
    vex_status?: string;
    non_matching_versions?: string[];
    upstream_like_vex_product_matches_dhi_artifact?: boolean;
    dhi_vex_product_matches_dhi_artifact?: boolean;
  };
}

interface SbomPackage {
  name: string;
  version: string;
  type: string;
  purl: string;
  origin: string;
}

interface Sbom {
  os_release: Record<string, string>;
  layers?: { index: number; digest: string; role: string }[];
  packages: SbomPackage[];
}

interface Expected {
  expected_finding: boolean | null;
  expected_advisory_source?: string;
  expected_vex_status?: string;
}

const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { scenarios: Scenario[] };
const exampleDir = (s: Scenario) => join(dirname(manifestPath), s.example_dir);

/** The inventory a scanner would have produced for the scenario's image, from its compact SBOM. */
function inventoryOf(sbom: Sbom, version?: string): Inventory {
  const derived = sbom.packages.some((p) => p.origin === 'customer-layer');
  const baseLayers = (sbom.layers ?? []).filter((l) => !l.role.startsWith('derived-')).length;
  const packages: Package[] = sbom.packages.map((p) => {
    const base = p.origin !== 'customer-layer';
    const v = version && p.origin === 'dhi-base-layer' ? version : p.version;
    return {
      name: p.name,
      version: v,
      type: p.type as PackageType,
      ...(p.type === 'apk' || p.type === 'deb' ? { source: { name: p.name } } : {}),
      purl: p.purl.replace(`@${encodeURIComponent(p.version)}`, `@${encodeURIComponent(v)}`),
      location: p.type === 'apk' ? 'lib/apk/db/installed' : 'var/lib/dpkg/status',
      foundBy: 'dhi-suite-sbom',
      layer: { index: base ? 0 : baseLayers, diffID: 'sha256:0', base },
    };
  });
  const os = sbom.os_release;
  return {
    schemaVersion: 1,
    image: { target: 'dhi-suite', sourceType: 'oci-archive', annotations: {} },
    config: { labels: {}, history: [], diffIDs: [] },
    layers: [],
    distro: {
      id: os.ID!,
      version: os.VERSION_ID!,
      idLike: [os.ID_LIKE!],
      source: 'etc/os-release',
      fields: os,
    },
    provider: { name: 'docker-hardened-images', model: 'upcoming', evidence: [] },
    ...(derived
      ? { base: { layerCount: baseLayers, method: 'dhi-chain-id', detail: 'dhi-suite sbom' } }
      : {}),
    packages,
    embeddedSboms: [],
    warnings: [],
    complete: true,
    stats: { layersFromCache: 0, layersAnalyzed: 0, bytesRead: 0 },
  };
}

/** Every OSV and VEX file of the examples, under the repository paths the DHI feed uses for this model. */
function dhiFeedFiles(): FeedFile[] {
  const out: FeedFile[] = [];
  const dirs = new Set(manifest.scenarios.map(exampleDir));
  for (const dir of dirs) {
    for (const kind of ['osv', 'vex'] as const) {
      let names: string[] = [];
      try {
        names = readdirSync(join(dir, kind));
      } catch {
        continue;
      }
      for (const name of names)
        out.push({ path: `dhi/${kind}/${name}`, bytes: readFileSync(join(dir, kind, name)) });
    }
  }
  return out;
}

/** Upstream records for the same packages: a DHI-owned package must not be matched against these. */
const UPSTREAM_ALPINE = (release: string, packages: Record<string, Record<string, string[]>>) => ({
  path: `v${release}/main.json`,
  bytes: Buffer.from(
    JSON.stringify({
      distroversion: `v${release}`,
      reponame: 'main',
      packages: Object.entries(packages).map(([name, secfixes]) => ({ pkg: { name, secfixes } })),
    }),
  ),
});

describe('DHI upcoming-model suite (ID=dhi)', () => {
  let work: string;
  let db: AdvisoryDb;

  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'keelson-dhi-suite-'));
    const outcomes = await updateDatabase(join(work, 'db'), [
      { importer: feedImporter('dhi-advisories')!, files: dhiFeedFiles(), origin: suite },
      {
        importer: feedImporter('alpine-secdb')!,
        files: [
          UPSTREAM_ALPINE('3.24', {
            coreutils: { '9.12-r0': ['CVE-2099-1001'] },
            jq: { '1.8.2-r0': ['CVE-2099-1002'] },
          }),
          UPSTREAM_ALPINE('3.23', {
            'python-3.14': { '3.14.6-r0': ['CVE-2099-1003'] },
            'python-3.12': { '3.12.14-r0': ['CVE-2099-1004'] },
          }),
        ],
        origin: 'synthetic upstream alpine',
      },
    ]);
    for (const o of outcomes) assert.equal(o.ok, true, `${o.source}: ${o.error?.message}`);
    db = AdvisoryDb.open(join(work, 'db'));
  });
  after(async () => {
    db?.close();
    await rm(work, { recursive: true, force: true });
  });

  const dhiVex = () => db.vexStatements().map((s) => s.statement);

  for (const scenario of manifest.scenarios) {
    test(`${scenario.id}: reproduces expected.json`, () => {
      const dir = exampleDir(scenario);
      const sbom = JSON.parse(readFileSync(join(dir, 'sbom.json'), 'utf8')) as Sbom;
      const expected = JSON.parse(readFileSync(join(dir, scenario.expected), 'utf8')) as Expected;
      const inventory = inventoryOf(sbom);
      const { findings } = matchInventory(inventory, db);
      const observed = scenario.scanner_observed_package_purl;
      const pkg = inventory.packages.find((p) => p.purl === observed);
      assert.ok(pkg, `package ${observed} in the sbom`);
      const forPkg = (list: Finding[]) => list.filter((f) => f.package.purl === observed);
      const dhiFindings = forPkg(findings).filter((f) => f.dataSource.source === 'dhi-advisories');

      // A package of the DHI base never falls back to upstream data, whatever the upstream feed says.
      if (pkg.layer?.base)
        assert.deepEqual(
          forPkg(findings).filter((f) => f.dataSource.source !== 'dhi-advisories'),
          [],
          'no upstream finding for a DHI-owned package',
        );

      if (expected.expected_finding === true) {
        assert.equal(dhiFindings.length, 1, 'one finding from DHI OSV');
        const f = dhiFindings[0]!;
        assert.match(f.match.namespace, /^dhi:(alpine|debian):/);
        assert.match(f.dataSource.advisoryId, /^DHI-CVE-/);
        if (expected.expected_vex_status) assert.equal(f.vex?.status, expected.expected_vex_status);
        assert.equal(f.suppressed, undefined, 'DHI VEX annotates, never suppresses, in this model');
      } else if (expected.expected_finding === false) {
        assert.deepEqual(dhiFindings, [], 'no finding');
      }

      // VEX is context: the statement for the exact DHI artifact carries the expected status.
      if (scenario.vex && expected.expected_vex_status) {
        const vexDoc = JSON.parse(readFileSync(join(dir, scenario.vex), 'utf8')) as {
          statements: { vulnerability: { name: string } }[];
        };
        const vuln = vexDoc.statements[0]!.vulnerability.name;
        const statement = resolveVex(dhiVex(), { vulnerabilityIds: [vuln], packagePurl: observed });
        assert.equal(statement?.status, expected.expected_vex_status);
      }

      // Package routing for packages outside the DHI base: normalised to upstream and matched there.
      if (
        expected.expected_advisory_source === 'upstream-alpine' ||
        scenario.id === 'alpine-layer-package-namespace'
      ) {
        const customer = inventory.packages.filter((p) => p.layer?.base === false);
        assert.ok(customer.length > 0);
        for (const c of customer) {
          const own = findings.filter((f) => f.package.purl === c.purl);
          assert.ok(own.length > 0, `${c.name} matched upstream`);
          for (const f of own) {
            assert.equal(f.dataSource.source, 'alpine-secdb');
            assert.match(f.match.namespace, /^alpine:3\.2[34]$/);
          }
        }
      }

      for (const version of scenario.expected_behavior.non_matching_versions ?? []) {
        const other = matchInventory(inventoryOf(sbom, version), db).findings;
        assert.deepEqual(
          other.filter((f) => f.dataSource.source === 'dhi-advisories'),
          [],
          `${version} must not match`,
        );
      }

      const b = scenario.expected_behavior;
      if (b.upstream_like_vex_product_matches_dhi_artifact === false && scenario.upstream_like_package_purl)
        assert.equal(purlMatches(scenario.upstream_like_package_purl, observed), false);
      if (b.dhi_vex_product_matches_dhi_artifact && scenario.canonical_package_purl)
        assert.equal(purlMatches(scenario.canonical_package_purl, observed), true);
    });
  }

  test('the manifest covers all eight scenarios', () => {
    assert.equal(manifest.scenarios.length, 8);
  });
});

/**
 * The current DHI model (`ID=debian|alpine` + DHI's VEX), on DHI's real production VEX files: the cases of
 * the shared formats reference §8.
 */
describe('DHI current model with the real production VEX', () => {
  let work: string;
  let db: AdvisoryDb;
  const vexFile = (repo: string) => {
    const path = `vex/${repo}/dhi-${repo}.vex.json`;
    return { path, bytes: readFileSync(fixture('feeds', 'osv', 'dhi-advisories', path)) };
  };

  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'keelson-dhi-current-'));
    const outcomes = await updateDatabase(join(work, 'db'), [
      {
        importer: feedImporter('dhi-advisories')!,
        files: [vexFile('alpine-base'), vexFile('debian-base')],
        origin: 'dhi-advisories fixtures',
      },
      {
        importer: feedImporter('alpine-secdb')!,
        files: [UPSTREAM_ALPINE('3.22', { busybox: { '1.37.0-r20': ['CVE-2024-58251', 'CVE-2025-46394'] } })],
        origin: 'synthetic upstream alpine',
      },
      {
        importer: feedImporter('debian-tracker')!,
        files: [
          {
            path: 'debian-tracker.json',
            bytes: Buffer.from(
              JSON.stringify({
                lz4: { 'CVE-2025-62813': { releases: { trixie: { status: 'open', urgency: 'low' } } } },
              }),
            ),
          },
        ],
        origin: 'synthetic debian tracker',
      },
    ]);
    for (const o of outcomes) assert.equal(o.ok, true, `${o.source}: ${o.error?.message}`);
    db = AdvisoryDb.open(join(work, 'db'));
  });
  after(async () => {
    db?.close();
    await rm(work, { recursive: true, force: true });
  });

  const current = (id: 'alpine' | 'debian', version: string, pkg: Package): Inventory => ({
    schemaVersion: 1,
    image: { target: 'dhi-current', sourceType: 'oci-archive', annotations: {} },
    config: { labels: {}, history: [], diffIDs: [] },
    layers: [],
    distro: { id, version, source: 'etc/os-release', fields: {} },
    provider: { name: 'docker-hardened-images', model: 'current', evidence: [] },
    packages: [pkg],
    embeddedSboms: [],
    warnings: [],
    complete: true,
    stats: { layersFromCache: 0, layersAnalyzed: 0, bytesRead: 0 },
  });

  test('Alpine 3.22 busybox 1.37.0-r19: CVE-2024-58251 and CVE-2025-46394 under investigation (reported)', () => {
    const busybox: Package = {
      name: 'busybox',
      version: '1.37.0-r19',
      type: 'apk',
      source: { name: 'busybox' },
      purl: 'pkg:apk/alpine/busybox@1.37.0-r19?arch=x86_64&distro=alpine-3.22',
      location: 'lib/apk/db/installed',
      foundBy: 'test',
    };
    const { findings } = matchInventory(current('alpine', '3.22.1', busybox), db);
    assert.deepEqual(findings.map((f) => [f.id, f.vex?.status, Boolean(f.suppressed)]).sort(), [
      ['CVE-2024-58251', 'under_investigation', false],
      ['CVE-2025-46394', 'under_investigation', false],
    ]);
  });

  test('Debian 13 lz4 1.10.0-4: CVE-2025-62813 not_affected (suppressed, kept, with the justification)', () => {
    const lz4: Package = {
      name: 'liblz4-1',
      version: '1.10.0-4',
      type: 'deb',
      source: { name: 'lz4' },
      purl: 'pkg:deb/debian/liblz4-1@1.10.0-4?arch=amd64&distro=debian-13&upstream=lz4',
      location: 'var/lib/dpkg/status',
      foundBy: 'test',
    };
    const { findings } = matchInventory(current('debian', '13', lz4), db);
    assert.equal(findings.length, 1);
    assert.equal(findings[0]!.id, 'CVE-2025-62813');
    assert.equal(findings[0]!.suppressed?.kind, 'vex');
    assert.equal(findings[0]!.suppressed?.justification, 'vulnerable_code_cannot_be_controlled_by_adversary');
  });
});
