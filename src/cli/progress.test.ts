import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ProgressEvent } from '../core/progress.js';
import {
  bar,
  barsEnabled,
  colorEnabled,
  createCliProgress,
  DebugLog,
  formatBytes,
  formatDuration,
  formatRate,
  type ProgressClock,
  ProgressRenderer,
} from './progress.js';

/** A clock whose time moves only when the test says, with timers fired by `advance`. */
class FakeClock implements ProgressClock {
  time = 1000;
  private timers = new Map<number, { at: number; fn: () => void }>();
  private nextId = 1;
  now(): number {
    return this.time;
  }
  setTimeout(fn: () => void, ms: number): unknown {
    const id = this.nextId++;
    this.timers.set(id, { at: this.time + ms, fn });
    return id;
  }
  clearTimeout(handle: unknown): void {
    this.timers.delete(handle as number);
  }
  get pending(): number {
    return this.timers.size;
  }
  advance(ms: number): void {
    const end = this.time + ms;
    for (;;) {
      const due = [...this.timers.entries()].filter(([, t]) => t.at <= end).sort((a, b) => a[1].at - b[1].at);
      const first = due[0];
      if (!first) break;
      this.timers.delete(first[0]);
      this.time = first[1].at;
      first[1].fn();
    }
    this.time = end;
  }
}

class FakeStream {
  isTTY = true;
  columns = 120;
  chunks: string[] = [];
  write(text: string): boolean {
    this.chunks.push(text);
    return true;
  }
  get text(): string {
    return this.chunks.join('');
  }
}

const strip = (s: string) => s.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '');

const image: ProgressEvent = {
  type: 'image',
  target: 'alpine:3.20',
  layers: [
    { digest: 'sha256:aaaaaaaaaaaa1111', size: 4_000_000 },
    { digest: 'sha256:bbbbbbbbbbbb2222', size: 1_000_000 },
  ],
};

describe('formatting', () => {
  test('bytes use decimal units', () => {
    assert.equal(formatBytes(0), '0 B');
    assert.equal(formatBytes(999), '999 B');
    assert.equal(formatBytes(1500), '1.5 kB');
    assert.equal(formatBytes(12_345_678), '12 MB');
    assert.equal(formatBytes(-5), '0 B');
  });
  test('rates are bytes per second, and unknown for too short a time', () => {
    assert.equal(formatRate(2_000_000, 1000), '2.0 MB/s');
    assert.equal(formatRate(500_000, 250), '2.0 MB/s');
    assert.equal(formatRate(1_000_000, 10), '– /s');
    assert.equal(formatRate(0, 5000), '– /s');
  });
  test('durations', () => {
    assert.equal(formatDuration(12.4), '12 ms');
    assert.equal(formatDuration(1234), '1.23 s');
    assert.equal(formatDuration(65_000), '65.0 s');
  });
  test('bars are clamped and always of full width', () => {
    assert.deepEqual(bar(0.5, 10), { done: '█████', rest: '░░░░░' });
    assert.equal(bar(2, 10).done.length, 10);
    assert.equal(bar(-1, 10).rest.length, 10);
    assert.equal(bar(Number.NaN, 4).rest, '░░░░');
  });
});

describe('when bars are drawn', () => {
  test('only on a terminal, outside CI, without --quiet, on a capable TERM', () => {
    const tty = { isTTY: true, write: () => true };
    assert.equal(barsEnabled(tty, {}), true);
    assert.equal(barsEnabled({ write: () => true }, {}), false);
    assert.equal(barsEnabled(tty, {}, true), false);
    assert.equal(barsEnabled(tty, { CI: 'true' }), false);
    assert.equal(barsEnabled(tty, { CI: '1' }), false);
    assert.equal(barsEnabled(tty, { CI: 'false' }), true);
    assert.equal(barsEnabled(tty, { TERM: 'dumb' }), false);
  });
  test('NO_COLOR turns colour off', () => {
    assert.equal(colorEnabled({}), true);
    assert.equal(colorEnabled({ NO_COLOR: '1' }), false);
  });
  test('no callback at all when neither bars nor debug are on', () => {
    const stream = new FakeStream();
    stream.isTTY = false;
    const progress = createCliProgress({}, { stream, env: {}, clock: new FakeClock() });
    assert.equal(progress.onProgress, undefined);
    progress.finish();
    assert.equal(stream.text, '');
    const quiet = createCliProgress({ quiet: true }, { stream: new FakeStream(), env: {} });
    assert.equal(quiet.onProgress, undefined);
  });
});

describe('ProgressRenderer', () => {
  test('draws the layer list at once, then throttles byte updates to one frame per interval', () => {
    const clock = new FakeClock();
    const stream = new FakeStream();
    const r = new ProgressRenderer({ stream, clock, color: false });
    r.handle({ type: 'inventory', state: 'start', target: 'alpine:3.20' });
    r.handle(image);
    assert.equal(r.frames, 2);
    assert.match(strip(stream.text), /layer 1\/2 aaaaaaaaaaaa waiting/);
    r.handle({ type: 'layer-start', index: 0, digest: 'sha256:aaaaaaaaaaaa1111', size: 4_000_000 });
    for (let i = 1; i <= 50; i++) {
      clock.time += 1;
      r.handle({ type: 'download', index: 0, bytes: i * 40_000, total: 4_000_000 });
    }
    // 50 events within 50 ms: nothing drawn yet, one trailing frame pending.
    assert.equal(r.frames, 2);
    assert.equal(clock.pending, 1);
    clock.advance(60);
    assert.equal(r.frames, 3);
    const last = strip(stream.chunks.at(-1) ?? '');
    // The trailing frame comes 100 ms after the last one, when the layer started: 2 MB of 4 MB in 100 ms.
    assert.match(last, /layer 1\/2 aaaaaaaaaaaa █{10}░{10} 2\.0 MB\/4\.0 MB 20 MB\/s downloading/);
    // Over a simulated second of events every 5 ms, at most ~10 frames.
    for (let t = 0; t < 1000; t += 5) {
      clock.advance(5);
      r.handle({ type: 'analyze', index: 0, read: 2_000_000 + t * 1000, walked: 4_000_000 + t * 2000 });
    }
    assert.ok(r.frames - 3 <= 11, `drew ${r.frames - 3} frames in one second`);
    assert.ok(r.frames - 3 >= 9, `drew only ${r.frames - 3} frames in one second`);
  });

  test('redraws in place and clears its lines when the inventory ends', () => {
    const clock = new FakeClock();
    const stream = new FakeStream();
    const r = new ProgressRenderer({ stream, clock, color: false });
    r.handle(image);
    // Header + two layer lines.
    assert.equal(stream.text.split('\n').length - 1, 3);
    clock.advance(200);
    r.handle({
      type: 'layer-end',
      index: 1,
      digest: 'sha256:bbbbbbbbbbbb2222',
      cached: true,
      read: 0,
      walked: 3e6,
    });
    assert.match(stream.chunks.at(-1) ?? '', /^\r\x1b\[3A\x1b\[0J/);
    assert.match(strip(stream.chunks.at(-1) ?? ''), /1\/2 layers \(1 cached\)/);
    assert.match(strip(stream.chunks.at(-1) ?? ''), /bbbbbbbbbbbb ✓ cached \(3\.0 MB\)/);
    r.handle({ type: 'inventory', state: 'end', target: 'alpine:3.20', packages: 3 });
    assert.equal(stream.chunks.at(-1), '\r\x1b[3A\x1b[0J');
    assert.equal(clock.pending, 0);
    r.finish();
    assert.equal(stream.chunks.at(-1), '\r\x1b[3A\x1b[0J', 'nothing more to clear');
  });

  test('a spinner while matching, turning while time passes, gone at the end', () => {
    const clock = new FakeClock();
    const stream = new FakeStream();
    const r = new ProgressRenderer({ stream, clock, color: false });
    r.handle({ type: 'match', state: 'start', packages: 42 });
    assert.match(strip(stream.text), /matching 42 packages against the advisory database/);
    clock.advance(350);
    assert.equal(r.frames, 4);
    const spinners = new Set(stream.chunks.map((c) => strip(c).trim()[0]));
    assert.ok(spinners.size >= 3, 'the spinner turns');
    r.handle({ type: 'match', state: 'end', findings: 7 });
    assert.equal(stream.chunks.at(-1), '\r\x1b[1A\x1b[0J');
    clock.advance(1000);
    assert.equal(r.frames, 4, 'no frame after the end');
  });

  test('colour only when asked; lines cut to the terminal width', () => {
    const clock = new FakeClock();
    const plain = new FakeStream();
    plain.columns = 30;
    new ProgressRenderer({ stream: plain, clock, color: false }).handle(image);
    assert.doesNotMatch(plain.text, /\x1b\[\d*m/);
    for (const line of strip(plain.text).split('\n')) assert.ok([...line].length <= 29, line);
    const coloured = new FakeStream();
    new ProgressRenderer({ stream: coloured, clock, color: true }).handle(image);
    assert.match(coloured.text, /\x1b\[1m/);
  });

  test('events for unknown layers are ignored, not thrown', () => {
    const r = new ProgressRenderer({ stream: new FakeStream(), clock: new FakeClock(), color: false });
    r.handle({ type: 'analyze', index: 9, read: 1, walked: 1 });
    r.handle({ type: 'layer-end', index: -1, digest: 'x', cached: false, read: 0, walked: 0 });
    r.handle({ type: 'download', index: 3, bytes: 5 });
  });
});

describe('DebugLog', () => {
  test('logs the database, phase timings and cache hits', () => {
    const clock = new FakeClock();
    const lines: string[] = [];
    const log = new DebugLog((l) => lines.push(l), clock);
    log.handle({ type: 'database', path: '/data/keelson/db' });
    log.handle({ type: 'inventory', state: 'start', target: 'x.tar' });
    clock.advance(30);
    log.handle({ ...image, target: 'x.tar' });
    log.handle({ type: 'image-cache', hit: false });
    log.handle({
      type: 'layer-end',
      index: 0,
      digest: 'sha256:aaaaaaaaaaaa1111',
      cached: true,
      read: 0,
      walked: 9,
    });
    log.handle({ type: 'layer-start', index: 1, digest: 'sha256:bbbbbbbbbbbb2222' });
    clock.advance(120);
    log.handle({
      type: 'layer-end',
      index: 1,
      digest: 'sha256:bbbbbbbbbbbb2222',
      cached: false,
      read: 1e6,
      walked: 3e6,
    });
    log.handle({ type: 'inventory', state: 'end', target: 'x.tar', packages: 12 });
    log.handle({ type: 'match', state: 'start', packages: 12 });
    clock.advance(5);
    log.handle({ type: 'match', state: 'end', findings: 2 });
    log.finish();
    assert.deepEqual(lines, [
      'keelson: debug: advisory database: /data/keelson/db',
      'keelson: debug: inventory of x.tar: start',
      'keelson: debug: phase open: 30 ms (2 layers)',
      'keelson: debug: image cache miss',
      'keelson: debug: layer 0 aaaaaaaaaaaa: layer cache hit',
      'keelson: debug: layer 1 bbbbbbbbbbbb: analysed in 120 ms (1.0 MB read, 3.0 MB walked)',
      'keelson: debug: phase layers: 120 ms',
      'keelson: debug: phase inventory: 150 ms (12 packages)',
      'keelson: debug: phase match: 5 ms (2 findings)',
      'keelson: debug: total: 155 ms',
    ]);
  });

  test('with bars up, debug lines go above the block without tearing it', () => {
    const clock = new FakeClock();
    const stream = new FakeStream();
    const progress = createCliProgress({ debug: true }, { stream, env: {}, clock });
    progress.onProgress?.({ type: 'inventory', state: 'start', target: 'x.tar' });
    progress.onProgress?.(image);
    progress.onProgress?.({ type: 'image-cache', hit: true });
    // The debug line erases the 3-line block, is written, then the block comes back.
    assert.match(stream.chunks.at(-2) ?? '', /^\r\x1b\[3A\x1b\[0Jkeelson: debug: image cache hit/);
    assert.match(strip(stream.chunks.at(-1) ?? ''), /layer 2\/2/);
    progress.finish();
    progress.finish();
    assert.match(stream.text, /keelson: debug: total: 0 ms\n$/);
    assert.equal(stream.text.match(/total:/g)?.length, 1);
  });
});
