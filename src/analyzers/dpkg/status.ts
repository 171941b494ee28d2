/**
 * dpkg's database of installed packages: `var/lib/dpkg/status`, and the per-package files of
 * distroless images under `var/lib/dpkg/status.d/`, which carry no Status field.
 */
import type { PackageRecord } from '../../core/types.js';
import type { ParseIssue } from '../parse-issues.js';
import { parseStanzas, type Stanza } from './control.js';

export interface DpkgDatabase {
  packages: PackageRecord[];
  issues: ParseIssue[];
  /** Stanzas of packages whose files are not on disk (removed, config files only, never installed). */
  notInstalled: number;
  /** True when the text holds no stanza at all. */
  empty: boolean;
}

/** Package names and versions are single tokens of sane length: no blanks, no control characters. */
const TOKEN = /^[^\s\x00-\x1f\x7f]{1,512}$/;

const WANTS = new Set(['unknown', 'install', 'hold', 'deinstall', 'purge']);
const FLAGS = new Set(['ok', 'reinstreq', 'hold', 'hold-reinstreq']);
/**
 * Only fully installed packages count, as dpkg's `ii`/`hi`/`ri` rows: the state must be `installed`,
 * whatever the selection (`hold ok installed` and `deinstall ok installed` still ship their files).
 * Half-configured, unpacked or trigger-pending packages are mid-transaction and are not reported,
 * nor are config-files or never-installed entries.
 */
const ON_DISK = new Set(['installed']);
const NOT_ON_DISK = new Set([
  'not-installed',
  'config-files',
  'half-installed',
  'unpacked',
  'half-configured',
  'triggers-awaited',
  'triggers-pending',
]);

export interface DpkgSourceOptions {
  location: string;
  /** status.d files have no Status field: a missing one then means installed. */
  statusRequired: boolean;
}

export function parseDpkgDatabase(text: string, options: DpkgSourceOptions): DpkgDatabase {
  const stanzas = parseStanzas(text);
  const packages: PackageRecord[] = [];
  const issues: ParseIssue[] = [];
  let notInstalled = 0;
  for (const stanza of stanzas) {
    const result = toPackage(stanza, options);
    const ignored = stanza.badLines > 0 ? describeBadLines(stanza) : undefined;
    if (result === 'not-installed') notInstalled++;
    else if (typeof result === 'string') {
      issues.push({
        line: stanza.line,
        message: `stanza skipped: ${ignored ? `${result}; ${ignored}` : result}`,
      });
    } else {
      packages.push(result);
      if (ignored) issues.push({ line: stanza.line, message: `${result.name}: ${ignored}` });
    }
  }
  return { packages, issues, notInstalled, empty: stanzas.length === 0 };
}

/** The package, `'not-installed'`, or why the stanza cannot be read. */
function toPackage(stanza: Stanza, options: DpkgSourceOptions): PackageRecord | string {
  const field = (name: string) => stanza.fields.get(name);
  const name = field('package');
  if (!name || !TOKEN.test(name)) return name ? `invalid Package ${quote(name)}` : 'no Package field';
  if (stanza.duplicate) return `${name}: field ${quote(stanza.duplicate)} appears twice`;

  const status = field('status');
  if (status === undefined) {
    if (options.statusRequired) return `${name}: no Status field`;
  } else {
    const state = stateOf(status);
    if (!state) return `${name}: invalid Status ${quote(status)}`;
    if (NOT_ON_DISK.has(state)) return 'not-installed';
  }

  const version = field('version');
  if (!version || !TOKEN.test(version)) {
    return version ? `${name}: invalid Version ${quote(version)}` : `${name}: no Version field`;
  }
  const record: PackageRecord = {
    name,
    version,
    type: 'deb',
    source: sourceOf(field('source'), name, version),
    location: options.location,
    foundBy: 'dpkg',
  };
  const arch = field('architecture');
  if (arch) record.arch = arch;
  const maintainer = field('maintainer');
  if (maintainer) record.supplier = maintainer;
  return record;
}

/** `want flag state`, e.g. `install ok installed` → `installed`; undefined when malformed. */
function stateOf(status: string): string | undefined {
  const words = status.split(/\s+/);
  if (words.length !== 3) return undefined;
  const [want, flag, state] = words as [string, string, string];
  if (!WANTS.has(want) || !FLAGS.has(flag)) return undefined;
  return ON_DISK.has(state) || NOT_ON_DISK.has(state) ? state : undefined;
}

/**
 * `Source: name` or `Source: name (version)`, the latter when the binary's version differs from the
 * source's (binNMUs, `+b1`). Without a Source field the source package is the binary itself.
 */
function sourceOf(
  source: string | undefined,
  name: string,
  version: string,
): { name: string; version: string } {
  if (!source) return { name, version };
  const words = source.split(/\s+/);
  const sourceName = words[0]!;
  const sourceVersion = words.length === 2 && /^\(\S+\)$/.test(words[1]!) ? words[1]!.slice(1, -1) : version;
  return { name: TOKEN.test(sourceName) ? sourceName : name, version: sourceVersion };
}

function describeBadLines(stanza: Stanza): string {
  if (stanza.badLines === 1) return `line ${stanza.firstBadLine} is not a field or a continuation, ignored`;
  return `${stanza.badLines} lines are not fields or continuations (first: line ${stanza.firstBadLine}), ignored`;
}

/** A value for a message, cut short: hostile values can be megabytes long. */
function quote(value: string): string {
  return value.length > 60 ? `${JSON.stringify(value.slice(0, 60))}…` : JSON.stringify(value);
}
