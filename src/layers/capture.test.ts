import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { WindowCapture } from './capture.js';

const MARKER = Buffer.from('MAGIC!');

function feed(
  data: Buffer,
  cuts: number[],
  spec = { marker: MARKER, alignment: 1, maxBytes: 10, maxMatches: 8 },
) {
  const capture = new WindowCapture(spec, data.length);
  let last = 0;
  for (const cut of [...cuts.filter((c) => c > 0 && c < data.length)].sort((a, b) => a - b)) {
    capture.push(data.subarray(last, cut));
    last = cut;
  }
  capture.push(data.subarray(last));
  return capture.result();
}

/** What the windows must be: every (aligned) match, maxBytes from it, read from the whole buffer. */
function expected(data: Buffer, alignment = 1, maxBytes = 10, maxMatches = 8) {
  const out: { offset: number; content: Buffer }[] = [];
  for (
    let at = data.indexOf(MARKER);
    at !== -1 && out.length < maxMatches;
    at = data.indexOf(MARKER, at + 1)
  ) {
    if (at % alignment === 0) out.push({ offset: at, content: data.subarray(at, at + maxBytes) });
  }
  return out;
}

describe('WindowCapture', () => {
  test('windows at matches, including ones straddling chunk boundaries and at the very end', () => {
    const data = Buffer.from('xxMAGIC!abcdefghijMAGIC!MAGIC!12yyyyMAGIC!');
    for (let cut = 0; cut <= data.length; cut++) {
      assert.deepEqual(feed(data, [cut]), expected(data), `cut at ${cut}`);
      assert.deepEqual(feed(data, [cut, cut + 3, cut + 5]), expected(data), `cuts at ${cut}+`);
    }
  });

  test('alignment and the match limit are honoured', () => {
    const data = Buffer.from('MAGIC!..MAGIC!..MAGIC!..........MAGIC!');
    assert.deepEqual(
      feed(data, [3, 9], { marker: MARKER, alignment: 8, maxBytes: 6, maxMatches: 8 }),
      expected(data, 8, 6),
    );
    assert.equal(feed(data, [], { marker: MARKER, alignment: 1, maxBytes: 6, maxMatches: 2 }).length, 2);
  });

  test('agrees with a whole-buffer search for any data and any chunking', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom('MAGIC!', 'MAG', 'IC!', 'x', 'M', 'AGIC!'), { maxLength: 40 }),
        fc.array(fc.nat(200), { maxLength: 10 }),
        (parts, cuts) => {
          const data = Buffer.from(parts.join(''));
          assert.deepEqual(feed(data, cuts), expected(data));
        },
      ),
      { numRuns: 500 },
    );
  });
});
