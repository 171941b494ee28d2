import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { renderTable, summaryLine } from './table.js';
import { variedInput } from './test-findings.js';

describe('table report', () => {
  test('plain by default: no escape sequences, ends with the summary line', () => {
    const { result } = variedInput();
    const text = renderTable(result);
    assert.doesNotMatch(text, /\x1b\[/);
    assert.ok(text.endsWith(`${summaryLine(result)}\n`));
  });

  test('with colour: severity headings and the summary are painted and reset', () => {
    const { result } = variedInput();
    const text = renderTable(result, { color: true });
    for (const level of ['critical', 'high', 'medium', 'low', 'negligible', 'unknown'] as const) {
      if (!result.findings.some((f) => !f.suppressed && f.severity.level === level)) continue;
      assert.match(text, new RegExp(`\\x1b\\[[0-9;]+m${level.toUpperCase()} \\(\\d+\\)\\x1b\\[0m`));
    }
    assert.match(text, /\x1b\[1m\d+ raw → .*\x1b\[0m\n$/);
  });
});
