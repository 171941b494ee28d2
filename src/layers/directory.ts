import { lstat, open, readdir, readFile, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { Analyzer } from '../analyzers/types.js';
import { type ErrorContext, KeelsonError } from '../core/errors.js';
import { resolveLinkTarget } from './paths.js';
import { LayerCollector, type LayerFacts } from './walker.js';

/**
 * Walks a root filesystem on disk as if it were a single layer. Symlinks are recorded, never followed,
 * so loops and links pointing outside the tree cannot lead anywhere.
 */
export async function walkDirectory(
  root: string,
  analyzers: readonly Analyzer[],
  context: ErrorContext,
): Promise<LayerFacts> {
  const collector = new LayerCollector(analyzers, context);
  let entries = 0;
  let bytes = 0;
  const pending: string[] = [''];
  while (pending.length > 0) {
    const rel = pending.pop()!;
    let children: import('node:fs').Dirent[];
    try {
      children = await readdir(join(root, rel), { withFileTypes: true });
    } catch (err) {
      if (rel === '')
        throw new KeelsonError(
          'TARGET_NOT_FOUND',
          `cannot read directory: ${(err as Error).message}`,
          context,
        );
      collector.warn({
        code: 'UNREADABLE',
        message: `cannot read directory: ${(err as Error).message}`,
        file: rel,
      });
      continue;
    }
    for (const child of children) {
      const path = rel === '' ? child.name : `${rel}/${child.name}`;
      entries++;
      if (child.isDirectory()) {
        pending.push(path);
      } else if (child.isSymbolicLink()) {
        collector.facts.symlinks[path] = resolveLinkTarget(path, await readlink(join(root, path)));
      } else if (child.isFile()) {
        bytes += await readFileInto(collector, root, path);
      }
    }
  }
  collector.finishDeferred();
  // Files a windowed analyzer asked to see whole: on disk that is just another read.
  for (const r of collector.rereads) {
    const content = await readFile(join(root, r.source));
    const { mode } = await lstat(join(root, r.source));
    for (const a of r.analyzers)
      collector.analyze(a, r.path, content, mode & 0o7777, { sibling: () => undefined });
  }
  collector.facts.entries = entries;
  collector.facts.uncompressedBytes = bytes;
  return collector.facts;
}

async function readFileInto(collector: LayerCollector, root: string, path: string): Promise<number> {
  const full = join(root, path);
  const st = await lstat(full);
  const sink = collector.fileSink({ path, size: st.size, mode: st.mode & 0o7777, type: 'file' });
  if (!sink) return 0;
  let handle: import('node:fs/promises').FileHandle | undefined;
  try {
    handle = await open(full, 'r');
    const buf = Buffer.allocUnsafe(st.size);
    let filled = 0;
    while (filled < st.size) {
      const { bytesRead } = await handle.read(buf, filled, st.size - filled, filled);
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
    sink.data(buf.subarray(0, filled));
    sink.end();
    return filled;
  } catch (err) {
    if (err instanceof KeelsonError) throw err;
    collector.warn({
      code: 'UNREADABLE',
      message: `cannot read file: ${(err as Error).message}`,
      file: path,
    });
    collector.facts.incomplete = true;
    return 0;
  } finally {
    await handle?.close();
  }
}
