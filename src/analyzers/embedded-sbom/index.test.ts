import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { EntryInfo, FileFacts } from '../types.js';
import { embeddedSbomAnalyzer } from './index.js';

const ctx = { sibling: () => undefined };
const entry = (path: string): EntryInfo => ({ path, size: 1, mode: 0o644, type: 'file' });

function analyze(path: string, document: unknown): FileFacts {
  const content = Buffer.isBuffer(document)
    ? document
    : Buffer.from(typeof document === 'string' ? document : JSON.stringify(document));
  const facts = embeddedSbomAnalyzer.analyze({ path, content, mode: 0o644 }, ctx);
  assert.ok(facts);
  return facts;
}

const purlRef = (locator: string) => ({
  referenceCategory: 'PACKAGE-MANAGER',
  referenceType: 'purl',
  referenceLocator: locator,
});

/** The shape melange writes to var/lib/db/sbom/<pkg>-<version>.spdx.json. */
const WOLFI_PATH = 'var/lib/db/sbom/openssl-3.3.2-r0.spdx.json';
const wolfiSpdx = {
  spdxVersion: 'SPDX-2.3',
  dataLicense: 'CC0-1.0',
  SPDXID: 'SPDXRef-DOCUMENT',
  name: 'apk-openssl-3.3.2-r0',
  packages: [
    {
      SPDXID: 'SPDXRef-Package-openssl-3.3.2-r0',
      name: 'openssl',
      versionInfo: '3.3.2-r0',
      supplier: 'Organization: Wolfi',
      licenseDeclared: 'Apache-2.0',
      licenseConcluded: 'NOASSERTION',
      externalRefs: [purlRef('pkg:apk/wolfi/openssl@3.3.2-r0?arch=x86_64&distro=wolfi')],
    },
    {
      SPDXID: 'SPDXRef-Package-github.com-openssl-openssl',
      name: 'openssl',
      versionInfo: 'openssl-3.3.2',
      externalRefs: [purlRef('pkg:github/openssl/openssl@openssl-3.3.2')],
    },
    { SPDXID: 'SPDXRef-Package-no-purl', name: 'just a name', versionInfo: '1' },
  ],
};

describe('embeddedSbomAnalyzer', () => {
  test('wants Wolfi, DHI and any *.spdx.json / *.cdx.json files', () => {
    const wanted = [
      WOLFI_PATH,
      'opt/docker/sbom/.spdx.python.json',
      'opt/docker/sbom/sbom.json',
      'opt/docker/sbom/nested/x.json',
      'app/bom.cdx.json',
      'usr/share/sbom/thing.spdx.json',
    ];
    for (const path of wanted) assert.equal(embeddedSbomAnalyzer.wants(path, entry(path)), true, path);
    for (const path of ['opt/docker/sbom/readme.txt', 'app/package.json', 'bom.json', 'x.spdx']) {
      assert.equal(embeddedSbomAnalyzer.wants(path, entry(path)), false, path);
    }
    assert.equal(embeddedSbomAnalyzer.maxFileSize, 32 * 1024 * 1024);
    assert.equal(embeddedSbomAnalyzer.oversize, 'warn');
  });

  test('Wolfi per-package SPDX: the apk package, not the source reference', () => {
    assert.deepEqual(analyze(WOLFI_PATH, wolfiSpdx), {
      sbom: {
        format: 'spdx',
        packages: [
          {
            name: 'openssl',
            version: '3.3.2-r0',
            type: 'apk',
            arch: 'x86_64',
            licenses: ['Apache-2.0'],
            supplier: 'Wolfi',
            location: WOLFI_PATH,
            foundBy: 'embedded-sbom',
            metadata: {
              sbomPath: WOLFI_PATH,
              sbomPurl: 'pkg:apk/wolfi/openssl@3.3.2-r0?arch=x86_64&distro=wolfi',
            },
          },
        ],
      },
    });
  });

  test('DHI shim: a pkg:dhi runtime becomes a dhi package (matched against DHI OSV later)', () => {
    const path = 'opt/docker/sbom/.spdx.python.json';
    const shim = {
      spdxVersion: 'SPDX-2.3',
      SPDXID: 'SPDXRef-DOCUMENT',
      packages: [
        {
          SPDXID: 'SPDXRef-python',
          name: 'python',
          versionInfo: '3.14.3',
          externalRefs: [purlRef('pkg:dhi/python@3.14.3')],
        },
      ],
    };
    assert.deepEqual(analyze(path, shim), {
      sbom: {
        format: 'spdx',
        packages: [
          {
            name: 'python',
            version: '3.14.3',
            type: 'dhi',
            location: path,
            foundBy: 'embedded-sbom',
            metadata: { sbomPath: path, sbomPurl: 'pkg:dhi/python@3.14.3' },
          },
        ],
      },
    });
  });

  test('every modelled purl type maps onto a package record', () => {
    const purls = [
      'pkg:deb/debian/libc6@2.36-9%2Bdeb12u1?arch=amd64&upstream=glibc',
      'pkg:deb/debian/libssl3@3.0.15-1~deb12u1?arch=arm64&upstream=openssl%403.0.15-1~deb12u1',
      'pkg:rpm/redhat/openssl-libs@3.0.7-27.el9?arch=x86_64&epoch=1&upstream=openssl-3.0.7-27.el9.src.rpm',
      'pkg:apk/alpine/busybox-binsh@1.37.0-r19?arch=aarch64&origin=busybox',
      'pkg:npm/%40angular/core@17.0.1',
      'pkg:pypi/Django@4.2.1',
      'pkg:golang/github.com/sirupsen/logrus@v1.9.3',
      'pkg:maven/org.apache.logging.log4j/log4j-core@2.17.1?type=jar',
      'pkg:gem/rack@3.0.8',
    ];
    const doc = {
      spdxVersion: 'SPDX-2.2',
      packages: purls.map((p, i) => ({ SPDXID: `SPDXRef-${i}`, externalRefs: [purlRef(p)] })),
    };
    const path = 'sbom/all.spdx.json';
    const summary = analyze(path, doc).sbom?.packages.map((p) => ({
      type: p.type,
      name: p.name,
      version: p.version,
      ...(p.arch ? { arch: p.arch } : {}),
      ...(p.epoch ? { epoch: p.epoch } : {}),
      ...(p.source ? { source: p.source } : {}),
      ...(p.metadata?.groupId ? { groupId: p.metadata.groupId, artifactId: p.metadata.artifactId } : {}),
    }));
    assert.deepEqual(summary, [
      {
        type: 'deb',
        name: 'libc6',
        version: '2.36-9+deb12u1',
        arch: 'amd64',
        source: { name: 'glibc', version: '2.36-9+deb12u1' },
      },
      {
        type: 'deb',
        name: 'libssl3',
        version: '3.0.15-1~deb12u1',
        arch: 'arm64',
        source: { name: 'openssl', version: '3.0.15-1~deb12u1' },
      },
      {
        type: 'rpm',
        name: 'openssl-libs',
        version: '1:3.0.7-27.el9',
        arch: 'x86_64',
        epoch: 1,
        source: { name: 'openssl', version: '3.0.7-27.el9' },
      },
      {
        type: 'apk',
        name: 'busybox-binsh',
        version: '1.37.0-r19',
        arch: 'aarch64',
        source: { name: 'busybox', version: '1.37.0-r19' },
      },
      { type: 'npm', name: '@angular/core', version: '17.0.1' },
      { type: 'pypi', name: 'django', version: '4.2.1' },
      { type: 'golang', name: 'github.com/sirupsen/logrus', version: 'v1.9.3' },
      {
        type: 'maven',
        name: 'org.apache.logging.log4j:log4j-core',
        version: '2.17.1',
        groupId: 'org.apache.logging.log4j',
        artifactId: 'log4j-core',
      },
      { type: 'gem', name: 'rack', version: '3.0.8' },
    ]);
  });

  test('CycloneDX: nested components, licence choices, supplier', () => {
    const path = 'app/bom.cdx.json';
    const bom = {
      bomFormat: 'CycloneDX',
      specVersion: '1.6',
      metadata: { component: { type: 'container', name: 'image', purl: 'pkg:oci/image@sha256%3Aabc' } },
      components: [
        {
          type: 'library',
          name: 'express',
          version: '4.18.2',
          purl: 'pkg:npm/express@4.18.2',
          licenses: [{ license: { id: 'MIT' } }],
          supplier: { name: 'OpenJS' },
          components: [
            {
              type: 'library',
              name: 'qs',
              purl: 'pkg:npm/qs@6.11.0',
              licenses: [{ expression: 'BSD-3-Clause OR MIT' }, { license: { name: 'Custom' } }, 'junk'],
              publisher: 'ljharb',
            },
          ],
        },
        { type: 'file', name: 'no purl here' },
        { type: 'library', name: 'generic', purl: 'pkg:generic/thing@1' },
      ],
    };
    assert.deepEqual(analyze(path, bom), {
      sbom: {
        format: 'cyclonedx',
        packages: [
          {
            name: 'express',
            version: '4.18.2',
            type: 'npm',
            licenses: ['MIT'],
            supplier: 'OpenJS',
            location: path,
            foundBy: 'embedded-sbom',
            metadata: { sbomPath: path, sbomPurl: 'pkg:npm/express@4.18.2' },
          },
          {
            name: 'qs',
            version: '6.11.0',
            type: 'npm',
            licenses: ['BSD-3-Clause OR MIT', 'Custom'],
            supplier: 'ljharb',
            location: path,
            foundBy: 'embedded-sbom',
            metadata: { sbomPath: path, sbomPurl: 'pkg:npm/qs@6.11.0' },
          },
        ],
      },
    });
  });

  test('lenient where real tools are sloppy: numeric versions, missing fields, duplicates, version from the component', () => {
    const doc = {
      spdxVersion: 'SPDX-2.3',
      packages: [
        { versionInfo: 2, externalRefs: [{ referenceType: 'PURL', referenceLocator: 'pkg:gem/two' }] },
        { externalRefs: [purlRef('pkg:gem/dup@1')] },
        { externalRefs: [purlRef('pkg:gem/dup@1')] },
        { supplier: 'NOASSERTION', licenseDeclared: 'NONE', externalRefs: [purlRef('pkg:gem/plain@3')] },
      ],
    };
    const packages = analyze('x.spdx.json', doc).sbom?.packages;
    assert.deepEqual(
      packages?.map((p) => [p.name, p.version, p.licenses, p.supplier]),
      [
        ['two', '2', undefined, undefined],
        ['dup', '1', undefined, undefined],
        ['plain', '3', undefined, undefined],
      ],
    );
  });

  test('what cannot be read is counted in one warning', () => {
    const doc = {
      spdxVersion: 'SPDX-2.3',
      packages: [
        'not an object',
        42,
        { externalRefs: 'not an array' },
        { externalRefs: [purlRef('not a purl')] },
        { externalRefs: [purlRef(`pkg:npm/${'a'.repeat(1_000_000)}@1`)] },
        { externalRefs: [purlRef('pkg:npm/versionless')] },
        { externalRefs: [purlRef('pkg:npm/ok@1')] },
      ],
    };
    const facts = analyze('x.spdx.json', doc);
    assert.deepEqual(
      facts.sbom?.packages.map((p) => p.name),
      ['ok'],
    );
    assert.deepEqual(facts.warnings, [
      {
        code: 'SBOM_INVALID',
        message:
          'embedded SBOM read in part: 3 unreadable package entries; 2 invalid package URLs; 1 packages without a version left out',
        file: 'x.spdx.json',
      },
    ]);
    assert.equal(facts.incomplete, undefined);
  });

  test('invalid JSON, other JSON and hostile documents give a warning, never an exception', () => {
    const cases: [unknown, RegExp][] = [
      ['{"spdxVersion": "SPDX-2.3", "packages": [', /not valid JSON/],
      [Buffer.from([0xff, 0xfe, 0, 1, 2]), /not valid JSON/],
      ['', /not valid JSON/],
      [{ name: 'package.json-like' }, /neither SPDX 2.x nor CycloneDX/],
      [{ spdxVersion: 'SPDX-3.0', packages: [] }, /neither SPDX 2.x nor CycloneDX/],
      [{ bomFormat: 'CycloneDX', components: 'nope' }, /neither SPDX 2.x nor CycloneDX/],
      [[1, 2, 3], /neither/],
      [null, /neither/],
    ];
    for (const [document, pattern] of cases) {
      const facts = analyze('x.cdx.json', document);
      assert.equal(facts.sbom, undefined);
      assert.equal(facts.warnings?.length, 1);
      assert.match(facts.warnings?.[0]?.message ?? '', pattern);
      assert.ok((facts.warnings?.[0]?.message.length ?? 0) < 300);
    }
  });

  test('deep nesting and very many components stay bounded', () => {
    // Built as text: JSON.stringify itself would overflow the stack on this nesting.
    const depth = 100_000;
    let nested = '{"purl":"pkg:npm/leaf@1"}';
    for (let i = 0; i < depth; i++) nested = `{"purl":"pkg:npm/n${i}@1","components":[${nested}`;
    nested += ']}'.repeat(depth);
    const deep = analyze('deep.cdx.json', `{"bomFormat":"CycloneDX","components":[${nested}]}`);
    assert.equal(deep.sbom?.packages.length, 100_001);

    const wide = {
      bomFormat: 'CycloneDX',
      components: Array.from({ length: 250_000 }, (_, i) => ({ purl: `pkg:npm/w${i}@1` })),
    };
    const facts = analyze('wide.cdx.json', wide);
    assert.equal(facts.sbom?.packages.length, 200_000);
    assert.match(facts.warnings?.[0]?.message ?? '', /too many packages, the rest were not read/);
  });
});
