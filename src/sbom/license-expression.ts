/**
 * SPDX licence expressions (SPDX 2.3 Annex D): decides whether a declared licence string is a valid
 * expression and writes it in canonical form (list casing, single spaces). Linear in the input, with
 * bounded nesting, because licence strings come straight from package metadata.
 */
import { SPDX_EXCEPTION_IDS, SPDX_LICENSE_IDS } from './spdx-license-ids.js';

export interface LicenseExpression {
  /** The expression with identifiers in SPDX list casing and single spaces. */
  text: string;
  /** Set when the expression is one SPDX list identifier alone (no `+`, no operator). */
  licenseId?: string;
  /** Uses `LicenseRef-`/`DocumentRef-` identifiers, which an SPDX document must declare itself. */
  hasLicenseRefs: boolean;
}

const byLowerCase = (ids: readonly string[]) => new Map(ids.map((id) => [id.toLowerCase(), id]));
const LICENSES = byLowerCase(SPDX_LICENSE_IDS);
const EXCEPTIONS = byLowerCase(SPDX_EXCEPTION_IDS);

const ID_STRING = /^[A-Za-z0-9.-]+$/;
const LICENSE_REF = /^(?:DocumentRef-[A-Za-z0-9.-]+:)?LicenseRef-[A-Za-z0-9.-]+$/;
const MAX_NESTING = 32;

/** The canonical SPDX list spelling of a licence id (matching is case-insensitive), if it is one. */
export function spdxLicenseId(text: string): string | undefined {
  return LICENSES.get(text.trim().toLowerCase());
}

/** The expression in canonical form, or undefined when the text is not a valid SPDX expression. */
export function parseLicenseExpression(input: string): LicenseExpression | undefined {
  const tokens = tokenize(input);
  if (tokens.length === 0) return undefined;
  const parser = new Parser(tokens);
  const ok = parser.expression(0) && parser.atEnd();
  if (!ok) return undefined;
  const text = parser.output.join(' ').replace(/\( /g, '(').replace(/ \)/g, ')');
  const single = parser.output.length === 1 ? LICENSES.get(parser.output[0]!.toLowerCase()) : undefined;
  return { text, ...(single ? { licenseId: single } : {}), hasLicenseRefs: parser.hasLicenseRefs };
}

/** Valid expressions combined with AND, compound ones in parentheses when there are several. */
export function allOf(expressions: readonly string[]): string {
  if (expressions.length === 1) return expressions[0]!;
  return expressions.map((text) => (text.includes(' ') ? `(${text})` : text)).join(' AND ');
}

function tokenize(input: string): string[] {
  const tokens: string[] = [];
  let word = '';
  for (const char of input) {
    if (char === '(' || char === ')' || /\s/.test(char)) {
      if (word) tokens.push(word);
      word = '';
      if (char === '(' || char === ')') tokens.push(char);
    } else {
      word += char;
    }
  }
  if (word) tokens.push(word);
  return tokens;
}

/** Recursive descent over `or-expr := and-expr (OR and-expr)*`, `and-expr := term (AND term)*`. */
class Parser {
  readonly output: string[] = [];
  hasLicenseRefs = false;
  private position = 0;

  constructor(private readonly tokens: string[]) {}

  atEnd(): boolean {
    return this.position === this.tokens.length;
  }

  expression(depth: number): boolean {
    if (!this.andExpression(depth)) return false;
    while (this.accept('OR')) {
      if (!this.andExpression(depth)) return false;
    }
    return true;
  }

  private andExpression(depth: number): boolean {
    if (!this.term(depth)) return false;
    while (this.accept('AND')) {
      if (!this.term(depth)) return false;
    }
    return true;
  }

  /** `( expression )`, or a licence with an optional `WITH exception`. */
  private term(depth: number): boolean {
    if (this.accept('(')) {
      if (depth >= MAX_NESTING || !this.expression(depth + 1)) return false;
      return this.accept(')');
    }
    if (!this.license()) return false;
    if (!this.accept('WITH')) return true;
    const exception = EXCEPTIONS.get(this.peek()?.toLowerCase() ?? '');
    if (!exception) return false;
    this.take(exception);
    return true;
  }

  private license(): boolean {
    const token = this.peek();
    if (token === undefined) return false;
    if (LICENSE_REF.test(token)) {
      this.hasLicenseRefs = true;
      this.take(token);
      return true;
    }
    const orLater = token.endsWith('+');
    const bare = orLater ? token.slice(0, -1) : token;
    const id = ID_STRING.test(bare) ? LICENSES.get(bare.toLowerCase()) : undefined;
    if (!id) return false;
    this.take(orLater ? `${id}+` : id);
    return true;
  }

  private peek(): string | undefined {
    return this.tokens[this.position];
  }

  /** Consumes the next token when it is `expected` (operators are case-sensitive, as SPDX says). */
  private accept(expected: string): boolean {
    if (this.peek() !== expected) return false;
    this.take(expected);
    return true;
  }

  private take(text: string): void {
    this.output.push(text);
    this.position++;
  }
}
