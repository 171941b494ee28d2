import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseModInfo } from './modinfo.js';

describe('parseModInfo', () => {
  test('reads path, main module, deps, replacements and build settings as Go 1.19 writes them', () => {
    const text = [
      'path\texample.com/hello/cmd/server',
      'mod\texample.com/hello\t(devel)\t',
      'dep\texample.com/dep\tv1.2.3',
      '=>\t./dep\t(devel)\t',
      '',
      'dep\texample.com/old\tv1.0.0',
      '=>\texample.com/fork\tv1.1.0\th1:y5NK0Wf5EuW+yvzCUIQfRs0gIU1rKIaHTNrRZ/DY4Zc=',
      '',
      'dep\tgolang.org/x/sys\tv0.15.0\th1:h48lPFYpsTvQJZF4EKyI4aLHaev3CxGDZmwJL6G2ISNA=',
      'build\t-compiler=gc',
      'build\t-ldflags="-s -w"',
      'build\tCGO_ENABLED=0',
      'build\tGOARCH=arm64',
      'build\tGOOS=linux',
      'build\tvcs.revision=2f7f3b2c9d1e0a4b5c6d7e8f9a0b1c2d3e4f5a6b',
      '',
    ].join('\n');
    const info = parseModInfo(text);
    assert.equal(info.path, 'example.com/hello/cmd/server');
    assert.deepEqual(info.main, { path: 'example.com/hello', version: '(devel)' });
    assert.deepEqual(info.deps, [
      { path: 'example.com/dep', version: 'v1.2.3', replace: { path: './dep', version: '(devel)' } },
      {
        path: 'example.com/old',
        version: 'v1.0.0',
        replace: {
          path: 'example.com/fork',
          version: 'v1.1.0',
          sum: 'h1:y5NK0Wf5EuW+yvzCUIQfRs0gIU1rKIaHTNrRZ/DY4Zc=',
        },
      },
      {
        path: 'golang.org/x/sys',
        version: 'v0.15.0',
        sum: 'h1:h48lPFYpsTvQJZF4EKyI4aLHaev3CxGDZmwJL6G2ISNA=',
      },
    ]);
    assert.deepEqual(Object.fromEntries(info.settings), {
      '-compiler': 'gc',
      '-ldflags': '"-s -w"',
      CGO_ENABLED: '0',
      GOARCH: 'arm64',
      GOOS: 'linux',
      'vcs.revision': '2f7f3b2c9d1e0a4b5c6d7e8f9a0b1c2d3e4f5a6b',
    });
  });

  test('a replacement applies only to the module line right above it', () => {
    const info = parseModInfo(
      '=>\torphan\tv1\ndep\ta\tv1\nbuild\tX=1\n=>\tnot-for-a\tv2\ndep\tb\tv1\n=>\tc\tv3\n=>\tsecond\tv4\n',
    );
    assert.deepEqual(info.deps, [
      { path: 'a', version: 'v1' },
      { path: 'b', version: 'v1', replace: { path: 'c', version: 'v3' } },
    ]);
  });

  test('ignores empty, unknown and malformed lines', () => {
    const info = parseModInfo(
      '\n\nunknown\tx\ndep\ndep\t\tv1\nmod\nbuild\tnoequals\nbuild\t=v\ndep\tonly-path\n\u0000\u00ff',
    );
    assert.equal(info.main, undefined);
    assert.deepEqual(info.deps, [{ path: 'only-path', version: '' }]);
    assert.equal(info.settings.size, 0);
    assert.deepEqual(parseModInfo(''), { deps: [], settings: new Map() });
  });
});
