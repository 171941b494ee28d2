/**
 * Inputs for bench:agreement: test images as docker-archives (the one format the Trivy build used here
 * reads) and the feed files that both keelson and Trivy (through trivydb-build) get.
 *
 * Every Wolfi, Chainguard and Photon feed written here is SYNTHETIC: invented package names, versions and
 * CVE ids (CVE-2099-…) in the vendors' schemas, never vendor advisory data. The Debian tracker feed is
 * synthetic too, but keyed on the real source packages of the Debian 12 test image, with a deterministic
 * mix of fixed / not-affected / open / ignored / postponed / end-of-life / undetermined entries.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { type LayerSpec, writeDockerArchive } from '../test/helpers/image-builder.js';
import { fixture, repoRoot } from '../test/helpers/paths.js';

/** One image and the feeds both tools get: `keelson db import PATH [--source S]`, `trivydb-build FLAG PATH`. */
export interface AgreementCase {
  name: string;
  archive: string;
  feeds: { path: string; keelsonSource?: string; trivyFlag: string }[];
}

const SYNTHETIC_NOTE =
  'SYNTHETIC data written by keelson bench/agreement-inputs.ts in the vendor schema: invented package names, versions and CVE ids; no vendor advisory data.';

const osRelease = (name: string) => readFileSync(fixture('os-release', name, 'os-release'));

function apkInstalled(packages: [name: string, version: string, origin: string][]): string {
  return packages
    .map(([name, version, origin]) =>
      [`P:${name}`, `V:${version}`, 'A:x86_64', `o:${origin}`, 'L:MIT', `T:${name}`, ''].join('\n'),
    )
    .join('\n');
}

function secdb(urlprefix: string, reponame: string, packages: Record<string, Record<string, string[]>>) {
  return {
    _synthetic: SYNTHETIC_NOTE,
    apkurl: '{{urlprefix}}/{{reponame}}/{{arch}}/{{pkg.name}}-{{pkg.ver}}.apk',
    archs: ['x86_64'],
    reponame,
    urlprefix,
    packages: Object.entries(packages).map(([name, secfixes]) => ({ pkg: { name, secfixes } })),
  };
}

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

// Wolfi packages exercise apk version order: _rc < release < _p, letter suffixes, multi-digit parts.
const WOLFI_PACKAGES: [string, string, string][] = [
  ['synthlib', '1.2.3-r0', 'synthlib'],
  ['synthlib-dev', '1.2.3-r0', 'synthlib'],
  ['synthtool', '2.0.0_rc1-r0', 'synthtool'],
  ['synthssl', '3.1.4-r2', 'synthssl'],
  ['synthssl-libs', '3.1.4-r2', 'synthssl'],
  ['synthpy', '3.11.9_p1-r1', 'synthpy'],
  ['synthcurl', '8.9.1a-r0', 'synthcurl'],
  ['synthzlib', '1.3.1-r10', 'synthzlib'],
  ['wolfi-baselayout', '20230201-r3', 'wolfi-baselayout'],
];

const WOLFI_SECDB = {
  synthlib: {
    '0': ['CVE-2099-1000'],
    '1.2.3-r1': ['CVE-2099-1001 GHSA-aaaa-bbbb-cccc'],
    '1.2.2-r0': ['CVE-2099-1002'],
    '1.2.4-r0': ['GHSA-wxyz-wxyz-wxyz'],
  },
  synthtool: { '2.0.0-r0': ['CVE-2099-1010'], '2.0.0_rc1-r0': ['CVE-2099-1011'] },
  synthssl: { '3.1.4-r3': ['CVE-2099-1020'], '3.1.4-r2': ['CVE-2099-1021'], '3.1.10-r0': ['CVE-2099-1022'] },
  synthpy: { '3.11.9_p2-r0': ['CVE-2099-1030'], '3.11.9-r5': ['CVE-2099-1031'] },
  synthcurl: { '8.9.1b-r0': ['CVE-2099-1040'], '8.9.1-r1': ['CVE-2099-1041'] },
  synthzlib: { '1.3.1-r9': ['CVE-2099-1050'], '1.3.1-r11': ['CVE-2099-1051'] },
};

const CHAINGUARD_PACKAGES: [string, string, string][] = [
  ['cgapp', '1.4.7-r1', 'cgapp'],
  ['cgapp-config', '1.4.7-r1', 'cgapp'],
  ['cgtool', '0.9.0-r0', 'cgtool'],
  // A Wolfi package inside a Chainguard image: only the Wolfi feed knows it.
  ['synthlib', '1.2.3-r0', 'synthlib'],
  ['chainguard-baselayout', '20230214-r1', 'chainguard-baselayout'],
];

const CHAINGUARD_SECDB = {
  cgapp: {
    '1.4.7-r2': ['CVE-2099-2001', 'CVE-2099-2002 GHSA-cccc-dddd-eeee'],
    '1.4.6-r0': ['CVE-2099-2004'],
    '0': ['CVE-2099-2003'],
  },
  cgtool: { '0.9.1-r0': ['GHSA-ffff-gggg-hhhh'], '0.10.0-r0': ['CVE-2099-2010'] },
};

/** Photon 5 records for the packages of samples/photon-5-demo (curl, glibc, openssl, photon-release). */
const PHOTON_DATA = [
  {
    cve_id: 'CVE-2099-5001',
    pkg: 'curl',
    cve_score: 7.5,
    aff_ver: 'all versions before 8.7.1-2.ph5 are vulnerable',
    res_ver: '8.7.1-2.ph5',
    status: 'Fixed',
  },
  {
    cve_id: 'CVE-2099-5002',
    pkg: 'glibc',
    cve_score: 5.3,
    aff_ver: 'all versions before 2.36-10.ph5 are vulnerable',
    res_ver: '2.36-10.ph5',
    status: 'Fixed',
  },
  {
    cve_id: 'CVE-2099-5003',
    pkg: 'glibc',
    cve_score: 9.8,
    aff_ver: 'all versions before 2.36-12.ph5 are vulnerable',
    res_ver: '2.36-12.ph5',
    status: 'Fixed',
  },
  { cve_id: 'CVE-2099-5004', pkg: 'openssl', cve_score: 6.5, aff_ver: 'all versions', res_ver: 'NA' },
  {
    cve_id: 'CVE-2099-5005',
    pkg: 'openssl',
    cve_score: 7.1,
    aff_ver: '',
    res_ver: 'NA',
    status: 'Not Affected',
  },
  // An old-style record without status; 3.0.13-3 < 3.0.13-10 (numeric release order).
  {
    cve_id: 'CVE-2099-5008',
    pkg: 'openssl',
    cve_score: 8.1,
    aff_ver: 'all versions before 3.0.13-10.ph5 are vulnerable',
    res_ver: '3.0.13-10.ph5',
  },
  {
    cve_id: 'CVE-2099-5009',
    pkg: 'photon-release',
    cve_score: 3.1,
    aff_ver: 'all versions',
    res_ver: 'NA',
    status: "Won't Fix",
  },
];

function syntheticLayer(osReleaseName: string, packages: [string, string, string][]): LayerSpec {
  return {
    entries: [
      { path: 'etc/', type: 'dir' },
      { path: 'etc/os-release', content: osRelease(osReleaseName) },
      { path: 'lib/', type: 'dir' },
      { path: 'lib/apk/', type: 'dir' },
      { path: 'lib/apk/db/', type: 'dir' },
      { path: 'lib/apk/db/installed', content: apkInstalled(packages) },
    ],
    compression: 'gzip',
    createdBy: 'apko (synthetic)',
  };
}

/** The OCI archive's layers as a docker-archive (Trivy 0.44 reads docker-archives only). */
async function ociToDockerArchive(ociArchive: string, out: string): Promise<void> {
  const tmp = await mkdtemp(join(tmpdir(), 'keelson-agreement-'));
  try {
    execFileSync('tar', ['-xf', ociArchive, '-C', tmp]);
    const blob = (digest: string) => join(tmp, 'blobs', 'sha256', digest.replace(/^sha256:/, ''));
    const index = JSON.parse(readFileSync(join(tmp, 'index.json'), 'utf8'));
    const manifest = JSON.parse(readFileSync(blob(index.manifests[0].digest), 'utf8'));
    const layers: LayerSpec[] = [];
    for (const [i, layer] of (manifest.layers as { digest: string; mediaType: string }[]).entries()) {
      const tarFile = join(tmp, `layer${i}.tar`);
      const bytes = readFileSync(blob(layer.digest));
      await writeFile(tarFile, layer.mediaType.endsWith('gzip') ? gunzipSync(bytes) : bytes);
      layers.push({ tarFile, compression: 'gzip', createdBy: `layer ${i} of ${ociArchive}` });
    }
    await writeDockerArchive({ layers, repoTag: 'keelson-bench/photon-5-demo:latest' }, out);
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

/** Deterministic PRNG (mulberry32) so the synthetic tracker is the same on every run. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A later Debian source version, as a stable security update would be numbered. */
function versionAbove(v: string): string {
  const m = /\+deb12u(\d+)$/.exec(v);
  return m ? v.replace(/\+deb12u\d+$/, `+deb12u${Number(m[1]) + 1}`) : `${v}+deb12u1`;
}

/** An earlier version: the upstream part with a `~rc1` pre-release suffix (epoch kept). */
function versionBelow(v: string): string {
  const m = /^(?:(\d+):)?(.*?)(?:-([^-]+))?$/.exec(v)!;
  const epoch = m[1] ? `${m[1]}:` : '';
  return m[3] ? `${epoch}${m[2]}~rc1-1` : `${epoch}${m[2]}~rc1`;
}

type TrackerRelease = Record<string, string>;

const KINDS = [
  'fixed-below',
  'fixed-equal',
  'not-affected',
  'open',
  'ignored',
  'postponed',
  'end-of-life',
  'undetermined',
  'fixed-tilde-below',
] as const;

/** The bookworm release entry of one synthetic issue of the given kind, for installed source `version`. */
function bookwormRelease(
  kind: (typeof KINDS)[number] | 'fixed-above',
  version: string,
  urgency: string,
): TrackerRelease {
  switch (kind) {
    case 'fixed-above':
      return { status: 'resolved', fixed_version: versionAbove(version), urgency };
    case 'fixed-below':
      return { status: 'resolved', fixed_version: versionBelow(version), urgency };
    case 'fixed-tilde-below':
      return { status: 'resolved', fixed_version: `${version}~deb12u1`, urgency };
    case 'fixed-equal':
      return { status: 'resolved', fixed_version: version, urgency };
    case 'not-affected':
      return { status: 'resolved', fixed_version: '0', urgency: 'unimportant' };
    case 'open':
      return { status: 'open', urgency };
    case 'ignored':
      return { status: 'open', urgency: 'low', nodsa: 'Minor issue', nodsa_reason: 'ignored' };
    case 'postponed':
      return { status: 'open', urgency: 'low', nodsa: 'Minor issue', nodsa_reason: 'postponed' };
    case 'end-of-life':
      return { status: 'open', urgency: 'end-of-life' };
    case 'undetermined':
      return { status: 'undetermined', urgency: 'not yet assigned' };
  }
}

/**
 * Synthetic Debian tracker JSON for the image's source packages. Every source gets one fixed-in-a-later-
 * version entry plus two entries of rotating kinds; each entry also carries bullseye and sid releases,
 * as the real tracker does.
 */
export function syntheticTracker(sources: Map<string, string>): Record<string, Record<string, unknown>> {
  const random = prng(12);
  const urgencies = ['unimportant', 'low', 'medium', 'high', 'not yet assigned'];
  const doc: Record<string, Record<string, unknown>> = {};
  let n = 0;
  let rotation = 0;
  for (const [source, version] of [...sources.entries()].sort()) {
    const entries: Record<string, unknown> = {};
    const picks: ((typeof KINDS)[number] | 'fixed-above')[] = [
      'fixed-above',
      KINDS[rotation++ % KINDS.length]!,
      KINDS[rotation++ % KINDS.length]!,
    ];
    for (const kind of picks) {
      const id = `CVE-2099-${String(10000 + n++)}`;
      const urgency = urgencies[Math.floor(random() * urgencies.length)]!;
      const bookworm = bookwormRelease(kind, version, urgency);
      const plain = version
        .replace(/^\d+:/, '')
        .replace(/-[^-]*$/, '')
        .replace(/[+~]deb\d+u\d+$/, '');
      const older = versionBelow(plain);
      entries[id] = {
        description: `synthetic ${kind} issue in ${source}`,
        scope: 'local',
        releases: {
          bookworm: { ...bookworm, repositories: { bookworm: version } },
          // Other releases carry their own versions (no +deb12uN suffix), as in the real tracker.
          bullseye: { status: 'open', urgency: 'low', repositories: { bullseye: `${older}+deb11u1` } },
          sid: { status: 'resolved', fixed_version: `${plain}-99`, urgency: 'low', repositories: {} },
        },
      };
    }
    doc[source] = entries;
  }
  return doc;
}

/** Builds every case under `dir` (idempotent for the images) and returns them. */
export async function prepareAgreementInputs(dir: string, keelson: string[]): Promise<AgreementCase[]> {
  await mkdir(dir, { recursive: true });
  const cases: AgreementCase[] = [];

  cases.push({
    name: 'alpine-3.10',
    archive: fixture('images', 'alpine-310.tar.gz'),
    feeds: [
      {
        path: fixture('feeds', 'alpine-3.10', 'v3.10', 'main.json'),
        keelsonSource: 'alpine-secdb',
        trivyFlag: '-alpine',
      },
    ],
  });

  const wolfiFeed = join(dir, 'wolfi-security.json');
  await writeFile(wolfiFeed, json(secdb('https://packages.wolfi.dev', 'os', WOLFI_SECDB)));
  const wolfi = join(dir, 'wolfi.docker.tar');
  if (!existsSync(wolfi))
    await writeDockerArchive({ layers: [syntheticLayer('wolfi', WOLFI_PACKAGES)] }, wolfi);
  cases.push({
    name: 'wolfi',
    archive: wolfi,
    feeds: [{ path: wolfiFeed, keelsonSource: 'wolfi-secdb', trivyFlag: '-wolfi' }],
  });

  const chainguardFeed = join(dir, 'chainguard-security.json');
  await writeFile(chainguardFeed, json(secdb('https://packages.cgr.dev', 'chainguard', CHAINGUARD_SECDB)));
  const chainguard = join(dir, 'chainguard.docker.tar');
  if (!existsSync(chainguard))
    await writeDockerArchive({ layers: [syntheticLayer('chainguard', CHAINGUARD_PACKAGES)] }, chainguard);
  cases.push({
    name: 'chainguard',
    archive: chainguard,
    feeds: [
      { path: chainguardFeed, keelsonSource: 'chainguard-secdb', trivyFlag: '-chainguard' },
      { path: wolfiFeed, keelsonSource: 'wolfi-secdb', trivyFlag: '-wolfi' },
    ],
  });

  const photonFeed = join(dir, 'cve_data_photon5.0.json');
  await writeFile(photonFeed, json(PHOTON_DATA));
  const photon = join(dir, 'photon-5.docker.tar');
  if (!existsSync(photon))
    await ociToDockerArchive(join(repoRoot, 'samples', 'photon-5-demo.oci.tar'), photon);
  cases.push({
    name: 'photon-5',
    archive: photon,
    feeds: [{ path: photonFeed, keelsonSource: 'photon', trivyFlag: '-photon' }],
  });

  // Debian 12: the tracker is keyed on the image's real source packages, read with keelson's own inventory.
  const debian = join(repoRoot, '.bench', 'inputs', 'debian12.docker.tar');
  const sbom = JSON.parse(
    execFileSync(keelson[0]!, [...keelson.slice(1), 'sbom', debian, '--format', 'json', '--no-cache'], {
      encoding: 'utf8',
      maxBuffer: 1 << 28,
    }),
  ) as {
    packages: { type: string; name: string; version: string; source?: { name: string; version?: string } }[];
  };
  const sources = new Map<string, string>();
  for (const p of sbom.packages)
    if (p.type === 'deb') sources.set(p.source?.name ?? p.name, p.source?.version ?? p.version);
  const tracker = join(dir, 'debian-tracker.json');
  await writeFile(tracker, JSON.stringify(syntheticTracker(sources)));
  cases.push({
    name: 'debian-12',
    archive: debian,
    feeds: [{ path: tracker, keelsonSource: 'debian-tracker', trivyFlag: '-debian' }],
  });
  return cases;
}
