import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Inventory, Package } from '../core/types.js';
import type { ScanOutcome } from '../matching/scan.js';
import type { Finding } from '../matching/types.js';
import { finding, result } from '../policy/test-findings.js';
import { compareScans, compareVersions, renderComparison } from './compare.js';

function pkg(name: string, version: string, type: Package['type'] = 'apk'): Package {
  return {
    name,
    version,
    type,
    location: 'lib/apk/db/installed',
    purl: `pkg:${type}/${name}@${version}`,
    foundBy: 'test',
  };
}

function outcome(opts: {
  packages: Package[];
  findings: Finding[];
  distro?: string;
  base?: string[];
  layers?: string[];
}): ScanOutcome {
  const layers = (opts.layers ?? ['sha256:base1', 'sha256:app1']).map((diffID, index) => ({ index, diffID }));
  const inventory = {
    schemaVersion: 1,
    image: { target: 'x.tar', sourceType: 'docker-archive', annotations: {} },
    layers,
    ...(opts.distro ? { distro: { id: 'alpine', version: opts.distro } } : {}),
    provider: { name: 'traditional', evidence: [] },
    ...(opts.base ? { base: { layerCount: opts.base.length, method: 'base-image', detail: 'test' } } : {}),
    packages: opts.packages,
    embeddedSboms: [],
    warnings: [],
    complete: true,
    stats: { layersFromCache: 0, layersAnalyzed: 0, bytesRead: 0 },
  } as unknown as Inventory;
  return { result: result(opts.findings), inventory };
}

describe('compareScans', () => {
  const a = outcome({
    distro: '3.10',
    base: ['sha256:base1'],
    packages: [
      pkg('openssl', '1.1.1d-r2'),
      pkg('musl', '1.1.22-r3'),
      pkg('zlib', '1.2.11-r1'),
      pkg('old', '1'),
      pkg('lodash', '4.17.20', 'npm'),
      pkg('lodash', '3.0.0', 'npm'),
    ],
    findings: [
      finding({ id: 'CVE-1', pkg: 'openssl', version: '1.1.1d-r2', level: 'critical', fixed: ['1.1.1k-r0'] }),
      finding({ id: 'CVE-2', pkg: 'musl', version: '1.1.22-r3', level: 'medium' }),
      finding({ id: 'CVE-3', pkg: 'zlib', version: '1.2.11-r1', level: 'low' }),
      finding({ id: 'CVE-4', pkg: 'old', version: '1', level: 'high', suppressed: true }),
    ],
  });
  const b = outcome({
    distro: '3.11',
    base: ['sha256:base2'],
    layers: ['sha256:base2', 'sha256:app1'],
    packages: [
      pkg('openssl', '1.1.1k-r0'),
      pkg('musl', '1.1.20-r1'),
      pkg('zlib', '1.2.11-r1'),
      pkg('curl', '7.1'),
      pkg('lodash', '4.17.21', 'npm'),
      pkg('lodash', '3.0.0', 'npm'),
    ],
    findings: [
      finding({ id: 'CVE-2', pkg: 'musl', version: '1.1.20-r1', level: 'medium' }),
      finding({ id: 'CVE-3', pkg: 'zlib', version: '1.2.11-r1', level: 'low', suppressed: true }),
      finding({ id: 'CVE-5', pkg: 'curl', version: '7.1', level: 'high', fixed: ['7.2'] }),
    ],
  });

  test('packages: upgraded, downgraded, added, removed, unchanged', () => {
    const c = compareScans(a, b);
    assert.deepEqual(c.packages.upgraded, [
      { type: 'npm', name: 'lodash', from: '4.17.20', to: '4.17.21' },
      { type: 'apk', name: 'openssl', from: '1.1.1d-r2', to: '1.1.1k-r0' },
    ]);
    assert.deepEqual(c.packages.downgraded, [
      { type: 'apk', name: 'musl', from: '1.1.22-r3', to: '1.1.20-r1' },
    ]);
    assert.deepEqual(c.packages.added, [{ type: 'apk', name: 'curl', version: '7.1' }]);
    assert.deepEqual(c.packages.removed, [{ type: 'apk', name: 'old', version: '1' }]);
    assert.equal(c.packages.unchanged, 2, 'zlib and the second lodash');
  });

  test('findings: fixed (gone or now suppressed), new, unchanged; suppressed ones in A do not count', () => {
    const c = compareScans(a, b);
    assert.deepEqual(
      c.findings.fixed.map((f) => [f.id, f.how]),
      [
        ['CVE-1', 'gone'],
        ['CVE-3', 'suppressed'],
      ],
    );
    assert.deepEqual(
      c.findings.new.map((f) => f.id),
      ['CVE-5'],
    );
    assert.deepEqual(
      c.findings.unchanged.map((f) => [f.id, f.version]),
      [['CVE-2', '1.1.20-r1']],
    );
    assert.equal(c.a.actionable, 3);
    assert.equal(c.b.actionable, 2);
  });

  test('base image change: distro and base layers', () => {
    const c = compareScans(a, b);
    assert.equal(c.base.changed, true);
    assert.deepEqual(c.base.a.baseLayers, ['sha256:base1']);
    assert.match(c.base.reasons.join('; '), /distro alpine 3.10 → alpine 3.11; base layers differ/);
    const same = compareScans(a, a);
    assert.equal(same.base.changed, false);
    assert.equal(same.findings.fixed.length + same.findings.new.length, 0);
    assert.equal(same.packages.unchanged, a.inventory.packages.length);
  });

  test('a comparison is symmetric: what is fixed one way is new the other way', () => {
    const ab = compareScans(a, b);
    const ba = compareScans(b, a);
    assert.deepEqual(
      ab.packages.upgraded.map((x) => x.name),
      ba.packages.downgraded
        .map((x) => x.name)
        .reverse()
        .sort(),
    );
    assert.deepEqual(ba.findings.new.map((f) => f.id).sort(), ['CVE-1', 'CVE-3']);
  });

  test('table text names every change', () => {
    const text = renderComparison(compareScans(a, b));
    assert.match(text, /Base image CHANGED: distro alpine 3.10 → alpine 3.11/);
    assert.match(text, /Packages: 1 added, 1 removed, 2 upgraded, 1 downgraded, 2 unchanged/);
    assert.match(text, /↑ openssl 1\.1\.1d-r2 → 1\.1\.1k-r0/);
    assert.match(text, /Findings: 2 fixed, 1 new, 1 unchanged/);
    assert.match(text, /new {4}high {5}CVE-5 in curl 7\.1 \(fixed in 7\.2\)/);
  });

  test('versions a scheme cannot order are "changed", not guessed', () => {
    assert.equal(compareVersions('apk', '1.0-r0', 'not a version!'), undefined);
    assert.equal(compareVersions('dhi', '1', '2'), undefined);
    assert.ok((compareVersions('deb', '1:1.0', '2.0') ?? 0) > 0);
  });
});
