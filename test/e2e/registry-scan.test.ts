import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { inventoryTarget } from '../../src/inventory/build.js';
import { runCli } from '../helpers/cli.js';
import { type ImageSpec, writeMultiPlatformLayout, writeOciArchive } from '../helpers/image-builder.js';
import { fixture } from '../helpers/paths.js';
import {
  type RegistryUser,
  skopeoCopy,
  startRegistry,
  type TestRegistry,
  writeDockerConfig,
} from '../helpers/registry.js';
import { readTsv } from '../helpers/tsv.js';

/**
 * Images pushed with skopeo into a real docker-registry, scanned by reference through the CLI: Docker
 * v2 and OCI manifests, a multi-platform index, a zstd image, basic auth from a docker config.
 */
const USER: RegistryUser = { username: 'keelson', password: 'pw-registry-scan' };

function apkImage(arch: string, apkArch: string, extra: string[] = []): ImageSpec {
  const record = (name: string, version: string) =>
    `P:${name}\nV:${version}\nA:${apkArch}\no:${name}\nL:MIT\n`;
  return {
    architecture: arch,
    layers: [
      {
        entries: [
          {
            path: 'etc/os-release',
            content: 'ID=alpine\nVERSION_ID=3.20.3\nPRETTY_NAME="Alpine Linux v3.20"\n',
          },
          {
            path: 'lib/apk/db/installed',
            content: `${record('musl', '1.2.5-r0')}\n${record('busybox', '1.36.1-r29')}\n`,
          },
        ],
      },
      {
        entries: [
          {
            path: 'lib/apk/db/installed',
            content: `${[record('musl', '1.2.5-r0'), record('busybox', '1.36.1-r29'), ...extra.map((e) => record(e, '1.0-r0'))].join('\n')}\n`,
          },
        ],
        createdBy: 'RUN apk add …',
      },
    ],
  };
}

describe('scanning by registry reference', () => {
  let registry: TestRegistry;
  let secured: TestRegistry;
  let work: string;

  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'keelson-regscan-'));
    [registry, secured] = await Promise.all([startRegistry(), startRegistry({ user: USER })]);
    const zstdArchive = join(work, 'zstd.oci.tar');
    await writeOciArchive(apkImage('amd64', 'x86_64', ['curl']), zstdArchive);
    await skopeoCopy(`oci-archive:${zstdArchive}`, `docker://${registry.host}/team/zstd:1`, {
      compressFormat: 'zstd',
    });
    await skopeoCopy(
      `docker-archive:${fixture('images', 'alpine-310.tar.gz')}`,
      `docker://${registry.host}/library/alpine:3.10`,
    );
    const multi = await writeMultiPlatformLayout(
      [apkImage('amd64', 'x86_64', ['amd64-only']), apkImage('arm64', 'aarch64', ['arm64-only'])],
      join(work, 'multi'),
      'multi',
    );
    await skopeoCopy(multi, `docker://${registry.host}/team/multi:latest`, { all: true });
    await skopeoCopy(
      `docker-archive:${fixture('images', 'alpine-310.tar.gz')}`,
      `docker://${secured.host}/private/alpine:3.10`,
      {
        destCreds: USER,
      },
    );
  });
  after(async () => {
    await Promise.all([registry?.stop(), secured?.stop()]);
    await rm(work, { recursive: true, force: true });
  });

  const sbomJson = async (target: string, extra: string[] = [], env: NodeJS.ProcessEnv = {}) => {
    const result = await runCli(['sbom', target, '--format', 'json', '--no-cache', ...extra], {
      env: { DOCKER_CONFIG: join(work, 'no-docker-config'), ...env },
    });
    assert.equal(result.code, 0, result.stderr);
    return JSON.parse(result.stdout);
  };

  test('Docker v2 image by tag and by digest: the real alpine 3.10 packages', async () => {
    const expected = readTsv(fixture('images', 'alpine-310.packages.tsv'))
      .map((r) => `${r.name}@${r.version}`)
      .sort();
    const byTag = await sbomJson(`${registry.host}/library/alpine:3.10`);
    assert.equal(byTag.image.sourceType, 'registry');
    assert.deepEqual(
      byTag.packages.map((p: { name: string; version: string }) => `${p.name}@${p.version}`).sort(),
      expected,
    );
    assert.match(byTag.image.manifestDigest, /^sha256:[0-9a-f]{64}$/);
    const byDigest = await sbomJson(`${registry.host}/library/alpine@${byTag.image.manifestDigest}`);
    assert.deepEqual(byDigest.packages, byTag.packages);
    assert.equal(byDigest.distro.id, 'alpine');
  });

  test('a zstd-compressed OCI image, with layer attribution', async () => {
    const inv = await sbomJson(`${registry.host}/team/zstd:1`);
    assert.ok(
      inv.layers.every((l: { mediaType: string }) => l.mediaType.endsWith('+zstd')),
      JSON.stringify(inv.layers),
    );
    assert.deepEqual(
      inv.packages
        .map((p: { name: string; layer: { index: number } }) => `${p.name}#${p.layer.index}`)
        .sort(),
      ['busybox#0', 'curl#1', 'musl#0'],
    );
  });

  test('a multi-platform index: linux/amd64 by default, --platform picks another', async () => {
    const names = (inv: { packages: { name: string; arch: string }[] }) =>
      inv.packages.map((p) => `${p.name}/${p.arch}`).sort();
    const amd64 = await sbomJson(`${registry.host}/team/multi:latest`);
    assert.deepEqual(names(amd64), ['amd64-only/x86_64', 'busybox/x86_64', 'musl/x86_64']);
    assert.deepEqual(amd64.image.platform, { os: 'linux', architecture: 'amd64' });
    const arm64 = await sbomJson(`${registry.host}/team/multi:latest`, ['--platform', 'linux/arm64']);
    assert.deepEqual(names(arm64), ['arm64-only/aarch64', 'busybox/aarch64', 'musl/aarch64']);
    const missing = await runCli([
      'inspect',
      `${registry.host}/team/multi:latest`,
      '--platform',
      'linux/s390x',
      '--no-cache',
    ]);
    assert.equal(missing.code, 2);
    assert.match(
      missing.stderr,
      /no image for platform linux\/s390x \(available: linux\/amd64, linux\/arm64\)/,
    );
  });

  test('basic auth: credentials from the docker config; without them a clear error', async () => {
    const target = `${secured.host}/private/alpine:3.10`;
    const configDir = await writeDockerConfig(join(work, 'docker-config'), { [secured.host]: USER });
    const inv = await sbomJson(target, [], { DOCKER_CONFIG: configDir });
    assert.equal(inv.packages.length, 14);
    const denied = await runCli(['sbom', target, '--no-cache'], {
      env: { DOCKER_CONFIG: join(work, 'none') },
    });
    assert.equal(denied.code, 2);
    assert.match(denied.stderr.trim(), /^keelson: error: .*\[REGISTRY_AUTH\]$/);
    assert.doesNotMatch(denied.stderr, new RegExp(USER.password));
  });

  test('OCI base annotations: the base image is pulled (config only) to mark the base layers', async () => {
    const base = apkImage('amd64', 'x86_64');
    const baseArchive = join(work, 'base.oci.tar');
    await writeOciArchive({ ...base, layers: [base.layers[0]!] }, baseArchive);
    await skopeoCopy(`oci-archive:${baseArchive}`, `docker://${registry.host}/team/base:1`, {
      format: 'oci',
    });
    const pushed = await sbomJson(`${registry.host}/team/base:1`);
    const derivedArchive = join(work, 'derived.oci.tar');
    await writeOciArchive(
      {
        ...base,
        annotations: {
          'org.opencontainers.image.base.name': `${registry.host}/team/base:1`,
          'org.opencontainers.image.base.digest': pushed.image.manifestDigest,
        },
      },
      derivedArchive,
    );
    const inv = await sbomJson(derivedArchive);
    assert.equal(inv.base.method, 'oci-base-annotation');
    assert.equal(inv.base.layerCount, 1);
    assert.deepEqual(
      inv.packages.map(
        (p: { name: string; layer: { base: boolean } }) => `${p.name}:${p.layer.base ? 'base' : 'app'}`,
      ),
      ['busybox:base', 'musl:base'],
    );
    // Unreachable base: a warning, and the scan goes on with the other signals.
    const orphanArchive = join(work, 'orphan.oci.tar');
    await writeOciArchive(
      { ...base, annotations: { 'org.opencontainers.image.base.name': `${registry.host}/team/missing:1` } },
      orphanArchive,
    );
    const orphan = await runCli(['sbom', orphanArchive, '--format', 'json', '--no-cache']);
    assert.equal(orphan.code, 0, orphan.stderr);
    assert.match(
      orphan.stderr,
      /base image .*team\/missing:1 \(from the OCI base annotations\) could not be read/,
    );
  });

  test('a rescan by reference is served from the layer cache', async () => {
    const cacheDir = join(work, 'cache');
    const target = `${registry.host}/team/zstd:1`;
    const first = await inventoryTarget(target, { cacheDir });
    assert.equal(first.stats.layersAnalyzed, 2);
    const second = await inventoryTarget(target, { cacheDir });
    assert.equal(second.stats.layersAnalyzed, 0);
    assert.equal(second.stats.layersFromCache, 2);
    assert.deepEqual(second.packages, first.packages);
  });
});
