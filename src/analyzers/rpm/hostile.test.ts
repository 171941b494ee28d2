/**
 * Hostile input: whatever the bytes, the analyzer returns facts or throws KeelsonError — never another
 * exception, never a hang (each test has a timeout). Random cases are seeded so a failure can be replayed.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { isKeelsonError } from '../../core/errors.js';
import { readBdbBlobs } from './bdb.js';
import { parseRpmHeader } from './header.js';
import { rpmAnalyzer } from './index.js';
import { RPMDB_FIXTURES, rpmFixture, seededRandom } from './test-support.js';

const TIMEOUT_MS = 120_000;
const MUTATION_CASES = 300;

type Outcome = 'facts' | 'error';

/** Runs the analyzer; any exception other than KeelsonError fails the test with the case that caused it. */
function outcomeOf(content: Buffer, label: string): Outcome {
  try {
    const facts = rpmAnalyzer.analyze(
      { path: 'var/lib/rpm/Packages', content, mode: 0o644 },
      { sibling: () => undefined },
    );
    assert.ok(facts?.packages, `${label}: facts without packages`);
    for (const record of facts.packages) assert.equal(typeof record.name, 'string', label);
    return 'facts';
  } catch (err) {
    if (isKeelsonError(err)) return 'error';
    assert.fail(`${label}: ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}`);
  }
}

/** Flips 1–8 bytes, half of the time inside the first 16 KiB where the metadata, slots and index live. */
function mutate(original: Buffer, seed: number): Buffer {
  const random = seededRandom(seed);
  const copy = Buffer.from(original);
  const changes = 1 + Math.floor(random() * 8);
  for (let i = 0; i < changes; i++) {
    const span = random() < 0.5 ? Math.min(copy.length, 16384) : copy.length;
    const at = Math.floor(random() * span);
    const kind = random();
    if (kind < 0.5) copy[at] = Math.floor(random() * 256);
    else if (kind < 0.75) copy[at] = random() < 0.5 ? 0 : 0xff;
    else if (at + 4 <= copy.length) copy.writeUInt32LE(Math.floor(random() * 0x100000000), at);
  }
  return copy;
}

describe('hostile rpmdb input', () => {
  for (const [index, { db }] of RPMDB_FIXTURES.entries()) {
    const name = db.join('/');

    test(`${name}: truncated copies`, { timeout: TIMEOUT_MS }, () => {
      const content = readFileSync(rpmFixture(db));
      const lengths = [0, 1, 15, 16, 31, 32, 100, 512, 4095, 4096, 4097, 8192, 12000];
      lengths.push(Math.floor(content.length / 4), Math.floor(content.length / 2), content.length - 1);
      const outcomes = lengths.map((length) =>
        outcomeOf(content.subarray(0, length), `${name} cut at ${length}`),
      );
      assert.equal(outcomes[0], 'error', 'an empty file is an error, not an empty listing');
    });

    test(`${name}: ${MUTATION_CASES} seeded mutations`, { timeout: TIMEOUT_MS }, () => {
      const content = readFileSync(rpmFixture(db));
      const counts = { facts: 0, error: 0 };
      for (let i = 0; i < MUTATION_CASES; i++) {
        const seed = index * 100_000 + i + 1;
        counts[outcomeOf(mutate(content, seed), `${name} mutation seed ${seed}`)]++;
      }
      assert.equal(counts.facts + counts.error, MUTATION_CASES);
    });
  }

  test('random bytes, bare and behind each backend magic', { timeout: TIMEOUT_MS }, () => {
    const random = seededRandom(424242);
    const bdbMeta = Buffer.from(
      readFileSync(rpmFixture(['go-rpmdb', 'libuuid', 'Packages'])).subarray(0, 72),
    );
    const prefixes = [
      Buffer.alloc(0),
      Buffer.from('SQLite format 3\0'),
      Buffer.from('RpmP\0\0\0\0\0\0\0\0\x01\0\0\0'),
      bdbMeta,
    ];
    for (let i = 0; i < 200; i++) {
      const body = Buffer.alloc(Math.floor(random() * 20000));
      for (let j = 0; j < body.length; j++) body[j] = Math.floor(random() * 256);
      const prefix = prefixes[i % prefixes.length]!;
      outcomeOf(Buffer.concat([prefix, body]), `random case ${i}`);
    }
  });

  test('a BerkeleyDB overflow page that links to itself ends the walk instead of looping', {
    timeout: TIMEOUT_MS,
  }, () => {
    const db = Buffer.from(readFileSync(rpmFixture(['go-rpmdb', 'libuuid', 'Packages'])));
    db.writeUInt32LE(9, 9 * 4096 + 16); // page 9's next_pgno → page 9
    assert.equal(
      outcomeOf(db, 'self-linked overflow page'),
      'error',
      'the only package is lost, so the DB is unreadable',
    );
    db.writeUInt32LE(10, 9 * 4096 + 16); // restore page 9's link…
    db.writeUInt32LE(3, 22 * 4096 + 16); // …and point the last page (22) back at the first (3)
    assert.equal(outcomeOf(db, 'chain looping back to its first page'), 'error');
  });

  test(`${MUTATION_CASES} seeded mutations of a real header blob`, { timeout: TIMEOUT_MS }, () => {
    const [blob] = readBdbBlobs(readFileSync(rpmFixture(['go-rpmdb', 'libuuid', 'Packages']))).blobs;
    assert.ok(blob);
    let parsed = 0;
    for (let seed = 1; seed <= MUTATION_CASES; seed++) {
      try {
        parseRpmHeader(mutate(blob.data, seed));
        parsed++;
      } catch (err) {
        if (!isKeelsonError(err)) assert.fail(`header mutation seed ${seed}: ${String(err)}`);
      }
    }
    assert.ok(parsed > 0, 'some mutations leave a readable header');
  });
});
