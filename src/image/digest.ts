import { createHash, type Hash } from 'node:crypto';
import { type Readable, Transform, type TransformCallback } from 'node:stream';
import { type ErrorContext, KeelsonError } from '../core/errors.js';

const ALGORITHMS: Record<string, { node: string; hexLength: number }> = {
  sha256: { node: 'sha256', hexLength: 64 },
  sha512: { node: 'sha512', hexLength: 128 },
};

export function parseDigest(digest: string, context: ErrorContext = {}): { algorithm: string; hex: string } {
  const colon = digest.indexOf(':');
  const algorithm = digest.slice(0, colon);
  const hex = digest.slice(colon + 1);
  const spec = ALGORITHMS[algorithm];
  if (colon < 0 || !spec || hex.length !== spec.hexLength || !/^[0-9a-f]+$/.test(hex)) {
    throw new KeelsonError('INVALID_MANIFEST', `unsupported or malformed digest "${digest}"`, context);
  }
  return { algorithm, hex };
}

export function digestOf(data: Buffer | string, algorithm = 'sha256'): string {
  return `${algorithm}:${createHash(algorithm).update(data).digest('hex')}`;
}

/**
 * Passes bytes through unchanged and fails at the end when their digest is not `expected`.
 * The check runs before the stream ends, so a consumer never sees a clean end for bad bytes.
 */
export class DigestVerifier extends Transform {
  private readonly hash: Hash;
  private readonly expected: string;
  private readonly context: ErrorContext;
  private readonly algorithm: string;
  bytes = 0;

  constructor(expected: string, context: ErrorContext = {}) {
    super();
    const { algorithm } = parseDigest(expected, context);
    this.algorithm = algorithm;
    this.hash = createHash(ALGORITHMS[algorithm]!.node);
    this.expected = expected;
    this.context = context;
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, callback: TransformCallback): void {
    this.hash.update(chunk);
    this.bytes += chunk.length;
    callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    const actual = `${this.algorithm}:${this.hash.digest('hex')}`;
    if (actual !== this.expected) {
      callback(
        new KeelsonError(
          'DIGEST_MISMATCH',
          `content digest ${actual} does not match the expected ${this.expected}`,
          this.context,
        ),
      );
      return;
    }
    callback();
  }
}

/** Pipes a blob stream through a DigestVerifier, forwarding read errors so consumers see them. */
export function verifiedStream(stream: Readable, digest: string, context: ErrorContext): Readable {
  const verifier = new DigestVerifier(digest, context);
  stream.on('error', (err) => verifier.destroy(err));
  return stream.pipe(verifier);
}
