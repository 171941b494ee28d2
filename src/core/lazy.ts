import { createRequire } from 'node:module';
import type * as Yaml from 'yaml';
import type * as Zod from 'zod';

const require = createRequire(import.meta.url);

/** A value computed once, on first use. */
export function lazy<T>(make: () => T): () => T {
  let value: T | undefined;
  let made = false;
  return () => {
    if (!made) {
      value = make();
      made = true;
    }
    return value as T;
  };
}

/**
 * A dependency loaded on first use (synchronously, from its CommonJS build). A warm scan takes less
 * time than loading some libraries, so the scan path loads the ones needed only for rare inputs
 * (zstd layers, SQLite rpm databases, embedded SBOMs) this way rather than at start-up.
 */
export function lazyRequire<T>(name: string): () => T {
  return lazy(() => require(name) as T);
}

/** zod, for schemas of inputs that are rare on the scan path (see lazyRequire). */
export const zod = lazyRequire<typeof Zod>('zod');

/** yaml, for config and ignore files: every command checks for settings, few have a file to parse. */
export const yaml = lazyRequire<typeof Yaml>('yaml');
