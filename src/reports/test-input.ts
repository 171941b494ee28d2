/**
 * Test-only: a deterministic ReportInput made by the real pipeline — the real alpine:3.10 image
 * (test/fixtures/images/alpine-310.tar.gz) matched against Alpine's 3.10 secdb subset
 * (test/fixtures/feeds/alpine-3.10) with one VEX statement that suppresses a finding. Machine-specific
 * values (paths, database age) are replaced by fixed ones so golden files compare byte for byte.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixture } from '../../test/helpers/paths.js';
import { jobsFromPath } from '../advisories/db/import-path.js';
import { updateDatabase } from '../advisories/db/writer.js';
import { scanTargetWithInventory } from '../matching/scan.js';
import type { VexStatement } from '../vex/types.js';
import type { ReportInput } from './registry.js';

export const FIXED_NOW = new Date('2026-03-01T12:00:00Z');
const BUILT_AT = new Date('2026-03-01T06:00:00Z');
export const FIXTURE_TARGET = 'test/fixtures/images/alpine-310.tar.gz';

const VEX: VexStatement = {
  vulnerability: 'CVE-2021-3449',
  aliases: [],
  products: ['pkg:apk/alpine/libssl1.1'],
  subcomponents: [],
  status: 'not_affected',
  justification: 'vulnerable_code_not_in_execute_path',
  impactStatement: 'TLS renegotiation is disabled in this image',
  timestamp: '2026-01-01T00:00:00Z',
  origin: 'test/fixtures/vex/keelson-reports.openvex.json',
  format: 'openvex',
};

export async function alpineReportInput(): Promise<ReportInput> {
  const work = await mkdtemp(join(tmpdir(), 'keelson-reports-'));
  try {
    const dbDir = join(work, 'db');
    const jobs = await jobsFromPath(fixture('feeds', 'alpine-3.10'));
    await updateDatabase(dbDir, jobs, { now: () => BUILT_AT });
    const { result, inventory } = await scanTargetWithInventory(fixture('images', 'alpine-310.tar.gz'), {
      dbDir,
      vex: [VEX],
      now: () => FIXED_NOW,
      packageFiles: false,
    });
    result.image.target = FIXTURE_TARGET;
    inventory.image.target = FIXTURE_TARGET;
    result.database.path = 'keelson-db/keelson.db';
    return { result, inventory };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
