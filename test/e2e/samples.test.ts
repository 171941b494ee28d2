import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { inventoryTarget } from '../../src/inventory/build.js';
import { runCli } from '../helpers/cli.js';
import { repoRoot } from '../helpers/paths.js';

/** The bundled samples that `npm start` shows: each must say what it is. */
const sample = (name: string) => join(repoRoot, 'samples', name);

describe('bundled samples', () => {
  test('Wolfi: rolling distro, Wolfi provider, apk base and npm app packages, SBOMs deduplicated', async () => {
    const inv = await inventoryTarget(sample('wolfi-node-demo.oci.tar'));
    assert.equal(inv.distro?.id, 'wolfi');
    assert.equal(inv.distro?.rolling, true);
    assert.equal(inv.provider.name, 'wolfi');
    assert.equal(inv.packages.filter((p) => p.type === 'apk' && p.layer?.base === true).length, 9);
    assert.equal(inv.packages.filter((p) => p.type === 'npm' && p.layer?.base === false).length, 4);
    assert.deepEqual(
      inv.embeddedSboms.map((s) => s.merged),
      [0, 0, 0],
    );
    assert.ok(
      inv.packages.some((p) => p.purl === 'pkg:apk/wolfi/libssl3@3.4.0-r2?arch=x86_64&upstream=openssl'),
    );
  });

  test('DHI app: current model, chain-id boundary, status.d packages in base, pip packages in app', async () => {
    const inv = await inventoryTarget(sample('dhi-python-app-demo.oci.tar'));
    assert.equal(inv.provider.name, 'docker-hardened-images');
    assert.equal(inv.provider.model, 'current');
    assert.equal(inv.base?.method, 'dhi-chain-id');
    assert.deepEqual(
      inv.packages.filter((p) => p.layer?.base === false).map((p) => p.name),
      ['flask', 'jinja2', 'requests', 'urllib3', 'werkzeug'],
    );
    assert.equal(inv.packages.filter((p) => p.type === 'deb').length, 6);
  });

  test('Photon 5: real rpmdb.sqlite, symlinked os-release, photon purls', async () => {
    const inv = await inventoryTarget(sample('photon-5-demo.oci.tar'));
    assert.equal(inv.distro?.id, 'photon');
    assert.equal(inv.distro?.version, '5.0');
    const curl = inv.packages.find((p) => p.name === 'curl-libs');
    assert.equal(curl?.source?.name, 'curl');
    assert.equal(curl?.purl, 'pkg:rpm/photon/curl-libs@8.7.1-1.ph5?arch=x86_64&distro=photon-5.0');
    assert.equal(inv.packages.length, 7);
  });

  test('keelson inspect prints the demo summary for each sample', async () => {
    for (const name of [
      'alpine-3.10.tar.gz',
      'wolfi-node-demo.oci.tar',
      'dhi-python-app-demo.oci.tar',
      'photon-5-demo.oci.tar',
    ]) {
      const result = await runCli(['inspect', sample(name), '--no-cache']);
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, /^Image {5}\S/m);
      assert.match(result.stdout, /^Distro {4}\S/m);
      assert.match(result.stdout, /^Packages {2}\d+ \(/m);
      assert.match(result.stdout, /^Complete {2}yes$/m);
    }
  });
});
