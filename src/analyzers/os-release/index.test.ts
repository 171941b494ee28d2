import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { fixture } from '../../../test/helpers/paths.js';
import { isKeelsonError } from '../../core/errors.js';
import type { EntryInfo } from '../types.js';
import { osReleaseAnalyzer } from './index.js';

const info: EntryInfo = { path: '', size: 0, mode: 0o644, type: 'file' };
const ctx = { sibling: () => undefined };
const sample = (name: string, file = 'os-release') => readFileSync(fixture('os-release', name, file));

function analyze(path: string, content: string | Buffer) {
  const file = { path, content: Buffer.isBuffer(content) ? content : Buffer.from(content), mode: 0o644 };
  return osReleaseAnalyzer.analyze(file, ctx);
}

describe('osReleaseAnalyzer', () => {
  test('wants exactly the release files', () => {
    const wanted = [
      'etc/os-release',
      'usr/lib/os-release',
      'etc/lsb-release',
      'etc/alpine-release',
      'etc/debian_version',
      'etc/redhat-release',
      'etc/photon-release',
      'etc/system-release',
      'etc/centos-release',
      'etc/rocky-release',
      'etc/almalinux-release',
      'etc/fedora-release',
      'etc/SuSE-release',
    ];
    for (const path of wanted) assert.equal(osReleaseAnalyzer.wants(path, { ...info, path }), true, path);
    for (const path of [
      '/etc/os-release',
      'etc/os-release.d',
      'foo/etc/os-release',
      'etc/suse-release',
      'etc',
    ]) {
      assert.equal(osReleaseAnalyzer.wants(path, { ...info, path }), false, path);
    }
  });

  test('refuses files over 64 KiB: the walker fails the scan, and analyze does too', () => {
    assert.equal(osReleaseAnalyzer.maxFileSize, 64 * 1024);
    assert.equal(osReleaseAnalyzer.oversize, 'error');
    assert.throws(
      () => analyze('etc/os-release', Buffer.alloc(64 * 1024 + 1, 'A')),
      (err: unknown) =>
        isKeelsonError(err) && err.code === 'FILE_TOO_LARGE' && err.context.file === 'etc/os-release',
    );
  });

  test('reads a real os-release verbatim', () => {
    assert.deepEqual(analyze('etc/os-release', sample('ubuntu-22.04')), {
      os: {
        kind: 'os-release',
        fields: {
          PRETTY_NAME: 'Ubuntu 22.04.5 LTS',
          NAME: 'Ubuntu',
          VERSION_ID: '22.04',
          VERSION: '22.04.5 LTS (Jammy Jellyfish)',
          VERSION_CODENAME: 'jammy',
          ID: 'ubuntu',
          ID_LIKE: 'debian',
          HOME_URL: 'https://www.ubuntu.com/',
          SUPPORT_URL: 'https://help.ubuntu.com/',
          BUG_REPORT_URL: 'https://bugs.launchpad.net/ubuntu/',
          PRIVACY_POLICY_URL: 'https://www.ubuntu.com/legal/terms-and-policies/privacy-policy',
          UBUNTU_CODENAME: 'jammy',
        },
      },
    });
  });

  test('trailing blank after a closing quote (photon 2.0) and no final newline (photon 4.0)', () => {
    assert.equal(
      analyze('etc/os-release', sample('photon-2.0'))?.os?.fields.BUG_REPORT_URL,
      'https://github.com/vmware/photon/issues',
    );
    const photon4 = analyze('usr/lib/os-release', sample('photon-4.0'))?.os?.fields;
    assert.equal(photon4?.BUG_REPORT_URL, 'https://github.com/vmware/photon/issues');
    assert.equal(photon4?.VERSION_ID, '4.0');
  });

  test('blank lines inside the file (rhel) do not end it', () => {
    const fields = analyze('etc/os-release', sample('rhel-9'))?.os?.fields;
    assert.equal(fields?.REDHAT_SUPPORT_PRODUCT_VERSION, '9.4');
    assert.equal(fields?.ID, 'rhel');
  });

  test('lsb-release keeps DISTRIB_* and adds os-release equivalents', () => {
    const text =
      'DISTRIB_ID=Ubuntu\nDISTRIB_RELEASE=18.04\nDISTRIB_CODENAME=bionic\nDISTRIB_DESCRIPTION="Ubuntu 18.04.6 LTS"\n';
    assert.deepEqual(analyze('etc/lsb-release', text), {
      os: {
        kind: 'lsb-release',
        fields: {
          DISTRIB_ID: 'Ubuntu',
          DISTRIB_RELEASE: '18.04',
          DISTRIB_CODENAME: 'bionic',
          DISTRIB_DESCRIPTION: 'Ubuntu 18.04.6 LTS',
          ID: 'ubuntu',
          NAME: 'Ubuntu',
          VERSION_ID: '18.04',
          VERSION_CODENAME: 'bionic',
          PRETTY_NAME: 'Ubuntu 18.04.6 LTS',
        },
      },
    });
  });

  test('alpine-release and debian_version', () => {
    assert.deepEqual(analyze('etc/alpine-release', '3.18.4\n'), {
      os: { kind: 'alpine-release', fields: { ID: 'alpine', VERSION_ID: '3.18.4' } },
    });
    assert.deepEqual(
      analyze('etc/debian_version', sample('debian-distroless-no-version', 'debian_version')),
      {
        os: { kind: 'debian_version', fields: { ID: 'debian', VERSION: '10.8', VERSION_ID: '10.8' } },
      },
    );
    // Ubuntu and Debian testing write a codename pair: no version to take from it.
    assert.deepEqual(analyze('etc/debian_version', 'bookworm/sid\n'), {
      os: { kind: 'debian_version', fields: { ID: 'debian', VERSION: 'bookworm/sid' } },
    });
    assert.deepEqual(analyze('etc/alpine-release', 'garbage here\n'), {
      os: { kind: 'alpine-release', fields: { ID: 'alpine' } },
    });
  });

  test('Red Hat-style release lines', () => {
    const cases: [string, string, Record<string, string>][] = [
      [
        'etc/redhat-release',
        'Red Hat Enterprise Linux release 8.4 (Ootpa)',
        { ID: 'rhel', NAME: 'Red Hat Enterprise Linux', VERSION_ID: '8.4', VERSION: '8.4 (Ootpa)' },
      ],
      [
        'etc/centos-release',
        'CentOS Linux release 7.9.2009 (Core)',
        { ID: 'centos', NAME: 'CentOS Linux', VERSION_ID: '7.9.2009', VERSION: '7.9.2009 (Core)' },
      ],
      [
        'etc/centos-release',
        'CentOS Stream release 9',
        { ID: 'centos', NAME: 'CentOS Stream', VERSION_ID: '9', VERSION: '9' },
      ],
      [
        'etc/rocky-release',
        'Rocky Linux release 8.5 (Green Obsidian)',
        { ID: 'rocky', NAME: 'Rocky Linux', VERSION_ID: '8.5', VERSION: '8.5 (Green Obsidian)' },
      ],
      [
        'etc/almalinux-release',
        'AlmaLinux release 9.3 (Shamrock Pampas Cat)',
        { ID: 'almalinux', NAME: 'AlmaLinux', VERSION_ID: '9.3', VERSION: '9.3 (Shamrock Pampas Cat)' },
      ],
      [
        'etc/fedora-release',
        'Fedora release 39 (Thirty Nine)',
        { ID: 'fedora', NAME: 'Fedora', VERSION_ID: '39', VERSION: '39 (Thirty Nine)' },
      ],
      [
        'etc/system-release',
        'Amazon Linux release 2 (Karoo)',
        { ID: 'amzn', NAME: 'Amazon Linux', VERSION_ID: '2', VERSION: '2 (Karoo)' },
      ],
      [
        'etc/system-release',
        'Amazon Linux AMI release 2018.03',
        { ID: 'amzn', NAME: 'Amazon Linux AMI', VERSION_ID: '2018.03', VERSION: '2018.03' },
      ],
      // A redhat-release that is really CentOS's names itself: the text wins over the file name.
      [
        'etc/redhat-release',
        'CentOS Linux release 8.5.2111',
        { ID: 'centos', NAME: 'CentOS Linux', VERSION_ID: '8.5.2111', VERSION: '8.5.2111' },
      ],
      ['etc/system-release', 'Some Linux without the word', { NAME: 'Some Linux without the word' }],
    ];
    for (const [path, line, expected] of cases) {
      assert.deepEqual(analyze(path, `${line}\n`)?.os?.fields, { PRETTY_NAME: line, ...expected }, line);
    }
  });

  test('photon-release', () => {
    assert.deepEqual(analyze('etc/photon-release', 'VMware Photon OS 4.0\nPHOTON_BUILD_NUMBER=1526e30ba\n'), {
      os: {
        kind: 'photon-release',
        fields: {
          PHOTON_BUILD_NUMBER: '1526e30ba',
          ID: 'photon',
          PRETTY_NAME: 'VMware Photon OS 4.0',
          NAME: 'VMware Photon OS',
          VERSION_ID: '4.0',
        },
      },
    });
  });

  test('SuSE-release: the patch level joins the version as os-release writes it', () => {
    const sles = 'SUSE Linux Enterprise Server 11 (x86_64)\nVERSION = 11\nPATCHLEVEL = 4\n';
    assert.deepEqual(analyze('etc/SuSE-release', sles)?.os?.fields, {
      PRETTY_NAME: 'SUSE Linux Enterprise Server 11 (x86_64)',
      ID: 'sles',
      VERSION: '11',
      PATCHLEVEL: '4',
      VERSION_ID: '11.4',
    });
    const leap =
      'openSUSE 13.2 (x86_64)\nVERSION = 13.2\nCODENAME = Harlequin\n# /etc/SuSE-release is deprecated\n';
    assert.deepEqual(analyze('etc/SuSE-release', leap)?.os?.fields, {
      PRETTY_NAME: 'openSUSE 13.2 (x86_64)',
      ID: 'opensuse',
      VERSION: '13.2',
      CODENAME: 'Harlequin',
      VERSION_ID: '13.2',
    });
  });

  test('empty and hostile files give fields, never an exception', () => {
    assert.deepEqual(analyze('etc/os-release', ''), { os: { kind: 'os-release', fields: {} } });
    assert.deepEqual(analyze('etc/redhat-release', ''), { os: { kind: 'redhat-release', fields: {} } });
    // Lines built to make a backtracking regex quadratic: these must finish at once.
    const spaces = `${'a '.repeat(30_000)}release`;
    for (const path of ['etc/redhat-release', 'etc/photon-release', 'etc/SuSE-release', 'etc/os-release']) {
      assert.equal(typeof analyze(path, spaces)?.os?.fields, 'object');
      assert.equal(typeof analyze(path, `\0\0\0${' '.repeat(60_000)}\0=`)?.os?.fields, 'object');
    }
  });
});
