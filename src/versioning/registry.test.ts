import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { scheme, versionSchemes } from './registry.js';
import { assertNearMaxInputsAreSafe } from './test-vectors.js';
import type { SchemeName } from './types.js';

const NAMES: SchemeName[] = ['apk', 'dpkg', 'rpm', 'semver', 'npm', 'pep440', 'go', 'maven', 'rubygems'];

describe('version scheme registry', () => {
  test('every scheme is registered under its own name', () => {
    assert.deepEqual(Object.keys(versionSchemes).sort(), [...NAMES].sort());
    for (const name of NAMES) {
      assert.equal(scheme(name).name, name);
      assert.equal(scheme(name), versionSchemes[name]);
    }
    assert.ok(Object.isFrozen(versionSchemes));
  });

  test('unknown names throw', () => {
    assert.throws(() => scheme('cargo' as SchemeName), /unknown version scheme/);
    assert.throws(() => scheme('toString' as SchemeName), /unknown version scheme/);
  });

  test('invalid() never throws, even for non-strings from untyped input', () => {
    for (const s of Object.values(versionSchemes)) {
      for (const v of [undefined, null, 42, {}, []] as unknown as string[]) {
        assert.equal(typeof s.invalid(v), 'string', `${s.name} ${String(v)}`);
      }
    }
  });

  test('near-limit adversarial strings finish fast in every scheme', () => {
    for (const s of Object.values(versionSchemes)) assertNearMaxInputsAreSafe(s);
  });
});
