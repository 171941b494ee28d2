import { Transform, type TransformCallback } from 'node:stream';
import * as zlib from 'node:zlib';
import { type ErrorContext, KeelsonError } from '../core/errors.js';
import { lazyRequire } from '../core/lazy.js';

const fzstd = lazyRequire<typeof import('fzstd')>('fzstd');

export type Compression = 'gzip' | 'zstd' | 'none';

/** Identifies a layer's compression by its first bytes (media types lie often enough). */
export function sniffCompression(head: Buffer, context: ErrorContext): Compression {
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
  if (head.length >= 4 && head.readUInt32LE(0) === 0xfd2fb528) return 'zstd';
  if (head.length >= 3 && head.toString('latin1', 0, 3) === 'BZh') {
    throw new KeelsonError('CORRUPT_LAYER', 'bzip2-compressed layers are not supported', context);
  }
  if (head.length >= 6 && head.readUInt32BE(0) === 0xfd377a58 && head[4] === 0x5a) {
    throw new KeelsonError('CORRUPT_LAYER', 'xz-compressed layers are not supported', context);
  }
  return 'none';
}

type ZlibWithZstd = typeof zlib & { createZstdDecompress?: () => Transform };

/** A zstd decompressor: Node's own where it exists (≥ 22.15), else the pure-JS fzstd. */
export function createZstdDecompressor(): Transform {
  const native = (zlib as ZlibWithZstd).createZstdDecompress;
  if (native) return native();
  return new FzstdTransform();
}

class FzstdTransform extends Transform {
  private readonly stream: import('fzstd').Decompress;
  private out: Uint8Array[] = [];

  constructor() {
    super();
    this.stream = new (fzstd().Decompress)((chunk) => {
      this.out.push(chunk);
    });
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, callback: TransformCallback): void {
    try {
      this.stream.push(chunk);
    } catch (err) {
      callback(err as Error);
      return;
    }
    this.flushOut();
    callback();
  }

  override _flush(callback: TransformCallback): void {
    try {
      this.stream.push(new Uint8Array(0), true);
    } catch (err) {
      callback(err as Error);
      return;
    }
    this.flushOut();
    callback();
  }

  private flushOut(): void {
    for (const c of this.out) this.push(Buffer.from(c.buffer, c.byteOffset, c.byteLength));
    this.out = [];
  }
}

export function createDecompressor(kind: Compression): Transform | undefined {
  switch (kind) {
    case 'gzip':
      // A deep output buffer lets inflation (on libuv's pool) run ahead while the main thread parses.
      return zlib.createGunzip({
        chunkSize: 256 * 1024,
        readableHighWaterMark: 8 * 1024 * 1024,
      } as zlib.ZlibOptions);
    case 'zstd':
      return createZstdDecompressor();
    case 'none':
      return undefined;
  }
}

/** Limits against decompression bombs. */
export interface DecompressionLimits {
  /** Most uncompressed bytes read from all layers of one image together. */
  maxTotalBytes: number;
  /** Largest uncompressed/compressed ratio tolerated once `ratioAfterBytes` have been produced. */
  maxRatio: number;
  ratioAfterBytes: number;
}

export const DEFAULT_LIMITS: DecompressionLimits = {
  maxTotalBytes: 64 * 1024 ** 3,
  maxRatio: 100,
  ratioAfterBytes: 128 * 1024 ** 2,
};

/** Shared byte counters for one image, so the total limit spans all layers. */
export class ByteBudget {
  uncompressed = 0;
  constructor(readonly limits: DecompressionLimits) {}
}

/**
 * Checks each decompressed chunk against the bomb limits. `compressedBytes()` reports how much input
 * the decompressor has consumed so far.
 */
export function checkBombLimits(
  budget: ByteBudget,
  layerUncompressed: number,
  compressedBytes: number,
  compressed: boolean,
  context: ErrorContext,
): void {
  const { limits } = budget;
  if (budget.uncompressed > limits.maxTotalBytes) {
    throw new KeelsonError(
      'DECOMPRESSION_BOMB',
      `image expands to more than ${limits.maxTotalBytes} bytes; refusing to read further`,
      context,
    );
  }
  if (compressed && layerUncompressed > limits.ratioAfterBytes && compressedBytes > 0) {
    const ratio = layerUncompressed / compressedBytes;
    if (ratio > limits.maxRatio) {
      throw new KeelsonError(
        'DECOMPRESSION_BOMB',
        `layer expands ${Math.round(ratio)}:1 (over ${limits.maxRatio}:1 after ${layerUncompressed} bytes); refusing to read further`,
        context,
      );
    }
  }
}

/** A pass-through stream that shows each chunk to `inspect` first; an exception from it fails the stream. */
export function tap(inspect: (chunk: Buffer) => void): Transform {
  return new Transform({
    transform(chunk: Buffer, _enc, callback) {
      try {
        inspect(chunk);
      } catch (err) {
        callback(err as Error);
        return;
      }
      callback(null, chunk);
    },
  });
}
