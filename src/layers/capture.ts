import type { ContentWindow } from '../analyzers/types.js';

/** Receives a file's bytes in order. */
export interface ByteSink {
  push(chunk: Buffer): void;
}

/** Keeps a whole file; the buffer is allocated once, at its final size. */
export class WholeCapture implements ByteSink {
  readonly content: Buffer;
  filled = 0;

  constructor(size: number) {
    this.content = Buffer.allocUnsafe(size);
  }

  push(chunk: Buffer): void {
    const take = Math.min(chunk.length, this.content.length - this.filled);
    chunk.copy(this.content, this.filled, 0, take);
    this.filled += take;
  }

  get complete(): boolean {
    return this.filled === this.content.length;
  }
}

export interface CapturedWindow {
  offset: number;
  content: Buffer;
}

/**
 * Finds a marker in a file as it streams by and keeps a bounded window from each aligned match,
 * never the file itself: a 100 MB binary costs a scan, not 100 MB of memory.
 */
export class WindowCapture implements ByteSink {
  private position = 0;
  private carry: Buffer = Buffer.alloc(0);
  private readonly open: { offset: number; buf: Buffer; filled: number }[] = [];
  readonly windows: { offset: number; buf: Buffer; filled: number }[] = [];

  constructor(
    private readonly spec: ContentWindow,
    private readonly fileSize: number,
  ) {}

  push(chunk: Buffer): void {
    // Bytes for windows already open.
    for (const w of this.open) {
      const take = Math.min(chunk.length, w.buf.length - w.filled);
      chunk.copy(w.buf, w.filled, 0, take);
      w.filled += take;
    }
    this.dropFull();
    const { marker } = this.spec;
    // A match straddling the previous chunk starts in the carried tail.
    if (this.carry.length > 0) {
      const seamStart = this.position - this.carry.length;
      const seam = Buffer.concat([this.carry, chunk.subarray(0, marker.length - 1)]);
      for (
        let at = seam.indexOf(marker);
        at !== -1 && at < this.carry.length;
        at = seam.indexOf(marker, at + 1)
      ) {
        this.openWindow(seamStart + at, this.carry.subarray(at), chunk, 0);
      }
    }
    for (let at = chunk.indexOf(marker); at !== -1; at = chunk.indexOf(marker, at + 1)) {
      if (this.windows.length >= this.spec.maxMatches) break;
      this.openWindow(this.position + at, undefined, chunk, at);
    }
    this.position += chunk.length;
    const keep = Math.min(marker.length - 1, this.position);
    this.carry =
      chunk.length >= keep
        ? Buffer.from(chunk.subarray(chunk.length - keep))
        : Buffer.concat([this.carry, chunk]).subarray(-keep);
  }

  /** Opens a window at file offset `offset` with the `carried` bytes of a straddling match, then `chunk` from `from`. */
  private openWindow(offset: number, carried: Buffer | undefined, chunk: Buffer, from: number): void {
    if (offset % this.spec.alignment !== 0 || this.windows.length >= this.spec.maxMatches) return;
    const size = Math.min(this.spec.maxBytes, this.fileSize - offset);
    const w = { offset, buf: Buffer.allocUnsafe(size), filled: 0 };
    if (carried) w.filled = carried.copy(w.buf, 0, 0, Math.min(carried.length, size));
    const take = Math.min(chunk.length - from, size - w.filled);
    chunk.copy(w.buf, w.filled, from, from + take);
    w.filled += take;
    this.windows.push(w);
    if (w.filled < size) this.open.push(w);
  }

  private dropFull(): void {
    for (let i = this.open.length - 1; i >= 0; i--) {
      const w = this.open[i]!;
      if (w.filled >= w.buf.length) this.open.splice(i, 1);
    }
  }

  /** The windows, in file order. */
  result(): CapturedWindow[] {
    return this.windows.map((w) => ({ offset: w.offset, content: w.buf.subarray(0, w.filled) }));
  }
}
