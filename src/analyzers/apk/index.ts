/** Alpine-family package database (Alpine, Wolfi, Chainguard, MinimOS, DHI Alpine) and its repositories. */
import { KeelsonError } from '../../core/errors.js';
import type { Warning } from '../../core/types.js';
import { summariseIssues } from '../parse-issues.js';
import type { Analyzer } from '../types.js';
import { parseApkInstalled } from './installed.js';

export { apkRepositoriesAnalyzer } from './repositories.js';

const DB_PATHS = new Set(['lib/apk/db/installed', 'usr/lib/apk/db/installed']);

export const apkAnalyzer: Analyzer = {
  name: 'apk',
  version: 1,
  maxFileSize: 64 * 1024 * 1024,
  // A package DB we cannot read would leave the inventory silently short: fail instead.
  oversize: 'error',
  wants: (path) => DB_PATHS.has(path),
  analyze(file) {
    const db = parseApkInstalled(file.content.toString('utf8'), file.path);
    if (db.empty) {
      return {
        packages: [],
        warnings: [{ code: 'PKGDB_EMPTY', message: 'apk database lists no packages', file: file.path }],
      };
    }
    if (db.packages.length === 0) {
      throw new KeelsonError('PARSE_ERROR', `no readable apk record: ${summariseIssues(db.issues, 'apk')}`, {
        file: file.path,
      });
    }
    if (db.issues.length === 0) return { packages: db.packages };
    const warning: Warning = {
      code: 'PKGDB_DAMAGED',
      message: summariseIssues(db.issues, 'apk'),
      file: file.path,
    };
    return { packages: db.packages, warnings: [warning], incomplete: true };
  },
};
