import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Finding } from '../matching/types.js';
import { MARKDOWN_MAX_ROWS, mdText, renderMarkdown } from './markdown.js';
import { testFinding, testInput, testPackage, variedInput } from './test-findings.js';

describe('Markdown report', () => {
  test('title, summary line, severity counts, findings table', () => {
    const md = renderMarkdown(variedInput(), {});
    const lines = md.split('\n');
    assert.equal(lines[0], '### keelson scan: registry.example.com/team/app:1.0');
    assert.match(md, /5 raw → 3 actionable: 1 critical, 1 medium, 1 low; 1 fixable/);
    assert.match(md, /\| critical \| 1 \|/);
    const rows = lines.filter(
      (l) => l.startsWith('| critical |') || l.startsWith('| medium |') || l.startsWith('| low |'),
    );
    assert.ok(rows.some((r) => r.includes('[CVE-2024-0001](https://security.example.com/CVE-2024-0001)')));
    assert.doesNotMatch(md, /CVE-2024-0005/, 'suppressed findings hidden by default');
    assert.match(
      renderMarkdown(variedInput(), { showSuppressed: true }),
      /CVE-2024-0005 .*suppressed: VEX not\\_affected/,
    );
  });

  test('hostile strings cannot break the table or inject markup', () => {
    const md = renderMarkdown(variedInput(), {});
    const table = md.split('\n').filter((l) => l.startsWith('| ') && l.includes('CVE-2024-0002'));
    assert.equal(table.length, 1, 'the hostile row stays on one line');
    // Unescaped pipes split cells: exactly 8 separators for 7 columns.
    assert.equal(table[0]!.replace(/\\\|/g, '').split('|').length, 9);
    assert.doesNotMatch(md, /<b>|<script>|javascript:/);
    assert.ok(table[0]!.includes('\\`tick\\`'));
    assert.equal(mdText('a|b`c<d>&[e](f)\nx'), 'a\\|b\\`c&lt;d&gt;&amp;\\[e\\]\\(f\\) x');
  });

  test('at most 200 rows, then a count of the rest', () => {
    const pkg = testPackage('busybox', '1.0-r0');
    const findings: Finding[] = Array.from({ length: MARKDOWN_MAX_ROWS + 7 }, (_, i) =>
      testFinding(pkg, `CVE-2024-${1000 + i}`),
    );
    const md = renderMarkdown(testInput([pkg], findings), {});
    assert.equal(md.split('\n').filter((l) => l.startsWith('| unknown | CVE-')).length, MARKDOWN_MAX_ROWS);
    assert.match(md, /… and 7 more/);
  });

  test('no findings', () => {
    assert.match(renderMarkdown(testInput([], []), {}), /No findings\./);
  });
});
