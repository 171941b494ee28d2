import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { MAX_PACKAGE_JSON_SIZE, parsePackageJson } from './package-json.js';

const path = 'usr/lib/node_modules/npm/node_modules/which/package.json';

function parse(manifest: unknown) {
  return parsePackageJson(Buffer.from(JSON.stringify(manifest)), path);
}

describe('parsePackageJson', () => {
  test('reads name, version, SPDX licence string and author string', () => {
    const facts = parse({
      author: 'GitHub Inc.',
      name: 'which',
      description: 'Like which(1) unix command. Find the first instance of an executable in the PATH.',
      version: '4.0.0',
      license: 'ISC',
      bin: { 'node-which': 'bin/which.js' },
    });
    assert.deepEqual(facts, {
      packages: [
        {
          name: 'which',
          version: '4.0.0',
          type: 'npm',
          licenses: ['ISC'],
          supplier: 'GitHub Inc.',
          location: path,
          foundBy: 'npm',
        },
      ],
    });
  });

  test('reads a {type} licence object and an {name, email} author', () => {
    const facts = parse({
      name: '@babel/core',
      version: '7.22.5',
      license: { type: 'MIT', url: 'https://opensource.org/licenses/MIT' },
      author: { name: 'The Babel Team', email: 'team@babeljs.io', url: 'https://babel.dev/team' },
    });
    const pkg = facts?.packages?.[0];
    assert.equal(pkg?.name, '@babel/core');
    assert.deepEqual(pkg?.licenses, ['MIT']);
    assert.equal(pkg?.supplier, 'The Babel Team <team@babeljs.io>');
  });

  test('reads the legacy licenses array of objects and strings', () => {
    const facts = parse({
      name: 'old-style',
      version: '0.1.2',
      licenses: [{ type: 'MIT', url: 'http://x/MIT' }, 'Apache-2.0', { url: 'no type' }, 'MIT'],
    });
    assert.deepEqual(facts?.packages?.[0]?.licenses, ['MIT', 'Apache-2.0']);
  });

  test('keeps an SPDX expression as one licence and leaves licence and supplier unset when absent', () => {
    const withExpression = parse({ name: 'dual', version: '1.0.0', license: '(MIT OR Apache-2.0)' });
    assert.deepEqual(withExpression?.packages?.[0]?.licenses, ['(MIT OR Apache-2.0)']);
    const bare = parse({ name: 'bare', version: '2.0.0', license: '', author: { url: 'https://x' } });
    assert.deepEqual(bare?.packages?.[0], {
      name: 'bare',
      version: '2.0.0',
      type: 'npm',
      location: path,
      foundBy: 'npm',
    });
  });

  test('skips manifests without a usable name or version silently', () => {
    assert.equal(parse({ name: 'fixture-without-version' }), undefined);
    assert.equal(parse({ version: '1.0.0' }), undefined);
    assert.equal(parse({ name: 42, version: '1.0.0' }), undefined);
    assert.equal(parse({ name: 'x', version: ['1.0.0'] }), undefined);
    assert.equal(parse({ name: '  ', version: '1.0.0' }), undefined);
    assert.equal(parse(['not', 'an', 'object']), undefined);
    assert.equal(parse(null), undefined);
  });

  test('tolerates a UTF-8 byte order mark', () => {
    const content = Buffer.concat([
      Buffer.from([0xef, 0xbb, 0xbf]),
      Buffer.from('{"name":"bom","version":"1.0.0"}'),
    ]);
    assert.equal(parsePackageJson(content, path)?.packages?.[0]?.name, 'bom');
  });

  test('warns about invalid and truncated JSON instead of throwing', () => {
    for (const text of ['{"name": "broken", "version": ', '', '\u0000\u0001garbage', '{"name":"a",}']) {
      const facts = parsePackageJson(Buffer.from(text), path);
      assert.equal(facts?.packages, undefined);
      assert.equal(facts?.warnings?.length, 1);
      assert.equal(facts?.warnings?.[0]?.code, 'PARSE_ERROR');
      assert.equal(facts?.warnings?.[0]?.file, path);
      assert.match(facts?.warnings?.[0]?.message ?? '', /^invalid package\.json: /);
      assert.equal(facts?.incomplete, undefined);
    }
  });

  test('refuses a manifest above 1 MiB with a warning', () => {
    const padding = ' '.repeat(MAX_PACKAGE_JSON_SIZE);
    const facts = parsePackageJson(Buffer.from(`{"name":"big","version":"1.0.0"}${padding}`), path);
    assert.equal(facts?.packages, undefined);
    assert.equal(facts?.warnings?.[0]?.code, 'FILE_TOO_LARGE');
  });
});
