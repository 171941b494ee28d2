/**
 * Turns the results of bench:match into Markdown. Usage: node dist/bench/match-report.js .bench/match/results RECORDS
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

interface HyperfineResult {
  command: string;
  median: number;
  min: number;
  max: number;
}

const dir = process.argv[2] ?? '.bench/match/results';
const records = Number(process.argv[3] ?? 300_000);
const read = (f: string) => readFileSync(join(dir, f), 'utf8').trim();
const hyperfine = (f: string) => (JSON.parse(read(f)) as { results: HyperfineResult[] }).results;
const seconds = (r: HyperfineResult) =>
  `${r.median.toFixed(3)} s | ${r.min.toFixed(3)} – ${r.max.toFixed(3)} s`;
const verdict = (ok: boolean) => (ok ? 'met' : '**missed**');

const [imp] = hyperfine('import.json');
const importRssMb = Number(read('import.rss')) / 1024;
const dbMb = Number(read('import.dbsize')) / 1e6;
console.log('\n### Advisory import\n');
console.log('| what | median | min – max | peak RSS | DB size | target |');
console.log('|---|---:|---:|---:|---:|---|');
console.log(
  `| ${imp!.command} | ${seconds(imp!)} | ${importRssMb.toFixed(0)} MB | ${dbMb.toFixed(0)} MB | ≤ 60 s: ${verdict(imp!.median <= 60)}; ≤ 300 MB: ${verdict(dbMb <= 300)} |`,
);

const match = JSON.parse(read('match.json')) as {
  runs: number;
  packages: number;
  findings: number;
  medianMs: number;
  minMs: number;
  maxMs: number;
};
console.log('\n### matchInventory() (in-process)\n');
console.log('| packages | findings | DB | runs | median | min – max | target |');
console.log('|---:|---:|---|---:|---:|---:|---|');
console.log(
  `| ${match.packages} | ${match.findings} | ${records.toLocaleString('en')} OSV npm + Debian tracker | ${match.runs} | ${match.medianMs} ms | ${match.minMs} – ${match.maxMs} ms | ≤ 50 ms: ${verdict(match.medianMs <= 50)} |`,
);

const scans = hyperfine('scan.json');
const rss = new Map(
  read('scan.rss.jsonl')
    .split('\n')
    .map((l) => JSON.parse(l) as { name: string; maxRssKb: number })
    .map((r) => [r.name, r.maxRssKb]),
);
const trivy = (kind: 'cold' | 'warm') =>
  scans.find((r) => r.command === `trivy ${kind}`)?.median ?? Number.NaN;
const findings = JSON.parse(read('scan.findings.json')) as { keelson: number; trivy: number };
console.log('\n### Full scan, Debian 12 image (same synthetic tracker in both DBs)\n');
console.log('| command | median | min – max | × Trivy (same cache state) | peak RSS | target ≤ 0.5× |');
console.log('|---|---:|---:|---:|---:|---|');
for (const r of scans) {
  const kind = r.command.endsWith('cold') ? 'cold' : 'warm';
  const ratio = r.command.startsWith('keelson') ? r.median / trivy(kind) : Number.NaN;
  const mem = rss.get(r.command);
  console.log(
    `| ${r.command} | ${seconds(r)} | ${Number.isNaN(ratio) ? '–' : ratio.toFixed(2)} | ${mem ? `${(mem / 1024).toFixed(0)} MB` : '–'} | ${Number.isNaN(ratio) ? '' : verdict(ratio <= 0.5)} |`,
  );
}
console.log(
  `\nFindings reported (not suppressed): keelson ${findings.keelson}, Trivy ${findings.trivy} (bench:agreement lists and explains the differences).`,
);
