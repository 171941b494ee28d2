import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import type { PackageRecord } from '../../core/types.js';
import { parsePackageLock } from './package-lock.js';

const path = 'srv/app/package-lock.json';

function summary(packages: PackageRecord[] | undefined) {
  return (packages ?? []).map((p) => `${p.name}@${p.version} ${p.metadata?.installPath}`).sort();
}

/** A lockfileVersion 3 file as npm 9 writes it: a project with a workspace, an alias and dev tooling. */
const lockV3 = {
  name: 'demo-app',
  version: '1.0.0',
  lockfileVersion: 3,
  requires: true,
  packages: {
    '': {
      name: 'demo-app',
      version: '1.0.0',
      license: 'ISC',
      workspaces: ['packages/*'],
      dependencies: { ms: '^2.1.3', 'strip-ansi-cjs': 'npm:strip-ansi@^6.0.1', debug: '2.6.9' },
      devDependencies: { typescript: '^5.4.5' },
    },
    'node_modules/@demo/util': { resolved: 'packages/util', link: true },
    'node_modules/@types/node': {
      version: '20.12.7',
      resolved: 'https://registry.npmjs.org/@types/node/-/node-20.12.7.tgz',
      integrity:
        'sha512-wq0cICSkRLVaf3UGLMGItu/PtdY7oaXaI/RVU+xliKVOtRna3PRY57ZDfztpDL0n11vfymMUnXv8QwYCO7L1wg==',
      dev: true,
      license: 'MIT',
      dependencies: { 'undici-types': '~5.26.4' },
    },
    'node_modules/debug': {
      version: '2.6.9',
      resolved: 'https://registry.npmjs.org/debug/-/debug-2.6.9.tgz',
      integrity:
        'sha512-bC7ElrdJaJnPbAP+1EotYvqZsb3ecl5wi6Bfi6BJTUcNowp6cvspg0jXznRTKDjm/E7AdgFBVeAPVMNcKGsHMA==',
      license: 'MIT',
      dependencies: { ms: '2.0.0' },
    },
    'node_modules/debug/node_modules/ms': {
      version: '2.0.0',
      resolved: 'https://registry.npmjs.org/ms/-/ms-2.0.0.tgz',
      license: 'MIT',
    },
    'node_modules/ms': { version: '2.1.3', license: 'MIT' },
    'node_modules/strip-ansi-cjs': {
      name: 'strip-ansi',
      version: '6.0.1',
      resolved: 'https://registry.npmjs.org/strip-ansi/-/strip-ansi-6.0.1.tgz',
      license: 'MIT',
    },
    'node_modules/fsevents': { version: '2.3.3', optional: true, devOptional: true, os: ['darwin'] },
    'node_modules/typescript': { version: '5.4.5', dev: true, license: 'Apache-2.0' },
    'node_modules/undici-types': { version: '5.26.5', dev: true, license: 'MIT' },
    'packages/util': { name: '@demo/util', version: '0.1.0' },
    'packages/util/node_modules/@scope/leftpad': { version: '1.3.0', license: 'WTFPL' },
  },
};

describe('parsePackageLock', () => {
  test('lockfileVersion 3: node_modules keys, no dev, no links, aliases resolved, licences kept', () => {
    const facts = parsePackageLock(Buffer.from(JSON.stringify(lockV3, null, 2)), path);
    assert.equal(facts.warnings, undefined);
    assert.equal(facts.incomplete, undefined);
    assert.deepEqual(summary(facts.packages), [
      '@scope/leftpad@1.3.0 srv/app/packages/util/node_modules/@scope/leftpad',
      'debug@2.6.9 srv/app/node_modules/debug',
      'fsevents@2.3.3 srv/app/node_modules/fsevents',
      'ms@2.0.0 srv/app/node_modules/debug/node_modules/ms',
      'ms@2.1.3 srv/app/node_modules/ms',
      'strip-ansi@6.0.1 srv/app/node_modules/strip-ansi-cjs',
    ]);
    const debug = facts.packages?.find((p) => p.name === 'debug');
    assert.deepEqual(debug, {
      name: 'debug',
      version: '2.6.9',
      type: 'npm',
      licenses: ['MIT'],
      location: path,
      foundBy: 'npm',
      metadata: { source: 'package-lock', installPath: 'srv/app/node_modules/debug' },
    });
    assert.equal(facts.packages?.find((p) => p.name === 'fsevents')?.licenses, undefined);
  });

  test('lockfileVersion 2 reads `packages` and ignores the duplicate v1 `dependencies` section', () => {
    const lock = {
      name: 'v2-app',
      lockfileVersion: 2,
      packages: {
        '': { name: 'v2-app', dependencies: { 'safe-buffer': '^5.0.0' } },
        'node_modules/safe-buffer': { version: '5.2.1', license: 'MIT' },
      },
      dependencies: { 'safe-buffer': { version: '5.2.1' }, 'only-in-v1-section': { version: '9.9.9' } },
    };
    const facts = parsePackageLock(Buffer.from(JSON.stringify(lock)), 'package-lock.json');
    assert.deepEqual(summary(facts.packages), ['safe-buffer@5.2.1 node_modules/safe-buffer']);
  });

  test('lockfileVersion 1: nested dependencies map to nested node_modules; dev subtrees are skipped', () => {
    const lock = {
      name: 'legacy',
      version: '0.0.1',
      lockfileVersion: 1,
      requires: true,
      dependencies: {
        accepts: {
          version: '1.3.8',
          resolved: 'https://registry.npmjs.org/accepts/-/accepts-1.3.8.tgz',
          requires: { 'mime-types': '~2.1.34', negotiator: '0.6.3' },
          dependencies: {
            negotiator: { version: '0.6.3', dependencies: { deep: { version: '0.0.1' } } },
          },
        },
        '@hapi/hoek': { version: '9.3.0' },
        mocha: { version: '10.2.0', dev: true, dependencies: { 'dev-only-child': { version: '1.0.0' } } },
        'string-width-cjs': { version: 'npm:string-width@4.2.3' },
        '@aliased/scope': { version: 'npm:@real/scope@2.0.0' },
      },
    };
    const facts = parsePackageLock(Buffer.from(JSON.stringify(lock)), path);
    assert.equal(facts.warnings, undefined);
    assert.deepEqual(summary(facts.packages), [
      '@hapi/hoek@9.3.0 srv/app/node_modules/@hapi/hoek',
      '@real/scope@2.0.0 srv/app/node_modules/@aliased/scope',
      'accepts@1.3.8 srv/app/node_modules/accepts',
      'deep@0.0.1 srv/app/node_modules/accepts/node_modules/negotiator/node_modules/deep',
      'negotiator@0.6.3 srv/app/node_modules/accepts/node_modules/negotiator',
      'string-width@4.2.3 srv/app/node_modules/string-width-cjs',
    ]);
    assert.ok(facts.packages?.every((p) => p.metadata?.source === 'package-lock' && p.foundBy === 'npm'));
  });

  test('a lock file without dependencies yields no packages and no warning', () => {
    const facts = parsePackageLock(
      Buffer.from('{"name":"empty","lockfileVersion":3,"packages":{"":{}}}'),
      path,
    );
    assert.deepEqual(facts, { packages: [] });
    assert.deepEqual(parsePackageLock(Buffer.from('{"name":"empty","lockfileVersion":1}'), path), {
      packages: [],
    });
  });

  test('survives hostile nesting depth without recursion', () => {
    const depth = 20_000;
    const text = `{"lockfileVersion":1,"dependencies":${'{"n":{"version":"1.0.0","dependencies":'.repeat(depth)}{"leaf":{"version":"1.0.0"}}${'}}'.repeat(depth)}}`;
    const facts = parsePackageLock(Buffer.from(text), path);
    assert.equal(facts.packages?.length, depth + 1);
    assert.equal(facts.incomplete, undefined);
  });

  test('malformed entries are skipped with one warning and mark the result incomplete', () => {
    const lock = {
      lockfileVersion: 3,
      packages: {
        'node_modules/good': { version: '1.0.0' },
        'node_modules/no-version': { resolved: 'https://x' },
        'node_modules/not-an-object': 'oops',
        'node_modules/': { version: '1.0.0' },
      },
    };
    const facts = parsePackageLock(Buffer.from(JSON.stringify(lock)), path);
    assert.deepEqual(summary(facts.packages), ['good@1.0.0 srv/app/node_modules/good']);
    assert.equal(facts.incomplete, true);
    assert.deepEqual(facts.warnings, [
      { code: 'PARSE_ERROR', message: 'skipped 3 malformed package-lock.json entries', file: path },
    ]);
  });

  test('an unknown newer lockfileVersion is read as version 3 with a warning', () => {
    const lock = { lockfileVersion: 4, packages: { 'node_modules/a': { version: '1.0.0' } } };
    const facts = parsePackageLock(Buffer.from(JSON.stringify(lock)), path);
    assert.deepEqual(summary(facts.packages), ['a@1.0.0 srv/app/node_modules/a']);
    assert.match(facts.warnings?.[0]?.message ?? '', /unknown lockfileVersion 4/);
    assert.equal(facts.incomplete, undefined);
  });

  test('invalid, truncated and non-object JSON give a warning and an incomplete result', () => {
    const full = JSON.stringify(lockV3);
    for (const text of [full.slice(0, full.length / 2), '', 'null', '[1,2]', '"text"', '\u00ff\u00fe']) {
      const facts = parsePackageLock(Buffer.from(text), path);
      assert.deepEqual(facts.packages, []);
      assert.equal(facts.incomplete, true);
      assert.equal(facts.warnings?.length, 1);
      assert.equal(facts.warnings?.[0]?.code, 'PARSE_ERROR');
      assert.equal(facts.warnings?.[0]?.file, path);
    }
  });

  test('arbitrary JSON values never throw', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const facts = parsePackageLock(
          Buffer.from(JSON.stringify({ lockfileVersion: 3, packages: value })),
          path,
        );
        const v1 = parsePackageLock(
          Buffer.from(JSON.stringify({ lockfileVersion: 1, dependencies: value })),
          path,
        );
        assert.ok(Array.isArray(facts.packages) && Array.isArray(v1.packages));
      }),
      { seed: 3, numRuns: 300 },
    );
  });
});
