import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { renderSpdxReport } from './spdx.js';
import { variedInput } from './test-findings.js';
import { assertValidSpdx } from './test-schemas.js';

// biome-ignore lint/suspicious/noExplicitAny: test reads the parsed document freely
const render = (): any =>
  JSON.parse(renderSpdxReport(variedInput(), { toolVersion: '1.2.3', now: new Date(0) }));

describe('SPDX scan report', () => {
  test('is a valid SPDX 2.3 document of the inventory', () => {
    const doc = render();
    assertValidSpdx(doc);
    assert.equal(doc.spdxVersion, 'SPDX-2.3');
    assert.equal(doc.packages.length, 5, 'image, OS and three packages');
    assert.ok(
      doc.relationships.some((r: { relationshipType: string }) => r.relationshipType === 'DESCRIBES'),
    );
  });

  test('advisories become SECURITY references on their package (http(s) URLs only, once each)', () => {
    const doc = render();
    // biome-ignore lint/suspicious/noExplicitAny: parsed JSON
    const byName = (name: string) => doc.packages.find((p: any) => p.name === name);
    assert.deepEqual(byName('openssl').externalRefs, [
      {
        referenceCategory: 'PACKAGE-MANAGER',
        referenceType: 'purl',
        referenceLocator: byName('openssl').externalRefs[0].referenceLocator,
      },
      {
        referenceCategory: 'SECURITY',
        referenceType: 'advisory',
        referenceLocator: 'https://security.example.com/CVE-2024-0001',
      },
    ]);
    assert.ok(!JSON.stringify(doc).includes('javascript:'));
  });

  test('the same input and time give the same document namespace', () => {
    const a = render();
    const b = render();
    assert.equal(a.documentNamespace, b.documentNamespace);
    assert.match(a.documentNamespace, /^urn:uuid:[0-9a-f-]{36}$/);
  });
});
