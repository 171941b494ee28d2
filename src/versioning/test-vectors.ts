/**
 * Test helpers shared by the scheme tests: a reader for the osv-scalibr version-vector files (format in
 * test/fixtures/versions/README.md), the order-law property checks every scheme must pass, and
 * `schemeTests`, which registers the vector, order-law and hostile-input tests common to all schemes.
 * Used by tests only.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import fc from 'fast-check';
import { fixture } from '../../test/helpers/paths.js';
import { InvalidVersionError, type VersionScheme } from './types.js';

export interface VectorCase {
  left: string;
  op: '<' | '=' | '>';
  right: string;
  file: string;
  line: number;
}

const OP_SIGN = { '<': -1, '=': 0, '>': 1 } as const;

/** Read one vector file from test/fixtures/versions/. Malformed lines fail loudly, as upstream does. */
export function readVectors(file: string): VectorCase[] {
  return parseVectors(readFileSync(fixture('versions', file), 'utf8'), file);
}

/** Parse vector lines (`left op right`, `# ` or `// ` comments); `file` names the source in failures. */
export function parseVectors(text: string, file: string): VectorCase[] {
  const cases: VectorCase[] = [];
  text.split('\n').forEach((raw, i) => {
    if (raw === '' || raw.startsWith('# ') || raw.startsWith('// ')) return;
    const parts = raw.split(' ');
    const [left, op, right] = parts;
    if (
      parts.length !== 3 ||
      left === undefined ||
      right === undefined ||
      !(op === '<' || op === '=' || op === '>')
    )
      throw new Error(`${file}:${i + 1}: malformed vector line ${JSON.stringify(raw)}`);
    cases.push({ left, op, right, file, line: i + 1 });
  });
  return cases;
}

/** Each case both ways; returns the failures (empty when all pass) so a test can show them all at once. */
export function vectorFailures(scheme: VersionScheme, cases: readonly VectorCase[]): string[] {
  const failures: string[] = [];
  for (const c of cases) {
    const want = OP_SIGN[c.op];
    try {
      const fwd = Math.sign(scheme.compare(c.left, c.right));
      const back = Math.sign(scheme.compare(c.right, c.left));
      if (fwd !== want || back !== -want)
        failures.push(`${c.file}:${c.line}: ${c.left} ${c.op} ${c.right} (got ${fwd}, reverse ${back})`);
    } catch (err) {
      failures.push(`${c.file}:${c.line}: ${c.left} ${c.op} ${c.right} threw ${(err as Error).message}`);
    }
  }
  return failures;
}

/** Distinct versions named in some vector files (for sampling in property tests). */
export function vectorVersions(...files: string[]): string[] {
  const set = new Set<string>();
  for (const f of files) for (const c of readVectors(f)) set.add(c.left).add(c.right);
  return [...set];
}

/** Antisymmetry, transitivity and reflexivity of `scheme.compare` over versions drawn from `arb`. */
export function checkOrderLaws(scheme: VersionScheme, arb: fc.Arbitrary<string>, numRuns = 300): void {
  fc.assert(
    fc.property(arb, (a) => {
      assert.equal(scheme.invalid(a), undefined, `generator produced invalid ${a}`);
      assert.equal(scheme.compare(a, a), 0);
    }),
    { numRuns },
  );
  fc.assert(
    fc.property(arb, arb, (a, b) => {
      assert.equal(Math.sign(scheme.compare(a, b)) || 0, -Math.sign(scheme.compare(b, a)) || 0);
    }),
    { numRuns },
  );
  fc.assert(
    fc.property(arb, arb, arb, (a, b, c) => {
      const [x, y, z] = [a, b, c].sort((p, q) => scheme.compare(p, q)) as [string, string, string];
      assert.ok(scheme.compare(x, y) <= 0 && scheme.compare(y, z) <= 0);
      assert.ok(scheme.compare(x, z) <= 0, `not transitive: ${x} <= ${y} <= ${z} but ${x} > ${z}`);
      if (scheme.compare(x, y) === 0 && scheme.compare(y, z) === 0) assert.equal(scheme.compare(x, z), 0);
    }),
    { numRuns },
  );
}

/** Each version sorts strictly before the next. */
export function assertAscending(scheme: VersionScheme, chain: readonly string[]): void {
  for (let i = 1; i < chain.length; i++)
    assert.equal(scheme.compare(chain[i - 1]!, chain[i]!), -1, `${chain[i - 1]} < ${chain[i]}`);
}

/** Pairs that must compare equal (different spellings of one version). */
export function assertEqualForms(scheme: VersionScheme, pairs: readonly (readonly [string, string])[]): void {
  for (const [a, b] of pairs) {
    assert.equal(scheme.compare(a, b), 0, `${a} = ${b}`);
    assert.equal(scheme.compare(b, a), 0, `${b} = ${a}`);
  }
}

/** Hostile strings every scheme rejects: empty, oversized, control characters, whitespace. */
export const HOSTILE_INPUTS: readonly string[] = [
  '',
  '1'.repeat(100_000),
  '1.'.repeat(50_000),
  'a'.repeat(100_000),
  `1.0${'-'.repeat(99_997)}`,
  '\u0000',
  '1.0\u0000',
  '1.0\n',
  '\t1.0',
  '1.0 1',
  ' ',
  '1.0\u0007',
  '1.0\u200b',
];

/** Non-ASCII strings: rejected by every scheme except rpm (which treats them as separators). */
export const UNICODE_INPUTS: readonly string[] = ['１.０', '1.0-ü', '😀', '1.\ud800', 'α'];

/** `invalid` gives a reason, `compare` throws InvalidVersionError (both sides), all quickly. */
export function assertRejected(scheme: VersionScheme, inputs: readonly string[], good: string): void {
  for (const bad of inputs) {
    const started = performance.now();
    const reason = scheme.invalid(bad);
    assert.equal(typeof reason, 'string', `${scheme.name} accepted ${JSON.stringify(bad.slice(0, 40))}`);
    assert.throws(() => scheme.compare(bad, good), InvalidVersionError);
    assert.throws(() => scheme.compare(good, bad), InvalidVersionError);
    assert.ok(performance.now() - started < 500, 'rejecting hostile input took too long');
  }
}

/** Generator for a dotted run of small numbers, e.g. `1.0.12`. */
export function dotted(min = 1, max = 4, maxValue = 20): fc.Arbitrary<string> {
  return fc.array(fc.nat(maxValue), { minLength: min, maxLength: max }).map((xs) => xs.join('.'));
}

/** Strings just under the length cap, shaped to provoke regex backtracking or deep nesting. */
export const NEAR_MAX_INPUTS: readonly string[] = [
  `1${'-'.repeat(250)}!`,
  `1${'.0'.repeat(125)}!`,
  `1${'.a'.repeat(125)}~`,
  `1${'a1'.repeat(125)}`,
  `1${'-a'.repeat(125)}.`,
  `${'1'.repeat(255)}!`,
  `1.0.0-${'a.'.repeat(124)}`,
  `1!${'0.'.repeat(126)}`,
  `1.0${'_p'.repeat(126)}`,
  `1:${'~'.repeat(250)}`,
  `v1.0.0-${'0'.repeat(248)}`,
];

/** Each near-limit string is judged (valid or not) and compared without a crash or a slow path. */
export function assertNearMaxInputsAreSafe(scheme: VersionScheme): void {
  for (const v of NEAR_MAX_INPUTS) {
    assert.ok(v.length <= 256, 'near-limit input must stay under the cap');
    const started = performance.now();
    const reason = scheme.invalid(v);
    if (reason === undefined) {
      assert.equal(scheme.compare(v, v), 0);
      assert.equal(typeof scheme.compare(v, '1'), 'number');
    } else {
      assert.throws(() => scheme.compare(v, v), InvalidVersionError);
    }
    assert.ok(performance.now() - started < 200, `${scheme.name} slow on ${v.slice(0, 30)}…`);
  }
}

/** One set of vector cases: a file under test/fixtures/versions/, or cases written in the test. */
export interface VectorSet {
  /** Names the test: `${label} vectors (both directions)`. */
  label?: string;
  file?: string;
  cases?: readonly VectorCase[];
  /** The set must hold more cases than this (guards against a truncated or emptied fixture). */
  moreThan?: number;
}

/**
 * The usual pair of vector files: `${stem}.txt`, hand-written upstream, and `${stem}-generated.txt`, which
 * must hold more than `generatedMoreThan` cases.
 */
export function vectorPair(stem: string, generatedMoreThan: number): VectorSet[] {
  return [
    { label: 'hand-written', file: `${stem}.txt` },
    { label: 'generated', file: `${stem}-generated.txt`, moreThan: generatedMoreThan },
  ];
}

/** What a scheme's shared tests need; everything else stays in the scheme's own test file. */
export interface SchemeSuite {
  vectors?: readonly VectorSet[];
  /** Order laws are checked on versions from this generator. */
  generated: fc.Arbitrary<string>;
  /**
   * Order laws on versions sampled from vector files (default: the `vectors` files). `filter` keeps only
   * some of them; `moreThan` guards the sample size; `label` replaces 'vector versions' in the title.
   */
  sample?: { files?: readonly string[]; filter?: (v: string) => boolean; moreThan?: number; label?: string };
  /**
   * HOSTILE_INPUTS, UNICODE_INPUTS and `extra` must be rejected, compared against `good`.
   * null: the scheme tests hostile input itself.
   */
  hostile: { good: string; extra?: readonly string[] } | null;
}

/** Register the tests every scheme shares (call inside the scheme's `describe`). */
export function schemeTests(scheme: VersionScheme, suite: SchemeSuite): void {
  for (const set of suite.vectors ?? []) {
    test(`${set.label ? `${set.label} ` : ''}vectors (both directions)`, () => {
      const cases = set.cases ?? readVectors(set.file ?? assert.fail('vector set without file or cases'));
      if (set.moreThan !== undefined) assert.ok(cases.length > set.moreThan, `only ${cases.length} cases`);
      assert.deepEqual(vectorFailures(scheme, cases), []);
    });
  }

  test('order laws on generated versions', () => {
    checkOrderLaws(scheme, suite.generated);
  });

  const sampleFiles = suite.sample?.files ?? (suite.vectors ?? []).flatMap((set) => set.file ?? []);
  if (sampleFiles.length > 0) {
    test(`order laws on ${suite.sample?.label ?? 'vector versions'}`, () => {
      const filter = suite.sample?.filter;
      const all = vectorVersions(...sampleFiles);
      const sample = filter ? all.filter(filter) : all;
      const moreThan = suite.sample?.moreThan;
      if (moreThan !== undefined) assert.ok(sample.length > moreThan, `only ${sample.length} versions`);
      checkOrderLaws(scheme, fc.constantFrom(...sample), 500);
    });
  }

  const hostile = suite.hostile;
  if (hostile) {
    test('hostile input is rejected quickly, never crashes', () => {
      assertRejected(scheme, [...HOSTILE_INPUTS, ...UNICODE_INPUTS, ...(hostile.extra ?? [])], hostile.good);
    });
  }
}
