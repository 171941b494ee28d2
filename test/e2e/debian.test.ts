import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { inventoryTarget } from '../../src/inventory/build.js';
import { assertValidCycloneDx, assertValidSpdx } from '../../src/sbom/test-schemas.js';
import { runCli } from '../helpers/cli.js';
import { debianBookwormTar, dpkgQuery } from '../helpers/debian.js';
import { writeDockerArchive, writeOciArchive } from '../helpers/image-builder.js';

/**
 * A real Debian 12 image (mmdebstrap minbase), packed by keelson's test helper as an OCI archive: its
 * inventory must equal what dpkg itself says is installed.
 */
describe('Debian 12 from mmdebstrap', () => {
  let work: string;
  let rootfs: string;
  let ociArchive: string;
  let expected: string[];

  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'keelson-debian-'));
    rootfs = await debianBookwormTar();
    ociArchive = join(work, 'debian12.oci.tar');
    await writeOciArchive(
      {
        layers: [
          { tarFile: rootfs, compression: 'gzip', createdBy: 'mmdebstrap --variant=minbase bookworm' },
        ],
      },
      ociArchive,
    );
    await rm(join(work, 'db'), { recursive: true, force: true });
    const db = join(work, 'db');
    execFileSync('mkdir', ['-p', db]);
    expected = dpkgQuery(rootfs, db);
  });
  after(async () => {
    await rm(work, { recursive: true, force: true });
  });

  test('inventory equals dpkg-query -W exactly (every name, version and architecture)', async () => {
    const inv = await inventoryTarget(ociArchive);
    const actual = inv.packages
      .filter((p) => p.type === 'deb')
      .map((p) => `${p.name}\t${p.version}\t${p.arch}`)
      .sort();
    assert.ok(expected.length > 80, `dpkg lists ${expected.length} packages`);
    assert.deepEqual(actual, expected);
    assert.equal(inv.complete, true, JSON.stringify(inv.warnings));
    assert.equal(inv.distro?.id, 'debian');
    assert.equal(inv.distro?.version, '12');
    assert.equal(inv.distro?.versionCodename, 'bookworm');
    assert.equal(inv.provider.name, 'traditional');
    const libc = inv.packages.find((p) => p.name === 'libc6');
    assert.equal(libc?.source?.name, 'glibc');
    assert.match(
      libc?.purl ?? '',
      /^pkg:deb\/debian\/libc6@[^?]+\?arch=amd64&distro=debian-12&upstream=glibc/,
    );
    // File lists come from info/*.list and are used, not shown: dpkg owns /usr/bin/dpkg.
    assert.ok(inv.packages.find((p) => p.name === 'dpkg')?.files?.includes('usr/bin/dpkg'));
  });

  test('the same root filesystem as a docker-archive gives the same packages', async () => {
    const archive = join(work, 'debian12.docker.tar');
    await writeDockerArchive({ layers: [{ tarFile: rootfs }] }, archive);
    const inv = await inventoryTarget(archive);
    assert.deepEqual(
      inv.packages
        .filter((p) => p.type === 'deb')
        .map((p) => `${p.name}\t${p.version}\t${p.arch}`)
        .sort(),
      expected,
    );
  });

  test('keelson sbom writes schema-valid CycloneDX 1.6 and SPDX 2.3 for it', async () => {
    for (const [format, assertValid] of [
      ['cyclonedx', assertValidCycloneDx],
      ['spdx', assertValidSpdx],
    ] as const) {
      const out = join(work, `sbom.${format}.json`);
      const result = await runCli(['sbom', ociArchive, '--format', format, '--output', out, '--no-cache']);
      assert.equal(result.code, 0, result.stderr);
      const doc = JSON.parse(await readFile(out, 'utf8'));
      assertValid(doc);
      const purls: string[] =
        format === 'cyclonedx'
          ? doc.components.map((c: { purl?: string }) => c.purl).filter(Boolean)
          : doc.packages.flatMap((p: { externalRefs?: { referenceLocator: string }[] }) =>
              (p.externalRefs ?? []).map((r) => r.referenceLocator),
            );
      assert.equal(purls.filter((p) => p.startsWith('pkg:deb/debian/')).length, expected.length);
    }
  });

  test('a derived image: base packages stay in layer 0, an added package is app, a removed one is gone', async () => {
    const status = execFileSync('tar', ['-xOf', rootfs, './var/lib/dpkg/status'], {
      maxBuffer: 64 << 20,
    }).toString();
    // Layer 1 rewrites the status file as `apt-get install hello && apt-get purge ncurses-bin` would.
    const stanzas = status.trimEnd().split('\n\n');
    const kept = stanzas.filter((s) => !s.startsWith('Package: ncurses-bin\n'));
    assert.equal(kept.length, stanzas.length - 1);
    const hello = [
      'Package: hello',
      'Status: install ok installed',
      'Priority: optional',
      'Section: devel',
      'Maintainer: Santiago Vila <sanvila@debian.org>',
      'Architecture: amd64',
      'Version: 2.10-3',
      'Description: example package based on GNU hello',
    ].join('\n');
    const newStatus = `${[...kept, hello].join('\n\n')}\n`;
    const spec = {
      layers: [
        { tarFile: rootfs, createdBy: 'mmdebstrap --variant=minbase bookworm' },
        {
          createdBy: 'RUN apt-get install hello && apt-get purge ncurses-bin',
          entries: [
            { path: 'var/lib/dpkg/status', content: newStatus },
            { path: 'usr/bin/hello', content: 'binary', mode: 0o755 },
          ],
        },
      ],
      emptyHistoryAfter: [{ afterLayer: 0, createdBy: '/bin/sh -c #(nop)  CMD ["bash"]' }],
    };
    const derived = join(work, 'derived.oci.tar');
    await writeOciArchive(spec, derived);
    const base = join(work, 'base.oci.tar');
    await writeOciArchive({ layers: [spec.layers[0]!] }, base);

    for (const options of [{}, { baseImage: base }]) {
      const inv = await inventoryTarget(derived, options);
      assert.equal(inv.base?.layerCount, 1);
      assert.equal(inv.base?.method, 'baseImage' in options ? 'base-image' : 'history-heuristic');
      const helloPkg = inv.packages.find((p) => p.name === 'hello');
      assert.equal(helloPkg?.layer?.index, 1);
      assert.equal(helloPkg?.layer?.base, false);
      assert.equal(helloPkg?.layer?.createdBy, spec.layers[1]!.createdBy);
      assert.equal(
        inv.packages.find((p) => p.name === 'ncurses-bin'),
        undefined,
      );
      const bash = inv.packages.find((p) => p.name === 'bash');
      assert.equal(bash?.layer?.index, 0);
      assert.equal(bash?.layer?.base, true);
      assert.equal(inv.packages.filter((p) => p.type === 'deb').length, expected.length);
    }
  });
});
