import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { runCli } from '../helpers/cli.js';
import { debianBookwormTar } from '../helpers/debian.js';
import { writeOciArchive } from '../helpers/image-builder.js';
import { findingLines, scanJson } from '../helpers/scan-cli.js';

/**
 * The real Debian 12 root filesystem (mmdebstrap) as an OCI image, scanned through the CLI against a
 * Debian security-tracker JSON written at test time for source packages really in the image. Versions are
 * never hard-coded: each fixed version is derived from what dpkg says is installed (read with
 * `keelson sbom`), so the test follows the image. CVE ids are invented (CVE-2099-…).
 */

interface Binary {
  name: string;
  version: string;
}
interface SourcePackage {
  name: string;
  version: string;
  binaries: Binary[];
}

/** Source packages of the image from `keelson sbom --format json`: binaries grouped under their source. */
async function sourcesOf(image: string): Promise<Map<string, SourcePackage>> {
  const res = await runCli(['sbom', image, '--format', 'json', '--no-cache']);
  assert.equal(res.code, 0, res.stderr);
  const doc = JSON.parse(res.stdout) as {
    packages: { name: string; version: string; type: string; source?: { name: string; version?: string } }[];
  };
  const sources = new Map<string, SourcePackage>();
  for (const p of doc.packages) {
    if (p.type !== 'deb') continue;
    const name = p.source?.name ?? p.name;
    const version = p.source?.version ?? p.version;
    const entry = sources.get(name) ?? { name, version, binaries: [] };
    entry.binaries.push({ name: p.name, version: p.version });
    sources.set(name, entry);
  }
  return sources;
}

/** The next security upload of `version` (`…+deb12u3` → `…+deb12u4`, else `…+deb12u1`): sorts above it. */
function higher(version: string): string {
  const m = /\+deb12u(\d+)$/.exec(version);
  return m ? `${version.slice(0, m.index)}+deb12u${Number(m[1]) + 1}` : `${version}+deb12u1`;
}

/** A version that sorts just below `version` in dpkg order (`~` sorts before the end of the string). */
const lower = (version: string) => `${version}~1`;

type Release = Record<string, unknown>;
const resolved = (installed: string, fixed: string): Release => ({
  status: 'resolved',
  repositories: { bookworm: installed },
  fixed_version: fixed,
  urgency: 'medium',
});
const open = (installed: string, extra: Release = {}): Release => ({
  status: 'open',
  repositories: { bookworm: installed },
  urgency: 'low',
  ...extra,
});

describe('keelson scan: real Debian 12 with a Debian security-tracker JSON', () => {
  let work: string;
  let image: string;
  let dbDir: string;
  let sources: Map<string, SourcePackage>;
  /** Role → the source package playing it. */
  const role: Record<string, SourcePackage> = {};

  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'keelson-scan-debian-'));
    image = join(work, 'debian12.oci.tar');
    await writeOciArchive(
      {
        layers: [
          {
            tarFile: await debianBookwormTar(),
            compression: 'gzip',
            createdBy: 'mmdebstrap --variant=minbase bookworm',
          },
        ],
      },
      image,
    );
    sources = await sourcesOf(image);

    // Sources whose binaries all carry the source version (no binNMU, no binary-only epoch), so the
    // expected verdict is the same for each binary. Well-known ones first, then the rest by name.
    const clean = [...sources.values()].filter((s) => s.binaries.every((b) => b.version === s.version));
    const preferred = ['glibc', 'zlib', 'ncurses', 'pam', 'perl', 'systemd', 'gcc-12', 'apt', 'coreutils'];
    const ordered = [
      ...preferred.flatMap((n) => clean.filter((s) => s.name === n)),
      ...clean.filter((s) => !preferred.includes(s.name)).sort((a, b) => a.name.localeCompare(b.name)),
    ];
    const roles = ['above', 'below', 'equal', 'zero', 'open', 'ignored', 'postponed', 'undetermined', 'eol'];
    assert.ok(ordered.length >= roles.length, `only ${ordered.length} usable source packages`);
    roles.forEach((r, i) => {
      role[r] = ordered[i]!;
    });
    // The fixed-above source must show binary-vs-source naming: one of its binaries is named differently.
    assert.ok(
      role.above!.binaries.some((b) => b.name !== role.above!.name),
      `${role.above!.name} has no binary with another name`,
    );

    const v = (r: string) => role[r]!.version;
    const tracker: Record<string, Record<string, unknown>> = {};
    const add = (pkg: string, id: string, releases: Record<string, Release>) => {
      tracker[pkg] ??= {};
      tracker[pkg]![id] = { description: `SYNTHETIC test record for ${pkg}`, releases };
    };
    add(role.above!.name, 'CVE-2099-1001', {
      bookworm: resolved(v('above'), higher(v('above'))),
      // Other releases say other things; only bookworm (debian:12) counts for this image.
      bullseye: { status: 'open', repositories: { bullseye: '0.1-1' }, urgency: 'high' },
      sid: {
        status: 'resolved',
        repositories: { sid: '99:1.0-1' },
        fixed_version: '99:1.0-1',
        urgency: 'high',
      },
    });
    // Only for bullseye, with a fix far above: nothing for Debian 12.
    add(role.above!.name, 'CVE-2099-1002', {
      bullseye: {
        status: 'resolved',
        repositories: { bullseye: '0.1-1' },
        fixed_version: '99:1.0-1',
        urgency: 'high',
      },
    });
    add(role.below!.name, 'CVE-2099-1003', { bookworm: resolved(v('below'), lower(v('below'))) });
    add(role.equal!.name, 'CVE-2099-1004', { bookworm: resolved(v('equal'), v('equal')) });
    add(role.zero!.name, 'CVE-2099-1005', {
      bookworm: {
        status: 'resolved',
        repositories: { bookworm: v('zero') },
        fixed_version: '0',
        urgency: 'unimportant',
      },
    });
    add(role.open!.name, 'CVE-2099-1006', { bookworm: open(v('open')) });
    add(role.ignored!.name, 'CVE-2099-1007', {
      bookworm: open(v('ignored'), { nodsa: 'Minor issue', nodsa_reason: 'ignored' }),
    });
    add(role.postponed!.name, 'CVE-2099-1008', {
      bookworm: open(v('postponed'), {
        nodsa: 'Minor issue, revisit when fixed upstream',
        nodsa_reason: 'postponed',
      }),
    });
    add(role.undetermined!.name, 'CVE-2099-1009', {
      bookworm: {
        status: 'undetermined',
        repositories: { bookworm: v('undetermined') },
        urgency: 'not yet assigned',
      },
    });
    add(role.eol!.name, 'CVE-2099-1010', {
      bookworm: { status: 'open', repositories: { bookworm: v('eol') }, urgency: 'end-of-life' },
    });
    // Keyed on a binary package name: the tracker keys on source names, so this is never looked up.
    const binaryOnly = role.above!.binaries.find((b) => !sources.has(b.name))!;
    assert.ok(binaryOnly, 'a binary whose name is not also a source name');
    add(binaryOnly.name, 'CVE-2099-1011', { bookworm: open(binaryOnly.version) });

    const feed = join(work, 'debian-security-tracker.json');
    await writeFile(feed, JSON.stringify(tracker, null, 1));
    dbDir = join(work, 'db');
    const imported = await runCli(['db', 'import', feed, '--db-dir', dbDir]);
    assert.equal(imported.code, 0, imported.stderr);
    assert.match(imported.stderr, /keelson: debian-tracker: 11 advisories, 13 affected/);
  });
  after(() => rm(work, { recursive: true, force: true }));

  const lines = (r: string, id: string, status: string, fix: string, suppressed = '') =>
    role[r]!.binaries.map(
      (b) =>
        `${b.name} ${id} ${status} fix=${fix} ns=debian:12 lookup=${role[r]!.name} src=debian-tracker${suppressed}`,
    );

  test('exactly the expected findings: each tracker status for bookworm, per binary package', async () => {
    const result = await scanJson(image, dbDir, ['--show-suppressed']);
    assert.equal(result.distro?.id, 'debian');
    assert.equal(result.distro?.versionCodename, 'bookworm');
    const expected = [
      ...lines('above', 'CVE-2099-1001', 'affected', higher(role.above!.version)),
      ...lines('zero', 'CVE-2099-1005', 'not_affected', '-', ' SUPPRESSED:vendor-status'),
      ...lines('open', 'CVE-2099-1006', 'affected', '-'),
      ...lines('ignored', 'CVE-2099-1007', 'will_not_fix', '-'),
      ...lines('postponed', 'CVE-2099-1008', 'fix_deferred', '-'),
      ...lines('undetermined', 'CVE-2099-1009', 'under_investigation', '-'),
      ...lines('eol', 'CVE-2099-1010', 'end_of_life', '-'),
    ].sort();
    assert.deepEqual(findingLines(result), expected, JSON.stringify(role, null, 1));
    const suppressedCount = role.zero!.binaries.length;
    assert.equal(result.summary.raw, expected.length);
    assert.equal(result.summary.suppressed, suppressedCount);
    assert.equal(result.summary.actionable, expected.length - suppressedCount);
    assert.equal(result.summary.fixable, role.above!.binaries.length);
    for (const f of result.findings) {
      assert.equal(f.match.nameKind, 'source');
      assert.equal(f.match.scheme, 'dpkg');
      assert.equal(f.match.namespaceReason, 'Debian 12 (VERSION_ID)');
    }
    const zero = result.findings.find((f) => f.id === 'CVE-2099-1005')!;
    assert.equal(zero.suppressed?.kind, 'vendor-status');
  });

  test('binary packages are reported, looked up by their source name', async () => {
    const result = await scanJson(image, dbDir);
    const above = result.findings.filter((f) => f.id === 'CVE-2099-1001');
    assert.deepEqual(above.map((f) => f.package.name).sort(), role.above!.binaries.map((b) => b.name).sort());
    for (const f of above) {
      assert.equal(f.match.lookupName, role.above!.name);
      assert.equal(f.package.sourceName ?? role.above!.name, role.above!.name);
      assert.equal(f.package.version, role.above!.version);
      assert.match(f.package.purl, new RegExp(`^pkg:deb/debian/${f.package.name.replace(/[+.]/g, '\\$&')}@`));
    }
    assert.ok(above.some((f) => f.package.name !== role.above!.name));
  });

  test('a binNMU source (binaries at <source version>+bN): every binary found by source name', async () => {
    // bash is built as 5.2.15-2+bN from source 5.2.15-2 in bookworm; the tracker fixes source versions.
    const binNmu = [...sources.values()].find(
      (s) =>
        s.binaries.length > 0 &&
        s.binaries.every((b) => b.version !== s.version && b.version.startsWith(`${s.version}+b`)),
    );
    assert.ok(binNmu, 'a binNMU-only source package in the image');
    const feed = join(work, 'binnmu.json');
    const fixed = higher(binNmu.version);
    await writeFile(
      feed,
      JSON.stringify({
        [binNmu.name]: { 'CVE-2099-1020': { releases: { bookworm: resolved(binNmu.version, fixed) } } },
      }),
    );
    const db = join(work, 'db-binnmu');
    const imported = await runCli(['db', 'import', feed, '--db-dir', db]);
    assert.equal(imported.code, 0, imported.stderr);
    const result = await scanJson(image, db);
    assert.deepEqual(
      findingLines(result),
      binNmu.binaries
        .map(
          (b) =>
            `${b.name} CVE-2099-1020 affected fix=${fixed} ns=debian:12 lookup=${binNmu.name} src=debian-tracker`,
        )
        .sort(),
    );
  });

  test('a source with a binary-only epoch (util-linux: bsdutils 1:…): every binary is compared by source version', async () => {
    const epoch = [...sources.values()].find(
      (s) => !/^\d+:/.test(s.version) && s.binaries.some((b) => b.version === `1:${s.version}`),
    );
    assert.ok(epoch, 'a source package with a binary that adds an epoch');
    const fixed = higher(epoch.version);
    const feed = join(work, 'epoch.json');
    await writeFile(
      feed,
      JSON.stringify({
        [epoch.name]: { 'CVE-2099-1021': { releases: { bookworm: resolved(epoch.version, fixed) } } },
      }),
    );
    const db = join(work, 'db-epoch');
    const imported = await runCli(['db', 'import', feed, '--db-dir', db]);
    assert.equal(imported.code, 0, imported.stderr);
    const result = await scanJson(image, db);
    // The tracker publishes source versions: a binary whose own version adds an epoch (1:…) is still
    // compared by its source version, so every binary of the source is found.
    assert.ok(epoch.binaries.some((b) => b.version !== epoch.version));
    assert.deepEqual(
      findingLines(result),
      epoch.binaries
        .map(
          (b) =>
            `${b.name} CVE-2099-1021 affected fix=${fixed} ns=debian:12 lookup=${epoch.name} src=debian-tracker`,
        )
        .sort(),
    );
  });

  test('explain names the namespace, the source lookup and the range', async () => {
    const res = await runCli(['explain', image, 'CVE-2099-1001', '--db-dir', dbDir, '--no-cache']);
    assert.equal(res.code, 0, res.stderr);
    assert.match(res.stdout, /namespace +debian:12 — Debian 12 \(VERSION_ID\)/);
    assert.match(res.stdout, new RegExp(`looked up +source name "${role.above!.name}"`));
    const fixed = higher(role.above!.version).replace(/[.+*?^$()[\]{}|\\]/g, '\\$&');
    assert.match(res.stdout, new RegExp(`affected +< ${fixed} \\(dpkg version order\\)`));
    for (const b of role.above!.binaries)
      assert.match(res.stdout, new RegExp(`in ${b.name.replace(/[+.]/g, '\\$&')} `));

    const wnf = await runCli(['explain', image, 'CVE-2099-1007', '--db-dir', dbDir, '--no-cache']);
    assert.equal(wnf.code, 0, wnf.stderr);
    assert.match(wnf.stdout, /status +will_not_fix, no fix available/);
    assert.match(wnf.stdout, /verdict +actionable/);
  });

  test('db status shows the source and its bookworm → 12 codename map', async () => {
    const res = await runCli(['db', 'status', '--db-dir', dbDir, '--format', 'json']);
    assert.equal(res.code, 0, res.stderr);
    const status = JSON.parse(res.stdout) as {
      sources: {
        name: string;
        counts: { advisories: number; affected: number };
        meta: Record<string, string>;
      }[];
    };
    assert.deepEqual(
      status.sources.map((s) => s.name),
      ['debian-tracker'],
    );
    const codenames = JSON.parse(status.sources[0]!.meta['debian-codenames'] ?? '{}') as Record<
      string,
      string
    >;
    assert.equal(codenames.bookworm, '12');
    assert.equal(codenames.bullseye, '11');
    assert.deepEqual([status.sources[0]!.counts.advisories, status.sources[0]!.counts.affected], [11, 13]);
  });
});
