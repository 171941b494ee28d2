import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { goPackages, stdlibVersion } from './packages.js';

describe('stdlibVersion', () => {
  test('maps Go toolchain versions to the semver of the Go vulnerability database', () => {
    const cases: [string, string][] = [
      ['go1.22.5', 'v1.22.5'],
      ['go1.20', 'v1.20.0'],
      ['go1.21rc2', 'v1.21.0-rc.2'],
      ['go1.9beta1', 'v1.9.0-beta.1'],
      ['go1.21.0', 'v1.21.0'],
      ['devel', 'devel'],
      ['go1.22.5-custom', 'go1.22.5-custom'],
    ];
    for (const [toolchain, version] of cases) assert.equal(stdlibVersion(toolchain), version, toolchain);
  });
});

describe('goPackages', () => {
  test('main module with kept build settings, replaced and plain deps, and stdlib', () => {
    const modinfo = [
      'path\texample.com/app',
      'mod\texample.com/app\tv0.3.1\th1:abc=',
      'dep\tgithub.com/pkg/errors\tv0.9.1\th1:FEBLx1zS214owpjy7qsBeixbURkuhQAwrK5UwLGTwt4=',
      'dep\texample.com/old\tv1.0.0',
      '=>\texample.com/fork\tv1.1.0\th1:y5NK=',
      'dep\texample.com/local\tv0.0.0-00010101000000-000000000000',
      '=>\t../local\t\t',
      'build\t-ldflags=-X main.version=1',
      'build\tGOARCH=amd64',
      'build\tGOOS=linux',
      'build\tvcs=git',
      'build\tvcs.revision=0123456789abcdef0123456789abcdef01234567',
    ].join('\n');
    const location = 'usr/local/bin/app';
    assert.deepEqual(goPackages({ goVersion: 'go1.22.5 X:nocoverageredesign', modinfo }, location), [
      {
        name: 'example.com/app',
        version: 'v0.3.1',
        type: 'golang',
        location,
        foundBy: 'gobinary',
        metadata: {
          main: 'true',
          GOOS: 'linux',
          GOARCH: 'amd64',
          'vcs.revision': '0123456789abcdef0123456789abcdef01234567',
        },
      },
      { name: 'github.com/pkg/errors', version: 'v0.9.1', type: 'golang', location, foundBy: 'gobinary' },
      {
        name: 'example.com/fork',
        version: 'v1.1.0',
        type: 'golang',
        location,
        foundBy: 'gobinary',
        metadata: { replaces: 'example.com/old', replacesVersion: 'v1.0.0' },
      },
      {
        name: '../local',
        version: '(devel)',
        type: 'golang',
        location,
        foundBy: 'gobinary',
        metadata: { replaces: 'example.com/local', replacesVersion: 'v0.0.0-00010101000000-000000000000' },
      },
      {
        name: 'stdlib',
        version: 'v1.22.5',
        type: 'golang',
        location,
        foundBy: 'gobinary',
        metadata: { toolchain: 'go1.22.5' },
      },
    ]);
  });

  test('a binary built without modules reports only the standard library', () => {
    assert.deepEqual(goPackages({ goVersion: 'go1.16.15', modinfo: '' }, 'bin/x'), [
      {
        name: 'stdlib',
        version: 'v1.16.15',
        type: 'golang',
        location: 'bin/x',
        foundBy: 'gobinary',
        metadata: { toolchain: 'go1.16.15' },
      },
    ]);
  });
});
