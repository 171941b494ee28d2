import { createHash } from 'node:crypto';
import type { Readable, Transform } from 'node:stream';
import { type ErrorContext, KeelsonError } from '../core/errors.js';
import { type ByteBudget, checkBombLimits, createDecompressor, sniffCompression, tap } from './decompress.js';
import { type TarCallbacks, TarParser } from './tar.js';

export interface TarStreamOptions {
  budget: ByteBudget;
  context: ErrorContext;
  /** When set, the uncompressed bytes must hash to this diffID (sha256:…). */
  diffID?: string;
  /**
   * Called after each chunk with the stored bytes consumed and the uncompressed bytes walked so far
   * (equal for an uncompressed layer). Absent, the loop does no extra work.
   */
  onBytes?: (read: number, walked: number) => void;
}

export interface TarStreamStats {
  entries: number;
  compressedBytes: number;
  uncompressedBytes: number;
}

/** Reads at least `n` bytes (or all there is) from the start of a stream and puts them back. */
async function peek(stream: Readable, n: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let length = 0;
  while (length < n) {
    const chunk: Buffer | null = stream.read();
    if (chunk !== null) {
      chunks.push(chunk);
      length += chunk.length;
      continue;
    }
    if (stream.readableEnded) break;
    const ended = await new Promise<boolean>((resolve, reject) => {
      const cleanup = () => {
        stream.off('readable', onReadable);
        stream.off('end', onEnd);
        stream.off('error', onError);
      };
      const onReadable = () => {
        cleanup();
        resolve(false);
      };
      const onEnd = () => {
        cleanup();
        resolve(true);
      };
      const onError = (err: Error) => {
        cleanup();
        reject(err);
      };
      stream.once('readable', onReadable);
      stream.once('end', onEnd);
      stream.once('error', onError);
    });
    if (ended) break;
  }
  const head = Buffer.concat(chunks);
  if (head.length > 0) stream.unshift(head);
  return head;
}

/** Pipes `input` into `transform`, forwarding errors so that consuming `transform` sees them. */
function chain(input: Readable, transform: Transform): Readable {
  input.on('error', (err) => transform.destroy(err));
  transform.on('close', () => {
    if (!input.destroyed && !input.readableEnded) input.destroy();
  });
  input.pipe(transform);
  return transform;
}

/**
 * The one streaming pass over a layer: sniff compression, decompress, enforce bomb limits, check the
 * diffID, and feed the tar parser. Rejects with a KeelsonError naming the problem.
 */
export async function streamTar(
  input: Readable,
  callbacks: TarCallbacks,
  options: TarStreamOptions,
): Promise<TarStreamStats> {
  const { context, budget } = options;
  const head = await peek(input, 6);
  const compression = sniffCompression(head, context);
  let compressedBytes = 0;
  const counter = tap((chunk) => {
    compressedBytes += chunk.length;
  });
  const decompressor = createDecompressor(compression);
  const source = decompressor ? chain(chain(input, counter), decompressor) : input;
  const parser = new TarParser(callbacks, context);
  const hash = options.diffID ? createHash('sha256') : undefined;
  let uncompressed = 0;
  const onBytes = options.onBytes;
  try {
    for await (const chunk of source as AsyncIterable<Buffer>) {
      uncompressed += chunk.length;
      budget.uncompressed += chunk.length;
      checkBombLimits(budget, uncompressed, compressedBytes, compression !== 'none', context);
      hash?.update(chunk);
      if (!parser.finished) parser.write(chunk);
      if (onBytes) onBytes(decompressor ? compressedBytes : uncompressed, uncompressed);
    }
    parser.end();
  } catch (err) {
    source.destroy();
    input.destroy();
    throw classifyStreamError(err, compression, context);
  }
  if (hash && options.diffID) {
    const actual = `sha256:${hash.digest('hex')}`;
    if (options.diffID.startsWith('sha256:') && actual !== options.diffID) {
      throw new KeelsonError(
        'DIGEST_MISMATCH',
        `uncompressed content digest ${actual} does not match the config's diffID ${options.diffID}`,
        context,
      );
    }
  }
  return { entries: parser.entries, compressedBytes, uncompressedBytes: uncompressed };
}

function classifyStreamError(err: unknown, compression: string, context: ErrorContext): KeelsonError {
  if (err instanceof KeelsonError) return err.withContext(context);
  const e = err as NodeJS.ErrnoException;
  if (e?.code === 'Z_BUF_ERROR' || e?.message === 'unexpected end of file') {
    return new KeelsonError('TRUNCATED_LAYER', `${compression} stream is truncated`, context, { cause: err });
  }
  if (typeof e?.code === 'string' && e.code.startsWith('Z_')) {
    return new KeelsonError('CORRUPT_LAYER', `${compression} data is corrupt: ${e.message}`, context, {
      cause: err,
    });
  }
  if (compression === 'zstd') {
    return new KeelsonError('CORRUPT_LAYER', `zstd data is corrupt: ${e?.message ?? String(err)}`, context, {
      cause: err,
    });
  }
  return new KeelsonError('CORRUPT_LAYER', `cannot read layer: ${e?.message ?? String(err)}`, context, {
    cause: err,
  });
}
