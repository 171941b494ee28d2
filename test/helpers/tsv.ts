import { readFileSync } from 'node:fs';

/** Reads a tab-separated file with a header row into objects keyed by the header names. */
export function readTsv(path: string): Record<string, string>[] {
  const [header, ...rows] = readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '');
  const keys = header!.split('\t');
  return rows.map((row) => {
    const cells = row.split('\t');
    return Object.fromEntries(keys.map((k, i) => [k, cells[i] ?? '']));
  });
}
