import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fixture } from '../../test/helpers/paths.js';
import { KeelsonError } from '../core/errors.js';
import type { Inventory } from '../core/types.js';
import { inventoryTarget } from '../inventory/build.js';
import { renderCycloneDx } from '../sbom/cyclonedx.js';
import { renderSpdx } from '../sbom/spdx.js';
import { openTarget } from './open.js';
import { inventoryFromSbom } from './sbom-input.js';
import { looksLikeSbom, sniffSbomFile } from './sbom-sniff.js';

const opts = { toolVersion: '0.0.0-test', now: new Date('2026-01-01T00:00:00Z'), uuid: () => '0'.repeat(32) };
const enc = (text: string) => new TextEncoder().encode(text);
const key = (p: { name: string; version: string; purl: string; type: string }) =>
  `${p.type} ${p.name} ${p.version} ${p.purl}`;

describe('inventoryFromSbom: keelson SBOMs of the real alpine 3.10 image', () => {
  let image: Inventory;
  before(async () => {
    image = await inventoryTarget(fixture('images', 'alpine-310.tar.gz'));
  });

  for (const [format, render] of [
    ['CycloneDX', renderCycloneDx],
    ['SPDX', renderSpdx],
  ] as const) {
    test(`${format}: same packages, purls, sources, layers and distro`, () => {
      const inv = inventoryFromSbom('alpine.json', enc(render(image, opts)));
      assert.equal(inv.image.sourceType, 'sbom');
      assert.ok(image.packages.length > 10);
      assert.deepEqual(inv.packages.map(key).sort(), image.packages.map(key).sort());
      assert.deepEqual(
        inv.packages.map((p) => `${p.name} ${p.source?.name} ${p.layer?.diffID} ${p.location}`).sort(),
        image.packages.map((p) => `${p.name} ${p.source?.name} ${p.layer?.diffID} ${p.location}`).sort(),
      );
      assert.equal(inv.distro?.id, image.distro?.id);
      assert.equal(inv.distro?.version, image.distro?.version);
      assert.equal(inv.provider.name, image.provider.name);
      assert.deepEqual(inv.warnings, []);
      assert.deepEqual(
        inv.layers.map((l) => l.diffID),
        [...new Set(image.packages.map((p) => p.layer?.diffID))],
      );
    });
  }
});

describe("inventoryFromSbom: another tool's CycloneDX", () => {
  const trivy = {
    bomFormat: 'CycloneDX',
    specVersion: '1.5',
    metadata: { component: { type: 'container', name: 'alpine:3.10', 'bom-ref': 'img' } },
    components: [
      { type: 'operating-system', name: 'alpine', version: '3.10.4', 'bom-ref': 'os' },
      {
        type: 'library',
        name: 'libssl1.1',
        version: '1.1.1d-r2',
        purl: 'pkg:apk/alpine/libssl1.1@1.1.1d-r2?arch=x86_64&distro=3.10.4',
        licenses: [{ license: { name: 'OpenSSL' } }],
        properties: [{ name: 'aquasecurity:trivy:SrcName', value: 'openssl' }],
      },
      {
        type: 'library',
        name: 'musl',
        version: '1.1.22-r3',
        purl: 'pkg:apk/alpine/musl@1.1.22-r3?arch=x86_64&upstream=musl&distro=alpine-3.10.4',
      },
      { type: 'application', name: 'usr/lib/thing', components: [{ type: 'library', name: 'x' }] },
      { type: 'library', name: 'gen', purl: 'pkg:generic/gen@1' },
    ],
  };

  test('distro from the operating-system component, packages from purls, skips counted once', () => {
    const inv = inventoryFromSbom('trivy.cdx.json', enc(JSON.stringify(trivy)));
    assert.equal(inv.distro?.id, 'alpine');
    assert.equal(inv.distro?.version, '3.10.4');
    assert.equal(inv.provider.name, 'unknown');
    assert.deepEqual(
      inv.packages.map((p) => [p.name, p.version, p.purl, p.source?.name ?? null, p.layer ?? null]),
      [
        [
          'libssl1.1',
          '1.1.1d-r2',
          'pkg:apk/alpine/libssl1.1@1.1.1d-r2?arch=x86_64&distro=alpine-3.10.4',
          null,
          null,
        ],
        ['musl', '1.1.22-r3', 'pkg:apk/alpine/musl@1.1.22-r3?arch=x86_64&distro=alpine-3.10.4', 'musl', null],
      ],
    );
    assert.deepEqual(inv.packages[0]?.licenses, ['OpenSSL']);
    assert.equal(inv.warnings.length, 1);
    assert.equal(inv.warnings[0]?.code, 'SBOM_COMPONENTS_SKIPPED');
    assert.match(
      inv.warnings[0]!.message,
      /^3 component\(s\) of trivy\.cdx\.json .*1 unmodelled-type, 2 no-purl/,
    );
  });

  test('distro from purl qualifiers when there is no OS component (debian, wolfi)', () => {
    const deb = {
      bomFormat: 'CycloneDX',
      components: [
        { type: 'library', purl: 'pkg:deb/debian/libc6@2.36-9?arch=amd64&upstream=glibc&distro=debian-12' },
      ],
    };
    const inv = inventoryFromSbom('d.json', enc(JSON.stringify(deb)));
    assert.deepEqual([inv.distro?.id, inv.distro?.version], ['debian', '12']);
    assert.deepEqual(inv.packages[0]?.source, { name: 'glibc', version: '2.36-9' });
    const wolfi = {
      bomFormat: 'CycloneDX',
      components: [{ purl: 'pkg:apk/wolfi/glibc@2.39-r1?arch=x86_64' }],
    };
    const w = inventoryFromSbom('w.json', enc(JSON.stringify(wolfi)));
    assert.deepEqual([w.distro?.id, w.distro?.rolling, w.distro?.version], ['wolfi', true, undefined]);
  });

  test('SPDX from another tool: OPERATING-SYSTEM package and purl external refs', () => {
    const spdx = {
      spdxVersion: 'SPDX-2.2',
      packages: [
        { name: 'alpine', versionInfo: '3.10.4', primaryPackagePurpose: 'OPERATING-SYSTEM' },
        {
          name: 'busybox',
          versionInfo: '1.30.1-r2',
          supplier: 'Organization: Alpine',
          externalRefs: [
            {
              referenceCategory: 'PACKAGE_MANAGER',
              referenceType: 'purl',
              referenceLocator: 'pkg:apk/alpine/busybox@1.30.1-r2',
            },
          ],
        },
        { name: 'nopurl' },
      ],
    };
    const inv = inventoryFromSbom('s.spdx.json', enc(JSON.stringify(spdx)));
    assert.deepEqual([inv.distro?.id, inv.distro?.version], ['alpine', '3.10.4']);
    assert.deepEqual(
      inv.packages.map((p) => [p.name, p.purl, p.supplier]),
      [['busybox', 'pkg:apk/alpine/busybox@1.30.1-r2?distro=alpine-3.10.4', 'Alpine']],
    );
    assert.equal(inv.warnings.length, 1);
  });
});

describe('inventoryFromSbom: hostile input', () => {
  const parseError = (text: string | Uint8Array, pattern: RegExp) =>
    assert.throws(
      () => inventoryFromSbom('bad.json', typeof text === 'string' ? enc(text) : text),
      (err: unknown) =>
        err instanceof KeelsonError &&
        err.code === 'PARSE_ERROR' &&
        /bad\.json/.test(err.message) &&
        pattern.test(err.message),
    );

  test('invalid JSON, truncated, not UTF-8, not an object, not an SBOM, wrong-typed arrays', () => {
    parseError('{"bomFormat": "CycloneDX", "components": [', /not valid UTF-8 JSON/);
    parseError('', /not valid/);
    parseError(new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]), /not valid UTF-8/);
    parseError('[1,2]', /not a JSON object/);
    parseError('{"hello": 1}', /neither a CycloneDX/);
    parseError('{"bomFormat": "CycloneDX", "components": {"a": 1}}', /"components" is not an array/);
    parseError('{"spdxVersion": "SPDX-2.3", "packages": "x"}', /"packages" is not an array/);
  });

  test('wrong-typed fields are skipped and counted, never thrown', () => {
    const doc = {
      bomFormat: 'CycloneDX',
      metadata: 7,
      components: [
        null,
        3,
        'x',
        { purl: 42 },
        { purl: 'not a purl' },
        { purl: `pkg:apk/alpine/${'a'.repeat(5000)}@1` },
        { purl: 'pkg:apk/alpine/ok@1.0-r0', properties: 'x', licenses: [1, { license: 2 }], supplier: 'x' },
        { type: 'operating-system', name: 5 },
      ],
    };
    const inv = inventoryFromSbom('bad.json', enc(JSON.stringify(doc)));
    assert.deepEqual(
      inv.packages.map((p) => p.name),
      ['ok'],
    );
    assert.equal(inv.warnings.length, 1);
    assert.match(inv.warnings[0]!.message, /^6 component/);
  });

  test('100k components and deep nesting finish quickly', () => {
    const components = Array.from({ length: 100_000 }, (_, i) => ({ purl: `pkg:npm/p${i}@1.0.${i}` }));
    const head = JSON.stringify({ bomFormat: 'CycloneDX', components }).slice(0, -2);
    const deep = `${'{"components":['.repeat(5000)}{"purl":"pkg:npm/deep@1"}${']}'.repeat(5000)}`;
    const started = Date.now();
    const inv = inventoryFromSbom('big.json', enc(`${head},${deep}]}`));
    assert.equal(inv.packages.length, 100_000);
    assert.ok(Date.now() - started < 20_000);
    // Nesting past the depth limit is not followed.
    assert.ok(!inv.packages.some((p) => p.name === 'deep'));
  });
});

describe('SBOM targets (openTarget)', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'keelson-sbom-input-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  const sbomPath = async (target: string) => {
    const opened = await openTarget(target);
    if (opened.kind === 'image') await opened.source.close();
    return opened.kind === 'sbom' ? opened.path : undefined;
  };

  test('.json paths, sniffed files and sbom: are SBOMs; images and references are not', async () => {
    const cdx = join(dir, 'bom.cdx');
    await writeFile(cdx, '  {"$schema": "x", "bomFormat": "CycloneDX", "components": []}');
    const other = join(dir, 'notes.txt');
    await writeFile(other, '{"hello": 1}');
    assert.equal(await sbomPath(cdx), cdx);
    assert.equal(await sniffSbomFile(other), false);
    await assert.rejects(sbomPath(other), (err: KeelsonError) => err.code === 'INVALID_IMAGE');
    assert.equal(await sbomPath(`sbom:${other}`), other);
    await assert.rejects(
      sbomPath(join(dir, 'x.json')),
      (err: KeelsonError) => err.code === 'TARGET_NOT_FOUND',
    );
    await writeFile(join(dir, 'x.json'), '{}');
    assert.equal(await sbomPath(join(dir, 'x.json')), join(dir, 'x.json'));
    assert.equal(await sbomPath(fixture('images', 'alpine-310.tar.gz')), undefined);
    assert.equal(await sniffSbomFile(fixture('images', 'alpine-310.tar.gz')), false);
    assert.equal(await sniffSbomFile('alpine:3.10'), false);
    await assert.rejects(sbomPath(`sbom:${join(dir, 'missing')}`), /no such SBOM file/);
    assert.equal(looksLikeSbom(enc('{"spdxVersion": "SPDX-2.3"}')), true);
    assert.equal(looksLikeSbom(new Uint8Array([0x1f, 0x8b, 0x08])), false);
  });
});
