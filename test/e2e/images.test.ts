import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Inventory } from '../../src/core/types.js';
import { openTarget } from '../../src/image/open.js';
import { inventoryImage, inventoryTarget } from '../../src/inventory/build.js';
import { fixture } from '../helpers/paths.js';
import { readTsv } from '../helpers/tsv.js';

/** The real image archives in test/fixtures/images, each in the layout a user would hand us. */
describe('real image archives', () => {
  let cacheDir: string;
  before(async () => {
    cacheDir = await mkdtemp(join(tmpdir(), 'keelson-cache-'));
  });
  after(async () => {
    await rm(cacheDir, { recursive: true, force: true });
  });

  const apkRows = (inv: Inventory) =>
    inv.packages
      .filter((p) => p.type === 'apk')
      .map((p) => [p.name, p.version, p.arch, p.source?.name].join('\t'))
      .sort();
  const expectedRows = (tsv: string) =>
    readTsv(fixture('images', tsv))
      .map((r) => [r.name, r.version, r.arch, r.origin].join('\t'))
      .sort();

  for (const [file, tsv, distroVersion, layout] of [
    ['alpine-310.tar.gz', 'alpine-310.packages.tsv', '3.10.4', 'docker-archive'],
    ['alpine-311.tar.gz', 'alpine-311.packages.tsv', '3.11.5', 'docker-archive'],
    ['containerd-alpine-3.14.tar', 'containerd-alpine-3.14.packages.tsv', '3.14.9', 'oci-archive'],
  ] as const) {
    test(`${file}: every apk package, with origin, distro and layer`, async () => {
      const inv = await inventoryTarget(fixture('images', file), { cacheDir });
      assert.equal(inv.image.sourceType, layout);
      assert.deepEqual(apkRows(inv), expectedRows(tsv));
      assert.equal(inv.distro?.id, 'alpine');
      assert.equal(inv.distro?.version, distroVersion);
      assert.equal(inv.provider.name, 'traditional');
      assert.equal(inv.complete, true);
      assert.equal(inv.layers.length, 1);
      for (const p of inv.packages) {
        assert.equal(p.layer?.index, 0);
        assert.equal(p.layer?.diffID, inv.layers[0]!.diffID);
        assert.match(p.purl, new RegExp(`^pkg:apk/alpine/${p.name.replace(/[+]/g, '\\+')}@`));
      }
    });
  }

  test('plain OCI layout archive (busybox): no OS, no packages, and it says so', async () => {
    const inv = await inventoryTarget(fixture('images', 'oci-busybox-1.31.1.tar'), { cacheDir });
    assert.equal(inv.image.sourceType, 'oci-archive');
    assert.equal(inv.distro, undefined);
    assert.equal(inv.provider.name, 'unknown');
    assert.equal(inv.packages.length, 0);
    assert.equal(inv.layers.length, 1);
    assert.match(inv.image.manifestDigest ?? '', /^sha256:/);
  });

  test('skopeo docker-archive with a symlinked layer.tar', async () => {
    const inv = await inventoryTarget(fixture('images', 'docker-archive-skopeo-busybox.tar'), { cacheDir });
    assert.equal(inv.image.sourceType, 'docker-archive');
    assert.equal(inv.layers.length, 1);
    // Its manifest.json names the layer blob, a symlink to the content-addressed file; no RepoTags.
    assert.equal(inv.image.reference, undefined);
    assert.match(inv.layers[0]!.diffID, /^sha256:195be5f8/);
  });

  test('Docker 25+ save (OCI layout plus manifest.json), linux/arm/v7', async () => {
    const inv = await inventoryTarget(fixture('images', 'docker-oci-busybox-armv7.tar'), { cacheDir });
    // Read through its OCI index, which carries digests to verify.
    assert.equal(inv.image.sourceType, 'oci-archive');
    assert.deepEqual(inv.image.platform, { os: 'linux', architecture: 'arm', variant: 'v7' });
    assert.equal(inv.image.reference, 'docker.io/library/busybox:latest');
    // Asking for another platform explicitly is an error that lists what the archive has.
    await assert.rejects(
      inventoryTarget(fixture('images', 'docker-oci-busybox-armv7.tar'), {
        platform: { os: 'linux', architecture: 'amd64' },
        platformExplicit: true,
      }),
      /linux\/arm\/v7/,
    );
  });

  test('a rescan is served from the layer cache without reading any layer', async () => {
    const target = fixture('images', 'alpine-310.tar.gz');
    const first = await inventoryTarget(target, { cacheDir });
    const opened = await openTarget(target);
    assert.equal(opened.kind, 'image');
    if (opened.kind !== 'image') return;
    const source = {
      ...opened.source,
      openLayer: async () => {
        throw new Error('layer data must not be read on a warm scan');
      },
    };
    try {
      const second = await inventoryImage(source, { cacheDir });
      assert.equal(second.stats.layersFromCache, 1);
      assert.equal(second.stats.bytesRead, 0);
      assert.deepEqual(second.packages, first.packages);
    } finally {
      await opened.source.close();
    }
  });
});
