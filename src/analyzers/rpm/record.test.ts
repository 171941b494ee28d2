import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { RpmHeader } from './header.js';
import { parseSourceRpm, toPackageRecord } from './record.js';

const base: RpmHeader = { name: 'bash', version: '5.1.8', release: '6.el9', files: [] };

describe('parseSourceRpm', () => {
  test('splits name from version-release at the last two dashes', () => {
    assert.deepEqual(parseSourceRpm('util-linux-2.32.1-42.el8_8.src.rpm'), {
      name: 'util-linux',
      version: '2.32.1-42.el8_8',
    });
    assert.deepEqual(parseSourceRpm('ca-certificates-2.0.0-1.cm2.src.rpm'), {
      name: 'ca-certificates',
      version: '2.0.0-1.cm2',
    });
    assert.deepEqual(parseSourceRpm('kernel-5.14.0-1~rc1^git1.nosrc.rpm'), {
      name: 'kernel',
      version: '5.14.0-1~rc1^git1',
    });
  });

  test('gives nothing for values that are not a source rpm file name', () => {
    for (const value of [
      '(none)',
      '',
      'foo.src.rpm',
      'foo-1.src.rpm',
      '-1-2.src.rpm',
      'a--2.src.rpm',
      'a-1-.src.rpm',
    ]) {
      assert.equal(parseSourceRpm(value), undefined, value);
    }
  });
});

describe('toPackageRecord', () => {
  test('maps every reported field', () => {
    const header: RpmHeader = {
      name: 'perl-DBI',
      version: '1.641',
      release: '3.module+el8.5.0+12345+abcdef',
      epoch: 2,
      arch: 'x86_64',
      sourceRpm: 'perl-DBI-1.641-3.module+el8.5.0+12345+abcdef.src.rpm',
      license: 'GPL+ or Artistic',
      vendor: 'Red Hat, Inc.',
      modularityLabel: 'perl-DBI:1.641:8050020210517:b967a9a2',
      files: ['/usr/lib64/perl5/DBI.pm', '/usr/share/doc/perl-DBI'],
    };
    assert.deepEqual(toPackageRecord(header, 'var/lib/rpm/Packages', 'rpm'), {
      name: 'perl-DBI',
      version: '2:1.641-3.module+el8.5.0+12345+abcdef',
      type: 'rpm',
      epoch: 2,
      arch: 'x86_64',
      source: { name: 'perl-DBI', version: '1.641-3.module+el8.5.0+12345+abcdef' },
      licenses: ['GPL+ or Artistic'],
      supplier: 'Red Hat, Inc.',
      metadata: { modularitylabel: 'perl-DBI:1.641:8050020210517:b967a9a2' },
      location: 'var/lib/rpm/Packages',
      foundBy: 'rpm',
      files: ['usr/lib64/perl5/DBI.pm', 'usr/share/doc/perl-DBI'],
    });
  });

  test('an epoch of 0 is kept as a field but not written into the version', () => {
    const record = toPackageRecord({ ...base, epoch: 0 }, 'x', 'rpm');
    assert.equal(record.version, '5.1.8-6.el9');
    assert.equal(record.epoch, 0);
    assert.equal('epoch' in toPackageRecord(base, 'x', 'rpm'), false);
  });

  test('a gpg-pubkey header has no arch, source, licence or supplier', () => {
    const record = toPackageRecord(
      { name: 'gpg-pubkey', version: 'fd431d51', release: '4ae0493b', license: 'pubkey', files: [] },
      'usr/lib/sysimage/rpm/rpmdb.sqlite',
      'rpm',
    );
    assert.deepEqual(record, {
      name: 'gpg-pubkey',
      version: 'fd431d51-4ae0493b',
      type: 'rpm',
      licenses: ['pubkey'],
      location: 'usr/lib/sysimage/rpm/rpmdb.sqlite',
      foundBy: 'rpm',
      files: [],
    });
  });

  test('empty vendor, licence and modularity label strings are left out', () => {
    const record = toPackageRecord({ ...base, vendor: '', license: '', modularityLabel: '' }, 'x', 'rpm');
    assert.equal('supplier' in record, false);
    assert.equal('licenses' in record, false);
    assert.equal('metadata' in record, false);
  });
});
