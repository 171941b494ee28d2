/**
 * Offline bundles for air-gapped sites: a `.tar.gz` holding `keelson-bundle.json` (what is inside, with
 * the database's SHA-256) and `advisories.db`. `keelson db export-bundle` writes one; `keelson db import`
 * verifies and installs it atomically.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip, createGzip } from 'node:zlib';
import { KeelsonError } from '../../core/errors.js';
import { TarParser, type TarSink } from '../../layers/tar.js';
import { readGzipTar } from './gzip-tar.js';
import { AdvisoryDb } from './reader.js';
import { DB_FILE, SCHEMA_VERSION } from './schema.js';
import { sqlite } from './sqlite.js';
import { installDatabase } from './writer.js';

export const BUNDLE_MANIFEST = 'keelson-bundle.json';
const BUNDLE_FORMAT = 'keelson-advisory-bundle';
/** Upper bound for a bundled database (the 300k-advisory benchmark DB is well under this). */
const MAX_DB_BYTES = 8 * 1024 ** 3;

export interface BundleManifest {
  format: typeof BUNDLE_FORMAT;
  formatVersion: 1;
  schemaVersion: number;
  builtAt?: string;
  exportedAt: string;
  sources: { name: string; updatedAt: string; demo: boolean }[];
  database: { file: typeof DB_FILE; sha256: string; size: number };
}

function ustarHeader(name: string, size: number): Buffer {
  const h = Buffer.alloc(512);
  h.write(name, 0, 100, 'utf8');
  h.write('0000644\0', 100, 'latin1');
  h.write('0000000\0', 108, 'latin1');
  h.write('0000000\0', 116, 'latin1');
  h.write(`${size.toString(8).padStart(11, '0')}\0`, 124, 'latin1');
  h.write(
    `${Math.floor(Date.now() / 1000)
      .toString(8)
      .padStart(11, '0')}\0`,
    136,
    'latin1',
  );
  h.write('        ', 148, 'latin1');
  h.write('0', 156, 'latin1');
  h.write('ustar\0', 257, 'latin1');
  h.write('00', 263, 'latin1');
  let sum = 0;
  for (const b of h) sum += b;
  h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
  return h;
}

const padding = (size: number) => Buffer.alloc((512 - (size % 512)) % 512);

/** Writes the current database (compacted copy) and its manifest as a gzipped tar. */
export async function exportBundle(dbDir: string, out: string): Promise<BundleManifest> {
  const db = AdvisoryDb.open(dbDir);
  const work = join(tmpdir(), `keelson-bundle-${randomBytes(6).toString('hex')}`);
  await mkdir(work, { recursive: true });
  try {
    const copy = join(work, DB_FILE);
    const raw = sqlite()(db.path, { readonly: true });
    try {
      raw.prepare('VACUUM INTO ?').run(copy);
    } finally {
      raw.close();
    }
    const bytes = await readFile(copy);
    const builtAt = db.builtAt();
    const manifest: BundleManifest = {
      format: BUNDLE_FORMAT,
      formatVersion: 1,
      schemaVersion: SCHEMA_VERSION,
      ...(builtAt ? { builtAt } : {}),
      exportedAt: new Date().toISOString(),
      sources: db.sources().map((s) => ({ name: s.name, updatedAt: s.updatedAt, demo: s.demo })),
      database: {
        file: DB_FILE,
        sha256: createHash('sha256').update(bytes).digest('hex'),
        size: bytes.length,
      },
    };
    const manifestBytes = Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`);
    const tar = new PassThrough();
    const written = pipeline(tar, createGzip(), createWriteStream(out));
    tar.write(ustarHeader(BUNDLE_MANIFEST, manifestBytes.length));
    tar.write(manifestBytes);
    tar.write(padding(manifestBytes.length));
    tar.write(ustarHeader(DB_FILE, bytes.length));
    tar.write(bytes);
    tar.write(padding(bytes.length));
    tar.end(Buffer.alloc(1024));
    await written;
    return manifest;
  } finally {
    db.close();
    await rm(work, { recursive: true, force: true });
  }
}

/** True when `path` is a gzipped tar whose first entry is a keelson bundle manifest. */
export async function isBundle(path: string): Promise<boolean> {
  const info = await stat(path).catch(() => undefined);
  if (!info?.isFile()) return false;
  let found = false;
  const parser = new TarParser({
    entry: (h) => {
      if (h.name === BUNDLE_MANIFEST) found = true;
      return undefined;
    },
  });
  try {
    const gunzip = createGunzip();
    const source = createReadStream(path, { end: 64 * 1024 });
    source.pipe(gunzip);
    for await (const chunk of gunzip) {
      parser.write(chunk as Buffer);
      if (found || parser.entries > 0) break;
    }
    source.destroy();
  } catch {
    return found;
  }
  return found;
}

/** Verifies a bundle (manifest, checksum, schema) and installs its database in `dbDir`. */
export async function importBundle(path: string, dbDir: string): Promise<BundleManifest> {
  const work = join(tmpdir(), `keelson-bundle-${randomBytes(6).toString('hex')}`);
  await mkdir(work, { recursive: true });
  try {
    let manifestText = '';
    const hash = createHash('sha256');
    let dbBytes = 0;
    const dbFile = join(work, DB_FILE);
    const dbOut = createWriteStream(dbFile);
    const parser = new TarParser(
      {
        entry: (h): TarSink | undefined => {
          if (h.type !== 'file') return undefined;
          if (h.name === BUNDLE_MANIFEST) {
            if (h.size > 1024 * 1024)
              throw new KeelsonError('PARSE_ERROR', 'bundle manifest is too large', { file: path });
            return {
              data: (c) => {
                manifestText += c.toString('utf8');
              },
              end: () => {},
            };
          }
          if (h.name === DB_FILE) {
            if (h.size > MAX_DB_BYTES)
              throw new KeelsonError('PARSE_ERROR', `bundle database is larger than ${MAX_DB_BYTES} bytes`, {
                file: path,
              });
            return {
              data: (c) => {
                dbBytes += c.length;
                hash.update(c);
                dbOut.write(c);
              },
              end: () => {},
            };
          }
          return undefined;
        },
      },
      { file: path },
    );
    try {
      await readGzipTar(path, parser, 'bundle');
    } finally {
      await new Promise<void>((resolve) => dbOut.end(resolve));
    }
    if (!manifestText)
      throw new KeelsonError('PARSE_ERROR', `no ${BUNDLE_MANIFEST} in the bundle`, { file: path });
    let manifest: BundleManifest;
    try {
      manifest = JSON.parse(manifestText) as BundleManifest;
    } catch {
      throw new KeelsonError('PARSE_ERROR', `${BUNDLE_MANIFEST} is not JSON`, { file: path });
    }
    if (manifest?.format !== BUNDLE_FORMAT || typeof manifest.database?.sha256 !== 'string')
      throw new KeelsonError('PARSE_ERROR', `${BUNDLE_MANIFEST} is not a keelson bundle manifest`, {
        file: path,
      });
    const digest = hash.digest('hex');
    if (dbBytes === 0) throw new KeelsonError('PARSE_ERROR', `no ${DB_FILE} in the bundle`, { file: path });
    if (digest !== manifest.database.sha256)
      throw new KeelsonError(
        'DIGEST_MISMATCH',
        `bundle database has sha256 ${digest}, the manifest says ${manifest.database.sha256}`,
        { file: path },
      );
    await installDatabase(dbDir, dbFile);
    await writeFile(join(work, 'done'), '');
    return manifest;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
