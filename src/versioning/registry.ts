/** Every version scheme by name. */
import { apk } from './apk/index.js';
import { dpkg } from './dpkg/index.js';
import { go } from './go/index.js';
import { maven } from './maven/index.js';
import { npm } from './npm/index.js';
import { pep440 } from './pep440/index.js';
import { rpm } from './rpm/index.js';
import { rubygems } from './rubygems/index.js';
import { semver } from './semver/index.js';
import type { SchemeName, VersionScheme } from './types.js';

export const versionSchemes: Readonly<Record<SchemeName, VersionScheme>> = Object.freeze({
  apk,
  dpkg,
  rpm,
  semver,
  npm,
  pep440,
  go,
  maven,
  rubygems,
});

/** The scheme called `name`; throws for a name that is not a scheme (e.g. from untyped input). */
export function scheme(name: SchemeName): VersionScheme {
  const found = Object.hasOwn(versionSchemes, name) ? versionSchemes[name] : undefined;
  if (!found) throw new TypeError(`unknown version scheme ${JSON.stringify(name)}`);
  return found;
}
