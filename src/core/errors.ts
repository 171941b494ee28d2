/**
 * Errors are data: a stable `code` for programs, a message for people, and the context a user
 * needs to find the problem (image, layer, file, line). Libraries throw these; only the CLI maps
 * them to exit codes.
 */
export type ErrorCode =
  | 'INVALID_ARGUMENT'
  | 'TARGET_NOT_FOUND'
  | 'UNSUPPORTED_TARGET'
  | 'INVALID_IMAGE'
  | 'INVALID_MANIFEST'
  | 'MISSING_BLOB'
  | 'DIGEST_MISMATCH'
  | 'CORRUPT_LAYER'
  | 'TRUNCATED_LAYER'
  | 'UNSAFE_PATH'
  | 'DECOMPRESSION_BOMB'
  | 'FILE_TOO_LARGE'
  | 'PLATFORM_NOT_FOUND'
  | 'INVALID_REFERENCE'
  | 'REGISTRY_ERROR'
  | 'REGISTRY_AUTH'
  | 'REGISTRY_NOT_FOUND'
  | 'INSECURE_REGISTRY'
  | 'CREDENTIAL_HELPER'
  | 'PARSE_ERROR'
  | 'CACHE_ERROR'
  | 'NEEDS_WHOLE_FILE'
  | 'NO_DATABASE'
  | 'DATABASE_ERROR'
  | 'DOWNLOAD_ERROR'
  | 'DATABASE_BUSY'
  | 'INTERNAL';

export interface ErrorContext {
  image?: string;
  layer?: string;
  file?: string;
  line?: number;
  url?: string;
}

export class KeelsonError extends Error {
  override readonly name = 'KeelsonError';
  readonly code: ErrorCode;
  readonly context: ErrorContext;

  constructor(code: ErrorCode, message: string, context: ErrorContext = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.context = context;
  }

  /** A copy with more context filled in (inner code knows the file, outer code knows the image). */
  withContext(extra: ErrorContext): KeelsonError {
    const merged = new KeelsonError(
      this.code,
      this.message,
      { ...extra, ...this.context },
      { cause: this.cause },
    );
    merged.stack = this.stack;
    return merged;
  }

  /** One line naming what and where, e.g. `image x.tar: layer 2 (sha256:ab12…): file etc/os-release: …`. */
  describe(): string {
    const where: string[] = [];
    if (this.context.image) where.push(`image ${this.context.image}`);
    if (this.context.layer) where.push(`layer ${this.context.layer}`);
    if (this.context.file)
      where.push(`file ${this.context.file}${this.context.line ? `:${this.context.line}` : ''}`);
    if (this.context.url && !this.context.image) where.push(this.context.url);
    return `${where.length ? `${where.join(': ')}: ` : ''}${this.message} [${this.code}]`;
  }
}

export function isKeelsonError(err: unknown): err is KeelsonError {
  return err instanceof KeelsonError;
}

/** Wraps anything thrown into a KeelsonError so callers can rely on `code` and `context`. */
export function toKeelsonError(err: unknown, fallback: ErrorCode, context: ErrorContext = {}): KeelsonError {
  if (err instanceof KeelsonError) return err.withContext(context);
  const message = err instanceof Error ? err.message : String(err);
  return new KeelsonError(fallback, message, context, { cause: err });
}
