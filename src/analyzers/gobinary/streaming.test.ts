import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { describe, test } from 'node:test';
import { tarEntries } from '../../../test/helpers/tar-writer.js';
import { ByteBudget, DEFAULT_LIMITS } from '../../layers/decompress.js';
import { walkLayer } from '../../layers/walker.js';
import { goBinaryAnalyzer } from './index.js';
import { buildElf, inlineBlob, OLD_MODINFO, pointerFormatBlob, wrapped } from './test-elf.js';

/**
 * The analyzer as the layer walker runs it: executables stream by and only windows after the build
 * info magic are kept; the old pointer format asks for a second, whole-file read.
 */
function chunked(data: Buffer, size: number): Readable {
  const chunks: Buffer[] = [];
  for (let i = 0; i < data.length; i += size) chunks.push(data.subarray(i, i + size));
  return Readable.from(chunks);
}

async function walk(tar: Buffer, chunkSize: number) {
  let reopened = 0;
  const facts = await walkLayer(chunked(tar, chunkSize), {
    analyzers: [goBinaryAnalyzer],
    budget: new ByteBudget(DEFAULT_LIMITS),
    context: { layer: '0' },
    reopen: async () => {
      reopened++;
      return chunked(tar, chunkSize);
    },
  });
  return { facts, reopened };
}

const names = (packages: { name: string; version: string }[] | undefined) =>
  (packages ?? []).map((p) => `${p.name}@${p.version}`).sort();

describe('goBinaryAnalyzer through the layer walker', () => {
  // Padded past the analyzer's 1 KiB minimum, as any real executable is.
  const pad = (elf: Buffer) => Buffer.concat([elf, Buffer.alloc(4096)]);
  const inline = pad(
    buildElf({
      pointerSize: 8,
      littleEndian: true,
      withSection: false,
      payload: () => inlineBlob('go1.22.5', wrapped(OLD_MODINFO)),
    }),
  );
  const pointer = pad(
    buildElf({
      pointerSize: 8,
      littleEndian: true,
      withSection: true,
      payload: pointerFormatBlob(8, true, 'go1.16.15', wrapped(OLD_MODINFO)),
    }),
  );
  const expected = [
    '../sys@(devel)',
    'github.com/example/tool@v1.4.0',
    'github.com/spf13/cobra@v1.1.3',
    'stdlib@v1.16.15',
  ];

  for (const chunkSize of [1, 7, 13, 512, 4096, 1 << 20]) {
    test(`finds build info in windows at chunk size ${chunkSize}; old format gets a second read`, async () => {
      const tar = tarEntries([
        { path: 'usr/bin/new-go', content: inline, mode: 0o755 },
        { path: 'usr/bin/old-go', content: pointer, mode: 0o755 },
        { path: 'usr/bin/true', content: readFileSync('/bin/true'), mode: 0o755 },
      ]);
      const { facts, reopened } = await walk(tar, chunkSize);
      assert.deepEqual(
        names(facts.files['usr/bin/new-go']?.gobinary?.packages),
        expected.map((e) => e.replace('stdlib@v1.16.15', 'stdlib@v1.22.5')),
      );
      assert.deepEqual(names(facts.files['usr/bin/old-go']?.gobinary?.packages), expected);
      assert.equal(facts.files['usr/bin/true'], undefined);
      assert.equal(reopened, 1, 'one second pass, for the old-format binary only');
    });
  }

  test('decoy copies of the magic before the real build info are skipped', async () => {
    const decoy = Buffer.alloc(64);
    Buffer.from('\xff Go buildinf:', 'latin1').copy(decoy, 0);
    decoy.write('garbage that is not build info', 16);
    const withDecoy = Buffer.concat([inline.subarray(0, 0x100), decoy, inline.subarray(0x100 + 64)]);
    // The decoy sits at 0x100 (16-aligned), before the real blob at 0x200.
    const { facts, reopened } = await walk(
      tarEntries([{ path: 'bin/app', content: withDecoy, mode: 0o755 }]),
      100,
    );
    assert.equal(names(facts.files['bin/app']?.gobinary?.packages).length, 4);
    assert.equal(reopened, 0);
  });
});
