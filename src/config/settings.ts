/**
 * Settings from three places besides flags: `KEELSON_*` environment variables and a YAML config file
 * (`--config FILE` or `KEELSON_CONFIG`). Precedence: flags > environment > config file > defaults.
 * Pure functions here; the CLI applies the result to its parsed options.
 */
import { KeelsonError } from '../core/errors.js';
import { yaml } from '../core/lazy.js';
import { readUserFile } from '../core/user-file.js';

export type SettingKind = 'string' | 'boolean' | 'list';
export type SettingSource = 'cli' | 'env' | 'config';

export interface SettingSpec {
  /** Config-file key: the long flag without dashes (`fail-on`). */
  key: string;
  /** The option's attribute name in the parsed flags (`failOn`). */
  attr: string;
  kind: SettingKind;
  /** Environment variable, when the setting has one. */
  env?: string;
  /** Commands the setting applies to (default: every command that has the option). */
  commands?: readonly string[];
}

const spec = (key: string, kind: SettingKind, env?: string, commands?: readonly string[]): SettingSpec => ({
  key,
  attr: key.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase()),
  kind,
  ...(env ? { env } : {}),
  ...(commands ? { commands } : {}),
});

/** Every setting a config file or the environment may give. */
export const SETTINGS: readonly SettingSpec[] = [
  // `format` and `output` mean a scan report: other commands' --format has other choices.
  spec('format', 'list', 'KEELSON_FORMAT', ['scan']),
  spec('output', 'string', undefined, ['scan']),
  spec('severity', 'list', 'KEELSON_SEVERITY'),
  spec('fail-on', 'string', 'KEELSON_FAIL_ON'),
  spec('ignore-unfixed', 'boolean', 'KEELSON_IGNORE_UNFIXED'),
  spec('only-base', 'boolean', 'KEELSON_ONLY_BASE'),
  spec('ignore-base', 'boolean', 'KEELSON_IGNORE_BASE'),
  spec('only-kev', 'boolean', 'KEELSON_ONLY_KEV'),
  spec('epss-min', 'string', 'KEELSON_EPSS_MIN'),
  spec('show-suppressed', 'boolean', 'KEELSON_SHOW_SUPPRESSED'),
  spec('ignore-file', 'string', 'KEELSON_IGNORE_FILE'),
  spec('vex', 'list', 'KEELSON_VEX'),
  spec('vex-repo', 'list', 'KEELSON_VEX_REPO'),
  spec('vex-referrers', 'boolean', 'KEELSON_VEX_REFERRERS'),
  spec('db-dir', 'string', 'KEELSON_DB_DIR'),
  spec('max-db-age', 'string', 'KEELSON_MAX_DB_AGE'),
  spec('cache-dir', 'string', 'KEELSON_CACHE_DIR'),
  spec('cache', 'boolean', 'KEELSON_CACHE'),
  spec('platform', 'string', 'KEELSON_PLATFORM'),
  spec('base-image', 'string', 'KEELSON_BASE_IMAGE'),
  spec('insecure-registry', 'list', 'KEELSON_INSECURE_REGISTRY'),
];

const MAX_CONFIG_BYTES = 1 << 20;

function configError(file: string, message: string): KeelsonError {
  return new KeelsonError('PARSE_ERROR', message, { file });
}

/** A setting's value from YAML, checked against its kind; numbers become text (`epss-min: 0.1`). */
function fromYaml(s: SettingSpec, value: unknown, file: string): unknown {
  const wrong = (what: string) =>
    configError(file, `"${s.key}" must be ${what}, not ${Array.isArray(value) ? 'a list' : typeof value}`);
  const scalar = (v: unknown): string | undefined =>
    typeof v === 'string' ? v : typeof v === 'number' && Number.isFinite(v) ? String(v) : undefined;
  if (s.kind === 'boolean') {
    if (typeof value !== 'boolean') throw wrong('true or false');
    return value;
  }
  if (s.kind === 'list') {
    const items = Array.isArray(value) ? value : [value];
    const out = items.map(scalar);
    if (out.some((v) => v === undefined || !v.trim())) throw wrong('a string or a list of strings');
    return out.map((v) => v!.trim());
  }
  const text = scalar(value);
  if (text === undefined || !text.trim()) throw wrong('a non-empty string');
  return text.trim();
}

/** Parses a config file's YAML: a mapping of setting keys; unknown keys are errors (typos). */
export function parseConfigFile(text: string, file: string): Record<string, unknown> {
  if (text.length > MAX_CONFIG_BYTES)
    throw configError(file, `config file is larger than ${MAX_CONFIG_BYTES} bytes`);
  let doc: unknown;
  try {
    doc = yaml().parse(text, { maxAliasCount: 100, prettyErrors: false });
  } catch (err) {
    throw configError(
      file,
      `not valid YAML: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`,
    );
  }
  if (doc === null || doc === undefined) return {};
  if (typeof doc !== 'object' || Array.isArray(doc))
    throw configError(file, 'expected a mapping of settings');
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(doc as Record<string, unknown>)) {
    const s = SETTINGS.find((x) => x.key === key);
    if (!s)
      throw configError(file, `unknown setting "${key}" (known: ${SETTINGS.map((x) => x.key).join(', ')})`);
    if (value === null || value === undefined) continue;
    out[key] = fromYaml(s, value, file);
  }
  return out;
}

export async function loadConfigFile(file: string): Promise<Record<string, unknown>> {
  return parseConfigFile(await readUserFile(file, 'config file'), file);
}

const TRUE = new Set(['1', 'true', 'yes', 'on']);
const FALSE = new Set(['0', 'false', 'no', 'off']);

/** A setting's value from an environment variable; empty variables count as unset. */
export function fromEnv(s: SettingSpec, raw: string): unknown {
  const text = raw.trim();
  if (s.kind === 'boolean') {
    const v = text.toLowerCase();
    if (TRUE.has(v)) return true;
    if (FALSE.has(v)) return false;
    throw new KeelsonError('INVALID_ARGUMENT', `${s.env}="${raw}" is not a boolean (use true or false)`);
  }
  if (s.kind === 'list')
    return text
      .split(',')
      .map((p) => p.trim())
      .filter(Boolean);
  return text;
}

export interface ResolveInput {
  /** The command being run (`scan`, `compare`, `status`…). */
  command: string;
  /** Attribute names of the options the command has. */
  options: readonly string[];
  /** Attribute names the user gave on the command line. */
  fromCli: ReadonlySet<string>;
  env: NodeJS.ProcessEnv;
  config: Record<string, unknown>;
}

export interface Resolved {
  /** Values to set (only settings that came from the environment or the config file). */
  values: Record<string, unknown>;
  sources: Record<string, SettingSource>;
}

/** Which settings the environment or config file supply for a command, flags winning over both. */
export function resolveSettings(input: ResolveInput): Resolved {
  const values: Record<string, unknown> = {};
  const sources: Record<string, SettingSource> = {};
  for (const s of SETTINGS) {
    if (!input.options.includes(s.attr)) continue;
    if (s.commands && !s.commands.includes(input.command)) continue;
    if (input.fromCli.has(s.attr)) {
      sources[s.attr] = 'cli';
      continue;
    }
    const raw = s.env ? input.env[s.env] : undefined;
    if (raw !== undefined && raw.trim() !== '') {
      values[s.attr] = fromEnv(s, raw);
      sources[s.attr] = 'env';
    } else if (input.config[s.key] !== undefined) {
      values[s.attr] = input.config[s.key];
      sources[s.attr] = 'config';
    }
  }
  return { values, sources };
}

/** The config file to read: `--config`, else `KEELSON_CONFIG`, else none. */
export function configPath(flag: string | undefined, env: NodeJS.ProcessEnv): string | undefined {
  return flag ?? (env.KEELSON_CONFIG?.trim() || undefined);
}
