import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import { zipSync } from 'fflate';
import { tarEntries } from '../../../test/helpers/tar-writer.js';
import type { PackageRecord } from '../../core/types.js';
import { ByteBudget, DEFAULT_LIMITS } from '../../layers/decompress.js';
import { walkLayer } from '../../layers/walker.js';
import type { EntryInfo } from '../types.js';
import { BUILDINFO_MAGIC } from './buildinfo.js';
import { goBinaryAnalyzer } from './index.js';

/**
 * Real Go binaries, compiled offline with the system `go`: a module with a directory replacement, a
 * dependency served by a file:// module proxy, and a module-to-module replacement. `go version -m`
 * is the independent oracle for the module list.
 */
const workDir = mkdtempSync(join(tmpdir(), 'keelson-gobinary-'));
const proxyDir = join(workDir, 'proxy');
const moduleDir = join(workDir, 'hello');
const binDir = join(workDir, 'bin');
const noSiblings = { sibling: () => undefined };

const goEnv: NodeJS.ProcessEnv = {
  PATH: process.env.PATH,
  HOME: workDir,
  GOENV: 'off',
  GOFLAGS: '-mod=mod -modcacherw',
  GOPROXY: `file://${proxyDir}`,
  GOSUMDB: 'off',
  GOTOOLCHAIN: 'local',
  GOWORK: 'off',
  GO111MODULE: 'on',
  GOCACHE: join(workDir, 'gocache'),
  GOPATH: join(workDir, 'gopath'),
  CGO_ENABLED: '0',
  GOOS: 'linux',
  GOARCH: 'amd64',
};

function write(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}

/** Publishes `module@version` with the given files in the file:// proxy layout. */
function publish(modulePath: string, version: string, goMod: string, files: Record<string, string>): void {
  const dir = join(proxyDir, modulePath, '@v');
  write(join(dir, 'list'), `${version}\n`);
  write(join(dir, `${version}.info`), JSON.stringify({ Version: version }));
  write(join(dir, `${version}.mod`), goMod);
  const entries: Record<string, Uint8Array> = {};
  for (const [name, text] of Object.entries({ 'go.mod': goMod, ...files })) {
    entries[`${modulePath}@${version}/${name}`] = new TextEncoder().encode(text);
  }
  writeFileSync(join(dir, `${version}.zip`), zipSync(entries));
}

function go(args: string[], env: NodeJS.ProcessEnv = {}): string {
  return execFileSync('go', args, {
    cwd: moduleDir,
    env: { ...goEnv, ...env },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

interface OracleModule {
  path: string;
  version: string;
  replace?: { path: string; version: string };
}

/** Parses `go version -m BINARY`: `BINARY: go1.x.y`, then tab-indented `mod`/`dep`/`=>` lines. */
function oracle(binary: string): { toolchain: string; lines: string[] } {
  const output = go(['version', '-m', binary]);
  const [first, ...rest] = output.split('\n');
  const toolchain = first!.slice(first!.lastIndexOf(': ') + 2).trim();
  const modules: OracleModule[] = [];
  for (const line of rest) {
    const [kind, path, version = ''] = line.replace(/^\t/, '').split('\t');
    if ((kind === 'mod' || kind === 'dep') && path) modules.push({ path, version });
    if (kind === '=>' && path) modules[modules.length - 1]!.replace = { path, version };
  }
  const lines = modules.map((m) => `${(m.replace ?? m).path}@${(m.replace ?? m).version}`);
  return { toolchain, lines: [...lines, `stdlib@v${toolchain.slice('go'.length)}`].sort() };
}

function analyze(path: string, content: Buffer) {
  return goBinaryAnalyzer.analyze({ path, content, mode: 0o755 }, noSiblings);
}

function summary(packages: PackageRecord[] | undefined): string[] {
  return (packages ?? []).map((p) => `${p.name}@${p.version}`).sort();
}

const binaries: Record<'plain' | 'stripped' | 'mips', Buffer> = {
  plain: Buffer.alloc(0),
  stripped: Buffer.alloc(0),
  mips: Buffer.alloc(0),
};
let toolchainVersion = '';

describe('goBinaryAnalyzer on real Go binaries', () => {
  before(() => {
    publish('example.com/util', 'v0.4.0', 'module example.com/util\n\ngo 1.19\n', {
      'util.go': 'package util\n\nfunc Name() string { return "util" }\n',
    });
    // A fork keeps the import path of the module it replaces.
    publish('example.com/fork', 'v1.1.0', 'module example.com/old\n\ngo 1.19\n', {
      'old.go': 'package old\n\nfunc Name() string { return "fork" }\n',
    });
    write(
      join(moduleDir, 'go.mod'),
      [
        'module example.com/hello',
        '',
        'go 1.19',
        '',
        'require (',
        '\texample.com/dep v1.2.3',
        '\texample.com/old v1.0.0',
        '\texample.com/util v0.4.0',
        ')',
        '',
        'replace example.com/dep => ./dep',
        '',
        'replace example.com/old => example.com/fork v1.1.0',
        '',
      ].join('\n'),
    );
    write(
      join(moduleDir, 'main.go'),
      'package main\n\nimport (\n\t"fmt"\n\n\t"example.com/dep"\n\t"example.com/old"\n\t"example.com/util"\n)\n\nfunc main() { fmt.Println(dep.Greeting(), old.Name(), util.Name()) }\n',
    );
    write(join(moduleDir, 'dep/go.mod'), 'module example.com/dep\n\ngo 1.19\n');
    write(join(moduleDir, 'dep/dep.go'), 'package dep\n\nfunc Greeting() string { return "hello" }\n');
    go(['build', '-o', join(binDir, 'hello'), '.']);
    go(['build', '-ldflags=-s -w', '-o', join(binDir, 'hello-stripped'), '.']);
    // 32-bit big-endian: the other ELF class and byte order.
    go(['build', '-o', join(binDir, 'hello-mips'), '.'], { GOARCH: 'mips' });
    binaries.plain = readFileSync(join(binDir, 'hello'));
    binaries.stripped = readFileSync(join(binDir, 'hello-stripped'));
    binaries.mips = readFileSync(join(binDir, 'hello-mips'));
    toolchainVersion = go(['env', 'GOVERSION']).trim();
  });

  after(() => rmSync(workDir, { recursive: true, force: true }));

  const expectedModules = () => [
    './dep@(devel)',
    'example.com/fork@v1.1.0',
    'example.com/hello@(devel)',
    'example.com/util@v0.4.0',
    `stdlib@v${toolchainVersion.slice(2)}`,
  ];

  for (const [kind, file] of [
    ['plain', 'hello'],
    ['stripped', 'hello-stripped'],
    ['mips', 'hello-mips'],
  ] as const) {
    test(`${kind} build: the module list of go version -m`, () => {
      const facts = analyze(`usr/local/bin/${file}`, binaries[kind]);
      const fromGo = oracle(join(binDir, file));
      assert.equal(fromGo.toolchain, toolchainVersion);
      assert.deepEqual(summary(facts?.packages), fromGo.lines);
      assert.deepEqual(summary(facts?.packages), expectedModules());
      assert.equal(facts?.warnings, undefined);
    });
  }

  test('records main module, replacements, toolchain and location', () => {
    const packages = analyze('usr/local/bin/hello', binaries.plain)?.packages ?? [];
    const byName = new Map(packages.map((p) => [p.name, p]));
    assert.deepEqual(byName.get('example.com/hello'), {
      name: 'example.com/hello',
      version: '(devel)',
      type: 'golang',
      location: 'usr/local/bin/hello',
      foundBy: 'gobinary',
      metadata: { main: 'true', GOOS: 'linux', GOARCH: 'amd64' },
    });
    assert.deepEqual(byName.get('example.com/fork')?.metadata, {
      replaces: 'example.com/old',
      replacesVersion: 'v1.0.0',
    });
    assert.deepEqual(byName.get('./dep')?.metadata, {
      replaces: 'example.com/dep',
      replacesVersion: 'v1.2.3',
    });
    assert.equal(byName.get('example.com/util')?.metadata, undefined);
    assert.deepEqual(byName.get('stdlib')?.metadata, { toolchain: toolchainVersion });
    const mips = analyze('bin/hello-mips', binaries.mips)?.packages?.find((p) => p.metadata?.main === 'true');
    assert.equal(mips?.metadata?.GOARCH, 'mips');
  });

  test('streamed through the layer walker, only windows are kept and the modules are the same', async () => {
    const tar = tarEntries(
      (['plain', 'stripped', 'mips'] as const).map((kind) => ({
        path: `bin/${kind}`,
        content: binaries[kind],
        mode: 0o755,
      })),
    );
    for (const chunkSize of [4093, 65536]) {
      const chunks: Buffer[] = [];
      for (let i = 0; i < tar.length; i += chunkSize) chunks.push(tar.subarray(i, i + chunkSize));
      const facts = await walkLayer(Readable.from(chunks), {
        analyzers: [goBinaryAnalyzer],
        budget: new ByteBudget(DEFAULT_LIMITS),
        context: {},
      });
      for (const kind of ['plain', 'stripped', 'mips']) {
        assert.deepEqual(summary(facts.files[`bin/${kind}`]?.gobinary?.packages), expectedModules(), kind);
      }
    }
  });

  test('finds build info by scanning when the section headers are gone', () => {
    const headerless = Buffer.from(binaries.plain);
    headerless.writeBigUInt64LE(0n, 40); // e_shoff
    headerless.writeUInt16LE(0, 60); // e_shnum
    headerless.writeUInt16LE(0, 62); // e_shstrndx
    assert.deepEqual(summary(analyze('x', headerless)?.packages), expectedModules());
  });

  test('a truncated Go binary gives a warning or nothing, never an exception', () => {
    const magic = binaries.plain.indexOf(BUILDINFO_MAGIC);
    assert.ok(magic > 0 && magic % 16 === 0);
    const cut = analyze('usr/local/bin/hello', binaries.plain.subarray(0, magic + 40));
    assert.equal(cut?.packages, undefined);
    assert.equal(cut?.warnings?.length, 1);
    assert.equal(cut?.warnings?.[0]?.code, 'PARSE_ERROR');
    assert.equal(cut?.warnings?.[0]?.file, 'usr/local/bin/hello');
    assert.match(
      cut?.warnings?.[0]?.message ?? '',
      /^unreadable Go build info: build info string of \d+ bytes/,
    );
    assert.equal(analyze('x', binaries.plain.subarray(0, 4096)), undefined);
    assert.equal(analyze('x', binaries.plain.subarray(0, 20)), undefined);
  });

  test('a non-Go ELF and garbage behind an ELF magic give no facts and no warning', () => {
    assert.equal(analyze('bin/true', readFileSync('/bin/true')), undefined);
    const random = fc.sample(fc.uint8Array({ minLength: 65536, maxLength: 65536 }), {
      numRuns: 1,
      seed: 42,
    })[0]!;
    const garbage = Buffer.concat([Buffer.from('\x7fELF', 'latin1'), random]);
    assert.equal(analyze('bin/garbage', garbage), undefined);
    const badTables = Buffer.from(binaries.plain.subarray(0, 64 * 1024));
    badTables.writeBigUInt64LE(0xffffffffffffn, 32); // e_phoff far beyond the file
    badTables.writeBigUInt64LE(0xfffffffffffffff0n, 40); // e_shoff beyond 2^53
    assert.equal(analyze('bin/bad', badTables), undefined);
  });

  test('random damage to headers and build info never throws', () => {
    const magic = binaries.plain.indexOf(BUILDINFO_MAGIC);
    const shoff = Number(binaries.plain.readBigUInt64LE(40));
    const regions = [
      [0, 512],
      [magic, magic + 512],
      [shoff, binaries.plain.length],
    ] as const;
    const damage = fc.array(
      fc.tuple(fc.constantFrom(...regions), fc.nat(), fc.integer({ min: 0, max: 255 })),
      { minLength: 1, maxLength: 8 },
    );
    fc.assert(
      fc.property(damage, (edits) => {
        const copy = Buffer.from(binaries.plain);
        for (const [[start, end], at, value] of edits) copy[start + (at % (end - start))] = value;
        const facts = analyze('x', copy);
        assert.ok(facts === undefined || facts.packages !== undefined || facts.warnings?.length === 1);
      }),
      { seed: 7, numRuns: 150 },
    );
  });
});

describe('goBinaryAnalyzer.wants', () => {
  const info: EntryInfo = { path: 'usr/bin/x', size: 2048, mode: 0o755, type: 'file' };

  test('regular files with an execute bit and at least 1 KiB', () => {
    assert.equal(goBinaryAnalyzer.wants('usr/bin/x', info), true);
    assert.equal(goBinaryAnalyzer.wants('usr/bin/x', { ...info, mode: 0o100 }), true);
    assert.equal(goBinaryAnalyzer.wants('usr/bin/x', { ...info, mode: 0o001 }), true);
    assert.equal(goBinaryAnalyzer.wants('usr/bin/x', { ...info, size: 1024 }), true);
  });

  test('not without execute bits, not small files, not links or directories', () => {
    assert.equal(goBinaryAnalyzer.wants('usr/bin/x', { ...info, mode: 0o644 }), false);
    assert.equal(goBinaryAnalyzer.wants('usr/bin/x', { ...info, size: 1023 }), false);
    assert.equal(goBinaryAnalyzer.wants('usr/bin/x', { ...info, type: 'symlink' }), false);
    assert.equal(goBinaryAnalyzer.wants('usr/bin', { ...info, type: 'dir' }), false);
  });

  test('sniffs the ELF magic and declares its limits', () => {
    assert.equal(goBinaryAnalyzer.sniffBytes, 4);
    assert.equal(goBinaryAnalyzer.sniff?.(Buffer.from('\x7fELF', 'latin1')), true);
    assert.equal(goBinaryAnalyzer.sniff?.(Buffer.from('#!/b', 'latin1')), false);
    assert.equal(goBinaryAnalyzer.sniff?.(Buffer.from('\x7fEL', 'latin1')), false);
    assert.equal(goBinaryAnalyzer.maxFileSize, 160 * 1024 * 1024);
    assert.equal(goBinaryAnalyzer.oversize, 'warn');
  });
});
