import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { basicAuthorization, parseWwwAuthenticate, TokenCache } from './auth.js';

describe('parseWwwAuthenticate', () => {
  test('Docker Hub style Bearer challenge', () => {
    assert.deepEqual(
      parseWwwAuthenticate(
        'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/alpine:pull"',
      ),
      [
        {
          scheme: 'bearer',
          params: {
            realm: 'https://auth.docker.io/token',
            service: 'registry.docker.io',
            scope: 'repository:library/alpine:pull',
          },
        },
      ],
    );
  });

  test('quoted values may hold commas, equals signs and escaped quotes', () => {
    assert.deepEqual(
      parseWwwAuthenticate(
        'Bearer realm="https://auth.example.com/token?a=1,b=2", scope="repository:a:pull,push", error="say \\"hi\\""',
      ),
      [
        {
          scheme: 'bearer',
          params: {
            realm: 'https://auth.example.com/token?a=1,b=2',
            scope: 'repository:a:pull,push',
            error: 'say "hi"',
          },
        },
      ],
    );
  });

  test('Basic challenge, case-insensitive names, unquoted token values', () => {
    assert.deepEqual(parseWwwAuthenticate('BASIC Realm=registry'), [
      { scheme: 'basic', params: { realm: 'registry' } },
    ]);
  });

  test('several challenges in one header and across headers', () => {
    assert.deepEqual(parseWwwAuthenticate('Basic realm="r1", Bearer realm="https://t/x",service=s'), [
      { scheme: 'basic', params: { realm: 'r1' } },
      { scheme: 'bearer', params: { realm: 'https://t/x', service: 's' } },
    ]);
    assert.deepEqual(parseWwwAuthenticate(['Basic realm="r1"', 'Negotiate']), [
      { scheme: 'basic', params: { realm: 'r1' } },
      { scheme: 'negotiate', params: {} },
    ]);
  });

  test('junk, unterminated quotes and empty input never throw or hang', () => {
    assert.deepEqual(parseWwwAuthenticate(undefined), []);
    assert.deepEqual(parseWwwAuthenticate(''), []);
    assert.deepEqual(parseWwwAuthenticate('Bearer realm="unterminated'), [
      { scheme: 'bearer', params: { realm: 'unterminated' } },
    ]);
    assert.deepEqual(parseWwwAuthenticate('"""",,,=== ;;'), []);
    const huge = `Bearer realm="${'x'.repeat(100_000)}"`;
    assert.equal(parseWwwAuthenticate(huge)[0]?.params.realm?.length, 16 * 1024 - 'Bearer realm="'.length);
  });
});

describe('TokenCache', () => {
  test('keys by host and scope and drops expired tokens', () => {
    const cache = new TokenCache();
    cache.set('r.example', 'repository:a:pull', { token: 't-a', expiresAt: 1000 });
    cache.set('r.example', 'repository:b:pull', { token: 't-b', expiresAt: 5000 });
    assert.equal(cache.get('r.example', 'repository:a:pull', 999), 't-a');
    assert.equal(cache.get('other.example', 'repository:a:pull', 999), undefined);
    assert.equal(cache.get('r.example', 'repository:a:pull', 1000), undefined);
    assert.equal(cache.get('r.example', 'repository:b:pull', 1000), 't-b');
    cache.delete('r.example', 'repository:b:pull');
    assert.equal(cache.get('r.example', 'repository:b:pull', 1000), undefined);
  });
});

test('basicAuthorization encodes user:password in base64', () => {
  assert.equal(basicAuthorization('u', 'p:w'), 'Basic dTpwOnc=');
});
