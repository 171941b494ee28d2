import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { fixture } from '../../test/helpers/paths.js';
import { KeelsonError } from '../core/errors.js';
import { MAX_VEX_BYTES } from './json.js';
import { isOpenVexDocument, parseOpenVex } from './openvex.js';

const read = (...parts: string[]) => readFileSync(fixture('vex', ...parts));

function parseError(pattern: RegExp, line?: number) {
  return (err: unknown) => {
    assert.ok(err instanceof KeelsonError, String(err));
    assert.equal(err.code, 'PARSE_ERROR');
    assert.equal(err.context.file, 'doc.json');
    assert.match(err.message, pattern);
    if (line !== undefined) assert.equal(err.context.line, line);
    return true;
  };
}

describe('parseOpenVex on real documents', () => {
  test('trivy test document: one statement, document timestamp', () => {
    const statements = parseOpenVex(read('openvex', 'trivy-openvex.json'), 'trivy-openvex.json');
    assert.deepEqual(statements, [
      {
        vulnerability: 'CVE-2021-44228',
        aliases: [],
        products: ['pkg:maven/org.springframework.boot/spring-boot@2.6.0'],
        subcomponents: [],
        status: 'not_affected',
        justification: 'vulnerable_code_not_in_execute_path',
        timestamp: '2023-01-16T19:07:16.853479631-06:00',
        origin: 'trivy-openvex.json',
        format: 'openvex',
      },
    ]);
  });

  test('DHI alpine-base: plain products and image products with subcomponents become separate statements', () => {
    const statements = parseOpenVex(read('dhi', 'dhi-alpine-base.vex.json'), 'a.json', { origin: 'file:a' });
    const busybox = 'pkg:apk/alpine/busybox@1.37.0-r19?os_name=alpine&os_version=3.22';
    const common = {
      aliases: [],
      status: 'under_investigation',
      statusNotes: 'Waiting for upstream fix',
      origin: 'file:a',
      documentId:
        'https://openvex.dev/docs/public/vex-e5512696834fb1c6271cd0c02f859d1dafa0c6e282aaf6ca2498ffcac71f5651',
      format: 'openvex',
    };
    assert.deepEqual(statements, [
      {
        ...common,
        vulnerability: 'CVE-2024-58251',
        products: [busybox],
        subcomponents: [],
        timestamp: '2025-08-25T11:19:57.132Z',
      },
      {
        ...common,
        vulnerability: 'CVE-2024-58251',
        products: ['pkg:docker/dhi/alpine-base', 'pkg:oci/dhi%2Falpine-base'],
        subcomponents: [busybox],
        timestamp: '2025-08-25T11:19:57.132Z',
      },
      {
        ...common,
        vulnerability: 'CVE-2025-46394',
        products: [busybox],
        subcomponents: [],
        timestamp: '2025-08-25T11:19:55.436Z',
      },
      {
        ...common,
        vulnerability: 'CVE-2025-46394',
        products: ['pkg:docker/dhi/alpine-base', 'pkg:oci/dhi%2Falpine-base'],
        subcomponents: [busybox],
        timestamp: '2025-08-25T11:19:55.436Z',
      },
    ]);
  });

  test('DHI debian-base: the 53 statements and their status/justification counts (formats.md §4.3)', () => {
    const statements = parseOpenVex(read('dhi', 'dhi-debian-base.vex.json'), 'd.json');
    const plain = statements.filter((s) => s.subcomponents.length === 0);
    assert.equal(plain.length, 53);
    assert.equal(statements.length, 106);
    const counts = new Map<string, number>();
    for (const s of plain) {
      const key = `${s.status}/${s.justification ?? ''}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    assert.deepEqual(Object.fromEntries(counts), {
      'not_affected/vulnerable_code_cannot_be_controlled_by_adversary': 43,
      'not_affected/inline_mitigations_already_exist': 4,
      'not_affected/vulnerable_code_not_in_execute_path': 2,
      'under_investigation/': 4,
    });
    const lz4 = plain.find((s) => s.vulnerability === 'CVE-2025-62813');
    assert.ok(lz4);
    assert.deepEqual(lz4.products, [
      'pkg:deb/debian/liblz4-1',
      'pkg:deb/debian/liblz4-dev',
      'pkg:deb/debian/liblz4-tool',
      'pkg:deb/debian/lz4@1.10.0-4?os_distro=trixie&os_name=debian&os_version=13',
      'pkg:deb/debian/lz4@1.9.4-1?os_distro=bookworm&os_name=debian&os_version=12',
    ]);
    assert.equal(lz4.justification, 'vulnerable_code_cannot_be_controlled_by_adversary');
    assert.match(lz4.statusNotes ?? '', /lz4\/issues\/1667/);
  });

  test('DHI upcoming model: name, aliases, affected with action statement', () => {
    const [statement, ...rest] = parseOpenVex(
      read('dhi-suite', 'DHI-CVE-2016-2781-coreutils.json'),
      'c.json',
    );
    assert.equal(rest.length, 0);
    assert.equal(statement?.vulnerability, 'DHI-CVE-2016-2781-coreutils');
    assert.deepEqual(statement?.aliases, ['CVE-2016-2781']);
    assert.deepEqual(statement?.products, [
      'pkg:apk/dhi/coreutils@9.11-r0?os_distro=alpine&os_name=dhi&os_version=3.24',
    ]);
    assert.equal(statement?.status, 'affected');
    assert.match(statement?.actionStatement ?? '', /^Synthetic fixture status/);
    assert.equal(statement?.timestamp, '2026-06-30T00:00:00Z');
  });

  test('Ubuntu: vulnerability @id and URL aliases, per-release products, impact statement', () => {
    const statements = parseOpenVex(read('ubuntu', 'CVE-2023-38545.json'), 'u.json');
    assert.deepEqual(
      statements.map((s) => [s.status, s.products.length, s.justification]),
      [
        ['fixed', 149, undefined],
        ['affected', 113, undefined],
        ['not_affected', 356, 'vulnerable_code_not_present'],
      ],
    );
    const [fixed, , notAffected] = statements;
    assert.equal(fixed?.vulnerability, 'CVE-2023-38545');
    assert.ok(fixed?.aliases.includes('https://www.cve.org/CVERecord?id=CVE-2023-38545'));
    assert.equal(fixed?.products[0], 'pkg:deb/ubuntu/curl@7.81.0-1ubuntu1.24?arch=source&distro=jammy');
    assert.equal(
      fixed?.documentId,
      'https://github.com/canonical/ubuntu-security-notices/blob/main/vex/cve/2023/CVE-2023-38545',
    );
    assert.match(notAffected?.impactStatement ?? '', /affects 7\.69 and higher/);
  });
});

describe('parseOpenVex shapes', () => {
  test('v0.0.x: string vulnerability, string products, statement-level subcomponents', () => {
    const doc = {
      '@context': 'https://openvex.dev/ns',
      '@id': 'https://example.com/vex-1',
      author: 'x',
      timestamp: '2023-05-01T00:00:00Z',
      statements: [
        {
          vulnerability: 'CVE-2023-1111',
          products: ['pkg:oci/app@sha256%3Aabc'],
          subcomponents: ['pkg:golang/example.com/lib@v1.0.0'],
          status: 'fixed',
        },
      ],
    };
    assert.deepEqual(parseOpenVex(JSON.stringify(doc), 'old.json'), [
      {
        vulnerability: 'CVE-2023-1111',
        aliases: [],
        products: ['pkg:oci/app@sha256%3Aabc'],
        subcomponents: ['pkg:golang/example.com/lib@v1.0.0'],
        status: 'fixed',
        timestamp: '2023-05-01T00:00:00Z',
        documentId: 'https://example.com/vex-1',
        origin: 'old.json',
        format: 'openvex',
      },
    ]);
    assert.ok(isOpenVexDocument(doc));
  });

  test('identifiers.purl, @id-only vulnerability, last_updated over timestamp, empty strings dropped', () => {
    const doc = {
      '@context': 'https://openvex.dev/ns/v0.2.0',
      timestamp: '2024-01-01T00:00:00Z',
      statements: [
        {
          vulnerability: { '@id': 'https://osv.dev/GHSA-xxxx' },
          timestamp: '2024-02-01T00:00:00Z',
          last_updated: '2024-03-01T00:00:00Z',
          products: [
            { identifiers: { purl: 'pkg:npm/a@1' } },
            { '@id': 'pkg:npm/b@1', identifiers: { cpe23: 'x' } },
          ],
          status: 'not_affected',
          impact_statement: '',
          justification: 'component_not_present',
        },
      ],
    };
    const [s] = parseOpenVex(JSON.stringify(doc), 'x.json');
    assert.equal(s?.vulnerability, 'https://osv.dev/GHSA-xxxx');
    assert.deepEqual(s?.products, ['pkg:npm/a@1', 'pkg:npm/b@1']);
    assert.equal(s?.timestamp, '2024-03-01T00:00:00Z');
    assert.equal(s?.impactStatement, undefined);
    assert.ok(!('impactStatement' in (s ?? {})));
  });

  test('a statement without products yields a statement that names nothing', () => {
    const doc = {
      '@context': 'https://openvex.dev/ns/v0.2.0',
      statements: [{ vulnerability: { name: 'CVE-1' }, status: 'affected' }],
    };
    assert.deepEqual(parseOpenVex(JSON.stringify(doc), 'x.json')[0]?.products, []);
  });
});

describe('parseOpenVex on hostile input', () => {
  const wrap = (statements: unknown) =>
    JSON.stringify({ '@context': 'https://openvex.dev/ns/v0.2.0', statements });

  test('invalid and truncated JSON name the file and line', () => {
    assert.throws(
      () => parseOpenVex('{\n"a": 1\n"statements": []}', 'doc.json'),
      parseError(/not valid JSON/, 3),
    );
    assert.throws(() => parseOpenVex('{\n"statements": [\n}', 'doc.json'), parseError(/not valid JSON/));
    const text = read('dhi', 'dhi-alpine-base.vex.json').toString('utf8');
    assert.throws(() => parseOpenVex(text.slice(0, 700), 'doc.json'), parseError(/not valid JSON/));
    assert.throws(() => parseOpenVex('', 'doc.json'), parseError(/not valid JSON/));
    assert.throws(
      () => parseOpenVex(Buffer.from([0xff, 0xfe, 0x00]), 'doc.json'),
      parseError(/not valid JSON/),
    );
  });

  test('wrong types name the JSON path', () => {
    assert.throws(() => parseOpenVex('[]', 'doc.json'), parseError(/expected an object/));
    assert.throws(
      () => parseOpenVex('{"statements": {}}', 'doc.json'),
      parseError(/statements: expected an array/),
    );
    assert.throws(
      () => parseOpenVex(wrap([{ vulnerability: { name: 'CVE-1' }, status: 7 }]), 'doc.json'),
      parseError(/statements\.0\.status: expected one of not_affected/),
    );
    assert.throws(
      () => parseOpenVex(wrap([{ vulnerability: { name: 'CVE-1' }, status: 'maybe' }]), 'doc.json'),
      parseError(/statements\.0\.status/),
    );
    assert.throws(
      () =>
        parseOpenVex(
          wrap([{}, { vulnerability: { name: 'CVE-1' }, status: 'fixed', products: 'pkg:npm/a' }]),
          'doc.json',
        ),
      parseError(/statements\.0\.vulnerability: expected an object/),
    );
    assert.throws(
      () =>
        parseOpenVex(
          wrap([{ vulnerability: { name: 'CVE-1' }, status: 'fixed', products: 'pkg:npm/a' }]),
          'doc.json',
        ),
      parseError(/statements\.0\.products: expected an array/),
    );
    assert.throws(
      () =>
        parseOpenVex(
          wrap([{ vulnerability: { name: 'CVE-1' }, status: 'fixed', products: [{ hashes: {} }] }]),
          'doc.json',
        ),
      parseError(/statements\.0\.products\.0: a component needs an @id/),
    );
    assert.throws(
      () =>
        parseOpenVex(wrap([{ vulnerability: { name: 'CVE-1', aliases: [1] }, status: 'fixed' }]), 'doc.json'),
      parseError(/statements\.0\.vulnerability\.aliases\.0/),
    );
    assert.throws(
      () => parseOpenVex(wrap([{ vulnerability: {}, status: 'fixed' }]), 'doc.json'),
      parseError(/neither a name nor an @id/),
    );
    assert.throws(
      () =>
        parseOpenVex(
          wrap([{ vulnerability: { name: 'CVE-1' }, status: 'fixed', status_notes: { a: 1 } }]),
          'doc.json',
        ),
      parseError(/statements\.0\.status_notes: expected a string/),
    );
  });

  test('deeply nested JSON is an error or ignored, never a crash', () => {
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    const doc = `{"@context":"https://openvex.dev/ns/v0.2.0","x":${deep},"statements":[{"vulnerability":${deep},"status":"fixed"}]}`;
    assert.throws(
      () => parseOpenVex(doc, 'doc.json'),
      (err: unknown) => {
        assert.ok(err instanceof KeelsonError);
        assert.equal(err.code, 'PARSE_ERROR');
        return true;
      },
    );
  });

  test('documents over the size cap are refused before parsing', () => {
    const huge = Buffer.alloc(MAX_VEX_BYTES + 1, 0x20);
    assert.throws(() => parseOpenVex(huge, 'doc.json'), parseError(/over the 64 MiB limit/));
  });

  test('a large valid document parses in bounded time', () => {
    const statements = Array.from({ length: 50_000 }, (_, i) => ({
      vulnerability: { name: `CVE-2024-${i}` },
      products: [{ '@id': `pkg:npm/p${i}@1.0.0` }],
      status: 'not_affected',
      justification: 'component_not_present',
    }));
    const started = Date.now();
    const parsed = parseOpenVex(wrap(statements), 'doc.json');
    assert.equal(parsed.length, 50_000);
    assert.equal(parsed[49_999]?.vulnerability, 'CVE-2024-49999');
    assert.ok(Date.now() - started < 10_000);
  });

  test('a UTF-8 BOM is accepted', () => {
    const text = `\uFEFF${wrap([{ vulnerability: { name: 'CVE-1' }, status: 'fixed' }])}`;
    assert.equal(parseOpenVex(Buffer.from(text, 'utf8'), 'doc.json').length, 1);
  });
});
