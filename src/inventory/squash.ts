import type { FileFacts } from '../analyzers/types.js';
import { type ErrorContext, KeelsonError } from '../core/errors.js';
import { ancestors } from '../layers/paths.js';
import type { LayerFacts } from '../layers/walker.js';

/** One version of a file as some layer wrote it. */
export interface FileVersion {
  layer: number;
  facts: Record<string, FileFacts>;
}

/**
 * The filesystem as the container sees it, restricted to what analyzers captured: the visible version
 * of every captured file, every visible symlink, and for each visible file the versions that led to it
 * (for layer attribution).
 */
export interface SquashedView {
  files: Map<string, FileVersion>;
  symlinks: Map<string, { layer: number; target: string }>;
  /** path → versions since the path last appeared (bottom first); the last one is the visible one. */
  history: Map<string, FileVersion[]>;
}

function deleteTree(map: Map<string, unknown>, root: string): string[] {
  const removed: string[] = [];
  const prefix = root === '' ? '' : `${root}/`;
  for (const key of map.keys()) {
    if (key === root || key.startsWith(prefix)) removed.push(key);
  }
  for (const key of removed) map.delete(key);
  return removed;
}

/**
 * Applies the layers bottom to top exactly as the OCI image spec says: a whiteout deletes a path (and
 * everything under it) from lower layers, an opaque marker empties a directory of lower-layer content,
 * and both act only on lower layers, never on entries of their own layer.
 */
export function squash(layers: readonly LayerFacts[]): SquashedView {
  const files = new Map<string, FileVersion>();
  const symlinks = new Map<string, { layer: number; target: string }>();
  const history = new Map<string, FileVersion[]>();
  const forget = (paths: string[]) => {
    for (const p of paths) history.delete(p);
  };

  layers.forEach((layer, index) => {
    for (const dir of layer.opaqueDirs) {
      const prefix = dir === '' ? '' : `${dir}/`;
      forget(deleteTree(files, dir).filter((p) => p !== dir));
      for (const key of [...symlinks.keys()]) if (key.startsWith(prefix) && key !== dir) symlinks.delete(key);
    }
    for (const path of layer.whiteouts) {
      forget(deleteTree(files, path));
      deleteTree(symlinks, path);
    }
    const symlinkPaths = Object.keys(layer.symlinks);
    if (symlinkPaths.length > 0 && files.size > 0) {
      // A symlink replacing a directory hides what lower layers put under it.
      const dirs = new Set<string>();
      for (const p of files.keys()) for (const a of ancestors(p)) dirs.add(a);
      for (const p of symlinkPaths) if (dirs.has(p)) forget(deleteTree(files, p));
    }
    for (const [path, target] of Object.entries(layer.symlinks)) {
      symlinks.set(path, { layer: index, target });
      if (files.delete(path)) history.delete(path);
    }
    for (const [path, facts] of Object.entries(layer.files)) {
      const version = { layer: index, facts };
      files.set(path, version);
      symlinks.delete(path);
      const versions = history.get(path);
      if (versions) versions.push(version);
      else history.set(path, [version]);
    }
  });
  return { files, symlinks, history };
}

const MAX_LINK_HOPS = 40;

/**
 * Resolves a path through the visible symlinks (in every component, as the kernel would, inside the
 * image root). Throws on a loop: a hostile image must not make the scanner spin.
 */
export function resolvePath(view: SquashedView, path: string, context: ErrorContext = {}): string {
  let hops = 0;
  let parts = path.split('/').filter((p) => p !== '');
  let resolved: string[] = [];
  while (parts.length > 0) {
    const next = parts.shift()!;
    const candidate = [...resolved, next].join('/');
    const link = view.symlinks.get(candidate);
    if (!link) {
      resolved.push(next);
      continue;
    }
    if (++hops > MAX_LINK_HOPS) {
      throw new KeelsonError(
        'UNSAFE_PATH',
        `too many levels of symbolic links resolving ${path} (a symlink loop)`,
        {
          ...context,
          file: path,
        },
      );
    }
    resolved = [];
    parts = [...link.target.split('/').filter((p) => p !== ''), ...parts];
  }
  return resolved.join('/');
}
