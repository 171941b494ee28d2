/**
 * Terminal progress for the CLI: per-layer bars with bytes and rates while an image is read, a spinner
 * while matching, and `--debug` log lines. Everything goes to stderr, so stdout stays a clean document.
 * Bars are drawn only when stderr is a terminal, not in CI and not with `--quiet`; plain ANSI, no
 * dependency. The library side only calls `onProgress`; all throttling happens here.
 */
import type { ProgressCallback, ProgressEvent } from '../core/progress.js';
import { humanBytes } from './format.js';

/** Where frames go: `process.stderr` or, in tests, a fake. */
export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

/** Time and timers, injectable so that tests can run a fake clock. */
export interface ProgressClock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const realClock: ProgressClock = {
  now: () => performance.now(),
  setTimeout: (fn, ms) => {
    const handle = setTimeout(fn, ms);
    // A pending redraw must never keep the process alive.
    handle.unref();
    return handle;
  },
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

export interface ProgressSettings {
  quiet?: boolean;
  debug?: boolean;
}

/** True when a value of the CI variable means "in CI" (CI=true, CI=1, …; not CI=false or CI=0). */
function truthy(value: string | undefined): boolean {
  return value !== undefined && value !== '' && value !== '0' && value.toLowerCase() !== 'false';
}

/** Whether bars may be drawn: stderr is a terminal that can move the cursor, not CI, not `--quiet`. */
export function barsEnabled(stream: ProgressStream, env: NodeJS.ProcessEnv, quiet = false): boolean {
  return stream.isTTY === true && !quiet && !truthy(env.CI) && env.TERM !== 'dumb';
}

/** NO_COLOR (any non-empty value, https://no-color.org) turns colour off. */
export function colorEnabled(env: NodeJS.ProcessEnv): boolean {
  return !env.NO_COLOR;
}

export function formatBytes(n: number): string {
  return humanBytes(Math.max(0, Math.round(n)));
}

/** Bytes per second over `ms` milliseconds; "–" until there is enough time to say. */
export function formatRate(bytes: number, ms: number): string {
  if (ms < 50 || bytes <= 0) return '– /s';
  return `${formatBytes((bytes * 1000) / ms)}/s`;
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
}

/** A fixed-width bar of `width` cells for a fraction in [0, 1]. */
export function bar(fraction: number, width: number): { done: string; rest: string } {
  const f = Number.isFinite(fraction) ? Math.min(1, Math.max(0, fraction)) : 0;
  const filled = Math.round(f * width);
  return { done: '█'.repeat(filled), rest: '░'.repeat(width - filled) };
}

const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
const MAX_LAYER_LINES = 12;
const BAR_WIDTH = 20;
const ESC = '\x1b[';

type LayerState = 'waiting' | 'active' | 'done' | 'cached';

interface LayerView {
  digest: string;
  size?: number;
  state: LayerState;
  startedAt: number;
  endedAt: number;
  downloaded: number;
  read: number;
  walked: number;
}

/** A line as segments, so that it can be cut to the terminal width before colour is added. */
type Segment = { text: string; style?: 'dim' | 'bar' | 'ok' | 'bold' };

const STYLES: Record<NonNullable<Segment['style']>, [string, string]> = {
  dim: [`${ESC}2m`, `${ESC}22m`],
  bar: [`${ESC}36m`, `${ESC}39m`],
  ok: [`${ESC}32m`, `${ESC}39m`],
  bold: [`${ESC}1m`, `${ESC}22m`],
};

export interface RendererOptions {
  stream: ProgressStream;
  clock?: ProgressClock;
  color?: boolean;
  /** Least time between two frames (default 100 ms: at most ~10 redraws a second). */
  intervalMs?: number;
}

/**
 * Draws the current state as a block of lines at the bottom of the terminal and redraws it in place
 * (cursor up, clear to the end of the screen), at most once per `intervalMs` (plus one frame when an
 * image's layer list becomes known); a trailing timer draws the last state of a burst.
 */
export class ProgressRenderer {
  private readonly stream: ProgressStream;
  private readonly clock: ProgressClock;
  private readonly color: boolean;
  private readonly intervalMs: number;
  private target = '';
  private layers: LayerView[] = [];
  private matching: { packages: number; since: number } | undefined;
  private drawnLines = 0;
  private lastDraw = Number.NEGATIVE_INFINITY;
  private timer: unknown;
  /** Frames written so far (tests use it to check the throttling). */
  frames = 0;

  constructor(options: RendererOptions) {
    this.stream = options.stream;
    this.clock = options.clock ?? realClock;
    this.color = options.color ?? true;
    this.intervalMs = options.intervalMs ?? 100;
  }

  handle(event: ProgressEvent): void {
    const now = this.clock.now();
    switch (event.type) {
      case 'inventory':
        if (event.state === 'start') {
          this.target = event.target;
          this.layers = [];
          this.request();
        } else {
          // The inventory is what sbom/inspect print next: leave a clean screen for it.
          this.layers = [];
          this.clear();
        }
        return;
      case 'image':
        this.target = event.target;
        this.layers = event.layers.map((l) => ({
          digest: l.digest,
          ...(l.size !== undefined ? { size: l.size } : {}),
          state: 'waiting',
          startedAt: now,
          endedAt: now,
          downloaded: 0,
          read: 0,
          walked: 0,
        }));
        // Once per image, the layer list appears at once; byte counts then follow the throttle.
        this.drawNow();
        return;
      case 'layer-start': {
        const layer = this.layers[event.index];
        if (!layer) return;
        layer.state = 'active';
        layer.startedAt = now;
        if (event.size !== undefined) layer.size = event.size;
        this.request();
        return;
      }
      case 'download': {
        const layer = this.layers[event.index];
        if (!layer) return;
        layer.downloaded = event.bytes;
        if (event.total !== undefined) layer.size = event.total;
        this.request();
        return;
      }
      case 'analyze': {
        const layer = this.layers[event.index];
        if (!layer) return;
        layer.read = event.read;
        layer.walked = event.walked;
        this.request();
        return;
      }
      case 'layer-end': {
        const layer = this.layers[event.index];
        if (!layer) return;
        layer.state = event.cached ? 'cached' : 'done';
        layer.endedAt = now;
        layer.read = event.read;
        layer.walked = event.walked;
        this.request();
        return;
      }
      case 'match':
        if (event.state === 'start') {
          this.matching = { packages: event.packages, since: now };
          this.request();
        } else {
          this.matching = undefined;
          this.clear();
        }
        return;
      default:
        return;
    }
  }

  /** Writes a whole line above the progress block (for `--debug`), then redraws the block. */
  log(line: string): void {
    const drawn = this.drawnLines;
    this.stream.write(`${this.erase()}${line}\n`);
    this.drawnLines = 0;
    if (drawn > 0) this.draw();
  }

  /** Removes the block and stops the timer: the terminal is as it was before. */
  finish(): void {
    this.layers = [];
    this.matching = undefined;
    this.clear();
  }

  private clear(): void {
    if (this.timer !== undefined) {
      this.clock.clearTimeout(this.timer);
      this.timer = undefined;
    }
    if (this.drawnLines > 0) this.stream.write(this.erase());
    this.drawnLines = 0;
  }

  /** Cursor to the first line of the block, and everything below it cleared. */
  private erase(): string {
    return this.drawnLines > 0 ? `\r${ESC}${this.drawnLines}A${ESC}0J` : '';
  }

  private drawNow(): void {
    if (this.timer !== undefined) {
      this.clock.clearTimeout(this.timer);
      this.timer = undefined;
    }
    this.draw();
  }

  private request(): void {
    if (this.timer !== undefined) return;
    const wait = this.lastDraw + this.intervalMs - this.clock.now();
    if (wait <= 0) {
      this.draw();
      return;
    }
    this.timer = this.clock.setTimeout(() => {
      this.timer = undefined;
      this.draw();
    }, wait);
  }

  private draw(): void {
    const lines = this.lines();
    this.lastDraw = this.clock.now();
    if (lines.length === 0 && this.drawnLines === 0) return;
    // A pseudo-terminal may report 0 columns: assume 80 then.
    const width = Math.max(20, (this.stream.columns || 80) - 1);
    const body = lines.map((segments) => `${this.paint(segments, width)}\n`).join('');
    this.stream.write(`${this.erase()}${body}`);
    this.drawnLines = lines.length;
    this.frames++;
    // The spinner turns while the event loop is free (matching itself is synchronous).
    if (this.matching) this.request();
  }

  private lines(): Segment[][] {
    const now = this.clock.now();
    const out: Segment[][] = [];
    if (this.matching) {
      const frame = SPINNER[Math.floor(now / this.intervalMs) % SPINNER.length]!;
      out.push([
        { text: `${frame} `, style: 'bar' },
        { text: `matching ${this.matching.packages} packages against the advisory database… ` },
        { text: formatDuration(now - this.matching.since), style: 'dim' },
      ]);
      return out;
    }
    if (this.layers.length === 0) {
      if (this.target)
        out.push([{ text: `${SPINNER[0]} `, style: 'bar' }, { text: `opening ${this.target}…` }]);
      return out;
    }
    const finished = this.layers.filter((l) => l.state === 'done' || l.state === 'cached').length;
    const cached = this.layers.filter((l) => l.state === 'cached').length;
    const walked = this.layers.reduce((n, l) => n + l.walked, 0);
    out.push([
      { text: this.target, style: 'bold' },
      {
        text: `  ${finished}/${this.layers.length} layers${cached ? ` (${cached} cached)` : ''}, ${formatBytes(walked)} walked`,
      },
    ]);
    // Active layers first, then waiting, then finished: the interesting ones survive the cut.
    const order: Record<LayerState, number> = { active: 0, waiting: 1, done: 2, cached: 2 };
    const shown = this.layers
      .map((layer, index) => ({ layer, index }))
      .sort((a, b) => order[a.layer.state] - order[b.layer.state] || a.index - b.index)
      .slice(0, MAX_LAYER_LINES)
      .sort((a, b) => a.index - b.index);
    for (const { layer, index } of shown) out.push(this.layerLine(layer, index, now));
    if (this.layers.length > shown.length) {
      out.push([{ text: `  … ${this.layers.length - shown.length} more layers`, style: 'dim' }]);
    }
    return out;
  }

  private layerLine(layer: LayerView, index: number, now: number): Segment[] {
    const name = `  layer ${index + 1}/${this.layers.length} ${shortDigest(layer.digest)} `;
    if (layer.state === 'cached') {
      return [{ text: name }, { text: `✓ cached (${formatBytes(layer.walked)})`, style: 'ok' }];
    }
    if (layer.state === 'waiting') return [{ text: name }, { text: 'waiting', style: 'dim' }];
    const elapsed = (layer.state === 'done' ? layer.endedAt : now) - layer.startedAt;
    if (layer.state === 'done') {
      return [
        { text: name },
        { text: `✓ ${formatBytes(layer.walked)} analysed in ${formatDuration(elapsed)}`, style: 'ok' },
      ];
    }
    // The stored size is the total to go by; downloads and reading progress through the same bytes.
    const downloading = layer.downloaded > layer.read;
    const progressed = Math.max(layer.downloaded, layer.read);
    const fraction = layer.size ? progressed / layer.size : 0;
    const { done, rest } = bar(fraction, BAR_WIDTH);
    const amount = layer.size
      ? `${formatBytes(progressed)}/${formatBytes(layer.size)}`
      : formatBytes(progressed);
    return [
      { text: name },
      { text: done, style: 'bar' },
      { text: rest, style: 'dim' },
      { text: ` ${amount} ${formatRate(progressed, elapsed)} ${downloading ? 'downloading' : 'analysing'}` },
      { text: `, ${formatBytes(layer.walked)} walked`, style: 'dim' },
    ];
  }

  /** Joins segments, cut to `width` visible characters, with colour only when enabled. */
  private paint(segments: Segment[], width: number): string {
    let left = width;
    let out = '';
    for (const s of segments) {
      if (left <= 0) break;
      const chars = [...s.text];
      const text = chars.length > left ? `${chars.slice(0, Math.max(0, left - 1)).join('')}…` : s.text;
      left -= Math.min(chars.length, left);
      out += this.color && s.style ? `${STYLES[s.style][0]}${text}${STYLES[s.style][1]}` : text;
    }
    return `${ESC}2K${out}`;
  }
}

function shortDigest(digest: string): string {
  const hex = digest.replace(/^sha256:/, '');
  return hex.slice(0, 12);
}

/**
 * `--debug` lines: the time of each phase, cache hits and the database path. Written through the
 * renderer when bars are up (so they do not tear the block), else straight to the stream.
 */
export class DebugLog {
  private readonly start: number;
  private inventoryStart = 0;
  private imageOpened = 0;
  private matchStart = 0;
  private readonly layerStart = new Map<number, number>();

  constructor(
    private readonly write: (line: string) => void,
    private readonly clock: ProgressClock = realClock,
  ) {
    this.start = clock.now();
  }

  handle(event: ProgressEvent): void {
    const now = this.clock.now();
    const since = (t: number) => formatDuration(now - t);
    switch (event.type) {
      case 'database':
        this.line(`advisory database: ${event.path}`);
        return;
      case 'inventory':
        if (event.state === 'start') {
          this.inventoryStart = now;
          this.imageOpened = now;
          this.line(`inventory of ${event.target}: start`);
        } else {
          this.line(`phase layers: ${formatDuration(now - this.imageOpened)}`);
          this.line(`phase inventory: ${since(this.inventoryStart)} (${event.packages} packages)`);
        }
        return;
      case 'image':
        this.imageOpened = now;
        this.line(`phase open: ${since(this.inventoryStart)} (${event.layers.length} layers)`);
        return;
      case 'image-cache':
        this.line(`image cache ${event.hit ? 'hit: inventory served whole' : 'miss'}`);
        return;
      case 'layer-start':
        this.layerStart.set(event.index, now);
        return;
      case 'layer-end':
        if (event.cached) {
          this.line(`layer ${event.index} ${shortDigest(event.digest)}: layer cache hit`);
        } else {
          const took = since(this.layerStart.get(event.index) ?? now);
          this.line(
            `layer ${event.index} ${shortDigest(event.digest)}: analysed in ${took} ` +
              `(${formatBytes(event.read)} read, ${formatBytes(event.walked)} walked)`,
          );
        }
        return;
      case 'match':
        if (event.state === 'start') {
          this.matchStart = now;
        } else {
          this.line(`phase match: ${since(this.matchStart)} (${event.findings} findings)`);
        }
        return;
      default:
        return;
    }
  }

  /** The whole command's time, for the last line. */
  finish(): void {
    this.line(`total: ${formatDuration(this.clock.now() - this.start)}`);
  }

  private line(text: string): void {
    this.write(`keelson: debug: ${text}`);
  }
}

export interface CliProgress {
  /** Undefined when there is nothing to show: the library then builds no events at all. */
  onProgress?: ProgressCallback;
  /** Clears the bars and stops timers (and, with `--debug`, logs the total time). */
  finish(): void;
}

/** Bars and/or debug lines for one CLI invocation, from its flags and environment. */
export function createCliProgress(
  settings: ProgressSettings,
  options: { stream?: ProgressStream; env?: NodeJS.ProcessEnv; clock?: ProgressClock } = {},
): CliProgress {
  const stream = options.stream ?? process.stderr;
  const env = options.env ?? process.env;
  const clock = options.clock ?? realClock;
  const renderer = barsEnabled(stream, env, settings.quiet)
    ? new ProgressRenderer({ stream, clock, color: colorEnabled(env) })
    : undefined;
  const debug = settings.debug
    ? new DebugLog((line) => (renderer ? renderer.log(line) : stream.write(`${line}\n`)), clock)
    : undefined;
  if (!renderer && !debug) return { finish: () => {} };
  let finished = false;
  return {
    onProgress: (event) => {
      debug?.handle(event);
      renderer?.handle(event);
    },
    finish: () => {
      if (finished) return;
      finished = true;
      renderer?.finish();
      debug?.finish();
    },
  };
}

/* The CLI's one progress display: set up before a command's action runs, finished after it. */
let current: CliProgress | undefined;

/** Called from the root command's preAction hook with the merged global flags. */
export function configureProgress(globals: ProgressSettings): void {
  current?.finish();
  current = createCliProgress(globals);
  // Internal errors print their stack trace with --debug (run() looks at KEELSON_DEBUG).
  if (globals.debug) process.env.KEELSON_DEBUG ??= '1';
}

/** What to spread into library options: `{ onProgress }` when progress is on, else nothing. */
export function progressOptions(): { onProgress?: ProgressCallback } {
  return current?.onProgress ? { onProgress: current.onProgress } : {};
}

/** Clears the bars before results or an error are printed; safe to call more than once. */
export function finishProgress(): void {
  current?.finish();
  current = undefined;
}
