import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { sbomFormats } from './registry.js';
import { testInventory } from './test-inventory.js';
import { assertValidCycloneDx, assertValidInventory, assertValidSpdx } from './test-schemas.js';

describe('sbomFormats', () => {
  test('lists cyclonedx, cyclonedx-1.5, spdx and json', () => {
    assert.deepEqual(Object.keys(sbomFormats), ['cyclonedx', 'cyclonedx-1.5', 'spdx', 'json']);
    assert.deepEqual(
      Object.values(sbomFormats).map(({ mediaType, fileExtension }) => [mediaType, fileExtension]),
      [
        ['application/vnd.cyclonedx+json', '.cdx.json'],
        ['application/vnd.cyclonedx+json', '.cdx.json'],
        ['application/spdx+json', '.spdx.json'],
        ['application/json', '.json'],
      ],
    );
  });

  test('each format renders a document its schema accepts', () => {
    const inv = testInventory('dhi-debian');
    const options = { toolVersion: '9.9.9' };
    assertValidCycloneDx(JSON.parse(sbomFormats.cyclonedx.render(inv, options)));
    assertValidSpdx(JSON.parse(sbomFormats.spdx.render(inv, options)));
    assertValidInventory(JSON.parse(sbomFormats.json.render(inv, options)));
  });

  test('without injected clock and uuid, each document gets a fresh id', () => {
    const inv = testInventory('alpine');
    const ids = [1, 2].map(
      () => JSON.parse(sbomFormats.cyclonedx.render(inv, { toolVersion: '1' })).serialNumber,
    );
    assert.match(ids[0], /^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.notEqual(ids[0], ids[1]);
    const namespaces = [1, 2].map(
      () => JSON.parse(sbomFormats.spdx.render(inv, { toolVersion: '1' })).documentNamespace,
    );
    assert.notEqual(namespaces[0], namespaces[1]);
  });
});
