import type { Analyzer, EntryInfo } from '../types.js';
import { parsePackageJson } from './package-json.js';
import { parsePackageLock } from './package-lock.js';

const MANIFEST_SUFFIX = '/package.json';
const LOCK_FILE = 'package-lock.json';

/**
 * Is this `…/node_modules/<name>/package.json` or `…/node_modules/@scope/<name>/package.json`? Other
 * package.json files (projects, sub-folders of a package) describe nothing that npm installed.
 */
export function isInstalledManifest(path: string): boolean {
  if (!path.endsWith(MANIFEST_SUFFIX)) return false;
  const segments = path.split('/');
  // segments: [..., parent, name, 'package.json']
  const name = segments[segments.length - 2];
  const parent = segments[segments.length - 3];
  if (!name || name.startsWith('.') || name.startsWith('@')) return false;
  if (parent === 'node_modules') return true;
  return (
    parent !== undefined &&
    parent.length > 1 &&
    parent.startsWith('@') &&
    segments[segments.length - 4] === 'node_modules'
  );
}

function isLockFile(path: string): boolean {
  return path === LOCK_FILE || path.endsWith(`/${LOCK_FILE}`);
}

/** npm packages: installed manifests under node_modules and `package-lock.json` files. */
export const npmAnalyzer: Analyzer = {
  name: 'npm',
  version: 1,
  // Lock files of large monorepos reach tens of MiB; package.json files are capped lower in the parser.
  maxFileSize: 64 * 1024 * 1024,
  oversize: 'warn',
  wants(path: string, info: EntryInfo): boolean {
    return info.type === 'file' && (isInstalledManifest(path) || isLockFile(path));
  },
  analyze(file) {
    return isLockFile(file.path)
      ? parsePackageLock(file.content, file.path)
      : parsePackageJson(file.content, file.path);
  },
};
