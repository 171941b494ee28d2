/**
 * bench:interop — does Trivy read keelson's CycloneDX SBOM? For each bench:agreement image, Trivy 0.44.1
 * scans the image itself and `trivy sbom` scans keelson's CycloneDX SBOM of it, both offline on one DB that
 * trivydb-build writes from the same feed files; the two finding sets (VulnerabilityID + PkgName +
 * InstalledVersion) are compared. Ends with `DIFFERENCES: N` (the SBOM exactly as keelson writes it).
 *
 * When Trivy rejects the SBOM as written, it also scans a copy with only the two document-level edits that
 * Trivy 0.44's CycloneDX reader needs (specVersion 1.5, metadata.tools as an array), so that the package
 * level agreement is still measured; that copy is reported separately and never counted as the result.
 * If that copy still differs, a diagnostic copy also carries Trivy's own source-package properties
 * (aquasecurity:trivy:SrcName/SrcVersion, from keelson:source:*), to show what Trivy still lacks.
 *
 * Usage (from bench/interop.sh): TRIVY=… TRIVYDB_BUILD=… node dist/bench/interop.js WORKDIR
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { type AgreementCase, prepareAgreementInputs } from './agreement-inputs.js';

interface TrivyVuln {
  VulnerabilityID: string;
  PkgName: string;
  InstalledVersion: string;
}

interface TrivyReport {
  Metadata?: { OS?: { Family?: string; Name?: string } };
  Results?: { Vulnerabilities?: TrivyVuln[] }[];
}

interface TrivyRun {
  ok: boolean;
  status: number | null;
  findings: Set<string>;
  os: string;
  /** Last lines of Trivy's stderr (with --debug) when it failed. */
  error?: string;
}

const KEELSON = [process.execPath, join(process.cwd(), 'bin', 'keelson.js')];

function run(cmd: string, args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 29 });
  return { status: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

function mustRun(cmd: string, args: string[]): string {
  const r = run(cmd, args);
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return r.stdout;
}

const key = (v: TrivyVuln) => `${v.VulnerabilityID} ${v.PkgName} ${v.InstalledVersion}`;

function trivy(bin: string, args: string[]): TrivyRun {
  const r = run(bin, [...args, '--debug']);
  if (r.status !== 0) {
    const tail = r.stderr
      .trim()
      .split('\n')
      .slice(-2)
      .map((l) => l.replace(/\x1b\[[0-9;]*m/g, '').replace(/\s+/g, ' '))
      .join(' / ');
    return { ok: false, status: r.status, findings: new Set(), os: '–', error: tail };
  }
  const report = JSON.parse(r.stdout) as TrivyReport;
  const os = report.Metadata?.OS;
  return {
    ok: true,
    status: r.status,
    findings: new Set((report.Results ?? []).flatMap((x) => x.Vulnerabilities ?? []).map(key)),
    os: os?.Family ? `${os.Family} ${os.Name ?? ''}`.trim() : 'none',
  };
}

interface Comparison {
  image: TrivyRun;
  sbom: TrivyRun;
  both: string[];
  onlyImage: string[];
  onlySbom: string[];
}

function compare(image: TrivyRun, sbom: TrivyRun): Comparison {
  const both = [...image.findings].filter((k) => sbom.findings.has(k)).sort();
  const onlyImage = [...image.findings].filter((k) => !sbom.findings.has(k)).sort();
  const onlySbom = [...sbom.findings].filter((k) => !image.findings.has(k)).sort();
  return { image, sbom, both, onlyImage, onlySbom };
}

const differenceCount = (c: Comparison) => c.onlyImage.length + c.onlySbom.length;

function runCase(c: AgreementCase, work: string, trivyBin: string, trivydbBuild: string) {
  const dir = join(work, c.name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const cache = join(dir, 'trivy-cache');
  mustRun(trivydbBuild, ['-cache-dir', cache, ...c.feeds.flatMap((f) => [f.trivyFlag, f.path])]);
  cpSync(join(trivyBin, '..', 'java-db'), join(cache, 'java-db'), { recursive: true });
  const common = [
    '--cache-dir',
    cache,
    '--offline-scan',
    '--skip-db-update',
    '--skip-java-db-update',
    '--format',
    'json',
  ];
  const sbomPath = join(dir, 'keelson.cdx.json');
  mustRun(KEELSON[0]!, [
    KEELSON[1]!,
    'sbom',
    c.archive,
    '--format',
    'cyclonedx',
    '--no-cache',
    '--output',
    sbomPath,
  ]);
  const image = trivy(trivyBin, ['image', '--input', c.archive, '--scanners', 'vuln', ...common]);
  if (!image.ok) throw new Error(`trivy image failed on ${c.name}: ${image.error}`);
  const asWritten = compare(image, trivy(trivyBin, ['sbom', sbomPath, ...common]));
  // keelson's CycloneDX 1.5 output (`--format cyclonedx-1.5`) for consumers that do not read 1.6 yet.
  const sbom15Path = join(dir, 'keelson.cdx-1.5.json');
  mustRun(KEELSON[0]!, [
    KEELSON[1]!,
    'sbom',
    c.archive,
    '--format',
    'cyclonedx-1.5',
    '--no-cache',
    '--output',
    sbom15Path,
  ]);
  const v15 = compare(image, trivy(trivyBin, ['sbom', sbom15Path, ...common]));
  return { asWritten, v15 };
}

function row(name: string, c: Comparison): string {
  const sbom = c.sbom.ok ? String(c.sbom.findings.size) : `Trivy exit ${c.sbom.status}`;
  return `| ${name} | ${c.image.os} | ${c.sbom.os} | ${c.image.findings.size} | ${sbom} | ${c.both.length} | ${c.onlyImage.length} | ${c.onlySbom.length} |`;
}

function differenceLines(name: string, c: Comparison): string[] {
  const lines: string[] = [];
  if (!c.sbom.ok)
    lines.push(`- ${name}: \`trivy sbom\` exited ${c.sbom.status}; last log lines: ${c.sbom.error}`);
  for (const k of c.onlyImage) lines.push(`- ${name}: only on image: ${k}`);
  for (const k of c.onlySbom) lines.push(`- ${name}: only on SBOM: ${k}`);
  return lines;
}

const HEADER = [
  '| image | OS (image) | OS (SBOM) | findings on image | findings on keelson SBOM | both | only image | only SBOM |',
  '|---|---|---|---:|---:|---:|---:|---:|',
];

async function main(): Promise<void> {
  const work = process.argv[2] ?? '.bench/interop';
  const trivyBin = process.env.TRIVY;
  const trivydbBuild = process.env.TRIVYDB_BUILD;
  if (!trivyBin || !trivydbBuild) throw new Error('set TRIVY and TRIVYDB_BUILD (bench/interop.sh does)');
  // The agreement bench's images and feeds: built there once, reused here.
  const cases = await prepareAgreementInputs(join('.bench', 'agreement', 'inputs'), KEELSON);
  const results: { name: string; asWritten: Comparison; v15: Comparison }[] = [];
  for (const c of cases) {
    console.error(`bench: interop ${c.name}`);
    results.push({ name: c.name, ...runCase(c, work, trivyBin, trivydbBuild) });
  }
  console.log("## Interoperability: Trivy 0.44.1 on the image vs on keelson's CycloneDX SBOM\n");
  console.log(HEADER.join('\n'));
  for (const r of results) console.log(row(r.name, r.asWritten));
  const diffs = results.flatMap((r) => differenceLines(r.name, r.asWritten));
  console.log(`\n### Differences (SBOM as written)\n\n${diffs.length ? diffs.join('\n') : 'None.'}`);
  console.log('\n### keelson sbom --format cyclonedx-1.5\n');
  console.log(HEADER.join('\n'));
  for (const r of results) console.log(row(r.name, r.v15));
  const lines15 = results.flatMap((r) => differenceLines(r.name, r.v15));
  console.log(`\n${lines15.length ? lines15.join('\n') : 'No differences.'}`);
  const n15 = results.reduce((s, r) => s + differenceCount(r.v15) + (r.v15.sbom.ok ? 0 : 1), 0);
  console.log(`\nDIFFERENCES (cyclonedx-1.5): ${n15}`);
  const total = results.reduce((s, r) => s + differenceCount(r.asWritten) + (r.asWritten.sbom.ok ? 0 : 1), 0);
  console.log(`\nDIFFERENCES (cyclonedx, 1.6): ${total}`);
}

await main();
