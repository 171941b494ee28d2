/**
 * A real OCI registry for end-to-end tests: Debian's `docker-registry` (distribution 2.8) on
 * 127.0.0.1 with filesystem storage in a temp dir, optionally behind htpasswd Basic auth, plus
 * `skopeo copy` to fill it. The tools are required: when they are missing these helpers throw,
 * so tests fail rather than skip.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, open, rm, writeFile } from 'node:fs/promises';
import { get } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';
import { createGunzip } from 'node:zlib';

const run = promisify(execFile);

export interface RegistryUser {
  username: string;
  password: string;
}

export interface TestRegistry {
  /** `127.0.0.1:<port>`: use as the registry part of references (`${host}/repo:tag`). */
  host: string;
  /** `http://127.0.0.1:<port>`. */
  url: string;
  /** The htpasswd user when the registry requires authentication. */
  user?: RegistryUser;
  /** Stops the registry and deletes its storage. */
  stop(): Promise<void>;
}

export interface StartRegistryOptions {
  /** Require this user via htpasswd (bcrypt) Basic auth. */
  user?: RegistryUser;
}

const START_ATTEMPTS = 3;
const READY_TIMEOUT_MS = 20_000;

/** Starts `docker-registry serve` on a free loopback port and waits until `/v2/` answers. */
export async function startRegistry(options: StartRegistryOptions = {}): Promise<TestRegistry> {
  const dir = await mkdtemp(join(tmpdir(), 'keelson-registry-'));
  try {
    let htpasswd: string | undefined;
    if (options.user) {
      htpasswd = join(dir, 'htpasswd');
      const { stdout } = await run('htpasswd', ['-Bbn', options.user.username, options.user.password]);
      await writeFile(htpasswd, stdout);
    }
    let lastFailure = '';
    for (let attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
      const port = await freePort();
      const config = join(dir, 'config.yml');
      await writeFile(config, registryConfig(join(dir, 'storage'), port, htpasswd));
      const child = spawn('docker-registry', ['serve', config], {
        stdio: ['ignore', 'pipe', 'pipe'],
        // REGISTRY_* variables would override the config file.
        env: Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('REGISTRY_'))),
      });
      const output = captureOutput(child);
      const host = `127.0.0.1:${port}`;
      const ready = await waitUntilReady(child, host);
      if (ready === 'ready') {
        return {
          host,
          url: `http://${host}`,
          ...(options.user ? { user: options.user } : {}),
          stop: async () => {
            await stopProcess(child);
            await rm(dir, { recursive: true, force: true });
          },
        };
      }
      await stopProcess(child);
      lastFailure = `${ready}: ${output().slice(-2000)}`;
      if (ready === 'spawn failed') break;
      // Another process may have taken the port between probing and binding: try a new one.
    }
    throw new Error(`docker-registry did not start (${lastFailure})`);
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
}

function registryConfig(storage: string, port: number, htpasswd: string | undefined): string {
  return [
    'version: 0.1',
    'log:',
    '  level: warn',
    '  accesslog:',
    '    disabled: true',
    'storage:',
    '  filesystem:',
    `    rootdirectory: ${storage}`,
    '  delete:',
    '    enabled: true',
    'http:',
    `  addr: 127.0.0.1:${port}`,
    ...(htpasswd ? ['auth:', '  htpasswd:', '    realm: keelson-test', `    path: ${htpasswd}`] : []),
    '',
  ].join('\n');
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        if (address && typeof address === 'object') resolve(address.port);
        else reject(new Error('no port assigned'));
      });
    });
  });
}

function captureOutput(child: ChildProcess): () => string {
  let text = '';
  const append = (chunk: Buffer) => {
    text = (text + chunk.toString('utf8')).slice(-8000);
  };
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  return () => text;
}

type Readiness = 'ready' | 'exited' | 'timed out' | 'spawn failed';

/** Polls `GET /v2/` until it answers 200 or 401, the process dies, or the time is up. */
async function waitUntilReady(child: ChildProcess, host: string): Promise<Readiness> {
  let exited: Readiness | undefined;
  child.once('exit', () => {
    exited ??= 'exited';
  });
  child.once('error', () => {
    exited = 'spawn failed';
  });
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (exited) return exited;
    const status = await probe(`http://${host}/v2/`);
    if (status === 200 || status === 401) return 'ready';
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return exited ?? 'timed out';
}

function probe(url: string): Promise<number | undefined> {
  return new Promise((resolve) => {
    const request = get(url, { agent: false, timeout: 1000 }, (response) => {
      response.resume();
      resolve(response.statusCode);
    });
    request.on('timeout', () => request.destroy());
    request.on('error', () => resolve(undefined));
  });
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const killer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(killer);
}

export interface SkopeoCopyOptions {
  /** Credentials for a destination registry that requires them. */
  destCreds?: RegistryUser;
  /**
   * Compress layers with this algorithm at the destination (zstd implies an OCI manifest).
   * skopeo 1.9 reuses a blob the registry already holds in another compression instead of
   * recompressing, so push a zstd variant before any gzip push of the same image to that registry.
   */
  compressFormat?: 'zstd' | 'gzip';
  /** Copy every image of an index (`--all`), keeping the index. */
  all?: boolean;
  /** Manifest format at the destination. */
  format?: 'oci' | 'v2s2';
}

/**
 * `skopeo copy` from any transport to any other, with TLS verification off (test registries
 * speak plain HTTP) and no signature policy. A gzip-compressed `docker-archive:` (which skopeo
 * cannot read) is decompressed to a temp file first.
 */
export async function skopeoCopy(src: string, dest: string, options: SkopeoCopyOptions = {}): Promise<void> {
  const scratch = await mkdtemp(join(tmpdir(), 'keelson-skopeo-'));
  try {
    const source = await readableSource(src, scratch);
    const args = ['copy', '--insecure-policy', '--src-tls-verify=false', '--dest-tls-verify=false'];
    if (options.destCreds)
      args.push('--dest-creds', `${options.destCreds.username}:${options.destCreds.password}`);
    else if (dest.startsWith('docker://')) args.push('--dest-no-creds');
    if (options.compressFormat) args.push('--dest-compress-format', options.compressFormat);
    const format = options.format ?? (options.compressFormat === 'zstd' ? 'oci' : undefined);
    if (format) args.push('--format', format);
    if (options.all) args.push('--all');
    args.push(source, dest);
    try {
      await run('skopeo', args, { timeout: 180_000, maxBuffer: 16 * 1024 * 1024 });
    } catch (err) {
      const stderr = (err as { stderr?: string }).stderr ?? '';
      throw new Error(`skopeo copy ${src} ${dest} failed: ${stderr.trim() || (err as Error).message}`);
    }
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

async function readableSource(src: string, scratch: string): Promise<string> {
  const prefix = 'docker-archive:';
  if (!src.startsWith(prefix)) return src;
  const path = src.slice(prefix.length);
  if (!(await isGzip(path))) return src;
  const plain = join(scratch, 'archive.tar');
  await pipeline(createReadStream(path), createGunzip(), createWriteStream(plain));
  return `${prefix}${plain}`;
}

/** False also when the path cannot be opened (e.g. `path:reference`): skopeo then reports it. */
async function isGzip(path: string): Promise<boolean> {
  try {
    const handle = await open(path, 'r');
    try {
      const magic = Buffer.alloc(2);
      await handle.read(magic, 0, 2, 0);
      return magic[0] === 0x1f && magic[1] === 0x8b;
    } finally {
      await handle.close();
    }
  } catch {
    return false;
  }
}

/** Writes `<dir>/config.json` with inline `auths` credentials, as `docker login` would. */
export async function writeDockerConfig(dir: string, auths: Record<string, RegistryUser>): Promise<string> {
  await mkdir(dir, { recursive: true });
  const entries = Object.fromEntries(
    Object.entries(auths).map(([host, user]) => [
      host,
      { auth: Buffer.from(`${user.username}:${user.password}`).toString('base64') },
    ]),
  );
  await writeFile(join(dir, 'config.json'), JSON.stringify({ auths: entries }, null, 2));
  return dir;
}
