/**
 * A strict, tiny reader for untrusted JSON on the scan's hot path (manifests, configs), where loading a
 * schema library would cost more start-up time than the whole warm scan. Each reader names the JSON
 * path of what is wrong.
 */
export class ShapeError extends Error {
  constructor(
    readonly path: string,
    problem: string,
  ) {
    super(`${path ? `${path}: ` : ''}${problem}`);
  }
}

type Obj = Record<string, unknown>;

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

export function object(value: unknown, path: string): Obj {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new ShapeError(path, `expected an object, found ${describe(value)}`);
  }
  return value as Obj;
}

export function array(value: unknown, path: string): unknown[] {
  if (!Array.isArray(value)) throw new ShapeError(path, `expected an array, found ${describe(value)}`);
  return value;
}

export function string(value: unknown, path: string): string {
  if (typeof value !== 'string') throw new ShapeError(path, `expected a string, found ${describe(value)}`);
  return value;
}

/** A string, or undefined when absent or null. */
export function optionalString(value: unknown, path: string): string | undefined {
  return value === undefined || value === null ? undefined : string(value, path);
}

export function optionalBoolean(value: unknown, path: string): boolean | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') throw new ShapeError(path, `expected a boolean, found ${describe(value)}`);
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
