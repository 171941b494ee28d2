import type { PackageRecord, Warning } from '../../core/types.js';
import type { FileFacts } from '../types.js';
import { isRecord, parseJson, readLicenses } from './manifest-fields.js';

const LOCK_FILE_NAME = 'package-lock.json';
const NODE_MODULES = 'node_modules/';
/** Newest lockfileVersion whose layout we know; later ones are read as this one, with a warning. */
const NEWEST_KNOWN_LOCKFILE_VERSION = 3;

/** What one lock file entry says about a package that npm would install. */
interface LockedPackage {
  name: string;
  version: string;
  licenses?: string[];
  /** Directory (image path, no leading slash) the package would be installed in. */
  installPath: string;
}

/**
 * The packages a `package-lock.json` would install, without dev dependencies. lockfileVersion 2 and 3
 * list them in `packages` keyed by install path; version 1 nests them in `dependencies`.
 */
export function parsePackageLock(content: Buffer, path: string): FileFacts {
  let lock: unknown;
  try {
    lock = parseJson(content);
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    return unreadable(path, `invalid package-lock.json: ${reason}`);
  }
  if (!isRecord(lock)) return unreadable(path, 'package-lock.json is not a JSON object');

  const warnings: Warning[] = [];
  const { lockfileVersion } = lock;
  if (typeof lockfileVersion === 'number' && lockfileVersion > NEWEST_KNOWN_LOCKFILE_VERSION) {
    warnings.push({
      code: 'PARSE_ERROR',
      message: `unknown lockfileVersion ${lockfileVersion}, read as version ${NEWEST_KNOWN_LOCKFILE_VERSION}`,
      file: path,
    });
  }
  const lockDir = path.slice(0, path.length - LOCK_FILE_NAME.length);
  const { locked, malformed } = isRecord(lock.packages)
    ? readPackagesMap(lock.packages, lockDir)
    : isRecord(lock.dependencies)
      ? readDependencyTree(lock.dependencies, lockDir)
      : { locked: [], malformed: 0 };
  if (malformed > 0) {
    warnings.push({
      code: 'PARSE_ERROR',
      message: `skipped ${malformed} malformed package-lock.json entr${malformed === 1 ? 'y' : 'ies'}`,
      file: path,
    });
  }
  return {
    packages: locked.map((entry) => toRecord(entry, path)),
    ...(warnings.length > 0 ? { warnings } : {}),
    ...(malformed > 0 ? { incomplete: true } : {}),
  };
}

/** lockfileVersion 2/3: `packages` keys are install paths; `""` is the project and other keys are workspaces. */
function readPackagesMap(packages: Record<string, unknown>, lockDir: string) {
  const locked: LockedPackage[] = [];
  let malformed = 0;
  for (const [key, entry] of Object.entries(packages)) {
    const at = key.lastIndexOf(NODE_MODULES);
    if (at === -1 || (at > 0 && key[at - 1] !== '/')) continue;
    if (!isRecord(entry)) {
      malformed++;
      continue;
    }
    if (entry.link === true || entry.dev === true) continue;
    const name = typeof entry.name === 'string' ? entry.name : key.slice(at + NODE_MODULES.length);
    const { version } = entry;
    if (name === '' || typeof version !== 'string' || version === '') {
      malformed++;
      continue;
    }
    const licenses = readLicenses(entry.license);
    locked.push({ name, version, ...(licenses ? { licenses } : {}), installPath: `${lockDir}${key}` });
  }
  return { locked, malformed };
}

/**
 * lockfileVersion 1: `dependencies` maps names to entries whose own `dependencies` are installed in
 * their nested node_modules. Walked breadth-first with a queue, so hostile nesting cannot overflow the stack.
 */
function readDependencyTree(dependencies: Record<string, unknown>, lockDir: string) {
  const locked: LockedPackage[] = [];
  let malformed = 0;
  const queue: { dependencies: Record<string, unknown>; parentDir: string }[] = [
    { dependencies, parentDir: lockDir },
  ];
  for (let next = 0; next < queue.length; next++) {
    const level = queue[next]!;
    for (const [key, entry] of Object.entries(level.dependencies)) {
      if (!isRecord(entry) || typeof entry.version !== 'string' || entry.version === '' || key === '') {
        malformed++;
        continue;
      }
      // Everything below a dev dependency is only installed with it.
      if (entry.dev === true) continue;
      const installPath = `${level.parentDir}${NODE_MODULES}${key}`;
      locked.push({ ...resolveAlias(key, entry.version), installPath });
      if (isRecord(entry.dependencies)) {
        queue.push({ dependencies: entry.dependencies, parentDir: `${installPath}/` });
      }
    }
  }
  return { locked, malformed };
}

/** lockfileVersion 1 writes an alias `"b": {"version": "npm:real-name@1.2.3"}`. */
function resolveAlias(key: string, version: string): { name: string; version: string } {
  if (!version.startsWith('npm:')) return { name: key, version };
  const spec = version.slice('npm:'.length);
  const at = spec.lastIndexOf('@');
  if (at <= 0) return { name: key, version };
  return { name: spec.slice(0, at), version: spec.slice(at + 1) };
}

function toRecord(entry: LockedPackage, path: string): PackageRecord {
  return {
    name: entry.name,
    version: entry.version,
    type: 'npm',
    ...(entry.licenses ? { licenses: entry.licenses } : {}),
    location: path,
    foundBy: 'npm',
    metadata: { source: 'package-lock', installPath: entry.installPath },
  };
}

function unreadable(path: string, message: string): FileFacts {
  return { packages: [], warnings: [{ code: 'PARSE_ERROR', message, file: path }], incomplete: true };
}
