/**
 * The HTML report: one self-contained page (inline CSS and SVG, no external resources) with the scan's
 * header, summary, a severity chart, the base/app split, the top fixable findings and the full table.
 * Every value that comes from data is escaped; links are emitted only for http(s) URLs. A small inline
 * script adds sorting and filtering, but the page is complete without it, and the Content-Security-Policy
 * allows only this page's own style and script (by hash), so injected markup could not run anyway.
 */
import { createHash } from 'node:crypto';
import type { Finding, ScanResult, SeverityLevel } from '../matching/types.js';
import { SEVERITY_ORDER } from '../matching/types.js';
import type { ReportInput, ReportOptions } from './registry.js';
import { summaryLine } from './table.js';

const TOP_FIXABLE = 10;

/** Escapes text for HTML element content and quoted attribute values. */
export function escapeHtml(value: unknown): string {
  return String(value ?? '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

const esc = escapeHtml;

/** The URL, normalised, when it is an absolute http(s) URL; undefined otherwise (javascript:, data:, relative…). */
export function safeHttpUrl(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    return undefined;
  }
  return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : undefined;
}

const SEVERITY_COLOR: Record<SeverityLevel, string> = {
  critical: '#9f1239',
  high: '#dc2626',
  medium: '#ea8a0c',
  low: '#2563eb',
  negligible: '#94a3b8',
  unknown: '#64748b',
};

const CSS = `
:root{--fg:#0f172a;--muted:#64748b;--line:#e2e8f0;--bg:#f8fafc;--card:#fff;--accent:#0f766e}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--fg);font:14px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}
main{max-width:1320px;margin:0 auto;padding:24px 28px 48px}
header.top{background:#0f172a;color:#f8fafc;padding:22px 28px}
header.top .inner{max-width:1264px;margin:0 auto}
header.top h1{margin:0 0 2px;font-size:22px;font-weight:650;letter-spacing:-.01em;word-break:break-all}
header.top .kicker{font-size:12px;text-transform:uppercase;letter-spacing:.12em;color:#5eead4;font-weight:600}
dl.meta{display:grid;grid-template-columns:repeat(auto-fill,minmax(250px,1fr));gap:10px 28px;margin:16px 0 0}
dl.meta div{min-width:0}
dl.meta dt{font-size:11px;text-transform:uppercase;letter-spacing:.08em;color:#94a3b8}
dl.meta dd{margin:0;color:#e2e8f0;overflow-wrap:anywhere}
code,.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12.5px}
.demo{background:#fef3c7;border:1px solid #f59e0b;color:#78350f;padding:12px 16px;border-radius:8px;margin:0 0 18px;font-weight:600}
.warn{background:#fff7ed;border:1px solid #fed7aa;color:#7c2d12;padding:10px 16px;border-radius:8px;margin:0 0 18px}
.warn ul{margin:4px 0 0;padding-left:20px}
.summary{background:var(--card);border:1px solid var(--line);border-left:4px solid var(--accent);border-radius:8px;padding:14px 18px;font-size:16px;font-weight:550;margin:0 0 18px}
.tiles{display:grid;grid-template-columns:repeat(auto-fit,minmax(150px,1fr));gap:14px;margin:0 0 18px}
.tile{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:12px 16px}
.tile .n{font-size:26px;font-weight:700;line-height:1.2}
.tile .l{color:var(--muted);font-size:12px;text-transform:uppercase;letter-spacing:.06em}
.grid{display:grid;grid-template-columns:minmax(0,1.2fr) minmax(0,1fr);gap:18px;margin:0 0 18px}
@media (max-width:900px){.grid{grid-template-columns:1fr}}
section.card{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:16px 18px;margin:0 0 18px;min-width:0}
.grid section.card{margin:0}
h2{font-size:15px;margin:0 0 12px;font-weight:650}
h2 .count{color:var(--muted);font-weight:500}
p.note{color:var(--muted);font-size:12.5px;margin:8px 0 0}
svg{display:block;max-width:100%;height:auto}
svg text{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;font-size:12px;fill:#334155}
ul.legend{list-style:none;margin:12px 0 0;padding:0;display:flex;flex-wrap:wrap;gap:8px 22px}
ul.legend li{display:flex;align-items:center;gap:8px}
.sw{display:inline-block;width:11px;height:11px;border-radius:3px}
.sw.base{background:#0f766e}.sw.app{background:#7c3aed}.sw.unknown{background:#cbd5e1}
ul.legend b{font-size:18px}
.scroll{overflow-x:auto}
table{border-collapse:collapse;width:100%;font-size:13px}
th,td{text-align:left;padding:7px 10px;border-bottom:1px solid var(--line);vertical-align:top}
th{font-size:11px;text-transform:uppercase;letter-spacing:.06em;color:var(--muted);font-weight:600;background:#f1f5f9;white-space:nowrap;position:sticky;top:0}
th[tabindex]{cursor:pointer;user-select:none}
th[aria-sort=ascending]::after{content:" \\25B2"}th[aria-sort=descending]::after{content:" \\25BC"}
tbody tr:hover{background:#f8fafc}
td.nowrap,.ver{white-space:nowrap}
td .sub{color:var(--muted);font-size:12px;display:block;max-width:38em}
a{color:#0e7490;text-decoration:none}a:hover{text-decoration:underline}
.sev{display:inline-block;min-width:74px;text-align:center;border-radius:4px;padding:1px 7px;font-size:11px;font-weight:700;text-transform:uppercase;letter-spacing:.04em;color:#fff}
.sev.critical{background:#9f1239}.sev.high{background:#dc2626}.sev.medium{background:#ea8a0c}
.sev.low{background:#2563eb}.sev.negligible{background:#94a3b8}.sev.unknown{background:#64748b}
.score{color:var(--muted);font-size:12px;margin-left:4px}
.kev{display:inline-block;background:#0f172a;color:#fde047;border-radius:4px;padding:1px 6px;font-size:11px;font-weight:700}
.part{display:inline-block;border-radius:4px;padding:0 6px;font-size:11.5px;font-weight:600}
.part.base{background:#ccfbf1;color:#115e59}.part.app{background:#ede9fe;color:#5b21b6}.part.unknown{background:#f1f5f9;color:#475569}
.fix{color:#15803d;font-weight:600}
.none{color:#94a3b8}
.st{font-size:12px}
details{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:12px 18px;margin:0 0 18px}
details summary{cursor:pointer;font-weight:650}
details[open] summary{margin-bottom:12px}
input.filter{font:inherit;padding:6px 10px;border:1px solid #cbd5e1;border-radius:6px;width:min(360px,100%);margin:0 0 10px}
footer{color:var(--muted);font-size:12px;text-align:center;margin-top:24px}
@media print{header.top{background:#fff;color:#000}dl.meta dd{color:#000}th{position:static}}
`;

// Sorting and filtering for the findings table; the page reads the same without it.
const SCRIPT = `
(function () {
  var tables = document.querySelectorAll('table[data-sortable]');
  Array.prototype.forEach.call(tables, function (table) {
    var body = table.tBodies[0];
    if (!body) return;
    var heads = table.tHead ? table.tHead.rows[0].cells : [];
    Array.prototype.forEach.call(heads, function (th, col) {
      th.tabIndex = 0;
      th.setAttribute('aria-sort', 'none');
      function sort() {
        var desc = th.getAttribute('aria-sort') === 'ascending';
        Array.prototype.forEach.call(heads, function (h) { h.setAttribute('aria-sort', 'none'); });
        th.setAttribute('aria-sort', desc ? 'descending' : 'ascending');
        var numeric = th.getAttribute('data-type') === 'num';
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var x = a.cells[col].getAttribute('data-v'), y = b.cells[col].getAttribute('data-v');
          if (x === null) x = a.cells[col].textContent;
          if (y === null) y = b.cells[col].textContent;
          var r = numeric ? Number(x) - Number(y) : x.localeCompare(y, undefined, { numeric: true });
          return desc ? -r : r;
        });
        rows.forEach(function (r) { body.appendChild(r); });
      }
      th.addEventListener('click', sort);
      th.addEventListener('keydown', function (e) {
        if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); sort(); }
      });
    });
    if (!table.hasAttribute('data-filter')) return;
    var input = document.createElement('input');
    input.type = 'search';
    input.className = 'filter';
    input.placeholder = 'Filter findings (id, package, status…)';
    input.setAttribute('aria-label', 'Filter findings');
    input.addEventListener('input', function () {
      var q = input.value.toLowerCase();
      Array.prototype.forEach.call(body.rows, function (r) {
        r.hidden = q !== '' && r.textContent.toLowerCase().indexOf(q) < 0;
      });
    });
    table.parentNode.parentNode.insertBefore(input, table.parentNode);
  });
})();
`;

const hash = (text: string) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;

// Only this page's own style and script may apply: nothing loads, nothing else runs.
const CSP = [
  "default-src 'none'",
  `style-src ${hash(CSS)}`,
  `script-src ${hash(SCRIPT)}`,
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

type Part = 'base' | 'app' | 'unknown';

function part(f: Finding): Part {
  const base = f.package.layer?.base;
  return base === undefined ? 'unknown' : base ? 'base' : 'app';
}

/** Position in SEVERITY_ORDER; a level outside it sorts with `unknown`. */
function severityRank(f: Finding): number {
  const rank = SEVERITY_ORDER.indexOf(f.severity.level);
  return rank < 0 ? SEVERITY_ORDER.length - 1 : rank;
}

/** Most urgent first: severity, then known exploitation, then EPSS, then score. */
function byUrgency(a: Finding, b: Finding): number {
  return (
    severityRank(a) - severityRank(b) ||
    Number(!!b.kev) - Number(!!a.kev) ||
    (b.epss?.score ?? -1) - (a.epss?.score ?? -1) ||
    (b.severity.score ?? -1) - (a.severity.score ?? -1) ||
    a.id.localeCompare(b.id, 'en', { numeric: true }) ||
    a.package.name.localeCompare(b.package.name, 'en')
  );
}

function formatEpss(epss: Finding['epss']): string {
  if (!epss || !Number.isFinite(epss.score)) return '';
  const pct = epss.score * 100;
  const text = `${pct < 0.1 ? pct.toFixed(2) : pct.toFixed(1)}%`;
  return Number.isFinite(epss.percentile) ? `${text} (p${Math.round(epss.percentile * 100)})` : text;
}

function formatAge(hours: number | undefined): string {
  if (hours === undefined || !Number.isFinite(hours)) return '';
  return hours < 48 ? `${Math.max(0, Math.round(hours))}h old` : `${Math.round(hours / 24)}d old`;
}

/** `2026-01-31 12:00 UTC` for a valid time; other text as given. */
function formatTime(value: Date | string): string {
  const date = typeof value === 'string' ? new Date(value) : value;
  if (Number.isNaN(date.getTime())) return String(value);
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

const none = '<span class="none">–</span>';

function vulnCell(f: Finding): string {
  const href = safeHttpUrl(f.url);
  const id = href
    ? `<a href="${esc(href)}" target="_blank" rel="noopener noreferrer">${esc(f.id)}</a>`
    : esc(f.id);
  const summary = f.summary ? `<span class="sub">${esc(truncate(f.summary, 240))}</span>` : '';
  return `<td data-v="${esc(f.id)}"><span class="mono">${id}</span>${summary}</td>`;
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function severityCell(f: Finding): string {
  const level = SEVERITY_ORDER.includes(f.severity.level) ? f.severity.level : 'unknown';
  const score = Number.isFinite(f.severity.score) ? f.severity.score!.toFixed(1) : '';
  const title = [f.severity.method, f.severity.source, f.severity.vector].filter(Boolean).join(' · ');
  // Sort key: rank (critical first) then score, so ascending order reads most severe first.
  const key = SEVERITY_ORDER.indexOf(level) * 100 + (10 - (f.severity.score ?? 0));
  return (
    `<td class="nowrap" data-v="${key.toFixed(2)}" title="${esc(title)}"><span class="sev ${level}">${level}</span>` +
    `${score ? `<span class="score">${esc(score)}</span>` : ''}</td>`
  );
}

function kevCell(f: Finding): string {
  if (!f.kev) return `<td data-v="1">${none}</td>`;
  const title = `CISA KEV: added ${f.kev.dateAdded}${f.kev.dueDate ? `, due ${f.kev.dueDate}` : ''}${f.kev.ransomware ? `, ransomware: ${f.kev.ransomware}` : ''}`;
  return `<td data-v="0" title="${esc(title)}"><span class="kev">KEV</span></td>`;
}

function statusText(f: Finding): string {
  const parts = [esc(f.status.replace(/_/g, ' '))];
  if (f.vex)
    parts.push(
      `VEX ${esc(f.vex.status.replace(/_/g, ' '))}${f.vex.justification ? ` (${esc(f.vex.justification)})` : ''}`,
    );
  if (f.match.versionError) parts.push('version not comparable');
  return parts.join('<br>');
}

function layerCell(f: Finding): string {
  const p = part(f);
  const layer = f.package.layer;
  const title = layer
    ? `layer ${layer.index} ${layer.diffID}${layer.createdBy ? `\n${layer.createdBy}` : ''}`
    : '';
  return (
    `<td class="nowrap" data-v="${p}"${title ? ` title="${esc(title)}"` : ''}><span class="part ${p}">${p}</span>` +
    `${layer ? ` <span class="score">L${esc(layer.index)}</span>` : ''}</td>`
  );
}

function packageCell(f: Finding): string {
  const source =
    f.package.sourceName && f.package.sourceName !== f.package.name
      ? `<span class="sub">source ${esc(f.package.sourceName)}</span>`
      : '';
  return `<td title="${esc(f.package.purl)}"><span class="mono">${esc(f.package.name)}</span>${source}</td>`;
}

function fixedCell(f: Finding): string {
  return f.fixedVersions.length
    ? `<td class="mono fix ver">${f.fixedVersions.map(esc).join('<br>')}</td>`
    : `<td data-v="">${none}</td>`;
}

function findingRow(f: Finding): string {
  const source =
    f.dataSource.advisoryId && f.dataSource.advisoryId !== f.id
      ? `${esc(f.dataSource.source)}<span class="sub mono ver">${esc(f.dataSource.advisoryId)}</span>`
      : esc(f.dataSource.source);
  return [
    '<tr>',
    vulnCell(f),
    `<td class="mono ver">${f.aliases.length ? f.aliases.map(esc).join('<br>') : none}</td>`,
    packageCell(f),
    `<td class="mono ver">${esc(f.package.version)}</td>`,
    fixedCell(f),
    severityCell(f),
    f.epss
      ? `<td class="nowrap" data-v="${esc(f.epss.score)}">${esc(formatEpss(f.epss))}</td>`
      : `<td data-v="-1">${none}</td>`,
    kevCell(f),
    `<td class="st">${statusText(f)}</td>`,
    layerCell(f),
    `<td>${source}</td>`,
    '</tr>',
  ].join('');
}

function findingsTable(findings: Finding[]): string {
  const head = [
    ['Vulnerability', ''],
    ['Aliases', ''],
    ['Package', ''],
    ['Installed', ''],
    ['Fixed in', ''],
    ['Severity', 'num'],
    ['EPSS', 'num'],
    ['KEV', 'num'],
    ['Status / VEX', ''],
    ['Layer', ''],
    ['Source', ''],
  ]
    .map(([label, type]) => `<th scope="col"${type ? ` data-type="${type}"` : ''}>${label}</th>`)
    .join('');
  return (
    `<div class="scroll"><table id="findings" data-sortable data-filter><thead><tr>${head}</tr></thead>` +
    `<tbody>${findings.map(findingRow).join('')}</tbody></table></div>`
  );
}

function topFixableTable(findings: Finding[]): string {
  const rows = findings.map(
    (f) =>
      `<tr>${vulnCell(f)}${packageCell(f)}<td class="mono ver">${esc(f.package.version)}</td>${fixedCell(f)}` +
      `${severityCell(f)}<td class="nowrap">${f.epss ? esc(formatEpss(f.epss)) : none}</td>${kevCell(f)}${layerCell(f)}</tr>`,
  );
  return (
    '<div class="scroll"><table id="top-fixable"><thead><tr><th scope="col">Vulnerability</th><th scope="col">Package</th>' +
    '<th scope="col">Installed</th><th scope="col">Upgrade to</th><th scope="col">Severity</th><th scope="col">EPSS</th>' +
    `<th scope="col">KEV</th><th scope="col">Layer</th></tr></thead><tbody>${rows.join('')}</tbody></table></div>`
  );
}

function suppressionLabel(f: Finding): string {
  const s = f.suppressed!;
  if (s.kind === 'vex') return `VEX ${(s.status ?? '').replace(/_/g, ' ')}`.trim();
  if (s.kind === 'vendor-status') return 'vendor: not affected';
  return 'ignore rule';
}

function suppressedSection(findings: Finding[]): string {
  const rows = findings.map((f) => {
    const s = f.suppressed!;
    const extra = [
      s.justification ? `justification: ${s.justification}` : '',
      s.origin ? `from: ${s.origin}` : '',
    ].filter((e) => e && !s.detail.includes(e.slice(e.indexOf(': ') + 2)));
    return (
      `<tr>${vulnCell(f)}${packageCell(f)}<td class="mono ver">${esc(f.package.version)}</td>${severityCell(f)}` +
      `<td class="nowrap">${esc(suppressionLabel(f))}</td>` +
      `<td>${esc(s.detail)}${extra.map((e) => `<span class="sub">${esc(e)}</span>`).join('')}</td></tr>`
    );
  });
  const body = findings.length
    ? '<div class="scroll"><table id="suppressed"><thead><tr><th scope="col">Vulnerability</th><th scope="col">Package</th>' +
      '<th scope="col">Installed</th><th scope="col">Severity</th><th scope="col">Suppressed by</th>' +
      `<th scope="col">Why</th></tr></thead><tbody>${rows.join('')}</tbody></table></div>`
    : '<p class="note">Nothing was suppressed.</p>';
  return (
    `<details id="suppressed-findings"><summary>Suppressed findings <span class="count">(${findings.length})</span>` +
    ` — not counted as actionable; each says what suppressed it</summary>${body}</details>`
  );
}

/** Horizontal bars, one per severity, with the counts as text (readable without colour). */
function severityChart(result: ScanResult): string {
  const counts = SEVERITY_ORDER.map((level) => ({ level, n: result.summary.bySeverity[level] ?? 0 }));
  const max = Math.max(1, ...counts.map((c) => c.n));
  const rowH = 30;
  const labelW = 92;
  const barW = 330;
  const width = labelW + barW + 52;
  const height = counts.length * rowH + 4;
  const described = counts.map((c) => `${c.level} ${c.n}`).join(', ');
  const bars = counts.map((c, i) => {
    const y = i * rowH + 4;
    const w = c.n > 0 ? Math.max(3, Math.round((c.n / max) * barW)) : 0;
    return (
      `<g class="bar" data-severity="${c.level}" data-count="${c.n}">` +
      `<text x="${labelW - 10}" y="${y + 15}" text-anchor="end">${c.level}</text>` +
      `<rect x="${labelW}" y="${y}" width="${barW}" height="20" rx="3" fill="#f1f5f9"/>` +
      (w
        ? `<rect class="value" x="${labelW}" y="${y}" width="${w}" height="20" rx="3" fill="${SEVERITY_COLOR[c.level]}"/>`
        : '') +
      `<text x="${labelW + w + 8}" y="${y + 15}" font-weight="700">${c.n}</text></g>`
    );
  });
  return (
    `<svg id="severity-chart" role="img" aria-labelledby="sev-title sev-desc" viewBox="0 0 ${width} ${height}" ` +
    `width="${width}" height="${height}" xmlns="http://www.w3.org/2000/svg">` +
    '<title id="sev-title">Actionable findings by severity</title>' +
    `<desc id="sev-desc">${esc(described)}</desc>${bars.join('')}</svg>`
  );
}

/** One stacked bar (base / app / unknown) and a legend carrying the numbers. */
function splitChart(findings: Finding[]): string {
  const counts: Record<Part, number> = { base: 0, app: 0, unknown: 0 };
  for (const f of findings) counts[part(f)]++;
  const total = findings.length;
  const width = 420;
  const colors: Record<Part, string> = { base: '#0f766e', app: '#7c3aed', unknown: '#cbd5e1' };
  let x = 0;
  const segments = (['base', 'app', 'unknown'] as const).map((p) => {
    const w = total ? (counts[p] / total) * width : 0;
    const rect =
      w > 0
        ? `<rect class="seg-${p}" x="${x.toFixed(2)}" y="0" width="${w.toFixed(2)}" height="22" fill="${colors[p]}"/>`
        : '';
    x += w;
    return rect;
  });
  const label = `base image ${counts.base}, app layers ${counts.app}, unknown ${counts.unknown}`;
  const empty = total ? '' : `<rect x="0" y="0" width="${width}" height="22" fill="#f1f5f9"/>`;
  const legend = (['base', 'app', 'unknown'] as const)
    .map((p) => {
      const name = p === 'base' ? 'base image' : p === 'app' ? 'app layers' : 'unknown layer';
      return `<li data-part="${p}"><span class="sw ${p}"></span><b>${counts[p]}</b> ${name}</li>`;
    })
    .join('');
  return (
    `<svg id="split-chart" role="img" aria-label="${esc(label)}" viewBox="0 0 ${width} 22" width="${width}" height="22" ` +
    `xmlns="http://www.w3.org/2000/svg"><title>Actionable findings: ${esc(label)}</title>` +
    `<clipPath id="split-clip"><rect x="0" y="0" width="${width}" height="22" rx="5"/></clipPath>` +
    `<g clip-path="url(#split-clip)">${empty}${segments.join('')}</g></svg><ul class="legend">${legend}</ul>`
  );
}

function baseNote(input: ReportInput): string {
  const base = input.inventory?.base;
  if (!base) return 'The base image boundary is not known for this image: layers are reported as unknown.';
  return `Base image: the bottom ${base.layerCount} layer(s), by ${base.method}${base.detail ? ` (${base.detail})` : ''}.`;
}

function metaItem(label: string, value: string, mono = false): string {
  return value ? `<div><dt>${esc(label)}</dt><dd${mono ? ' class="mono"' : ''}>${value}</dd></div>` : '';
}

function header(input: ReportInput, generated: Date): string {
  const { result } = input;
  const image = result.image;
  const distro = result.distro
    ? `${result.distro.id}${result.distro.version ? ` ${result.distro.version}` : ''}${result.distro.rolling ? ' (rolling)' : ''}`
    : 'unknown';
  const provider = `${result.provider.name}${result.provider.model ? ` (${result.provider.model} model)` : ''}`;
  const platform = input.inventory?.image?.platform;
  const db = result.database;
  const dbText = [
    esc(db.sources.join(', ') || 'empty'),
    db.builtAt ? `built ${esc(formatTime(db.builtAt))}` : '',
    esc(formatAge(db.ageHours)),
  ]
    .filter(Boolean)
    .join(' · ');
  const digests = [
    image.manifestDigest ? `manifest ${esc(image.manifestDigest)}` : '',
    image.configDigest ? `config ${esc(image.configDigest)}` : '',
  ]
    .filter(Boolean)
    .join('<br>');
  return (
    '<header class="top"><div class="inner"><div class="kicker">keelson vulnerability report</div>' +
    `<h1>${esc(image.reference ?? image.target)}</h1><dl class="meta">` +
    metaItem('Target', esc(image.target), true) +
    metaItem('Reference', image.reference ? esc(image.reference) : '', true) +
    metaItem('Digest', digests, true) +
    metaItem('Distro', esc(distro)) +
    metaItem('Provider', esc(provider)) +
    metaItem(
      'Platform',
      platform
        ? esc(`${platform.os}/${platform.architecture}${platform.variant ? `/${platform.variant}` : ''}`)
        : '',
    ) +
    metaItem('Packages', esc(result.packages)) +
    metaItem('Advisory database', `${dbText}${db.demo ? ' · <strong>DEMO DATA</strong>' : ''}`) +
    metaItem('Report generated', esc(formatTime(generated))) +
    '</dl></div></header>'
  );
}

function tile(n: number, label: string): string {
  return `<div class="tile"><div class="n">${esc(n)}</div><div class="l">${esc(label)}</div></div>`;
}

export function renderHtml(input: ReportInput, options: ReportOptions = {}): string {
  const { result } = input;
  const generated = options.now ?? new Date();
  const actionable = result.findings.filter((f) => !f.suppressed).sort(byUrgency);
  const suppressed = result.findings.filter((f) => f.suppressed).sort(byUrgency);
  const fixable = actionable.filter((f) => f.fixedVersions.length > 0);
  const top = fixable.slice(0, TOP_FIXABLE);
  const kev = actionable.filter((f) => f.kev).length;
  const title = `keelson report: ${result.image.reference ?? result.image.target}`;

  const banner = result.database.demo
    ? '<div class="demo" role="alert" id="demo-banner">DEMO DATA — these findings come from the bundled demo advisory ' +
      'snapshot, not from real advisories. Run <code>keelson db update</code> for real data.</div>'
    : '';
  const warnings = result.warnings.length
    ? `<div class="warn"><strong>${result.warnings.length} warning(s)</strong><ul>${result.warnings
        .map((w) => `<li><code>${esc(w.code)}</code> ${esc(w.message)}</li>`)
        .join('')}</ul></div>`
    : '';

  const body = [
    header(input, generated),
    '<main>',
    banner,
    warnings,
    `<p class="summary" id="summary">${esc(summaryLine(result))}</p>`,
    '<div class="tiles">',
    tile(result.summary.raw, 'raw matches'),
    tile(actionable.length, 'actionable'),
    tile(fixable.length, 'fixable'),
    tile(kev, 'known exploited (KEV)'),
    tile(suppressed.length, 'suppressed'),
    '</div>',
    '<div class="grid">',
    `<section class="card" aria-labelledby="h-sev"><h2 id="h-sev">Actionable findings by severity</h2>${severityChart(result)}</section>`,
    `<section class="card" aria-labelledby="h-split"><h2 id="h-split">Base image vs app layers</h2>${splitChart(actionable)}` +
      `<p class="note">${esc(baseNote(input))}</p></section>`,
    '</div>',
    `<section class="card" aria-labelledby="h-top"><h2 id="h-top">Top fixable <span class="count">(${top.length} of ${fixable.length})</span></h2>`,
    top.length
      ? `${topFixableTable(top)}<p class="note">Highest severity first, then known exploitation (KEV) and EPSS.</p>`
      : '<p class="note">No actionable finding has a fixed version yet.</p>',
    '</section>',
    `<section class="card" aria-labelledby="h-all"><h2 id="h-all">All actionable findings <span class="count">(${actionable.length})</span></h2>`,
    actionable.length ? findingsTable(actionable) : '<p class="note">No actionable findings.</p>',
    '</section>',
    suppressedSection(suppressed),
    `<footer>Generated by keelson${options.toolVersion ? ` ${esc(options.toolVersion)}` : ''} · ${esc(result.packages)} packages scanned</footer>`,
    '</main>',
  ];
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${esc(CSP)}">`,
    '<meta name="referrer" content="no-referrer">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="generator" content="keelson">',
    `<title>${esc(title)}</title>`,
    `<style>${CSS}</style>`,
    '</head>',
    '<body>',
    ...body,
    `<script>${SCRIPT}</script>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
