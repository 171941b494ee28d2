import { exportBundle, importBundle, isBundle } from '../../advisories/db/bundle.js';
import { jobsFromPath } from '../../advisories/db/import-path.js';
import { AdvisoryDb, defaultDbDir } from '../../advisories/db/reader.js';
import { updateFromUpstream } from '../../advisories/db/update.js';
import { type SourceOutcome, updateDatabase } from '../../advisories/db/writer.js';
import { KeelsonError } from '../../core/errors.js';
import { emit } from '../common.js';
import { table } from '../format.js';

export interface DbFlags {
  dbDir?: string;
}

function dir(flags: DbFlags): string {
  return flags.dbDir ?? defaultDbDir();
}

/** Prints each source's outcome; fails (exit 2) when every source failed. */
function report(outcomes: SourceOutcome[]): void {
  for (const o of outcomes) {
    if (o.ok) {
      const c = o.counts;
      const parts = Object.entries(c)
        .filter(([, n]) => n > 0)
        .map(([k, n]) => `${n} ${k}`);
      process.stderr.write(`keelson: ${o.source}: ${parts.join(', ')}\n`);
    } else {
      process.stderr.write(
        `keelson: error: ${o.source}: ${o.error?.describe() ?? 'failed'} — previous data kept\n`,
      );
    }
    if (o.skipped)
      process.stderr.write(
        `keelson: warning: ${o.source}: skipped ${o.skipped} malformed record(s), e.g. ${o.skipExamples.slice(0, 3).join('; ')}\n`,
      );
  }
  if (outcomes.length && !outcomes.some((o) => o.ok)) {
    const first = outcomes[0]!.error;
    throw first ?? new KeelsonError('PARSE_ERROR', 'no source could be imported');
  }
  if (outcomes.some((o) => !o.ok))
    throw new KeelsonError(
      'PARSE_ERROR',
      `${outcomes.filter((o) => !o.ok).length} source(s) failed; their previous data was kept`,
    );
}

export async function dbUpdateCommand(
  flags: DbFlags & { source: string[]; mirror: string[] },
): Promise<void> {
  let baseUrl: string | undefined;
  const perSource: Record<string, string> = {};
  for (const m of flags.mirror) {
    const at = /^([a-z0-9-]+)=(.+)$/.exec(m);
    if (at) perSource[at[1]!] = at[2]!;
    else baseUrl = m;
  }
  for (const url of [baseUrl, ...Object.values(perSource)])
    if (url !== undefined && !/^https?:\/\/[^\s]+$/.test(url))
      throw new KeelsonError('INVALID_ARGUMENT', `--mirror "${url}" is not an http(s) URL`);
  report(
    await updateFromUpstream(dir(flags), {
      sources: flags.source,
      perSource,
      ...(baseUrl ? { baseUrl } : {}),
    }),
  );
}

export async function dbImportCommand(path: string, flags: DbFlags & { source?: string }): Promise<void> {
  if (!flags.source && (await isBundle(path))) {
    const manifest = await importBundle(path, dir(flags));
    process.stderr.write(
      `keelson: installed bundle (${manifest.sources.map((s) => s.name).join(', ')}; built ${manifest.builtAt ?? 'unknown'})\n`,
    );
    return;
  }
  const jobs = await jobsFromPath(path, flags.source ? { source: flags.source } : {});
  report(await updateDatabase(dir(flags), jobs));
}

export async function dbExportCommand(file: string, flags: DbFlags): Promise<void> {
  const manifest = await exportBundle(dir(flags), file);
  process.stderr.write(
    `keelson: wrote ${file} (${manifest.sources.length} sources, ${manifest.database.size} bytes)\n`,
  );
}

function age(iso: string, now: Date): string {
  const hours = (now.getTime() - Date.parse(iso)) / 3_600_000;
  return hours < 48 ? `${Math.max(0, Math.round(hours))}h` : `${Math.round(hours / 24)}d`;
}

export async function dbStatusCommand(flags: DbFlags & { format: string }): Promise<void> {
  const db = AdvisoryDb.open(dir(flags));
  try {
    const sources = db.sources();
    const now = new Date();
    if (flags.format === 'json') {
      await emit(JSON.stringify({ path: db.path, builtAt: db.builtAt() ?? null, sources }, null, 2));
      return;
    }
    const lines = [`Database  ${db.path}`, `Built     ${db.builtAt() ?? 'unknown'}`, ''];
    lines.push(
      table(
        ['SOURCE', 'RECORDS', 'SKIPPED', 'UPDATED', 'AGE', 'ORIGIN'],
        sources.map((s) => [
          `${s.name}${s.demo ? ' (DEMO DATA)' : ''}`,
          Object.entries(s.counts)
            .filter(([, n]) => n > 0)
            .map(([k, n]) => `${n} ${k}`)
            .join(', '),
          String(s.skipped),
          s.updatedAt.slice(0, 19).replace('T', ' '),
          age(s.updatedAt, now),
          s.origin,
        ]),
      ),
    );
    if (sources.some((s) => s.demo))
      lines.push('', 'DEMO DATA: bundled sample feeds and synthetic vendor feeds, not real advisories.');
    await emit(lines.join('\n'));
  } finally {
    db.close();
  }
}
