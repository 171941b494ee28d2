import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { zipSync } from 'fflate';
import { inventoryTarget } from '../../src/inventory/build.js';
import { type ImageSpec, writeOciArchive } from '../helpers/image-builder.js';
import { fixture } from '../helpers/paths.js';

/** Synthetic images for the layering rules a scanner most often gets wrong. */

function apkRecord(name: string, version: string, origin = name, files: string[] = []): string {
  const lines = [`P:${name}`, `V:${version}`, 'A:x86_64', `o:${origin}`, 'L:MIT', `T:${name} package`];
  const dirs = new Map<string, string[]>();
  for (const f of files) {
    const slash = f.lastIndexOf('/');
    dirs.set(f.slice(0, slash), [...(dirs.get(f.slice(0, slash)) ?? []), f.slice(slash + 1)]);
  }
  for (const [dir, names] of dirs) lines.push(`F:${dir}`, ...names.map((n) => `R:${n}`));
  return `${lines.join('\n')}\n`;
}

const apkDb = (...records: string[]) => `${records.join('\n')}\n`;

const dpkgStanza = (name: string, version: string, status = 'install ok installed', source?: string) =>
  [
    `Package: ${name}`,
    `Status: ${status}`,
    'Architecture: amd64',
    ...(source ? [`Source: ${source}`] : []),
    `Version: ${version}`,
    'Maintainer: Test <t@example.org>',
    `Description: ${name}`,
  ].join('\n');

const pkgJson = (name: string, version: string) => JSON.stringify({ name, version, license: 'MIT' });

const ALPINE_RELEASE =
  'NAME="Alpine Linux"\nID=alpine\nVERSION_ID=3.19.1\nPRETTY_NAME="Alpine Linux v3.19"\n';

describe('layering edge cases', () => {
  let work: string;
  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'keelson-edge-'));
  });
  after(async () => {
    await rm(work, { recursive: true, force: true });
  });

  let counter = 0;
  async function scan(spec: ImageSpec) {
    const file = join(work, `image-${counter++}.tar`);
    await writeOciArchive(spec, file);
    return inventoryTarget(file);
  }
  const names = (inv: Awaited<ReturnType<typeof scan>>, type: string) =>
    inv.packages
      .filter((p) => p.type === type)
      .map((p) => `${p.name}@${p.version}#${p.layer?.index}`)
      .sort();

  test('a package removed or upgraded in a later layer; attribution follows the version', async () => {
    const inv = await scan({
      layers: [
        {
          entries: [
            { path: 'etc/os-release', content: ALPINE_RELEASE },
            {
              path: 'lib/apk/db/installed',
              content: apkDb(
                apkRecord('musl', '1.2.4-r2'),
                apkRecord('busybox', '1.36.1-r15'),
                apkRecord('zlib', '1.3-r0'),
              ),
            },
          ],
        },
        {
          entries: [
            {
              path: 'lib/apk/db/installed',
              content: apkDb(
                apkRecord('musl', '1.2.4-r2'),
                apkRecord('busybox', '1.36.1-r19'),
                apkRecord('curl', '8.5.0-r0'),
              ),
            },
          ],
        },
      ],
    });
    assert.deepEqual(names(inv, 'apk'), ['busybox@1.36.1-r19#1', 'curl@8.5.0-r0#1', 'musl@1.2.4-r2#0']);
  });

  test('whiteouts and opaque directories hide lower files; names containing "wh" are ordinary', async () => {
    const nm = 'usr/lib/node_modules';
    const inv = await scan({
      layers: [
        {
          entries: [
            { path: `${nm}/left-pad/package.json`, content: pkgJson('left-pad', '1.3.0') },
            { path: `${nm}/which/package.json`, content: pkgJson('which', '2.0.2') },
            { path: `${nm}/wheel/package.json`, content: pkgJson('wheel', '0.1.0') },
            { path: 'opt/cache/old/package.json', content: pkgJson('cached-old', '1.0.0') },
            { path: 'opt/cache/node_modules/dep/package.json', content: pkgJson('cached-dep', '1.0.0') },
            { path: 'srv/node_modules/gone/package.json', content: pkgJson('gone', '1.0.0') },
          ],
        },
        {
          entries: [
            { path: `${nm}/.wh.left-pad`, content: '' },
            { path: 'opt/cache/.wh..wh..opq', content: '' },
            { path: 'opt/cache/node_modules/fresh/package.json', content: pkgJson('cached-fresh', '2.0.0') },
            { path: 'srv/.wh.node_modules', content: '' },
            { path: 'usr/bin/whoami', content: 'x', mode: 0o755 },
          ],
        },
      ],
    });
    assert.deepEqual(names(inv, 'npm'), ['cached-fresh@2.0.0#1', 'wheel@0.1.0#0', 'which@2.0.2#0']);
  });

  test('a whiteout and a new file of the same path in one layer: the new file wins', async () => {
    const inv = await scan({
      layers: [
        { entries: [{ path: 'app/node_modules/a/package.json', content: pkgJson('a', '1.0.0') }] },
        {
          entries: [
            { path: 'app/node_modules/.wh.a', content: '' },
            { path: 'app/node_modules/a/package.json', content: pkgJson('a', '2.0.0') },
          ],
        },
      ],
    });
    assert.deepEqual(names(inv, 'npm'), ['a@2.0.0#1']);
  });

  test('symlinked os-release (Photon) and hard links, including one to a file nobody wanted', async () => {
    const photon = readFileSync(fixture('os-release', 'photon-5.0', 'os-release'));
    const jar = Buffer.from(
      zipSync({
        'META-INF/MANIFEST.MF': new TextEncoder().encode('Manifest-Version: 1.0\n'),
        'META-INF/maven/org.example/demo/pom.properties': new TextEncoder().encode(
          'groupId=org.example\nartifactId=demo\nversion=1.4.2\n',
        ),
      }),
    );
    const inv = await scan({
      layers: [
        {
          entries: [
            { path: 'usr/lib/os-release', content: photon },
            { path: 'etc/os-release', type: 'symlink', linkname: '../usr/lib/os-release' },
            { path: 'etc/photon-release', content: 'VMware Photon OS 5.0\nPHOTON_BUILD_NUMBER=abc\n' },
            { path: 'var/store/blob-1', content: jar },
            { path: 'opt/app/lib/demo.jar', type: 'hardlink', linkname: 'var/store/blob-1' },
          ],
        },
      ],
    });
    assert.equal(inv.distro?.id, 'photon');
    assert.equal(inv.distro?.version, '5.0');
    assert.equal(inv.distro?.source, 'etc/os-release');
    assert.equal(inv.provider.name, 'photon');
    const demo = inv.packages.find((p) => p.type === 'maven');
    assert.equal(demo?.name, 'org.example:demo');
    assert.equal(demo?.version, '1.4.2');
    assert.equal(demo?.location, 'opt/app/lib/demo.jar');
  });

  test('dpkg: only "install ok installed" counts; deinstall ok config-files does not', async () => {
    const status = [
      dpkgStanza('libssl3', '3.0.11-1~deb12u2', 'install ok installed', 'openssl'),
      dpkgStanza('oldpkg', '1.0-1', 'deinstall ok config-files'),
      dpkgStanza('halfpkg', '1.0-1', 'install ok half-configured'),
      dpkgStanza('tzdata', '2024a-0+deb12u1'),
    ].join('\n\n');
    const inv = await scan({
      layers: [
        {
          entries: [
            {
              path: 'etc/os-release',
              content: readFileSync(fixture('os-release', 'debian-12', 'os-release')),
            },
            { path: 'var/lib/dpkg/status', content: `${status}\n` },
            { path: 'usr/bin/dpkg', content: 'x', mode: 0o755 },
          ],
        },
      ],
    });
    assert.deepEqual(names(inv, 'deb'), ['libssl3@3.0.11-1~deb12u2#0', 'tzdata@2024a-0+deb12u1#0']);
    assert.equal(inv.packages.find((p) => p.name === 'libssl3')?.source?.name, 'openssl');
  });

  test('language packages owned by an OS package are not reported twice', async () => {
    const inv = await scan({
      layers: [
        {
          entries: [
            { path: 'etc/os-release', content: ALPINE_RELEASE },
            {
              path: 'lib/apk/db/installed',
              content: apkDb(
                apkRecord('py3-six', '1.16.0-r9', 'py-six', [
                  'usr/lib/python3.11/site-packages/six-1.16.0.dist-info/METADATA',
                ]),
              ),
            },
            {
              path: 'usr/lib/python3.11/site-packages/six-1.16.0.dist-info/METADATA',
              content: 'Metadata-Version: 2.1\nName: six\nVersion: 1.16.0\n',
            },
            {
              path: 'app/venv/lib/python3.11/site-packages/requests-2.31.0.dist-info/METADATA',
              content: 'Metadata-Version: 2.1\nName: requests\nVersion: 2.31.0\nLicense: Apache 2.0\n',
            },
          ],
        },
      ],
    });
    assert.deepEqual(names(inv, 'pypi'), ['requests@2.31.0#0']);
    assert.deepEqual(names(inv, 'apk'), ['py3-six@1.16.0-r9#0']);
  });

  // One image per provider sample: os-release alone (plus the vendor signals that define the provider).
  const PROVIDERS: Record<string, [distro: string, provider: string, model?: string]> = {
    wolfi: ['wolfi', 'wolfi'],
    chainguard: ['chainguard', 'chainguard'],
    minimos: ['minimos', 'minimus'],
    echo: ['echo', 'echo'],
    'dhi-current-debian-13': ['debian', 'docker-hardened-images', 'current'],
    'dhi-current-alpine-3.22': ['alpine', 'docker-hardened-images', 'current'],
    'dhi-upcoming-alpine-3.24': ['dhi', 'docker-hardened-images', 'upcoming'],
    'dhi-upcoming-debian-13': ['dhi', 'docker-hardened-images', 'upcoming'],
    'photon-3.0': ['photon', 'photon'],
    'debian-12': ['debian', 'traditional'],
    'ubuntu-22.04': ['ubuntu', 'traditional'],
    'rhel-9': ['rhel', 'traditional'],
    'alpine-3.18': ['alpine', 'traditional'],
    'azurelinux-3.0': ['azurelinux', 'traditional'],
    amazon: ['amazon', 'traditional'],
  };
  for (const [sample, [distro, provider, model]] of Object.entries(PROVIDERS)) {
    test(`provider sample ${sample} → ${provider}${model ? ` (${model})` : ''}`, async () => {
      const dir = fixture('os-release', sample);
      const entries = readdirSync(dir).map((name) => ({
        path: `etc/${name}`,
        content: readFileSync(join(dir, name)),
      }));
      const inv = await scan({ layers: [{ entries }] });
      assert.equal(inv.distro?.id, distro);
      assert.equal(inv.provider.name, provider);
      assert.equal(inv.provider.model, model);
      assert.ok(inv.provider.evidence.length > 0, 'the decision comes with evidence');
      if (distro === 'wolfi' || distro === 'chainguard' || distro === 'minimos') {
        assert.equal(inv.distro?.rolling, true);
        assert.equal(inv.distro?.version, undefined);
      }
    });
  }

  test('Wolfi with Chainguard repositories is Chainguard; distroless Debian is recognised', async () => {
    const wolfi = await scan({
      layers: [
        {
          entries: [
            { path: 'etc/os-release', content: readFileSync(fixture('os-release', 'wolfi', 'os-release')) },
            { path: 'etc/apk/repositories', content: 'https://apk.cgr.dev/chainguard\n' },
          ],
        },
      ],
    });
    assert.equal(wolfi.provider.name, 'chainguard');
    assert.ok(wolfi.provider.evidence.some((e) => e.detail.includes('apk.cgr.dev')));

    const distroless = await scan({
      layers: [
        {
          entries: [
            {
              path: 'etc/os-release',
              content: readFileSync(fixture('os-release', 'debian-distroless-11', 'os-release')),
            },
            {
              path: 'var/lib/dpkg/status.d/base-files',
              content: `${dpkgStanza('base-files', '11.1+deb11u9')}\n`,
            },
            {
              path: 'var/lib/dpkg/status.d/libc6',
              content: `${dpkgStanza('libc6', '2.31-13+deb11u8', 'install ok installed', 'glibc')}\n`,
            },
          ],
        },
      ],
    });
    assert.equal(distroless.provider.name, 'google-distroless');
    assert.deepEqual(names(distroless, 'deb'), ['base-files@11.1+deb11u9#0', 'libc6@2.31-13+deb11u8#0']);
  });

  test('DHI derived image: the chain-id label marks the base layers', async () => {
    const { chainIDs } = await import('../../src/inventory/base.js');
    const baseLayer = {
      entries: [
        {
          path: 'etc/os-release',
          content: readFileSync(fixture('os-release', 'dhi-current-debian-13', 'os-release')),
        },
        {
          path: 'var/lib/dpkg/status.d/libc6',
          content: `${dpkgStanza('libc6', '2.41-12', 'install ok installed', 'glibc')}\n`,
        },
      ],
    };
    const appLayer = {
      entries: [{ path: 'app/node_modules/express/package.json', content: pkgJson('express', '4.21.2') }],
    };
    // Build once to learn the base layer's diffID, then label the derived image with its chain ID.
    const probe = await scan({ layers: [baseLayer] });
    const chain = chainIDs([probe.layers[0]!.diffID])[0]!;
    const inv = await scan({ layers: [baseLayer, appLayer], labels: { 'com.docker.dhi.chain-id': chain } });
    assert.equal(inv.base?.method, 'dhi-chain-id');
    assert.equal(inv.base?.layerCount, 1);
    assert.equal(inv.packages.find((p) => p.name === 'libc6')?.layer?.base, true);
    assert.equal(inv.packages.find((p) => p.name === 'express')?.layer?.base, false);
    assert.equal(inv.provider.name, 'docker-hardened-images');
  });
});
