/** Shared input handling for the VEX parsers: size cap, JSON decoding, shape errors → PARSE_ERROR. */
import { KeelsonError } from '../core/errors.js';
import { type JsonObject, parseJsonText, ShapeError } from '../core/json-shape.js';

/** The largest VEX document any parser accepts (DHI's consolidated dhi.vex.json is a few MB). */
export const MAX_VEX_BYTES = 64 * 1024 * 1024;

export type Json = JsonObject;

/** Decodes a JSON document (UTF-8, optional BOM), or throws PARSE_ERROR naming the file and line. */
export function decodeJson(input: Uint8Array | string, file: string): unknown {
  const size = typeof input === 'string' ? input.length : input.byteLength;
  if (size > MAX_VEX_BYTES) {
    throw new KeelsonError(
      'PARSE_ERROR',
      `VEX document is ${size} bytes, over the ${MAX_VEX_BYTES / 1024 / 1024} MiB limit`,
      { file },
    );
  }
  const parsed = parseJsonText(typeof input === 'string' ? input : Buffer.from(input).toString('utf8'));
  if ('value' in parsed) return parsed.value;
  const { message, line, cause } = parsed.problem;
  throw new KeelsonError(
    'PARSE_ERROR',
    `not valid JSON: ${message.slice(0, 200)}`,
    { file, ...(line ? { line } : {}) },
    { cause },
  );
}

/** Runs a shape reader, turning its ShapeError into PARSE_ERROR that names the file and JSON path. */
export function withShapeErrors<T>(file: string, what: string, read: () => T): T {
  try {
    return read();
  } catch (err) {
    if (err instanceof ShapeError) {
      throw new KeelsonError('PARSE_ERROR', `invalid ${what}: ${err.message}`, { file }, { cause: err });
    }
    throw err;
  }
}

/** A string field when present and a string; other types are a shape error, null/absent undefined. */
export function optionalText(value: unknown, path: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new ShapeError(path, `expected a string, found ${typeof value}`);
  const trimmed = value.trim();
  return trimmed === '' ? undefined : value;
}

/** Distinct non-empty values, first occurrence order. */
export function unique(values: Iterable<string>): string[] {
  const seen = new Set<string>();
  for (const v of values) if (v !== '') seen.add(v);
  return [...seen];
}

/** `{ key: value }` when the value is defined, else `{}`: keeps optional fields absent, not undefined. */
export function definedText<K extends string>(key: K, value: string | undefined): { [P in K]?: string } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: string };
}
