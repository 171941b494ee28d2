/**
 * Reads the Ruby literals rubygems writes into installed gemspecs (`Gem::Specification#to_ruby`):
 * strings, optionally `.freeze`d, and arrays of them. Never evaluates anything.
 */

export type RubyLiteral = string | string[];

/**
 * Parses the literal at the start of `text` (leading blanks allowed); what follows it is ignored
 * (`if s.respond_to? …`, comments). rubygems writes each value on one line, so callers pass one line.
 */
export function parseRubyLiteral(text: string): RubyLiteral | undefined {
  const at = skipBlanks(text, 0);
  if (text[at] !== '[') return parseString(text, at)?.value;
  const items: string[] = [];
  let pos = skipBlanks(text, at + 1);
  if (text[pos] === ']') return items;
  for (;;) {
    const item = parseString(text, pos);
    if (!item) return undefined;
    items.push(item.value);
    pos = skipBlanks(text, item.end);
    if (text[pos] === ']') return items;
    if (text[pos] !== ',') return undefined;
    pos = skipBlanks(text, pos + 1);
  }
}

function skipBlanks(text: string, pos: number): number {
  let at = pos;
  while (text[at] === ' ' || text[at] === '\t') at++;
  return at;
}

const FREEZE = '.freeze';

function parseString(text: string, start: number): { value: string; end: number } | undefined {
  const quote = text[start];
  const body =
    quote === '"'
      ? readDoubleQuoted(text, start + 1)
      : quote === "'"
        ? readSingleQuoted(text, start + 1)
        : undefined;
  if (!body) return undefined;
  const end = text.startsWith(FREEZE, body.end) ? body.end + FREEZE.length : body.end;
  return { value: body.value, end };
}

/** `'…'`: only `\\` and `\'` are escapes. */
function readSingleQuoted(text: string, from: number): { value: string; end: number } | undefined {
  let value = '';
  for (let at = from; at < text.length; at++) {
    const ch = text[at];
    if (ch === "'") return { value, end: at + 1 };
    if (ch === '\\' && (text[at + 1] === '\\' || text[at + 1] === "'")) {
      value += text[at + 1];
      at++;
    } else {
      value += ch;
    }
  }
  return undefined;
}

const SIMPLE_ESCAPES: Record<string, number> = {
  n: 0x0a,
  t: 0x09,
  r: 0x0d,
  f: 0x0c,
  v: 0x0b,
  a: 0x07,
  b: 0x08,
  e: 0x1b,
  s: 0x20,
};

/**
 * `"…"` as `String#dump` writes it: `\"`, `\\`, `\#`, control escapes, `\xHH` bytes and `\uHHHH` /
 * `\u{H…}` code points. Collected as UTF-8 bytes so `\xHH` sequences decode as the text they encode.
 * Interpolation (`#{`) means the value is computed, so it is rejected.
 */
function readDoubleQuoted(text: string, from: number): { value: string; end: number } | undefined {
  const bytes: number[] = [];
  for (let at = from; at < text.length; at++) {
    const ch = text[at]!;
    if (ch === '"') return { value: Buffer.from(bytes).toString('utf8'), end: at + 1 };
    if (ch === '#' && text[at + 1] === '{') return undefined;
    if (ch !== '\\') {
      const code = text.codePointAt(at)!;
      pushUtf8(bytes, code);
      if (code > 0xffff) at++;
      continue;
    }
    const escaped = readEscape(text, at + 1);
    if (!escaped) return undefined;
    if (escaped.byte !== undefined) bytes.push(escaped.byte);
    else pushUtf8(bytes, escaped.codePoint);
    at = escaped.end - 1;
  }
  return undefined;
}

type Escape = { end: number } & (
  | { byte: number; codePoint?: undefined }
  | { codePoint: number; byte?: undefined }
);

function readEscape(text: string, at: number): Escape | undefined {
  const ch = text[at];
  if (ch === undefined) return undefined;
  const simple = SIMPLE_ESCAPES[ch];
  if (simple !== undefined) return { byte: simple, end: at + 1 };
  if (ch === 'x') {
    const hex = /^[0-9a-fA-F]{1,2}/.exec(text.slice(at + 1, at + 3))?.[0];
    return hex ? { byte: Number.parseInt(hex, 16), end: at + 1 + hex.length } : undefined;
  }
  if (ch === 'u') {
    if (text[at + 1] === '{') {
      const close = text.indexOf('}', at + 2);
      const hex = close === -1 ? undefined : text.slice(at + 2, close).trim();
      return hex && /^[0-9a-fA-F]{1,6}$/.test(hex)
        ? codePoint(Number.parseInt(hex, 16), close + 1)
        : undefined;
    }
    const hex = text.slice(at + 1, at + 5);
    return /^[0-9a-fA-F]{4}$/.test(hex) ? codePoint(Number.parseInt(hex, 16), at + 5) : undefined;
  }
  if (ch >= '0' && ch <= '7') {
    const octal = /^[0-7]{1,3}/.exec(text.slice(at, at + 3))?.[0] ?? ch;
    return { byte: Number.parseInt(octal, 8) & 0xff, end: at + octal.length };
  }
  // Any other escaped character stands for itself: \" \\ \# \'.
  return { codePoint: text.codePointAt(at)!, end: at + (text.codePointAt(at)! > 0xffff ? 2 : 1) };
}

function codePoint(value: number, end: number): Escape | undefined {
  return value <= 0x10ffff ? { codePoint: value, end } : undefined;
}

function pushUtf8(bytes: number[], code: number): void {
  if (code < 0x80) bytes.push(code);
  else for (const byte of Buffer.from(String.fromCodePoint(code), 'utf8')) bytes.push(byte);
}
