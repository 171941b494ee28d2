import type { PackageRecord, Warning } from '../core/types.js';

/** What the layer walker knows about an entry before reading its content. */
export interface EntryInfo {
  /** Normalised path: no leading slash, no `.` or `..` segments, e.g. `etc/os-release`. */
  path: string;
  size: number;
  mode: number;
  /** Hard links are presented as `file` (they are the same file under a second name). */
  type: 'file' | 'symlink' | 'dir' | 'other';
}

export interface AnalyzerFile {
  path: string;
  /** The whole file, or for a windowed analyzer the bytes from a marker match on (see `window`). */
  content: Buffer;
  mode: number;
  /** Set when `content` is a window: where it starts in the file and how large the file is. */
  window?: { offset: number; fileSize: number };
}

/**
 * A windowed analyzer never sees whole files: the walker scans the stream for `marker` (at offsets
 * that are multiples of `alignment`) and hands over up to `maxBytes` from each match, in file order,
 * until one analysis yields packages. An analyzer that finds it needs the whole file after all throws
 * `KeelsonError('NEEDS_WHOLE_FILE')`, and the walker reads the file again in full.
 */
export interface ContentWindow {
  marker: Buffer;
  alignment: number;
  maxBytes: number;
  /** Most matches handed over per file (decoy copies of the marker exist). */
  maxMatches: number;
}

export interface AnalyzerContext {
  /** Another captured file of the same layer (for analyzers with `needsSiblings`), e.g. an rpmdb `-wal`. */
  sibling(path: string): Buffer | undefined;
}

/** Which release file an OS fact came from; decides priority when several exist. */
export type ReleaseFileKind =
  | 'os-release'
  | 'lsb-release'
  | 'alpine-release'
  | 'debian_version'
  | 'redhat-release'
  | 'photon-release'
  | 'system-release'
  | 'centos-release'
  | 'rocky-release'
  | 'almalinux-release'
  | 'fedora-release'
  | 'SuSE-release';

/** Everything one analyzer learned from one file. Pure data; cached per layer. */
export interface FileFacts {
  /** An OS release file's key/value fields (os-release style; other files are mapped onto ID/VERSION_ID). */
  os?: { kind: ReleaseFileKind; fields: Record<string, string> };
  /** Packages declared by this file (a package DB, a manifest, an archive, a binary). */
  packages?: PackageRecord[];
  /** Files owned by one package, from a separate list file (dpkg `info/NAME.list`). */
  ownedFiles?: { package: string; files: string[] };
  /** Package repositories configured (apk `etc/apk/repositories`). */
  repositories?: string[];
  /** An SBOM document shipped in the image. */
  sbom?: { format: 'spdx' | 'cyclonedx'; packages: PackageRecord[] };
  /** The path exists (for presence-only analyzers: package manager binaries, vendor markers). */
  present?: true;
  warnings?: Warning[];
  /** Set when the file could only be read in part (e.g. a damaged package DB). */
  incomplete?: boolean;
}

export interface Analyzer {
  /** Stable identifier, e.g. `dpkg`, `rpm`, `os-release`. */
  readonly name: string;
  /** Bump when the output for the same input changes: it is part of the per-layer cache key. */
  readonly version: number;
  /** Does this analyzer need this entry? Called for every entry of every layer: keep it cheap. */
  wants(path: string, info: EntryInfo): boolean;
  /** Largest file the analyzer will buffer. */
  readonly maxFileSize: number;
  /** What to do with a wanted file above `maxFileSize`: fail the scan, or warn and skip it. */
  readonly oversize: 'error' | 'warn';
  /** Only record that the path exists; never buffer the content. */
  readonly presenceOnly?: boolean;
  /** Reject early from the first bytes (at least `sniffBytes`, or the whole file if smaller). */
  readonly sniffBytes?: number;
  sniff?(head: Buffer): boolean;
  /** Analyze at the end of the layer, with access to the other files it captured in that layer. */
  readonly needsSiblings?: boolean;
  /** Look only at windows of the file after a marker instead of buffering it whole. */
  readonly window?: ContentWindow;
  /**
   * Pure: bytes in, facts out. Throw a KeelsonError('PARSE_ERROR') for a file that cannot be read at
   * all; the walker turns that into a warning and marks the inventory incomplete.
   */
  analyze(file: AnalyzerFile, ctx: AnalyzerContext): FileFacts | undefined;
}
