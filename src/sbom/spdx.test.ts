import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { PackageURL } from 'packageurl-js';
import type { Inventory } from '../core/types.js';
import { parseLicenseExpression } from './license-expression.js';
import { renderSpdx } from './spdx.js';
import {
  hostileInventory,
  inventoryWith,
  TEST_DISTROS,
  type TestDistroName,
  testInventory,
} from './test-inventory.js';
import { assertValidSpdx } from './test-schemas.js';

const options = {
  toolVersion: '0.1.0',
  now: new Date('2026-09-01T12:00:00.999Z'),
  uuid: () => '3e671687-395b-41f5-a30f-a58921a69b79',
};

interface SpdxPackage {
  SPDXID: string;
  name: string;
  versionInfo?: string;
  supplier: string;
  downloadLocation: string;
  filesAnalyzed: boolean;
  licenseConcluded: string;
  licenseDeclared: string;
  description?: string;
  externalRefs?: { referenceCategory: string; referenceType: string; referenceLocator: string }[];
  primaryPackagePurpose: string;
  annotations: { annotationDate: string; annotationType: string; annotator: string; comment: string }[];
}

interface SpdxDocument {
  spdxVersion: string;
  dataLicense: string;
  SPDXID: string;
  name: string;
  documentNamespace: string;
  creationInfo: { created: string; creators: string[]; licenseListVersion: string };
  packages: SpdxPackage[];
  relationships: { spdxElementId: string; relationshipType: string; relatedSpdxElement: string }[];
  hasExtractedLicensingInfos?: { licenseId: string; extractedText: string; name: string }[];
}

const ID = /^SPDXRef-[A-Za-z0-9.-]+$/;
const LICENSE_REF = /LicenseRef-[A-Za-z0-9.-]+/g;

function render(inv: Inventory): SpdxDocument {
  const document = JSON.parse(renderSpdx(inv, options)) as SpdxDocument;
  assertValidSpdx(document);
  assertConsistent(document);
  return document;
}

/** What the SPDX JSON schema leaves unchecked: id syntax and uniqueness, references, licence syntax. */
function assertConsistent(document: SpdxDocument): void {
  const ids = [document.SPDXID, ...document.packages.map((pkg) => pkg.SPDXID)];
  assert.equal(new Set(ids).size, ids.length, 'SPDXIDs are unique');
  for (const id of ids) assert.match(id, ID);
  for (const relationship of document.relationships) {
    assert.ok(ids.includes(relationship.spdxElementId), relationship.spdxElementId);
    assert.ok(ids.includes(relationship.relatedSpdxElement), relationship.relatedSpdxElement);
  }
  const declaredRefs = (document.hasExtractedLicensingInfos ?? []).map((info) => info.licenseId);
  assert.equal(new Set(declaredRefs).size, declaredRefs.length, 'LicenseRefs are unique');
  for (const ref of declaredRefs) assert.match(ref, /^LicenseRef-[A-Za-z0-9.-]+$/);
  for (const pkg of document.packages) {
    assert.match(pkg.supplier, /^(NOASSERTION|Organization: \S[^\n\r\t]*)$/);
    assert.equal(pkg.downloadLocation, 'NOASSERTION');
    assert.equal(pkg.licenseConcluded, 'NOASSERTION');
    if (pkg.licenseDeclared !== 'NOASSERTION') {
      assert.ok(parseLicenseExpression(pkg.licenseDeclared), pkg.licenseDeclared);
      for (const ref of pkg.licenseDeclared.match(LICENSE_REF) ?? [])
        assert.ok(declaredRefs.includes(ref), ref);
    }
    for (const ref of pkg.externalRefs ?? []) {
      assert.doesNotThrow(() => PackageURL.fromString(ref.referenceLocator), ref.referenceLocator);
      assert.doesNotMatch(ref.referenceLocator, /\s/);
    }
  }
}

const byName = (document: SpdxDocument, name: string) => document.packages.find((pkg) => pkg.name === name)!;
const comments = (pkg: SpdxPackage) => pkg.annotations.map((annotation) => annotation.comment);

describe('renderSpdx', () => {
  for (const name of Object.keys(TEST_DISTROS) as TestDistroName[]) {
    test(`${name} inventory is a valid SPDX 2.3 document`, () => {
      const inv = testInventory(name);
      assert.equal(render(inv).packages.length, inv.packages.length + 2);
    });
  }

  test('document header', () => {
    const document = render(testInventory('debian'));
    assert.equal(document.spdxVersion, 'SPDX-2.3');
    assert.equal(document.dataLicense, 'CC0-1.0');
    assert.equal(document.SPDXID, 'SPDXRef-DOCUMENT');
    assert.equal(document.name, 'registry.example/team/app:1.0');
    assert.equal(document.documentNamespace, 'urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79');
    assert.deepEqual(document.creationInfo, {
      created: '2026-09-01T12:00:00Z',
      creators: ['Tool: keelson-0.1.0'],
      licenseListVersion: '3.28',
    });
  });

  test('the image and the OS', () => {
    const [image, os] = render(testInventory('debian')).packages;
    assert.deepEqual(
      { ...image, annotations: undefined },
      {
        SPDXID: 'SPDXRef-Image',
        name: 'registry.example/team/app:1.0',
        versionInfo: `sha256:${'c0'.repeat(32)}`,
        supplier: 'NOASSERTION',
        downloadLocation: 'NOASSERTION',
        filesAnalyzed: false,
        licenseConcluded: 'NOASSERTION',
        licenseDeclared: 'NOASSERTION',
        primaryPackagePurpose: 'CONTAINER',
        annotations: undefined,
      },
    );
    assert.deepEqual(comments(image!), [
      'keelson:image:sourceType=registry',
      `keelson:image:configDigest=sha256:${'d0'.repeat(32)}`,
      'keelson:distro:id=debian',
      'keelson:distro:version=12',
      'keelson:provider=traditional',
      'keelson:base:layerCount=1',
      'keelson:base:method=oci-base-annotation',
      'keelson:base:detail=org.opencontainers.image.base.name',
      'keelson:complete=true',
    ]);
    assert.deepEqual(os, {
      SPDXID: 'SPDXRef-OperatingSystem',
      name: 'debian',
      versionInfo: '12',
      supplier: 'NOASSERTION',
      downloadLocation: 'NOASSERTION',
      filesAnalyzed: false,
      licenseConcluded: 'NOASSERTION',
      licenseDeclared: 'NOASSERTION',
      description: 'Debian GNU/Linux 12 (bookworm)',
      primaryPackagePurpose: 'OPERATING_SYSTEM',
      annotations: [
        {
          annotationDate: '2026-09-01T12:00:00Z',
          annotationType: 'OTHER',
          annotator: 'Tool: keelson-0.1.0',
          comment: 'keelson:distro:source=etc/os-release',
        },
      ],
    });
  });

  test('a package in full', () => {
    const libgcc = byName(render(testInventory('debian')), 'libgcc-s1');
    assert.match(libgcc.SPDXID, /^SPDXRef-Package-deb-libgcc-s1-[0-9a-f]{16}$/);
    assert.deepEqual(
      { ...libgcc, SPDXID: undefined, annotations: undefined },
      {
        SPDXID: undefined,
        name: 'libgcc-s1',
        versionInfo: '1:12.2.0-14',
        supplier: 'Organization: Debian GCC Maintainers <debian-gcc@lists.debian.org>',
        downloadLocation: 'NOASSERTION',
        filesAnalyzed: false,
        licenseConcluded: 'NOASSERTION',
        licenseDeclared: 'GPL-3.0-or-later WITH GCC-exception-3.1',
        externalRefs: [
          {
            referenceCategory: 'PACKAGE-MANAGER',
            referenceType: 'purl',
            referenceLocator:
              'pkg:deb/debian/libgcc-s1@1:12.2.0-14?arch=amd64&distro=debian-12&upstream=gcc-12%4012.2.0-14',
          },
        ],
        primaryPackagePurpose: 'LIBRARY',
        annotations: undefined,
      },
    );
    assert.deepEqual(comments(libgcc), [
      'keelson:package:type=deb',
      'keelson:location=var/lib/dpkg/status',
      'keelson:source:name=gcc-12',
      'keelson:source:version=12.2.0-14',
      'keelson:layer:index=0',
      `keelson:layer:diffID=sha256:${'b0'.repeat(32)}`,
      'keelson:layer:createdBy=/bin/sh -c #(nop) ADD file:1a2b in / ',
      'keelson:base=true',
      'keelson:foundBy=dpkg',
    ]);
    for (const annotation of libgcc.annotations) {
      assert.equal(annotation.annotationType, 'OTHER');
      assert.equal(annotation.annotator, 'Tool: keelson-0.1.0');
      assert.equal(annotation.annotationDate, '2026-09-01T12:00:00Z');
    }
  });

  test('declared licences: expressions, ANDed lists, LicenseRefs, NOASSERTION', () => {
    const debian = render(testInventory('debian'));
    assert.equal(byName(debian, 'libc6').licenseDeclared, 'LGPL-2.1-or-later AND GPL-2.0-or-later');
    assert.equal(byName(debian, 'github.com/acme/tool').licenseDeclared, 'NOASSERTION');
    assert.equal(byName(debian, 'github.com/acme/tool').primaryPackagePurpose, 'APPLICATION');
    assert.equal(debian.hasExtractedLicensingInfos, undefined);
    const photon = render(testInventory('photon'));
    const ref = byName(photon, 'libgcc').licenseDeclared;
    assert.match(ref, /^LicenseRef-GPLv2-[0-9a-f]{16}$/);
    assert.deepEqual(photon.hasExtractedLicensingInfos, [
      { licenseId: ref, extractedText: 'GPLv2+', name: 'GPLv2+' },
    ]);
  });

  test('relationships: DESCRIBES image, image CONTAINS OS and language packages, OS CONTAINS OS packages', () => {
    const document = render(testInventory('alpine'));
    const id = (name: string) => byName(document, name).SPDXID;
    const contains = (from: string, names: string[]) =>
      names.map((name) => ({
        spdxElementId: from,
        relationshipType: 'CONTAINS',
        relatedSpdxElement: id(name),
      }));
    assert.deepEqual(document.relationships, [
      {
        spdxElementId: 'SPDXRef-DOCUMENT',
        relationshipType: 'DESCRIBES',
        relatedSpdxElement: 'SPDXRef-Image',
      },
      {
        spdxElementId: 'SPDXRef-Image',
        relationshipType: 'CONTAINS',
        relatedSpdxElement: 'SPDXRef-OperatingSystem',
      },
      ...contains('SPDXRef-OperatingSystem', ['musl', 'libcrypto1.1', 'busybox']),
      ...contains('SPDXRef-Image', [
        '@babel/core',
        'Zope.Interface__Extra',
        'github.com/acme/tool',
        'github.com/spf13/cobra',
        'stdlib',
        'org.apache.logging.log4j:log4j-core',
        'rake',
      ]),
    ]);
  });

  test('without a distro the image contains every package', () => {
    const inv = testInventory('debian');
    delete inv.distro;
    const document = render(inv);
    assert.equal(document.packages.length, inv.packages.length + 1);
    assert.ok(document.relationships.slice(1).every((r) => r.spdxElementId === 'SPDXRef-Image'));
  });

  test('an empty image', () => {
    const document = render(inventoryWith([]));
    assert.deepEqual(
      document.packages.map((pkg) => pkg.SPDXID),
      ['SPDXRef-Image'],
    );
    assert.equal(document.relationships.length, 1);
  });

  test('the same inventory renders the same document', () => {
    assert.equal(renderSpdx(testInventory('photon'), options), renderSpdx(testInventory('photon'), options));
  });

  test('hostile packages: still valid, ids clean and unique', () => {
    const inv = hostileInventory();
    const document = render(inv);
    assert.equal(document.packages.length, inv.packages.length + 2);
    const ids = document.packages.map((pkg) => pkg.SPDXID);
    assert.ok(ids.some((id) => /^SPDXRef-Package-deb-a-b-[0-9a-f]{16}$/.test(id)));
    const dups = document.packages.filter((pkg) => pkg.name === 'dup').map((pkg) => pkg.SPDXID);
    assert.equal(dups.length, 4);
    assert.equal(dups[1], `${dups[0]}-2`);
    assert.equal(dups[2], `${dups[0]}-3`);
    assert.match(byName(document, 'ünïcødé-パッケージ').SPDXID, /^SPDXRef-Package-rpm-n-c-d-[0-9a-f]{16}$/);
    assert.equal(byName(document, 'a b').supplier, 'Organization: Evil Corp <x@y>');
    assert.equal(byName(document, 'a b').versionInfo, undefined);
    assert.equal(byName(document, 'a/b').licenseDeclared, 'NOASSERTION');
    // Garbage becomes LicenseRefs; valid parts stay; an input LicenseRef is not trusted as declared here.
    const weird = byName(document, 'lib@foo/bar\u0000').licenseDeclared.split(' AND ');
    assert.equal(weird.length, 4);
    assert.match(weird[0]!, /^LicenseRef-MIT-AND-[0-9a-f]{16}$/);
    assert.equal(weird[1], 'LicenseRef-custom');
    assert.equal(weird[2], 'MIT');
    assert.match(weird[3]!, /^LicenseRef-GPL-2-and-or-BSD-[0-9a-f]{16}$/);
    const unicode = byName(document, 'ünïcødé-パッケージ').licenseDeclared;
    assert.match(unicode, /^\(Apache-2\.0 OR MIT\) AND LicenseRef-A{48}-[0-9a-f]{16}$/);
    const huge = document.hasExtractedLicensingInfos!.find((info) => unicode.endsWith(info.licenseId))!;
    assert.equal(huge.extractedText.length, 200_000);
    assert.equal(Array.from(huge.name).length, 128);
    const crab = byName(document, '...').licenseDeclared;
    assert.match(crab, /^LicenseRef-[0-9a-f]{16}$/);
  });
});
