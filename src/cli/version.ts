import { readFileSync } from 'node:fs';

/** keelson's version, from package.json (read once, at first use). */
export const VERSION: string = (() => {
  for (const rel of ['../../package.json', '../../../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(rel, import.meta.url), 'utf8')) as {
        name?: string;
        version?: string;
      };
      if (pkg.name === 'keelson' && pkg.version) return pkg.version;
    } catch {
      // try the next location (source tree vs. dist/)
    }
  }
  return '0.0.0';
})();
