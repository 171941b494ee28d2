import type { Readable } from 'node:stream';
import type { Analyzer, AnalyzerContext, EntryInfo, FileFacts } from '../analyzers/types.js';
import { type ErrorContext, KeelsonError } from '../core/errors.js';
import type { Warning } from '../core/types.js';
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

interface PendingLink {
  path: string;
  target: string;
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
  readonly links: PendingLink[] = [];
  /** Sizes of this layer's regular files, for hard links to them. */
  private readonly fileSizes = new Map<string, number>();

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
        if (wanting.length > 0) this.links.push({ path, target, analyzers: wanting });
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

  private bufferingSink(capture: Capture): TarSink {
    const { info } = capture;
    const content = Buffer.allocUnsafe(info.size);
    let filled = 0;
    let active = capture.analyzers;
    let sniffed = !active.some((a) => a.sniff);
    const sniffAt = Math.min(info.size, Math.max(0, ...active.map((a) => a.sniffBytes ?? 0)));
    const runSniff = () => {
      sniffed = true;
      const head = content.subarray(0, filled);
      active = active.filter((a) => !a.sniff || a.sniff(head));
    };
    return {
      data: (chunk) => {
        if (active.length === 0) return;
        const take = Math.min(chunk.length, info.size - filled);
        chunk.copy(content, filled, 0, take);
        filled += take;
        if (!sniffed && filled >= sniffAt) runSniff();
      },
      end: () => {
        if (!sniffed) runSniff();
        if (active.length === 0) return;
        if (filled !== info.size) {
          throw new KeelsonError('TRUNCATED_LAYER', `file ends after ${filled} of ${info.size} bytes`, {
            ...this.context,
            file: info.path,
          });
        }
        for (const analyzer of active) {
          if (analyzer.needsSiblings)
            this.deferred.push({ analyzer, path: info.path, content, mode: info.mode });
          else this.analyze(analyzer, info.path, content, info.mode, noSiblings);
        }
      },
    };
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
  resolveLinks(): PendingLink[] {
    const unresolved: PendingLink[] = [];
    for (const link of this.links) {
      const targetFacts = this.facts.files[link.target];
      const missing = link.analyzers.filter((a) => !targetFacts?.[a.name]);
      for (const a of link.analyzers) {
        const facts = targetFacts?.[a.name];
        if (facts) this.record(link.path, a.name, relocate(facts, link.path));
      }
      if (missing.length > 0) unresolved.push({ ...link, analyzers: missing });
    }
    return unresolved;
  }
}

const noSiblings: AnalyzerContext = { sibling: () => undefined };

function relocate(facts: FileFacts, path: string): FileFacts {
  if (!facts.packages && !facts.sbom) return facts;
  return {
    ...facts,
    ...(facts.packages ? { packages: facts.packages.map((p) => ({ ...p, location: path })) } : {}),
  };
}

/** Walks one layer in a single streaming pass and returns its facts. */
export async function walkLayer(input: Readable, options: WalkOptions): Promise<LayerFacts> {
  const collector = new LayerCollector(options.analyzers, options.context);
  const stats = await streamTar(input, collector, {
    budget: options.budget,
    context: options.context,
    ...(options.diffID ? { diffID: options.diffID } : {}),
  });
  collector.finishDeferred();
  const unresolved = collector.resolveLinks();
  if (unresolved.length > 0) await secondPass(collector, unresolved, options);
  collector.facts.entries = stats.entries;
  collector.facts.uncompressedBytes = stats.uncompressedBytes;
  return collector.facts;
}

/** Re-reads the layer to analyze the targets of wanted hard links under the links' own paths. */
async function secondPass(
  collector: LayerCollector,
  links: PendingLink[],
  options: WalkOptions,
): Promise<void> {
  if (!options.reopen) {
    for (const link of links) {
      collector.warn({
        code: 'HARDLINK_UNRESOLVED',
        message: `hard link target ${link.target} not read`,
        file: link.path,
      });
    }
    return;
  }
  const byTarget = new Map<string, PendingLink[]>();
  for (const link of links) byTarget.set(link.target, [...(byTarget.get(link.target) ?? []), link]);
  const found = new Set<string>();
  const callbacks = {
    entry(header: TarHeader): TarSink | undefined {
      if (header.type !== 'file') return undefined;
      const path = normalizeEntryName(header.name, options.context);
      const wanted = byTarget.get(path);
      if (!wanted) return undefined;
      found.add(path);
      const chunks: Buffer[] = [];
      let size = 0;
      const limit = Math.max(...wanted.flatMap((l) => l.analyzers.map((a) => a.maxFileSize)));
      return {
        data(chunk) {
          size += chunk.length;
          if (size <= limit) chunks.push(Buffer.from(chunk));
        },
        end() {
          const content = Buffer.concat(chunks);
          for (const link of wanted) {
            for (const a of link.analyzers) {
              if (size > a.maxFileSize) continue;
              collector.analyze(a, link.path, content, header.mode, noSiblings);
            }
          }
        },
      };
    },
  };
  await streamTar(await options.reopen(), callbacks, { budget: options.budget, context: options.context });
  for (const link of links) {
    if (!found.has(link.target)) {
      collector.warn({
        code: 'HARDLINK_UNRESOLVED',
        message: `hard link target ${link.target} is not in this layer`,
        file: link.path,
      });
    }
  }
}
