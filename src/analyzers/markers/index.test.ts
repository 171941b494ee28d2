import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { EntryInfo } from '../types.js';
import { markersAnalyzer } from './index.js';

const entry = (path: string, type: EntryInfo['type'] = 'file'): EntryInfo => ({
  path,
  size: 0,
  mode: 0o755,
  type,
});

describe('markersAnalyzer', () => {
  test('wants package-manager binaries and vendor markers, whatever their entry type', () => {
    const wanted = [
      'usr/bin/dpkg',
      'bin/dpkg',
      'sbin/apk',
      'usr/bin/apk',
      'bin/rpm',
      'usr/bin/rpm',
      'usr/bin/dnf',
      'usr/bin/microdnf',
      'usr/bin/yum',
      'etc/secfixes.d/wolfi',
      'opt/docker/sbom',
      'opt/docker/sbom/.spdx.python.json',
      'opt/docker/sbom/nested/file',
    ];
    for (const path of wanted) {
      assert.equal(markersAnalyzer.wants(path, entry(path)), true, path);
      assert.equal(markersAnalyzer.wants(path, entry(path, 'symlink')), true, path);
    }
    const unwanted = [
      'usr/bin/dpkg-query',
      'usr/sbin/dpkg',
      'opt/docker/sbomx',
      'etc/secfixes.d/alpine',
      'bin',
    ];
    for (const path of unwanted) assert.equal(markersAnalyzer.wants(path, entry(path)), false, path);
  });

  test('records presence only, without reading content', () => {
    assert.equal(markersAnalyzer.presenceOnly, true);
    const facts = markersAnalyzer.analyze(
      { path: 'usr/bin/dpkg', content: Buffer.alloc(0), mode: 0o755 },
      { sibling: () => undefined },
    );
    assert.deepEqual(facts, { present: true });
  });
});
