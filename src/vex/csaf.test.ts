import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { fixture } from '../../test/helpers/paths.js';
import { KeelsonError } from '../core/errors.js';
import { isCsafDocument, parseCsafVex } from './csaf.js';

const SAMPLE = fixture('vex', 'csaf', 'authored-csaf-vex.json');
const WEB = 'pkg:oci/web?repository_url=registry.example.com/team/web&tag=2.4.1';
const OPENSSL = 'pkg:deb/debian/openssl@3.0.15-1~deb12u1?distro=debian-12';
const ZLIB = 'pkg:deb/debian/zlib1g@1:1.2.13.dfsg-1?distro=debian-12';

function parseError(pattern: RegExp) {
  return (err: unknown) => {
    assert.ok(err instanceof KeelsonError, String(err));
    assert.equal(err.code, 'PARSE_ERROR');
    assert.equal(err.context.file, 'csaf.json');
    assert.match(err.message, pattern);
    return true;
  };
}

describe('parseCsafVex', () => {
  test('authored CSAF VEX: relationships, groups, flags, threats, remediations', () => {
    const statements = parseCsafVex(readFileSync(SAMPLE), 'csaf.json');
    const common = {
      origin: 'csaf.json',
      format: 'csaf',
      timestamp: '2025-06-20T08:15:00.000Z',
      documentId: 'EXAMPLE-VEX-2025-0042',
    };
    assert.deepEqual(statements, [
      {
        ...common,
        vulnerability: 'CVE-2023-5678',
        aliases: ['EXAMPLE-2023-118'],
        products: [WEB],
        subcomponents: [OPENSSL],
        status: 'not_affected',
        justification: 'vulnerable_code_not_in_execute_path',
        impactStatement: 'No program in the product calls DH_check with attacker-supplied parameters.',
      },
      {
        // openssl installed on the CPE-only firmware: no parent purl, so the component itself.
        ...common,
        vulnerability: 'CVE-2023-5678',
        aliases: ['EXAMPLE-2023-118'],
        products: [OPENSSL],
        subcomponents: [],
        status: 'not_affected',
        justification: 'vulnerable_code_not_in_execute_path',
        impactStatement: 'No program in the product calls DH_check with attacker-supplied parameters.',
      },
      {
        ...common,
        vulnerability: 'CVE-2023-45853',
        aliases: [],
        products: ['pkg:golang/example.com/cli@v1.8.0'],
        subcomponents: [],
        status: 'not_affected',
        justification: 'component_not_present',
      },
      {
        ...common,
        vulnerability: 'CVE-2023-45853',
        aliases: [],
        products: [WEB],
        subcomponents: [ZLIB],
        status: 'fixed',
        actionStatement: 'vendor_fix: zlib1g was rebuilt without minizip in web image 2.4.1.',
      },
      {
        ...common,
        vulnerability: 'CVE-2024-0727',
        aliases: [],
        products: [WEB],
        subcomponents: [OPENSSL],
        status: 'affected',
        actionStatement: 'workaround: Do not process PKCS12 files from untrusted sources.',
      },
      {
        // No cve: the first id names it; FW-7 has only a CPE and is dropped.
        ...common,
        vulnerability: 'EXAMPLE-2025-007',
        aliases: [],
        products: ['pkg:golang/example.com/cli@v1.8.0'],
        subcomponents: [],
        status: 'under_investigation',
      },
    ]);
  });

  test('sniffing', () => {
    const doc = JSON.parse(readFileSync(SAMPLE, 'utf8')) as unknown;
    assert.ok(isCsafDocument(doc));
    assert.ok(!isCsafDocument({ document: { category: 'csaf_vex' } }));
  });

  test('hostile input: wrong version or category, bad types, missing ids, deep branches', () => {
    const doc = JSON.parse(readFileSync(SAMPLE, 'utf8')) as unknown;
    /** The sample with the value at a dotted path replaced (or deleted when undefined). */
    const mutate = (path: string, value: unknown) => {
      const copy = structuredClone(doc) as Record<string, unknown>;
      const keys = path.split('.');
      let node = copy;
      for (const key of keys.slice(0, -1)) node = node[key] as Record<string, unknown>;
      const last = keys[keys.length - 1]!;
      if (value === undefined) delete node[last];
      else node[last] = value;
      return JSON.stringify(copy);
    };
    assert.throws(
      () => parseCsafVex(mutate('document.csaf_version', '1.0'), 'csaf.json'),
      parseError(/document\.csaf_version: expected 2\.x/),
    );
    assert.throws(
      () => parseCsafVex(mutate('document.category', 'csaf_base'), 'csaf.json'),
      parseError(/document\.category: expected csaf_vex/),
    );
    assert.throws(
      () => parseCsafVex(mutate('vulnerabilities.2.product_status.known_affected', 'x'), 'csaf.json'),
      parseError(/vulnerabilities\.2\.product_status\.known_affected: expected an array/),
    );
    assert.throws(
      () => parseCsafVex(mutate('vulnerabilities.3.ids', []), 'csaf.json'),
      parseError(/vulnerabilities\.3: the vulnerability has neither a cve nor ids/),
    );
    assert.throws(
      () => parseCsafVex(mutate('product_tree.relationships.0.full_product_name', undefined), 'csaf.json'),
      parseError(/product_tree\.relationships\.0\.full_product_name: expected an object/),
    );
    assert.throws(
      () =>
        parseCsafVex(
          mutate('product_tree.branches.0.branches.0.branches.0.product.product_id', 3),
          'csaf.json',
        ),
      parseError(
        /product_tree\.branches\.0\.branches\.0\.branches\.0\.product\.product_id: expected a string/,
      ),
    );
    assert.throws(
      () => parseCsafVex('{"document": 1}', 'csaf.json'),
      parseError(/document: expected an object/),
    );
    assert.throws(() => parseCsafVex('{"document": {"csaf', 'csaf.json'), parseError(/not valid JSON/));

    // Unknown product ids and statuses on nothing are ignored, not errors.
    const unknown = parseCsafVex(
      mutate('vulnerabilities', [{ cve: 'CVE-9', product_status: { fixed: ['NOPE'] } }]),
      'csaf.json',
    );
    assert.deepEqual(unknown, []);

    // Branches nested 50 000 deep are walked without recursion.
    const depth = 50_000;
    const deep =
      '{"document":{"category":"csaf_vex","csaf_version":"2.0"},"product_tree":{"branches":[' +
      '{"category":"vendor","name":"v","branches":['.repeat(depth) +
      '{"category":"product_version","name":"1","product":{"name":"p","product_id":"P","product_identification_helper":{"purl":"pkg:npm/p@1"}}}' +
      ']}'.repeat(depth) +
      ']},"vulnerabilities":[{"cve":"CVE-1","product_status":{"fixed":["P"]}}]}';
    assert.deepEqual(parseCsafVex(deep, 'csaf.json')[0]?.products, ['pkg:npm/p@1']);
  });
});
