/**
 * bench:agreement — keelson and Trivy on the same images and the same feed files; lists every finding
 * where they differ with its explanation, from the rules table below, and ends with `UNEXPLAINED: N`.
 *
 * Usage (from bench/agreement.sh): TRIVY=… TRIVYDB_BUILD=… node dist/bench/agreement.js WORKDIR
 * Rules only explain what they check on this run: each one tests the evidence (Trivy's DB as dumped by
 * trivydb-build, Trivy's detected OS family, the package's source version), never a fixed list of findings.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { scheme } from '../src/versioning/registry.js';
import { type AgreementCase, prepareAgreementInputs } from './agreement-inputs.js';

interface KeelsonFinding {
  id: string;
  package: { name: string; version: string; sourceName?: string };
  status: string;
  fixedVersions: string[];
  suppressed?: { kind: string };
  match: { namespace: string; lookupName: string };
}

interface TrivyVuln {
  VulnerabilityID: string;
  PkgName: string;
  InstalledVersion: string;
  FixedVersion?: string;
  Status?: string;
}

type TrivyDump = Record<string, Record<string, Record<string, { FixedVersion?: string; Status?: number }>>>;

interface InventoryPackage {
  name: string;
  version: string;
  source?: { name: string; version?: string };
}

export interface Difference {
  kind: 'only keelson' | 'only Trivy' | 'differs';
  pkg: string;
  version: string;
  id: string;
  keelson?: KeelsonFinding;
  trivy?: TrivyVuln;
  detail: string;
}

interface Context {
  family: string;
  dump: TrivyDump;
  packages: Map<string, InventoryPackage>;
  trivy: TrivyVuln[];
  keelson: KeelsonFinding[];
}

interface Rule {
  name: string;
  /** A keelson bug: it names the cause but still counts as unexplained until keelson is fixed. */
  keelsonBug?: boolean;
  explain(d: Difference, ctx: Context): string | undefined;
}

/** The Trivy DB entry for (bucket, package, id), if the DB has one. */
const entry = (ctx: Context, bucket: string, pkg: string, id: string) => ctx.dump[bucket]?.[pkg]?.[id];
const photonBucket = (ctx: Context) => Object.keys(ctx.dump).find((b) => b.startsWith('Photon OS '));
const sourceOf = (ctx: Context, name: string) => ctx.packages.get(name)?.source?.name ?? name;

const RULES: Rule[] = [
  {
    name: 'trivy-photon-unfixed',
    explain: (d, ctx) => {
      const bucket = photonBucket(ctx);
      if (d.kind !== 'only keelson' || ctx.family !== 'photon' || !bucket || d.keelson!.fixedVersions.length)
        return undefined;
      const e = entry(ctx, bucket, sourceOf(ctx, d.pkg), d.id) ?? entry(ctx, bucket, d.pkg, d.id);
      if (e?.FixedVersion) return undefined;
      return `Trivy 0.44 reports Photon advisories only when installed < fixed; this record has no fixed version (res_ver NA; keelson status ${d.keelson!.status})`;
    },
  },
  {
    name: 'trivy-secdb-cve-only',
    explain: (d, ctx) => {
      if (d.kind !== 'only keelson' || /^CVE-/.test(d.id)) return undefined;
      const ns = d.keelson!.match.namespace;
      if (ns !== 'wolfi' && ns !== 'chainguard') return undefined;
      if (entry(ctx, ns, d.keelson!.match.lookupName, d.id)) return undefined;
      return `Trivy's ${ns} bucket has no ${d.id}: trivy-db keeps only CVE ids from ${ns} secdb entries`;
    },
  },
  {
    name: 'trivy-chainguard-no-wolfi-fallback',
    explain: (d, ctx) => {
      if (d.kind !== 'only keelson' || ctx.family !== 'chainguard' || d.keelson!.match.namespace !== 'wolfi')
        return undefined;
      if (!entry(ctx, 'wolfi', d.keelson!.match.lookupName, d.id)) return undefined;
      if (entry(ctx, 'chainguard', d.keelson!.match.lookupName, d.id)) return undefined;
      return "Trivy 0.44 looks a Chainguard image's packages up in the chainguard bucket only; the advisory is in the wolfi bucket (keelson: chainguard, then wolfi)";
    },
  },
  {
    name: 'trivy-chainguard-entry-as-id',
    explain: (d, ctx) => {
      if (ctx.family !== 'chainguard') return undefined;
      if (d.kind === 'only Trivy' && /\s/.test(d.id)) {
        const first = d.id.split(/\s+/)[0];
        const k = ctx.keelson.find((f) => f.package.name === d.pkg && f.id === first);
        return k
          ? `Trivy's DB keeps the whole secdb entry "${d.id}" as the id (trivy-db chainguard); keelson reports ${first} with the rest as aliases`
          : undefined;
      }
      if (d.kind === 'only keelson') {
        const t = ctx.trivy.find((v) => v.PkgName === d.pkg && v.VulnerabilityID.startsWith(`${d.id} `));
        return t
          ? `same advisory: Trivy reports it under the whole secdb entry "${t.VulnerabilityID}" (trivy-db chainguard)`
          : undefined;
      }
      return undefined;
    },
  },
  {
    name: 'trivy-debian-undetermined',
    explain: (d, ctx) => {
      if (d.kind !== 'only keelson' || ctx.family !== 'debian' || d.keelson!.status !== 'under_investigation')
        return undefined;
      const bucket = d.keelson!.match.namespace.replace(/^debian:/, 'debian ');
      if (entry(ctx, bucket, d.keelson!.match.lookupName, d.id)) return undefined;
      return `the tracker marks it undetermined: trivy-db stores no advisory for it (absent from Trivy's ${bucket} bucket); keelson reports under_investigation`;
    },
  },
  {
    name: 'keelson-dpkg-binary-version',
    keelsonBug: true,
    explain: (d, ctx) => {
      if (d.kind !== 'only Trivy' || ctx.family !== 'debian' || !d.trivy?.FixedVersion) return undefined;
      const p = ctx.packages.get(d.pkg);
      const sourceVersion = p?.source?.version;
      if (!p || !sourceVersion || sourceVersion === p.version) return undefined;
      const cmp = scheme('dpkg').compare;
      const fixed = d.trivy.FixedVersion;
      if (!(cmp(sourceVersion, fixed) < 0 && cmp(p.version, fixed) >= 0)) return undefined;
      return `keelson compares the binary version ${p.version} with the tracker's fix ${fixed}, a source version; the source version ${sourceVersion} (what Trivy compares) is below it`;
    },
  },
];

function run(cmd: string, args: string[], options: { allowFail?: boolean } = {}): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 29 });
  if (r.status !== 0 && !(options.allowFail && r.stdout)) {
    throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  }
  return r.stdout;
}

const KEELSON = [process.execPath, join(process.cwd(), 'bin', 'keelson.js')];

function runCase(c: AgreementCase, work: string, trivy: string, trivydbBuild: string) {
  const dir = join(work, c.name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const db = join(dir, 'keelson-db');
  for (const feed of c.feeds) {
    const source = feed.keelsonSource ? ['--source', feed.keelsonSource] : [];
    run(KEELSON[0]!, [KEELSON[1]!, 'db', 'import', feed.path, '--db-dir', db, ...source]);
  }
  const keelson = JSON.parse(
    run(KEELSON[0]!, [KEELSON[1]!, 'scan', c.archive, '--db-dir', db, '--format', 'json', '--no-cache'], {
      allowFail: true,
    }),
  ) as { findings: KeelsonFinding[] };
  const sbom = JSON.parse(
    run(KEELSON[0]!, [KEELSON[1]!, 'sbom', c.archive, '--format', 'json', '--no-cache']),
  ) as { packages: InventoryPackage[] };

  const cache = join(dir, 'trivy-cache');
  run(trivydbBuild, ['-cache-dir', cache, ...c.feeds.flatMap((f) => [f.trivyFlag, f.path])]);
  cpSync(join(trivy, '..', 'java-db'), join(cache, 'java-db'), { recursive: true });
  const report = JSON.parse(
    run(trivy, [
      'image',
      '--input',
      c.archive,
      '--skip-db-update',
      '--skip-java-db-update',
      '--offline-scan',
      '--cache-dir',
      cache,
      '--scanners',
      'vuln',
      '--format',
      'json',
      '--quiet',
    ]),
  ) as { Metadata?: { OS?: { Family?: string } }; Results?: { Vulnerabilities?: TrivyVuln[] }[] };
  const dump = JSON.parse(run(trivydbBuild, ['-dump', join(cache, 'db', 'trivy.db')])) as TrivyDump;
  return {
    keelson: keelson.findings.filter((f) => !f.suppressed),
    trivy: (report.Results ?? []).flatMap((r) => r.Vulnerabilities ?? []),
    family: report.Metadata?.OS?.Family ?? 'unknown',
    dump,
    packages: new Map(sbom.packages.map((p) => [p.name, p])),
  };
}

/** Trivy's status words for a keelson finding: a fix available is "fixed", else the vendor status. */
function keelsonStatus(f: KeelsonFinding): string {
  return f.fixedVersions.length ? 'fixed' : f.status;
}

export function differences(keelson: KeelsonFinding[], trivy: TrivyVuln[]): Difference[] {
  const key = (pkg: string, id: string) => `${pkg}\u0000${id}`;
  const k = new Map(keelson.map((f) => [key(f.package.name, f.id), f]));
  const t = new Map(trivy.map((v) => [key(v.PkgName, v.VulnerabilityID), v]));
  const out: Difference[] = [];
  for (const [name, f] of k) {
    const v = t.get(name);
    if (!v) {
      out.push({
        kind: 'only keelson',
        pkg: f.package.name,
        version: f.package.version,
        id: f.id,
        keelson: f,
        detail: `${keelsonStatus(f)}${f.fixedVersions.length ? ` → ${f.fixedVersions.join(', ')}` : ''}`,
      });
      continue;
    }
    const kFixed = [...f.fixedVersions].sort().join(', ');
    const tFixed = (v.FixedVersion ?? '').split(/,\s*/).filter(Boolean).sort().join(', ');
    if (kFixed !== tFixed || keelsonStatus(f) !== (v.Status ?? '')) {
      out.push({
        kind: 'differs',
        pkg: f.package.name,
        version: f.package.version,
        id: f.id,
        keelson: f,
        trivy: v,
        detail: `keelson ${keelsonStatus(f)} ${kFixed || '–'}; Trivy ${v.Status ?? '?'} ${tFixed || '–'}`,
      });
    }
  }
  for (const [name, v] of t) {
    if (k.has(name)) continue;
    out.push({
      kind: 'only Trivy',
      pkg: v.PkgName,
      version: v.InstalledVersion,
      id: v.VulnerabilityID,
      trivy: v,
      detail: `${v.Status ?? '?'}${v.FixedVersion ? ` → ${v.FixedVersion}` : ''}`,
    });
  }
  return out.sort(
    (a, b) => a.kind.localeCompare(b.kind) || a.pkg.localeCompare(b.pkg) || a.id.localeCompare(b.id),
  );
}

async function main(): Promise<void> {
  const work = process.argv[2] ?? '.bench/agreement';
  const trivy = process.env.TRIVY;
  const trivydbBuild = process.env.TRIVYDB_BUILD;
  if (!trivy || !trivydbBuild) throw new Error('set TRIVY and TRIVYDB_BUILD (bench/agreement.sh does)');
  const cases = await prepareAgreementInputs(join(work, 'inputs'), KEELSON);
  let unexplained = 0;
  const bugs = new Map<string, number>();
  console.log('## Finding agreement: keelson vs Trivy 0.44.1 (same feed files, offline)\n');
  console.log('| image | feeds | keelson | Trivy | both | only keelson | only Trivy | differ |');
  console.log('|---|---|---:|---:|---:|---:|---:|---:|');
  const sections: string[] = [];
  for (const c of cases) {
    console.error(`bench: agreement ${c.name}`);
    const r = runCase(c, work, trivy, trivydbBuild);
    const ctx: Context = { ...r };
    const diffs = differences(r.keelson, r.trivy);
    const count = (kind: Difference['kind']) => diffs.filter((d) => d.kind === kind).length;
    const both = r.keelson.length - count('only keelson');
    console.log(
      `| ${c.name} | ${c.feeds.map((f) => f.path.split('/').pop()).join(', ')} | ${r.keelson.length} | ${r.trivy.length} | ${both} | ${count('only keelson')} | ${count('only Trivy')} | ${count('differs')} |`,
    );
    const lines = [`\n### ${c.name} (Trivy OS family: ${r.family})\n`];
    if (!diffs.length) {
      lines.push('No differences.');
    } else {
      lines.push('| where | package | installed | id | finding | explanation |', '|---|---|---|---|---|---|');
      for (const d of diffs) {
        let text: string | undefined;
        let rule: Rule | undefined;
        for (const candidate of RULES) {
          text = candidate.explain(d, ctx);
          if (text) {
            rule = candidate;
            break;
          }
        }
        if (!rule || rule.keelsonBug) unexplained++;
        if (rule?.keelsonBug) bugs.set(rule.name, (bugs.get(rule.name) ?? 0) + 1);
        const why = !rule
          ? '**UNEXPLAINED**'
          : rule.keelsonBug
            ? `**KEELSON BUG** (${rule.name}): ${text}`
            : text;
        lines.push(`| ${d.kind} | ${d.pkg} | ${d.version} | ${d.id} | ${d.detail} | ${why} |`);
      }
    }
    sections.push(lines.join('\n'));
  }
  console.log(sections.join('\n'));
  const bugNote = bugs.size
    ? ` (${[...bugs].map(([n, c]) => `${c} from open keelson bug ${n}`).join(', ')})`
    : '';
  console.log(`\nUNEXPLAINED: ${unexplained}${bugNote}`);
}

await main();
