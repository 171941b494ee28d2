import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { MockAgent } from 'undici';
import { KeelsonError } from '../../core/errors.js';
import { MANIFEST_ACCEPT, MediaTypes } from '../manifest.js';
import { RegistryClient, type RegistryClientOptions } from './client.js';

const REGISTRY = 'registry.example.com';
const ORIGIN = `https://${REGISTRY}`;
const AUTH_ORIGIN = 'https://auth.example.com';
const sha256 = (data: Buffer | string) => `sha256:${createHash('sha256').update(data).digest('hex')}`;

const MANIFEST = JSON.stringify({
  schemaVersion: 2,
  mediaType: MediaTypes.ociManifest,
  config: { mediaType: MediaTypes.ociConfig, digest: sha256('{}'), size: 2 },
  layers: [],
});
const MANIFEST_DIGEST = sha256(MANIFEST);
const BLOB = Buffer.from('layer bytes of a pretend layer');
const BLOB_DIGEST = sha256(BLOB);
const OCI_HEADERS = { headers: { 'content-type': MediaTypes.ociManifest } };

function mockAgent(): MockAgent {
  const agent = new MockAgent();
  agent.disableNetConnect();
  return agent;
}

/** Records the waits a client asks for instead of sleeping. */
function recordingRetry(attempts = 3) {
  const waits: number[] = [];
  return {
    waits,
    retry: {
      attempts,
      baseDelayMs: 10,
      maxDelayMs: 60_000,
      sleep: async (ms: number) => void waits.push(ms),
    },
  };
}

function client(agent: MockAgent, extra: Partial<RegistryClientOptions> = {}): RegistryClient {
  return new RegistryClient({ registry: REGISTRY, dispatcher: agent, credentials: null, ...extra });
}

function bearerChallenge(agent: MockAgent): void {
  agent
    .get(ORIGIN)
    .intercept({ path: '/v2/', method: 'GET' })
    .reply(401, '{"errors":[{"code":"UNAUTHORIZED"}]}', {
      headers: { 'www-authenticate': `Bearer realm="${AUTH_ORIGIN}/token",service="${REGISTRY}"` },
    });
}

function anonymousPing(agent: MockAgent, origin = ORIGIN): void {
  agent.get(origin).intercept({ path: '/v2/', method: 'GET' }).reply(200, '{}');
}

function isError(code: string, message?: RegExp) {
  return (err: unknown) => {
    assert.ok(err instanceof KeelsonError, `expected KeelsonError, got ${String(err)}`);
    assert.equal(err.code, code, err.message);
    if (message) assert.match(err.message, message);
    return true;
  };
}

async function drain(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

describe('auth', () => {
  test('Bearer challenge → anonymous token → manifest with that token and the manifest Accept list', async () => {
    const agent = mockAgent();
    bearerChallenge(agent);
    let tokenPath = '';
    agent
      .get(AUTH_ORIGIN)
      .intercept({ path: (p) => p.startsWith('/token'), method: 'GET' })
      .reply(
        200,
        (opts) => {
          tokenPath = opts.path;
          assert.equal((opts.headers as Record<string, string>).authorization, undefined);
          return JSON.stringify({ token: 'tok-1', expires_in: 300 });
        },
        { headers: { 'content-type': 'application/json' } },
      );
    agent
      .get(ORIGIN)
      .intercept({
        path: '/v2/team/app/manifests/1.0',
        method: 'GET',
        headers: { authorization: 'Bearer tok-1', accept: MANIFEST_ACCEPT },
      })
      .reply(200, MANIFEST, OCI_HEADERS);

    const c = client(agent);
    const fetched = await c.getManifest('team/app', '1.0');
    assert.equal(fetched.digest, MANIFEST_DIGEST);
    assert.equal(fetched.mediaType, MediaTypes.ociManifest);
    assert.equal(fetched.bytes.toString(), MANIFEST);
    const query = new URL(tokenPath, AUTH_ORIGIN).searchParams;
    assert.equal(query.get('service'), REGISTRY);
    assert.equal(query.get('scope'), 'repository:team/app:pull');
    agent.assertNoPendingInterceptors();
  });

  test('a cached token is reused; one revoked since is replaced once', async () => {
    const agent = mockAgent();
    bearerChallenge(agent);
    const tokens = agent.get(AUTH_ORIGIN);
    tokens
      .intercept({ path: (p) => p.startsWith('/token'), method: 'GET' })
      .reply(200, JSON.stringify({ access_token: 'tok-A' }));
    const registry = agent.get(ORIGIN);
    registry
      .intercept({ path: '/v2/team/app/manifests/1.0', headers: { authorization: 'Bearer tok-A' } })
      .reply(200, MANIFEST, OCI_HEADERS)
      .times(2);

    const c = client(agent);
    await c.getManifest('team/app', '1.0');
    await c.getManifest('team/app', '1.0'); // the token endpoint answers only once
    agent.assertNoPendingInterceptors();

    registry
      .intercept({ path: '/v2/team/app/manifests/1.0', headers: { authorization: 'Bearer tok-A' } })
      .reply(401, '', {
        headers: { 'www-authenticate': `Bearer realm="${AUTH_ORIGIN}/token",service="${REGISTRY}"` },
      });
    tokens
      .intercept({ path: (p) => p.startsWith('/token'), method: 'GET' })
      .reply(200, JSON.stringify({ token: 'tok-B' }));
    registry
      .intercept({ path: '/v2/team/app/manifests/1.0', headers: { authorization: 'Bearer tok-B' } })
      .reply(200, MANIFEST, OCI_HEADERS);
    assert.equal((await c.getManifest('team/app', '1.0')).digest, MANIFEST_DIGEST);
    agent.assertNoPendingInterceptors();
  });

  test('a registry that challenges only on repository access gets a token then', async () => {
    const agent = mockAgent();
    anonymousPing(agent);
    const pool = agent.get(ORIGIN);
    pool.intercept({ path: '/v2/team/app/manifests/1.0' }).reply(401, '', {
      headers: { 'www-authenticate': `Bearer realm="${AUTH_ORIGIN}/token",service="${REGISTRY}"` },
    });
    agent
      .get(AUTH_ORIGIN)
      .intercept({ path: (p) => p.startsWith('/token') })
      .reply(200, JSON.stringify({ token: 'late-token' }));
    pool
      .intercept({ path: '/v2/team/app/manifests/1.0', headers: { authorization: 'Bearer late-token' } })
      .reply(200, MANIFEST, OCI_HEADERS);
    assert.equal((await client(agent).getManifest('team/app', '1.0')).digest, MANIFEST_DIGEST);
    agent.assertNoPendingInterceptors();
  });

  test('Basic challenge sends the credentials on each request', async () => {
    const agent = mockAgent();
    agent
      .get(ORIGIN)
      .intercept({ path: '/v2/' })
      .reply(401, '', { headers: { 'www-authenticate': 'Basic realm="registry"' } });
    agent
      .get(ORIGIN)
      .intercept({ path: '/v2/team/app/manifests/1.0', headers: { authorization: 'Basic dXNlcjpwYXNz' } })
      .reply(200, MANIFEST, OCI_HEADERS);
    const c = client(agent, { credentials: { username: 'user', password: 'pass' } });
    assert.equal((await c.getManifest('team/app', '1.0')).digest, MANIFEST_DIGEST);
    agent.assertNoPendingInterceptors();
  });

  describe('credentials from a docker config directory', () => {
    let root: string;
    before(async () => {
      root = await mkdtemp(join(tmpdir(), 'keelson-client-creds-'));
    });
    after(async () => {
      await rm(root, { recursive: true, force: true });
    });

    async function configDir(name: string, config: unknown): Promise<string> {
      const dir = join(root, name);
      await mkdir(dir, { recursive: true });
      await writeFile(join(dir, 'config.json'), JSON.stringify(config));
      return dir;
    }

    test('auths credentials go to the token endpoint as Basic', async () => {
      const dir = await configDir('auths', {
        auths: { [`https://${REGISTRY}/v1/`]: { auth: Buffer.from('alice:s3cret').toString('base64') } },
      });
      const agent = mockAgent();
      bearerChallenge(agent);
      agent
        .get(AUTH_ORIGIN)
        .intercept({
          path: (p) => p.startsWith('/token') && p.includes('account=alice'),
          headers: { authorization: `Basic ${Buffer.from('alice:s3cret').toString('base64')}` },
        })
        .reply(200, JSON.stringify({ token: 'alice-token' }));
      agent
        .get(ORIGIN)
        .intercept({ path: '/v2/team/app/manifests/1.0', headers: { authorization: 'Bearer alice-token' } })
        .reply(200, MANIFEST, OCI_HEADERS);
      const c = new RegistryClient({ registry: REGISTRY, dispatcher: agent, dockerConfigDir: dir });
      await c.getManifest('team/app', '1.0');
      agent.assertNoPendingInterceptors();
    });

    test('an identity token is exchanged with the OAuth2 refresh_token POST', async () => {
      const dir = await configDir('identity', { auths: { [REGISTRY]: { identitytoken: 'refresh-xyz' } } });
      const agent = mockAgent();
      bearerChallenge(agent);
      let form: URLSearchParams | undefined;
      agent
        .get(AUTH_ORIGIN)
        .intercept({ path: '/token', method: 'POST' })
        .reply(200, (opts) => {
          form = new URLSearchParams(String(opts.body));
          return JSON.stringify({ access_token: 'oauth-token', expires_in: 600 });
        });
      agent
        .get(ORIGIN)
        .intercept({ path: '/v2/team/app/manifests/1.0', headers: { authorization: 'Bearer oauth-token' } })
        .reply(200, MANIFEST, OCI_HEADERS);
      const c = new RegistryClient({ registry: REGISTRY, dispatcher: agent, dockerConfigDir: dir });
      await c.getManifest('team/app', '1.0');
      assert.equal(form?.get('grant_type'), 'refresh_token');
      assert.equal(form?.get('refresh_token'), 'refresh-xyz');
      assert.equal(form?.get('service'), REGISTRY);
      assert.equal(form?.get('scope'), 'repository:team/app:pull');
      assert.equal(form?.get('client_id'), 'keelson');
      agent.assertNoPendingInterceptors();
    });

    test('a credHelpers entry runs the helper found on PATH', async () => {
      const bin = join(root, 'bin');
      await mkdir(bin, { recursive: true });
      await writeFile(
        join(bin, 'docker-credential-keelsontest'),
        `#!/bin/sh\nurl=$(cat)\n[ "$url" = "${REGISTRY}" ] && printf '{"Username":"helper","Secret":"from-helper"}' && exit 0\necho "credentials not found"; exit 1\n`,
        { mode: 0o755 },
      );
      const dir = await configDir('helper', { credHelpers: { [REGISTRY]: 'keelsontest' } });
      const agent = mockAgent();
      agent
        .get(ORIGIN)
        .intercept({ path: '/v2/' })
        .reply(401, '', { headers: { 'www-authenticate': 'Basic realm="r"' } });
      agent
        .get(ORIGIN)
        .intercept({
          path: '/v2/team/app/manifests/1.0',
          headers: { authorization: `Basic ${Buffer.from('helper:from-helper').toString('base64')}` },
        })
        .reply(200, MANIFEST, OCI_HEADERS);
      const c = new RegistryClient({
        registry: REGISTRY,
        dispatcher: agent,
        dockerConfigDir: dir,
        env: { ...process.env, PATH: `${bin}:${process.env.PATH ?? ''}` },
      });
      await c.getManifest('team/app', '1.0');
      agent.assertNoPendingInterceptors();
    });
  });

  test('401 without credentials and 401/403 with rejected credentials are REGISTRY_AUTH', async () => {
    const agent = mockAgent();
    agent
      .get(ORIGIN)
      .intercept({ path: '/v2/' })
      .reply(401, '', { headers: { 'www-authenticate': 'Basic realm="r"' } })
      .times(2);
    agent.get(ORIGIN).intercept({ path: '/v2/team/app/manifests/1.0' }).reply(401, '');
    await assert.rejects(
      client(agent).getManifest('team/app', '1.0'),
      isError('REGISTRY_AUTH', /requires authentication.*docker login registry\.example\.com/),
    );
    agent.get(ORIGIN).intercept({ path: '/v2/team/app/manifests/1.0' }).reply(403, '');
    await assert.rejects(
      client(agent, { credentials: { username: 'u', password: 'wrong' } }).getManifest('team/app', '1.0'),
      (err: unknown) => {
        isError('REGISTRY_AUTH', /rejected the credentials/)(err);
        assert.equal((err as KeelsonError).context.url, `${ORIGIN}/v2/team/app/manifests/1.0`);
        assert.ok(!(err as KeelsonError).message.includes('wrong'));
        return true;
      },
    );
  });

  test('a token endpoint refusing the credentials is REGISTRY_AUTH', async () => {
    const agent = mockAgent();
    bearerChallenge(agent);
    agent
      .get(AUTH_ORIGIN)
      .intercept({ path: (p) => p.startsWith('/token') })
      .reply(401, '');
    await assert.rejects(
      client(agent, { credentials: { username: 'u', password: 'p' } }).getManifest('team/app', '1.0'),
      isError('REGISTRY_AUTH', /token service https:\/\/auth\.example\.com\/token rejected/),
    );
  });

  test('a realm on plain HTTP is refused before any credentials are sent', async () => {
    const agent = mockAgent();
    agent
      .get(ORIGIN)
      .intercept({ path: '/v2/' })
      .reply(401, '', { headers: { 'www-authenticate': 'Bearer realm="http://evil.example.com/token"' } });
    await assert.rejects(
      client(agent, { credentials: { username: 'u', password: 'p' } }).getManifest('team/app', '1.0'),
      isError('REGISTRY_AUTH', /must be an https URL/),
    );
  });
});

describe('retries', () => {
  test('503, 503, 200 succeeds after two backoff waits', async () => {
    const agent = mockAgent();
    anonymousPing(agent);
    const pool = agent.get(ORIGIN);
    pool.intercept({ path: '/v2/team/app/manifests/1.0' }).reply(503, 'busy').times(2);
    pool.intercept({ path: '/v2/team/app/manifests/1.0' }).reply(200, MANIFEST, OCI_HEADERS);
    const { waits, retry } = recordingRetry(3);
    assert.equal((await client(agent, { retry }).getManifest('team/app', '1.0')).digest, MANIFEST_DIGEST);
    assert.equal(waits.length, 2);
    // Jitter keeps each wait within [half, full] of the doubling backoff: 10 ms, then 20 ms.
    assert.ok(waits[0]! >= 5 && waits[0]! <= 10, `first wait ${waits[0]}`);
    assert.ok(waits[1]! >= 10 && waits[1]! <= 20, `second wait ${waits[1]}`);
  });

  test('Retry-After in seconds is honoured', async () => {
    const agent = mockAgent();
    anonymousPing(agent);
    const pool = agent.get(ORIGIN);
    pool
      .intercept({ path: '/v2/team/app/manifests/1.0' })
      .reply(429, '', { headers: { 'retry-after': '7' } });
    pool.intercept({ path: '/v2/team/app/manifests/1.0' }).reply(200, MANIFEST, OCI_HEADERS);
    const { waits, retry } = recordingRetry(3);
    await client(agent, { retry }).getManifest('team/app', '1.0');
    assert.deepEqual(waits, [7000]);
  });

  test('gives up after the configured attempts with a clear error', async () => {
    const agent = mockAgent();
    anonymousPing(agent);
    agent.get(ORIGIN).intercept({ path: '/v2/team/app/manifests/1.0' }).reply(503, '').times(3);
    const { waits, retry } = recordingRetry(3);
    await assert.rejects(client(agent, { retry }).getManifest('team/app', '1.0'), (err: unknown) => {
      isError(
        'REGISTRY_ERROR',
        /GET https:\/\/registry\.example\.com\/v2\/team\/app\/manifests\/1\.0 failed after 3 attempts: HTTP 503/,
      )(err);
      assert.equal((err as KeelsonError).context.url, `${ORIGIN}/v2/team/app/manifests/1.0`);
      return true;
    });
    assert.equal(waits.length, 2);
    agent.assertNoPendingInterceptors();
  });

  test('a reset connection is retried', async () => {
    const agent = mockAgent();
    anonymousPing(agent);
    const pool = agent.get(ORIGIN);
    pool
      .intercept({ path: '/v2/team/app/manifests/1.0' })
      .replyWithError(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }));
    pool.intercept({ path: '/v2/team/app/manifests/1.0' }).reply(200, MANIFEST, OCI_HEADERS);
    const { waits, retry } = recordingRetry(3);
    assert.equal((await client(agent, { retry }).getManifest('team/app', '1.0')).digest, MANIFEST_DIGEST);
    assert.equal(waits.length, 1);
  });
});

describe('redirects', () => {
  test('a cross-origin redirect drops Authorization; a same-origin one keeps it', async () => {
    const agent = mockAgent();
    agent
      .get(ORIGIN)
      .intercept({ path: '/v2/' })
      .reply(401, '', { headers: { 'www-authenticate': 'Basic realm="r"' } });
    const blobPath = `/v2/team/app/blobs/${BLOB_DIGEST}`;
    agent
      .get(ORIGIN)
      .intercept({ path: blobPath })
      .reply(307, '', { headers: { location: `https://cdn.example.net/blobs/x?signature=abc` } });
    let cdnHeaders: Record<string, string> = {};
    agent
      .get('https://cdn.example.net')
      .intercept({ path: '/blobs/x?signature=abc' })
      .reply(200, (opts) => {
        cdnHeaders = opts.headers as Record<string, string>;
        return BLOB;
      });
    const c = client(agent, { credentials: { username: 'user', password: 'pass' } });
    assert.deepEqual(await drain(await c.openBlob('team/app', BLOB_DIGEST)), BLOB);
    assert.equal(cdnHeaders.authorization, undefined);
    assert.equal(cdnHeaders['user-agent'], 'keelson');

    agent
      .get(ORIGIN)
      .intercept({ path: blobPath })
      .reply(302, '', { headers: { location: '/v2/team/app/blobs/elsewhere' } });
    let sameOriginHeaders: Record<string, string> = {};
    agent
      .get(ORIGIN)
      .intercept({ path: '/v2/team/app/blobs/elsewhere' })
      .reply(200, (opts) => {
        sameOriginHeaders = opts.headers as Record<string, string>;
        return BLOB;
      });
    assert.deepEqual(await drain(await c.openBlob('team/app', BLOB_DIGEST)), BLOB);
    assert.equal(sameOriginHeaders.authorization, 'Basic dXNlcjpwYXNz');
    agent.assertNoPendingInterceptors();
  });

  test('a redirect to another port of the same host counts as another origin', async () => {
    const agent = mockAgent();
    agent
      .get(ORIGIN)
      .intercept({ path: '/v2/' })
      .reply(401, '', { headers: { 'www-authenticate': 'Basic realm="r"' } });
    agent
      .get(ORIGIN)
      .intercept({ path: `/v2/team/app/blobs/${BLOB_DIGEST}` })
      .reply(301, '', { headers: { location: `https://${REGISTRY}:8443/b` } });
    let headers: Record<string, string> = {};
    agent
      .get(`https://${REGISTRY}:8443`)
      .intercept({ path: '/b' })
      .reply(200, (opts) => {
        headers = opts.headers as Record<string, string>;
        return BLOB;
      });
    const c = client(agent, { credentials: { username: 'user', password: 'pass' } });
    await drain(await c.openBlob('team/app', BLOB_DIGEST));
    assert.equal(headers.authorization, undefined);
  });

  test('more than 5 redirects fail; a redirect to plain HTTP elsewhere is refused', async () => {
    const agent = mockAgent();
    anonymousPing(agent);
    const pool = agent.get(ORIGIN);
    pool
      .intercept({ path: (p) => p.startsWith('/loop') || p.startsWith('/v2/team/app/manifests/') })
      .reply(302, '', { headers: { location: '/loop' } })
      .times(6);
    const c = client(agent);
    await assert.rejects(
      c.getManifest('team/app', 'loop'),
      isError('REGISTRY_ERROR', /more than 5 redirects/),
    );
    pool
      .intercept({ path: '/v2/team/app/manifests/down' })
      .reply(302, '', { headers: { location: 'http://cdn.example.net/m' } });
    await assert.rejects(c.getManifest('team/app', 'down'), isError('INSECURE_REGISTRY', /plain-HTTP/));
  });
});

describe('integrity and limits', () => {
  test('a blob whose bytes do not match its digest fails the stream with DIGEST_MISMATCH', async () => {
    const agent = mockAgent();
    anonymousPing(agent);
    agent
      .get(ORIGIN)
      .intercept({ path: `/v2/team/app/blobs/${BLOB_DIGEST}` })
      .reply(200, Buffer.from('tampered bytes'));
    const stream = await client(agent).openBlob('team/app', BLOB_DIGEST);
    await assert.rejects(drain(stream), isError('DIGEST_MISMATCH', /does not match the expected/));
  });

  test('a blob longer than its declared size fails early', async () => {
    const agent = mockAgent();
    anonymousPing(agent);
    agent
      .get(ORIGIN)
      .intercept({ path: `/v2/team/app/blobs/${BLOB_DIGEST}` })
      .reply(200, Buffer.concat([BLOB, Buffer.alloc(100)]));
    const stream = await client(agent).openBlob('team/app', BLOB_DIGEST, { size: BLOB.length });
    await assert.rejects(drain(stream), isError('DIGEST_MISMATCH', /longer than the 30 bytes/));
  });

  test('a manifest fetched by digest must hash to that digest', async () => {
    const agent = mockAgent();
    anonymousPing(agent);
    const wanted = sha256('something else');
    agent
      .get(ORIGIN)
      .intercept({ path: `/v2/team/app/manifests/${wanted}` })
      .reply(200, MANIFEST, OCI_HEADERS);
    await assert.rejects(
      client(agent).getManifest('team/app', wanted),
      isError('DIGEST_MISMATCH', new RegExp(`has digest ${MANIFEST_DIGEST}`)),
    );
  });

  test('manifests over 4 MiB are refused, by Content-Length and while streaming', async () => {
    const big = Buffer.alloc(4 * 1024 * 1024 + 1, 0x20);
    const agent = mockAgent();
    anonymousPing(agent);
    const pool = agent.get(ORIGIN);
    pool
      .intercept({ path: '/v2/team/app/manifests/declared' })
      .reply(200, big, { headers: { 'content-length': String(big.length) } });
    pool.intercept({ path: '/v2/team/app/manifests/chunked' }).reply(200, big);
    const c = client(agent);
    await assert.rejects(
      c.getManifest('team/app', 'declared'),
      isError('INVALID_MANIFEST', /larger than the 4 MiB/),
    );
    await assert.rejects(
      c.getManifest('team/app', 'chunked'),
      isError('INVALID_MANIFEST', /larger than the 4 MiB/),
    );
  });

  test('a config blob is verified and capped', async () => {
    const agent = mockAgent();
    anonymousPing(agent);
    const pool = agent.get(ORIGIN);
    pool.intercept({ path: `/v2/team/app/blobs/${BLOB_DIGEST}` }).reply(200, BLOB);
    pool.intercept({ path: `/v2/team/app/blobs/${BLOB_DIGEST}` }).reply(200, 'other');
    pool.intercept({ path: `/v2/team/app/blobs/${BLOB_DIGEST}` }).reply(200, BLOB);
    const c = client(agent);
    assert.deepEqual(await c.getBlob('team/app', BLOB_DIGEST), BLOB);
    await assert.rejects(c.getBlob('team/app', BLOB_DIGEST), isError('DIGEST_MISMATCH'));
    await assert.rejects(
      c.getBlob('team/app', BLOB_DIGEST, 10),
      isError('INVALID_IMAGE', /larger than the 10 byte limit/),
    );
  });

  test('names that are not repositories, tags or digests never reach the network', async () => {
    const c = client(mockAgent());
    await assert.rejects(c.getManifest('../etc', 'latest'), isError('INVALID_REFERENCE'));
    await assert.rejects(c.getManifest('team/app', 'a/b'), isError('INVALID_REFERENCE'));
    await assert.rejects(c.openBlob('team/app', 'sha256:zz'), isError('INVALID_REFERENCE'));
  });
});

describe('status mapping', () => {
  test('404 is REGISTRY_NOT_FOUND with the registry’s words; other statuses REGISTRY_ERROR', async () => {
    const agent = mockAgent();
    anonymousPing(agent);
    const pool = agent.get(ORIGIN);
    pool
      .intercept({ path: '/v2/team/app/manifests/missing' })
      .reply(404, '{"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown"}]}');
    pool.intercept({ path: '/v2/team/app/manifests/teapot' }).reply(418, 'no');
    const c = client(agent);
    await assert.rejects(c.getManifest('team/app', 'missing'), (err: unknown) => {
      isError(
        'REGISTRY_NOT_FOUND',
        /manifest team\/app:missing not found.*MANIFEST_UNKNOWN: manifest unknown/,
      )(err);
      assert.equal((err as KeelsonError).context.url, `${ORIGIN}/v2/team/app/manifests/missing`);
      return true;
    });
    await assert.rejects(c.getManifest('team/app', 'teapot'), isError('REGISTRY_ERROR', /HTTP 418/));
  });

  test('a /v2/ that is not a registry is reported as such', async () => {
    const agent = mockAgent();
    agent.get(ORIGIN).intercept({ path: '/v2/' }).reply(404, 'Not Found');
    await assert.rejects(
      client(agent).ping(),
      isError('REGISTRY_ERROR', /is registry\.example\.com a container registry/),
    );
  });

  test('HEAD returns the Docker-Content-Digest without a body', async () => {
    const agent = mockAgent();
    anonymousPing(agent);
    agent
      .get(ORIGIN)
      .intercept({ path: '/v2/team/app/manifests/1.0', method: 'HEAD' })
      .reply(200, '', {
        headers: {
          'docker-content-digest': MANIFEST_DIGEST,
          'content-type': MediaTypes.ociManifest,
          'content-length': '347',
        },
      });
    assert.deepEqual(await client(agent).headManifest('team/app', '1.0'), {
      digest: MANIFEST_DIGEST,
      mediaType: MediaTypes.ociManifest,
      size: 347,
    });
  });
});

describe('transport security', () => {
  const tlsFailure = () =>
    Object.assign(new Error('wrong version number'), { code: 'ERR_SSL_WRONG_VERSION_NUMBER' });

  test('a non-loopback registry that only speaks HTTP is refused with a hint', async () => {
    const agent = mockAgent();
    agent.get(ORIGIN).intercept({ path: '/v2/' }).replyWithError(tlsFailure());
    agent.get(`http://${REGISTRY}`).intercept({ path: '/v2/' }).reply(200, '{}');
    await assert.rejects(client(agent).ping(), (err: unknown) => {
      isError('INSECURE_REGISTRY', /--insecure-registry registry\.example\.com/)(err);
      return true;
    });
    // Plain HTTP was never tried.
    assert.equal(agent.pendingInterceptors().length, 1);
  });

  test('a registry listed as insecure falls back to HTTP and remembers it', async () => {
    const agent = mockAgent();
    agent.get(ORIGIN).intercept({ path: '/v2/' }).replyWithError(tlsFailure());
    const http = agent.get(`http://${REGISTRY}`);
    http.intercept({ path: '/v2/' }).reply(200, '{}');
    http.intercept({ path: '/v2/team/app/manifests/1.0' }).reply(200, MANIFEST, OCI_HEADERS).times(2);
    const c = client(agent, { insecureRegistries: [REGISTRY] });
    await c.getManifest('team/app', '1.0');
    await c.getManifest('team/app', '1.0');
    agent.assertNoPendingInterceptors();
  });

  test('loopback registries may use plain HTTP without configuration', async () => {
    const agent = mockAgent();
    const http = agent.get('http://localhost:5000');
    http.intercept({ path: '/v2/' }).reply(200, '{}');
    http.intercept({ path: '/v2/app/manifests/1.0' }).reply(200, MANIFEST, OCI_HEADERS);
    const c = new RegistryClient({ registry: 'localhost:5000', dispatcher: agent, credentials: null });
    assert.equal((await c.getManifest('app', '1.0')).digest, MANIFEST_DIGEST);
  });

  test('an unreachable registry is REGISTRY_ERROR naming the URL', async () => {
    const agent = mockAgent();
    agent
      .get(ORIGIN)
      .intercept({ path: '/v2/' })
      .replyWithError(Object.assign(new Error('getaddrinfo ENOTFOUND'), { code: 'ENOTFOUND' }));
    await assert.rejects(client(agent).ping(), (err: unknown) => {
      isError('REGISTRY_ERROR', /cannot reach https:\/\/registry\.example\.com\/v2\//)(err);
      assert.equal((err as KeelsonError).context.url, `${ORIGIN}/v2/`);
      return true;
    });
  });
});

describe('listReferrers', () => {
  const subject = MANIFEST_DIGEST;
  const vex = {
    mediaType: MediaTypes.ociManifest,
    artifactType: 'application/vnd.openvex+json',
    digest: sha256('vex'),
    size: 10,
  };
  const sbom = {
    mediaType: MediaTypes.ociManifest,
    artifactType: 'application/spdx+json',
    digest: sha256('sbom'),
    size: 20,
  };
  const index = JSON.stringify({ schemaVersion: 2, mediaType: MediaTypes.ociIndex, manifests: [vex, sbom] });

  test('uses the referrers API and filters by artifactType even when the registry does not', async () => {
    const agent = mockAgent();
    anonymousPing(agent);
    agent
      .get(ORIGIN)
      .intercept({
        path: `/v2/team/app/referrers/${subject}?artifactType=application%2Fvnd.openvex%2Bjson`,
        headers: { accept: MediaTypes.ociIndex },
      })
      .reply(200, index, { headers: { 'content-type': MediaTypes.ociIndex } });
    assert.deepEqual(await client(agent).listReferrers('team/app', subject, 'application/vnd.openvex+json'), [
      vex,
    ]);
  });

  test('follows Link pagination', async () => {
    const agent = mockAgent();
    anonymousPing(agent);
    const pool = agent.get(ORIGIN);
    pool
      .intercept({ path: `/v2/team/app/referrers/${subject}` })
      .reply(200, JSON.stringify({ schemaVersion: 2, manifests: [vex] }), {
        headers: { link: `</v2/team/app/referrers/${subject}?last=1>; rel="next"` },
      });
    pool
      .intercept({ path: `/v2/team/app/referrers/${subject}?last=1` })
      .reply(200, JSON.stringify({ schemaVersion: 2, manifests: [sbom] }));
    assert.deepEqual(await client(agent).listReferrers('team/app', subject), [vex, sbom]);
  });

  test('falls back to the sha256-<hex> tag when the API is missing', async () => {
    const agent = mockAgent();
    anonymousPing(agent);
    const pool = agent.get(ORIGIN);
    pool.intercept({ path: `/v2/team/app/referrers/${subject}` }).reply(404, '404 page not found');
    pool
      .intercept({ path: `/v2/team/app/manifests/sha256-${subject.slice(7)}` })
      .reply(200, index, { headers: { 'content-type': MediaTypes.ociIndex } });
    const c = client(agent);
    assert.deepEqual(await c.listReferrers('team/app', subject), [vex, sbom]);

    pool.intercept({ path: `/v2/team/app/referrers/${subject}` }).reply(404, '');
    pool.intercept({ path: `/v2/team/app/manifests/sha256-${subject.slice(7)}` }).reply(404, '');
    assert.deepEqual(await c.listReferrers('team/app', subject), []);
  });

  test('a malformed referrers index is INVALID_MANIFEST', async () => {
    const agent = mockAgent();
    anonymousPing(agent);
    agent
      .get(ORIGIN)
      .intercept({ path: `/v2/team/app/referrers/${subject}` })
      .reply(200, '{"manifests": "no"}');
    await assert.rejects(client(agent).listReferrers('team/app', subject), isError('INVALID_MANIFEST'));
  });
});
