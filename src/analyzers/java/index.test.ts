import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { zipSync } from 'fflate';
import type { EntryInfo } from '../types.js';
import { javaAnalyzer } from './index.js';

const file: EntryInfo = { path: '', size: 100, mode: 0o644, type: 'file' };

describe('javaAnalyzer', () => {
  test('wants Java archives by extension in any case', () => {
    for (const path of [
      'opt/app.jar',
      'webapps/ROOT.WAR',
      'x/app.ear',
      'var/jenkins_home/plugins/git.jpi',
      'p/x.hpi',
      'a.Jar',
    ]) {
      assert.equal(javaAnalyzer.wants(path, { ...file, path }), true, path);
    }
    for (const path of ['opt/app.jar.sha1', 'opt/jar', 'opt/app.zip', 'opt/appjar']) {
      assert.equal(javaAnalyzer.wants(path, { ...file, path }), false, path);
    }
    assert.equal(javaAnalyzer.wants('opt/app.jar', { ...file, path: 'opt/app.jar', type: 'symlink' }), false);
  });

  test('sniffs zip local-file and empty-archive signatures', () => {
    assert.equal(javaAnalyzer.sniffBytes, 4);
    assert.equal(javaAnalyzer.sniff?.(Buffer.from('PK\x03\x04rest', 'latin1')), true);
    assert.equal(javaAnalyzer.sniff?.(Buffer.from('PK\x05\x06', 'latin1')), true);
    assert.equal(javaAnalyzer.sniff?.(Buffer.from('#!/bin/sh\n', 'latin1')), false);
    assert.equal(javaAnalyzer.sniff?.(Buffer.from('PK', 'latin1')), false);
    assert.equal(javaAnalyzer.maxFileSize, 128 * 1024 * 1024);
    assert.equal(javaAnalyzer.oversize, 'warn');
  });

  test('analyzes an archive, including an empty one', () => {
    const jar = Buffer.from(
      zipSync({
        'META-INF/maven/g/a/pom.properties': new TextEncoder().encode('groupId=g\nartifactId=a\nversion=1\n'),
      }),
    );
    const facts = javaAnalyzer.analyze(
      { path: 'a.jar', content: jar, mode: 0o644 },
      { sibling: () => undefined },
    );
    assert.equal(facts?.packages?.[0]?.name, 'g:a');
    const empty = javaAnalyzer.analyze(
      { path: 'e.jar', content: Buffer.from(zipSync({})), mode: 0o644 },
      { sibling: () => undefined },
    );
    assert.deepEqual(empty, { packages: [] });
  });
});
