import assert from 'node:assert/strict';
import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';
import { jobsFromPath } from '../../src/advisories/db/import-path.js';
import { updateDatabase } from '../../src/advisories/db/writer.js';
import { scanTargetWithInventory } from '../../src/matching/scan.js';
import type { ScanResult } from '../../src/matching/types.js';
import { renderHtml } from '../../src/reports/html.js';
import { summaryLine } from '../../src/reports/table.js';
import { fixture } from '../helpers/paths.js';

/**
 * The HTML report of the real alpine:3.10 image (20 findings from Alpine's 3.10 secdb), opened in real
 * headless Chromium: what a user sees, with no network access and no console errors. Set
 * KEELSON_HTML_SCREENSHOT=FILE to keep the full-page screenshot for a look.
 */
describe('HTML report in Chromium: real alpine 3.10', () => {
  let work: string;
  let browser: Browser;
  let page: Page;
  let result: ScanResult;
  const consoleErrors: string[] = [];
  const blocked: string[] = [];

  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'keelson-report-html-'));
    const dbDir = join(work, 'db');
    const outcomes = await updateDatabase(dbDir, await jobsFromPath(fixture('feeds', 'alpine-3.10')));
    assert.ok(
      outcomes.every((o) => o.ok),
      'feed imported',
    );
    const scanned = await scanTargetWithInventory(fixture('images', 'alpine-310.tar.gz'), { dbDir });
    result = scanned.result;
    const file = join(work, 'report.html');
    await writeFile(
      file,
      renderHtml(scanned, { now: new Date('2026-03-01T12:00:00Z'), toolVersion: 'test' }),
    );

    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu'],
    });
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
    });
    page.on('pageerror', (e) => consoleErrors.push(String(e)));
    // The report is one file: anything but that file is a request it must not make.
    await page.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith('file:')) return route.continue();
      blocked.push(url);
      return route.abort();
    });
    await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
  });

  after(async () => {
    await browser?.close();
    await rm(work, { recursive: true, force: true });
  });

  test('title and summary line', async () => {
    assert.equal(await page.title(), 'keelson report: alpine:3.10');
    const summary = (await page.locator('#summary').textContent()) ?? '';
    assert.equal(summary, summaryLine(result));
    assert.match(
      summary,
      /^20 raw → 20 actionable: .*; 20 fixable; 0 inherited from base image; 0 suppressed$/,
    );
    const header = (await page.locator('header').textContent()) ?? '';
    assert.match(header, /alpine 3\.10\.4/);
    assert.match(header, /alpine-secdb/);
    assert.doesNotMatch(header, /DEMO DATA/);
  });

  test('the full table has the 20 findings, each linked to its advisory page', async () => {
    const rows = page.locator('#findings tbody tr');
    assert.equal(await rows.count(), 20);
    assert.equal(await page.locator('#findings tbody tr a[href^="https://"]').count(), 20);
    const cells = await rows.filter({ hasText: 'CVE-2021-36159' }).locator('td').allInnerTexts();
    assert.deepEqual(cells.slice(0, 5), ['CVE-2021-36159', '–', 'apk-tools', '2.10.4-r2', '2.10.7-r0']);
    assert.equal(await page.locator('#top-fixable tbody tr').count(), 10);
    // Suppressed findings are there, collapsed.
    assert.equal(
      await page.locator('#suppressed-findings').evaluate((d) => (d as { open: boolean }).open),
      false,
    );
  });

  test("the chart's bars have a size for the severities present, none for the others", async () => {
    const bars = page.locator('#severity-chart g.bar');
    assert.equal(await bars.count(), 6);
    let total = 0;
    for (let i = 0; i < 6; i++) {
      const bar = bars.nth(i);
      const level = (await bar.getAttribute('data-severity'))!;
      const count = Number(await bar.getAttribute('data-count'));
      assert.equal(count, result.summary.bySeverity[level as keyof ScanResult['summary']['bySeverity']]);
      total += count;
      const value = bar.locator('rect.value');
      if (count > 0) {
        const box = await value.boundingBox();
        assert.ok(box && box.width > 0 && box.height > 0, `${level} bar visible`);
      } else assert.equal(await value.count(), 0, `${level} has no bar`);
      assert.equal((await bar.locator('text').last().textContent())?.trim(), String(count));
    }
    assert.equal(total, 20);
    assert.equal(await page.locator('#severity-chart').getAttribute('role'), 'img');
  });

  test('filtering and sorting work (the inline script runs under the CSP)', async () => {
    await page.locator('input.filter').fill('musl');
    assert.equal(await page.locator('#findings tbody tr:visible').count(), 2);
    await page.locator('input.filter').fill('');
    assert.equal(await page.locator('#findings tbody tr:visible').count(), 20);
    await page.locator('#findings th', { hasText: 'Package' }).click();
    const first = (await page.locator('#findings tbody tr').first().locator('td').nth(2).textContent()) ?? '';
    assert.match(first, /^apk-tools/);
    assert.equal(
      await page.locator('#findings th', { hasText: 'Package' }).getAttribute('aria-sort'),
      'ascending',
    );
  });

  test('no console errors, no network requests, and a real full-page screenshot', async () => {
    const png = join(work, 'report.png');
    await page.screenshot({ path: png, fullPage: true });
    const bytes = await readFile(png);
    assert.deepEqual([...bytes.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    const width = bytes.readUInt32BE(16);
    const height = bytes.readUInt32BE(20);
    assert.equal(width, 1400);
    assert.ok(height > 1500, `full page, ${height}px tall`);
    assert.ok(bytes.length > 50_000, `${bytes.length} bytes: more than a blank page`);
    if (process.env.KEELSON_HTML_SCREENSHOT) await copyFile(png, process.env.KEELSON_HTML_SCREENSHOT);
    assert.deepEqual(consoleErrors, []);
    assert.deepEqual(blocked, []);
  });
});
