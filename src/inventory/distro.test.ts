import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { fixture } from '../../test/helpers/paths.js';
import { osReleaseAnalyzer } from '../analyzers/os-release/index.js';
import type { ProviderName } from '../core/types.js';
import { detectDistro, type ReleaseFile } from './distro.js';
import { detectProvider } from './provider.js';

/** Reads a file through the os-release analyzer, as a scan would. */
function release(path: string, content: string | Buffer): ReleaseFile {
  const buffer = Buffer.isBuffer(content) ? content : Buffer.from(content);
  const facts = osReleaseAnalyzer.analyze(
    { path, content: buffer, mode: 0o644 },
    { sibling: () => undefined },
  );
  assert.ok(facts?.os);
  return { path, kind: facts.os.kind, fields: facts.os.fields };
}

/** A sample's files: its os-release at `osReleasePath`, plus a debian_version when it has one. */
function sampleFiles(name: string, osReleasePath = 'etc/os-release'): ReleaseFile[] {
  const dir = fixture('os-release', name);
  const files = [release(osReleasePath, readFileSync(`${dir}/os-release`))];
  try {
    files.push(release('etc/debian_version', readFileSync(`${dir}/debian_version`)));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  return files;
}

interface Expected {
  id: string;
  version?: string;
  rolling?: true;
  codename?: string;
  idLike?: string[];
  prettyName?: string;
  /** Where the upstream sample came from, when not etc/os-release. */
  path?: string;
  /** The provider the os-release alone implies (no labels, markers or package databases). */
  provider: ProviderName;
  model?: 'current' | 'upcoming';
}

/** Every sample in test/fixtures/os-release, read by hand. */
const SAMPLES: Record<string, Expected> = {
  alpine: { id: 'alpine', version: '3.15.4', prettyName: 'Alpine Linux v3.15', provider: 'traditional' },
  'alpine-3.18': {
    id: 'alpine',
    version: '3.18.4',
    prettyName: 'Alpine Linux v3.18',
    provider: 'traditional',
  },
  'alpine-edge': {
    id: 'alpine',
    version: '3.22.0_alpha20250108',
    prettyName: 'Alpine Linux edge',
    provider: 'traditional',
  },
  amazon: {
    id: 'amazon',
    version: '2',
    idLike: ['centos', 'rhel', 'fedora'],
    prettyName: 'Amazon Linux 2',
    provider: 'traditional',
  },
  'azurelinux-3.0': {
    id: 'azurelinux',
    version: '3.0',
    prettyName: 'Microsoft Azure Linux 3.0',
    provider: 'traditional',
  },
  chainguard: { id: 'chainguard', rolling: true, prettyName: 'Chainguard', provider: 'chainguard' },
  debian: {
    id: 'debian',
    version: '13',
    codename: 'trixie',
    prettyName: 'Debian GNU/Linux 13 (trixie)',
    provider: 'traditional',
  },
  'debian-12': {
    id: 'debian',
    version: '12',
    codename: 'bookworm',
    prettyName: 'Debian GNU/Linux 12 (bookworm)',
    provider: 'traditional',
  },
  'debian-8': {
    id: 'debian',
    version: '8',
    prettyName: 'Debian GNU/Linux 8 (jessie)',
    path: 'usr/lib/os-release',
    provider: 'traditional',
  },
  'debian-distroless-11': {
    id: 'debian',
    version: '11',
    prettyName: 'Distroless',
    provider: 'google-distroless',
  },
  'debian-distroless-no-version': {
    id: 'debian',
    version: '10',
    prettyName: 'Distroless',
    provider: 'google-distroless',
  },
  'dhi-current-alpine-3.22': {
    id: 'alpine',
    version: '3.22',
    prettyName: 'Docker Hardened Images/Alpine Linux v3.22',
    provider: 'docker-hardened-images',
    model: 'current',
  },
  'dhi-current-alpine-3.24': {
    id: 'alpine',
    version: '3.24',
    prettyName: 'Docker Hardened Images/Alpine Linux v3.24',
    provider: 'docker-hardened-images',
    model: 'current',
  },
  'dhi-current-debian-12': {
    id: 'debian',
    version: '12',
    codename: 'bookworm',
    prettyName: 'Docker Hardened Images/Debian GNU/Linux 12 (bookworm)',
    provider: 'docker-hardened-images',
    model: 'current',
  },
  'dhi-current-debian-13': {
    id: 'debian',
    version: '13',
    codename: 'trixie',
    prettyName: 'Docker Hardened Images/Debian GNU/Linux 13 (trixie)',
    provider: 'docker-hardened-images',
    model: 'current',
  },
  'dhi-upcoming-alpine-3.24': {
    id: 'dhi',
    version: '3.24',
    idLike: ['alpine'],
    prettyName: 'Docker Hardened Images (Alpine 3.24)',
    provider: 'docker-hardened-images',
    model: 'upcoming',
  },
  'dhi-upcoming-debian-13': {
    id: 'dhi',
    version: '13',
    idLike: ['debian'],
    prettyName: 'Docker Hardened Images (Debian 13)',
    provider: 'docker-hardened-images',
    model: 'upcoming',
  },
  echo: { id: 'echo', rolling: true, idLike: ['debian'], prettyName: 'Echo Linux', provider: 'echo' },
  'echo-minimal': { id: 'echo', rolling: true, provider: 'echo' },
  'mariner-1.0': {
    id: 'cbl-mariner',
    version: '1.0',
    prettyName: 'CBL-Mariner/Linux',
    provider: 'traditional',
  },
  'mariner-2.0': {
    id: 'cbl-mariner',
    version: '2.0',
    prettyName: 'CBL-Mariner/Linux',
    provider: 'traditional',
  },
  minimos: { id: 'minimos', rolling: true, prettyName: 'MinimOS', provider: 'minimus' },
  'photon-1.0': {
    id: 'photon',
    version: '1.0',
    prettyName: 'VMware Photon/Linux',
    path: 'usr/lib/os-release',
    provider: 'photon',
  },
  'photon-2.0': {
    id: 'photon',
    version: '2.0',
    prettyName: 'VMware Photon OS/Linux',
    path: 'usr/lib/os-release',
    provider: 'photon',
  },
  'photon-3.0': {
    id: 'photon',
    version: '3.0',
    prettyName: 'VMware Photon OS/Linux',
    path: 'usr/lib/os-release',
    provider: 'photon',
  },
  'photon-4.0': {
    id: 'photon',
    version: '4.0',
    prettyName: 'VMware Photon OS/Linux',
    path: 'usr/lib/os-release',
    provider: 'photon',
  },
  'photon-5.0': {
    id: 'photon',
    version: '5.0',
    prettyName: 'VMware Photon OS/Linux',
    path: 'usr/lib/os-release',
    provider: 'photon',
  },
  'rhel-7': {
    id: 'rhel',
    version: '7.3',
    idLike: ['fedora'],
    prettyName: 'Red Hat Enterprise Linux Server 7.3 (Maipo)',
    path: 'usr/lib/os-release',
    provider: 'traditional',
  },
  'rhel-8-ubi': {
    id: 'rhel',
    version: '8.0',
    idLike: ['fedora'],
    prettyName: 'Red Hat Enterprise Linux 8.0 (Ootpa)',
    provider: 'traditional',
  },
  'rhel-9': {
    id: 'rhel',
    version: '9.4',
    idLike: ['fedora'],
    prettyName: 'Red Hat Enterprise Linux 9.4 (Plow)',
    provider: 'traditional',
  },
  ubuntu: {
    id: 'ubuntu',
    version: '20.04',
    codename: 'focal',
    idLike: ['debian'],
    prettyName: 'Ubuntu 20.04 LTS',
    provider: 'traditional',
  },
  'ubuntu-22.04': {
    id: 'ubuntu',
    version: '22.04',
    codename: 'jammy',
    idLike: ['debian'],
    prettyName: 'Ubuntu 22.04.5 LTS',
    provider: 'traditional',
  },
  wolfi: { id: 'wolfi', rolling: true, prettyName: 'Wolfi', provider: 'wolfi' },
};

describe('detectDistro', () => {
  test('the table covers every sample', () => {
    assert.deepEqual(Object.keys(SAMPLES).sort(), readdirSync(fixture('os-release')).sort());
  });

  for (const [name, expected] of Object.entries(SAMPLES)) {
    test(`sample ${name}: ${expected.id} ${expected.rolling ? '(rolling)' : expected.version}, ${expected.provider}`, () => {
      const path = expected.path ?? 'etc/os-release';
      const files = sampleFiles(name, path);
      const distro = detectDistro(files);
      assert.ok(distro);
      assert.equal(distro.id, expected.id);
      assert.equal(distro.version, expected.version);
      assert.equal(distro.rolling, expected.rolling);
      assert.equal(distro.versionCodename, expected.codename);
      assert.deepEqual(distro.idLike, expected.idLike);
      assert.equal(distro.prettyName, expected.prettyName);
      assert.equal(distro.source, path);
      assert.deepEqual(distro.fields, files[0]?.fields);
      const provider = detectProvider({
        distro,
        labels: {},
        annotations: {},
        repositories: [],
        present: new Set(),
        hasDpkgStatusD: false,
        hasDpkgStatus: false,
        hasChiselManifest: false,
      });
      assert.equal(provider.name, expected.provider);
      assert.equal(provider.model, expected.model);
      assert.ok(provider.evidence.length > 0);
    });
  }

  test('rolling distros never carry their VERSION_ID as a version', () => {
    const distro = detectDistro(sampleFiles('wolfi'));
    assert.equal(distro?.version, undefined);
    assert.equal(distro?.fields.VERSION_ID, '20220914');
  });

  test('priority: etc/os-release, usr/lib/os-release, lsb-release, then vendor files', () => {
    const etc = release('etc/os-release', 'ID=ubuntu\nVERSION_ID=22.04\n');
    const usrLib = release('usr/lib/os-release', 'ID=debian\nVERSION_ID=12\n');
    const lsb = release('etc/lsb-release', 'DISTRIB_ID=LinuxMint\nDISTRIB_RELEASE=21\n');
    const alpine = release('etc/alpine-release', '3.19.1\n');
    const debian = release('etc/debian_version', 'bookworm/sid\n');
    assert.equal(detectDistro([debian, alpine, lsb, usrLib, etc])?.source, 'etc/os-release');
    assert.equal(detectDistro([debian, alpine, lsb, usrLib])?.source, 'usr/lib/os-release');
    assert.deepEqual(detectDistro([debian, alpine, lsb])?.id, 'linuxmint');
    assert.deepEqual(
      [detectDistro([debian, alpine])?.id, detectDistro([debian, alpine])?.version],
      ['alpine', '3.19.1'],
    );
    assert.deepEqual(detectDistro([debian]), {
      id: 'debian',
      source: 'etc/debian_version',
      fields: { ID: 'debian', VERSION: 'bookworm/sid' },
    });
    // Ubuntu's debian_version must not outrank its os-release, whatever the order given.
    assert.equal(detectDistro([debian, release('usr/lib/os-release', 'ID=ubuntu\n')])?.id, 'ubuntu');
  });

  test('a release file without a usable ID does not decide', () => {
    const noId = release('etc/os-release', 'NAME="Mystery"\nVERSION_ID=1\n');
    const badId = release('usr/lib/os-release', 'ID="Not An ID!"\n');
    const rocky = release('etc/rocky-release', 'Rocky Linux release 9.3 (Blue Onyx)\n');
    const distro = detectDistro([noId, badId, rocky]);
    assert.equal(distro?.id, 'rocky');
    assert.equal(distro?.version, '9.3');
    assert.equal(distro?.source, 'etc/rocky-release');
    assert.equal(detectDistro([noId, badId]), undefined);
    assert.equal(detectDistro([]), undefined);
  });

  test('vendor IDs map onto the canonical list; unknown IDs are kept', () => {
    const cases: [string, string, boolean][] = [
      ['ID=amzn\nVERSION_ID=2023', 'amazon', false],
      ['ID=mariner\nVERSION_ID=2.0', 'cbl-mariner', false],
      ['ID="almalinux"\nVERSION_ID="9.3"', 'alma', false],
      ['ID="opensuse-leap"\nVERSION_ID="15.5"', 'opensuse', false],
      ['ID="opensuse-tumbleweed"\nVERSION_ID="20240101"', 'opensuse', true],
      ['ID="sles"\nVERSION_ID="15.5"', 'sles', false],
      ['ID="sles_sap"\nVERSION_ID="15.4"', 'sles', false],
      ['ID=Rocky\nVERSION_ID=9', 'rocky', false],
      ['ID=centos\nVERSION_ID=7', 'centos', false],
      ['ID=fedora\nVERSION_ID=39', 'fedora', false],
      ['ID=ol\nVERSION_ID=8.9', 'ol', false],
    ];
    for (const [text, id, rolling] of cases) {
      const distro = detectDistro([release('etc/os-release', text)]);
      assert.equal(distro?.id, id, text);
      assert.equal(distro?.rolling, rolling || undefined, text);
      assert.equal(distro?.version === undefined, rolling, text);
    }
    // The vendor's own ID (the variant) stays in the raw fields.
    assert.equal(detectDistro([release('etc/os-release', 'ID=opensuse-leap\n')])?.fields.ID, 'opensuse-leap');
  });

  test('Debian without VERSION_ID takes the major from debian_version; Alpine without takes alpine-release', () => {
    const debian = detectDistro([
      release('etc/os-release', 'ID=debian\n'),
      release('etc/debian_version', '12.5\n'),
    ]);
    assert.equal(debian?.version, '12');
    const testing = detectDistro([
      release('etc/os-release', 'ID=debian\n'),
      release('etc/debian_version', 'trixie/sid\n'),
    ]);
    assert.equal(testing?.version, undefined);
    const alpine = detectDistro([
      release('etc/os-release', 'ID=alpine\n'),
      release('etc/alpine-release', '3.20.3\n'),
    ]);
    assert.equal(alpine?.version, '3.20.3');
    // With VERSION_ID present the os-release wins.
    const both = detectDistro([
      release('etc/os-release', 'ID=alpine\nVERSION_ID=3.20.1\n'),
      release('etc/alpine-release', '3.20.3\n'),
    ]);
    assert.equal(both?.version, '3.20.1');
  });

  test('lsb-release alone: Ubuntu with its codename', () => {
    const lsb = release(
      'etc/lsb-release',
      'DISTRIB_ID=Ubuntu\nDISTRIB_RELEASE=18.04\nDISTRIB_CODENAME=bionic\nDISTRIB_DESCRIPTION="Ubuntu 18.04.6 LTS"\n',
    );
    const distro = detectDistro([lsb]);
    assert.deepEqual(
      [distro?.id, distro?.version, distro?.versionCodename, distro?.prettyName, distro?.source],
      ['ubuntu', '18.04', 'bionic', 'Ubuntu 18.04.6 LTS', 'etc/lsb-release'],
    );
  });

  test('vendor files alone: photon, centos, amazon, SUSE', () => {
    const cases: [string, string, string, string][] = [
      ['etc/photon-release', 'VMware Photon OS 3.0\nPHOTON_BUILD_NUMBER=a\n', 'photon', '3.0'],
      ['etc/centos-release', 'CentOS Linux release 7.9.2009 (Core)\n', 'centos', '7.9.2009'],
      ['etc/system-release', 'Amazon Linux release 2 (Karoo)\n', 'amazon', '2'],
      [
        'etc/SuSE-release',
        'SUSE Linux Enterprise Server 12 (x86_64)\nVERSION = 12\nPATCHLEVEL = 3\n',
        'sles',
        '12.3',
      ],
      ['etc/redhat-release', 'AlmaLinux release 8.9 (Midnight Oncilla)\n', 'alma', '8.9'],
    ];
    for (const [path, text, id, version] of cases) {
      const distro = detectDistro([release(path, text)]);
      assert.deepEqual([distro?.id, distro?.version, distro?.source], [id, version, path]);
    }
    // The most specific file decides when several exist (redhat-release is often a copy).
    const rocky = detectDistro([
      release('etc/redhat-release', 'Red Hat Enterprise Linux release 9.3\n'),
      release('etc/rocky-release', 'Rocky Linux release 9.3 (Blue Onyx)\n'),
      release('etc/system-release', 'Rocky Linux release 9.3 (Blue Onyx)\n'),
    ]);
    assert.equal(rocky?.id, 'rocky');
  });
});
