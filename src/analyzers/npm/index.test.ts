import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { EntryInfo } from '../types.js';
import { isInstalledManifest, npmAnalyzer } from './index.js';

const file: EntryInfo = { path: '', size: 100, mode: 0o644, type: 'file' };
const noSiblings = { sibling: () => undefined };

describe('npmAnalyzer.wants', () => {
  test('installed manifests at any depth, scoped or not, and lock files', () => {
    for (const path of [
      'usr/lib/node_modules/npm/node_modules/which/package.json',
      'usr/lib/node_modules/npm/package.json',
      'app/node_modules/a/node_modules/b/package.json',
      'node_modules/wheel/package.json',
      'app/node_modules/@babel/core/package.json',
      'app/node_modules/a/node_modules/@types/node/package.json',
      'package-lock.json',
      'srv/app/package-lock.json',
    ]) {
      assert.equal(npmAnalyzer.wants(path, { ...file, path }), true, path);
    }
  });

  test('not project manifests, files inside packages, scope folders, hidden lock files or non-files', () => {
    for (const path of [
      'app/package.json',
      'package.json',
      'app/node_modules/a/lib/package.json',
      'app/node_modules/@babel/package.json',
      'app/node_modules/.bin/package.json',
      'app/node_modules/@/x/package.json',
      'app/node_modules/.package-lock.json',
      'app/my-package-lock.json',
      'app/node_modules/a/package.json.bak',
    ]) {
      assert.equal(npmAnalyzer.wants(path, { ...file, path }), false, path);
    }
    const link = 'app/node_modules/a/package.json';
    assert.equal(npmAnalyzer.wants(link, { ...file, path: link, type: 'symlink' }), false);
    assert.equal(isInstalledManifest('node_modules/@scope/name/package.json'), true);
  });
});

describe('npmAnalyzer.analyze', () => {
  test('routes lock files and manifests to their parsers', () => {
    const manifest = npmAnalyzer.analyze(
      {
        path: 'usr/lib/node_modules/npm/node_modules/which/package.json',
        content: Buffer.from('{"name":"which","version":"2.0.2","license":"ISC"}'),
        mode: 0o644,
      },
      noSiblings,
    );
    assert.equal(manifest?.packages?.[0]?.metadata, undefined);
    assert.equal(
      manifest?.packages?.[0]?.location,
      'usr/lib/node_modules/npm/node_modules/which/package.json',
    );
    const lock = npmAnalyzer.analyze(
      {
        path: 'app/package-lock.json',
        content: Buffer.from('{"lockfileVersion":3,"packages":{"node_modules/which":{"version":"2.0.2"}}}'),
        mode: 0o644,
      },
      noSiblings,
    );
    assert.deepEqual(lock?.packages?.[0]?.metadata, {
      source: 'package-lock',
      installPath: 'app/node_modules/which',
    });
  });

  test('declares its limits', () => {
    assert.equal(npmAnalyzer.name, 'npm');
    assert.equal(npmAnalyzer.maxFileSize, 64 * 1024 * 1024);
    assert.equal(npmAnalyzer.oversize, 'warn');
  });
});
