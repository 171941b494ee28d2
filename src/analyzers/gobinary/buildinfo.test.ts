import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { KeelsonError } from '../../core/errors.js';
import { BUILDINFO_MAGIC, decodeBuildInfo, findBuildInfo } from './buildinfo.js';
import { readElf } from './elf.js';
import {
  BASE,
  buildElf,
  inlineBlob,
  OLD_MODINFO,
  PAYLOAD_OFFSET,
  pointerFormatBlob,
  uvarint,
  wrapped,
} from './test-elf.js';

function parseError(fn: () => unknown, pattern: RegExp): void {
  assert.throws(
    fn,
    (err: unknown) => err instanceof KeelsonError && err.code === 'PARSE_ERROR' && pattern.test(err.message),
  );
}

function find(file: Buffer) {
  return findBuildInfo(file, readElf(file));
}

describe('findBuildInfo: pointer format (Go < 1.18)', () => {
  for (const [pointerSize, littleEndian] of [
    [8, true],
    [4, false],
    [4, true],
    [8, false],
  ] as const) {
    for (const withSection of [true, false]) {
      test(`${pointerSize * 8}-bit ${littleEndian ? 'little' : 'big'}-endian, ${withSection ? 'by section' : 'by scan'}`, () => {
        const file = buildElf({
          pointerSize,
          littleEndian,
          withSection,
          payload: pointerFormatBlob(pointerSize, littleEndian, 'go1.16.15', wrapped(OLD_MODINFO)),
        });
        assert.equal(
          readElf(file).sections.some((s) => s.name === '.go.buildinfo'),
          withSection,
        );
        assert.deepEqual(find(file), { goVersion: 'go1.16.15', modinfo: OLD_MODINFO });
      });
    }
  }

  test('a pointer outside every loaded segment is an error, as is a file cut inside the strings', () => {
    const blob = pointerFormatBlob(8, true, 'go1.15', wrapped(OLD_MODINFO));
    const file = buildElf({ pointerSize: 8, littleEndian: true, withSection: false, payload: blob });
    parseError(() => find(file.subarray(0, file.length - 10)), /is not in a loaded segment/);
    const shifted = buildElf({
      pointerSize: 8,
      littleEndian: true,
      withSection: false,
      payload: (a) => blob(a + 0x100000),
    });
    parseError(() => find(shifted), /address 0x5002\d+ \(\+16 bytes\) is not in a loaded segment/);
  });

  test('needs program headers and a valid pointer size', () => {
    const blob = pointerFormatBlob(8, true, 'go1.15', wrapped(OLD_MODINFO))(BASE + PAYLOAD_OFFSET);
    const raw = Buffer.concat([Buffer.alloc(PAYLOAD_OFFSET), blob]);
    parseError(() => decodeBuildInfo(raw, PAYLOAD_OFFSET, undefined), /needs ELF program headers/);
    blob[14] = 3;
    parseError(
      () => decodeBuildInfo(Buffer.concat([Buffer.alloc(PAYLOAD_OFFSET), blob]), PAYLOAD_OFFSET, undefined),
      /pointer size 3/,
    );
  });
});

describe('findBuildInfo: inline format (Go 1.18+)', () => {
  const modinfo = 'path\tx\nmod\tx\t(devel)\t\nbuild\tGOOS=linux\n';

  test('decodes varint-prefixed strings and strips the sentinels', () => {
    const file = buildElf({
      pointerSize: 8,
      littleEndian: true,
      withSection: true,
      payload: () => inlineBlob('go1.22.5', wrapped(modinfo)),
    });
    assert.deepEqual(find(file), { goVersion: 'go1.22.5', modinfo });
  });

  test('modinfo without the sentinel framing reads as empty (no modules)', () => {
    const file = buildElf({
      pointerSize: 8,
      littleEndian: true,
      withSection: true,
      payload: () => inlineBlob('go1.22.5', Buffer.from(modinfo)),
    });
    assert.deepEqual(find(file), { goVersion: 'go1.22.5', modinfo: '' });
  });

  test('truncated strings, oversized lengths and endless varints are errors', () => {
    const file = buildElf({
      pointerSize: 8,
      littleEndian: true,
      withSection: false,
      payload: () => inlineBlob('go1.22.5', wrapped(modinfo)),
    });
    parseError(
      () => find(file.subarray(0, PAYLOAD_OFFSET + 40)),
      /string of \d+ bytes at offset \d+ runs past the end/,
    );
    parseError(() => find(file.subarray(0, PAYLOAD_OFFSET + 32)), /string length at offset 544 is truncated/);
    parseError(() => find(file.subarray(0, PAYLOAD_OFFSET + 20)), /header at offset 512 is truncated/);
    const endless = Buffer.concat([file.subarray(0, PAYLOAD_OFFSET + 32), Buffer.alloc(20, 0xff)]);
    parseError(() => find(endless), /string length at offset 544 is too large/);
    const huge = Buffer.concat([file.subarray(0, PAYLOAD_OFFSET + 32), uvarint(2 ** 52), Buffer.alloc(10)]);
    parseError(() => find(huge), /string of 4503599627370496 bytes/);
  });

  test('a blob whose version is not a Go version is rejected', () => {
    const file = buildElf({
      pointerSize: 8,
      littleEndian: true,
      withSection: true,
      payload: () => inlineBlob('hello', wrapped(modinfo)),
    });
    parseError(() => find(file), /holds no Go version/);
  });
});

describe('findBuildInfo: locating the blob', () => {
  const good = () => inlineBlob('go1.21.3', wrapped('path\tp\n'));

  test('no magic: not Go; misaligned magic is ignored', () => {
    const plain = buildElf({
      pointerSize: 8,
      littleEndian: true,
      withSection: false,
      payload: () => Buffer.from('just data'),
    });
    assert.equal(find(plain), undefined);
    const misaligned = buildElf({
      pointerSize: 8,
      littleEndian: true,
      withSection: false,
      payload: () => Buffer.concat([Buffer.alloc(3), good()]),
    });
    assert.equal(find(misaligned), undefined);
  });

  test('skips aligned copies of the magic that do not decode, up to a bound', () => {
    const decoy = Buffer.concat([BUILDINFO_MAGIC, Buffer.from([8, 2]), Buffer.alloc(32)]);
    const twoDecoys = Buffer.concat([decoy, decoy, good()]);
    const file = buildElf({
      pointerSize: 8,
      littleEndian: true,
      withSection: false,
      payload: () => twoDecoys,
    });
    assert.equal(find(file)?.goVersion, 'go1.21.3');
    const manyDecoys = Buffer.concat([...Array.from({ length: 64 }, () => decoy), good()]);
    const hidden = buildElf({
      pointerSize: 8,
      littleEndian: true,
      withSection: false,
      payload: () => manyDecoys,
    });
    parseError(() => find(hidden), /holds no Go version/);
  });

  test('a .go.buildinfo section without the header is an error', () => {
    const file = buildElf({
      pointerSize: 8,
      littleEndian: true,
      withSection: true,
      payload: () => Buffer.alloc(64),
    });
    parseError(
      () => find(file),
      /\.go\.buildinfo section at offset 512 does not start with the build info header/,
    );
  });
});
