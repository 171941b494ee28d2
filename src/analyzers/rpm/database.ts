/**
 * One rpm database file in, its package headers out: picks the backend by magic bytes (the file name
 * can lie, e.g. a SQLite database left under the BerkeleyDB name) and parses every header image.
 */
import { isKeelsonError, KeelsonError } from '../../core/errors.js';
import { isBdbHash, readBdbBlobs } from './bdb.js';
import type { HeaderBlobs } from './blobs.js';
import { parseRpmHeader, type RpmHeader } from './header.js';
import { isNdb, readNdbBlobs } from './ndb.js';
import { isSqlite, readSqliteBlobs } from './sqlite.js';

export type RpmdbBackend = 'sqlite' | 'bdb' | 'ndb';

export interface RpmdbContents {
  backend: RpmdbBackend;
  /** In rpm's listing order (instance number). */
  headers: RpmHeader[];
  /** Damaged records that were skipped; non-empty means the listing is incomplete. */
  problems: string[];
}

export function detectBackend(content: Buffer): RpmdbBackend | undefined {
  if (isSqlite(content)) return 'sqlite';
  if (isNdb(content)) return 'ndb';
  if (isBdbHash(content)) return 'bdb';
  return undefined;
}

/** `wal` is the SQLite write-ahead log beside the database, when there is one. */
export function readRpmdb(content: Buffer, wal?: Buffer): RpmdbContents {
  const backend = detectBackend(content);
  if (!backend) {
    throw new KeelsonError(
      'PARSE_ERROR',
      `not an rpm database: no SQLite, NDB or BerkeleyDB hash magic in ${content.length} bytes`,
    );
  }
  const { blobs, problems } = readBlobs(backend, content, wal);
  const headers: RpmHeader[] = [];
  for (const blob of blobs) {
    try {
      headers.push(parseRpmHeader(blob.data));
    } catch (err) {
      if (!isKeelsonError(err)) throw err;
      problems.push(`package instance ${blob.instance}: ${err.message}`);
    }
  }
  if (headers.length === 0 && problems.length > 0) {
    throw new KeelsonError('PARSE_ERROR', `no readable package in the ${backend} rpmdb: ${problems[0]}`);
  }
  return { backend, headers, problems };
}

function readBlobs(backend: RpmdbBackend, content: Buffer, wal: Buffer | undefined): HeaderBlobs {
  switch (backend) {
    case 'sqlite':
      return readSqliteBlobs(content, wal);
    case 'ndb':
      return readNdbBlobs(content);
    case 'bdb':
      return readBdbBlobs(content);
  }
}
