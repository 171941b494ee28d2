/**
 * The registry client and image source against a real registry (distribution 2.8 via Debian's
 * docker-registry), filled with skopeo from the image fixtures.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { gunzipSync } from 'node:zlib';
import { decompress as zstdDecompress } from 'fzstd';
import { KeelsonError } from '../../src/core/errors.js';
import { MediaTypes } from '../../src/image/manifest.js';
import { RegistryClient } from '../../src/image/registry/client.js';
import { openRegistryImage } from '../../src/image/registry/source.js';
import type { ImageSource } from '../../src/image/types.js';
import { fixture } from '../helpers/paths.js';
import { skopeoCopy, startRegistry, type TestRegistry, writeDockerConfig } from '../helpers/registry.js';

const run = promisify(execFile);
const sha256 = (data: Buffer | string) => `sha256:${createHash('sha256').update(data).digest('hex')}`;

// Facts of the fixtures (read from their manifests and configs with tar and jq-like inspection).
const OCI_BUSYBOX = {
  archive: fixture('images', 'oci-busybox-1.31.1.tar'),
  manifestDigest: 'sha256:320034a9c54581568f3df5587ab46296bdd3eb06435fd7c9dd567bbb71bf0b36',
  manifestSize: 347,
  configDigest: 'sha256:2f2d4db2ef818c1c897eb71421e8a250daf19e21a4ec4c00a549b16ed0c2b46b',
  layerDigest: 'sha256:76df9210b28cbd4bc127844914d0a23937ed213048dc6289b2a2d4f7d675c75e',
  diffID: 'sha256:1be74353c3d0fd55fb5638a52953e6f1bc441e5b1710921db9ec2aa202725569',
};
const ARMV7_BUSYBOX = {
  archive: fixture('images', 'docker-oci-busybox-armv7.tar'),
  manifestDigest: 'sha256:7aabb59a4cd2e069234070f763403f230d03117b93d55ba531952f9f697b19c3',
  manifestSize: 462,
  configDigest: 'sha256:74c89ecc3230154ecfcbab950dbf1e19827a6b2a1e95358c9afe9bb97478ad8a',
};
const SKOPEO_BUSYBOX = {
  archive: fixture('images', 'docker-archive-skopeo-busybox.tar'),
  configDigest: 'sha256:6d5fcfe5ff170471fcc3c8b47631d6d71202a1fd44cf3c147e50c8de21cf0648',
  diffID: 'sha256:195be5f8be1df6709dafbba7ce48f2eee785ab7775b88e0c115d8205407265c5',
};
const ALPINE_310 = {
  archive: fixture('images', 'alpine-310.tar.gz'),
  configDigest: 'sha256:af341ccd2df8b0e2d67cf8dd32e087bfda4e5756ebd1c76bbf3efa0dc246590e',
  diffID: 'sha256:531743b7098cb2aaf615641007a129173f63ed86ca32fe7b5a246a1c47286028',
};
const USER = { username: 'keelson', password: 'correct horse battery' };

async function drain(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Reads every layer through openLayer and checks its bytes against the layer digest. */
async function readAllLayers(source: ImageSource): Promise<Buffer[]> {
  const blobs: Buffer[] = [];
  for (const layer of source.layers) {
    const bytes = await drain(await source.openLayer(layer.index));
    assert.equal(sha256(bytes), layer.digest);
    assert.equal(bytes.length, layer.size);
    blobs.push(bytes);
  }
  return blobs;
}

/**
 * An OCI layout holding a two-platform index (amd64 busybox, arm/v7 busybox). skopeo 1.9 reads
 * one named entry of index.json, so index.json points at the multi-platform index as a blob.
 */
async function multiPlatformLayout(dir: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  await run('tar', ['-xf', OCI_BUSYBOX.archive, '-C', dir, 'blobs']);
  await run('tar', ['-xf', ARMV7_BUSYBOX.archive, '-C', dir, 'blobs']);
  const index = JSON.stringify({
    schemaVersion: 2,
    mediaType: MediaTypes.ociIndex,
    manifests: [
      {
        mediaType: MediaTypes.ociManifest,
        digest: OCI_BUSYBOX.manifestDigest,
        size: OCI_BUSYBOX.manifestSize,
        platform: { architecture: 'amd64', os: 'linux' },
      },
      {
        mediaType: MediaTypes.ociManifest,
        digest: ARMV7_BUSYBOX.manifestDigest,
        size: ARMV7_BUSYBOX.manifestSize,
        platform: { architecture: 'arm', os: 'linux', variant: 'v7' },
      },
    ],
  });
  const indexDigest = sha256(index);
  await writeFile(join(dir, 'blobs', 'sha256', indexDigest.slice('sha256:'.length)), index);
  await writeFile(join(dir, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
  await writeFile(
    join(dir, 'index.json'),
    JSON.stringify({
      schemaVersion: 2,
      manifests: [
        {
          mediaType: MediaTypes.ociIndex,
          digest: indexDigest,
          size: index.length,
          annotations: { 'org.opencontainers.image.ref.name': 'multi' },
        },
      ],
    }),
  );
  return `oci:${dir}:multi`;
}

describe('registry client against docker-registry', () => {
  let registry: TestRegistry;
  let secured: TestRegistry;
  let work: string;

  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'keelson-e2e-registry-'));
    [registry, secured] = await Promise.all([startRegistry(), startRegistry({ user: USER })]);
    const to = (repo: string) => `docker://${registry.host}/${repo}`;
    // zstd first: skopeo 1.9 would reuse an already pushed gzip blob instead of recompressing.
    await skopeoCopy(`oci-archive:${OCI_BUSYBOX.archive}`, to('busybox:zstd'), { compressFormat: 'zstd' });
    await skopeoCopy(`oci-archive:${OCI_BUSYBOX.archive}`, to('busybox:oci'));
    await skopeoCopy(`docker-archive:${SKOPEO_BUSYBOX.archive}`, to('busybox:docker'));
    await skopeoCopy(`docker-archive:${ALPINE_310.archive}`, to('alpine:3.10'));
    await skopeoCopy(await multiPlatformLayout(join(work, 'layout')), to('multi:latest'), { all: true });
    await skopeoCopy(`oci-archive:${OCI_BUSYBOX.archive}`, `docker://${secured.host}/private/busybox:1`, {
      destCreds: USER,
    });
  });

  after(async () => {
    await Promise.all([registry?.stop(), secured?.stop()]);
    if (work) await rm(work, { recursive: true, force: true });
  });

  test('an OCI image by tag: identity, config and verified layers', async () => {
    const target = `${registry.host}/busybox:oci`;
    const source = await openRegistryImage(target);
    try {
      assert.deepEqual(source.identity, {
        target,
        sourceType: 'registry',
        reference: `${registry.host}/busybox:oci@${OCI_BUSYBOX.manifestDigest}`,
        manifestDigest: OCI_BUSYBOX.manifestDigest,
        configDigest: OCI_BUSYBOX.configDigest,
        platform: { os: 'linux', architecture: 'amd64' },
        annotations: {},
      });
      assert.deepEqual(source.config.cmd, ['sh']);
      assert.deepEqual(
        source.layers.map((l) => [l.digest, l.diffID, l.mediaType]),
        [[OCI_BUSYBOX.layerDigest, OCI_BUSYBOX.diffID, 'application/vnd.oci.image.layer.v1.tar+gzip']],
      );
      const [blob] = await readAllLayers(source);
      assert.equal(sha256(gunzipSync(blob!)), OCI_BUSYBOX.diffID);
    } finally {
      await source.close();
    }
  });

  test('the same image by digest, and HEAD gives that digest', async () => {
    const client = new RegistryClient({ registry: registry.host });
    try {
      const head = await client.headManifest('busybox', 'oci');
      assert.equal(head.digest, OCI_BUSYBOX.manifestDigest);
      assert.equal(head.mediaType, MediaTypes.ociManifest);
    } finally {
      await client.close();
    }
    const source = await openRegistryImage(`${registry.host}/busybox@${OCI_BUSYBOX.manifestDigest}`);
    try {
      assert.equal(source.identity.reference, `${registry.host}/busybox@${OCI_BUSYBOX.manifestDigest}`);
      assert.equal(source.identity.configDigest, OCI_BUSYBOX.configDigest);
      await readAllLayers(source);
    } finally {
      await source.close();
    }
  });

  for (const [tag, facts] of [
    ['busybox:docker', SKOPEO_BUSYBOX],
    ['alpine:3.10', ALPINE_310],
  ] as const) {
    test(`a docker-archive pushed as ${tag}: Docker v2 manifest, gzip layer whose tar matches the diffID`, async () => {
      const source = await openRegistryImage(`${registry.host}/${tag}`);
      try {
        assert.equal(source.identity.configDigest, facts.configDigest);
        assert.deepEqual(
          source.layers.map((l) => [l.diffID, l.mediaType]),
          [[facts.diffID, 'application/vnd.docker.image.rootfs.diff.tar.gzip']],
        );
        const [blob] = await readAllLayers(source);
        assert.equal(sha256(gunzipSync(blob!)), facts.diffID);
      } finally {
        await source.close();
      }
    });
  }

  test('a zstd layer streams as stored: +zstd media type and zstd magic', async () => {
    const source = await openRegistryImage(`${registry.host}/busybox:zstd`);
    try {
      assert.equal(source.layers.length, 1);
      assert.equal(source.layers[0]!.mediaType, 'application/vnd.oci.image.layer.v1.tar+zstd');
      const [blob] = await readAllLayers(source);
      assert.deepEqual([...blob!.subarray(0, 4)], [0x28, 0xb5, 0x2f, 0xfd]);
      assert.equal(sha256(Buffer.from(zstdDecompress(blob!))), OCI_BUSYBOX.diffID);
    } finally {
      await source.close();
    }
  });

  test('a multi-platform index: linux/amd64 by default, linux/arm/v7 on request', async () => {
    const target = `${registry.host}/multi:latest`;
    const amd64 = await openRegistryImage(target);
    try {
      assert.equal(amd64.config.architecture, 'amd64');
      assert.equal(amd64.config.variant, undefined);
      assert.equal(amd64.identity.manifestDigest, OCI_BUSYBOX.manifestDigest);
      assert.equal(amd64.identity.configDigest, OCI_BUSYBOX.configDigest);
      await readAllLayers(amd64);
    } finally {
      await amd64.close();
    }
    const arm = await openRegistryImage(target, {
      platform: { os: 'linux', architecture: 'arm', variant: 'v7' },
    });
    try {
      assert.equal(arm.config.architecture, 'arm');
      assert.equal(arm.config.variant, 'v7');
      assert.deepEqual(arm.identity.platform, { os: 'linux', architecture: 'arm', variant: 'v7' });
      assert.equal(arm.identity.configDigest, ARMV7_BUSYBOX.configDigest);
      await readAllLayers(arm);
    } finally {
      await arm.close();
    }
    await assert.rejects(
      openRegistryImage(target, { platform: { os: 'linux', architecture: 'ppc64le' } }),
      (err: unknown) =>
        err instanceof KeelsonError &&
        err.code === 'PLATFORM_NOT_FOUND' &&
        err.message.includes('available: linux/amd64, linux/arm/v7'),
    );
  });

  test('a missing tag is REGISTRY_NOT_FOUND', async () => {
    await assert.rejects(openRegistryImage(`${registry.host}/busybox:no-such-tag`), (err: unknown) => {
      return (
        err instanceof KeelsonError &&
        err.code === 'REGISTRY_NOT_FOUND' &&
        err.context.url === `http://${registry.host}/v2/busybox/manifests/no-such-tag`
      );
    });
  });

  test('distribution 2.8 has no referrers API: the tag fallback finds none', async () => {
    const client = new RegistryClient({ registry: registry.host });
    try {
      assert.deepEqual(await client.listReferrers('busybox', OCI_BUSYBOX.manifestDigest), []);
    } finally {
      await client.close();
    }
  });

  describe('htpasswd registry', () => {
    const target = () => `${secured.host}/private/busybox:1`;

    test('good credentials from a docker config open the image', async () => {
      const dir = await writeDockerConfig(join(work, 'good'), { [secured.host]: USER });
      const source = await openRegistryImage(target(), { dockerConfigDir: dir });
      try {
        assert.equal(source.identity.manifestDigest, OCI_BUSYBOX.manifestDigest);
        await readAllLayers(source);
      } finally {
        await source.close();
      }
    });

    test('wrong credentials are REGISTRY_AUTH without the password in the message', async () => {
      const dir = await writeDockerConfig(join(work, 'wrong'), {
        [`http://${secured.host}/v1/`]: { username: USER.username, password: 'wrong-password' },
      });
      await assert.rejects(openRegistryImage(target(), { dockerConfigDir: dir }), (err: unknown) => {
        return (
          err instanceof KeelsonError &&
          err.code === 'REGISTRY_AUTH' &&
          /rejected the credentials/.test(err.message) &&
          !err.message.includes('wrong-password')
        );
      });
    });

    test('no credentials are REGISTRY_AUTH suggesting docker login', async () => {
      const dir = join(work, 'none');
      await mkdir(dir, { recursive: true });
      await assert.rejects(openRegistryImage(target(), { dockerConfigDir: dir }), (err: unknown) => {
        return (
          err instanceof KeelsonError &&
          err.code === 'REGISTRY_AUTH' &&
          err.message.includes(`docker login ${secured.host}`)
        );
      });
      // The config dir stays untouched: credentials are only read.
      await assert.rejects(readFile(join(dir, 'config.json')));
    });
  });
});
