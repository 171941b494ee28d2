import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Distro } from '../core/types.js';
import { detectProvider, type ProviderInput } from './provider.js';

function distro(fields: Record<string, string>, source = 'etc/os-release'): Distro {
  return { id: fields.ID!, source, fields };
}

const WOLFI = distro({ ID: 'wolfi', NAME: 'Wolfi', VERSION_ID: '20230201' });
const DEBIAN = distro({ ID: 'debian', VERSION_ID: '12', PRETTY_NAME: 'Debian GNU/Linux 12 (bookworm)' });
const ALPINE = distro({ ID: 'alpine', VERSION_ID: '3.22' });

function input(overrides: Partial<ProviderInput>): ProviderInput {
  return {
    labels: {},
    annotations: {},
    repositories: [],
    present: new Set(),
    hasDpkgStatusD: false,
    hasDpkgStatus: false,
    hasChiselManifest: false,
    ...overrides,
  };
}

describe('detectProvider', () => {
  test('Chainguard by ID, with every Chainguard signal as evidence', () => {
    const provider = detectProvider(
      input({
        distro: distro({ ID: 'chainguard' }),
        labels: { 'dev.chainguard.package.main': 'nginx' },
        repositories: ['https://apk.cgr.dev/chainguard'],
      }),
    );
    assert.deepEqual(provider, {
      name: 'chainguard',
      evidence: [
        { source: 'etc/os-release', detail: 'ID=chainguard' },
        { source: 'label:dev.chainguard.package.main', detail: 'nginx' },
        { source: 'etc/apk/repositories', detail: 'Chainguard repository https://apk.cgr.dev/chainguard' },
      ],
    });
  });

  test('ID=wolfi plus a Chainguard label, annotation or repository is Chainguard', () => {
    const byVendor = detectProvider(
      input({ distro: WOLFI, labels: { 'org.opencontainers.image.vendor': 'Chainguard, Inc.' } }),
    );
    assert.equal(byVendor.name, 'chainguard');
    assert.deepEqual(byVendor.evidence[1], {
      source: 'label:org.opencontainers.image.vendor',
      detail: 'names Chainguard: Chainguard, Inc.',
    });
    const byUrl = detectProvider(
      input({
        distro: WOLFI,
        annotations: { 'org.opencontainers.image.url': 'https://images.chainguard.dev/directory/image/go' },
      }),
    );
    assert.equal(byUrl.name, 'chainguard');
    assert.equal(byUrl.evidence[1]?.source, 'annotation:org.opencontainers.image.url');
    const byAnnotation = detectProvider(
      input({ distro: WOLFI, annotations: { 'dev.chainguard.image.title': 'go' } }),
    );
    assert.equal(byAnnotation.name, 'chainguard');
    const byRepository = detectProvider(
      input({ distro: WOLFI, repositories: ['@cg https://apk.cgr.dev/my-org'] }),
    );
    assert.equal(byRepository.name, 'chainguard');
  });

  test('ID=wolfi without Chainguard signals is Wolfi', () => {
    const provider = detectProvider(
      input({
        distro: WOLFI,
        labels: {
          'org.opencontainers.image.vendor': 'Example Corp',
          'org.opencontainers.image.url': 'https://example.com',
        },
        repositories: ['https://packages.wolfi.dev/os'],
        present: new Set(['etc/secfixes.d/wolfi']),
      }),
    );
    assert.deepEqual(provider, {
      name: 'wolfi',
      evidence: [{ source: 'etc/os-release', detail: 'ID=wolfi' }],
    });
  });

  test('Chainguard labels on a non-Wolfi distro do not make it Chainguard', () => {
    const provider = detectProvider(
      input({ distro: DEBIAN, labels: { 'org.opencontainers.image.vendor': 'Chainguard' } }),
    );
    assert.equal(provider.name, 'traditional');
  });

  test('Minimus and Echo by ID', () => {
    assert.equal(detectProvider(input({ distro: distro({ ID: 'minimos' }) })).name, 'minimus');
    assert.equal(detectProvider(input({ distro: distro({ ID: 'echo', ID_LIKE: 'debian' }) })).name, 'echo');
  });

  test('DHI upcoming: ID=dhi whatever ID_LIKE says, even with distroless or Debian signals', () => {
    const dhi: Distro = { ...distro({ ID: 'dhi', ID_LIKE: 'debian', VERSION_ID: '13' }), idLike: ['debian'] };
    const provider = detectProvider(
      input({ distro: dhi, hasDpkgStatusD: true, labels: { 'com.docker.dhi.distro': 'debian-13' } }),
    );
    assert.deepEqual(provider, {
      name: 'docker-hardened-images',
      model: 'upcoming',
      evidence: [
        { source: 'etc/os-release', detail: 'ID=dhi' },
        { source: 'label:com.docker.dhi.distro', detail: 'debian-13' },
      ],
    });
  });

  test('DHI current: name in os-release, com.docker.dhi.* labels or annotations, or the SBOM folder', () => {
    const named = distro({
      ID: 'debian',
      NAME: 'Docker Hardened Images (Debian)',
      PRETTY_NAME: 'Docker Hardened Images/Debian GNU/Linux 13 (trixie)',
    });
    assert.deepEqual(detectProvider(input({ distro: named })), {
      name: 'docker-hardened-images',
      model: 'current',
      evidence: [
        { source: 'etc/os-release', detail: 'NAME="Docker Hardened Images (Debian)"' },
        {
          source: 'etc/os-release',
          detail: 'PRETTY_NAME="Docker Hardened Images/Debian GNU/Linux 13 (trixie)"',
        },
      ],
    });
    const labelled = detectProvider(
      input({ distro: DEBIAN, labels: { 'com.docker.dhi.chain-id': 'sha256:abc' } }),
    );
    assert.deepEqual([labelled.name, labelled.model], ['docker-hardened-images', 'current']);
    assert.deepEqual(labelled.evidence, [{ source: 'label:com.docker.dhi.chain-id', detail: 'sha256:abc' }]);
    const annotated = detectProvider(
      input({ distro: ALPINE, annotations: { 'com.docker.dhi.variant': 'runtime' } }),
    );
    assert.equal(annotated.model, 'current');
    const sbom = detectProvider(
      input({ distro: ALPINE, present: new Set(['opt/docker/sbom', 'opt/docker/sbom/.spdx.python.json']) }),
    );
    assert.deepEqual(sbom, {
      name: 'docker-hardened-images',
      model: 'current',
      evidence: [{ source: 'opt/docker/sbom', detail: 'DHI SBOM folder present (2 entries)' }],
    });
  });

  test('the DHI name only counts on Debian or Alpine IDs', () => {
    const other = distro({ ID: 'ubuntu', PRETTY_NAME: 'Docker Hardened Images (Ubuntu)' });
    assert.equal(detectProvider(input({ distro: other })).name, 'traditional');
  });

  test('DHI current wins over the distroless layout it shares', () => {
    const named = distro({
      ID: 'debian',
      PRETTY_NAME: 'Docker Hardened Images/Debian GNU/Linux 12 (bookworm)',
    });
    assert.equal(
      detectProvider(input({ distro: named, hasDpkgStatusD: true })).name,
      'docker-hardened-images',
    );
  });

  test('Photon by ID', () => {
    const photon = distro({ ID: 'photon', VERSION_ID: '5.0' }, 'usr/lib/os-release');
    assert.deepEqual(detectProvider(input({ distro: photon })), {
      name: 'photon',
      evidence: [{ source: 'usr/lib/os-release', detail: 'ID=photon' }],
    });
  });

  test('Google distroless: status.d without a dpkg binary, or PRETTY_NAME Distroless', () => {
    assert.deepEqual(detectProvider(input({ distro: DEBIAN, hasDpkgStatusD: true })), {
      name: 'google-distroless',
      evidence: [
        { source: 'var/lib/dpkg/status.d', detail: 'per-package dpkg status files' },
        { source: 'usr/bin/dpkg', detail: 'absent: no package manager' },
      ],
    });
    for (const binary of ['usr/bin/dpkg', 'bin/dpkg']) {
      const withDpkg = detectProvider(
        input({ distro: DEBIAN, hasDpkgStatusD: true, hasDpkgStatus: true, present: new Set([binary]) }),
      );
      assert.equal(withDpkg.name, 'traditional', binary);
    }
    const named = distro({ ID: 'debian', PRETTY_NAME: 'Distroless' });
    assert.deepEqual(detectProvider(input({ distro: named })).evidence, [
      { source: 'etc/os-release', detail: 'PRETTY_NAME="Distroless"' },
    ]);
    // No os-release at all (some distroless images): the layout alone decides.
    assert.equal(detectProvider(input({ hasDpkgStatusD: true })).name, 'google-distroless');
  });

  test('Ubuntu Chisel: a chisel manifest', () => {
    const ubuntu = distro({ ID: 'ubuntu', VERSION_ID: '24.04' });
    assert.deepEqual(detectProvider(input({ distro: ubuntu, hasChiselManifest: true })), {
      name: 'ubuntu-chisel',
      evidence: [{ source: 'var/lib/chisel/manifest.wall', detail: 'chisel manifest present' }],
    });
    assert.equal(detectProvider(input({ hasChiselManifest: true })).name, 'ubuntu-chisel');
  });

  test('traditional lists the package manager and database found; nothing at all is unknown', () => {
    const provider = detectProvider(
      input({
        distro: DEBIAN,
        hasDpkgStatus: true,
        present: new Set(['usr/bin/dpkg', 'usr/bin/apk-not-a-marker']),
      }),
    );
    assert.deepEqual(provider, {
      name: 'traditional',
      evidence: [
        { source: 'etc/os-release', detail: 'ID=debian' },
        { source: 'usr/bin/dpkg', detail: 'package manager present' },
        { source: 'var/lib/dpkg/status', detail: 'dpkg database present' },
      ],
    });
    assert.deepEqual(detectProvider(input({})), { name: 'unknown', evidence: [] });
    assert.deepEqual(detectProvider(input({ present: new Set(['usr/bin/rpm']) })), {
      name: 'unknown',
      evidence: [],
    });
  });

  test('evidence quotes the vendor ID as written, not the normalised one', () => {
    const amazon: Distro = { id: 'amazon', source: 'etc/os-release', fields: { ID: 'amzn' } };
    assert.deepEqual(detectProvider(input({ distro: amazon })).evidence, [
      { source: 'etc/os-release', detail: 'ID=amzn' },
    ]);
  });
});
