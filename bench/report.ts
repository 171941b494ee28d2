/**
 * Turns the hyperfine and /usr/bin/time results of bench:inventory into the Markdown tables of
 * BENCHMARKS.md. Usage: node dist/bench/report.js .bench/results
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

interface HyperfineResult {
  command: string;
  median: number;
  min: number;
  max: number;
}

const dir = process.argv[2] ?? '.bench/results';
const images = readdirSync(dir)
  .filter((f) => /^[a-z0-9]+\.json$/.test(f))
  .map((f) => f.replace(/\.json$/, ''));

for (const image of images) {
  const { results } = JSON.parse(readFileSync(join(dir, `${image}.json`), 'utf8')) as {
    results: HyperfineResult[];
  };
  const rss = new Map<string, number>(
    readFileSync(join(dir, `${image}.rss.jsonl`), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { name: string; maxRssKb: number })
      .map((r) => [r.name, r.maxRssKb]),
  );
  const floor = results.find((r) => r.command.startsWith('gzip'))?.median ?? Number.NaN;
  const trivy = results.find((r) => r.command === 'trivy')?.median ?? Number.NaN;
  console.log(`\n### ${image}\n`);
  console.log('| command | median | min – max | × floor | × Trivy | peak RSS |');
  console.log('|---|---:|---:|---:|---:|---:|');
  for (const r of results) {
    const mem = rss.get(r.command);
    console.log(
      `| ${r.command} | ${r.median.toFixed(3)} s | ${r.min.toFixed(3)} – ${r.max.toFixed(3)} s | ${(r.median / floor).toFixed(2)} | ${(r.median / trivy).toFixed(2)} | ${mem ? `${(mem / 1024).toFixed(0)} MB` : '–'} |`,
    );
  }
  try {
    const agreement = JSON.parse(readFileSync(join(dir, `${image}.agreement.json`), 'utf8'));
    console.log(
      `\nInventory agreement with Trivy: keelson ${agreement.keelson}, Trivy ${agreement.trivy}, both ${agreement.both}; ` +
        `only keelson ${JSON.stringify(agreement.onlyKeelson.byType)}, only Trivy ${JSON.stringify(agreement.onlyTrivy.byType)}`,
    );
  } catch {
    // no agreement file for this image
  }
}
