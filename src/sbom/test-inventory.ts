/**
 * Test-only: hand-built inventories for the SBOM tests. One per distro (Alpine, Wolfi, Debian, Photon,
 * DHI upcoming on Alpine and Debian), each with that distro's OS packages plus the same language
 * packages (scoped npm, an oddly named PyPI project, a Go binary's main module, dependency and stdlib,
 * maven, gem), over three layers of which the bottom one is the base image.
 */
import type { Distro, Inventory, LayerAttribution, LayerRef, PackageRecord } from '../core/types.js';
import { packageUrl } from './purl.js';

export type TestDistroName = 'alpine' | 'wolfi' | 'debian' | 'photon' | 'dhi-alpine' | 'dhi-debian';

export const TEST_DISTROS: Readonly<Record<TestDistroName, Distro>> = {
  alpine: {
    id: 'alpine',
    version: '3.10.2',
    prettyName: 'Alpine Linux v3.10',
    source: 'etc/os-release',
    fields: { ID: 'alpine', VERSION_ID: '3.10.2' },
  },
  wolfi: {
    id: 'wolfi',
    prettyName: 'Wolfi',
    rolling: true,
    source: 'etc/os-release',
    fields: { ID: 'wolfi', VERSION_ID: '20230201' },
  },
  debian: {
    id: 'debian',
    version: '12',
    versionCodename: 'bookworm',
    prettyName: 'Debian GNU/Linux 12 (bookworm)',
    source: 'etc/os-release',
    fields: { ID: 'debian', VERSION_ID: '12', VERSION_CODENAME: 'bookworm' },
  },
  photon: {
    id: 'photon',
    version: '3.0',
    prettyName: 'VMware Photon OS/Linux',
    source: 'usr/lib/os-release',
    fields: { ID: 'photon', VERSION_ID: '3.0' },
  },
  'dhi-alpine': {
    id: 'dhi',
    version: '3.24',
    idLike: ['alpine'],
    prettyName: 'Docker Hardened Images (Alpine)',
    source: 'etc/os-release',
    fields: { ID: 'dhi', ID_LIKE: 'alpine', VERSION_ID: '3.24' },
  },
  'dhi-debian': {
    id: 'dhi',
    version: '13',
    idLike: ['debian'],
    prettyName: 'Docker Hardened Images (Debian)',
    source: 'etc/os-release',
    fields: { ID: 'dhi', ID_LIKE: 'debian', VERSION_ID: '13' },
  },
};

const APK_DB = 'lib/apk/db/installed';
const DPKG_DB = 'var/lib/dpkg/status';

const OS_PACKAGES: Readonly<Record<TestDistroName, PackageRecord[]>> = {
  alpine: [
    {
      name: 'musl',
      version: '1.1.22-r3',
      type: 'apk',
      arch: 'x86_64',
      source: { name: 'musl' },
      licenses: ['MIT'],
      supplier: 'Timo Teräs <timo.teras@iki.fi>',
      location: APK_DB,
      foundBy: 'apk',
      files: ['lib/ld-musl-x86_64.so.1', 'lib/libc.musl-x86_64.so.1'],
    },
    {
      name: 'libcrypto1.1',
      version: '1.1.1d-r0',
      type: 'apk',
      arch: 'x86_64',
      source: { name: 'openssl' },
      licenses: ['OpenSSL'],
      location: APK_DB,
      foundBy: 'apk',
    },
    {
      name: 'busybox',
      version: '1.30.1-r2',
      type: 'apk',
      arch: 'x86_64',
      source: { name: 'busybox' },
      licenses: ['GPL-2.0-only'],
      location: APK_DB,
      foundBy: 'apk',
    },
  ],
  wolfi: [
    {
      name: 'busybox',
      version: '1.36.1-r2',
      type: 'apk',
      arch: 'x86_64',
      source: { name: 'busybox' },
      licenses: ['GPL-2.0-only'],
      location: APK_DB,
      foundBy: 'apk',
    },
    {
      name: 'libcrypto3',
      version: '3.1.4-r0',
      type: 'apk',
      arch: 'x86_64',
      source: { name: 'openssl' },
      licenses: ['Apache-2.0'],
      location: APK_DB,
      foundBy: 'apk',
    },
  ],
  debian: [
    {
      name: 'bash',
      version: '5.2.15-2+b2',
      type: 'deb',
      arch: 'amd64',
      source: { name: 'bash', version: '5.2.15-2' },
      licenses: ['GPL-3.0-or-later'],
      supplier: 'Matthias Klose <doko@debian.org>',
      location: DPKG_DB,
      foundBy: 'dpkg',
    },
    {
      name: 'libgcc-s1',
      version: '1:12.2.0-14',
      type: 'deb',
      arch: 'amd64',
      source: { name: 'gcc-12', version: '12.2.0-14' },
      licenses: ['GPL-3.0-or-later WITH GCC-exception-3.1'],
      supplier: 'Debian GCC Maintainers <debian-gcc@lists.debian.org>',
      location: DPKG_DB,
      foundBy: 'dpkg',
    },
    {
      name: 'libc6',
      version: '2.36-9+deb12u4',
      type: 'deb',
      arch: 'amd64',
      source: { name: 'glibc' },
      licenses: ['LGPL-2.1-or-later', 'GPL-2.0-or-later'],
      location: DPKG_DB,
      foundBy: 'dpkg',
    },
  ],
  photon: [
    {
      name: 'curl',
      version: '7.61.1-4.ph3',
      type: 'rpm',
      arch: 'x86_64',
      source: { name: 'curl', version: '7.61.1-4.ph3' },
      licenses: ['MIT'],
      supplier: 'VMware, Inc.',
      location: 'var/lib/rpm/Packages',
      foundBy: 'rpm',
    },
    {
      name: 'libgcc',
      version: '1:7.3.0-3.ph3',
      type: 'rpm',
      arch: 'x86_64',
      epoch: 1,
      source: { name: 'gcc', version: '7.3.0-3.ph3' },
      licenses: ['GPLv2+'],
      supplier: 'VMware, Inc.',
      location: 'var/lib/rpm/Packages',
      foundBy: 'rpm',
    },
  ],
  'dhi-alpine': [
    {
      name: 'coreutils',
      version: '9.11-r0',
      type: 'apk',
      arch: 'aarch64',
      source: { name: 'coreutils' },
      licenses: ['GPL-3.0-or-later'],
      location: APK_DB,
      foundBy: 'apk',
    },
  ],
  'dhi-debian': [
    {
      name: 'coreutils',
      version: '9.7-3+dhi3',
      type: 'deb',
      arch: 'arm64',
      source: { name: 'coreutils' },
      licenses: ['GPL-3.0-or-later'],
      location: DPKG_DB,
      foundBy: 'dpkg',
    },
  ],
};

const GO_BINARY = 'usr/local/bin/tool';

const LANGUAGE_PACKAGES: readonly PackageRecord[] = [
  {
    name: '@babel/core',
    version: '7.24.0',
    type: 'npm',
    licenses: ['MIT'],
    location: 'app/node_modules/@babel/core/package.json',
    foundBy: 'npm',
  },
  {
    name: 'Zope.Interface__Extra',
    version: '6.0',
    type: 'pypi',
    licenses: ['ZPL-2.1'],
    location: 'usr/lib/python3.11/site-packages/Zope.Interface__Extra-6.0.dist-info/METADATA',
    foundBy: 'python',
  },
  {
    name: 'github.com/acme/tool',
    version: 'v1.2.3',
    type: 'golang',
    location: GO_BINARY,
    foundBy: 'gobinary',
    metadata: { main: 'true', GOOS: 'linux', GOARCH: 'amd64' },
  },
  {
    name: 'github.com/spf13/cobra',
    version: 'v1.8.0',
    type: 'golang',
    licenses: ['Apache-2.0'],
    location: GO_BINARY,
    foundBy: 'gobinary',
  },
  {
    name: 'stdlib',
    version: 'v1.22.5',
    type: 'golang',
    licenses: ['BSD-3-Clause'],
    location: GO_BINARY,
    foundBy: 'gobinary',
    metadata: { toolchain: 'go1.22.5' },
  },
  {
    name: 'org.apache.logging.log4j:log4j-core',
    version: '2.14.1',
    type: 'maven',
    licenses: ['Apache-2.0'],
    location: 'app/lib/log4j-core-2.14.1.jar',
    foundBy: 'java',
    metadata: { groupId: 'org.apache.logging.log4j', artifactId: 'log4j-core' },
  },
  {
    name: 'rake',
    version: '13.0.6',
    type: 'gem',
    licenses: ['MIT'],
    location: 'usr/lib/ruby/gems/3.2.0/specifications/rake-13.0.6.gemspec',
    foundBy: 'gems',
  },
];

export const TEST_LAYERS: readonly LayerRef[] = [
  {
    index: 0,
    digest: `sha256:${'a0'.repeat(32)}`,
    diffID: `sha256:${'b0'.repeat(32)}`,
    mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip',
    size: 2_800_000,
    createdBy: '/bin/sh -c #(nop) ADD file:1a2b in / ',
  },
  {
    index: 1,
    diffID: `sha256:${'b1'.repeat(32)}`,
    createdBy: 'COPY app /app # buildkit',
  },
  {
    index: 2,
    diffID: `sha256:${'b2'.repeat(32)}`,
    createdBy: 'RUN gem install rake',
  },
];

function attribution(index: number, base: boolean | undefined): LayerAttribution {
  const layer = TEST_LAYERS[index]!;
  return {
    index,
    diffID: layer.diffID,
    ...(layer.createdBy ? { createdBy: layer.createdBy } : {}),
    ...(base === undefined ? {} : { base }),
  };
}

/** An inventory with the given packages: purls computed as the inventory builder does, layer as given. */
export function inventoryWith(
  records: readonly (PackageRecord & { layer?: LayerAttribution })[],
  distro?: Distro,
): Inventory {
  return {
    schemaVersion: 1,
    image: {
      target: 'registry.example/team/app:1.0',
      sourceType: 'registry',
      reference: 'registry.example/team/app:1.0',
      manifestDigest: `sha256:${'c0'.repeat(32)}`,
      configDigest: `sha256:${'d0'.repeat(32)}`,
      platform: { os: 'linux', architecture: 'amd64' },
      annotations: { 'org.opencontainers.image.base.name': 'docker.io/library/alpine:3.10' },
    },
    config: {
      architecture: 'amd64',
      os: 'linux',
      created: '2024-05-01T10:00:00Z',
      labels: { maintainer: 'team@example.com' },
      user: '65532',
      entrypoint: ['/usr/local/bin/tool'],
      env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'],
      history: TEST_LAYERS.map((layer) => ({ createdBy: layer.createdBy, emptyLayer: false })),
      diffIDs: TEST_LAYERS.map((layer) => layer.diffID),
    },
    layers: [...TEST_LAYERS],
    ...(distro ? { distro } : {}),
    provider:
      distro?.id === 'dhi'
        ? {
            name: 'docker-hardened-images',
            model: 'upcoming',
            evidence: [{ source: 'etc/os-release', detail: 'ID=dhi' }],
          }
        : { name: 'traditional', evidence: [] },
    base: { layerCount: 1, method: 'oci-base-annotation', detail: 'org.opencontainers.image.base.name' },
    packages: records.map((record) => ({ ...record, purl: packageUrl(record, distro) })),
    embeddedSboms: [],
    warnings: [],
    complete: true,
    stats: { layersFromCache: 0, layersAnalyzed: 3, bytesRead: 3_145_728 },
  };
}

/**
 * The distro's OS packages in the base layer, then the language packages in the application layers;
 * the gem's layer has no known base/app side.
 */
export function testInventory(distroName: TestDistroName = 'alpine'): Inventory {
  const os = OS_PACKAGES[distroName].map((record) => ({ ...record, layer: attribution(0, true) }));
  const language = LANGUAGE_PACKAGES.map((record) => ({
    ...record,
    layer: record.type === 'gem' ? attribution(2, undefined) : attribution(1, false),
  }));
  return inventoryWith([...os, ...language], TEST_DISTROS[distroName]);
}

/**
 * Packages a hostile image can declare: punctuation, unicode, control characters and lone surrogates
 * in names, empty versions, garbage or huge licence strings, names that clean up to the same id, and
 * exact duplicates.
 */
export function hostileInventory(distroName: TestDistroName = 'debian'): Inventory {
  const layer: LayerAttribution = {
    index: 1,
    diffID: TEST_LAYERS[1]!.diffID,
    createdBy: 'RUN echo "a\nb" \u0000',
  };
  const records: PackageRecord[] = [
    {
      name: 'a b',
      version: '',
      type: 'deb',
      location: DPKG_DB,
      foundBy: 'dpkg',
      supplier: 'Evil\nCorp\t<x@y>',
    },
    { name: 'a_b', version: '1', type: 'deb', location: DPKG_DB, foundBy: 'dpkg', licenses: ['((((MIT'] },
    { name: 'a/b', version: '1', type: 'deb', location: DPKG_DB, foundBy: 'dpkg', licenses: ['', '   '] },
    {
      name: 'lib@foo/bar\u0000',
      version: '1:2:3',
      type: 'deb',
      arch: 'amd64\n',
      source: { name: 'src\nname', version: '@@' },
      licenses: ['MIT AND', 'LicenseRef-custom', 'mit', 'GPL (>= 2) and/or BSD'],
      location: DPKG_DB,
      foundBy: 'dpkg',
    },
    {
      name: 'ünïcødé-パッケージ',
      version: 'x:y-z',
      type: 'rpm',
      epoch: 0,
      licenses: ['Apache-2.0 OR mit', 'A'.repeat(200_000)],
      location: 'var/lib/rpm/rpmdb.sqlite',
      foundBy: 'rpm',
    },
    {
      name: '@/',
      version: '∞',
      type: 'npm',
      licenses: [`${'('.repeat(5000)}MIT${')'.repeat(5000)}`],
      location: 'usr/lib/ä ö/package.json',
      foundBy: 'npm',
    },
    {
      name: '...',
      version: '1.0\n',
      type: 'pypi',
      location: 'x/METADATA',
      foundBy: 'python',
      licenses: ['🦀'],
    },
    {
      name: '///',
      version: 'v1.2',
      type: 'golang',
      location: 'bin/x',
      foundBy: 'gobinary',
      metadata: { main: 'true' },
    },
    { name: ':', version: '', type: 'maven', location: 'a.jar', foundBy: 'java', metadata: { groupId: ' ' } },
    { name: 'x\ud800y', version: '\udfff', type: 'gem', location: 'g', foundBy: 'gems', supplier: '   ' },
    { name: 'dup', version: '1.0', type: 'gem', location: 'g/dup.gemspec', foundBy: 'gems' },
    { name: 'dup', version: '1.0', type: 'gem', location: 'g/dup.gemspec', foundBy: 'gems' },
    { name: 'dup', version: '1.0', type: 'gem', location: 'g/dup.gemspec', foundBy: 'gems' },
    { name: 'dup', version: '1.0', type: 'gem', location: 'other/dup.gemspec', foundBy: 'gems' },
  ];
  return inventoryWith(
    records.map((record) => ({ ...record, layer })),
    TEST_DISTROS[distroName],
  );
}
