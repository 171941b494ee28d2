import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { apkRecord, writeApkImage } from '../helpers/apk-image.js';
import { runCli } from '../helpers/cli.js';
import { writeOciArchive } from '../helpers/image-builder.js';
import { fixture, repoRoot } from '../helpers/paths.js';
import { findingLines, scanJson } from '../helpers/scan-cli.js';

/**
 * Hardened-vendor images (Wolfi, Chainguard, MinimOS, Echo, Photon) scanned through the CLI against
 * SYNTHETIC feeds written here in each vendor's format: package names, versions and CVE-2099-… ids are
 * invented (no Wolfi/Chainguard/MinimOS advisory data, whose licence forbids committing it). Each feed
 * carries every status its format can express, and each test asserts the exact findings.
 */

const SYNTHETIC = 'SYNTHETIC test data written for keelson e2e tests; ids, names and versions are invented.';

const osRelease = (name: string) => readFileSync(fixture('os-release', name, 'os-release'), 'utf8');

/** `os-release` with VERSION_ID replaced (or removed when `version` is undefined). */
function withVersionId(text: string, version: string | undefined): string {
  const lines = text.split('\n').filter((l) => !l.startsWith('VERSION_ID='));
  if (version !== undefined) lines.push(`VERSION_ID="${version}"`);
  return `${lines.join('\n')}\n`;
}

/** Both packages come from origin `synthcore`; `libsynth2` is the binary whose name differs from it. */
const APK_PACKAGES = [apkRecord('synthcore', '2.0.0-r1'), apkRecord('libsynth2', '2.0.0-r1', 'synthcore')];

function dpkgStanza(name: string, version: string, source?: string): string {
  return [
    `Package: ${name}`,
    'Status: install ok installed',
    'Architecture: amd64',
    ...(source ? [`Source: ${source}`] : []),
    `Version: ${version}`,
    'Maintainer: Test <t@example.org>',
    `Description: ${name}`,
  ].join('\n');
}

const apkImage = (file: string, release: string, repositories?: string) =>
  writeApkImage(file, release, APK_PACKAGES, repositories);

async function echoImage(file: string, release: string): Promise<string> {
  const status = `${[dpkgStanza('synthecho', '1.4.0-2'), dpkgStanza('libsynthecho1', '1.4.0-2', 'synthecho')].join('\n\n')}\n`;
  await writeOciArchive(
    {
      layers: [
        {
          entries: [
            { path: 'etc/os-release', content: release },
            { path: 'var/lib/dpkg/status', content: status },
          ],
        },
      ],
    },
    file,
  );
  return file;
}

const secdb = (urlprefix: string, packages: Record<string, Record<string, string[]>>) => ({
  _synthetic: SYNTHETIC,
  apkurl: '{{urlprefix}}/{{reponame}}/{{arch}}/{{pkg.name}}-{{pkg.ver}}.apk',
  archs: ['x86_64', 'aarch64'],
  reponame: 'os',
  urlprefix,
  packages: Object.entries(packages).map(([name, secfixes]) => ({ pkg: { name, secfixes } })),
});

/** Every feed, one folder per source (the layout `keelson db import FOLDER` reads). */
const FEEDS: Record<string, unknown> = {
  'wolfi-secdb/security.json': secdb('https://packages.wolfi.dev', {
    synthcore: {
      '0': ['CVE-2099-0104'], // not affected: suppressed finding
      '1.9.0-r0': ['CVE-2099-0103'], // fixed below the installed 2.0.0-r1: nothing
      '2.0.0-r1': ['CVE-2099-0102'], // fixed at the installed version: nothing
      '2.0.0-r2': ['CVE-2099-0101'], // fixed above: finding
      '2.0.0-r3': ['CVE-2099-0105', 'CVE-2099-0106'], // fixed above, but Chainguard's feed says otherwise
    },
    // Keyed on the binary name, not the origin: never looked up.
    libsynth2: { '9.9.9-r0': ['CVE-2099-0109'] },
  }),
  'chainguard-secdb/security.json': secdb('https://packages.cgr.dev', {
    synthcore: {
      '0': ['CVE-2099-0105'],
      '2.0.0-r0': ['CVE-2099-0106'],
      '2.0.0-r9': ['CVE-2099-0150'],
    },
  }),
  'minimos-secdb/security.json': secdb('https://packages.mini.dev', {
    synthcore: {
      '0': ['CVE-2099-0203'],
      '2.0.0-r1': ['CVE-2099-0202'],
      '2.0.0-r4': ['CVE-2099-0201'],
    },
  }),
  'alpine-secdb/v3.18/main.json': {
    _synthetic: SYNTHETIC,
    apkurl: '{{urlprefix}}/{{distroversion}}/{{reponame}}/{{arch}}/{{pkg.name}}-{{pkg.ver}}.apk',
    archs: ['x86_64'],
    distroversion: 'v3.18',
    reponame: 'main',
    urlprefix: 'https://dl-cdn.alpinelinux.org/alpine',
    packages: [{ pkg: { name: 'synthcore', secfixes: { '2.0.0-r7': ['CVE-2099-0190'] } } }],
  },
  'echo/data.json': {
    synthecho: {
      'CVE-2099-0301': { fixed_version: '1.4.0-3' },
      'CVE-2099-0302': { fixed_version: '1.4.0-2' },
      'CVE-2099-0303': { fixed_version: '1.3.0-1' },
      'CVE-2099-0304': {},
    },
    // A binary name: Echo keys on source packages, so this is never looked up.
    libsynthecho1: { 'CVE-2099-0305': {} },
  },
  'photon/photon_versions.json': { branches: ['4.0', '5.0'] },
  'photon/cve_data_photon5.0.json': [
    ['CVE-2099-0401', 'curl', '8.7.1-2.ph5', 'Fixed'],
    ['CVE-2099-0401', 'curl-libs', '8.7.1-2.ph5', 'Fixed'],
    ['CVE-2099-0402', 'openssl-libs', '3.0.13-3.ph5', 'Fixed'],
    ['CVE-2099-0403', 'openssl', '3.0.9-1.ph5', 'Fixed'],
    ['CVE-2099-0404', 'glibc', 'NA', 'Not Affected'],
    ['CVE-2099-0405', 'glibc', 'NA', undefined],
    ['CVE-2099-0406', 'openssl', 'NA', "Won't Fix"],
    ['CVE-2099-0407', 'curl', 'NA', 'Under Investigation'],
    ['CVE-2099-0408', 'openssl', '3.0.13-4.ph5', 'Fixed'],
  ].map(([cve_id, pkg, res_ver, status]) => ({
    cve_id,
    pkg,
    cve_score: 7.5,
    aff_ver:
      res_ver === 'NA' ? 'all versions are vulnerable' : `all versions before ${res_ver} are vulnerable`,
    res_ver,
    ...(status ? { status } : {}),
  })),
  // Another branch: never used for a Photon 5.0 image.
  'photon/cve_data_photon4.0.json': [
    {
      cve_id: 'CVE-2099-0490',
      pkg: 'curl',
      cve_score: 9.8,
      aff_ver: 'all',
      res_ver: '99.0-1.ph4',
      status: 'Fixed',
    },
  ],
};

describe('keelson scan: hardened vendors with synthetic feeds in their own formats', () => {
  let work: string;
  let dbDir: string;
  const images: Record<string, string> = {};

  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'keelson-scan-vendors-'));
    dbDir = join(work, 'db');
    const feeds = join(work, 'feeds');
    for (const [path, doc] of Object.entries(FEEDS)) {
      await mkdir(dirname(join(feeds, path)), { recursive: true });
      await writeFile(join(feeds, path), JSON.stringify(doc, null, 1));
    }
    const imported = await runCli(['db', 'import', feeds, '--db-dir', dbDir]);
    assert.equal(imported.code, 0, imported.stderr);
    for (const source of [
      'wolfi-secdb',
      'chainguard-secdb',
      'minimos-secdb',
      'alpine-secdb',
      'echo',
      'photon',
    ])
      assert.match(imported.stderr, new RegExp(`keelson: ${source}: \\d+ advisories`));

    const wolfi = osRelease('wolfi');
    images.wolfi = await apkImage(join(work, 'wolfi.tar'), wolfi, 'https://packages.wolfi.dev/os\n');
    images.wolfiOtherVersion = await apkImage(
      join(work, 'wolfi-v2.tar'),
      withVersionId(wolfi, '20991231'),
      'https://packages.wolfi.dev/os\n',
    );
    images.wolfiNoVersion = await apkImage(join(work, 'wolfi-v0.tar'), withVersionId(wolfi, undefined));
    images.chainguard = await apkImage(join(work, 'chainguard.tar'), osRelease('chainguard'));
    images.chainguardAsWolfi = await apkImage(
      join(work, 'chainguard-wolfi.tar'),
      wolfi,
      'https://apk.cgr.dev/chainguard\n',
    );
    images.minimos = await apkImage(join(work, 'minimos.tar'), osRelease('minimos'));
    images.minimosOtherVersion = await apkImage(
      join(work, 'minimos-v2.tar'),
      withVersionId(osRelease('minimos'), '19700101'),
    );
    images.alpine = await apkImage(join(work, 'alpine.tar'), osRelease('alpine-3.18'));
    images.echo = await echoImage(join(work, 'echo.tar'), osRelease('echo'));
    images.echoOtherVersion = await echoImage(
      join(work, 'echo-v7.tar'),
      withVersionId(osRelease('echo'), '7'),
    );
  });
  after(() => rm(work, { recursive: true, force: true }));

  const WOLFI_EXPECTED = [
    'libsynth2 CVE-2099-0101 affected fix=2.0.0-r2 ns=wolfi lookup=synthcore src=wolfi-secdb',
    'synthcore CVE-2099-0101 affected fix=2.0.0-r2 ns=wolfi lookup=synthcore src=wolfi-secdb',
    'libsynth2 CVE-2099-0104 not_affected fix=- ns=wolfi lookup=synthcore src=wolfi-secdb SUPPRESSED:vendor-status',
    'synthcore CVE-2099-0104 not_affected fix=- ns=wolfi lookup=synthcore src=wolfi-secdb SUPPRESSED:vendor-status',
    'libsynth2 CVE-2099-0105 affected fix=2.0.0-r3 ns=wolfi lookup=synthcore src=wolfi-secdb',
    'synthcore CVE-2099-0105 affected fix=2.0.0-r3 ns=wolfi lookup=synthcore src=wolfi-secdb',
    'libsynth2 CVE-2099-0106 affected fix=2.0.0-r3 ns=wolfi lookup=synthcore src=wolfi-secdb',
    'synthcore CVE-2099-0106 affected fix=2.0.0-r3 ns=wolfi lookup=synthcore src=wolfi-secdb',
  ].sort();

  test('Wolfi: fixed-above found, fixed at/below not, "0" suppressed; origin lookup; no Alpine/Chainguard data', async () => {
    const result = await scanJson(images.wolfi!, dbDir, ['--show-suppressed']);
    assert.equal(result.distro?.id, 'wolfi');
    assert.equal(result.provider.name, 'wolfi');
    assert.deepEqual(findingLines(result), WOLFI_EXPECTED);
    assert.equal(result.summary.raw, 8);
    assert.equal(result.summary.actionable, 6);
    assert.equal(result.summary.suppressed, 2);
    assert.equal(result.summary.fixable, 6);
    const notAffected = result.findings.find((f) => f.id === 'CVE-2099-0104')!;
    assert.equal(notAffected.suppressed?.kind, 'vendor-status');
    assert.match(notAffected.suppressed?.detail ?? '', /wolfi-secdb/);
    for (const f of result.findings) {
      assert.equal(f.match.nameKind, 'origin');
      assert.equal(f.match.scheme, 'apk');
      assert.match(f.match.namespaceReason, /VERSION_ID ignored/);
    }
  });

  test('Wolfi is a rolling release: another VERSION_ID, or none, changes nothing', async () => {
    for (const image of [images.wolfiOtherVersion!, images.wolfiNoVersion!]) {
      const result = await scanJson(image, dbDir, ['--show-suppressed']);
      assert.equal(result.distro?.id, 'wolfi');
      assert.deepEqual(findingLines(result), WOLFI_EXPECTED, image);
    }
  });

  test('the same packages in an Alpine 3.18 image do match the Alpine secdb (the data is live)', async () => {
    const result = await scanJson(images.alpine!, dbDir, ['--show-suppressed']);
    assert.deepEqual(findingLines(result), [
      'libsynth2 CVE-2099-0190 affected fix=2.0.0-r7 ns=alpine:3.18 lookup=synthcore src=alpine-secdb',
      'synthcore CVE-2099-0190 affected fix=2.0.0-r7 ns=alpine:3.18 lookup=synthcore src=alpine-secdb',
    ]);
  });

  const CHAINGUARD_EXPECTED = [
    'libsynth2 CVE-2099-0101 affected fix=2.0.0-r2 ns=wolfi lookup=synthcore src=wolfi-secdb',
    'synthcore CVE-2099-0101 affected fix=2.0.0-r2 ns=wolfi lookup=synthcore src=wolfi-secdb',
    'libsynth2 CVE-2099-0104 not_affected fix=- ns=wolfi lookup=synthcore src=wolfi-secdb SUPPRESSED:vendor-status',
    'synthcore CVE-2099-0104 not_affected fix=- ns=wolfi lookup=synthcore src=wolfi-secdb SUPPRESSED:vendor-status',
    // Chainguard's "0" decides over Wolfi's fixed-above record; its fixed-below record (0106) hides Wolfi's.
    'libsynth2 CVE-2099-0105 not_affected fix=- ns=chainguard lookup=synthcore src=chainguard-secdb SUPPRESSED:vendor-status',
    'synthcore CVE-2099-0105 not_affected fix=- ns=chainguard lookup=synthcore src=chainguard-secdb SUPPRESSED:vendor-status',
    'libsynth2 CVE-2099-0150 affected fix=2.0.0-r9 ns=chainguard lookup=synthcore src=chainguard-secdb',
    'synthcore CVE-2099-0150 affected fix=2.0.0-r9 ns=chainguard lookup=synthcore src=chainguard-secdb',
  ].sort();

  test('Chainguard (ID=chainguard): chainguard namespace first, then wolfi', async () => {
    const result = await scanJson(images.chainguard!, dbDir, ['--show-suppressed']);
    assert.equal(result.provider.name, 'chainguard');
    assert.deepEqual(findingLines(result), CHAINGUARD_EXPECTED);
    assert.equal(result.summary.actionable, 4);
    assert.equal(result.summary.suppressed, 4);
  });

  test('Chainguard reporting ID=wolfi with an apk.cgr.dev repository: same precedence, same findings', async () => {
    const result = await scanJson(images.chainguardAsWolfi!, dbDir, ['--show-suppressed']);
    assert.equal(result.distro?.id, 'wolfi');
    assert.equal(result.provider.name, 'chainguard');
    assert.ok(
      result.provider.evidence.some((e) => /apk\.cgr\.dev\/chainguard/.test(e.detail)),
      JSON.stringify(result.provider.evidence),
    );
    assert.deepEqual(findingLines(result), CHAINGUARD_EXPECTED);
  });

  test('MinimOS: its own namespace only, rolling', async () => {
    const expected = [
      'libsynth2 CVE-2099-0201 affected fix=2.0.0-r4 ns=minimos lookup=synthcore src=minimos-secdb',
      'synthcore CVE-2099-0201 affected fix=2.0.0-r4 ns=minimos lookup=synthcore src=minimos-secdb',
      'libsynth2 CVE-2099-0203 not_affected fix=- ns=minimos lookup=synthcore src=minimos-secdb SUPPRESSED:vendor-status',
      'synthcore CVE-2099-0203 not_affected fix=- ns=minimos lookup=synthcore src=minimos-secdb SUPPRESSED:vendor-status',
    ].sort();
    for (const image of [images.minimos!, images.minimosOtherVersion!]) {
      const result = await scanJson(image, dbDir, ['--show-suppressed']);
      assert.equal(result.provider.name, 'minimus');
      assert.deepEqual(findingLines(result), expected, image);
    }
  });

  test('Echo: lookup by dpkg Source, fixed-above found, unfixed ({}) found without a fix, rolling', async () => {
    const expected = [
      'libsynthecho1 CVE-2099-0301 affected fix=1.4.0-3 ns=echo lookup=synthecho src=echo',
      'synthecho CVE-2099-0301 affected fix=1.4.0-3 ns=echo lookup=synthecho src=echo',
      'libsynthecho1 CVE-2099-0304 affected fix=- ns=echo lookup=synthecho src=echo',
      'synthecho CVE-2099-0304 affected fix=- ns=echo lookup=synthecho src=echo',
    ].sort();
    for (const image of [images.echo!, images.echoOtherVersion!]) {
      const result = await scanJson(image, dbDir, ['--show-suppressed']);
      assert.equal(result.provider.name, 'echo');
      assert.deepEqual(findingLines(result), expected, image);
      for (const f of result.findings) {
        assert.equal(f.match.nameKind, 'source');
        assert.equal(f.match.scheme, 'dpkg');
      }
      assert.equal(result.summary.fixable, 2);
    }
  });

  test('Photon 5.0 (real rpmdb sample): binary names then source names, every Photon status, other branches ignored', async () => {
    const result = await scanJson(join(repoRoot, 'samples', 'photon-5-demo.oci.tar'), dbDir, [
      '--show-suppressed',
    ]);
    assert.equal(result.provider.name, 'photon');
    assert.deepEqual(
      findingLines(result),
      [
        'curl CVE-2099-0401 affected fix=8.7.1-2.ph5 ns=photon:5.0 lookup=curl src=photon',
        'curl-libs CVE-2099-0401 affected fix=8.7.1-2.ph5 ns=photon:5.0 lookup=curl-libs src=photon',
        'glibc CVE-2099-0404 not_affected fix=- ns=photon:5.0 lookup=glibc src=photon SUPPRESSED:vendor-status',
        'glibc CVE-2099-0405 affected fix=- ns=photon:5.0 lookup=glibc src=photon',
        'openssl CVE-2099-0406 will_not_fix fix=- ns=photon:5.0 lookup=openssl src=photon',
        'curl CVE-2099-0407 under_investigation fix=- ns=photon:5.0 lookup=curl src=photon',
        'openssl CVE-2099-0408 affected fix=3.0.13-4.ph5 ns=photon:5.0 lookup=openssl src=photon',
        // Records filed only under the source package reach its subpackages (the libraries are what is
        // vulnerable); a record of the subpackage's own (CVE-2099-0402, CVE-2099-0401) decides first.
        'curl-libs CVE-2099-0407 under_investigation fix=- ns=photon:5.0 lookup=curl src=photon',
        'openssl-libs CVE-2099-0406 will_not_fix fix=- ns=photon:5.0 lookup=openssl src=photon',
        'openssl-libs CVE-2099-0408 affected fix=3.0.13-4.ph5 ns=photon:5.0 lookup=openssl src=photon',
      ].sort(),
    );
    for (const f of result.findings) {
      assert.equal(f.match.nameKind, f.match.lookupName === f.package.name ? 'binary' : 'source');
      assert.equal(f.match.scheme, 'rpm');
    }
  });

  test('suppressed findings: hidden from the table unless --show-suppressed, always counted', async () => {
    const plain = await runCli(['scan', images.wolfi!, '--db-dir', dbDir, '--no-cache']);
    assert.equal(plain.code, 0, plain.stderr);
    assert.doesNotMatch(plain.stdout, /CVE-2099-0104/);
    assert.match(
      plain.stdout,
      /8 raw → 6 actionable: .*; 6 fixable; 0 inherited from base image; 2 suppressed\n$/,
    );
    const shown = await runCli(['scan', images.wolfi!, '--db-dir', dbDir, '--no-cache', '--show-suppressed']);
    assert.equal(shown.code, 0, shown.stderr);
    assert.match(shown.stdout, /SUPPRESSED \(2\)/);
    assert.match(
      shown.stdout,
      /CVE-2099-0104 +libsynth2 +2\.0\.0-r1 +- +\S+ +suppressed: vendor not_affected +wolfi-secdb/,
    );
    // JSON without --show-suppressed: the summary still counts them.
    const json = await scanJson(images.wolfi!, dbDir);
    assert.equal(json.summary.suppressed, 2);
    assert.equal(json.summary.raw, 8);
  });

  test('explain names the namespace (and why), the origin lookup and the range', async () => {
    const res = await runCli([
      'explain',
      images.chainguard!,
      'CVE-2099-0150',
      '--db-dir',
      dbDir,
      '--no-cache',
    ]);
    assert.equal(res.code, 0, res.stderr);
    assert.match(res.stdout, /namespace +chainguard — ID=chainguard; rolling release, VERSION_ID ignored/);
    assert.match(res.stdout, /looked up +origin name "synthcore"/);
    assert.match(res.stdout, /affected +< 2\.0\.0-r9 \(apk version order\)/);
    assert.match(res.stdout, /advisory +CVE-2099-0150 from chainguard-secdb/);
    assert.match(res.stdout, /CVE-2099-0150 in libsynth2 2\.0\.0-r1/);
    assert.match(res.stdout, /CVE-2099-0150 in synthcore 2\.0\.0-r1/);

    const suppressed = await runCli([
      'explain',
      images.chainguard!,
      'CVE-2099-0105',
      '--db-dir',
      dbDir,
      '--no-cache',
    ]);
    assert.equal(suppressed.code, 0, suppressed.stderr);
    assert.match(suppressed.stdout, /namespace +chainguard —/);
    assert.match(suppressed.stdout, /verdict +SUPPRESSED — /);

    const fallback = await runCli([
      'explain',
      images.chainguard!,
      'CVE-2099-0101',
      '--db-dir',
      dbDir,
      '--no-cache',
    ]);
    assert.equal(fallback.code, 0, fallback.stderr);
    assert.match(fallback.stdout, /namespace +wolfi — Wolfi packages in a Chainguard image/);
    assert.match(fallback.stdout, /affected +< 2\.0\.0-r2 \(apk version order\)/);

    const photon = await runCli([
      'explain',
      join(repoRoot, 'samples', 'photon-5-demo.oci.tar'),
      'CVE-2099-0408',
      '--db-dir',
      dbDir,
      '--no-cache',
    ]);
    assert.equal(photon.code, 0, photon.stderr);
    assert.match(photon.stdout, /namespace +photon:5\.0 — Photon 5\.0 \(VERSION_ID\)/);
    assert.match(photon.stdout, /looked up +binary name "openssl"/);
    assert.match(photon.stdout, /affected +< 3\.0\.13-4\.ph5 \(rpm version order\)/);
  });

  test('db status lists every imported source with its counts', async () => {
    const res = await runCli(['db', 'status', '--db-dir', dbDir, '--format', 'json']);
    assert.equal(res.code, 0, res.stderr);
    const status = JSON.parse(res.stdout) as {
      sources: { name: string; counts: { advisories: number; affected: number }; skipped: number }[];
    };
    const byName = new Map(status.sources.map((s) => [s.name, s]));
    assert.deepEqual([...byName.keys()].sort(), [
      'alpine-secdb',
      'chainguard-secdb',
      'echo',
      'minimos-secdb',
      'photon',
      'wolfi-secdb',
    ]);
    // Advisories are one per id per source; affected rows one per (id, package, status).
    assert.deepEqual(
      Object.fromEntries(
        [...byName].map(([n, s]) => [n, [s.counts.advisories, s.counts.affected, s.skipped]]),
      ),
      {
        'wolfi-secdb': [7, 7, 0],
        'chainguard-secdb': [3, 3, 0],
        'minimos-secdb': [3, 3, 0],
        'alpine-secdb': [1, 1, 0],
        echo: [5, 5, 0],
        photon: [9, 10, 0],
      },
    );
    const table = await runCli(['db', 'status', '--db-dir', dbDir]);
    assert.equal(table.code, 0, table.stderr);
    for (const name of byName.keys())
      assert.match(table.stdout, new RegExp(`^ +${name} +\\d+ advisories`, 'm'));
  });
});
