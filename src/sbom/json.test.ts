import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Inventory } from '../core/types.js';
import { renderInventoryJson } from './json.js';
import { hostileInventory, TEST_DISTROS, type TestDistroName, testInventory } from './test-inventory.js';
import { assertValidInventory } from './test-schemas.js';

const options = { toolVersion: '0.1.0' };

describe('renderInventoryJson', () => {
  for (const name of Object.keys(TEST_DISTROS) as TestDistroName[]) {
    test(`${name} inventory matches docs/inventory.schema.json`, () => {
      assertValidInventory(JSON.parse(renderInventoryJson(testInventory(name), options)));
    });
  }

  test('is the inventory, without owned file lists', () => {
    const inv = testInventory('alpine');
    const output: Inventory = JSON.parse(renderInventoryJson(inv, options));
    assert.equal(output.packages[0]?.files, undefined);
    const { files: _files, ...musl } = inv.packages[0]!;
    assert.deepEqual(output, { ...inv, packages: [musl, ...inv.packages.slice(1)] });
  });

  test('keeps file lists when asked', () => {
    const inv = testInventory('alpine');
    const output: Inventory = JSON.parse(renderInventoryJson(inv, { ...options, includeFiles: true }));
    assert.deepEqual(output.packages[0]?.files, ['lib/ld-musl-x86_64.so.1', 'lib/libc.musl-x86_64.so.1']);
    assert.deepEqual(output, inv);
    assertValidInventory(output);
  });

  test('does not change the inventory it is given', () => {
    const inv = testInventory('alpine');
    renderInventoryJson(inv, options);
    assert.equal(inv.packages[0]!.files?.length, 2);
  });

  test('hostile packages stay schema-valid', () => {
    const output: Inventory = JSON.parse(renderInventoryJson(hostileInventory(), options));
    assertValidInventory(output);
    assert.equal(output.packages[3]?.name, 'lib@foo/bar\u0000');
  });

  test('an incomplete scan with warnings and embedded SBOMs', () => {
    const inv = testInventory('wolfi');
    inv.complete = false;
    inv.warnings = [{ code: 'PARSE_ERROR', message: 'truncated at line 3', file: 'lib/apk/db/installed' }];
    inv.embeddedSboms = [
      { path: 'var/lib/db/sbom/busybox-1.36.1-r2.spdx.json', format: 'spdx', packages: 1, merged: 0 },
    ];
    assertValidInventory(JSON.parse(renderInventoryJson(inv, options)));
  });
});

describe('docs/inventory.schema.json', () => {
  /** Sets (or, with `undefined`, deletes) the value at `path` in a valid document; the schema must refuse it. */
  const rejects = (path: (string | number)[], value: unknown, what: string) =>
    test(`rejects ${what}`, () => {
      const doc = JSON.parse(renderInventoryJson(testInventory('debian'), options)) as Record<
        string,
        unknown
      >;
      const parent = path
        .slice(0, -1)
        .reduce<Record<string | number, unknown>>((node, key) => node[key] as never, doc);
      const key = path[path.length - 1]!;
      if (value === undefined) delete parent[key];
      else parent[key] = value;
      assert.throws(() => assertValidInventory(doc), /not schema-valid/);
    });

  rejects(['packages', 0, 'extra'], 1, 'an unknown package field');
  rejects(['packages', 0, 'type'], 'cargo', 'an unknown package type');
  rejects(['packages', 0, 'purl'], undefined, 'a package without purl');
  rejects(['packages', 0, 'layer', 'base'], 'yes', 'a base flag that is not boolean');
  rejects(['layers', 0, 'diffID'], 'not-a-digest', 'a diffID that is not a digest');
  rejects(['provider', 'name'], 'acme', 'an unknown provider');
  rejects(['schemaVersion'], 2, 'another schema version');
  rejects(['stats', 'bytesRead'], -1, 'a negative count');
  rejects(['base', 'method'], 'guess', 'an unknown base boundary method');
  rejects(['complete'], undefined, 'a document without `complete`');
});
