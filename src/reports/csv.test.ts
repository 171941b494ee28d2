import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CSV_COLUMNS, csvCell, renderCsv } from './csv.js';
import { HOSTILE_NAME, variedInput } from './test-findings.js';

/** A small RFC 4180 reader, so the test checks the CSV round-trips rather than its exact bytes. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else cell += c;
  }
  assert.equal(cell, '', 'the document ends with CRLF');
  return rows;
}

describe('CSV report', () => {
  test('header, one row per actionable finding, suppressed ones only when asked', () => {
    const rows = parseCsv(renderCsv(variedInput(), {}));
    assert.deepEqual(rows[0], [...CSV_COLUMNS]);
    assert.equal(rows.length, 1 + 3);
    assert.ok(rows.every((r) => r.length === CSV_COLUMNS.length));
    const all = parseCsv(renderCsv(variedInput(), { showSuppressed: true }));
    assert.equal(all.length, 1 + 5);
    assert.match(all[5]![CSV_COLUMNS.indexOf('suppressed_by')]!, /^VEX not_affected/);
  });

  test('columns carry the finding', () => {
    const [, first] = parseCsv(renderCsv(variedInput(), {}));
    const get = (c: (typeof CSV_COLUMNS)[number]) => first![CSV_COLUMNS.indexOf(c)];
    assert.equal(get('vulnerability'), 'CVE-2024-0001');
    assert.equal(get('aliases'), 'GHSA-xxxx-yyyy-zzzz');
    assert.equal(get('fixed_versions'), '3.0.2-r0');
    assert.equal(get('severity'), 'critical');
    assert.equal(get('cvss_score'), '9.8');
    assert.equal(get('epss'), '0.42');
    assert.equal(get('kev'), 'yes');
    assert.equal(get('base_or_app'), 'base');
    assert.equal(get('layer'), '0');
  });

  test('hostile values: quoted, kept whole, formula prefixes neutralised', () => {
    const rows = parseCsv(renderCsv(variedInput(), {}));
    const evil = rows[2]!;
    assert.equal(evil[CSV_COLUMNS.indexOf('package')], `'${HOSTILE_NAME}`);
    assert.equal(evil[CSV_COLUMNS.indexOf('version')], `'@1.0"\n-r0`);
    assert.equal(csvCell('-1+1'), "'-1+1");
    assert.equal(csvCell('+x'), "'+x");
    assert.equal(csvCell('\tx'), "'\tx");
    assert.equal(csvCell('a,b'), '"a,b"');
    assert.equal(csvCell('plain'), 'plain');
  });
});
