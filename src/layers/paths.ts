import { type ErrorContext, KeelsonError } from '../core/errors.js';

/**
 * Normalises a tar entry name to keelson's path form: no leading `./` or `/`, no `.` segments, `..`
 * resolved. Returns '' for the root. Absolute names and `..` that climb above the root are refused:
 * no image writer produces them, and they are the classic path-traversal attack.
 */
export function normalizeEntryName(name: string, context: ErrorContext): string {
  if (name.startsWith('/')) {
    throw new KeelsonError('UNSAFE_PATH', `tar entry "${truncate(name)}" has an absolute path`, {
      ...context,
      file: truncate(name),
    });
  }
  if (name.includes('\0')) {
    throw new KeelsonError('UNSAFE_PATH', 'tar entry name contains a NUL byte', context);
  }
  // Fast path: the common case has no dot segments or doubled slashes.
  let path = name.startsWith('./') ? name.slice(2) : name;
  if (path.endsWith('/')) path = path.slice(0, -1);
  if (!path.includes('/.') && !path.startsWith('.') && !path.includes('//')) return path;
  const out: string[] = [];
  for (const segment of path.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') {
      if (out.length === 0) {
        throw new KeelsonError(
          'UNSAFE_PATH',
          `tar entry "${truncate(name)}" climbs above the root with ".."`,
          {
            ...context,
            file: truncate(name),
          },
        );
      }
      out.pop();
      continue;
    }
    out.push(segment);
  }
  return out.join('/');
}

/**
 * Resolves a symlink target against the directory holding the link, inside the image: absolute targets
 * start from the image root and `..` stops at the root (as in a chroot). Never touches the host.
 */
export function resolveLinkTarget(linkPath: string, target: string): string {
  const base = target.startsWith('/') ? [] : linkPath.split('/').slice(0, -1);
  const out = base.filter((s) => s !== '');
  for (const segment of target.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') out.pop();
    else out.push(segment);
  }
  return out.join('/');
}

export function dirname(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash === -1 ? '' : path.slice(0, slash);
}

export function basename(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** All proper ancestors of a path, nearest first: `a/b/c` → `a/b`, `a`. */
export function ancestors(path: string): string[] {
  const out: string[] = [];
  let p = dirname(path);
  while (p !== '') {
    out.push(p);
    p = dirname(p);
  }
  return out;
}

function truncate(s: string): string {
  return s.length > 200 ? `${s.slice(0, 200)}…` : s;
}
