import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { fixture } from '../../../../test/helpers/paths.js';
import { KeelsonError } from '../../../core/errors.js';
import type { FeedFile } from '../../types.js';
import { downloadAll, importAll, serveRoutes, testFetcher } from '../test-sink.js';
import { importer } from './index.js';

// Authored sample in the FIRST EPSS CSV shape (see the folder's README.md).
const sample = (): FeedFile => ({
  path: 'epss_scores-sample.csv',
  bytes: readFileSync(fixture('feeds', 'synthetic', 'epss', 'epss_scores-sample.csv')),
});

const csv = (rows: string) =>
  Buffer.from(`#model_version:v2025.03.14,score_date:2025-03-14T00:00:00Z\ncve,epss,percentile\n${rows}`);

describe('epss importer', () => {
  test('rows become EPSS records dated by the header', async () => {
    const sink = await importAll(importer, [sample()]);
    assert.deepEqual(sink.epssRecords, [
      { cve: 'CVE-2021-44228', score: 0.94358, percentile: 0.99961, date: '2025-03-14' },
      { cve: 'CVE-2024-3094', score: 0.84512, percentile: 0.9933, date: '2025-03-14' },
      { cve: 'CVE-2025-0001', score: 0.00043, percentile: 0.098, date: '2025-03-14' },
    ]);
    assert.equal(sink.metas.get('model_version'), 'v2025.03.14');
    assert.equal(sink.metas.get('score_date'), '2025-03-14');
  });

  test('gzipped files and files without the comment line are read', async () => {
    const gz = await importAll(importer, [
      { path: 'epss_scores-current.csv.gz', bytes: gzipSync(sample().bytes) },
    ]);
    assert.equal(gz.epssRecords.length, 3);
    const bare = await importAll(importer, [
      { path: 'e.csv', bytes: Buffer.from('cve,epss,percentile\r\nCVE-2020-0001,0.5,0.5\r\n') },
    ]);
    assert.deepEqual(bare.epssRecords, [{ cve: 'CVE-2020-0001', score: 0.5, percentile: 0.5 }]);
  });

  test('malformed rows are skipped with their line numbers', async () => {
    const sink = await importAll(importer, [
      {
        path: 'e.csv',
        bytes: csv(
          `CVE-2020-0001,0.1,0.2\nnot-a-cve,0.1,0.2\nCVE-2020-0002,1.5,0.2\nCVE-2020-0003,abc,0.2\nCVE-2020-0004,0.1\nCVE-2020-0005,${'9'.repeat(1_000_000)},1\nCVE-2020-0006,-0.1,0.2\nCVE-2020-0007,4.3e-05,0.01\n`,
        ),
      },
    ]);
    assert.deepEqual(
      sink.epssRecords.map((r) => [r.cve, r.score]),
      [
        ['CVE-2020-0001', 0.1],
        ['CVE-2020-0007', 4.3e-5],
      ],
    );
    assert.deepEqual(
      sink.skips.map((s) => s.where),
      ['e.csv:4', 'e.csv:5', 'e.csv:6', 'e.csv:7', 'e.csv:8', 'e.csv:9'],
    );
  });

  test('10^5 rows are read quickly', async () => {
    const rows: string[] = [];
    for (let i = 0; i < 100_000; i++) rows.push(`CVE-2024-${String(10000 + i)},0.0${i % 10}1,0.5`);
    const started = Date.now();
    const sink = await importAll(importer, [{ path: 'e.csv', bytes: csv(rows.join('\n')) }]);
    assert.equal(sink.epssRecords.length, 100_000);
    assert.ok(Date.now() - started < 10_000);
  });

  test('a file that is not EPSS, or a broken gzip, fails naming it', async () => {
    for (const bytes of [
      Buffer.from('cve,score\nCVE-2020-0001,1\n'),
      Buffer.from(''),
      Buffer.from('#model_version:v1\n'),
    ]) {
      await assert.rejects(
        importAll(importer, [{ path: 'bad.csv', bytes }]),
        (err: unknown) =>
          err instanceof KeelsonError && err.code === 'PARSE_ERROR' && /bad\.csv/.test(err.message),
      );
    }
    await assert.rejects(
      importAll(importer, [{ path: 'bad.csv.gz', bytes: gzipSync(sample().bytes).subarray(0, 30) }]),
      (err: unknown) =>
        err instanceof KeelsonError && err.code === 'PARSE_ERROR' && /bad\.csv\.gz/.test(err.message),
    );
  });

  test('recognizes EPSS files by name or first line', () => {
    assert.equal(importer.recognizes(sample()), true);
    assert.equal(importer.recognizes({ path: 'scores.csv', bytes: sample().bytes }), true);
    assert.equal(importer.recognizes({ path: 'other.csv', bytes: Buffer.from('a,b\n') }), false);
  });

  test('download fetches the current scores from the base URL', async () => {
    const server = await serveRoutes({ '/epss_scores-current.csv.gz': gzipSync(sample().bytes) });
    try {
      const files = await downloadAll(importer, testFetcher, server.baseUrl);
      assert.deepEqual(
        files.map((f) => f.path),
        ['epss_scores-current.csv.gz'],
      );
      assert.equal((await importAll(importer, files)).epssRecords.length, 3);
    } finally {
      await server.close();
    }
  });
});
