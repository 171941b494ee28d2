import type { PackageRecord } from '../../core/types.js';
import type { RawBuildInfo } from './buildinfo.js';
import { type GoModule, parseModInfo } from './modinfo.js';

/** Build settings worth keeping on the main module; the others (flags, cgo, GOAMD64) say little about identity. */
const KEPT_SETTINGS = ['GOOS', 'GOARCH', 'vcs.revision'];
const RELEASE = /^go(\d+)\.(\d+)(?:\.(\d+))?(?:(rc|beta)(\d+))?$/;

/**
 * `go1.22.5` → `v1.22.5`, `go1.20` → `v1.20.0`, `go1.21rc2` → `v1.21.0-rc.2`: the semver the Go
 * vulnerability database uses for the standard library. Other toolchain strings stay as written.
 */
export function stdlibVersion(toolchain: string): string {
  const release = RELEASE.exec(toolchain);
  if (!release) return toolchain;
  const [, major, minor, patch = '0', stage, number] = release;
  return `v${major}.${minor}.${patch}${stage ? `-${stage}.${number}` : ''}`;
}

/**
 * The modules linked into a Go binary: the main module, every dependency (replacements applied, since
 * the replacement's code is what was built) and the standard library of the toolchain.
 */
export function goPackages(buildInfo: RawBuildInfo, location: string): PackageRecord[] {
  const modinfo = parseModInfo(buildInfo.modinfo);
  const packages: PackageRecord[] = [];
  if (modinfo.main) {
    const settings = KEPT_SETTINGS.flatMap((key) => {
      const value = modinfo.settings.get(key);
      return value ? [[key, value] as const] : [];
    });
    packages.push(moduleRecord(modinfo.main, location, { main: 'true', ...Object.fromEntries(settings) }));
  }
  for (const dep of modinfo.deps) packages.push(moduleRecord(dep, location, {}));
  // Experiments and suffixes follow a space: `go1.22.5 X:nocoverageredesign`.
  const toolchain = buildInfo.goVersion.split(' ')[0]!;
  packages.push({
    name: 'stdlib',
    version: stdlibVersion(toolchain),
    type: 'golang',
    location,
    foundBy: 'gobinary',
    metadata: { toolchain },
  });
  return packages;
}

function moduleRecord(module: GoModule, location: string, metadata: Record<string, string>): PackageRecord {
  const built = module.replace ?? module;
  const replaced = module.replace
    ? { ...metadata, replaces: module.path, ...(module.version ? { replacesVersion: module.version } : {}) }
    : metadata;
  return {
    name: built.path,
    // A directory replacement has no version; Go 1.18+ writes `(devel)` for it, older Go nothing.
    version: built.version || '(devel)',
    type: 'golang',
    location,
    foundBy: 'gobinary',
    ...(Object.keys(replaced).length > 0 ? { metadata: replaced } : {}),
  };
}
