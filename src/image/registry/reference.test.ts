import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { KeelsonError } from '../../core/errors.js';
import { formatReference, type ImageReference, parseReference, registryApiHost } from './reference.js';

const SHA = `sha256:${'a'.repeat(64)}`;
const SHA512 = `sha512:${'0123456789abcdef'.repeat(8)}`;

const valid: [string, ImageReference][] = [
  ['alpine', { registry: 'docker.io', repository: 'library/alpine', tag: 'latest' }],
  ['alpine:3.20', { registry: 'docker.io', repository: 'library/alpine', tag: '3.20' }],
  ['user/app:1', { registry: 'docker.io', repository: 'user/app', tag: '1' }],
  ['docker.io/alpine', { registry: 'docker.io', repository: 'library/alpine', tag: 'latest' }],
  [
    'index.docker.io/library/alpine:edge',
    { registry: 'docker.io', repository: 'library/alpine', tag: 'edge' },
  ],
  ['registry-1.docker.io/user/app', { registry: 'docker.io', repository: 'user/app', tag: 'latest' }],
  ['ghcr.io/org/team/app:v1.2.3', { registry: 'ghcr.io', repository: 'org/team/app', tag: 'v1.2.3' }],
  ['quay.io/app', { registry: 'quay.io', repository: 'app', tag: 'latest' }],
  [`registry:5000/team/app@${SHA}`, { registry: 'registry:5000', repository: 'team/app', digest: SHA }],
  ['localhost/app', { registry: 'localhost', repository: 'app', tag: 'latest' }],
  ['localhost:5000/app:dev', { registry: 'localhost:5000', repository: 'app', tag: 'dev' }],
  ['127.0.0.1:5000/x', { registry: '127.0.0.1:5000', repository: 'x', tag: 'latest' }],
  ['[::1]:5000/x', { registry: '[::1]:5000', repository: 'x', tag: 'latest' }],
  ['[::1]:5000/x:1', { registry: '[::1]:5000', repository: 'x', tag: '1' }],
  [`alpine:3.20@${SHA}`, { registry: 'docker.io', repository: 'library/alpine', tag: '3.20', digest: SHA }],
  [`alpine@${SHA512}`, { registry: 'docker.io', repository: 'library/alpine', digest: SHA512 }],
  ['my-org/my_app.v2:latest', { registry: 'docker.io', repository: 'my-org/my_app.v2', tag: 'latest' }],
  ['a__b/c---d:Tag_1.x-y', { registry: 'docker.io', repository: 'a__b/c---d', tag: 'Tag_1.x-y' }],
  ['Registry.Example.COM/app', { registry: 'registry.example.com', repository: 'app', tag: 'latest' }],
  // A bare host:port is an image named localhost with tag 5000, exactly as in Docker.
  ['localhost:5000', { registry: 'docker.io', repository: 'library/localhost', tag: '5000' }],
];

const invalid: [string, RegExp][] = [
  ['', /empty/],
  ['Alpine', /"Alpine".*lowercase/],
  ['user/App:1', /"App".*lowercase/],
  ['alpine:', /tag ""/],
  ['alpine:-x', /tag "-x"/],
  [`alpine:${'t'.repeat(129)}`, /tag "t+"/],
  ['alpine@sha256:abc', /64 lowercase hex/],
  [`alpine@sha256:${'A'.repeat(64)}`, /64 lowercase hex/],
  [`alpine@md5:${'a'.repeat(32)}`, /sha256:<hex> or sha512/],
  [`alpine@${SHA}@${SHA}`, /more than one "@"/],
  ['alpine latest', /whitespace/],
  ['registry.example.com//app', /empty path component/],
  ['registry.example.com/app/', /empty path component/],
  ['registry.example.com:99999/app', /port "99999"/],
  ['registry.example.com:port/app', /host name|port/],
  ['-bad.example.com/app', /registry host "-bad.example.com"/],
  ['a/b..c', /"b..c"/],
  ['registry.example.com/', /empty path component|repository/],
  [':tag', /repository name is empty/],
  [`x/${'a'.repeat(300)}`, /longer than 255/],
];

describe('parseReference', () => {
  for (const [text, expected] of valid) {
    test(`parses ${text}`, () => {
      assert.deepEqual(parseReference(text), expected);
    });
  }
  for (const [text, problem] of invalid) {
    test(`rejects ${JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text)}`, () => {
      assert.throws(
        () => parseReference(text),
        (err: unknown) =>
          err instanceof KeelsonError && err.code === 'INVALID_REFERENCE' && problem.test(err.message),
      );
    });
  }

  test('a reference longer than 1024 characters is refused without echoing it whole', () => {
    assert.throws(
      () => parseReference(`a/${'b'.repeat(2000)}`),
      (err: unknown) =>
        err instanceof KeelsonError && err.code === 'INVALID_REFERENCE' && err.message.length < 200,
    );
  });
});

describe('formatReference', () => {
  test('writes the canonical form with tag and digest', () => {
    assert.equal(formatReference(parseReference('alpine')), 'docker.io/library/alpine:latest');
    assert.equal(formatReference(parseReference(`alpine:3@${SHA}`)), `docker.io/library/alpine:3@${SHA}`);
    assert.equal(formatReference(parseReference(`[::1]:5000/x@${SHA}`)), `[::1]:5000/x@${SHA}`);
  });
});

describe('registryApiHost', () => {
  test('Docker Hub is served by registry-1.docker.io; other registries by themselves', () => {
    assert.equal(registryApiHost('docker.io'), 'registry-1.docker.io');
    assert.equal(registryApiHost('index.docker.io'), 'registry-1.docker.io');
    assert.equal(registryApiHost('ghcr.io'), 'ghcr.io');
    assert.equal(registryApiHost('localhost:5000'), 'localhost:5000');
  });
});
