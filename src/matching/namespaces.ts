/**
 * Which advisory namespace(s) and which name to look each package up by. This is where a distro's
 * release, a hardened vendor's rolling feed and DHI's two models are told apart; the matcher itself
 * knows none of it.
 */
import type { Inventory, Package } from '../core/types.js';
import type { Lookup } from './types.js';

/** The distro-level decision, made once per inventory. */
export interface OsPlan {
  /** Namespaces for OS packages, in precedence order (the first that knows a vulnerability decides). */
  namespaces: { namespace: string; reason: string }[];
  /** Feeds key on source/origin names (apk `o:`, dpkg `Source:`) except Photon, which keys on binary names. */
  nameKind: 'source' | 'origin' | 'binary';
  /** DHI upcoming model: OS packages of the DHI base use this namespace instead (no upstream fallback). */
  dhiNamespace?: string;
  /** Why no namespace could be chosen (unsupported distro), for a warning. */
  unsupported?: string;
}

function majorMinor(version: string | undefined): string | undefined {
  const m = /^(\d+)\.(\d+)/.exec(version ?? '');
  return m ? `${m[1]}.${m[2]}` : undefined;
}

function major(version: string | undefined): string | undefined {
  return /^(\d+)/.exec(version ?? '')?.[1];
}

/** The Alpine release named by the apk repositories (`…/alpine/v3.20/main`), else VERSION_ID's major.minor. */
function alpineRelease(inventory: Inventory): { release: string; reason: string } | undefined {
  for (const url of inventory.apkRepositories ?? []) {
    const m = /\/alpine\/(v\d+\.\d+|edge)\//.exec(`${url}/`);
    if (m) return { release: m[1]!.replace(/^v/, ''), reason: `from etc/apk/repositories (${url})` };
  }
  const version = inventory.distro?.version;
  if (version && /_alpha|edge/.test(version)) return { release: 'edge', reason: `VERSION_ID ${version}` };
  const release = majorMinor(version);
  return release ? { release, reason: `VERSION_ID ${version}` } : undefined;
}

export function planOs(inventory: Inventory): OsPlan {
  const distro = inventory.distro;
  const provider = inventory.provider.name;
  if (!distro) return { namespaces: [], nameKind: 'source', unsupported: 'no distribution was recognised' };
  const rolling = (namespace: string, why: string): OsPlan => ({
    namespaces: [{ namespace, reason: `${why}; rolling release, VERSION_ID ignored` }],
    nameKind: 'origin',
  });
  switch (distro.id) {
    case 'wolfi':
      // Chainguard images may report ID=wolfi: their packages are in Chainguard's feed first, Wolfi's second.
      if (provider === 'chainguard')
        return {
          namespaces: [
            { namespace: 'chainguard', reason: 'Chainguard image (provider evidence) reporting ID=wolfi' },
            { namespace: 'wolfi', reason: 'Wolfi packages in a Chainguard image' },
          ],
          nameKind: 'origin',
        };
      return rolling('wolfi', 'ID=wolfi');
    case 'chainguard':
      return {
        namespaces: [
          { namespace: 'chainguard', reason: 'ID=chainguard; rolling release, VERSION_ID ignored' },
          { namespace: 'wolfi', reason: 'Wolfi packages in a Chainguard image' },
        ],
        nameKind: 'origin',
      };
    case 'minimos':
      return rolling('minimos', 'ID=minimos');
    case 'echo':
      return { ...rolling('echo', 'ID=echo'), nameKind: 'source' };
    case 'alpine': {
      const release = alpineRelease(inventory);
      if (!release) return { namespaces: [], nameKind: 'origin', unsupported: 'Alpine release unknown' };
      return {
        namespaces: [
          { namespace: `alpine:${release.release}`, reason: `Alpine ${release.release} ${release.reason}` },
        ],
        nameKind: 'origin',
      };
    }
    case 'debian': {
      const v = major(distro.version);
      const namespace = v ? `debian:${v}` : 'debian:unstable';
      return {
        namespaces: [
          { namespace, reason: v ? `Debian ${v} (VERSION_ID)` : 'Debian without VERSION_ID: unstable' },
        ],
        nameKind: 'source',
      };
    }
    case 'ubuntu': {
      const v = majorMinor(distro.version);
      if (!v) return { namespaces: [], nameKind: 'source', unsupported: 'Ubuntu release unknown' };
      return {
        namespaces: [{ namespace: `ubuntu:${v}`, reason: `Ubuntu ${v} (VERSION_ID)` }],
        nameKind: 'source',
      };
    }
    case 'photon': {
      const v = majorMinor(distro.version);
      if (!v) return { namespaces: [], nameKind: 'binary', unsupported: 'Photon release unknown' };
      return {
        namespaces: [{ namespace: `photon:${v}`, reason: `Photon ${v} (VERSION_ID)` }],
        nameKind: 'binary',
      };
    }
    case 'dhi': {
      // Upcoming DHI model: ID_LIKE picks the family, VERSION_ID the release. DHI's own OSV decides for the
      // DHI base's packages; packages added on top use the upstream distro's feed.
      const family = distro.idLike?.find((l) => l === 'alpine' || l === 'debian');
      const release = family === 'alpine' ? majorMinor(distro.version) : major(distro.version);
      if (!family || !release)
        return {
          namespaces: [],
          nameKind: 'binary',
          unsupported: 'DHI image without ID_LIKE alpine/debian or VERSION_ID',
        };
      const upstream = family === 'alpine' ? `alpine:${release}` : `debian:${release}`;
      return {
        namespaces: [
          { namespace: upstream, reason: `package outside the DHI base: upstream ${family} ${release}` },
        ],
        nameKind: family === 'alpine' ? 'origin' : 'source',
        dhiNamespace: `dhi:${family}:${release}`,
      };
    }
    default:
      return {
        namespaces: [],
        nameKind: 'source',
        unsupported: `no advisory feed for ${distro.id}${distro.version ? ` ${distro.version}` : ''}`,
      };
  }
}

const LANGUAGE_NAMESPACES: Partial<Record<Package['type'], string>> = {
  npm: 'npm',
  pypi: 'pypi',
  golang: 'go',
  maven: 'maven',
  gem: 'rubygems',
};

/** PEP 503 normalisation, the form PyPI advisories are stored under. */
export function normalizePypiName(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '-');
}

/**
 * Whether a package of a DHI upcoming-model image belongs to the DHI base: a derived image's packages
 * belong when they were introduced in the base layers (chain-ID boundary); in an image with no boundary
 * (an official DHI image) every OS package does.
 */
function isDhiMember(pkg: Package, inventory: Inventory): boolean {
  if (!inventory.base) return true;
  return pkg.layer?.base === true;
}

/** Where to look one package up, in precedence order. Empty: no feed covers it. */
export function lookupsFor(pkg: Package, inventory: Inventory, plan: OsPlan): Lookup[] {
  if (pkg.type === 'apk' || pkg.type === 'deb' || pkg.type === 'rpm') {
    if (plan.dhiNamespace && isDhiMember(pkg, inventory))
      return [
        {
          namespace: plan.dhiNamespace,
          name: pkg.name,
          nameKind: 'binary',
          reason: `DHI package (${inventory.base ? 'introduced in the DHI base layers' : 'official DHI image'}): DHI OSV only, no upstream fallback`,
        },
      ];
    if (plan.nameKind === 'binary') {
      // Photon files most advisories under binary names (curl, curl-libs) but some only under the
      // source package: the binary's own records decide first, the source's fill in.
      const source = pkg.source?.name && pkg.source.name !== pkg.name ? pkg.source.name : undefined;
      return plan.namespaces.flatMap(({ namespace, reason }) => [
        { namespace, name: pkg.name, nameKind: 'binary' as const, reason },
        ...(source
          ? [
              {
                namespace,
                name: source,
                nameKind: 'source' as const,
                reason: `${reason}; source package ${source}`,
              },
            ]
          : []),
      ]);
    }
    const name = pkg.source?.name ?? pkg.name;
    return plan.namespaces.map(({ namespace, reason }) => ({
      namespace,
      name,
      nameKind: plan.nameKind,
      reason,
    }));
  }
  if (pkg.type === 'dhi')
    return [{ namespace: 'dhi', name: pkg.name, nameKind: 'binary', reason: 'DHI-built runtime (pkg:dhi)' }];
  const namespace = LANGUAGE_NAMESPACES[pkg.type];
  if (!namespace) return [];
  const name = pkg.type === 'pypi' ? normalizePypiName(pkg.name) : pkg.name;
  return [{ namespace, name, nameKind: 'binary', reason: `${namespace} package` }];
}
