import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { PackageURL } from 'packageurl-js';
import type { Inventory } from '../core/types.js';
import { cycloneDxLicenses, renderCycloneDx, renderCycloneDx15 } from './cyclonedx.js';
import { parseLicenseExpression } from './license-expression.js';
import {
  hostileInventory,
  inventoryWith,
  TEST_DISTROS,
  type TestDistroName,
  testInventory,
} from './test-inventory.js';
import { assertValidCycloneDx } from './test-schemas.js';

const options = {
  toolVersion: '0.1.0',
  now: new Date('2026-09-01T12:00:00.123Z'),
  uuid: () => '3E671687-395B-41F5-A30F-A58921A69B79',
};

interface Component {
  type: string;
  'bom-ref': string;
  name: string;
  group?: string;
  version?: string;
  supplier?: { name: string };
  licenses?: unknown[];
  purl?: string;
  description?: string;
  properties?: { name: string; value: string }[];
}

interface Bom {
  bomFormat: string;
  specVersion: string;
  serialNumber: string;
  version: number;
  metadata: { timestamp: string; tools: { components: Component[] }; component: Component };
  components: Component[];
  dependencies: { ref: string; dependsOn?: string[] }[];
}

function render(inv: Inventory): Bom {
  const bom = JSON.parse(renderCycloneDx(inv, options)) as Bom;
  assertValidCycloneDx(bom);
  assertConsistent(bom);
  return bom;
}

/** What the schema cannot check: unique refs, a closed dependency graph, purls and expressions that parse. */
function assertConsistent(bom: Bom): void {
  const refs = [bom.metadata.component, ...bom.components].map((component) => component['bom-ref']);
  assert.equal(new Set(refs).size, refs.length, 'bom-refs are unique');
  for (const dependency of bom.dependencies) {
    for (const ref of [dependency.ref, ...(dependency.dependsOn ?? [])]) assert.ok(refs.includes(ref), ref);
  }
  for (const component of bom.components) {
    if (component.purl) assert.doesNotThrow(() => PackageURL.fromString(component.purl!), component.purl);
    for (const license of component.licenses ?? []) {
      const expression = (license as { expression?: string }).expression;
      if (expression !== undefined) assert.ok(parseLicenseExpression(expression), expression);
    }
  }
}

const byName = (bom: Bom, name: string) => bom.components.find((component) => component.name === name)!;
const property = (component: Component, name: string) =>
  component.properties?.filter((p) => p.name === name).map((p) => p.value);

describe('renderCycloneDx', () => {
  const distros = Object.keys(TEST_DISTROS) as TestDistroName[];
  for (const name of distros) {
    test(`${name} inventory is a valid CycloneDX 1.6 BOM`, () => {
      const inv = testInventory(name);
      const bom = render(inv);
      assert.equal(bom.components.length, inv.packages.length + 1);
    });
  }

  test('document header, tool and image', () => {
    const bom = render(testInventory('alpine'));
    assert.equal(bom.bomFormat, 'CycloneDX');
    assert.equal(bom.specVersion, '1.6');
    assert.equal(bom.serialNumber, 'urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79');
    assert.equal(bom.version, 1);
    assert.equal(bom.metadata.timestamp, '2026-09-01T12:00:00Z');
    assert.deepEqual(bom.metadata.tools.components, [
      { type: 'application', name: 'keelson', version: '0.1.0' },
    ]);
    const image = bom.metadata.component;
    assert.equal(image.type, 'container');
    assert.equal(image.name, 'registry.example/team/app:1.0');
    assert.equal(image.version, `sha256:${'c0'.repeat(32)}`);
    assert.equal(image['bom-ref'], `image:sha256:${'c0'.repeat(32)}`);
    assert.deepEqual(image.properties, [
      { name: 'keelson:image:sourceType', value: 'registry' },
      { name: 'keelson:image:configDigest', value: `sha256:${'d0'.repeat(32)}` },
      { name: 'keelson:distro:id', value: 'alpine' },
      { name: 'keelson:distro:version', value: '3.10.2' },
      { name: 'keelson:provider', value: 'traditional' },
      { name: 'keelson:base:layerCount', value: '1' },
      { name: 'keelson:base:method', value: 'oci-base-annotation' },
      { name: 'keelson:base:detail', value: 'org.opencontainers.image.base.name' },
      { name: 'keelson:complete', value: 'true' },
    ]);
  });

  test('components: the OS, then every package with its purl', () => {
    const bom = render(testInventory('alpine'));
    assert.deepEqual(bom.components[0], {
      type: 'operating-system',
      'bom-ref': 'os:alpine@3.10.2',
      name: 'alpine',
      version: '3.10.2',
      description: 'Alpine Linux v3.10',
      properties: [{ name: 'keelson:distro:source', value: 'etc/os-release' }],
    });
    assert.deepEqual(
      bom.components.slice(1).map((component) => component.purl),
      [
        'pkg:apk/alpine/musl@1.1.22-r3?arch=x86_64&distro=alpine-3.10.2',
        'pkg:apk/alpine/libcrypto1.1@1.1.1d-r0?arch=x86_64&distro=alpine-3.10.2&upstream=openssl',
        'pkg:apk/alpine/busybox@1.30.1-r2?arch=x86_64&distro=alpine-3.10.2',
        'pkg:npm/%40babel/core@7.24.0',
        'pkg:pypi/zope-interface-extra@6.0',
        'pkg:golang/github.com/acme/tool@v1.2.3',
        'pkg:golang/github.com/spf13/cobra@v1.8.0',
        'pkg:golang/stdlib@v1.22.5',
        'pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1',
        'pkg:gem/rake@13.0.6',
      ],
    );
    // Unique purls are the refs.
    assert.equal(
      byName(bom, 'musl')['bom-ref'],
      'pkg:apk/alpine/musl@1.1.22-r3?arch=x86_64&distro=alpine-3.10.2',
    );
  });

  test('a package component in full', () => {
    const musl = byName(render(testInventory('alpine')), 'musl');
    assert.deepEqual(musl, {
      type: 'library',
      'bom-ref': 'pkg:apk/alpine/musl@1.1.22-r3?arch=x86_64&distro=alpine-3.10.2',
      supplier: { name: 'Timo Teräs <timo.teras@iki.fi>' },
      name: 'musl',
      version: '1.1.22-r3',
      licenses: [{ license: { id: 'MIT' } }],
      purl: 'pkg:apk/alpine/musl@1.1.22-r3?arch=x86_64&distro=alpine-3.10.2',
      properties: [
        { name: 'keelson:package:type', value: 'apk' },
        { name: 'keelson:location', value: 'lib/apk/db/installed' },
        { name: 'keelson:source:name', value: 'musl' },
        { name: 'keelson:layer:index', value: '0' },
        { name: 'keelson:layer:diffID', value: `sha256:${'b0'.repeat(32)}` },
        { name: 'keelson:layer:createdBy', value: '/bin/sh -c #(nop) ADD file:1a2b in / ' },
        { name: 'keelson:base', value: 'true' },
        { name: 'keelson:foundBy', value: 'apk' },
        // Trivy's source-package properties, so that `trivy sbom` finds what it finds on the image.
        { name: 'aquasecurity:trivy:SrcName', value: 'musl' },
        { name: 'aquasecurity:trivy:SrcVersion', value: '1.1.22-r3' },
      ],
    });
  });

  test('app layers say base=false; an unknown boundary leaves keelson:base out', () => {
    const bom = render(testInventory('alpine'));
    assert.deepEqual(property(byName(bom, '@babel/core'), 'keelson:base'), ['false']);
    assert.deepEqual(property(byName(bom, '@babel/core'), 'keelson:layer:index'), ['1']);
    assert.deepEqual(property(byName(bom, 'rake'), 'keelson:base'), []);
    assert.deepEqual(property(byName(bom, 'rake'), 'keelson:layer:createdBy'), ['RUN gem install rake']);
  });

  test('maven group and name split; a Go main module is an application', () => {
    const bom = render(testInventory('alpine'));
    const log4j = byName(bom, 'log4j-core');
    assert.equal(log4j.group, 'org.apache.logging.log4j');
    assert.equal(log4j.version, '2.14.1');
    assert.equal(byName(bom, 'github.com/acme/tool').type, 'application');
    assert.equal(byName(bom, 'github.com/spf13/cobra').type, 'library');
    assert.equal(byName(bom, 'stdlib').type, 'library');
  });

  test('licences: ids, expressions, names', () => {
    const debian = render(testInventory('debian'));
    assert.deepEqual(byName(debian, 'libgcc-s1').licenses, [
      { expression: 'GPL-3.0-or-later WITH GCC-exception-3.1' },
    ]);
    assert.deepEqual(byName(debian, 'libc6').licenses, [
      { license: { id: 'LGPL-2.1-or-later' } },
      { license: { id: 'GPL-2.0-or-later' } },
    ]);
    assert.equal(byName(debian, 'github.com/acme/tool').licenses, undefined);
    const photon = render(testInventory('photon'));
    assert.deepEqual(byName(photon, 'libgcc').licenses, [{ license: { name: 'GPLv2+' } }]);
  });

  test('dependencies: image → OS and language packages, OS → OS packages', () => {
    const bom = render(testInventory('debian'));
    const ref = (name: string) => byName(bom, name)['bom-ref'];
    assert.deepEqual(bom.dependencies, [
      {
        ref: `image:sha256:${'c0'.repeat(32)}`,
        dependsOn: [
          'os:debian@12',
          ...[
            '@babel/core',
            'Zope.Interface__Extra',
            'github.com/acme/tool',
            'github.com/spf13/cobra',
            'stdlib',
          ].map(ref),
          ref('log4j-core'),
          ref('rake'),
        ],
      },
      { ref: 'os:debian@12', dependsOn: [ref('bash'), ref('libgcc-s1'), ref('libc6')] },
    ]);
    assert.equal(
      ref('libgcc-s1'),
      'pkg:deb/debian/libgcc-s1@1:12.2.0-14?arch=amd64&distro=debian-12&upstream=gcc-12%4012.2.0-14',
    );
  });

  test('rolling distro: OS component without version', () => {
    const os = render(testInventory('wolfi')).components[0]!;
    assert.equal(os['bom-ref'], 'os:wolfi');
    assert.equal(os.name, 'wolfi');
    assert.equal(os.version, undefined);
  });

  test('without a distro every package hangs off the image', () => {
    const inv = testInventory('alpine');
    delete inv.distro;
    const bom = render(inv);
    assert.equal(bom.components.length, inv.packages.length);
    assert.ok(bom.components.every((component) => component.type !== 'operating-system'));
    assert.equal(bom.dependencies.length, 1);
    assert.equal(bom.dependencies[0]!.dependsOn!.length, inv.packages.length);
  });

  test('an empty image of a local archive', () => {
    const inv = inventoryWith([]);
    inv.image = { target: 'out/image.tar', sourceType: 'docker-archive', annotations: {} };
    const bom = render(inv);
    assert.deepEqual(bom.components, []);
    assert.equal(bom.metadata.component.name, 'out/image.tar');
    assert.equal(bom.metadata.component['bom-ref'], 'image:out/image.tar');
    assert.equal(bom.metadata.component.version, undefined);
    assert.deepEqual(bom.dependencies, [{ ref: 'image:out/image.tar', dependsOn: [] }]);
  });

  test('the same inventory renders the same BOM', () => {
    assert.equal(
      renderCycloneDx(testInventory('debian'), options),
      renderCycloneDx(testInventory('debian'), options),
    );
  });

  test('hostile packages: still valid, refs unique', () => {
    const inv = hostileInventory();
    const bom = render(inv);
    assert.equal(bom.components.length, inv.packages.length + 1);
    const dups = bom.components.filter((component) => component.name === 'dup').map((c) => c['bom-ref']);
    assert.deepEqual(dups, [
      'pkg:gem/dup@1.0|g/dup.gemspec',
      'pkg:gem/dup@1.0|g/dup.gemspec-2',
      'pkg:gem/dup@1.0|g/dup.gemspec-3',
      'pkg:gem/dup@1.0|other/dup.gemspec',
    ]);
    const empty = byName(bom, 'a b');
    assert.equal(empty.version, undefined);
    assert.equal(empty.supplier?.name, 'Evil\nCorp\t<x@y>');
    assert.equal(byName(bom, 'a/b').licenses, undefined);
    assert.deepEqual(byName(bom, 'a_b').licenses, [{ license: { name: '((((MIT' } }]);
    assert.deepEqual(byName(bom, 'lib@foo/bar\u0000').licenses, [
      { license: { name: 'MIT AND' } },
      { license: { name: 'LicenseRef-custom' } },
      { license: { id: 'MIT' } },
      { license: { name: 'GPL (>= 2) and/or BSD' } },
    ]);
    const unicode = byName(bom, 'ünïcødé-パッケージ');
    assert.equal(
      unicode.purl,
      'pkg:rpm/%C3%BCn%C3%AFc%C3%B8d%C3%A9-%E3%83%91%E3%83%83%E3%82%B1%E3%83%BC%E3%82%B8@x:y-z',
    );
    assert.deepEqual(unicode.licenses?.[0], { license: { name: 'Apache-2.0 OR mit' } });
    assert.deepEqual(unicode.licenses?.[1], { license: { name: 'A'.repeat(200_000) } });
    assert.equal(byName(bom, '///').type, 'application');
    assert.equal(byName(bom, '///').purl, 'pkg:generic/%2F%2F%2F@v1.2');
    assert.equal(byName(bom, ':').purl, 'pkg:generic/%3A');
    assert.equal(byName(bom, 'x\ud800y').supplier, undefined);
  });
});

describe('cycloneDxLicenses', () => {
  test('one compound expression', () => {
    assert.deepEqual(cycloneDxLicenses(['mit OR Apache-2.0']), [{ expression: 'MIT OR Apache-2.0' }]);
  });
  test('valid strings, one compound: joined with AND', () => {
    assert.deepEqual(cycloneDxLicenses(['MIT', 'GPL-2.0-only OR BSD-2-Clause']), [
      { expression: 'MIT AND (GPL-2.0-only OR BSD-2-Clause)' },
    ]);
  });
  test('ids and names, duplicates and blanks dropped', () => {
    assert.deepEqual(cycloneDxLicenses(['MIT', ' MIT ', '', 'Custom Licence', 'Apache-1.0+']), [
      { license: { id: 'MIT' } },
      { license: { name: 'Custom Licence' } },
      { license: { name: 'Apache-1.0+' } },
    ]);
  });
  test('a lone LicenseRef is an expression', () => {
    assert.deepEqual(cycloneDxLicenses(['LicenseRef-acme']), [{ expression: 'LicenseRef-acme' }]);
  });
});

describe('renderCycloneDx15', () => {
  test('the same document as 1.6 except the spec version, the schema URL and the 1.5 tools array', () => {
    const inv = testInventory('alpine');
    const v16 = JSON.parse(renderCycloneDx(inv, options)) as Record<string, unknown> & {
      metadata: Bom['metadata'];
    };
    const v15 = JSON.parse(renderCycloneDx15(inv, options)) as Record<string, unknown> & {
      metadata: Record<string, unknown>;
    };
    assert.equal(v15.specVersion, '1.5');
    assert.equal(v15.$schema, 'http://cyclonedx.org/schema/bom-1.5.schema.json');
    assert.deepEqual(v15.metadata.tools, [
      { vendor: 'keelson', name: 'keelson', version: options.toolVersion },
    ]);
    const strip = (bom: Record<string, unknown> & { metadata: Record<string, unknown> }) => {
      const { specVersion: _v, $schema: _s, metadata, ...rest } = bom;
      const { tools: _t, ...meta } = metadata;
      return { ...rest, metadata: meta };
    };
    assert.deepEqual(
      strip(v15),
      strip(v16 as unknown as Record<string, unknown> & { metadata: Record<string, unknown> }),
    );
  });
});
