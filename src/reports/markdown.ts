/**
 * Markdown for pull-request comments (GitHub-flavoured): the image, the summary line, counts by severity
 * and a findings table, actionable first, capped so a comment stays within GitHub's size limit. Every
 * value from the image or a feed is escaped: it must not break the table or inject markup.
 */
import type { Finding } from '../matching/types.js';
import { SEVERITY_ORDER } from '../matching/types.js';
import { imagePart, listedFindings, suppressionText } from './common.js';
import type { ReportInput, ReportOptions } from './registry.js';
import { summaryLine } from './table.js';

export const MARKDOWN_MAX_ROWS = 200;

/** Text safe inside a table cell: one line, markdown and HTML specials escaped. */
export function mdText(text: string): string {
  return text
    .replace(/[\r\n\t\u2028\u2029]+/g, ' ')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/([\\`*_[\]{}()#+!|~])/g, '\\$1');
}

/** A link when the URL is http(s); its text escaped, its target percent-encoded where markdown would stop. */
function mdLink(text: string, url: string | undefined): string {
  if (!url) return mdText(text);
  let href: string;
  try {
    const parsed = new URL(url);
    if (!/^https?:$/.test(parsed.protocol)) return mdText(text);
    href = parsed.href.replace(
      /[()<>\s|`]/g,
      (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`,
    );
  } catch {
    return mdText(text);
  }
  return `[${mdText(text)}](${href})`;
}

function status(f: Finding): string {
  if (f.suppressed) return `suppressed: ${suppressionText(f)}`;
  return f.vex ? `${f.status} (VEX ${f.vex.status})` : f.status;
}

export function renderMarkdown(input: ReportInput, options: ReportOptions): string {
  const { result } = input;
  const lines: string[] = [];
  const image = result.image.reference ?? result.image.target;
  lines.push(`### keelson scan: ${mdText(image)}`, '');
  lines.push(mdText(summaryLine(result)), '');
  if (result.database.demo)
    lines.push('> **Warning:** the advisory database holds DEMO data, not real advisories.', '');
  lines.push('| Severity | Count |', '|---|---:|');
  for (const level of SEVERITY_ORDER) lines.push(`| ${level} | ${result.summary.bySeverity[level]} |`);
  lines.push('');
  const listed = listedFindings(result, options.showSuppressed);
  if (!listed.length) {
    lines.push(result.findings.length ? 'No actionable findings.' : 'No findings.');
    return `${lines.join('\n')}\n`;
  }
  lines.push(
    '| Severity | Vulnerability | Package | Installed | Fixed in | Part | Status |',
    '|---|---|---|---|---|---|---|',
  );
  for (const f of listed.slice(0, MARKDOWN_MAX_ROWS)) {
    const cells = [
      f.severity.level,
      mdLink(f.id, f.url),
      mdText(f.package.name),
      mdText(f.package.version),
      f.fixedVersions.length ? mdText(f.fixedVersions.join(', ')) : '-',
      imagePart(f),
      mdText(status(f)),
    ];
    lines.push(`| ${cells.join(' | ')} |`);
  }
  if (listed.length > MARKDOWN_MAX_ROWS)
    lines.push('', `… and ${listed.length - MARKDOWN_MAX_ROWS} more (see the full report).`);
  return `${lines.join('\n')}\n`;
}
