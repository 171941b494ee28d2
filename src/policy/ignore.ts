/**
 * `.keelsonignore.yaml`: rules that suppress findings by vulnerability id, package URL pattern or
 * package location, each with a reason and an optional expiry date. Suppressed findings stay in the
 * result (kind `ignore-rule`); an expired rule stops applying and is reported, so that an exception
 * cannot outlive its review date silently.
 */
import { KeelsonError } from '../core/errors.js';
import { yaml } from '../core/lazy.js';
import { readUserFile } from '../core/user-file.js';
import { summarize } from '../matching/scan.js';
import type { Finding, ScanResult } from '../matching/types.js';

export const DEFAULT_IGNORE_FILE = '.keelsonignore.yaml';
const MAX_IGNORE_FILE_BYTES = 1 << 20;
const MAX_RULES = 10_000;
const RULE_KEYS = new Set(['id', 'purl', 'path', 'reason', 'expires']);

export interface IgnoreRule {
  /** Position in `rules` (0-based), for messages: `rules[2]`. */
  index: number;
  /** Vulnerability id or alias (case-insensitive). */
  id?: string;
  /** Glob on the package URL (`*` any characters, `?` one); matched with and without version/qualifiers. */
  purl?: string;
  /** Glob on the package location (`*` within a path segment, `**` across segments). */
  path?: string;
  reason: string;
  /** Last day (UTC, inclusive) the rule applies, `YYYY-MM-DD`. */
  expires?: string;
}

export interface IgnoreOutcome {
  result: ScanResult;
  /** Findings newly suppressed by a rule. */
  ignored: number;
  expired: IgnoreRule[];
  /** Lines to show the user (expired rules). */
  warnings: string[];
}

function ruleError(file: string, index: number, message: string): KeelsonError {
  return new KeelsonError('PARSE_ERROR', `rules[${index}]: ${message}`, { file });
}

function dateText(value: unknown): string | undefined {
  if (value instanceof Date && !Number.isNaN(value.getTime())) return value.toISOString().slice(0, 10);
  if (typeof value !== 'string') return undefined;
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value.trim());
  if (!m) return undefined;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  // Reject dates that roll over (2026-02-30).
  return d.toISOString().slice(0, 10) === value.trim() ? value.trim() : undefined;
}

/** Parses and validates an ignore file's text; errors name the file and the rule. */
export function parseIgnoreFile(text: string, file: string): IgnoreRule[] {
  if (text.length > MAX_IGNORE_FILE_BYTES)
    throw new KeelsonError('FILE_TOO_LARGE', `ignore file is larger than ${MAX_IGNORE_FILE_BYTES} bytes`, {
      file,
    });
  let doc: unknown;
  try {
    doc = yaml().parse(text, { maxAliasCount: 100, prettyErrors: false });
  } catch (err) {
    const message = err instanceof Error ? err.message.split('\n')[0] : String(err);
    throw new KeelsonError('PARSE_ERROR', `not valid YAML: ${message}`, { file });
  }
  if (doc === null || doc === undefined) return [];
  if (typeof doc !== 'object' || Array.isArray(doc))
    throw new KeelsonError('PARSE_ERROR', 'expected a mapping with a `rules:` list', { file });
  const top = doc as Record<string, unknown>;
  for (const key of Object.keys(top))
    if (key !== 'rules')
      throw new KeelsonError('PARSE_ERROR', `unknown key "${key}" (expected rules)`, { file });
  const rules = top.rules ?? [];
  if (!Array.isArray(rules)) throw new KeelsonError('PARSE_ERROR', '`rules` must be a list', { file });
  if (rules.length > MAX_RULES)
    throw new KeelsonError('PARSE_ERROR', `more than ${MAX_RULES} rules`, { file });
  return rules.map((raw, index) => {
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
      throw ruleError(file, index, 'each rule must be a mapping (id, purl, path, reason, expires)');
    const r = raw as Record<string, unknown>;
    for (const key of Object.keys(r))
      if (!RULE_KEYS.has(key))
        throw ruleError(file, index, `unknown key "${key}" (expected id, purl, path, reason, expires)`);
    const rule: IgnoreRule = { index, reason: '' };
    for (const key of ['id', 'purl', 'path'] as const) {
      const v = r[key];
      if (v === undefined || v === null) continue;
      if (typeof v !== 'string' || !v.trim())
        throw ruleError(file, index, `${key} must be a non-empty string`);
      rule[key] = v.trim();
    }
    if (!rule.id && !rule.purl && !rule.path)
      throw ruleError(file, index, 'a rule needs at least one of id, purl or path');
    if (typeof r.reason !== 'string' || !r.reason.trim())
      throw ruleError(file, index, 'every rule needs a reason (why the finding does not apply)');
    rule.reason = r.reason.trim();
    if (r.expires !== undefined && r.expires !== null) {
      const expires = dateText(r.expires);
      if (!expires)
        throw ruleError(file, index, `expires "${String(r.expires)}" is not a date like 2026-12-31`);
      rule.expires = expires;
    }
    return rule;
  });
}

export async function loadIgnoreFile(file: string): Promise<IgnoreRule[]> {
  return parseIgnoreFile(await readUserFile(file, 'ignore file'), file);
}

type GlobToken =
  | { kind: 'lit'; c: string }
  | { kind: 'one' | 'star'; slash: boolean }
  /** `**` + `/`: nothing, or anything that ends with `/`. */
  | { kind: 'dirs' };

/**
 * A glob matcher. `pathMode`: `*` and `?` stay within a path segment and `**` crosses segments; else `*`
 * matches anything. Matching walks the text once per token (no regular expression, so no backtracking
 * blow-up on patterns with many stars).
 */
export function compileGlob(glob: string, pathMode: boolean): (text: string) => boolean {
  const tokens: GlobToken[] = [];
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*' && pathMode && glob[i + 1] === '*') {
      while (glob[i + 1] === '*') i++;
      if (glob[i + 1] === '/') {
        i++;
        tokens.push({ kind: 'dirs' });
      } else tokens.push({ kind: 'star', slash: true });
    } else if (c === '*') {
      const last = tokens[tokens.length - 1];
      if (!(last?.kind === 'star' && last.slash === !pathMode))
        tokens.push({ kind: 'star', slash: !pathMode });
    } else if (c === '?') tokens.push({ kind: 'one', slash: !pathMode });
    else tokens.push({ kind: 'lit', c });
  }
  return (text: string) => {
    const n = text.length;
    // reach[i]: the tokens so far can match text[0..i).
    let reach: boolean[] = Array.from({ length: n + 1 }, (_, i) => i === 0);
    for (const t of tokens) {
      const next: boolean[] = new Array(n + 1).fill(false);
      if (t.kind === 'lit' || t.kind === 'one') {
        for (let i = 0; i < n; i++)
          if (reach[i] && (t.kind === 'lit' ? text[i] === t.c : t.slash || text[i] !== '/'))
            next[i + 1] = true;
      } else if (t.kind === 'star') {
        for (let i = 0; i <= n; i++)
          next[i] = reach[i]! || (i > 0 && next[i - 1]! && (t.slash || text[i - 1] !== '/'));
      } else {
        let before = false;
        for (let i = 0; i <= n; i++) {
          next[i] = reach[i]! || (i > 0 && before && text[i - 1] === '/');
          before ||= reach[i]!;
        }
      }
      reach = next;
    }
    return reach[n]!;
  };
}

/** The purl without `@version`, `?qualifiers` and `#subpath`. */
function purlWithoutVersion(purl: string): string {
  const cut = purl.replace(/[?#].*$/, '');
  const at = cut.lastIndexOf('@');
  return at > cut.lastIndexOf('/') ? cut.slice(0, at) : cut;
}

interface CompiledRule {
  rule: IgnoreRule;
  purl?: (text: string) => boolean;
  path?: (text: string) => boolean;
}

function matches(c: CompiledRule, f: Finding): boolean {
  const { rule } = c;
  if (rule.id) {
    const wanted = rule.id.toUpperCase();
    if (![f.id, ...f.aliases].some((id) => id.toUpperCase() === wanted)) return false;
  }
  if (c.purl && !c.purl(f.package.purl) && !c.purl(purlWithoutVersion(f.package.purl))) return false;
  if (c.path && !c.path(f.package.location.replace(/^\/+/, ''))) return false;
  return true;
}

/** True when `now` is after the last day of the rule (UTC). */
export function isExpired(rule: IgnoreRule, now: Date): boolean {
  if (!rule.expires) return false;
  return now.getTime() >= Date.parse(`${rule.expires}T00:00:00Z`) + 86_400_000;
}

/**
 * Suppresses the findings a live rule matches (findings already suppressed by vendor status or VEX keep
 * that reason). `now` is injected so that expiry is testable.
 */
export function applyIgnoreRules(
  result: ScanResult,
  rules: readonly IgnoreRule[],
  options: { now: Date; file: string },
): IgnoreOutcome {
  const expired = rules.filter((r) => isExpired(r, options.now));
  const live: CompiledRule[] = rules
    .filter((r) => !isExpired(r, options.now))
    .map((rule) => ({
      rule,
      ...(rule.purl ? { purl: compileGlob(rule.purl, false) } : {}),
      ...(rule.path ? { path: compileGlob(rule.path.replace(/^\/+/, ''), true) } : {}),
    }));
  let ignored = 0;
  const findings = result.findings.map((f) => {
    if (f.suppressed) return f;
    const hit = live.find((c) => matches(c, f));
    if (!hit) return f;
    ignored++;
    return {
      ...f,
      suppressed: {
        kind: 'ignore-rule' as const,
        detail: hit.rule.reason,
        origin: `${options.file} rules[${hit.rule.index}]${hit.rule.expires ? ` (until ${hit.rule.expires})` : ''}`,
      },
    };
  });
  const warnings = expired.map(
    (r) =>
      `${options.file}: rules[${r.index}] (${describeRule(r)}) expired on ${r.expires} and no longer applies — review it or extend its expiry`,
  );
  return { result: { ...result, findings, summary: summarize(findings) }, ignored, expired, warnings };
}

export function describeRule(r: IgnoreRule): string {
  return [r.id, r.purl && `purl ${r.purl}`, r.path && `path ${r.path}`].filter(Boolean).join(', ');
}
