/**
 * os-release(5) reader. The format is a shell-compatible list of `KEY=value` assignments; we follow
 * systemd's own env-file reader: single quotes are literal, double quotes honour the escapes `\"`, `\\`,
 * `\$` and `` \` ``, an unquoted backslash escapes the next character, unquoted trailing whitespace is
 * dropped. Lines that are not valid assignments are ignored rather than fatal, and the last assignment of
 * a key wins, as in a shell.
 */

const KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;
const DOUBLE_QUOTE_ESCAPABLE = '"\\$`';

export function parseOsRelease(text: string): Record<string, string> {
  // A Map keeps hostile keys such as `__proto__` as plain data; fromEntries defines own properties.
  const fields = new Map<string, string>();
  for (const rawLine of text.split('\n')) {
    const line = rawLine.endsWith('\r') ? rawLine.slice(0, -1) : rawLine;
    const assignment = parseAssignment(line);
    if (assignment) fields.set(assignment[0], assignment[1]);
  }
  return Object.fromEntries(fields);
}

/** `KEY=value` → [key, value], or undefined for comments, blank and invalid lines. */
function parseAssignment(line: string): [string, string] | undefined {
  const trimmed = line.trimStart();
  if (trimmed === '' || trimmed.startsWith('#') || trimmed.startsWith(';')) return undefined;
  const eq = trimmed.indexOf('=');
  if (eq <= 0) return undefined;
  const key = trimmed.slice(0, eq).trimEnd();
  if (!KEY.test(key)) return undefined;
  const value = parseValue(trimmed.slice(eq + 1).trimStart());
  return value === undefined ? undefined : [key, value];
}

/** Unquotes one value; undefined when a quote is left open or the line ends in a lone backslash. */
function parseValue(raw: string): string | undefined {
  let out = '';
  // Length of `out` up to its last quoted or escaped character: unquoted trailing blanks are trimmed.
  let keep = 0;
  let i = 0;
  while (i < raw.length) {
    const c = raw[i]!;
    if (c === "'") {
      const end = raw.indexOf("'", i + 1);
      if (end < 0) return undefined;
      out += raw.slice(i + 1, end);
      keep = out.length;
      i = end + 1;
    } else if (c === '"') {
      i++;
      let closed = false;
      while (i < raw.length) {
        const d = raw[i]!;
        if (d === '"') {
          closed = true;
          i++;
          break;
        }
        if (d === '\\' && i + 1 < raw.length && DOUBLE_QUOTE_ESCAPABLE.includes(raw[i + 1]!)) {
          out += raw[i + 1];
          i += 2;
        } else {
          out += d;
          i++;
        }
      }
      if (!closed) return undefined;
      keep = out.length;
    } else if (c === '\\') {
      if (i + 1 >= raw.length) return undefined;
      out += raw[i + 1];
      keep = out.length;
      i += 2;
    } else {
      out += c;
      if (c !== ' ' && c !== '\t') keep = out.length;
      i++;
    }
  }
  return out.slice(0, keep);
}
