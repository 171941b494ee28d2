import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isKeelsonError } from '../core/errors.js';
import { applyFilters, failOnHits, parseEpss, parseSeverity, parseSeverityList } from './filters.js';
import { finding, result } from './test-findings.js';

const sample = () =>
  result([
    finding({ id: 'CVE-1', level: 'critical', fixed: ['2'], base: true, kev: true, epss: 0.9 }),
    finding({ id: 'CVE-2', level: 'high', base: false, epss: 0.05 }),
    finding({ id: 'CVE-3', level: 'medium', fixed: ['3'], base: false }),
    finding({ id: 'CVE-4', level: 'low', base: true, suppressed: true }),
    finding({ id: 'CVE-5', level: 'unknown', base: true }),
  ]);
const ids = (r: { findings: { id: string }[] }) => r.findings.map((f) => f.id);

describe('applyFilters', () => {
  test('no filters keeps everything and counts nothing filtered', () => {
    const out = applyFilters(sample(), {});
    assert.deepEqual(ids(out.result), ['CVE-1', 'CVE-2', 'CVE-3', 'CVE-4', 'CVE-5']);
    assert.equal(out.filtered, 0);
    assert.equal(out.result.summary.raw, 5);
    assert.equal(out.result.summary.actionable, 4);
  });

  test('severity keeps only the listed levels and recounts the summary', () => {
    const out = applyFilters(sample(), { severities: ['critical', 'high'] });
    assert.deepEqual(ids(out.result), ['CVE-1', 'CVE-2']);
    const s = out.result.summary;
    assert.equal(s.raw, 5, 'raw still counts every finding');
    assert.equal(s.actionable, 2);
    assert.equal(s.suppressed, 0);
    assert.equal(s.filtered, 3);
    assert.deepEqual(s.filteredBy, { severity: 3 });
    assert.equal(s.bySeverity.medium, 0);
    assert.equal(s.fixable, 1);
    assert.equal(s.fromBase, 1);
    assert.equal(s.raw, s.actionable + s.suppressed + s.filtered);
  });

  test('ignore-unfixed, only-base, ignore-base, only-kev, epss-min', () => {
    assert.deepEqual(ids(applyFilters(sample(), { ignoreUnfixed: true }).result), ['CVE-1', 'CVE-3']);
    assert.deepEqual(ids(applyFilters(sample(), { base: 'only' }).result), ['CVE-1', 'CVE-4', 'CVE-5']);
    assert.deepEqual(ids(applyFilters(sample(), { base: 'ignore' }).result), ['CVE-2', 'CVE-3']);
    assert.deepEqual(ids(applyFilters(sample(), { onlyKev: true }).result), ['CVE-1']);
    assert.deepEqual(ids(applyFilters(sample(), { epssMin: 0.05 }).result), ['CVE-1', 'CVE-2']);
    assert.deepEqual(ids(applyFilters(sample(), { epssMin: 0 }).result), ['CVE-1', 'CVE-2']);
  });

  test('filters combine; each removed finding is counted once, under the first filter that removed it', () => {
    const out = applyFilters(sample(), { severities: ['critical', 'high', 'medium'], ignoreUnfixed: true });
    assert.deepEqual(ids(out.result), ['CVE-1', 'CVE-3']);
    assert.deepEqual(out.filteredBy, { severity: 2, 'ignore-unfixed': 1 });
  });

  test('does not modify its input', () => {
    const input = sample();
    const before = JSON.stringify(input);
    applyFilters(input, { severities: ['low'] });
    assert.equal(JSON.stringify(input), before);
  });

  test('base filters on an image without a known base boundary leave a note', () => {
    const r = result([finding({ id: 'CVE-9' })]);
    const out = applyFilters(r, { base: 'ignore' });
    assert.deepEqual(ids(out.result), ['CVE-9']);
    assert.match(out.notes[0] ?? '', /base\/app boundary .* unknown/);
  });
});

describe('failOnHits', () => {
  test('counts actionable findings at or above the threshold only', () => {
    const r = sample();
    assert.deepEqual(ids({ findings: failOnHits(r, 'critical') }), ['CVE-1']);
    assert.deepEqual(ids({ findings: failOnHits(r, 'medium') }), ['CVE-1', 'CVE-2', 'CVE-3']);
    // CVE-4 (low) is suppressed: it never fails a gate.
    assert.deepEqual(ids({ findings: failOnHits(r, 'low') }), ['CVE-1', 'CVE-2', 'CVE-3']);
    assert.deepEqual(ids({ findings: failOnHits(r, 'unknown') }), ['CVE-1', 'CVE-2', 'CVE-3', 'CVE-5']);
  });

  test('after a filter the gate sees only what remains', () => {
    const filtered = applyFilters(sample(), { ignoreUnfixed: true }).result;
    assert.deepEqual(ids({ findings: failOnHits(filtered, 'high') }), ['CVE-1']);
  });
});

describe('parsers', () => {
  test('severities, case-insensitive, with clear errors', () => {
    assert.equal(parseSeverity('HIGH'), 'high');
    assert.deepEqual(parseSeverityList('critical, HIGH,high'), ['critical', 'high']);
    for (const bad of ['', 'severe', 'high,,low', 'high,']) {
      assert.throws(
        () => parseSeverityList(bad),
        (e) => isKeelsonError(e) && e.code === 'INVALID_ARGUMENT' && e.message.includes('--severity'),
      );
    }
    assert.throws(() => parseSeverity('nope'), /--fail-on "nope" is not a severity/);
  });

  test('EPSS as probability or percentage', () => {
    assert.equal(parseEpss('0.1'), 0.1);
    assert.equal(parseEpss('.5'), 0.5);
    assert.equal(parseEpss('10%'), 0.1);
    assert.equal(parseEpss('1'), 1);
    for (const bad of ['', 'x', '-0.1', '1.5', '200%', '0x1', 'NaN', '1e-3']) {
      assert.throws(() => parseEpss(bad), /--epss-min/);
    }
  });
});
