import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { KeelsonError } from '../../core/errors.js';
import { fileOffsetOf, hasElfMagic, PT_LOAD, readElf } from './elf.js';

const trueBinary = readFileSync('/bin/true');

function parseError(fn: () => unknown, pattern: RegExp): void {
  assert.throws(
    fn,
    (err: unknown) => err instanceof KeelsonError && err.code === 'PARSE_ERROR' && pattern.test(err.message),
  );
}

describe('readElf', () => {
  test('reads section names and loadable segments of a system binary', () => {
    const elf = readElf(trueBinary);
    const names = elf.sections.map((s) => s.name);
    for (const name of ['.text', '.rodata', '.shstrtab']) assert.ok(names.includes(name), name);
    const text = elf.sections.find((s) => s.name === '.text')!;
    assert.ok(text.offset > 0 && text.offset + text.size <= trueBinary.length);
    assert.ok(elf.segments.some((s) => s.type === PT_LOAD));
    assert.equal(elf.fileSize, trueBinary.length);
  });

  test('maps virtual addresses through PT_LOAD segments', () => {
    const elf = readElf(trueBinary);
    const load = elf.segments.find((s) => s.type === PT_LOAD && s.fileSize > 16)!;
    assert.equal(fileOffsetOf(elf, load.virtualAddress + 8, 8), load.offset + 8);
    parseError(
      () => fileOffsetOf(elf, 0xdead0000000, 8),
      /address 0xdead0000000 \(\+8 bytes\) is not in a loaded segment/,
    );
    parseError(
      () => fileOffsetOf(elf, load.virtualAddress + load.fileSize - 4, 8),
      /not in a loaded segment/,
    );
  });

  test('tables outside the file read as empty; a truncated or unknown header is an error', () => {
    const cut = readElf(trueBinary.subarray(0, 4096));
    assert.deepEqual(cut.sections, []);
    assert.ok(cut.segments.length > 0);
    parseError(() => readElf(trueBinary.subarray(0, 40)), /truncated ELF header/);
    parseError(() => readElf(Buffer.from('\x7fELF', 'latin1')), /not an ELF file/);
    parseError(() => readElf(Buffer.from('MZ\x90\x00 not elf at all', 'latin1')), /not an ELF file/);
    const oddClass = Buffer.from(trueBinary.subarray(0, 64));
    oddClass[4] = 3;
    parseError(() => readElf(oddClass), /unknown ELF class 3/);
  });

  test('recognises the magic', () => {
    assert.equal(hasElfMagic(trueBinary), true);
    assert.equal(hasElfMagic(Buffer.from('\x7fEL', 'latin1')), false);
  });
});
