/**
 * apk's installed database (`lib/apk/db/installed`): one record per package, records separated by a
 * blank line, each line `X:value` with a one-letter key. `F:` names a directory and the `R:` lines that
 * follow are files in it.
 */
import type { PackageRecord } from '../../core/types.js';

import type { ParseIssue } from '../parse-issues.js';

export interface ApkDatabase {
  packages: PackageRecord[];
  issues: ParseIssue[];
  /** True when the text holds nothing but blank lines. */
  empty: boolean;
}

/** Names and versions are single tokens of sane length: no blanks, no control characters. */
const TOKEN = /^[^\s\x00-\x1f\x7f]{1,512}$/;

interface RecordDraft {
  line: number;
  name?: string;
  version?: string;
  arch?: string;
  origin?: string;
  license?: string;
  maintainer?: string;
  dir: string;
  files: string[];
  /** Lines that were not fields: how many, and the first. */
  badLines: number;
  firstBadLine: number;
  duplicate?: string;
}

export function parseApkInstalled(text: string, location: string): ApkDatabase {
  const packages: PackageRecord[] = [];
  const issues: ParseIssue[] = [];
  let draft: RecordDraft | undefined;
  let empty = true;

  const finish = () => {
    if (!draft) return;
    const record = toPackage(draft, location);
    const ignored = draft.badLines > 0 ? describeBadLines(draft) : undefined;
    if (typeof record === 'string') {
      issues.push({
        line: draft.line,
        message: `record skipped: ${ignored ? `${record}; ${ignored}` : record}`,
      });
    } else {
      packages.push(record);
      if (ignored) issues.push({ line: draft.line, message: `${record.name}: ${ignored}` });
    }
    draft = undefined;
  };

  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!;
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line.trim() === '') {
      finish();
      continue;
    }
    empty = false;
    draft ??= { line: i + 1, dir: '', files: [], badLines: 0, firstBadLine: 0 };
    if (line.length < 2 || line[1] !== ':') {
      if (draft.badLines++ === 0) draft.firstBadLine = i + 1;
      continue;
    }
    readField(draft, line[0]!, line.slice(2), i + 1);
  }
  finish();
  return { packages, issues, empty };
}

function readField(draft: RecordDraft, key: string, value: string, line: number): void {
  switch (key) {
    case 'P':
      if (draft.name !== undefined) draft.duplicate ??= `second P: at line ${line}`;
      draft.name = value;
      break;
    case 'V':
      if (draft.version !== undefined) draft.duplicate ??= `second V: at line ${line}`;
      draft.version = value;
      break;
    case 'A':
      draft.arch = value;
      break;
    case 'o':
      draft.origin = value;
      break;
    case 'L':
      draft.license = value;
      break;
    case 'm':
      draft.maintainer = value;
      break;
    case 'F':
      draft.dir = stripSlashes(value);
      break;
    case 'R':
      draft.files.push(draft.dir ? `${draft.dir}/${value}` : value);
      break;
  }
}

/** The package, or why the record cannot be one. */
function toPackage(draft: RecordDraft, location: string): PackageRecord | string {
  const { name, version } = draft;
  if (!name || !TOKEN.test(name)) return name ? `invalid package name ${quote(name)}` : 'no P: (name)';
  if (!version || !TOKEN.test(version)) {
    return version ? `${name}: invalid version ${quote(version)}` : `${name}: no V: (version)`;
  }
  // Two names or versions in one record: a merged or overwritten record we cannot trust.
  if (draft.duplicate) return `${name}: ${draft.duplicate}`;
  const record: PackageRecord = {
    name,
    version,
    type: 'apk',
    source: { name: draft.origin && TOKEN.test(draft.origin) ? draft.origin : name, version },
    location,
    foundBy: 'apk',
    files: draft.files,
  };
  if (draft.arch) record.arch = draft.arch;
  if (draft.license) record.licenses = [draft.license];
  if (draft.maintainer) record.supplier = draft.maintainer;
  return record;
}

/** A value for a message, cut short: hostile values can be megabytes long. */
function quote(value: string): string {
  return value.length > 60 ? `${JSON.stringify(value.slice(0, 60))}…` : JSON.stringify(value);
}

function describeBadLines(draft: RecordDraft): string {
  if (draft.badLines === 1) return `line ${draft.firstBadLine} is not a "X:value" field, ignored`;
  return `${draft.badLines} lines are not "X:value" fields (first: line ${draft.firstBadLine}), ignored`;
}

function stripSlashes(path: string): string {
  let start = 0;
  let end = path.length;
  while (start < end && path[start] === '/') start++;
  while (end > start && path[end - 1] === '/') end--;
  return path.slice(start, end);
}
