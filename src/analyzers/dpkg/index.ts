/**
 * Debian-family package database: `var/lib/dpkg/status`, distroless `status.d/` files, and the
 * `info/*.list` file lists that tell which files each package owns.
 */
import { KeelsonError } from '../../core/errors.js';
import type { Warning } from '../../core/types.js';
import { summariseIssues } from '../parse-issues.js';
import type { Analyzer, AnalyzerFile, FileFacts } from '../types.js';
import { packageOfListFile, parseInfoList } from './info-list.js';
import { parseDpkgDatabase } from './status.js';

const STATUS_PATH = 'var/lib/dpkg/status';
const STATUS_D = 'var/lib/dpkg/status.d/';
const INFO = 'var/lib/dpkg/info/';

/** A direct child of `dir`, e.g. `status.d/libc6` but not `status.d/x/y`. */
function isChildOf(path: string, dir: string): boolean {
  return path.length > dir.length && path.startsWith(dir) && path.indexOf('/', dir.length) === -1;
}

export const dpkgAnalyzer: Analyzer = {
  name: 'dpkg',
  version: 2,
  maxFileSize: 64 * 1024 * 1024,
  // A package DB we cannot read would leave the inventory silently short: fail instead.
  oversize: 'error',
  wants: (path) =>
    path === STATUS_PATH ||
    (isChildOf(path, STATUS_D) && !path.endsWith('.md5sums')) ||
    (isChildOf(path, INFO) && path.endsWith('.list')),
  analyze(file) {
    if (file.path.startsWith(INFO)) {
      const owner = packageOfListFile(file.path.slice(INFO.length));
      if (!owner) return undefined;
      return { ownedFiles: { package: owner, files: parseInfoList(file.content.toString('utf8')) } };
    }
    return analyzeDatabase(file, file.path === STATUS_PATH);
  },
};

function analyzeDatabase(file: AnalyzerFile, statusRequired: boolean): FileFacts {
  const db = parseDpkgDatabase(file.content.toString('utf8'), { location: file.path, statusRequired });
  if (db.empty) {
    return {
      packages: [],
      warnings: [{ code: 'PKGDB_EMPTY', message: 'dpkg database lists no packages', file: file.path }],
    };
  }
  if (db.packages.length === 0 && db.notInstalled === 0) {
    throw new KeelsonError('PARSE_ERROR', `no readable dpkg stanza: ${summariseIssues(db.issues, 'dpkg')}`, {
      file: file.path,
    });
  }
  const warnings: Warning[] = [];
  if (db.issues.length > 0) {
    warnings.push({ code: 'PKGDB_DAMAGED', message: summariseIssues(db.issues, 'dpkg'), file: file.path });
  }
  if (db.packages.length === 0) {
    const message = `dpkg database lists no installed package (${db.notInstalled} removed or not installed)`;
    warnings.push({ code: 'PKGDB_EMPTY', message, file: file.path });
  }
  if (warnings.length === 0) return { packages: db.packages };
  return db.issues.length > 0
    ? { packages: db.packages, warnings, incomplete: true }
    : { packages: db.packages, warnings };
}
