import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { EntryInfo } from '../types.js';
import { gemsAnalyzer } from './index.js';

const file: EntryInfo = { path: '', size: 100, mode: 0o644, type: 'file' };

describe('gemsAnalyzer', () => {
  test('wants gemspecs directly in specifications/ or specifications/default/', () => {
    for (const path of [
      'usr/lib/ruby/gems/3.1.0/specifications/rake-13.0.6.gemspec',
      'usr/lib/ruby/gems/3.1.0/specifications/default/json-2.6.1.gemspec',
      'usr/local/bundle/specifications/rails-7.1.3.gemspec',
      'var/lib/gems/3.1.0/specifications/bundler-2.4.22.gemspec',
      'specifications/x-1.gemspec',
    ]) {
      assert.equal(gemsAnalyzer.wants(path, { ...file, path }), true, path);
    }
  });

  test('not gemspecs shipped inside gems, cached gems or other files', () => {
    for (const path of [
      'usr/lib/ruby/gems/3.1.0/gems/rake-13.0.6/rake.gemspec',
      'usr/lib/ruby/gems/3.1.0/specifications/nested/x-1.gemspec',
      'usr/lib/ruby/gems/3.1.0/cache/rake-13.0.6.gem',
      'usr/lib/ruby/gems/3.1.0/specifications/rake-13.0.6.gemspec.orig',
      'app/myspecifications/x-1.gemspec',
    ]) {
      assert.equal(gemsAnalyzer.wants(path, { ...file, path }), false, path);
    }
    const link = 'usr/local/bundle/specifications/x-1.gemspec';
    assert.equal(gemsAnalyzer.wants(link, { ...file, path: link, type: 'symlink' }), false);
  });

  test('analyzes with the gemspec parser under a 1 MiB limit', () => {
    const facts = gemsAnalyzer.analyze(
      {
        path: 'usr/local/bundle/specifications/x-1.gemspec',
        content: Buffer.from(
          'Gem::Specification.new do |s|\n  s.name = "x".freeze\n  s.version = "1"\nend\n',
        ),
        mode: 0o644,
      },
      { sibling: () => undefined },
    );
    assert.equal(facts?.packages?.[0]?.name, 'x');
    assert.equal(gemsAnalyzer.maxFileSize, 1024 * 1024);
    assert.equal(gemsAnalyzer.oversize, 'warn');
  });
});
