/**
 * Walks a large JSON object's top level without turning the whole file into one string (NVD's yearly
 * feeds are hundreds of megabytes, near V8's string limit): each element of one chosen array is handed
 * over as its own byte range, the other top-level members are parsed normally. Iterative, so deeply
 * nested input cannot overflow the stack.
 */

export class JsonScanError extends Error {}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;

function isSpace(b: number | undefined): boolean {
  return b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09;
}

function skipSpace(buf: Buffer, at: number): number {
  while (at < buf.length && isSpace(buf[at])) at++;
  return at;
}

/** Index just past the string that starts at `at` (a quote). */
function skipString(buf: Buffer, at: number): number {
  for (let i = at + 1; i < buf.length; i++) {
    const b = buf[i];
    if (b === BACKSLASH) i++;
    else if (b === QUOTE) return i + 1;
  }
  throw new JsonScanError(`unterminated string starting at byte ${at}`);
}

/** Index just past the JSON value that starts at `at`. Only structure is checked, not scalar syntax. */
function skipValue(buf: Buffer, at: number): number {
  const first = buf[at];
  if (first === undefined) throw new JsonScanError('unexpected end of input');
  if (first === QUOTE) return skipString(buf, at);
  if (first === 0x7b || first === 0x5b) {
    let depth = 0;
    for (let i = at; i < buf.length; i++) {
      const b = buf[i];
      if (b === QUOTE) i = skipString(buf, i) - 1;
      else if (b === 0x7b || b === 0x5b) depth++;
      else if (b === 0x7d || b === 0x5d) {
        depth--;
        if (depth === 0) return i + 1;
      }
    }
    throw new JsonScanError(`unterminated ${first === 0x7b ? 'object' : 'array'} starting at byte ${at}`);
  }
  let i = at;
  while (i < buf.length && buf[i] !== COMMA && buf[i] !== 0x7d && buf[i] !== 0x5d && !isSpace(buf[i])) i++;
  if (i === at) throw new JsonScanError(`unexpected ${String.fromCharCode(first)} at byte ${at}`);
  return i;
}

function expect(buf: Buffer, at: number, byte: number, what: string): number {
  const found = skipSpace(buf, at);
  if (buf[found] !== byte) {
    throw new JsonScanError(
      found >= buf.length ? `unexpected end of input, expected ${what}` : `expected ${what} at byte ${found}`,
    );
  }
  return found + 1;
}

/**
 * Calls `onElement` with each element of the top-level array member `key` (and the members read before
 * the array) and returns the other top-level members (each parsed when smaller than `maxOtherBytes`). Throws JsonScanError when the
 * input is not a JSON object or is cut short.
 */
export function scanTopLevelArray(
  buf: Buffer,
  key: string,
  onElement: (bytes: Buffer, index: number, othersSoFar: Readonly<Record<string, unknown>>) => void,
  maxOtherBytes = 1 << 20,
): { others: Record<string, unknown>; found: boolean } {
  const others: Record<string, unknown> = {};
  let found = false;
  let at = buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf ? 3 : 0;
  at = expect(buf, at, 0x7b, '{');
  at = skipSpace(buf, at);
  if (buf[at] === 0x7d) return { others, found };
  for (;;) {
    at = skipSpace(buf, at);
    if (buf[at] !== QUOTE) throw new JsonScanError(`expected a member name at byte ${at}`);
    const keyEnd = skipString(buf, at);
    const name = JSON.parse(buf.toString('utf8', at, keyEnd)) as string;
    at = expect(buf, keyEnd, COLON, ':');
    at = skipSpace(buf, at);
    if (name === key && buf[at] === 0x5b) {
      found = true;
      at = skipSpace(buf, at + 1);
      let index = 0;
      if (buf[at] === 0x5d) at++;
      else {
        for (;;) {
          at = skipSpace(buf, at);
          const end = skipValue(buf, at);
          onElement(buf.subarray(at, end), index++, others);
          at = skipSpace(buf, end);
          if (buf[at] === COMMA) at++;
          else if (buf[at] === 0x5d) {
            at++;
            break;
          } else
            throw new JsonScanError(
              at >= buf.length ? 'unexpected end of input in array' : `expected , or ] at byte ${at}`,
            );
        }
      }
    } else {
      const end = skipValue(buf, at);
      if (end - at <= maxOtherBytes) {
        try {
          others[name] = JSON.parse(buf.toString('utf8', at, end));
        } catch {
          throw new JsonScanError(`member ${JSON.stringify(name.slice(0, 60))} is not valid JSON`);
        }
      }
      at = end;
    }
    at = skipSpace(buf, at);
    if (buf[at] === COMMA) {
      at++;
      continue;
    }
    if (buf[at] === 0x7d) break;
    throw new JsonScanError(at >= buf.length ? 'unexpected end of input' : `expected , or } at byte ${at}`);
  }
  if (skipSpace(buf, at + 1) !== buf.length)
    throw new JsonScanError(`unexpected data after the object at byte ${at + 1}`);
  return { others, found };
}
