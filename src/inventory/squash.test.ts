import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { FileFacts } from '../analyzers/types.js';
import { KeelsonError } from '../core/errors.js';
import type { LayerFacts } from '../layers/walker.js';
import { resolvePath, squash } from './squash.js';

function layer(parts: Partial<LayerFacts> & { paths?: string[] }): LayerFacts {
  const files: Record<string, Record<string, FileFacts>> = { ...(parts.files ?? {}) };
  for (const p of parts.paths ?? []) files[p] = { t: { present: true } };
  return {
    files,
    whiteouts: parts.whiteouts ?? [],
    opaqueDirs: parts.opaqueDirs ?? [],
    symlinks: parts.symlinks ?? {},
    warnings: [],
    incomplete: false,
    entries: 0,
    uncompressedBytes: 0,
  };
}

const visible = (layers: LayerFacts[]) =>
  [...squash(layers).files.entries()].map(([p, v]) => `${p}@${v.layer}`).sort();

describe('squash', () => {
  test('later layers overwrite, whiteouts delete files and whole trees', () => {
    assert.deepEqual(
      visible([
        layer({ paths: ['a/x', 'a/y', 'b/z', 'keep'] }),
        layer({ paths: ['a/x'], whiteouts: ['b', 'a/y'] }),
      ]),
      ['a/x@1', 'keep@0'],
    );
  });

  test('a whiteout acts only on lower layers, not on its own layer', () => {
    assert.deepEqual(visible([layer({ paths: ['f'] }), layer({ paths: ['f'], whiteouts: ['f'] })]), ['f@1']);
  });

  test('opaque directories hide lower content but keep their own layer and siblings', () => {
    assert.deepEqual(
      visible([
        layer({ paths: ['var/cache/a', 'var/cache/sub/b', 'var/cachex/c'] }),
        layer({ paths: ['var/cache/new'], opaqueDirs: ['var/cache'] }),
      ]),
      ['var/cache/new@1', 'var/cachex/c@0'],
    );
  });

  test('a package DB removed in a later layer disappears; re-added it starts a new history', () => {
    const view = squash([
      layer({ paths: ['var/lib/dpkg/status'] }),
      layer({ whiteouts: ['var/lib/dpkg/status'] }),
      layer({ paths: ['var/lib/dpkg/status'] }),
      layer({ paths: ['var/lib/dpkg/status'] }),
    ]);
    assert.deepEqual(
      view.history.get('var/lib/dpkg/status')?.map((v) => v.layer),
      [2, 3],
    );
  });

  test('a symlink replacing a directory hides what was under it', () => {
    assert.deepEqual(
      visible([layer({ paths: ['opt/app/x', 'opt/other'] }), layer({ symlinks: { 'opt/app': 'srv/app' } })]),
      ['opt/other@0'],
    );
  });

  test('resolvePath follows links in every component and stops loops', () => {
    const view = squash([
      layer({
        paths: ['usr/lib/os-release'],
        symlinks: {
          'etc/os-release': 'usr/lib/os-release',
          lib: 'usr/lib',
          a: 'b',
          b: 'a',
          'etc/loop': 'etc/loop',
        },
      }),
    ]);
    assert.equal(resolvePath(view, 'etc/os-release'), 'usr/lib/os-release');
    assert.equal(resolvePath(view, 'lib/os-release'), 'usr/lib/os-release');
    assert.equal(resolvePath(view, 'plain/path'), 'plain/path');
    for (const p of ['a', 'etc/loop', 'a/deeper']) {
      assert.throws(
        () => resolvePath(view, p),
        (e: unknown) => e instanceof KeelsonError && e.code === 'UNSAFE_PATH' && /loop/.test(e.message),
      );
    }
  });
});
