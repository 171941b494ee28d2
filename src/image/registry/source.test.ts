import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { describe, test } from 'node:test';
import { MockAgent } from 'undici';
import { KeelsonError } from '../../core/errors.js';
import { MediaTypes } from '../manifest.js';
import { openRegistryImage } from './source.js';

const ORIGIN = 'https://registry.example.com';
const REPO = 'team/app';
const sha256 = (data: Buffer | string) => `sha256:${createHash('sha256').update(data).digest('hex')}`;

interface TestImage {
  manifest: string;
  manifestDigest: string;
  config: string;
  configDigest: string;
  layer: Buffer;
  layerDigest: string;
}

/** A small image whose layer bytes are arbitrary: the source streams layers without reading them. */
function makeImage(arch: string, variant?: string, layerExtra: Record<string, unknown> = {}): TestImage {
  const layer = Buffer.from(`pretend gzip layer for ${arch}${variant ?? ''}`);
  const config = JSON.stringify({
    architecture: arch,
    os: 'linux',
    ...(variant ? { variant } : {}),
    config: { Env: ['PATH=/usr/bin'], Cmd: ['sh'], Labels: { 'org.example': 'yes' } },
    rootfs: { type: 'layers', diff_ids: [sha256(`diff ${arch}`)] },
    history: [{ created_by: 'ADD rootfs /' }, { created_by: 'CMD ["sh"]', empty_layer: true }],
  });
  const manifest = JSON.stringify({
    schemaVersion: 2,
    mediaType: MediaTypes.ociManifest,
    config: { mediaType: MediaTypes.ociConfig, digest: sha256(config), size: config.length },
    layers: [
      {
        mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip',
        digest: sha256(layer),
        size: layer.length,
        ...layerExtra,
      },
    ],
    annotations: { 'org.opencontainers.image.source': `https://example.com/${arch}` },
  });
  return {
    manifest,
    manifestDigest: sha256(manifest),
    config,
    configDigest: sha256(config),
    layer,
    layerDigest: sha256(layer),
  };
}

function indexOf(images: { image: TestImage; platform: Record<string, string> }[]): string {
  return JSON.stringify({
    schemaVersion: 2,
    mediaType: MediaTypes.ociIndex,
    manifests: images.map(({ image, platform }) => ({
      mediaType: MediaTypes.ociManifest,
      digest: image.manifestDigest,
      size: image.manifest.length,
      platform,
    })),
  });
}

/** An anonymous registry that serves the given manifests (by tag or digest) and blobs, any number of times. */
function serve(
  manifests: Record<string, { body: string; type: string }>,
  blobs: Record<string, Buffer | string>,
) {
  const agent = new MockAgent();
  agent.disableNetConnect();
  const pool = agent.get(ORIGIN);
  pool.intercept({ path: '/v2/' }).reply(200, '{}').persist();
  for (const [reference, { body, type }] of Object.entries(manifests)) {
    pool
      .intercept({ path: `/v2/${REPO}/manifests/${reference}` })
      .reply(200, body, { headers: { 'content-type': type } })
      .persist();
  }
  for (const [digest, body] of Object.entries(blobs)) {
    pool
      .intercept({ path: `/v2/${REPO}/blobs/${digest}` })
      .reply(200, body)
      .persist();
  }
  return agent;
}

function serveImage(image: TestImage, tag = '1.0') {
  const entry = { body: image.manifest, type: MediaTypes.ociManifest };
  return serve(
    { [tag]: entry, [image.manifestDigest]: entry },
    { [image.configDigest]: image.config, [image.layerDigest]: image.layer },
  );
}

async function drain(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function isError(code: string, message?: RegExp) {
  return (err: unknown) => {
    assert.ok(err instanceof KeelsonError, `expected KeelsonError, got ${String(err)}`);
    assert.equal(err.code, code, err.message);
    if (message) assert.match(err.message, message);
    return true;
  };
}

describe('openRegistryImage', () => {
  test('opens a single-platform image by tag: identity, config, layers, verified layer stream', async () => {
    const image = makeImage('amd64');
    const dispatcher = serveImage(image);
    const target = 'registry.example.com/team/app:1.0';
    const source = await openRegistryImage(target, { dispatcher });
    assert.deepEqual(source.identity, {
      target,
      sourceType: 'registry',
      reference: `registry.example.com/team/app:1.0@${image.manifestDigest}`,
      manifestDigest: image.manifestDigest,
      configDigest: image.configDigest,
      platform: { os: 'linux', architecture: 'amd64' },
      annotations: { 'org.opencontainers.image.source': 'https://example.com/amd64' },
    });
    assert.deepEqual(source.config.cmd, ['sh']);
    assert.deepEqual(source.config.labels, { 'org.example': 'yes' });
    assert.deepEqual(source.layers, [
      {
        index: 0,
        digest: image.layerDigest,
        diffID: sha256('diff amd64'),
        mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip',
        size: image.layer.length,
        createdBy: 'ADD rootfs /',
      },
    ]);
    assert.deepEqual(await drain(await source.openLayer(0)), image.layer);
    await assert.rejects(source.openLayer(1), isError('INVALID_ARGUMENT', /out of range/));
    await source.close();
  });

  test('opens by digest', async () => {
    const image = makeImage('amd64');
    const source = await openRegistryImage(`registry.example.com/team/app@${image.manifestDigest}`, {
      dispatcher: serveImage(image),
    });
    assert.equal(source.identity.reference, `registry.example.com/team/app@${image.manifestDigest}`);
    await source.close();
  });

  test('picks the platform from an index: default linux/amd64, or the one asked for', async () => {
    const amd64 = makeImage('amd64');
    const arm64 = makeImage('arm64', 'v8');
    const index = indexOf([
      { image: arm64, platform: { os: 'linux', architecture: 'arm64', variant: 'v8' } },
      { image: amd64, platform: { os: 'linux', architecture: 'amd64' } },
    ]);
    const dispatcher = serve(
      {
        multi: { body: index, type: MediaTypes.ociIndex },
        [amd64.manifestDigest]: { body: amd64.manifest, type: MediaTypes.ociManifest },
        [arm64.manifestDigest]: { body: arm64.manifest, type: MediaTypes.ociManifest },
      },
      {
        [amd64.configDigest]: amd64.config,
        [arm64.configDigest]: arm64.config,
        [amd64.layerDigest]: amd64.layer,
        [arm64.layerDigest]: arm64.layer,
      },
    );
    const byDefault = await openRegistryImage('registry.example.com/team/app:multi', { dispatcher });
    assert.equal(byDefault.identity.manifestDigest, amd64.manifestDigest);
    assert.deepEqual(byDefault.identity.platform, { os: 'linux', architecture: 'amd64' });

    const arm = await openRegistryImage('registry.example.com/team/app:multi', {
      dispatcher,
      platform: { os: 'linux', architecture: 'arm64' },
    });
    assert.equal(arm.identity.manifestDigest, arm64.manifestDigest);
    assert.equal(arm.identity.reference, `registry.example.com/team/app:multi@${arm64.manifestDigest}`);
    assert.deepEqual(await drain(await arm.openLayer(0)), arm64.layer);

    await assert.rejects(
      openRegistryImage('registry.example.com/team/app:multi', {
        dispatcher,
        platform: { os: 'linux', architecture: 's390x' },
      }),
      isError('PLATFORM_NOT_FOUND', /linux\/s390x \(available: linux\/arm64\/v8, linux\/amd64\)/),
    );
  });

  test('an explicitly requested platform must match a single-platform image', async () => {
    const image = makeImage('amd64');
    await assert.rejects(
      openRegistryImage('registry.example.com/team/app:1.0', {
        dispatcher: serveImage(image),
        platform: { os: 'linux', architecture: 'arm64' },
        platformExplicit: true,
      }),
      isError('PLATFORM_NOT_FOUND', /the image is linux\/amd64, not the requested linux\/arm64/),
    );
  });

  test('a layer whose bytes do not match its digest fails the stream with DIGEST_MISMATCH', async () => {
    const image = makeImage('amd64');
    const entry = { body: image.manifest, type: MediaTypes.ociManifest };
    const dispatcher = serve(
      { '1.0': entry },
      {
        [image.configDigest]: image.config,
        [image.layerDigest]: Buffer.from('x'.repeat(image.layer.length)),
      },
    );
    const source = await openRegistryImage('registry.example.com/team/app:1.0', { dispatcher });
    await assert.rejects(drain(await source.openLayer(0)), (err: unknown) => {
      isError('DIGEST_MISMATCH')(err);
      assert.equal((err as KeelsonError).context.layer, image.layerDigest);
      return true;
    });
  });

  test('a config blob that does not match its digest is DIGEST_MISMATCH', async () => {
    const image = makeImage('amd64');
    const dispatcher = serve(
      { '1.0': { body: image.manifest, type: MediaTypes.ociManifest } },
      { [image.configDigest]: image.config.replace('amd64', 'arm64') },
    );
    await assert.rejects(
      openRegistryImage('registry.example.com/team/app:1.0', { dispatcher }),
      (err: unknown) => {
        isError('DIGEST_MISMATCH')(err);
        assert.equal((err as KeelsonError).context.image, 'registry.example.com/team/app:1.0');
        return true;
      },
    );
  });

  test('malformed, schema-invalid and schema-1 manifests are INVALID_MANIFEST', async () => {
    const cases: [string, string, RegExp][] = [
      ['{"schemaVersion": 2, "config": ', 'application/vnd.oci.image.manifest.v1+json', /not valid JSON/],
      [
        '{"schemaVersion": 2, "config": {"digest": "sha256:x"}}',
        MediaTypes.ociManifest,
        /invalid image manifest/,
      ],
      ['[1,2,3]', 'application/json', /invalid image manifest/],
      ['{"schemaVersion": 1, "fsLayers": []}', 'application/json', /schema 1/],
      ['{"schemaVersion": 2, "manifests": "nope"}', MediaTypes.ociIndex, /invalid image index/],
    ];
    for (const [body, type, message] of cases) {
      const dispatcher = serve({ bad: { body, type } }, {});
      await assert.rejects(
        openRegistryImage('registry.example.com/team/app:bad', { dispatcher }),
        isError('INVALID_MANIFEST', message),
      );
    }
  });

  test('an oversized manifest is refused', async () => {
    const dispatcher = serve(
      { big: { body: ' '.repeat(4 * 1024 * 1024 + 10), type: MediaTypes.ociManifest } },
      {},
    );
    await assert.rejects(
      openRegistryImage('registry.example.com/team/app:big', { dispatcher }),
      isError('INVALID_MANIFEST', /larger than the 4 MiB limit/),
    );
  });

  test('an index entry that is itself an index is refused', async () => {
    const inner = JSON.stringify({ schemaVersion: 2, mediaType: MediaTypes.ociIndex, manifests: [] });
    const outer = JSON.stringify({
      schemaVersion: 2,
      mediaType: MediaTypes.ociIndex,
      manifests: [
        {
          mediaType: MediaTypes.ociIndex,
          digest: sha256(inner),
          size: inner.length,
          platform: { os: 'linux', architecture: 'amd64' },
        },
      ],
    });
    const dispatcher = serve(
      {
        nested: { body: outer, type: MediaTypes.ociIndex },
        [sha256(inner)]: { body: inner, type: MediaTypes.ociIndex },
      },
      {},
    );
    await assert.rejects(
      openRegistryImage('registry.example.com/team/app:nested', { dispatcher }),
      isError('INVALID_MANIFEST', /is itself an index/),
    );
  });

  test('foreign layers (with urls) are UNSUPPORTED_TARGET', async () => {
    const image = makeImage('amd64', undefined, { urls: ['https://go.microsoft.com/fwlink/?linkid=1'] });
    await assert.rejects(
      openRegistryImage('registry.example.com/team/app:1.0', { dispatcher: serveImage(image) }),
      isError('UNSUPPORTED_TARGET', /foreign layer/),
    );
  });

  test('a missing tag is REGISTRY_NOT_FOUND and a bad reference INVALID_REFERENCE', async () => {
    const dispatcher = serve({}, {});
    dispatcher
      .get(ORIGIN)
      .intercept({ path: `/v2/${REPO}/manifests/gone` })
      .reply(404, '');
    await assert.rejects(
      openRegistryImage('registry.example.com/team/app:gone', { dispatcher }),
      isError('REGISTRY_NOT_FOUND', /team\/app:gone not found/),
    );
    await assert.rejects(
      openRegistryImage('Registry.example.com/Team/App', { dispatcher }),
      isError('INVALID_REFERENCE'),
    );
  });
});
