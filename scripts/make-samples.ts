/**
 * Writes the bundled sample images in samples/ (run by a developer, output committed):
 *   node dist/scripts/make-samples.js
 * The hardened-image samples are synthetic: real os-release files (test fixtures) and package
 * databases written here (apk/dpkg) or by Debian's rpm tools (the Photon rpmdb), with plausible
 * package names and versions. They carry no vendor advisory data. Needs rpm and rpmbuild.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chainIDs } from '../src/inventory/base.js';
import { type ImageSpec, writeOciArchive } from '../test/helpers/image-builder.js';
import { fixture, repoRoot } from '../test/helpers/paths.js';
import type { TarEntrySpec } from '../test/helpers/tar-writer.js';

const out = join(repoRoot, 'samples');
const osRelease = (name: string) => readFileSync(fixture('os-release', name, 'os-release'));

function apkDb(
  arch: string,
  packages: [name: string, version: string, origin: string, license: string][],
): string {
  return packages
    .map(([name, version, origin, license]) =>
      [`P:${name}`, `V:${version}`, `A:${arch}`, `o:${origin}`, `L:${license}`, `T:${name}`, ''].join('\n'),
    )
    .join('\n');
}

function dpkgStanza(name: string, version: string, source?: string): string {
  return [
    `Package: ${name}`,
    'Status: install ok installed',
    'Architecture: amd64',
    ...(source ? [`Source: ${source}`] : []),
    `Version: ${version}`,
    'Maintainer: Docker Hardened Images <dhi@example.invalid>',
    `Description: ${name}`,
    '',
  ].join('\n');
}

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

/** A Wolfi-based image as Chainguard ships them: apk DB, per-package SPDX files, an app layer. */
function wolfi(): ImageSpec {
  const packages: [string, string, string, string][] = [
    ['ca-certificates-bundle', '20241121-r1', 'ca-certificates', 'MPL-2.0 AND MIT'],
    ['glibc', '2.40-r3', 'glibc', 'LGPL-2.1-or-later'],
    ['glibc-locale-posix', '2.40-r3', 'glibc', 'LGPL-2.1-or-later'],
    ['ld-linux', '2.40-r3', 'glibc', 'LGPL-2.1-or-later'],
    ['libcrypto3', '3.4.0-r2', 'openssl', 'Apache-2.0'],
    ['libssl3', '3.4.0-r2', 'openssl', 'Apache-2.0'],
    ['busybox', '1.37.0-r0', 'busybox', 'GPL-2.0-only'],
    ['wolfi-baselayout', '20230201-r16', 'wolfi-baselayout', 'MIT'],
    ['nodejs-22', '22.11.0-r0', 'nodejs-22', 'MIT'],
  ];
  const sbom = (name: string, version: string) =>
    json({
      spdxVersion: 'SPDX-2.3',
      SPDXID: 'SPDXRef-DOCUMENT',
      name: `apk-${name}-${version}`,
      packages: [
        {
          SPDXID: `SPDXRef-Package-${name}`,
          name,
          versionInfo: version,
          externalRefs: [
            {
              referenceCategory: 'PACKAGE-MANAGER',
              referenceType: 'purl',
              referenceLocator: `pkg:apk/wolfi/${name}@${version}?arch=x86_64`,
            },
          ],
        },
      ],
    });
  return {
    labels: { 'org.opencontainers.image.vendor': 'keelson demo (synthetic Wolfi image)' },
    layers: [
      {
        createdBy: 'apko',
        entries: [
          { path: 'etc/os-release', content: osRelease('wolfi') },
          { path: 'etc/apk/repositories', content: 'https://packages.wolfi.dev/os\n' },
          { path: 'lib/apk/db/installed', content: apkDb('x86_64', packages) },
          ...packages
            .slice(0, 3)
            .map(([n, v]) => ({ path: `var/lib/db/sbom/${n}-${v}.spdx.json`, content: sbom(n, v) })),
        ],
      },
      {
        createdBy: 'COPY app /app',
        entries: [
          { path: 'app/package.json', content: json({ name: 'demo-app', version: '1.0.0', private: true }) },
          ...[
            ['express', '4.21.1'],
            ['body-parser', '1.20.3'],
            ['lodash', '4.17.20'],
            ['minimist', '1.2.5'],
          ].map(([n, v]) => ({
            path: `app/node_modules/${n}/package.json`,
            content: json({ name: n, version: v, license: 'MIT' }),
          })),
        ],
      },
    ],
    emptyHistoryAfter: [{ afterLayer: 0, createdBy: 'CMD ["/usr/bin/node"]' }],
  };
}

/**
 * An application built FROM a Docker Hardened Images base (current model: Debian 13 distroless with
 * status.d and the SBOM shim); the chain-id label marks the base layers.
 */
async function dhi(work: string): Promise<ImageSpec> {
  const packages: [string, string, string?][] = [
    ['base-files', '13.8+dhi1'],
    ['libc6', '2.41-12', 'glibc'],
    ['libssl3t64', '3.5.1-1', 'openssl'],
    ['zlib1g', '1:1.3.dfsg+really1.3.1-1+b1', 'zlib'],
    ['liblz4-1', '1.10.0-4', 'lz4'],
    ['tzdata', '2025b-4+deb13u1'],
  ];
  const base = {
    createdBy: 'DHI build',
    entries: [
      { path: 'etc/os-release', content: osRelease('dhi-current-debian-13') },
      ...packages.map(([n, v, s]) => ({ path: `var/lib/dpkg/status.d/${n}`, content: dpkgStanza(n, v, s) })),
      {
        path: 'opt/docker/sbom/.spdx.python.json',
        content: json({
          spdxVersion: 'SPDX-2.3',
          SPDXID: 'SPDXRef-DOCUMENT',
          name: 'python',
          packages: [
            {
              SPDXID: 'SPDXRef-Package-python',
              name: 'python',
              versionInfo: '3.13.5',
              externalRefs: [
                {
                  referenceCategory: 'PACKAGE-MANAGER',
                  referenceType: 'purl',
                  referenceLocator: 'pkg:dhi/python@3.13.5',
                },
              ],
            },
          ],
        }),
      },
      {
        path: 'opt/python/lib/python3.13/site-packages/pip-25.1.1.dist-info/METADATA',
        content: 'Metadata-Version: 2.4\nName: pip\nVersion: 25.1.1\nLicense-Expression: MIT\n',
      },
    ] satisfies TarEntrySpec[],
  };
  const app = {
    createdBy: 'RUN pip install -r requirements.txt',
    entries: [
      ['flask', '3.0.3', 'BSD-3-Clause'],
      ['jinja2', '3.1.4', 'BSD-3-Clause'],
      ['werkzeug', '3.0.3', 'BSD-3-Clause'],
      ['requests', '2.31.0', 'Apache-2.0'],
      ['urllib3', '2.2.1', 'MIT'],
    ].map(([n, v, l]) => ({
      path: `opt/python/lib/python3.13/site-packages/${n}-${v}.dist-info/METADATA`,
      content: `Metadata-Version: 2.1\nName: ${n}\nVersion: ${v}\nLicense: ${l}\n`,
    })),
  };
  const probe = await writeOciArchive({ layers: [base] }, join(work, 'dhi-base.tar'));
  return {
    labels: {
      'com.docker.dhi.distro': 'debian-13',
      'com.docker.dhi.variant': 'runtime',
      'com.docker.dhi.title': 'Python (demo)',
      'com.docker.dhi.chain-id': chainIDs(probe.diffIDs)[0]!,
    },
    layers: [base, app],
  };
}

/** Photon OS 5 with a real SQLite rpmdb written by rpm 4.18 from packages built here. */
function photon(work: string): ImageSpec {
  // name, version, release, licence, and the subpackages built from the same source RPM.
  const specs: [string, string, string, string, string[]][] = [
    ['photon-release', '5.0', '2.ph5', 'Apache License', []],
    ['filesystem', '1.1', '4.ph5', 'GPLv3', []],
    ['glibc', '2.36', '11.ph5', 'LGPLv2+', []],
    ['openssl', '3.0.13', '3.ph5', 'Apache-2.0', ['libs']],
    ['curl', '8.7.1', '1.ph5', 'MIT', ['libs']],
  ];
  const top = join(work, 'rpmbuild');
  for (const [name, version, release, license, subpackages] of specs) {
    const spec = join(work, `${name}.spec`);
    const sub = subpackages.flatMap((s) => [
      `%package ${s}`,
      `Summary: ${name}-${s} (keelson demo package)`,
      `%description ${s}`,
      `${name}-${s} for the keelson Photon demo image.`,
      `%files ${s}`,
    ]);
    writeFileSync(
      spec,
      [
        `Name: ${name}`,
        `Version: ${version}`,
        `Release: ${release}`,
        `Summary: ${name} (keelson demo package)`,
        `License: ${license}`,
        'Vendor: VMware, Inc.',
        'Distribution: Photon',
        'BuildArch: x86_64',
        '%description',
        `${name} for the keelson Photon demo image.`,
        ...sub,
        '%files',
        '',
      ].join('\n'),
    );
    execFileSync('rpmbuild', ['-bb', '--quiet', '--define', `_topdir ${top}`, spec]);
  }
  const db = join(work, 'db');
  mkdirSync(db, { recursive: true });
  execFileSync('rpm', ['--initdb', '--dbpath', db]);
  const rpms = execFileSync('find', [join(top, 'RPMS'), '-name', '*.rpm'], { encoding: 'utf8' })
    .trim()
    .split('\n');
  execFileSync('rpm', ['-i', '--justdb', '--nodeps', '--ignorearch', '--noscripts', '--dbpath', db, ...rpms]);
  // Fold the WAL into the main file, as an image build leaves it after rpm exits cleanly.
  execFileSync('rpm', ['--rebuilddb', '--dbpath', db]);
  return {
    layers: [
      {
        createdBy: 'tdnf install (demo)',
        entries: [
          { path: 'usr/lib/os-release', content: osRelease('photon-5.0') },
          { path: 'etc/os-release', type: 'symlink', linkname: '../usr/lib/os-release' },
          { path: 'etc/photon-release', content: 'VMware Photon OS 5.0\nPHOTON_BUILD_NUMBER=demo\n' },
          { path: 'usr/lib/sysimage/rpm/rpmdb.sqlite', content: readFileSync(join(db, 'rpmdb.sqlite')) },
        ],
      },
    ],
  };
}

async function main(): Promise<void> {
  mkdirSync(out, { recursive: true });
  const work = mkdtempSync(join(tmpdir(), 'keelson-samples-'));
  try {
    await writeOciArchive(wolfi(), join(out, 'wolfi-node-demo.oci.tar'));
    await writeOciArchive(await dhi(work), join(out, 'dhi-python-app-demo.oci.tar'));
    await writeOciArchive(photon(work), join(out, 'photon-5-demo.oci.tar'));
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
