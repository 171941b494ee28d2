import type { Readable } from 'node:stream';
import type { Analyzer, AnalyzerContext, EntryInfo, FileFacts } from '../analyzers/types.js';
import { type ErrorContext, KeelsonError } from '../core/errors.js';
import type { Warning } from '../core/types.js';
import { type CapturedWindow, WholeCapture, WindowCapture } from './capture.js';
import type { ByteBudget } from './decompress.js';
import { basename, dirname, normalizeEntryName, resolveLinkTarget } from './paths.js';
import { streamTar } from './stream.js';
import type { TarHeader, TarSink } from './tar.js';

/** What one layer says, as plain data: the unit that is cached per diffID. */
export interface LayerFacts {
  /** path → analyzer name → facts, for every file some analyzer wanted. */
  files: Record<string, Record<string, FileFacts>>;
  /** Paths deleted from lower layers (`.wh.NAME`). */
  whiteouts: string[];
  /** Directories whose lower-layer contents are hidden (`.wh..wh..opq`). */
  opaqueDirs: string[];
  /** Every symlink in the layer: path → target resolved inside the image. */
  symlinks: Record<string, string>;
  /** Problems not tied to one captured file (per-file problems live in that file's facts). */
  warnings: Warning[];
  /** Something wanted could not be read at all (e.g. an unreadable file in a root filesystem). */
  incomplete: boolean;
  entries: number;
  uncompressedBytes: number;
}

export interface WalkOptions {
  analyzers: readonly Analyzer[];
  budget: ByteBudget;
  context: ErrorContext;
  diffID?: string;
  /** Re-opens the layer, for the rare second pass that hard links to unwanted files need. */
  reopen?: () => Promise<Readable>;
  /** Byte progress of the (first) streaming pass; see TarStreamOptions.onBytes. */
  onBytes?: (read: number, walked: number) => void;
}

interface Capture {
  analyzers: Analyzer[];
  info: EntryInfo;
}

interface Deferred {
  analyzer: Analyzer;
  path: string;
  content: Buffer;
  mode: number;
}

/** A file to read again in a second pass: a hard link's target, or a file an analyzer needs whole. */
interface Reread {
  /** Where the facts are recorded. */
  path: string;
  /** Which entry's content to read. */
  source: string;
  analyzers: Analyzer[];
}

/** Collects the facts of one layer as its entries stream by (tar entries or files on disk). */
export class LayerCollector {
  readonly facts: LayerFacts = {
    files: {},
    whiteouts: [],
    opaqueDirs: [],
    symlinks: {},
    warnings: [],
    incomplete: false,
    entries: 0,
    uncompressedBytes: 0,
  };
  readonly deferred: Deferred[] = [];
  readonly links: Reread[] = [];
  readonly rereads: Reread[] = [];
  /** Sizes of this layer's regular files, for hard links to them. */
  private readonly fileSizes = new Map<string, number>();
  /** path → analyzers that read it in this layer (whether or not they found anything). */
  private readonly seenBy = new Map<string, Set<string>>();

  constructor(
    private readonly analyzers: readonly Analyzer[],
    private readonly context: ErrorContext,
  ) {}

  entry(header: TarHeader): TarSink | undefined {
    const path = normalizeEntryName(header.name, this.context);
    if (path === '') return undefined;
    const name = basename(path);
    if (name.startsWith('.wh.')) {
      if (name === '.wh..wh..opq') this.facts.opaqueDirs.push(dirname(path));
      else if (!name.startsWith('.wh..wh.')) {
        const dir = dirname(path);
        this.facts.whiteouts.push(dir === '' ? name.slice(4) : `${dir}/${name.slice(4)}`);
      }
      return undefined;
    }
    switch (header.type) {
      case 'symlink':
        this.facts.symlinks[path] = resolveLinkTarget(path, header.linkname);
        return undefined;
      case 'hardlink': {
        // A hard link is the same regular file under a second name: analyzers see it as a file.
        const target = normalizeEntryName(header.linkname, this.context);
        const info: EntryInfo = {
          path,
          size: this.fileSizes.get(target) ?? 0,
          mode: header.mode,
          type: 'file',
        };
        const wanting = this.analyzers.filter((a) => !a.presenceOnly && a.wants(path, info));
        for (const a of this.analyzers)
          if (a.presenceOnly && a.wants(path, info)) this.record(path, a.name, { present: true });
        if (wanting.length > 0) this.links.push({ path, source: target, analyzers: wanting });
        return undefined;
      }
      case 'file':
        this.fileSizes.set(path, header.size);
        return this.fileSink({ path, size: header.size, mode: header.mode, type: 'file' });
      default:
        return undefined;
    }
  }

  /** Decides who gets a regular file and returns a sink that buffers it only if someone does. */
  fileSink(info: EntryInfo): TarSink | undefined {
    let capture: Capture | undefined;
    for (const analyzer of this.analyzers) {
      if (!analyzer.wants(info.path, info)) continue;
      if (analyzer.presenceOnly) {
        this.record(info.path, analyzer.name, { present: true });
        continue;
      }
      if (info.size > analyzer.maxFileSize) {
        this.oversize(analyzer, info);
        continue;
      }
      capture ??= { analyzers: [], info };
      capture.analyzers.push(analyzer);
    }
    if (!capture) return undefined;
    return this.bufferingSink(capture);
  }

  private oversize(analyzer: Analyzer, info: EntryInfo): void {
    const message = `${info.size} bytes exceeds the ${analyzer.maxFileSize}-byte limit of the ${analyzer.name} analyzer`;
    if (analyzer.oversize === 'error') {
      throw new KeelsonError('FILE_TOO_LARGE', message, { ...this.context, file: info.path });
    }
    this.fail(info.path, analyzer, 'FILE_TOO_LARGE', `skipped: ${message}`);
  }

  /**
   * Records that an analyzer could not read a file. The failure is kept as the file's facts, so it
   * counts only while that file is visible (a later layer may replace the broken file).
   */
  private fail(path: string, analyzer: Analyzer, code: string, message: string): void {
    const warning: Warning = {
      code,
      message,
      file: path,
      ...(this.context.layer ? { layer: this.context.layer } : {}),
    };
    this.record(path, analyzer.name, { incomplete: true, warnings: [warning] });
  }

  /**
   * Buffers a file only as far as its analyzers need: first the sniff bytes, then the whole file for
   * ordinary analyzers, or just windows after a marker for windowed ones.
   */
  private bufferingSink(capture: Capture): TarSink {
    const { info } = capture;
    let active = capture.analyzers;
    const sniffAt = Math.min(
      info.size,
      Math.max(0, ...active.map((a) => (a.sniff ? (a.sniffBytes ?? 0) : 0))),
    );
    const head = new WholeCapture(sniffAt);
    let whole: WholeCapture | undefined;
    let windows: Map<Analyzer, WindowCapture> | undefined;
    let decided = false;
    const decide = () => {
      decided = true;
      active = active.filter((a) => !a.sniff || a.sniff(head.content.subarray(0, head.filled)));
      if (active.some((a) => !a.window)) whole = new WholeCapture(info.size);
      if (!whole) {
        windows = new Map();
        for (const a of active) if (a.window) windows.set(a, new WindowCapture(a.window, info.size));
      }
      if (head.filled > 0) {
        whole?.push(head.content);
        for (const w of windows?.values() ?? []) w.push(head.content);
      }
    };
    if (sniffAt === 0) decide();
    return {
      data: (chunk) => {
        if (!decided) {
          const before = head.filled;
          head.push(chunk);
          if (!head.complete) return;
          decide();
          chunk = chunk.subarray(head.filled - before);
          if (chunk.length === 0) return;
        }
        whole?.push(chunk);
        for (const w of windows?.values() ?? []) w.push(chunk);
      },
      end: () => {
        if (!decided) decide();
        this.seenBy.set(info.path, new Set(capture.analyzers.map((a) => a.name)));
        if (whole) {
          for (const analyzer of active) {
            if (analyzer.needsSiblings) {
              this.deferred.push({ analyzer, path: info.path, content: whole.content, mode: info.mode });
            } else this.analyze(analyzer, info.path, whole.content, info.mode, noSiblings);
          }
        }
        for (const [analyzer, w] of windows ?? []) this.analyzeWindows(analyzer, info, w.result());
      },
    };
  }

  /** Analyzes a file's windows in order until one yields packages; may ask for the whole file instead. */
  private analyzeWindows(analyzer: Analyzer, info: EntryInfo, windows: CapturedWindow[]): void {
    let fallback: FileFacts | undefined;
    for (const w of windows) {
      let result: FileFacts | undefined;
      try {
        result = analyzer.analyze(
          {
            path: info.path,
            content: w.content,
            mode: info.mode,
            window: { offset: w.offset, fileSize: info.size },
          },
          noSiblings,
        );
      } catch (err) {
        if (err instanceof KeelsonError && err.code === 'NEEDS_WHOLE_FILE') {
          this.rereads.push({ path: info.path, source: info.path, analyzers: [analyzer] });
          return;
        }
        this.fail(
          info.path,
          analyzer,
          err instanceof KeelsonError ? err.code : 'ANALYZER_FAILED',
          String((err as Error)?.message ?? err),
        );
        return;
      }
      if (result?.packages?.length) {
        this.record(info.path, analyzer.name, result);
        return;
      }
      fallback ??= result;
    }
    if (fallback) this.record(info.path, analyzer.name, fallback);
  }

  analyze(analyzer: Analyzer, path: string, content: Buffer, mode: number, ctx: AnalyzerContext): void {
    try {
      const result = analyzer.analyze({ path, content, mode }, ctx);
      if (result) this.record(path, analyzer.name, result);
    } catch (err) {
      if (err instanceof KeelsonError) this.fail(path, analyzer, err.code, err.message);
      else
        this.fail(
          path,
          analyzer,
          'ANALYZER_FAILED',
          `${analyzer.name} analyzer failed: ${(err as Error)?.message ?? err}`,
        );
    }
  }

  record(path: string, analyzer: string, facts: FileFacts): void {
    let byAnalyzer = this.facts.files[path];
    if (!byAnalyzer) {
      byAnalyzer = {};
      this.facts.files[path] = byAnalyzer;
    }
    byAnalyzer[analyzer] = facts;
  }

  warn(w: Omit<Warning, 'layer'>): void {
    this.facts.warnings.push({ ...w, ...(this.context.layer ? { layer: this.context.layer } : {}) });
  }

  /** Runs the analyzers that needed to see the whole layer (e.g. rpmdb with its -wal). */
  finishDeferred(): void {
    const byPath = new Map<string, Buffer>();
    for (const d of this.deferred) byPath.set(d.path, d.content);
    const ctx: AnalyzerContext = { sibling: (p) => byPath.get(p) };
    for (const d of this.deferred) this.analyze(d.analyzer, d.path, d.content, d.mode, ctx);
    this.deferred.length = 0;
  }

  /**
   * Gives each wanted hard link the facts of its target. Returns the links whose target was not
   * captured (nobody wanted the target's path), which need a second pass.
   */
  resolveLinks(): Reread[] {
    const unresolved: Reread[] = [];
    for (const link of this.links) {
      const targetFacts = this.facts.files[link.source];
      const seen = this.seenBy.get(link.source);
      const missing = link.analyzers.filter((a) => !seen?.has(a.name));
      for (const a of link.analyzers) {
        const facts = targetFacts?.[a.name];
        if (facts) this.record(link.path, a.name, relocate(facts, link.source, link.path));
      }
      if (missing.length > 0) unresolved.push({ ...link, analyzers: missing });
    }
    return unresolved;
  }
}

const noSiblings: AnalyzerContext = { sibling: () => undefined };

/** Facts of a file seen under another name: package locations move, nested parts (`a.war!/b.jar`) stay. */
function relocate(facts: FileFacts, from: string, to: string): FileFacts {
  if (!facts.packages) return facts;
  const move = (location: string) =>
    location === from || location.startsWith(`${from}!/`) ? to + location.slice(from.length) : location;
  return { ...facts, packages: facts.packages.map((p) => ({ ...p, location: move(p.location) })) };
}

/** Walks one layer in a single streaming pass (plus a rare second one) and returns its facts. */
export async function walkLayer(input: Readable, options: WalkOptions): Promise<LayerFacts> {
  const collector = new LayerCollector(options.analyzers, options.context);
  const stats = await streamTar(input, collector, {
    budget: options.budget,
    context: options.context,
    ...(options.diffID ? { diffID: options.diffID } : {}),
    ...(options.onBytes ? { onBytes: options.onBytes } : {}),
  });
  collector.finishDeferred();
  const rereads = [...collector.resolveLinks(), ...collector.rereads];
  if (rereads.length > 0) await secondPass(collector, rereads, options);
  collector.facts.entries = stats.entries;
  collector.facts.uncompressedBytes = stats.uncompressedBytes;
  return collector.facts;
}

function unresolved(collector: LayerCollector, r: Reread, why: string): void {
  collector.warn({
    code: r.path === r.source ? 'FILE_NOT_REREAD' : 'HARDLINK_UNRESOLVED',
    message:
      r.path === r.source
        ? `could not read the whole file again: ${why}`
        : `hard link target ${r.source} ${why}`,
    file: r.path,
  });
}

/**
 * Re-reads the layer for files that must be analyzed whole: targets of hard links nobody else wanted
 * (analyzed under the link's name) and files a windowed analyzer asked to see in full.
 */
async function secondPass(collector: LayerCollector, rereads: Reread[], options: WalkOptions): Promise<void> {
  if (!options.reopen) {
    for (const r of rereads) unresolved(collector, r, 'not read (no second pass possible)');
    return;
  }
  const bySource = new Map<string, Reread[]>();
  for (const r of rereads) bySource.set(r.source, [...(bySource.get(r.source) ?? []), r]);
  const found = new Set<string>();
  const callbacks = {
    entry(header: TarHeader): TarSink | undefined {
      if (header.type !== 'file') return undefined;
      const path = normalizeEntryName(header.name, options.context);
      const wanted = bySource.get(path);
      if (!wanted) return undefined;
      found.add(path);
      const limit = Math.max(...wanted.flatMap((r) => r.analyzers.map((a) => a.maxFileSize)));
      if (header.size > limit) return undefined;
      const whole = new WholeCapture(header.size);
      return {
        data: (chunk) => whole.push(chunk),
        end() {
          for (const r of wanted) {
            for (const a of r.analyzers) {
              if (header.size <= a.maxFileSize)
                collector.analyze(a, r.path, whole.content, header.mode, noSiblings);
            }
          }
        },
      };
    },
  };
  await streamTar(await options.reopen(), callbacks, { budget: options.budget, context: options.context });
  for (const r of rereads) if (!found.has(r.source)) unresolved(collector, r, 'is not in this layer');
}
