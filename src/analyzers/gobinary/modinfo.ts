/** A module line of Go build info: `mod` (the main module) or `dep`, with its `=>` replacement. */
export interface GoModule {
  path: string;
  version: string;
  sum?: string;
  replace?: GoModule;
}

export interface ModInfo {
  /** Import path of the main package (`path` line). */
  path?: string;
  main?: GoModule;
  deps: GoModule[];
  /** `build` settings, `key=value` as written (`GOOS`, `GOARCH`, `vcs.revision`, `-ldflags`, …). */
  settings: Map<string, string>;
}

/**
 * Parses the tab-separated module information text the Go linker embeds (what `go version -m` prints).
 * Unknown and malformed lines are ignored: the format grows new keys over Go releases.
 */
export function parseModInfo(text: string): ModInfo {
  const info: ModInfo = { deps: [], settings: new Map() };
  // The module a `=>` line replaces: the `mod` or `dep` line just above it.
  let replaceable: GoModule | undefined;
  for (const line of text.split('\n')) {
    const [kind, ...fields] = line.split('\t');
    switch (kind) {
      case 'path':
        info.path = fields[0];
        replaceable = undefined;
        break;
      case 'mod':
      case 'dep': {
        const module = moduleOf(fields);
        if (!module) {
          replaceable = undefined;
          break;
        }
        if (kind === 'mod') info.main = module;
        else info.deps.push(module);
        replaceable = module;
        break;
      }
      case '=>': {
        const replacement = moduleOf(fields);
        if (replaceable && replacement) replaceable.replace = replacement;
        replaceable = undefined;
        break;
      }
      case 'build': {
        const setting = fields.join('\t');
        const equals = setting.indexOf('=');
        if (equals > 0) info.settings.set(setting.slice(0, equals), setting.slice(equals + 1));
        replaceable = undefined;
        break;
      }
      default:
        replaceable = undefined;
    }
  }
  return info;
}

function moduleOf(fields: string[]): GoModule | undefined {
  const [path, version = '', sum] = fields;
  if (!path) return undefined;
  return { path, version, ...(sum ? { sum } : {}) };
}
