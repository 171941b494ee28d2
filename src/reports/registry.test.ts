import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { reportFormats } from './registry.js';
import { variedInput } from './test-findings.js';

describe('report registry', () => {
  test('lists every format of keelson scan, each named by its key', () => {
    assert.deepEqual(Object.keys(reportFormats).sort(), [
      'csv',
      'cyclonedx',
      'html',
      'json',
      'markdown',
      'openvex',
      'sarif',
      'spdx',
      'table',
    ]);
    for (const [key, format] of Object.entries(reportFormats)) assert.equal(format.name, key);
  });

  test('every format renders the hand-built findings, and JSON formats parse', () => {
    for (const [key, format] of Object.entries(reportFormats)) {
      const out = format.render(variedInput(), { now: new Date(0) });
      assert.ok(out.length > 0, key);
      if (['json', 'sarif', 'cyclonedx', 'spdx', 'openvex'].includes(key)) JSON.parse(out);
    }
  });
});
