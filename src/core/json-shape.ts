/**
 * A strict, tiny reader for untrusted JSON on the scan's hot path (manifests, configs), where loading a
 * schema library would cost more start-up time than the whole warm scan. Each reader names the JSON
 * path of what is wrong. Also the JSON basics the feed importers and VEX parsers share.
 */
export class ShapeError extends Error {
  constructor(
    readonly path: string,
    problem: string,
  ) {
    super(`${path ? `${path}: ` : ''}${problem}`);
  }
}

export type JsonObject = Record<string, unknown>;

/** True for a JSON object (not null, not an array). */
export function isObject(value: unknown): value is JsonObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** What a JSON value is, for messages: `null`, `an array`, `an object`, `a string`… */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/** Why JSON text did not parse: the parser's message and, when it gives a position, the 1-based line. */
export interface JsonSyntaxProblem {
  message: string;
  line?: number;
  cause: unknown;
}

/** Parses JSON text after dropping a byte-order mark; a syntax error is returned, not thrown. */
export function parseJsonText(text: string): { value: unknown } | { problem: JsonSyntaxProblem } {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  try {
    return { value: JSON.parse(body) };
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    const position = /position (\d+)/.exec(message);
    const problem: JsonSyntaxProblem = { message, cause: err };
    if (position) problem.line = lineAt(body, Number(position[1]));
    return { problem };
  }
}

/** 1-based line of `offset`, counted without copying the text (feeds can be hundreds of MB). */
function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let at = text.indexOf('\n'); at !== -1 && at < offset; at = text.indexOf('\n', at + 1)) line++;
  return line;
}

export function object(value: unknown, path: string): JsonObject {
  if (!isObject(value)) throw new ShapeError(path, `expected an object, found ${describeValue(value)}`);
  return value;
}

export function array(value: unknown, path: string): unknown[] {
  if (!Array.isArray(value)) throw new ShapeError(path, `expected an array, found ${describeValue(value)}`);
  return value;
}

export function string(value: unknown, path: string): string {
  if (typeof value !== 'string')
    throw new ShapeError(path, `expected a string, found ${describeValue(value)}`);
  return value;
}

/** A string, or undefined when absent or null. */
export function optionalString(value: unknown, path: string): string | undefined {
  return value === undefined || value === null ? undefined : string(value, path);
}

export function optionalBoolean(value: unknown, path: string): boolean | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean')
    throw new ShapeError(path, `expected a boolean, found ${describeValue(value)}`);
  return value;
}

export function optionalNonNegativeInteger(value: unknown, path: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new ShapeError(path, `expected a non-negative integer, found ${JSON.stringify(value)}`);
  }
  return value;
}

export function optionalStringArray(value: unknown, path: string): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  return array(value, path).map((v, i) => string(v, `${path}.${i}`));
}

export function optionalStringRecord(value: unknown, path: string): Record<string, string> | undefined {
  if (value === undefined || value === null) return undefined;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(object(value, path))) out[k] = string(v, `${path}.${k}`);
  return out;
}

export function matches(value: string, pattern: RegExp, path: string, what: string): string {
  if (!pattern.test(value)) throw new ShapeError(path, `not ${what}: ${JSON.stringify(value.slice(0, 100))}`);
  return value;
}
