import { spawn } from 'node:child_process';
import { readFile, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { KeelsonError } from '../../core/errors.js';

/** What a registry login yields: a user and password, or an OAuth2 identity (refresh) token. */
export interface RegistryCredentials {
  username?: string;
  password?: string;
  identityToken?: string;
}

export interface CredentialOptions {
  /** Directory holding config.json; default `$DOCKER_CONFIG`, else `~/.docker`. */
  dockerConfigDir?: string;
  /** Environment for locating the config and running helpers (PATH); default process.env. */
  env?: NodeJS.ProcessEnv;
  /** Limit for a credential helper run (default 30 s). */
  helperTimeoutMs?: number;
}

const DOCKER_HUB_KEY = 'docker.io';
const DOCKER_HUB_ALIASES = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io']);
/** The server URL Docker itself hands to credential helpers for Docker Hub. */
const DOCKER_HUB_SERVER_URL = 'https://index.docker.io/v1/';
const MAX_CONFIG_BYTES = 16 * 1024 * 1024;
const MAX_HELPER_OUTPUT = 1024 * 1024;
const HELPER_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

const configSchema = z.object({
  auths: z
    .record(
      z.string(),
      z.object({
        auth: z.string().optional(),
        username: z.string().optional(),
        password: z.string().optional(),
        identitytoken: z.string().optional(),
      }),
    )
    .optional(),
  credHelpers: z.record(z.string(), z.string()).optional(),
  credsStore: z.string().optional(),
});
type DockerConfig = z.infer<typeof configSchema>;

const helperOutputSchema = z.object({ Username: z.string().optional(), Secret: z.string().optional() });

/**
 * The host a config key or registry name stands for: URLs (`https://host/v1/`) reduce to their
 * host, and every Docker Hub alias to `docker.io`.
 */
export function credentialKey(keyOrUrl: string): string {
  const host = keyOrUrl
    .trim()
    .toLowerCase()
    .replace(/^[a-z]+:\/\//, '')
    .replace(/\/.*$/, '');
  return DOCKER_HUB_ALIASES.has(host) ? DOCKER_HUB_KEY : host;
}

export function dockerConfigFile(options: CredentialOptions = {}): string {
  const env = options.env ?? process.env;
  const dir = options.dockerConfigDir ?? env.DOCKER_CONFIG ?? join(env.HOME ?? homedir(), '.docker');
  return join(dir, 'config.json');
}

/**
 * Credentials for a registry from the docker config: a `credHelpers` entry for the host, else
 * inline `auths` credentials, else the `credsStore` helper. Undefined means anonymous.
 */
export async function resolveCredentials(
  registry: string,
  options: CredentialOptions = {},
): Promise<RegistryCredentials | undefined> {
  const file = dockerConfigFile(options);
  const config = await readDockerConfig(file);
  if (!config) return undefined;
  const key = credentialKey(registry);
  const helper = Object.entries(config.credHelpers ?? {}).find(([k]) => credentialKey(k) === key)?.[1];
  if (helper) return runCredentialHelper(helper, helperServerUrl(key), options);
  const inline = inlineCredentials(config, key, file);
  if (inline) return inline;
  if (config.credsStore) return runCredentialHelper(config.credsStore, helperServerUrl(key), options);
  return undefined;
}

function helperServerUrl(key: string): string {
  return key === DOCKER_HUB_KEY ? DOCKER_HUB_SERVER_URL : key;
}

async function readDockerConfig(file: string): Promise<DockerConfig | undefined> {
  let text: string;
  try {
    if ((await stat(file)).size > MAX_CONFIG_BYTES) {
      throw new KeelsonError('PARSE_ERROR', 'docker config is larger than 16 MiB', { file });
    }
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    if (err instanceof KeelsonError) throw err;
    throw new KeelsonError('PARSE_ERROR', `cannot read docker config: ${(err as Error).message}`, { file });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new KeelsonError('PARSE_ERROR', `docker config is not valid JSON: ${(err as Error).message}`, {
      file,
    });
  }
  const parsed = configSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new KeelsonError(
      'PARSE_ERROR',
      `docker config has an unexpected shape at ${issue?.path.join('.') || 'the top level'}`,
      { file },
    );
  }
  return parsed.data;
}

function inlineCredentials(config: DockerConfig, key: string, file: string): RegistryCredentials | undefined {
  for (const [entryKey, entry] of Object.entries(config.auths ?? {})) {
    if (credentialKey(entryKey) !== key) continue;
    if (entry.identitytoken) return { identityToken: entry.identitytoken };
    if (entry.auth) {
      const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      if (colon <= 0) {
        throw new KeelsonError('PARSE_ERROR', `auths["${entryKey}"].auth is not base64 of user:password`, {
          file,
        });
      }
      return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
    }
    if (entry.username !== undefined && entry.password !== undefined) {
      return { username: entry.username, password: entry.password };
    }
  }
  return undefined;
}

/**
 * Runs `docker-credential-<helper> get` with the server URL on stdin. "credentials not found" is
 * anonymous access; any other failure is an error that names the helper and never the secret.
 */
export async function runCredentialHelper(
  helper: string,
  serverUrl: string,
  options: CredentialOptions = {},
): Promise<RegistryCredentials | undefined> {
  const program = `docker-credential-${helper}`;
  if (!HELPER_NAME.test(helper)) {
    throw new KeelsonError('CREDENTIAL_HELPER', `credential helper name "${helper}" is not allowed`);
  }
  const timeoutMs = options.helperTimeoutMs ?? 30_000;
  const outcome = await new Promise<{
    code: number | null;
    stdout: string;
    stderr: string;
    timedOut: boolean;
  }>((resolve, reject) => {
    const child = spawn(program, ['get'], {
      env: options.env ?? process.env,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    let outputBytes = 0;
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    const collect = (into: Buffer[]) => (chunk: Buffer) => {
      outputBytes += chunk.length;
      if (outputBytes > MAX_HELPER_OUTPUT) child.kill('SIGKILL');
      else into.push(chunk);
    };
    child.stdout.on('data', collect(stdout));
    child.stderr.on('data', collect(stderr));
    child.stdin.on('error', () => {
      // A helper that exits without reading stdin is judged by its exit status instead.
    });
    child.on('error', (err) => {
      clearTimeout(timer);
      const missing = (err as NodeJS.ErrnoException).code === 'ENOENT';
      reject(
        new KeelsonError(
          'CREDENTIAL_HELPER',
          missing
            ? `credential helper ${program} is not on PATH (named in the docker config)`
            : `credential helper ${program} could not start: ${err.message}`,
        ),
      );
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({
        code,
        stdout: Buffer.concat(stdout).toString('utf8'),
        stderr: Buffer.concat(stderr).toString('utf8'),
        timedOut,
      });
    });
    child.stdin.end(serverUrl);
  });

  if (outcome.timedOut) {
    throw new KeelsonError(
      'CREDENTIAL_HELPER',
      `credential helper ${program} did not answer within ${timeoutMs} ms`,
    );
  }
  if (outcome.code !== 0) {
    const message = `${outcome.stdout}\n${outcome.stderr}`;
    if (/credentials not found/i.test(message)) return undefined;
    const firstLine = message.trim().split('\n')[0]?.slice(0, 200) ?? '';
    throw new KeelsonError(
      'CREDENTIAL_HELPER',
      `credential helper ${program} failed (exit ${outcome.code ?? 'killed'})${firstLine ? `: ${firstLine}` : ''}`,
    );
  }
  let parsed: z.infer<typeof helperOutputSchema>;
  try {
    parsed = helperOutputSchema.parse(JSON.parse(outcome.stdout));
  } catch {
    throw new KeelsonError(
      'CREDENTIAL_HELPER',
      `credential helper ${program} printed something that is not its JSON answer`,
    );
  }
  if (!parsed.Secret) return undefined;
  // Helpers store identity tokens with the user name "<token>".
  if (parsed.Username === '<token>') return { identityToken: parsed.Secret };
  return { username: parsed.Username ?? '', password: parsed.Secret };
}
