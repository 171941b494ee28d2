import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { PackageURL } from 'packageurl-js';
import type { Distro, PackageRecord, PackageType } from '../core/types.js';
import { packageUrl } from './purl.js';
import { TEST_DISTROS } from './test-inventory.js';

function distro(id: string, fields: Partial<Distro> = {}): Distro {
  return { id, source: 'etc/os-release', fields: {}, ...fields };
}

function record(
  type: PackageType,
  name: string,
  version: string,
  extra: Partial<PackageRecord> = {},
): PackageRecord {
  return { type, name, version, location: 'x', foundBy: 'test', ...extra };
}

const alpine = TEST_DISTROS.alpine;
const debian = TEST_DISTROS.debian;
const photon = TEST_DISTROS.photon;

const cases: { what: string; pkg: PackageRecord; distro?: Distro; purl: string }[] = [
  {
    what: 'alpine apk',
    pkg: record('apk', 'musl', '1.1.22-r3', { arch: 'x86_64', source: { name: 'musl' } }),
    distro: alpine,
    purl: 'pkg:apk/alpine/musl@1.1.22-r3?arch=x86_64&distro=alpine-3.10.2',
  },
  {
    what: 'apk whose origin differs',
    pkg: record('apk', 'libcrypto1.1', '1.1.1d-r0', { arch: 'x86_64', source: { name: 'openssl' } }),
    distro: alpine,
    purl: 'pkg:apk/alpine/libcrypto1.1@1.1.1d-r0?arch=x86_64&distro=alpine-3.10.2&upstream=openssl',
  },
  {
    what: 'wolfi is rolling: no distro qualifier',
    pkg: record('apk', 'busybox', '1.36.1-r2', { arch: 'x86_64', source: { name: 'busybox' } }),
    distro: TEST_DISTROS.wolfi,
    purl: 'pkg:apk/wolfi/busybox@1.36.1-r2?arch=x86_64',
  },
  {
    what: 'chainguard namespace',
    pkg: record('apk', 'glibc', '2.38-r5', { arch: 'aarch64', source: { name: 'glibc' } }),
    distro: distro('chainguard', { rolling: true }),
    purl: 'pkg:apk/chainguard/glibc@2.38-r5?arch=aarch64',
  },
  {
    what: 'minimos origin',
    pkg: record('apk', 'libssl3', '3.3.0-r1', {
      arch: 'x86_64',
      source: { name: 'openssl', version: '3.3.0-r1' },
    }),
    distro: distro('minimos', { rolling: true }),
    purl: 'pkg:apk/minimos/libssl3@3.3.0-r1?arch=x86_64&upstream=openssl',
  },
  {
    what: 'debian binNMU whose source only differs in version',
    pkg: record('deb', 'bash', '5.2.15-2+b2', {
      arch: 'amd64',
      source: { name: 'bash', version: '5.2.15-2' },
    }),
    distro: debian,
    purl: 'pkg:deb/debian/bash@5.2.15-2+b2?arch=amd64&distro=debian-12',
  },
  {
    what: 'deb with epoch, source name and version differ',
    pkg: record('deb', 'libgcc-s1', '1:12.2.0-14', {
      arch: 'amd64',
      source: { name: 'gcc-12', version: '12.2.0-14' },
    }),
    distro: debian,
    purl: 'pkg:deb/debian/libgcc-s1@1:12.2.0-14?arch=amd64&distro=debian-12&upstream=gcc-12%4012.2.0-14',
  },
  {
    what: 'deb source without version',
    pkg: record('deb', 'libc6', '2.36-9+deb12u4', { arch: 'amd64', source: { name: 'glibc' } }),
    distro: debian,
    purl: 'pkg:deb/debian/libc6@2.36-9+deb12u4?arch=amd64&distro=debian-12&upstream=glibc',
  },
  {
    what: 'debian point release: major version only',
    pkg: record('deb', 'tzdata', '2024a-0+deb12u1', { arch: 'all' }),
    distro: distro('debian', { version: '12.5' }),
    purl: 'pkg:deb/debian/tzdata@2024a-0+deb12u1?arch=all&distro=debian-12',
  },
  {
    what: 'debian testing has a codename only',
    pkg: record('deb', 'tzdata', '2024a-1', { arch: 'all' }),
    distro: distro('debian', { versionCodename: 'trixie' }),
    purl: 'pkg:deb/debian/tzdata@2024a-1?arch=all&distro=debian-trixie',
  },
  {
    what: 'ubuntu keeps the full release; same source version gives no @',
    pkg: record('deb', 'libssl3', '3.0.2-0ubuntu1.15', {
      arch: 'amd64',
      source: { name: 'openssl', version: '3.0.2-0ubuntu1.15' },
    }),
    distro: distro('ubuntu', { version: '22.04', idLike: ['debian'] }),
    purl: 'pkg:deb/ubuntu/libssl3@3.0.2-0ubuntu1.15?arch=amd64&distro=ubuntu-22.04&upstream=openssl',
  },
  {
    what: 'echo (rolling, debian-like)',
    pkg: record('deb', 'curl', '8.5.0-2', { arch: 'amd64' }),
    distro: distro('echo', { version: '1', idLike: ['debian'], rolling: true }),
    purl: 'pkg:deb/echo/curl@8.5.0-2?arch=amd64',
  },
  {
    what: 'an unknown debian derivative uses its own id',
    pkg: record('deb', 'bash', '5.1-6', { arch: 'amd64' }),
    distro: distro('linuxmint', { version: '21.3', idLike: ['ubuntu', 'debian'] }),
    purl: 'pkg:deb/linuxmint/bash@5.1-6?arch=amd64&distro=linuxmint-21.3',
  },
  {
    what: 'DHI current model is plain debian',
    pkg: record('deb', 'liblz4-1', '1.10.0-4', { arch: 'amd64', source: { name: 'lz4' } }),
    distro: distro('debian', {
      version: '13',
      prettyName: 'Docker Hardened Images/Debian GNU/Linux 13 (trixie)',
    }),
    purl: 'pkg:deb/debian/liblz4-1@1.10.0-4?arch=amd64&distro=debian-13&upstream=lz4',
  },
  {
    what: 'DHI upcoming on alpine',
    pkg: record('apk', 'coreutils', '9.11-r0', { arch: 'aarch64', source: { name: 'coreutils' } }),
    distro: TEST_DISTROS['dhi-alpine'],
    purl: 'pkg:apk/dhi/coreutils@9.11-r0?os_distro=alpine&os_name=dhi&os_version=3.24',
  },
  {
    what: 'DHI upcoming on debian',
    pkg: record('deb', 'coreutils', '9.7-3+dhi3', { arch: 'arm64', source: { name: 'coreutils' } }),
    distro: TEST_DISTROS['dhi-debian'],
    purl: 'pkg:deb/dhi/coreutils@9.7-3+dhi3?os_distro=debian&os_name=dhi&os_version=13',
  },
  {
    what: 'photon rpm',
    pkg: record('rpm', 'curl', '7.61.1-4.ph3', { arch: 'x86_64' }),
    distro: photon,
    purl: 'pkg:rpm/photon/curl@7.61.1-4.ph3?arch=x86_64&distro=photon-3.0',
  },
  {
    what: 'rpm epoch moves from the version to a qualifier',
    pkg: record('rpm', 'libgcc', '1:7.3.0-3.ph3', { arch: 'x86_64', epoch: 1 }),
    distro: photon,
    purl: 'pkg:rpm/photon/libgcc@7.3.0-3.ph3?arch=x86_64&distro=photon-3.0&epoch=1',
  },
  {
    what: 'rhel namespace is redhat',
    pkg: record('rpm', 'bash', '5.1.8-6.el9', { arch: 'x86_64' }),
    distro: distro('rhel', { version: '9.3', idLike: ['fedora'] }),
    purl: 'pkg:rpm/redhat/bash@5.1.8-6.el9?arch=x86_64&distro=rhel-9.3',
  },
  {
    what: 'rpm epoch 0 gives no qualifier',
    pkg: record('rpm', 'tzdata', '2024a-1.el9', { arch: 'noarch', epoch: 0 }),
    distro: distro('alma', { version: '9.3' }),
    purl: 'pkg:rpm/almalinux/tzdata@2024a-1.el9?arch=noarch&distro=alma-9.3',
  },
  {
    what: 'rpm epoch only in the version string',
    pkg: record('rpm', 'openssl-libs', '1:3.0.7-24.el9', { arch: 'x86_64' }),
    distro: distro('rocky', { version: '9.3' }),
    purl: 'pkg:rpm/rocky/openssl-libs@3.0.7-24.el9?arch=x86_64&distro=rocky-9.3&epoch=1',
  },
  {
    what: 'azure linux',
    pkg: record('rpm', 'openssl', '3.3.2-1.azl3', { arch: 'x86_64' }),
    distro: distro('azurelinux', { version: '3.0' }),
    purl: 'pkg:rpm/azurelinux/openssl@3.3.2-1.azl3?arch=x86_64&distro=azurelinux-3.0',
  },
  {
    what: 'rpm without a distro has no namespace',
    pkg: record('rpm', 'bash', '5.1.8-6.el9', { arch: 'x86_64' }),
    purl: 'pkg:rpm/bash@5.1.8-6.el9?arch=x86_64',
  },
  {
    what: 'a deb found under an alpine distro: no namespace, no distro',
    pkg: record('deb', 'tzdata', '2024a-1', { arch: 'all', source: { name: 'tzdata-src' } }),
    distro: alpine,
    purl: 'pkg:deb/tzdata@2024a-1?arch=all&upstream=tzdata-src',
  },
  {
    what: 'a distro id that names an Object.prototype member is just unknown',
    pkg: record('deb', 'bash', '5.1-6', { arch: 'amd64' }),
    distro: distro('constructor', { version: '1', idLike: ['__proto__'] }),
    purl: 'pkg:deb/bash@5.1-6?arch=amd64',
  },
  {
    what: 'scoped npm',
    pkg: record('npm', '@babel/core', '7.24.0'),
    purl: 'pkg:npm/%40babel/core@7.24.0',
  },
  {
    what: 'npm is lowercased',
    pkg: record('npm', '@Acme/Left-Pad', '1.0.0'),
    purl: 'pkg:npm/%40acme/left-pad@1.0.0',
  },
  { what: 'plain npm', pkg: record('npm', 'lodash', '4.17.21'), purl: 'pkg:npm/lodash@4.17.21' },
  {
    what: 'pypi name normalised (PEP 503)',
    pkg: record('pypi', 'Zope.Interface__Extra', '6.0'),
    purl: 'pkg:pypi/zope-interface-extra@6.0',
  },
  {
    what: 'go module',
    pkg: record('golang', 'github.com/foo/bar', 'v1.2.3'),
    purl: 'pkg:golang/github.com/foo/bar@v1.2.3',
  },
  {
    what: 'go module paths keep their case',
    pkg: record('golang', 'github.com/Azure/azure-sdk-for-go/sdk/azcore', 'v1.11.1'),
    purl: 'pkg:golang/github.com/Azure/azure-sdk-for-go/sdk/azcore@v1.11.1',
  },
  {
    what: 'go pseudo-version',
    pkg: record('golang', 'golang.org/x/net', 'v0.0.0-20220722155237-a158d28d115b'),
    purl: 'pkg:golang/golang.org/x/net@v0.0.0-20220722155237-a158d28d115b',
  },
  { what: 'go stdlib', pkg: record('golang', 'stdlib', 'v1.22.5'), purl: 'pkg:golang/stdlib@v1.22.5' },
  {
    what: 'go stdlib written as the toolchain',
    pkg: record('golang', 'stdlib', 'go1.22.5'),
    purl: 'pkg:golang/stdlib@v1.22.5',
  },
  {
    what: 'go main module built from a directory',
    pkg: record('golang', 'github.com/acme/tool', '(devel)', { metadata: { main: 'true' } }),
    purl: 'pkg:golang/github.com/acme/tool@(devel)',
  },
  { what: 'go stdlib x.y', pkg: record('golang', 'stdlib', 'go1.20'), purl: 'pkg:golang/stdlib@v1.20.0' },
  {
    what: 'go stdlib release candidate',
    pkg: record('golang', 'stdlib', 'go1.21rc2'),
    purl: 'pkg:golang/stdlib@v1.21.0-rc.2',
  },
  {
    what: 'a go version purl type rejects falls back to generic',
    pkg: record('golang', 'github.com/foo/bar', 'v1.2'),
    purl: 'pkg:generic/github.com%2Ffoo%2Fbar@v1.2',
  },
  {
    what: 'maven from metadata',
    pkg: record('maven', 'log4j-core', '2.14.1', {
      metadata: { groupId: 'org.apache.logging.log4j', artifactId: 'log4j-core' },
    }),
    purl: 'pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1',
  },
  {
    what: 'maven from group:artifact',
    pkg: record('maven', 'com.google.guava:guava', '32.1.3-jre'),
    purl: 'pkg:maven/com.google.guava/guava@32.1.3-jre',
  },
  {
    what: 'maven without a group is not a valid maven purl',
    pkg: record('maven', 'commons-lang', '2.6'),
    purl: 'pkg:generic/commons-lang@2.6',
  },
  { what: 'gem', pkg: record('gem', 'rake', '13.0.6'), purl: 'pkg:gem/rake@13.0.6' },
  { what: 'empty version', pkg: record('gem', 'rake', ''), purl: 'pkg:gem/rake' },
  { what: 'empty name', pkg: record('gem', '  ', '1.0'), purl: 'pkg:gem/unnamed@1.0' },
  {
    what: 'space in a name',
    pkg: record('apk', 'my package', '1.0-r0', { arch: 'x86_64' }),
    distro: alpine,
    purl: 'pkg:apk/alpine/my%20package@1.0-r0?arch=x86_64&distro=alpine-3.10.2',
  },
  {
    what: '@ and / in a name',
    pkg: record('deb', 'lib@foo/bar', '1.0'),
    distro: debian,
    purl: 'pkg:deb/debian/lib%40foo%2Fbar@1.0?distro=debian-12',
  },
  { what: 'unicode name', pkg: record('gem', 'päckage-ü', '1.0'), purl: 'pkg:gem/p%C3%A4ckage-%C3%BC@1.0' },
  { what: 'newline in a name', pkg: record('npm', 'evil\nname', '1.0.0'), purl: 'pkg:npm/evil%0Aname@1.0.0' },
  {
    what: 'a lone surrogate becomes U+FFFD',
    pkg: record('gem', 'x\ud800y', '1'),
    purl: 'pkg:gem/x%EF%BF%BDy@1',
  },
  {
    what: 'a scope with no name is not split',
    pkg: record('npm', '@scope/', '1.0.0'),
    purl: 'pkg:npm/%40scope%2F@1.0.0',
  },
  {
    what: '? and # in a version',
    pkg: record('pypi', 'foo', '1.0?x#y'),
    purl: 'pkg:pypi/foo@1.0%3Fx%23y',
  },
  {
    what: 'space in a qualifier value',
    pkg: record('apk', 'foo', '1.0-r0', { arch: 'x 86', source: { name: 'bar baz' } }),
    distro: alpine,
    purl: 'pkg:apk/alpine/foo@1.0-r0?arch=x%2086&distro=alpine-3.10.2&upstream=bar%20baz',
  },
  {
    what: 'rpm version whose prefix is not a numeric epoch',
    pkg: record('rpm', 'foo', 'abc:1.0-1', { arch: 'x86_64' }),
    distro: photon,
    purl: 'pkg:rpm/photon/foo@abc:1.0-1?arch=x86_64&distro=photon-3.0',
  },
];

describe('packageUrl', () => {
  for (const { what, pkg, distro: d, purl } of cases) {
    test(what, () => assert.equal(packageUrl(pkg, d), purl));
  }

  test('has at least 25 cases', () => assert.ok(cases.length >= 25));

  const types: PackageType[] = ['apk', 'deb', 'rpm', 'npm', 'pypi', 'golang', 'maven', 'gem'];
  const distros = [undefined, ...Object.values(TEST_DISTROS), distro('rhel', { version: '9' })];
  // Any UTF-16 code unit, lone surrogates included, as a hostile DB can yield.
  const text = fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)) });

  test('never throws, and always gives a purl that parses back', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...types),
        text,
        text,
        fc.option(text, { nil: undefined }),
        fc.option(text, { nil: undefined }),
        fc.option(fc.integer({ min: -1, max: 5 }), { nil: undefined }),
        fc.constantFrom(...distros),
        (type, name, version, arch, sourceName, epoch, d) => {
          const pkg = record(type, name, version, {
            ...(arch === undefined ? {} : { arch }),
            ...(sourceName === undefined ? {} : { source: { name: sourceName } }),
            ...(epoch === undefined ? {} : { epoch }),
            metadata: { groupId: name, main: 'true' },
          });
          const purl = packageUrl(pkg, d);
          assert.match(purl, /^pkg:[a-z]+\//);
          assert.doesNotThrow(() => PackageURL.fromString(purl), purl);
        },
      ),
      { numRuns: 2000 },
    );
  });
});
