import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

const CACHE = join(tmpdir(), 'keelson-test-cache');
const MAX_AGE_MS = 24 * 3600 * 1000;

/**
 * A real Debian 12 root filesystem as a tar, made by `mmdebstrap --variant=minbase bookworm` (about 20 s).
 * Kept for a day in the temp dir so that several test files share one build; a lock directory stops two
 * test processes from building it at once.
 */
export async function debianBookwormTar(): Promise<string> {
  const tar = join(CACHE, 'bookworm-minbase.tar');
  const lock = join(CACHE, 'bookworm-minbase.lock');
  await mkdir(CACHE, { recursive: true });
  for (;;) {
    if (existsSync(tar) && Date.now() - (await stat(tar)).mtimeMs < MAX_AGE_MS) return tar;
    try {
      await mkdir(lock);
    } catch {
      // Someone else is building it; a lock older than 10 minutes is stale.
      const age =
        Date.now() -
        (await stat(lock).then(
          (s) => s.mtimeMs,
          () => Date.now(),
        ));
      if (age > 600_000) await rm(lock, { recursive: true, force: true });
      await sleep(1000);
      continue;
    }
    try {
      // The name must end in .tar: mmdebstrap picks its output format from the extension.
      const partial = tar.replace(/\.tar$/, '.partial.tar');
      execFileSync('mmdebstrap', ['--quiet', '--variant=minbase', 'bookworm', partial], {
        stdio: ['ignore', 'ignore', 'inherit'],
        timeout: 600_000,
      });
      await rename(partial, tar);
      return tar;
    } finally {
      await rm(lock, { recursive: true, force: true });
    }
  }
}

/** `dpkg-query -W` on the dpkg database inside a root filesystem tar: the independent oracle. */
export function dpkgQuery(rootfsTar: string, workDir: string): string[] {
  execFileSync('tar', ['-xf', rootfsTar, '-C', workDir, './var/lib/dpkg']);
  // dpkg-query's own ${field} syntax, not a template literal.
  const format = ['Package', 'Version', 'Architecture', 'db:Status-Abbrev'].map((f) => `\${${f}}`).join('\t');
  const out = execFileSync(
    'dpkg-query',
    [`--admindir=${join(workDir, 'var/lib/dpkg')}`, '-W', '-f', `${format}\n`],
    { encoding: 'utf8' },
  );
  return out
    .split('\n')
    .filter((l) => l.trim() !== '')
    .filter((l) => l.split('\t')[3]?.startsWith('ii'))
    .map((l) => l.split('\t').slice(0, 3).join('\t'))
    .sort();
}
