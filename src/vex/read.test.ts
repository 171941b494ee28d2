import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fixture } from '../../test/helpers/paths.js';
import { KeelsonError } from '../core/errors.js';
import { parseVexDocument, readVexFile, readVexPath, sniffVexFormat } from './read.js';

const code = (expected: string) => (err: unknown) => {
  assert.ok(err instanceof KeelsonError, String(err));
  assert.equal(err.code, expected);
  return true;
};

/** An in-toto statement carrying an OpenVEX predicate, in a DSSE envelope. */
async function dsseOf(openVexPath: string): Promise<string> {
  const predicate = JSON.parse(await readFile(openVexPath, 'utf8')) as unknown;
  const statement = {
    _type: 'https://in-toto.io/Statement/v1',
    subject: [{ name: 'dhi/alpine-base', digest: { sha256: 'a'.repeat(64) } }],
    predicateType: 'https://openvex.dev/ns/v0.2.0',
    predicate,
  };
  return JSON.stringify({
    payloadType: 'application/vnd.in-toto+json',
    payload: Buffer.from(JSON.stringify(statement)).toString('base64'),
    signatures: [{ keyid: '', sig: 'c2ln' }],
  });
}

describe('readVexFile', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'keelson-vex-read-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test('sniffs each format', async () => {
    const openvex = await readVexFile(fixture('vex', 'dhi', 'dhi-trivy.vex.json'));
    assert.deepEqual(
      openvex.map((s) => [s.format, s.vulnerability, s.products.length, s.subcomponents.length]),
      [
        ['openvex', 'CVE-2020-8552', 2, 1],
        ['openvex', 'CVE-2020-8552', 1, 0],
      ],
    );
    assert.equal(openvex[0]?.origin, fixture('vex', 'dhi', 'dhi-trivy.vex.json'));
    const cdx = await readVexFile(fixture('vex', 'cyclonedx', 'trivy-cyclonedx.json'));
    assert.deepEqual(
      cdx.map((s) => [s.format, s.vulnerability]),
      [
        ['cyclonedx', 'CVE-2018-7489'],
        ['cyclonedx', 'CVE-2022-27943'],
      ],
    );
    const csaf = await readVexFile(fixture('vex', 'csaf', 'authored-csaf-vex.json'));
    assert.equal(csaf.length, 6);
    assert.ok(csaf.every((s) => s.format === 'csaf'));
  });

  test('in-toto attestations: DSSE-wrapped, bare, and other predicates', async () => {
    const envelope = await dsseOf(fixture('vex', 'dhi', 'dhi-alpine-base.vex.json'));
    const path = join(dir, 'att.json');
    await writeFile(path, envelope);
    const statements = await readVexFile(path);
    assert.equal(statements.length, 4);
    assert.equal(statements[0]?.vulnerability, 'CVE-2024-58251');
    assert.equal(sniffVexFormat(JSON.parse(envelope)), 'attestation');

    const bare = JSON.parse(Buffer.from(JSON.parse(envelope).payload, 'base64').toString('utf8'));
    assert.equal(parseVexDocument(JSON.stringify(bare), 'bare.json').length, 4);
    const sbom = {
      ...bare,
      predicateType: 'https://spdx.dev/Document',
      predicate: { spdxVersion: 'SPDX-2.3' },
    };
    assert.deepEqual(parseVexDocument(JSON.stringify(sbom), 'sbom.json'), []);

    const badPayload = JSON.stringify({ payloadType: 'application/vnd.in-toto+json', payload: '!!!' });
    assert.throws(() => parseVexDocument(badPayload, 'x.json'), /not base64/);
    const wrongType = JSON.stringify({ payloadType: 'text/plain', payload: 'aGk=' });
    assert.throws(() => parseVexDocument(wrongType, 'x.json'), /not in-toto/);
    const brokenPredicate = { ...bare, predicate: { statements: 'nope' } };
    assert.throws(
      () => parseVexDocument(JSON.stringify(brokenPredicate), 'x.json'),
      /statements: expected an array/,
    );
  });

  test('unrecognised, missing, oversized and non-regular files', async () => {
    await assert.rejects(readVexFile(fixture('vex', 'dhi-suite', 'scenarios.json')), (err: unknown) => {
      assert.ok(err instanceof KeelsonError);
      assert.equal(err.code, 'PARSE_ERROR');
      assert.match(err.message, /not a recognised VEX document/);
      return true;
    });
    await assert.rejects(readVexFile(join(dir, 'missing.json')), code('TARGET_NOT_FOUND'));
    await assert.rejects(
      readVexFile(fixture('vex', 'dhi', 'dhi-debian-base.vex.json'), { maxBytes: 1000 }),
      code('FILE_TOO_LARGE'),
    );
    await assert.rejects(readVexFile(dir), code('INVALID_ARGUMENT'));
  });
});

describe('readVexPath', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'keelson-vex-path-'));
    await mkdir(join(dir, 'a', 'b'), { recursive: true });
    await writeFile(
      join(dir, 'a', 'one.json'),
      await readFile(fixture('vex', 'openvex', 'trivy-openvex.json')),
    );
    await writeFile(
      join(dir, 'a', 'b', 'two.vex.json'),
      await readFile(fixture('vex', 'dhi', 'dhi-trivy.vex.json')),
    );
    await writeFile(
      join(dir, 'a', 'broken.json'),
      '{"@context": "https://openvex.dev/ns/v0.2.0", "statements": [',
    );
    await writeFile(join(dir, 'a', 'notes.txt'), 'not json, not read');
    await writeFile(join(dir, 'a', 'other.json'), '{"schema_version": "1.5.0", "id": "GHSA-x"}');
    // A loop back to the top, a second link to the same directory, and a dangling link.
    await symlink(dir, join(dir, 'a', 'b', 'loop'));
    await symlink(join(dir, 'a', 'b'), join(dir, 'a', 'b-again'));
    await symlink(join(dir, 'nowhere'), join(dir, 'a', 'dangling.json'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test('walks a tree once, through symlinks, listing what it skipped', async () => {
    const result = await readVexPath(dir);
    assert.deepEqual(result.files, [join(dir, 'a', 'b', 'two.vex.json'), join(dir, 'a', 'one.json')]);
    assert.deepEqual(
      result.statements.map((s) => s.vulnerability),
      ['CVE-2020-8552', 'CVE-2020-8552', 'CVE-2021-44228'],
    );
    assert.deepEqual(
      result.skipped.map((s) => [s.file.slice(dir.length), s.reason.replace(/:.*$/s, '')]),
      [
        ['/a/broken.json', 'not valid JSON'],
        ['/a/dangling.json', 'dangling symlink'],
        [
          '/a/other.json',
          'not a recognised VEX document (OpenVEX, CycloneDX VEX, CSAF 2.0 VEX or an in-toto OpenVEX attestation)',
        ],
      ],
    );
  });

  test('a single file must parse; a missing path is TARGET_NOT_FOUND', async () => {
    const result = await readVexPath(join(dir, 'a', 'one.json'));
    assert.equal(result.statements.length, 1);
    await assert.rejects(readVexPath(join(dir, 'a', 'broken.json')), code('PARSE_ERROR'));
    await assert.rejects(readVexPath(join(dir, 'absent')), code('TARGET_NOT_FOUND'));
  });

  test('caps: files per walk and bytes per file', async () => {
    const limited = await readVexPath(dir, { maxFiles: 1 });
    assert.equal(limited.files.length, 1);
    assert.match(limited.skipped.at(-1)?.reason ?? '', /stopped at the 1 file limit/);
    const small = await readVexPath(dir, { maxBytes: 600 });
    assert.deepEqual(small.files, [join(dir, 'a', 'one.json')]);
    assert.ok(
      small.skipped.some((s) => s.file.endsWith('two.vex.json') && /over the 600 byte limit/.test(s.reason)),
    );
  });

  test('the shared fixture folder: every VEX document parses', async () => {
    const result = await readVexPath(fixture('vex'));
    assert.equal(result.files.length, 14);
    assert.deepEqual(
      result.skipped.map((s) => s.file),
      [fixture('vex', 'dhi-suite', 'scenarios.json')],
    );
  });
});
