import { isKeelsonError, KeelsonError } from '../../core/errors.js';
import type { Analyzer, AnalyzerFile, EntryInfo } from '../types.js';
import {
  BUILDINFO_MAGIC,
  decodeBuildInfo,
  findBuildInfo,
  hasInlineStrings,
  type RawBuildInfo,
} from './buildinfo.js';
import { type Elf, hasElfMagic, readElf } from './elf.js';
import { goPackages } from './packages.js';

/** Smaller files cannot hold a Go runtime; skipping them keeps scripts and stubs out cheaply. */
const MIN_SIZE = 1024;
const ANY_EXECUTE_BIT = 0o111;

/** Modules compiled into Go executables, from the build info the Go linker embeds. */
export const goBinaryAnalyzer: Analyzer = {
  name: 'gobinary',
  version: 2,
  maxFileSize: 160 * 1024 * 1024,
  oversize: 'warn',
  sniffBytes: 4,
  sniff: hasElfMagic,
  // Executables are streamed, not buffered: only the bytes after each aligned build info magic are kept.
  window: { marker: BUILDINFO_MAGIC, alignment: 16, maxBytes: 1024 * 1024, maxMatches: 8 },
  wants(_path: string, info: EntryInfo): boolean {
    return info.type === 'file' && (info.mode & ANY_EXECUTE_BIT) !== 0 && info.size >= MIN_SIZE;
  },
  analyze(file) {
    try {
      const buildInfo = file.window
        ? fromWindow(file)
        : findBuildInfo(file.content, readElfOrNothing(file.content));
      return buildInfo ? { packages: goPackages(buildInfo, file.path) } : undefined;
    } catch (err) {
      if (!isKeelsonError(err) || err.code === 'NEEDS_WHOLE_FILE') throw err;
      return {
        warnings: [
          { code: 'PARSE_ERROR', message: `unreadable Go build info: ${err.message}`, file: file.path },
        ],
      };
    }
  },
};

/** A damaged ELF header leaves the raw bytes to scan; whether they hold Go build info decides. */
function readElfOrNothing(content: Buffer): Elf | undefined {
  try {
    return readElf(content);
  } catch (err) {
    if (isKeelsonError(err)) return undefined;
    throw err;
  }
}

/**
 * Decodes build info from a window that starts at a magic match. Go ≥ 1.18 writes the strings inline,
 * right there; the older pointer format (or strings longer than the window) needs the whole file.
 */
function fromWindow(file: AnalyzerFile): RawBuildInfo | undefined {
  const { content, window } = file;
  if (!hasInlineStrings(content)) {
    // A pointer-format header names a pointer size of 4 or 8 and no other flag; anything else is a
    // stray copy of the magic (e.g. in a program that reads build info), not worth a second read.
    const plausible = (content[14] === 4 || content[14] === 8) && (content[15]! & ~1) === 0;
    if (!plausible) return undefined;
    throw new KeelsonError('NEEDS_WHOLE_FILE', 'pointer-format Go build info', { file: file.path });
  }
  try {
    return decodeBuildInfo(content, 0, undefined);
  } catch (err) {
    const truncatedByWindow = window && window.offset + content.length < window.fileSize;
    if (truncatedByWindow && isKeelsonError(err) && /past the end|truncated/.test(err.message)) {
      throw new KeelsonError('NEEDS_WHOLE_FILE', 'Go build info longer than the window', { file: file.path });
    }
    throw err;
  }
}
