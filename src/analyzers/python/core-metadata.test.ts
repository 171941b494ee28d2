import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { parseCoreMetadata, parseHeaders } from './core-metadata.js';

const path = 'usr/local/lib/python3.12/site-packages/requests-2.31.0.dist-info/METADATA';

/** A wheel METADATA file in the shape setuptools writes for requests 2.31.0. */
const requestsMetadata = `Metadata-Version: 2.1
Name: requests
Version: 2.31.0
Summary: Python HTTP for Humans.
Home-page: https://requests.readthedocs.io
Author: Kenneth Reitz
Author-email: me@kennethreitz.org
License: Apache 2.0
Project-URL: Documentation, https://requests.readthedocs.io
Project-URL: Source, https://github.com/psf/requests
Classifier: Development Status :: 5 - Production/Stable
Classifier: Intended Audience :: Developers
Classifier: License :: OSI Approved :: Apache Software License
Classifier: Programming Language :: Python :: 3
Requires-Python: >=3.7
Description-Content-Type: text/markdown
License-File: LICENSE
Requires-Dist: charset-normalizer (<4,>=2)
Requires-Dist: idna (<4,>=2.5)

# Requests

License: this line is part of the description body, not a header
Name: neither is this
`;

function parse(text: string, at = path) {
  return parseCoreMetadata(Buffer.from(text), at);
}

describe('parseCoreMetadata', () => {
  test('reads a wheel METADATA file and ignores the body', () => {
    assert.deepEqual(parse(requestsMetadata), {
      packages: [
        {
          name: 'requests',
          version: '2.31.0',
          type: 'pypi',
          licenses: ['Apache 2.0'],
          supplier: 'Kenneth Reitz <me@kennethreitz.org>',
          location: path,
          foundBy: 'python',
        },
      ],
    });
  });

  test('prefers License-Expression and takes Author-email as written when there is no Author', () => {
    const text = [
      'Metadata-Version: 2.4',
      'Name: packaging',
      'Version: 24.2',
      'Author-email: Donald Stufft <donald@stufft.io>',
      'License-Expression: Apache-2.0 OR BSD-2-Clause',
      'License: BSD or Apache License, Version 2.0',
      'Classifier: License :: OSI Approved :: BSD License',
      '',
    ].join('\r\n');
    const pkg = parse(text).packages?.[0];
    assert.deepEqual(pkg?.licenses, ['Apache-2.0 OR BSD-2-Clause']);
    assert.equal(pkg?.supplier, 'Donald Stufft <donald@stufft.io>');
  });

  test('falls back to licence classifiers when License is the full licence text or UNKNOWN', () => {
    const fullText = [
      'Metadata-Version: 1.2',
      'Name: PyYAML',
      'Version: 6.0.1',
      'License: Copyright (c) 2017-2021 Ingy döt Net',
      '        Copyright (c) 2006-2016 Kirill Simonov',
      '        ',
      '        Permission is hereby granted, free of charge, to any person obtaining a copy of',
      '        this software and associated documentation files (the "Software"), to deal in',
      'Classifier: License :: OSI Approved :: MIT License',
      'Classifier: License :: OSI Approved',
      'Classifier: License :: OSI Approved :: MIT License',
      'Classifier: License :: Public Domain',
      'Classifier: Operating System :: OS Independent',
      '',
      'body',
    ].join('\n');
    assert.deepEqual(parse(fullText).packages?.[0]?.licenses, ['MIT License', 'Public Domain']);
    const unknown = 'Metadata-Version: 1.0\nName: thing\nVersion: 1\nLicense: UNKNOWN\nAuthor: UNKNOWN\n';
    const pkg = parse(unknown).packages?.[0];
    assert.equal(pkg?.licenses, undefined);
    assert.equal(pkg?.supplier, undefined);
  });

  test('reads a distutils .egg-info file and keeps the name as written', () => {
    const at = 'usr/lib/python3/dist-packages/python_apt-2.6.0.egg-info';
    const text =
      'Metadata-Version: 1.1\nName: python-apt\nVersion: 2.6.0\nSummary: Python bindings for APT\n' +
      'Home-page: UNKNOWN\nAuthor: APT Development Team\nAuthor-email: deity@lists.debian.org\n' +
      'License: GNU GPL\nDescription: UNKNOWN\nPlatform: posix\n';
    assert.deepEqual(parse(text, at).packages, [
      {
        name: 'python-apt',
        version: '2.6.0',
        type: 'pypi',
        licenses: ['GNU GPL'],
        supplier: 'APT Development Team <deity@lists.debian.org>',
        location: at,
        foundBy: 'python',
      },
    ]);
  });

  test('field names are case-insensitive and continuation lines join the field above', () => {
    const headers = parseHeaders(
      'name: Foo_Bar\nVERSION: 1.0\nSummary: one\n two\n\tthree\nnot a header line\n',
    );
    assert.deepEqual(headers.get('name'), ['Foo_Bar']);
    assert.deepEqual(headers.get('version'), ['1.0']);
    assert.deepEqual(headers.get('summary'), ['one\ntwo\nthree']);
    assert.equal(parse('name: Foo_Bar\nVERSION: 1.0\n').packages?.[0]?.name, 'Foo_Bar');
  });

  test('warns when Name or Version is missing, including empty, truncated and binary files', () => {
    const cases: [string, string][] = [
      ['Metadata-Version: 2.1\nVersion: 1.0\n', 'Python metadata lacks Name'],
      ['Metadata-Version: 2.1\nName: x\n', 'Python metadata lacks Version'],
      ['', 'Python metadata lacks Name and Version'],
      ['\nName: after-the-body-separator\nVersion: 1\n', 'Python metadata lacks Name and Version'],
      [requestsMetadata.slice(0, 30), 'Python metadata lacks Version'],
      ['\u0000\u00ff\u0001PK\u0003\u0004', 'Python metadata lacks Name and Version'],
      ['Name:\nVersion: 1\n', 'Python metadata lacks Name'],
    ];
    for (const [text, message] of cases) {
      assert.deepEqual(parse(text), { warnings: [{ code: 'PARSE_ERROR', message, file: path }] }, message);
    }
  });

  test('stays linear on a large hostile header block', () => {
    const huge = `Name: big\nVersion: 1\n${'Classifier: License :: X\n'.repeat(100_000)}${' '.repeat(1_000_000)}`;
    assert.deepEqual(parse(huge).packages?.[0]?.licenses, ['X']);
  });

  test('arbitrary bytes give a package or a warning, never an exception', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2000 }), (bytes) => {
        const facts = parseCoreMetadata(Buffer.from(bytes), path);
        assert.ok((facts.packages?.length ?? 0) + (facts.warnings?.length ?? 0) === 1);
      }),
      { seed: 5, numRuns: 300 },
    );
  });
});
