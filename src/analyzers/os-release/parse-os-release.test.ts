import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseOsRelease } from './parse-os-release.js';

describe('parseOsRelease', () => {
  test('reads unquoted, double-quoted and single-quoted values', () => {
    assert.deepEqual(parseOsRelease('ID=alpine\nNAME="Alpine Linux"\nPRETTY_NAME=\'Alpine v3\'\n'), {
      ID: 'alpine',
      NAME: 'Alpine Linux',
      PRETTY_NAME: 'Alpine v3',
    });
  });

  test('honours the four escapes of double quotes and keeps other backslashes', () => {
    const text = 'A="say \\"hi\\" \\\\ \\$HOME \\`x\\`"\nB="C:\\path"\n';
    assert.deepEqual(parseOsRelease(text), { A: 'say "hi" \\ $HOME `x`', B: 'C:\\path' });
  });

  test('single quotes are literal, unquoted backslashes escape the next character', () => {
    assert.deepEqual(parseOsRelease("A='a\\\"b'\nB=a\\ b\\#c\n"), { A: 'a\\"b', B: 'a b#c' });
  });

  test('concatenates adjacent quoted and unquoted parts, as a shell does', () => {
    assert.deepEqual(parseOsRelease('A="foo"bar\'baz\'\n'), { A: 'foobarbaz' });
  });

  test('skips comments and blank lines, handles CRLF and a missing final newline', () => {
    const text = '# a comment\r\n\r\n  ; another\r\nID=debian\r\nVERSION_ID="12"\r\n\r\nNAME=x';
    assert.deepEqual(parseOsRelease(text), { ID: 'debian', VERSION_ID: '12', NAME: 'x' });
  });

  test('drops unquoted trailing blanks but keeps quoted ones', () => {
    assert.deepEqual(parseOsRelease('A=x   \nB="y " \nC="https://x/" \t\n'), {
      A: 'x',
      B: 'y ',
      C: 'https://x/',
    });
  });

  test('accepts blanks around the key and after the = sign', () => {
    assert.deepEqual(parseOsRelease('  ID = debian\n'), { ID: 'debian' });
  });

  test('keeps inner blanks of unquoted values (systemd does too)', () => {
    assert.deepEqual(parseOsRelease('NAME=Foo Bar\n'), { NAME: 'Foo Bar' });
  });

  test('an empty value is a value', () => {
    assert.deepEqual(parseOsRelease('VARIANT=\nX=""\n'), { VARIANT: '', X: '' });
  });

  test('the last assignment of a key wins', () => {
    assert.deepEqual(parseOsRelease('ID=a\nID=b\n'), { ID: 'b' });
  });

  test('ignores invalid lines instead of failing', () => {
    const text = [
      'ID=ok',
      'no equals sign',
      '=novalue',
      '1KEY=digit first',
      'BAD-KEY=dash',
      'OPEN="never closed',
      "OPEN2='never closed",
      'TRAILING=backslash\\',
      'VERSION_ID=1',
    ].join('\n');
    assert.deepEqual(parseOsRelease(text), { ID: 'ok', VERSION_ID: '1' });
  });

  test('keeps hostile keys as plain data', () => {
    const fields = parseOsRelease('__proto__=x\nconstructor=y\n');
    assert.equal(Object.getPrototypeOf(fields), Object.prototype);
    assert.equal(Object.hasOwn(fields, '__proto__'), true);
    assert.equal(fields.constructor, 'y');
  });

  test('survives NUL bytes, binary garbage and huge lines quickly', () => {
    assert.deepEqual(parseOsRelease('ID=a\0b\n\0\0\0\nX="\0"\n'), { ID: 'a\0b', X: '\0' });
    const huge = `A="${'x'.repeat(1_000_000)}"\nB=${' '.repeat(1_000_000)}y${' '.repeat(1_000_000)}\nC="${'\\'.repeat(1_000_000)}`;
    const fields = parseOsRelease(huge);
    assert.equal(fields.A?.length, 1_000_000);
    assert.equal(fields.B, 'y');
    assert.equal(fields.C, undefined);
    const garbage = Buffer.from(Array.from({ length: 65536 }, (_, i) => (i * 7919) % 256)).toString('utf8');
    assert.equal(typeof parseOsRelease(garbage), 'object');
  });
});
