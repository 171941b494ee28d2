import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { KeelsonError } from '../../core/errors.js';
import { credentialKey, dockerConfigFile, resolveCredentials, runCredentialHelper } from './credentials.js';

/**
 * A real credential helper: answers for a few server URLs, says "credentials not found" for the
 * rest, fails for broken.example.com and hangs for slow.example.com.
 */
const HELPER_SCRIPT = `#!/bin/sh
[ "$1" = get ] || exit 9
url=$(cat)
case "$url" in
  registry.example.com) printf '{"ServerURL":"%s","Username":"helper-user","Secret":"helper-secret"}' "$url" ;;
  https://index.docker.io/v1/) printf '{"ServerURL":"%s","Username":"<token>","Secret":"hub-refresh-token"}' "$url" ;;
  store.example.com) printf '{"ServerURL":"%s","Username":"store-user","Secret":"store-secret"}' "$url" ;;
  broken.example.com) echo "keychain is locked" ; exit 3 ;;
  garbled.example.com) echo "not json at all" ;;
  slow.example.com) exec sleep 20 ;;
  *) echo "credentials not found in native keychain" ; exit 1 ;;
esac
`;

let root: string;
let env: NodeJS.ProcessEnv;

async function configDir(name: string, config: unknown): Promise<string> {
  const dir = join(root, name);
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'config.json'), typeof config === 'string' ? config : JSON.stringify(config));
  return dir;
}

const b64 = (text: string) => Buffer.from(text).toString('base64');

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'keelson-creds-'));
  const bin = join(root, 'bin');
  await mkdir(bin);
  await writeFile(join(bin, 'docker-credential-keelsontest'), HELPER_SCRIPT, { mode: 0o755 });
  env = { ...process.env, PATH: `${bin}:${process.env.PATH ?? ''}` };
});

after(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('credentialKey', () => {
  test('URL keys reduce to the host and Docker Hub aliases to docker.io', () => {
    assert.equal(credentialKey('https://index.docker.io/v1/'), 'docker.io');
    assert.equal(credentialKey('index.docker.io'), 'docker.io');
    assert.equal(credentialKey('registry-1.docker.io'), 'docker.io');
    assert.equal(credentialKey('docker.io'), 'docker.io');
    assert.equal(credentialKey('https://Registry.Example.com:5000/v1/'), 'registry.example.com:5000');
    assert.equal(credentialKey('ghcr.io'), 'ghcr.io');
  });
});

describe('dockerConfigFile', () => {
  test('option, then $DOCKER_CONFIG, then ~/.docker', () => {
    assert.equal(
      dockerConfigFile({ dockerConfigDir: '/opt/d', env: { DOCKER_CONFIG: '/x' } }),
      '/opt/d/config.json',
    );
    assert.equal(dockerConfigFile({ env: { DOCKER_CONFIG: '/x' } }), '/x/config.json');
    assert.equal(dockerConfigFile({ env: { HOME: '/home/u' } }), '/home/u/.docker/config.json');
  });
});

describe('resolveCredentials from auths', () => {
  test('base64 auth under a URL key, for every Docker Hub alias', async () => {
    const dir = await configDir('hub', {
      auths: { 'https://index.docker.io/v1/': { auth: b64('hubuser:hub:pass') } },
    });
    for (const registry of ['docker.io', 'index.docker.io', 'registry-1.docker.io']) {
      assert.deepEqual(await resolveCredentials(registry, { dockerConfigDir: dir, env }), {
        username: 'hubuser',
        password: 'hub:pass',
      });
    }
    assert.equal(await resolveCredentials('ghcr.io', { dockerConfigDir: dir, env }), undefined);
  });

  test('username/password fields and identity tokens', async () => {
    const dir = await configDir('fields', {
      auths: {
        'registry.example.com:5000': { username: 'u', password: 'p' },
        'https://token.example.com/v1/': { identitytoken: 'refresh-123' },
        'empty.example.com': {},
      },
    });
    assert.deepEqual(await resolveCredentials('registry.example.com:5000', { dockerConfigDir: dir, env }), {
      username: 'u',
      password: 'p',
    });
    assert.deepEqual(await resolveCredentials('token.example.com', { dockerConfigDir: dir, env }), {
      identityToken: 'refresh-123',
    });
    assert.equal(await resolveCredentials('empty.example.com', { dockerConfigDir: dir, env }), undefined);
  });

  test('no config file means anonymous', async () => {
    assert.equal(
      await resolveCredentials('docker.io', { dockerConfigDir: join(root, 'absent'), env }),
      undefined,
    );
  });

  test('broken config files are PARSE_ERROR naming the file, never echoing secrets', async () => {
    const notJson = await configDir('notjson', '{"auths": ');
    await assert.rejects(
      resolveCredentials('docker.io', { dockerConfigDir: notJson, env }),
      (err: unknown) => {
        return (
          err instanceof KeelsonError &&
          err.code === 'PARSE_ERROR' &&
          err.context.file === join(notJson, 'config.json')
        );
      },
    );
    const badAuth = await configDir('badauth', { auths: { 'docker.io': { auth: b64('no-colon-secret') } } });
    await assert.rejects(
      resolveCredentials('docker.io', { dockerConfigDir: badAuth, env }),
      (err: unknown) => {
        return (
          err instanceof KeelsonError &&
          err.code === 'PARSE_ERROR' &&
          !err.message.includes('no-colon-secret')
        );
      },
    );
    const badShape = await configDir('badshape', { auths: { 'docker.io': { auth: 42 } } });
    await assert.rejects(
      resolveCredentials('docker.io', { dockerConfigDir: badShape, env }),
      /unexpected shape/,
    );
  });
});

describe('resolveCredentials through credential helpers', () => {
  test('credHelpers entry for the host runs docker-credential-<name> with the host on stdin', async () => {
    const dir = await configDir('helpers', {
      auths: { 'registry.example.com': { auth: b64('inline:ignored') } },
      credHelpers: { 'registry.example.com': 'keelsontest', 'https://index.docker.io/v1/': 'keelsontest' },
    });
    assert.deepEqual(await resolveCredentials('registry.example.com', { dockerConfigDir: dir, env }), {
      username: 'helper-user',
      password: 'helper-secret',
    });
    // Docker Hub is asked for under Docker's own server URL; "<token>" marks an identity token.
    assert.deepEqual(await resolveCredentials('docker.io', { dockerConfigDir: dir, env }), {
      identityToken: 'hub-refresh-token',
    });
  });

  test('credsStore serves hosts without inline credentials; "not found" is anonymous', async () => {
    const dir = await configDir('store', {
      auths: { 'inline.example.com': { auth: b64('in:line') }, 'store.example.com': {} },
      credsStore: 'keelsontest',
    });
    assert.deepEqual(await resolveCredentials('store.example.com', { dockerConfigDir: dir, env }), {
      username: 'store-user',
      password: 'store-secret',
    });
    assert.deepEqual(await resolveCredentials('inline.example.com', { dockerConfigDir: dir, env }), {
      username: 'in',
      password: 'line',
    });
    assert.equal(await resolveCredentials('unknown.example.com', { dockerConfigDir: dir, env }), undefined);
  });

  test('helper failures are CREDENTIAL_HELPER naming the helper', async () => {
    await assert.rejects(
      runCredentialHelper('keelsontest', 'broken.example.com', { env }),
      (err: unknown) => {
        return (
          err instanceof KeelsonError &&
          err.code === 'CREDENTIAL_HELPER' &&
          err.message.includes('docker-credential-keelsontest') &&
          err.message.includes('exit 3') &&
          err.message.includes('keychain is locked')
        );
      },
    );
    await assert.rejects(
      runCredentialHelper('keelsontest', 'garbled.example.com', { env }),
      (err: unknown) => {
        return (
          err instanceof KeelsonError && err.code === 'CREDENTIAL_HELPER' && !err.message.includes('not json')
        );
      },
    );
    await assert.rejects(runCredentialHelper('absent-helper', 'x', { env }), (err: unknown) => {
      return (
        err instanceof KeelsonError &&
        err.code === 'CREDENTIAL_HELPER' &&
        /docker-credential-absent-helper is not on PATH/.test(err.message)
      );
    });
    await assert.rejects(runCredentialHelper('../evil', 'x', { env }), /not allowed/);
  });

  test('a helper that hangs is killed at the timeout', async () => {
    await assert.rejects(
      runCredentialHelper('keelsontest', 'slow.example.com', { env, helperTimeoutMs: 300 }),
      (err: unknown) =>
        err instanceof KeelsonError &&
        err.code === 'CREDENTIAL_HELPER' &&
        /did not answer within 300 ms/.test(err.message),
    );
  });
});
