import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { fixture } from '../../test/helpers/paths.js';
import { parsePurl, purlMatches, releaseOf } from './purl-match.js';

// [statement purl, package purl, expected, why]
const TABLE: [string, string, boolean, string][] = [
  // type / namespace / name
  [
    'pkg:deb/debian/lz4',
    'pkg:deb/debian/lz4@1.10.0-4?arch=amd64&distro=debian-13',
    true,
    'versionless matches any',
  ],
  ['pkg:deb/debian/lz4', 'pkg:rpm/debian/lz4@1.10.0-4', false, 'type differs'],
  ['PKG:DEB/Debian/lz4', 'pkg:deb/debian/lz4@1', true, 'type and namespace case'],
  ['pkg:deb/debian/lz4', 'pkg:deb/ubuntu/lz4@1', false, 'namespace differs'],
  ['pkg:deb/debian/lz4', 'pkg:deb/debian/liblz4-1@1', false, 'name differs'],
  ['pkg:rpm/redhat/NetworkManager', 'pkg:rpm/redhat/networkmanager@1', false, 'rpm names keep case'],
  ['pkg:pypi/Django_Rest', 'pkg:pypi/django-rest@3.0', true, 'pypi names normalised'],
  ['pkg:golang/k8s.io/apiserver@0.34.0', 'pkg:golang/k8s.io/apiserver@0.34.0', true, 'golang exact'],
  ['pkg:golang/k8s.io/apiserver@0.34.0', 'pkg:golang/k8s.io/apiserver@0.34.1', false, 'other version'],
  // versions
  ['pkg:deb/debian/lz4@1.10.0-4', 'pkg:deb/debian/lz4', false, 'versioned needs a version'],
  [
    'pkg:deb/dhi/coreutils@9.7-3%2Bdhi3',
    'pkg:deb/dhi/coreutils@9.7-3+dhi3',
    true,
    'percent-decoded versions',
  ],
  ['pkg:deb/debian/libstdc%2B%2B6', 'pkg:deb/debian/libstdc++6@12', true, 'percent-decoded names'],
  ['pkg:npm/%40angular/core@17.0.0', 'pkg:npm/@angular/core@17.0.0', true, 'encoded scope'],
  // qualifiers
  [
    'pkg:deb/ubuntu/curl@7.81.0-1ubuntu1.24?arch=amd64&distro=jammy',
    'pkg:deb/ubuntu/curl@7.81.0-1ubuntu1.24?arch=arm64&distro=ubuntu-22.04',
    true,
    'arch ignored, codename vs id-version not comparable',
  ],
  ['pkg:deb/debian/x@1?epoch=2', 'pkg:deb/debian/x@1', false, 'other qualifiers must be present'],
  ['pkg:deb/debian/x@1?epoch=2', 'pkg:deb/debian/x@1?epoch=3', false, 'and equal'],
  ['pkg:deb/debian/x@1', 'pkg:deb/debian/x@1?epoch=2&foo=bar', true, 'package extras ignored'],
  [
    'pkg:oci/alpine-base?repository_url=dhi.io',
    'pkg:oci/alpine-base?repository_url=DHI.io/',
    true,
    'repository_url case and slash',
  ],
  [
    'pkg:oci/alpine-base?repository_url=dhi.io',
    'pkg:oci/alpine-base?repository_url=docker.io/dhi',
    false,
    'other repository',
  ],
  ['pkg:oci/dhi%2Falpine-base', 'pkg:oci/dhi%2Falpine-base@sha256%3Aabc', true, 'slash inside name'],
  ['pkg:deb/debian/x#usr/lib', 'pkg:deb/debian/x', false, 'subpath required'],
  // distro identity
  [
    'pkg:apk/alpine/busybox@1.37.0-r19?os_name=alpine&os_version=3.22',
    'pkg:apk/alpine/busybox@1.37.0-r19?arch=x86_64&distro=alpine-3.22.1',
    true,
    'minor vs point release',
  ],
  [
    'pkg:apk/alpine/busybox@1.37.0-r19?os_name=alpine&os_version=3.22',
    'pkg:apk/alpine/busybox@1.37.0-r19?arch=x86_64&distro=alpine-3.23.0',
    false,
    'other release',
  ],
  [
    'pkg:apk/alpine/x@1?os_version=3.2',
    'pkg:apk/alpine/x@1?distro=alpine-3.22',
    false,
    'prefix only at a dot',
  ],
  [
    'pkg:deb/debian/lz4@1.10.0-4?os_distro=trixie&os_name=debian&os_version=13',
    'pkg:deb/debian/lz4@1.10.0-4?arch=amd64&distro=debian-13',
    true,
    'DHI current model vs keelson/syft',
  ],
  [
    'pkg:deb/debian/lz4@1.10.0-4?os_distro=trixie&os_name=debian&os_version=13',
    'pkg:deb/debian/lz4@1.10.0-4?os_distro=bookworm&os_name=debian&os_version=13',
    false,
    'codenames compared when both have one',
  ],
  [
    'pkg:deb/debian/lz4@1.9.4-1?os_distro=bookworm&os_name=debian&os_version=12',
    'pkg:deb/debian/lz4@1.9.4-1?arch=amd64&distro=debian-13',
    false,
    'bookworm statement, trixie package',
  ],
  ['pkg:deb/debian/x@1?distro=debian-12', 'pkg:deb/debian/x@1', true, 'package without distro: tolerated'],
  // not purls
  ['not a purl', 'pkg:deb/debian/x@1', false, 'statement not a purl'],
  ['pkg:deb/debian/x', 'https://example.com/x', false, 'package not a purl'],
  ['pkg:maven/only-name', 'pkg:maven/only-name@1', false, 'invalid for its type'],
];

// formats.md §6 and dhi-suite README: scanner purls vs DHI VEX product purls.
const DHI_TABLE: [string, string, boolean, string][] = [
  [
    'pkg:apk/dhi/coreutils@9.11-r0?os_distro=alpine&os_name=dhi&os_version=3.24',
    'pkg:apk/dhi/coreutils@9.11-r0?arch=aarch64&distro=dhi-3.24',
    true,
    'syft rendering of the DHI artifact',
  ],
  [
    'pkg:apk/dhi/coreutils@9.11-r0?os_distro=alpine&os_name=dhi&os_version=3.24',
    'pkg:apk/dhi/coreutils@9.11-r0?os_distro=alpine&os_name=dhi&os_version=3.24',
    true,
    'canonical rendering (keelson)',
  ],
  [
    'pkg:apk/alpine/coreutils@9.11-r0?os_name=alpine&os_version=3.24',
    'pkg:apk/dhi/coreutils@9.11-r0?arch=aarch64&distro=dhi-3.24',
    false,
    'alpine product never matches a dhi artifact',
  ],
  [
    'pkg:apk/dhi/coreutils@9.11-r0?os_distro=alpine&os_name=dhi&os_version=3.24',
    'pkg:apk/alpine/coreutils@9.11-r0?arch=aarch64&distro=alpine-3.24',
    false,
    'nor the reverse',
  ],
  [
    'pkg:apk/dhi/coreutils@9.11-r0?os_distro=alpine&os_name=dhi&os_version=3.24',
    'pkg:apk/dhi/coreutils@9.11-r0?arch=aarch64&distro=dhi-3.23',
    false,
    'other DHI release',
  ],
  [
    'pkg:apk/dhi/python-3.12@3.12.13-r7?os_distro=alpine&os_name=dhi&os_version=3.23',
    'pkg:apk/dhi/python-3.12@3.12.13-r8?arch=aarch64&distro=dhi-3.23',
    false,
    'non-matching version 3.12.13-r8',
  ],
  [
    'pkg:deb/dhi/coreutils@9.7-3%2Bdhi3?os_distro=debian&os_name=dhi&os_version=13',
    'pkg:deb/dhi/coreutils@9.7-3%2Bdhi3?arch=arm64&distro=dhi-13',
    true,
    'debian dhi, encoded +',
  ],
  [
    'pkg:deb/debian/coreutils@9.7-3%2Bdhi3?os_name=debian&os_version=13',
    'pkg:deb/dhi/coreutils@9.7-3%2Bdhi3?arch=arm64&distro=dhi-13',
    false,
    'debian product never matches a dhi artifact',
  ],
];

describe('purlMatches', () => {
  for (const [statement, pkg, expected, why] of [...TABLE, ...DHI_TABLE]) {
    test(`${why}: ${statement} ~ ${pkg} → ${expected}`, () => {
      assert.equal(purlMatches(statement, pkg), expected);
    });
  }

  test('dhi-suite scenarios manifest: DHI VEX products match the scanner purl, upstream-like ones do not', () => {
    const manifest = JSON.parse(readFileSync(fixture('vex', 'dhi-suite', 'scenarios.json'), 'utf8')) as {
      scenarios: {
        id: string;
        scanner_observed_package_purl: string;
        canonical_package_purl: string | null;
        upstream_like_package_purl: string;
        expected_behavior: Record<string, unknown>;
      }[];
    };
    let checked = 0;
    for (const s of manifest.scenarios) {
      const flags = s.expected_behavior;
      if (flags.dhi_vex_product_matches_dhi_artifact === true && s.canonical_package_purl) {
        assert.ok(purlMatches(s.canonical_package_purl, s.scanner_observed_package_purl), s.id);
        checked++;
      }
      if (flags.upstream_like_vex_product_matches_dhi_artifact === false) {
        assert.equal(purlMatches(s.upstream_like_package_purl, s.scanner_observed_package_purl), false, s.id);
        checked++;
      }
      for (const version of (flags.non_matching_versions as string[] | undefined) ?? []) {
        const other = s.scanner_observed_package_purl.replace(/@[^?]+/, `@${version}`);
        assert.equal(purlMatches(s.canonical_package_purl!, other), false, `${s.id} ${version}`);
        checked++;
      }
    }
    assert.equal(checked, 5);
  });
});

describe('releaseOf', () => {
  test('reads distro and os_* qualifiers', () => {
    assert.deepEqual(releaseOf({ distro: 'dhi-3.24' }), { name: 'dhi', release: '3.24' });
    assert.deepEqual(releaseOf({ distro: 'jammy' }), { codename: 'jammy' });
    assert.deepEqual(releaseOf({ os_distro: 'trixie', os_name: 'debian', os_version: '13' }), {
      name: 'debian',
      release: '13',
      codename: 'trixie',
    });
    assert.deepEqual(releaseOf({ distro: 'ubuntu-22.04' }), { name: 'ubuntu', release: '22.04' });
  });
});

describe('parsePurl', () => {
  test('rejects oversized and non-purl text without throwing', () => {
    assert.equal(parsePurl(`pkg:deb/debian/${'a'.repeat(10_000)}`), undefined);
    assert.equal(parsePurl(''), undefined);
    assert.equal(parsePurl('pkg:'), undefined);
    assert.equal(parsePurl('pkg:deb/debian/%E0%A4%A'), undefined);
  });
});
