import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { EntryInfo } from '../types.js';
import { pythonAnalyzer } from './index.js';

const file: EntryInfo = { path: '', size: 100, mode: 0o644, type: 'file' };

describe('pythonAnalyzer', () => {
  test('wants dist-info METADATA, egg-info PKG-INFO and distutils egg-info files', () => {
    for (const path of [
      'usr/lib/python3.11/site-packages/requests-2.31.0.dist-info/METADATA',
      'usr/local/lib/python3.9/dist-packages/six-1.16.0.egg-info/PKG-INFO',
      'usr/lib/python3/dist-packages/python_apt-2.6.0.egg-info',
    ]) {
      assert.equal(pythonAnalyzer.wants(path, { ...file, path }), true, path);
    }
  });

  test('ignores other files, directories and links', () => {
    for (const path of [
      'usr/lib/python3.11/site-packages/requests-2.31.0.dist-info/RECORD',
      'usr/lib/python3.11/site-packages/requests-2.31.0.dist-info/METADATA.bak',
      'src/pkg-1.0/PKG-INFO',
      'usr/lib/python3/dist-packages/x.egg-info/SOURCES.txt',
    ]) {
      assert.equal(pythonAnalyzer.wants(path, { ...file, path }), false, path);
    }
    const dir = 'usr/lib/python3/dist-packages/foo-1.0.egg-info';
    assert.equal(pythonAnalyzer.wants(dir, { ...file, path: dir, type: 'dir' }), false);
    const link = 'usr/lib/python3/x.dist-info/METADATA';
    assert.equal(pythonAnalyzer.wants(link, { ...file, path: link, type: 'symlink' }), false);
  });

  test('analyzes through the core metadata parser with a 4 MiB limit', () => {
    const facts = pythonAnalyzer.analyze(
      {
        path: 'a/six-1.16.0.dist-info/METADATA',
        content: Buffer.from('Name: six\nVersion: 1.16.0\n'),
        mode: 0o644,
      },
      { sibling: () => undefined },
    );
    assert.equal(facts?.packages?.[0]?.name, 'six');
    assert.equal(pythonAnalyzer.maxFileSize, 4 * 1024 * 1024);
    assert.equal(pythonAnalyzer.oversize, 'warn');
  });
});
