import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { fixture } from '../../test/helpers/paths.js';
import { KeelsonError } from '../core/errors.js';
import { isCycloneDxVex, parseCycloneDxVex } from './cyclonedx.js';

const read = (...parts: string[]) => readFileSync(fixture('vex', 'cyclonedx', ...parts));

function parseError(pattern: RegExp) {
  return (err: unknown) => {
    assert.ok(err instanceof KeelsonError, String(err));
    assert.equal(err.code, 'PARSE_ERROR');
    assert.equal(err.context.file, 'bom.json');
    assert.match(err.message, pattern);
    return true;
  };
}

describe('parseCycloneDxVex', () => {
  test("trivy's VEX BOM: BOM-Link refs whose fragments are purls", () => {
    const statements = parseCycloneDxVex(read('trivy-cyclonedx.json'), 'trivy-cyclonedx.json');
    assert.deepEqual(statements, [
      {
        vulnerability: 'CVE-2018-7489',
        aliases: [],
        products: ['pkg:maven/com.fasterxml.jackson.core/jackson-databind@2.8.0'],
        subcomponents: [],
        status: 'not_affected',
        justification: 'code_not_reachable',
        origin: 'trivy-cyclonedx.json',
        format: 'cyclonedx',
      },
      {
        vulnerability: 'CVE-2022-27943',
        aliases: [],
        products: ['pkg:deb/ubuntu/libstdc%2B%2B6@12.3.0-1ubuntu1~22.04?arch=amd64&distro=ubuntu-22.04'],
        subcomponents: [],
        status: 'not_affected',
        origin: 'trivy-cyclonedx.json',
        format: 'cyclonedx',
      },
    ]);
  });

  test('embedded VEX: bom-refs (nested, metadata.component), states, aliases, timestamps', () => {
    const statements = parseCycloneDxVex(read('authored-embedded-vex.cdx.json'), 'bom.json', { origin: 'o' });
    const byId = new Map(statements.map((s) => [s.vulnerability, s]));
    assert.deepEqual(
      [...byId.keys()],
      ['CVE-2024-5535', 'GHSA-29mw-wpgm-hmr9', 'CVE-2024-29041', 'CVE-2025-0001', 'CVE-2025-0002'],
    );
    assert.deepEqual(byId.get('CVE-2024-5535'), {
      vulnerability: 'CVE-2024-5535',
      aliases: [],
      products: ['pkg:deb/debian/openssl@3.0.15-1~deb12u1?arch=amd64&distro=debian-12'],
      subcomponents: [],
      status: 'not_affected',
      justification: 'code_not_reachable',
      impactStatement:
        'SSL_select_next_proto is never called with an empty client list by any program in this image.',
      actionStatement: 'response: will_not_fix',
      timestamp: '2025-10-15T12:00:00Z',
      origin: 'o',
      documentId: 'urn:uuid:0b6d7c4e-2f1a-4c55-9a0e-6f3c1e8a9d21',
      format: 'cyclonedx',
    });
    const lodash = byId.get('GHSA-29mw-wpgm-hmr9');
    assert.equal(lodash?.status, 'affected');
    assert.deepEqual(lodash?.aliases, ['CVE-2020-28500']);
    assert.deepEqual(lodash?.products, ['pkg:npm/lodash@4.17.20']);
    assert.equal(lodash?.actionStatement, 'Upgrade lodash to 4.17.21.');
    assert.equal(lodash?.timestamp, '2025-11-02T09:30:00Z');
    const express = byId.get('CVE-2024-29041');
    assert.equal(express?.status, 'fixed');
    assert.deepEqual(express?.products, ['pkg:npm/express@4.19.2', 'pkg:npm/express@4.19.1']);
    assert.equal(express?.statusNotes, 'Patched in the vendored copy.');
    assert.equal(express?.timestamp, '2025-09-01T00:00:00Z');
    // `app` has no purl and the BOM-Link points into another BOM: nothing resolvable.
    assert.equal(byId.get('CVE-2025-0001')?.status, 'under_investigation');
    assert.deepEqual(byId.get('CVE-2025-0001')?.products, []);
    assert.equal(byId.get('CVE-2025-0002')?.status, 'not_affected');
    assert.deepEqual(byId.get('CVE-2025-0002')?.products, [
      'pkg:oci/web@sha256%3A4f1c2b7e9d0a8c6b5e3f2a1d0c9b8a7f6e5d4c3b2a1f0e9d8c7b6a5f4e3d2c1b?repository_url=registry.example.com%2Fteam%2Fweb',
    ]);
  });

  test('a single-string response (as in CycloneDX examples) is accepted', () => {
    const bom = {
      bomFormat: 'CycloneDX',
      specVersion: '1.4',
      vulnerabilities: [
        {
          id: 'CVE-2020-25649',
          analysis: { state: 'not_affected', justification: 'code_not_reachable', response: 'will_not_fix' },
          affects: [
            {
              ref: 'urn:cdx:3e671687-395b-41f5-a30f-a58921a69b79/1#pkg:maven/com.fasterxml.jackson.core/jackson-databind@2.10.0?type=jar',
            },
          ],
        },
      ],
    };
    const [s] = parseCycloneDxVex(JSON.stringify(bom), 'bom.json');
    assert.equal(s?.actionStatement, 'response: will_not_fix');
    assert.deepEqual(s?.products, ['pkg:maven/com.fasterxml.jackson.core/jackson-databind@2.10.0?type=jar']);
    assert.ok(isCycloneDxVex(bom));
    assert.ok(!isCycloneDxVex({ bomFormat: 'CycloneDX', components: [] }));
  });

  test('hostile input: wrong types, unknown states, deep nesting, many components', () => {
    const base = { bomFormat: 'CycloneDX', specVersion: '1.6' };
    assert.throws(() => parseCycloneDxVex('{"bomFormat":"SPDX"}', 'bom.json'), parseError(/bomFormat/));
    assert.throws(
      () => parseCycloneDxVex(JSON.stringify({ ...base, specVersion: '2.0' }), 'bom.json'),
      parseError(/specVersion: unsupported 2\.0/),
    );
    assert.throws(
      () => parseCycloneDxVex(JSON.stringify({ ...base, vulnerabilities: {} }), 'bom.json'),
      parseError(/vulnerabilities: expected an array/),
    );
    assert.throws(
      () =>
        parseCycloneDxVex(
          JSON.stringify({ ...base, vulnerabilities: [{ id: 'CVE-1', analysis: { state: 'maybe' } }] }),
          'bom.json',
        ),
      parseError(/vulnerabilities\.0\.analysis\.state: expected one of/),
    );
    assert.throws(
      () =>
        parseCycloneDxVex(
          JSON.stringify({ ...base, vulnerabilities: [{ analysis: { state: 'in_triage' } }] }),
          'bom.json',
        ),
      parseError(/vulnerabilities\.0\.id: the vulnerability has no id/),
    );
    assert.throws(
      () =>
        parseCycloneDxVex(
          JSON.stringify({
            ...base,
            vulnerabilities: [{ id: 'CVE-1', analysis: { state: 'in_triage' }, affects: [{ ref: 5 }] }],
          }),
          'bom.json',
        ),
      parseError(/vulnerabilities\.0\.affects\.0\.ref: expected a string/),
    );
    assert.throws(
      () => parseCycloneDxVex(JSON.stringify({ ...base, components: [1], vulnerabilities: [] }), 'bom.json'),
      parseError(/components\.0: expected an object/),
    );
    assert.throws(
      () => parseCycloneDxVex('{"bomFormat": "CycloneDX", ', 'bom.json'),
      parseError(/not valid JSON/),
    );

    // Components nested 50 000 deep (JSON written by hand: JSON.stringify itself recurses) are walked
    // without recursion.
    const depth = 50_000;
    const open = '{"bom-ref":"c","components":['.repeat(depth);
    const close = ']}'.repeat(depth);
    const deep =
      `{"bomFormat":"CycloneDX","specVersion":"1.6","components":[${open}{"bom-ref":"leaf","purl":"pkg:npm/leaf@1"}${close}],` +
      '"vulnerabilities":[{"id":"CVE-1","analysis":{"state":"resolved"},"affects":[{"ref":"leaf"}]}]}';
    assert.deepEqual(parseCycloneDxVex(deep, 'bom.json')[0]?.products, ['pkg:npm/leaf@1']);
  });
});
