import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { KeelsonError } from '../../core/errors.js';
import { parseRpmHeader } from './header.js';
import {
  buildHeaderBlob,
  type HeaderEntrySpec,
  packageHeaderEntries,
  RPM_TAG,
  RPM_TYPE,
} from './test-support.js';

function assertDamaged(blob: Buffer, message: RegExp): void {
  assert.throws(
    () => parseRpmHeader(blob),
    (err: unknown) => err instanceof KeelsonError && err.code === 'PARSE_ERROR' && message.test(err.message),
  );
}

const fileEntries: HeaderEntrySpec[] = [
  { tag: RPM_TAG.BASENAMES, type: RPM_TYPE.STRING_ARRAY, value: ['libuuid.so.1', 'COPYING', 'alpha'] },
  {
    tag: RPM_TAG.DIRNAMES,
    type: RPM_TYPE.STRING_ARRAY,
    value: ['/usr/lib64/', '/usr/share/licenses/libuuid/'],
  },
  { tag: RPM_TAG.DIRINDEXES, type: RPM_TYPE.INT32, value: [0, 1, 0] },
];

describe('parseRpmHeader', () => {
  test('reads the identity tags, licence, vendor, modularity label and joins the file list', () => {
    const blob = buildHeaderBlob([
      { tag: RPM_TAG.NAME, type: RPM_TYPE.STRING, value: 'libuuid' },
      { tag: RPM_TAG.VERSION, type: RPM_TYPE.STRING, value: '2.32.1' },
      { tag: RPM_TAG.RELEASE, type: RPM_TYPE.STRING, value: '42.el8_8' },
      { tag: RPM_TAG.EPOCH, type: RPM_TYPE.INT32, value: [7] },
      { tag: RPM_TAG.ARCH, type: RPM_TYPE.STRING, value: 'x86_64' },
      { tag: RPM_TAG.SOURCERPM, type: RPM_TYPE.STRING, value: 'util-linux-2.32.1-42.el8_8.src.rpm' },
      { tag: RPM_TAG.LICENSE, type: RPM_TYPE.STRING, value: 'BSD' },
      { tag: RPM_TAG.VENDOR, type: RPM_TYPE.STRING, value: 'Red Hat, Inc.' },
      { tag: RPM_TAG.MODULARITYLABEL, type: RPM_TYPE.STRING, value: 'perl:5.30:8020020200:c1' },
      ...fileEntries,
    ]);
    assert.deepEqual(parseRpmHeader(blob), {
      name: 'libuuid',
      version: '2.32.1',
      release: '42.el8_8',
      epoch: 7,
      arch: 'x86_64',
      sourceRpm: 'util-linux-2.32.1-42.el8_8.src.rpm',
      license: 'BSD',
      vendor: 'Red Hat, Inc.',
      modularityLabel: 'perl:5.30:8020020200:c1',
      files: ['/usr/lib64/libuuid.so.1', '/usr/share/licenses/libuuid/COPYING', '/usr/lib64/alpha'],
    });
  });

  test('leaves absent optional tags undefined and keeps an explicit epoch 0', () => {
    const header = parseRpmHeader(
      buildHeaderBlob([
        { tag: RPM_TAG.NAME, type: RPM_TYPE.STRING, value: 'gpg-pubkey' },
        { tag: RPM_TAG.VERSION, type: RPM_TYPE.STRING, value: '8783d481' },
        { tag: RPM_TAG.RELEASE, type: RPM_TYPE.STRING, value: '63ceb953' },
        { tag: RPM_TAG.EPOCH, type: RPM_TYPE.INT32, value: [0] },
      ]),
    );
    assert.equal(header.epoch, 0);
    assert.equal(header.arch, undefined);
    assert.equal(header.sourceRpm, undefined);
    assert.equal(header.vendor, undefined);
    assert.deepEqual(header.files, []);
  });

  test('reads the legacy OLDFILENAMES list when there are no BASENAMES', () => {
    const blob = buildHeaderBlob(
      packageHeaderEntries('old', [
        { tag: RPM_TAG.OLDFILENAMES, type: RPM_TYPE.STRING_ARRAY, value: ['/etc/old.conf', '/usr/bin/old'] },
      ]),
    );
    assert.deepEqual(parseRpmHeader(blob).files, ['/etc/old.conf', '/usr/bin/old']);
  });

  test('takes the untranslated first value of an I18NSTRING', () => {
    const blob = buildHeaderBlob(
      packageHeaderEntries('i18n', [
        { tag: RPM_TAG.VENDOR, type: RPM_TYPE.I18NSTRING, value: ['Acme', 'Akme'] },
      ]),
    );
    assert.equal(parseRpmHeader(blob).vendor, 'Acme');
  });

  test('a later entry for the same tag replaces the earlier one, as rpm does with dribble entries', () => {
    const blob = buildHeaderBlob(
      packageHeaderEntries('dribble', [{ tag: RPM_TAG.RELEASE, type: RPM_TYPE.STRING, value: '2.fixed' }]),
    );
    assert.equal(parseRpmHeader(blob).release, '2.fixed');
  });

  test('rejects blobs whose preamble or size does not add up', () => {
    const good = buildHeaderBlob(packageHeaderEntries('x'));
    assertDamaged(Buffer.alloc(0), /shorter than the 8-byte preamble/);
    assertDamaged(Buffer.from([0, 0, 0, 0, 0, 0, 0, 0]), /implausible index entry count 0/);
    assertDamaged(Buffer.from([0, 1, 0, 0, 0, 0, 0, 0]), /implausible index entry count 65536/);
    assertDamaged(Buffer.from([0, 0, 0, 1, 0x10, 0, 0, 0]), /implausible data length/);
    assertDamaged(good.subarray(0, good.length - 1), /need \d+ bytes, the blob has/);
    assertDamaged(Buffer.concat([good, Buffer.from([0])]), /need \d+ bytes, the blob has/);
  });

  test('rejects entries that point outside the data store or have unknown types', () => {
    const withEntry = (entry: HeaderEntrySpec) => buildHeaderBlob(packageHeaderEntries('x', [entry]));
    assertDamaged(
      withEntry({ tag: RPM_TAG.VENDOR, type: RPM_TYPE.STRING, value: 'v', offset: 0xfffffff0 }),
      /offset 4294967280 of the \d+-byte data store/,
    );
    assertDamaged(
      withEntry({ tag: RPM_TAG.DIRINDEXES, type: RPM_TYPE.INT32, value: [1], count: 0x40000000 }),
      /runs past the \d+-byte data store/,
    );
    assertDamaged(
      withEntry({ tag: RPM_TAG.BASENAMES, type: RPM_TYPE.STRING_ARRAY, value: ['a'], count: 1000 }),
      /claims 1000 strings/,
    );
    assertDamaged(withEntry({ tag: 5000, type: 10, value: Buffer.from([1]) }), /unknown type 10/);
  });

  test('rejects a string that runs off the end of the header without a NUL', () => {
    const entries = packageHeaderEntries('x', [{ tag: 1005, type: RPM_TYPE.BIN, value: Buffer.from('ab') }]);
    const dataLength = buildHeaderBlob(entries).readUInt32BE(4);
    // VENDOR points at the last two data bytes, which have no NUL after them.
    const vendor = buildHeaderBlob([
      ...entries,
      {
        tag: RPM_TAG.VENDOR,
        type: RPM_TYPE.STRING,
        value: Buffer.alloc(0),
        count: 1,
        offset: dataLength - 2,
      },
    ]);
    assertDamaged(vendor, /VENDOR string 0 is not NUL-terminated/);
  });

  test('rejects headers without NAME/VERSION/RELEASE or with mistyped tags', () => {
    assertDamaged(
      buildHeaderBlob([
        { tag: RPM_TAG.NAME, type: RPM_TYPE.STRING, value: 'x' },
        { tag: RPM_TAG.VERSION, type: RPM_TYPE.STRING, value: '1' },
      ]),
      /no RELEASE tag/,
    );
    assertDamaged(
      buildHeaderBlob(packageHeaderEntries('x', [{ tag: RPM_TAG.ARCH, type: RPM_TYPE.INT32, value: [1] }])),
      /ARCH has type 4, expected a string/,
    );
    assertDamaged(
      buildHeaderBlob(
        packageHeaderEntries('x', [{ tag: RPM_TAG.EPOCH, type: RPM_TYPE.INT32, value: [1, 2] }]),
      ),
      /EPOCH has 2 values/,
    );
    assertDamaged(
      buildHeaderBlob(
        packageHeaderEntries('x', [{ tag: RPM_TAG.LICENSE, type: RPM_TYPE.STRING, value: 'a', count: 2 }]),
      ),
      /LICENSE is a STRING with count 2/,
    );
  });

  test('rejects file lists whose DIRINDEXES do not match', () => {
    const [basenames, dirnames] = fileEntries;
    assertDamaged(
      buildHeaderBlob(
        packageHeaderEntries('x', [
          basenames!,
          dirnames!,
          { tag: RPM_TAG.DIRINDEXES, type: RPM_TYPE.INT32, value: [0, 2, 0] },
        ]),
      ),
      /DIRINDEXES\[1\] = 2 but there are 2 DIRNAMES/,
    );
    assertDamaged(
      buildHeaderBlob(
        packageHeaderEntries('x', [
          basenames!,
          dirnames!,
          { tag: RPM_TAG.DIRINDEXES, type: RPM_TYPE.INT32, value: [0] },
        ]),
      ),
      /3 BASENAMES but 1 DIRINDEXES/,
    );
  });
});
