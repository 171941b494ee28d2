/**
 * Test helpers for the OSV-family importers: load a fixture folder as FeedFiles, and build tarballs
 * in memory (ustar, enough for the importers' reader). Used only by tests.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { FeedFile } from '../../types.js';

/** Every file under `root` (recursively), with paths relative to `root` using `/`, in sorted order. */
export function loadFeedDir(root: string, filter: (path: string) => boolean = () => true): FeedFile[] {
  const out: FeedFile[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) =>
      a.name.localeCompare(b.name),
    )) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else {
        const path = relative(root, full).split(sep).join('/');
        if (filter(path)) out.push({ path, bytes: readFileSync(full) });
      }
    }
  };
  walk(root);
  return out;
}

function header(name: string, size: number, type = '0'): Buffer {
  const h = Buffer.alloc(512);
  h.write(name, 0, 100, 'utf8');
  h.write('0000644\0', 100, 'latin1');
  h.write('0000000\0', 108, 'latin1');
  h.write('0000000\0', 116, 'latin1');
  h.write(`${size.toString(8).padStart(11, '0')}\0`, 124, 'latin1');
  h.write('00000000000\0', 136, 'latin1');
  h.write('        ', 148, 'latin1');
  h.write(type, 156, 'latin1');
  h.write('ustar\0', 257, 'latin1');
  h.write('00', 263, 'latin1');
  let sum = 0;
  for (const b of h) sum += b;
  h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
  return h;
}

/** A tar archive of the given files (names under 100 bytes), with the end-of-archive blocks. */
export function makeTar(files: Array<{ name: string; bytes: Buffer | string }>): Buffer {
  const parts: Buffer[] = [];
  for (const file of files) {
    const body = Buffer.isBuffer(file.bytes) ? file.bytes : Buffer.from(file.bytes);
    parts.push(header(file.name, body.length), body, Buffer.alloc((512 - (body.length % 512)) % 512));
  }
  parts.push(Buffer.alloc(1024));
  return Buffer.concat(parts);
}

export function makeTarGz(files: Array<{ name: string; bytes: Buffer | string }>): Buffer {
  return gzipSync(makeTar(files));
}
