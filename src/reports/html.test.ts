import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, test } from 'node:test';
import type { Inventory } from '../core/types.js';
import type { Finding, ScanResult, SeverityLevel } from '../matching/types.js';
import { escapeHtml, renderHtml, safeHttpUrl } from './html.js';
import { summaryLine } from './table.js';

const HOSTILE = '<script>alert(1)</script>"\'><img src=x onerror=alert(2)>';

function finding(over: Partial<Finding> & { id: string }, pkg: Partial<Finding['package']> = {}): Finding {
  return {
    aliases: [],
    package: {
      name: 'openssl',
      version: '1.0.0',
      type: 'apk',
      purl: 'pkg:apk/alpine/openssl@1.0.0',
      location: 'lib/apk/db/installed',
      ...pkg,
    },
    status: 'affected',
    fixedVersions: ['1.0.1'],
    severity: { level: 'medium', source: 'nvd', method: 'CVSS:3.1', score: 5.5 },
    severities: [],
    dataSource: { source: 'alpine-secdb', advisoryId: over.id },
    match: {
      namespace: 'alpine:3.10',
      lookupName: 'openssl',
      nameKind: 'origin',
      constraint: '< 1.0.1',
      source: 'alpine-secdb',
      advisoryId: over.id,
      namespaceReason: 'test',
    },
    ...over,
  };
}

function result(findings: Finding[], over: Partial<ScanResult> = {}): ScanResult {
  const actionable = findings.filter((f) => !f.suppressed);
  const bySeverity: Record<SeverityLevel, number> = {
    critical: 0,
    high: 0,
    medium: 0,
    low: 0,
    negligible: 0,
    unknown: 0,
  };
  for (const f of actionable) bySeverity[f.severity.level]++;
  return {
    schemaVersion: 1,
    image: { target: 'example.test/app:1', reference: 'example.test/app:1', manifestDigest: 'sha256:abc' },
    distro: { id: 'alpine', version: '3.10.4' },
    provider: { name: 'traditional', evidence: [] },
    packages: 42,
    findings,
    summary: {
      raw: findings.length,
      actionable: actionable.length,
      suppressed: findings.length - actionable.length,
      bySeverity,
      fixable: actionable.filter((f) => f.fixedVersions.length).length,
      fromBase: actionable.filter((f) => f.package.layer?.base === true).length,
    },
    database: {
      path: '/db/advisories.db',
      builtAt: '2026-01-02T03:04:05Z',
      ageHours: 5,
      demo: false,
      sources: ['alpine-secdb'],
    },
    warnings: [],
    ...over,
  };
}

const inventory = {
  layers: [],
  packages: [],
  image: { target: 'x', sourceType: 'oci-archive', annotations: {} },
} as unknown as Inventory;
const now = new Date('2026-02-03T04:05:06Z');
const layer = (index: number, base?: boolean) => ({
  index,
  diffID: `sha256:${index}`,
  ...(base === undefined ? {} : { base }),
});

/** The findings in a table body, by the table's id. */
function rows(html: string, id: string): string[] {
  const start = html.indexOf(`<table id="${id}"`);
  assert.ok(start >= 0, `table ${id} present`);
  const body = html.slice(html.indexOf('<tbody>', start), html.indexOf('</tbody>', start));
  return body.split('<tr>').slice(1);
}

const sample = (): Finding[] => [
  finding(
    { id: 'CVE-2024-0001', severity: { level: 'critical', source: 'nvd', method: 'CVSS:3.1', score: 9.8 } },
    { layer: layer(0, true) },
  ),
  finding(
    { id: 'CVE-2024-0002', severity: { level: 'high', source: 'nvd', method: 'CVSS:3.1', score: 7.5 } },
    { layer: layer(1, false) },
  ),
  finding(
    {
      id: 'CVE-2024-0003',
      severity: { level: 'high', source: 'nvd', method: 'CVSS:3.1', score: 7.0 },
      kev: { dateAdded: '2024-05-01' },
      epss: { score: 0.42, percentile: 0.97 },
    },
    { layer: layer(1, false) },
  ),
  finding({ id: 'CVE-2024-0004', fixedVersions: [], status: 'will_not_fix' }, { layer: layer(0, true) }),
  finding({ id: 'CVE-2024-0005', severity: { level: 'low', source: 'nvd', method: 'CVSS:3.1', score: 3.1 } }),
  finding({
    id: 'CVE-2024-0006',
    suppressed: {
      kind: 'vex',
      detail: 'VEX not_affected from vendor.json',
      status: 'not_affected',
      justification: 'component_not_present',
    },
  }),
];

describe('renderHtml', () => {
  test('a complete, self-contained document with a strict CSP whose hashes match its own style and script', () => {
    const html = renderHtml({ result: result(sample()), inventory }, { now, toolVersion: '9.9.9' });
    assert.ok(html.startsWith('<!DOCTYPE html>\n<html lang="en">'));
    assert.ok(html.trimEnd().endsWith('</html>'));
    assert.match(html, /<title>keelson report: example\.test\/app:1<\/title>/);
    // No external resources of any kind.
    assert.doesNotMatch(html, /<link|<img|<iframe|<object|@import|\ssrc=/i);
    assert.doesNotMatch(html, /url\((?!#)/);
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)?.[1];
    assert.ok(csp);
    const policy = csp.replace(/&#39;/g, "'");
    assert.match(policy, /^default-src 'none'; /);
    assert.doesNotMatch(policy, /unsafe-inline|unsafe-eval|https?:/);
    const sha = (t: string) => `'sha256-${createHash('sha256').update(t).digest('base64')}'`;
    const style = /<style>([\s\S]*?)<\/style>/.exec(html)![1]!;
    const script = /<script>([\s\S]*?)<\/script>/.exec(html)![1]!;
    assert.ok(policy.includes(`style-src ${sha(style)}`));
    assert.ok(policy.includes(`script-src ${sha(script)}`));
    assert.equal(html.match(/<style/g)!.length, 1);
    assert.equal(html.match(/<script/g)!.length, 1);
    assert.doesNotMatch(html, /\sstyle="/, 'no style attributes (the CSP would block them)');
    assert.match(html, /Generated by keelson 9\.9\.9/);
    assert.match(html, /2026-02-03 04:05 UTC/);
  });

  test('header, summary line, tiles and chart carry the numbers', () => {
    const r = result(sample());
    const html = renderHtml({ result: r, inventory }, { now });
    assert.ok(html.includes(`<p class="summary" id="summary">${escapeHtml(summaryLine(r))}</p>`));
    assert.match(
      summaryLine(r),
      /^6 raw → 5 actionable: 1 critical, 2 high, 1 medium, 1 low; 4 fixable; 2 inherited/,
    );
    assert.match(html, /<div class="n">6<\/div><div class="l">raw matches/);
    assert.match(html, /<div class="n">5<\/div><div class="l">actionable/);
    assert.match(html, /<div class="n">4<\/div><div class="l">fixable/);
    assert.match(html, /<div class="n">1<\/div><div class="l">known exploited/);
    assert.match(html, /<div class="n">1<\/div><div class="l">suppressed/);
    for (const [level, n] of Object.entries({
      critical: 1,
      high: 2,
      medium: 1,
      low: 1,
      negligible: 0,
      unknown: 0,
    })) {
      assert.match(html, new RegExp(`data-severity="${level}" data-count="${n}"`));
      assert.equal(html.includes(`data-severity="${level}" data-count="${n}"><text`), true);
    }
    // Bars exist only for severities present; the chart is labelled and described in text.
    assert.equal(html.match(/<rect class="value"/g)!.length, 4);
    assert.match(html, /role="img" aria-labelledby="sev-title sev-desc"/);
    assert.match(
      html,
      /<desc id="sev-desc">critical 1, high 2, medium 1, low 1, negligible 0, unknown 0<\/desc>/,
    );
    assert.match(html, /alpine 3\.10\.4/);
    assert.match(html, /sha256:abc/);
    assert.match(html, /alpine-secdb · built 2026-01-02 03:04 UTC · 5h old/);
    assert.doesNotMatch(html, /DEMO DATA/);
  });

  test('base/app split counts actionable findings per part', () => {
    const html = renderHtml({ result: result(sample()), inventory }, { now });
    assert.match(html, /<li data-part="base"><span class="sw base"><\/span><b>2<\/b> base image/);
    assert.match(html, /<li data-part="app"><span class="sw app"><\/span><b>2<\/b> app layers/);
    assert.match(html, /<li data-part="unknown"><span class="sw unknown"><\/span><b>1<\/b> unknown layer/);
    assert.match(html, /aria-label="base image 2, app layers 2, unknown 1"/);
    assert.match(html, /base image boundary is not known/);
  });

  test('full table lists actionable findings most urgent first; suppressed ones sit in a closed <details>', () => {
    const html = renderHtml({ result: result(sample()), inventory }, { now });
    const all = rows(html, 'findings');
    assert.equal(all.length, 5);
    const ids = all.map((r) => /CVE-2024-\d+/.exec(r)![0]);
    // critical, then high with KEV before high without, then medium, low.
    assert.deepEqual(ids, [
      'CVE-2024-0001',
      'CVE-2024-0003',
      'CVE-2024-0002',
      'CVE-2024-0004',
      'CVE-2024-0005',
    ]);
    assert.match(all[1]!, /<span class="kev">KEV<\/span>/);
    assert.match(all[1]!, /42\.0% \(p97\)/);
    assert.match(all[0]!, /<span class="sev critical">critical<\/span><span class="score">9\.8<\/span>/);
    assert.match(all[3]!, /will not fix/);
    assert.match(all[0]!, /<span class="part base">base<\/span> <span class="score">L0<\/span>/);
    assert.match(all[4]!, /<span class="part unknown">unknown<\/span>/);
    assert.match(html, /<details id="suppressed-findings"><summary>/);
    assert.doesNotMatch(html, /<details[^>]* open/);
    const suppressed = rows(html, 'suppressed');
    assert.equal(suppressed.length, 1);
    assert.match(suppressed[0]!, /CVE-2024-0006/);
    assert.match(suppressed[0]!, /VEX not affected/);
    assert.match(suppressed[0]!, /justification: component_not_present/);
  });

  test('top fixable: only findings with a fix, at most 10, most urgent first', () => {
    const many = Array.from({ length: 14 }, (_, i) =>
      finding({
        id: `CVE-2023-${1000 + i}`,
        severity: { level: 'medium', source: 'nvd', method: 'CVSS:3.1', score: 5 },
        epss: { score: i / 100, percentile: 0.5 },
      }),
    );
    const html = renderHtml({ result: result([...many, ...sample()]), inventory }, { now });
    const top = rows(html, 'top-fixable');
    assert.equal(top.length, 10);
    const ids = top.map((r) => /CVE-\d+-\d+/.exec(r)![0]);
    assert.deepEqual(ids.slice(0, 4), ['CVE-2024-0001', 'CVE-2024-0003', 'CVE-2024-0002', 'CVE-2023-1013']);
    assert.ok(!ids.includes('CVE-2024-0004'), 'no fix, not in top fixable');
    assert.ok(!ids.includes('CVE-2024-0006'), 'suppressed, not in top fixable');
    assert.match(html, /Top fixable <span class="count">\(10 of 18\)/);
  });

  test('the demo database gets a clear banner', () => {
    const r = result(sample(), {
      database: { path: 'x', demo: true, sources: ['demo'] },
      warnings: [{ code: 'DEMO_DATABASE', message: 'demo <b>data</b>' }],
    });
    const html = renderHtml({ result: r, inventory }, { now });
    assert.match(html, /<div class="demo" role="alert" id="demo-banner">DEMO DATA/);
    assert.match(html, /demo &lt;b&gt;data&lt;\/b&gt;/);
  });

  test('an empty scan still renders every section', () => {
    const html = renderHtml({ result: result([]), inventory }, { now });
    assert.match(html, /No actionable findings\./);
    assert.match(html, /No actionable finding has a fixed version yet\./);
    assert.match(html, /Nothing was suppressed\./);
    assert.doesNotMatch(html, /<rect class="value"/);
    assert.match(html, /0 raw → 0 actionable; 0 fixable/);
  });

  test('hostile strings from data are escaped everywhere and only http(s) links are emitted', () => {
    const evil = [
      finding(
        {
          id: HOSTILE,
          aliases: [HOSTILE],
          summary: HOSTILE,
          url: 'javascript:alert(document.cookie)',
          fixedVersions: [HOSTILE],
          status: HOSTILE as Finding['status'],
          dataSource: { source: HOSTILE, advisoryId: `${HOSTILE}x` },
          vex: { status: 'under_investigation', justification: HOSTILE, origin: HOSTILE },
          kev: { dateAdded: HOSTILE, ransomware: HOSTILE },
          epss: { score: Number.NaN, percentile: Number.NaN },
          severity: { level: 'high', source: HOSTILE, method: HOSTILE, vector: HOSTILE },
        },
        {
          name: HOSTILE,
          version: HOSTILE,
          purl: HOSTILE,
          sourceName: HOSTILE,
          layer: { index: 0, diffID: HOSTILE, createdBy: HOSTILE },
        },
      ),
      finding({ id: 'CVE-1', url: ' JaVaScRiPt:alert(1)' }),
      finding({ id: 'CVE-2', url: 'data:text/html,<script>alert(1)</script>' }),
      finding({ id: 'CVE-3', url: 'https://example.test/a"onmouseover="alert(1)<x>' }),
      finding({ id: 'CVE-4', url: '//evil.test/x' }),
      finding({ id: 'CVE-5', url: 'https://example.test/ok?a=1&b=2' }),
      finding({
        id: 'CVE-6',
        suppressed: { kind: 'ignore-rule', detail: HOSTILE, justification: HOSTILE, origin: HOSTILE },
      }),
    ];
    const r = result(evil, {
      image: { target: HOSTILE, reference: HOSTILE, manifestDigest: HOSTILE, configDigest: HOSTILE },
      distro: { id: HOSTILE, version: HOSTILE },
      provider: { name: 'traditional', model: HOSTILE, evidence: [] },
      database: { path: HOSTILE, builtAt: HOSTILE, demo: true, sources: [HOSTILE] },
      warnings: [{ code: HOSTILE, message: HOSTILE }],
    });
    const html = renderHtml({ result: r, inventory }, { now, toolVersion: HOSTILE });
    assert.equal(html.match(/<script/gi)!.length, 1, 'only our own script element');
    assert.doesNotMatch(html, /<img|<x>/i);
    assert.doesNotMatch(html, /"'>/);
    assert.ok(html.includes(escapeHtml(HOSTILE)));
    // Data cannot open a tag (every `<` from data is escaped), so each tag is ours; with its quoted values
    // removed, none may carry an event handler or a source: a quote in data never closes an attribute.
    const tags = html.match(/<[a-zA-Z][^>]*>/g)!;
    assert.ok(tags.length > 100);
    for (const tag of tags)
      assert.doesNotMatch(tag.replace(/"[^"]*"/g, '""'), /\s(on[a-z]+|src|style)=/i, tag);
    // Each link appears in the top-fixable and the full table.
    const hrefs = [...new Set([...html.matchAll(/href="([^"]*)"/g)].map((m) => m[1]!))];
    assert.deepEqual(hrefs, [
      'https://example.test/a%22onmouseover=%22alert(1)%3Cx%3E',
      'https://example.test/ok?a=1&amp;b=2',
    ]);
    assert.doesNotMatch(html, /javascript:|data:text/i, 'rejected URLs are not shown at all');
    assert.match(html, /DEMO DATA/);
  });
});

describe('escapeHtml and safeHttpUrl', () => {
  test('escapes the five HTML-significant characters', () => {
    assert.equal(
      escapeHtml(`<a href="x" title='y'>&</a>`),
      '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;',
    );
    assert.equal(escapeHtml(undefined), '');
    assert.equal(escapeHtml(3), '3');
  });

  test('accepts absolute http(s) URLs only', () => {
    assert.equal(
      safeHttpUrl('https://nvd.nist.gov/vuln/detail/CVE-2024-1'),
      'https://nvd.nist.gov/vuln/detail/CVE-2024-1',
    );
    assert.equal(safeHttpUrl('HTTP://Example.test'), 'http://example.test/');
    for (const bad of [
      'javascript:alert(1)',
      'java\tscript:alert(1)',
      'data:,x',
      'vbscript:x',
      'file:///etc/passwd',
      '/relative',
      '//host/x',
      '',
      'not a url',
      42,
      undefined,
      null,
    ])
      assert.equal(safeHttpUrl(bad), undefined, String(bad));
  });
});
