/**
 * The rpm analyzer: reads rpm package databases (SQLite, BerkeleyDB hash, NDB) wherever rpm keeps
 * them and reports one PackageRecord per installed header, as `rpm -qa` lists them (gpg-pubkey included).
 */
import { isKeelsonError } from '../../core/errors.js';
import type { Warning } from '../../core/types.js';
import type { Analyzer, FileFacts } from '../types.js';
import { type RpmdbContents, readRpmdb } from './database.js';
import { toPackageRecord } from './record.js';

const DB_DIRS = ['var/lib/rpm', 'usr/lib/sysimage/rpm', 'usr/share/rpm'];
const DB_FILES = ['Packages', 'Packages.db', 'rpmdb.sqlite', 'rpmdb.sqlite-wal'];
const WANTED_PATHS: ReadonlySet<string> = new Set(
  DB_DIRS.flatMap((dir) => DB_FILES.map((f) => `${dir}/${f}`)),
);
/** SQLite's write-ahead log sits beside the database under the same name plus this suffix. */
const WAL_SUFFIX = '-wal';
/** A badly damaged DB can have thousands of bad records; past this many, one line sums up the rest. */
const MAX_WARNINGS = 20;

export const rpmAnalyzer: Analyzer = {
  name: 'rpm',
  version: 1,
  maxFileSize: 512 * 1024 * 1024,
  oversize: 'warn',
  needsSiblings: true,
  wants: (path) => WANTED_PATHS.has(path),
  analyze(file, ctx) {
    // The WAL is read together with its database, through ctx.sibling.
    if (file.path.endsWith(WAL_SUFFIX)) return undefined;
    let contents: RpmdbContents;
    try {
      contents = readRpmdb(file.content, ctx.sibling(file.path + WAL_SUFFIX));
    } catch (err) {
      throw isKeelsonError(err) ? err.withContext({ file: file.path }) : err;
    }
    const facts: FileFacts = {
      packages: contents.headers.map((header) => toPackageRecord(header, file.path, rpmAnalyzer.name)),
    };
    if (contents.problems.length > 0) {
      facts.incomplete = true;
      facts.warnings = problemWarnings(contents.problems, file.path);
    }
    return facts;
  },
};

function problemWarnings(problems: string[], file: string): Warning[] {
  const warnings: Warning[] = problems
    .slice(0, MAX_WARNINGS)
    .map((problem) => ({ code: 'PARSE_ERROR', message: `skipped damaged rpmdb record: ${problem}`, file }));
  if (problems.length > MAX_WARNINGS) {
    warnings.push({
      code: 'PARSE_ERROR',
      message: `${problems.length - MAX_WARNINGS} more damaged rpmdb records skipped`,
      file,
    });
  }
  return warnings;
}
