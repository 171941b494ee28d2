import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { fixture } from '../../test/helpers/paths.js';
import {
  createVexResolver,
  imagePurlCandidates,
  matchingVexStatements,
  resolveVex,
  type VexQuery,
} from './apply.js';
import { parseOpenVex } from './openvex.js';
import { purlMatches } from './purl-match.js';
import type { VexStatement } from './types.js';

const load = (...parts: string[]) => parseOpenVex(readFileSync(fixture('vex', ...parts)), parts.join('/'));

function statement(overrides: Partial<VexStatement>): VexStatement {
  return {
    vulnerability: 'CVE-2024-0001',
    aliases: [],
    products: ['pkg:npm/a@1.0.0'],
    subcomponents: [],
    status: 'not_affected',
    origin: 'test',
    format: 'openvex',
    ...overrides,
  };
}

describe('resolveVex on DHI current-model VEX (formats.md §8)', () => {
  const alpine = load('dhi', 'dhi-alpine-base.vex.json');
  const debian = load('dhi', 'dhi-debian-base.vex.json');
  // keelson's purl for busybox in Alpine 3.22 (VERSION_ID carries the point release).
  const busybox = 'pkg:apk/alpine/busybox@1.37.0-r19?arch=x86_64&distro=alpine-3.22.1';

  test('Alpine 3.22 busybox 1.37.0-r19: both CVEs under_investigation', () => {
    for (const id of ['CVE-2024-58251', 'CVE-2025-46394']) {
      const found = resolveVex(alpine, { vulnerabilityIds: [id], packagePurl: busybox });
      assert.equal(found?.status, 'under_investigation', id);
      assert.equal(found?.statusNotes, 'Waiting for upstream fix');
      assert.equal(found?.vulnerability, id);
    }
    assert.equal(
      resolveVex(alpine, {
        vulnerabilityIds: ['CVE-2024-58251'],
        packagePurl: busybox.replace('r19', 'r20'),
      }),
      undefined,
    );
    assert.equal(
      resolveVex(alpine, {
        vulnerabilityIds: ['CVE-2024-58251'],
        packagePurl: busybox.replace('alpine-3.22.1', 'alpine-3.21.3'),
      }),
      undefined,
    );
  });

  test('Debian 13 lz4 1.10.0-4: CVE-2025-62813 not_affected, the later of two statements wins', () => {
    const query = {
      vulnerabilityIds: ['CVE-2025-62813'],
      packagePurl: 'pkg:deb/debian/lz4@1.10.0-4?arch=amd64&distro=debian-13',
    };
    const all = matchingVexStatements(debian, query);
    assert.deepEqual(
      all.map((s) => s.timestamp),
      ['2025-10-25T14:37:19.272Z', '2025-10-23T22:51:40.038Z'],
    );
    const found = resolveVex(debian, query);
    assert.equal(found?.status, 'not_affected');
    assert.equal(found?.justification, 'vulnerable_code_cannot_be_controlled_by_adversary');
    // Latest by time, although it comes first in the document.
    assert.equal(found?.timestamp, '2025-10-25T14:37:19.272Z');
  });

  test('binary packages match the versionless products; the bookworm source product does not match trixie', () => {
    const ids = ['CVE-2025-62813'];
    assert.equal(
      resolveVex(debian, {
        vulnerabilityIds: ids,
        packagePurl: 'pkg:deb/debian/liblz4-1@1.10.0-4?arch=amd64&distro=debian-13&upstream=lz4',
      })?.status,
      'not_affected',
    );
    assert.equal(
      resolveVex(debian, {
        vulnerabilityIds: ids,
        packagePurl: 'pkg:deb/debian/lz4@1.9.4-1?arch=amd64&distro=debian-13',
      }),
      undefined,
    );
    assert.equal(
      resolveVex(debian, {
        vulnerabilityIds: ids,
        packagePurl: 'pkg:deb/debian/lz4@1.9.4-1?arch=amd64&distro=debian-12',
      })?.status,
      'not_affected',
    );
  });

  test('image products with subcomponents apply only to the listed packages of that image', () => {
    const imageOnly = alpine.filter((s) => s.subcomponents.length > 0);
    const ids = ['CVE-2024-58251'];
    const images = imagePurlCandidates('dhi.io', 'alpine-base');
    assert.equal(
      resolveVex(imageOnly, { vulnerabilityIds: ids, packagePurl: busybox, imagePurls: images })?.status,
      'under_investigation',
    );
    assert.equal(resolveVex(imageOnly, { vulnerabilityIds: ids, packagePurl: busybox }), undefined);
    assert.equal(
      resolveVex(imageOnly, {
        vulnerabilityIds: ids,
        packagePurl: busybox,
        imagePurls: imagePurlCandidates('dhi.io', 'debian-base'),
      }),
      undefined,
    );
    assert.equal(
      resolveVex(imageOnly, {
        vulnerabilityIds: ids,
        packagePurl: 'pkg:apk/alpine/musl@1.2.5-r10',
        imagePurls: images,
      }),
      undefined,
    );
  });
});

describe('resolveVex on DHI upcoming-model VEX (dhi-suite)', () => {
  test('scanner purls with arch/distro match the canonical products; aliases match', () => {
    const affected = load('dhi-suite', 'DHI-CVE-2016-2781-coreutils.json');
    const scanner = 'pkg:apk/dhi/coreutils@9.11-r0?arch=aarch64&distro=dhi-3.24';
    assert.equal(
      resolveVex(affected, { vulnerabilityIds: ['cve-2016-2781'], packagePurl: scanner })?.status,
      'affected',
    );
    assert.equal(
      resolveVex(affected, { vulnerabilityIds: ['DHI-CVE-2016-2781-coreutils'], packagePurl: scanner })
        ?.status,
      'affected',
    );
    assert.equal(
      resolveVex(affected, {
        vulnerabilityIds: ['CVE-2016-2781'],
        packagePurl: 'pkg:apk/alpine/coreutils@9.11-r0?arch=aarch64&distro=alpine-3.24',
      }),
      undefined,
    );
    const notAffected = load('dhi-suite', 'DHI-CVE-2017-18018-coreutils.json');
    assert.equal(
      resolveVex(notAffected, {
        vulnerabilityIds: ['CVE-2017-18018'],
        packagePurl: 'pkg:deb/dhi/coreutils@9.7-3%2Bdhi3?arch=arm64&distro=dhi-13',
      })?.status,
      'not_affected',
    );
    const fixed = load('dhi-suite', 'DHI-CVE-2026-5713-python-3.14.json');
    const python = 'pkg:apk/dhi/python-3.14@3.14.5-r7?arch=aarch64&distro=dhi-3.23';
    assert.equal(
      resolveVex(fixed, { vulnerabilityIds: ['CVE-2026-5713'], packagePurl: python })?.status,
      'fixed',
    );
    // `fixed` must not be applied to other versions.
    assert.equal(
      resolveVex(fixed, { vulnerabilityIds: ['CVE-2026-5713'], packagePurl: python.replace('r7', 'r6') }),
      undefined,
    );
  });
});

describe('image-level statements', () => {
  // The shape of DHI's README example: a product that is the image, no subcomponents.
  const imageWide = statement({
    vulnerability: 'CVE-2010-0928',
    products: ['pkg:docker/dhi/temporalio-ui'],
    justification: 'vulnerable_code_cannot_be_controlled_by_adversary',
  });
  const openssl = 'pkg:apk/alpine/openssl@3.5.7-r0?arch=x86_64&distro=alpine-3.22.1';

  test('apply to every package of that image, unless imageWide is false', () => {
    const images = imagePurlCandidates('docker.io', 'dhi/temporalio-ui');
    assert.ok(images.includes('pkg:docker/dhi/temporalio-ui'));
    const query: VexQuery = { vulnerabilityIds: ['CVE-2010-0928'], packagePurl: openssl, imagePurls: images };
    assert.equal(resolveVex([imageWide], query), imageWide);
    assert.equal(resolveVex([imageWide], { ...query, imageWide: false }), undefined);
    assert.equal(resolveVex([imageWide], { ...query, imagePurls: undefined }), undefined);
    assert.equal(
      resolveVex([imageWide], { ...query, imagePurls: imagePurlCandidates('docker.io', 'dhi/other') }),
      undefined,
    );
  });
});

describe('precedence', () => {
  const query: VexQuery = {
    vulnerabilityIds: ['CVE-2024-0001', 'GHSA-aaaa-bbbb-cccc'],
    packagePurl: 'pkg:npm/a@1.0.0',
  };

  test('the latest timestamp wins regardless of input order', () => {
    const older = statement({ status: 'affected', timestamp: '2024-01-01T00:00:00Z' });
    const newer = statement({ status: 'fixed', timestamp: '2024-06-01T00:00:00+02:00' });
    assert.equal(resolveVex([older, newer], query), newer);
    assert.equal(resolveVex([newer, older], query), newer);
  });

  test('timezones are compared as instants', () => {
    const a = statement({ status: 'affected', timestamp: '2024-06-01T10:00:00+02:00' }); // 08:00Z
    const b = statement({ status: 'fixed', timestamp: '2024-06-01T09:00:00Z' });
    assert.equal(resolveVex([b, a], query), b);
  });

  test('ties go to the later statement in input order', () => {
    const first = statement({ status: 'affected', timestamp: '2024-01-01T00:00:00Z' });
    const second = statement({ status: 'not_affected', timestamp: '2024-01-01T00:00:00.000Z' });
    assert.equal(resolveVex([first, second], query), second);
    assert.equal(resolveVex([second, first], query), first);
    const undatedA = statement({ status: 'affected' });
    const undatedB = statement({ status: 'fixed' });
    assert.equal(resolveVex([undatedA, undatedB], query), undatedB);
  });

  test('missing or invalid timestamps are older than any dated statement', () => {
    const dated = statement({ status: 'affected', timestamp: '2000-01-01T00:00:00Z' });
    const undated = statement({ status: 'fixed' });
    const invalid = statement({ status: 'not_affected', timestamp: 'yesterday' });
    assert.equal(resolveVex([dated, undated, invalid], query), dated);
  });

  test('statements for other vulnerabilities or packages never compete', () => {
    const mine = statement({ status: 'affected', timestamp: '2024-01-01T00:00:00Z' });
    const otherVuln = statement({
      vulnerability: 'CVE-2024-9999',
      status: 'fixed',
      timestamp: '2025-01-01T00:00:00Z',
    });
    const otherPkg = statement({
      products: ['pkg:npm/b@1.0.0'],
      status: 'fixed',
      timestamp: '2025-01-01T00:00:00Z',
    });
    const viaAlias = statement({
      vulnerability: 'X-1',
      aliases: ['ghsa-AAAA-bbbb-cccc'],
      status: 'fixed',
      timestamp: '2023-01-01T00:00:00Z',
    });
    assert.equal(resolveVex([mine, otherVuln, otherPkg, viaAlias], query), mine);
    assert.deepEqual(matchingVexStatements([mine, otherVuln, otherPkg, viaAlias], query), [mine, viaAlias]);
    assert.equal(resolveVex([], query), undefined);
  });

  test('createVexResolver answers like resolveVex', () => {
    const statuses = ['affected', 'fixed', 'not_affected', 'under_investigation'] as const;
    const statements: VexStatement[] = [];
    for (let i = 0; i < 400; i++) {
      statements.push(
        statement({
          vulnerability: `CVE-2024-${i % 7}`,
          aliases: i % 3 === 0 ? [`GHSA-${i % 5}`] : [],
          products: [`pkg:npm/p${i % 4}${i % 2 === 0 ? '' : '@1.0.0'}`],
          status: statuses[i % 4]!,
          ...(i % 6 === 0 ? {} : { timestamp: new Date(Date.UTC(2024, 0, 1 + (i % 11))).toISOString() }),
        }),
      );
    }
    const resolver = createVexResolver(statements);
    for (let v = 0; v < 8; v++) {
      for (let p = 0; p < 5; p++) {
        const q: VexQuery = {
          vulnerabilityIds: [`CVE-2024-${v}`, `GHSA-${v % 5}`],
          packagePurl: `pkg:npm/p${p}@1.0.0`,
        };
        assert.equal(resolver(q), resolveVex(statements, q), `${v}/${p}`);
      }
    }
  });
});

describe('imagePurlCandidates', () => {
  test('covers every spelling DHI uses for an image', () => {
    const candidates = imagePurlCandidates('dhi.io', 'alpine-base');
    for (const product of [
      'pkg:docker/dhi/alpine-base',
      'pkg:oci/alpine-base?repository_url=dhi.io',
      'pkg:oci/dhi.io%2Falpine-base',
      'pkg:oci/dhi%2Falpine-base',
    ]) {
      assert.ok(
        candidates.some((c) => purlMatches(product, c)),
        product,
      );
    }
    assert.ok(!candidates.some((c) => purlMatches('pkg:docker/dhi/debian-base', c)));
    assert.ok(imagePurlCandidates('docker.io', 'library/alpine').includes('pkg:docker/library/alpine'));
    assert.ok(
      imagePurlCandidates('ghcr.io', 'org/team/app').includes(
        'pkg:oci/app?repository_url=ghcr.io%2Forg%2Fteam%2Fapp',
      ),
    );
  });
});
