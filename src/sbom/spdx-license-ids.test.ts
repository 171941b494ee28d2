import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import {
  OUTPUT_PATH,
  renderSpdxLicenseModule,
  SCHEMA_PATH,
  splitLicenseEnum,
} from '../../scripts/gen-spdx-license-ids.js';
import { repoRoot } from '../../test/helpers/paths.js';
import { SPDX_EXCEPTION_IDS, SPDX_LICENSE_IDS, SPDX_LICENSE_LIST_VERSION } from './spdx-license-ids.js';

describe('spdx-license-ids', () => {
  test('the committed module is what the generator makes from the schema', () => {
    const schema = readFileSync(join(repoRoot, SCHEMA_PATH), 'utf8');
    assert.equal(readFileSync(join(repoRoot, OUTPUT_PATH), 'utf8'), renderSpdxLicenseModule(schema));
  });

  test('licences and exceptions from SPDX License List 3.28.0', () => {
    assert.equal(SPDX_LICENSE_LIST_VERSION, '3.28.0');
    assert.equal(SPDX_LICENSE_IDS.length, 727);
    assert.equal(SPDX_EXCEPTION_IDS.length, 84);
    for (const id of ['0BSD', 'MIT', 'Apache-2.0', 'GPL-2.0-or-later', 'GPL-2.0+', 'ZPL-2.1']) {
      assert.ok(SPDX_LICENSE_IDS.includes(id), id);
    }
    for (const id of ['389-exception', 'Classpath-exception-2.0', 'LLVM-exception', 'SHL-2.0']) {
      assert.ok(SPDX_EXCEPTION_IDS.includes(id), id);
      assert.ok(!SPDX_LICENSE_IDS.includes(id), id);
    }
  });
});

describe('splitLicenseEnum', () => {
  test('splits where the sort order starts over', () => {
    assert.deepEqual(splitLicenseEnum(['0BSD', 'apache-2.0', 'MIT', '389-exception', 'LLVM-exception']), {
      licenses: ['0BSD', 'apache-2.0', 'MIT'],
      exceptions: ['389-exception', 'LLVM-exception'],
    });
  });
  test('refuses a list that is not two sorted blocks', () => {
    assert.throws(() => splitLicenseEnum(['MIT', '0BSD', 'ZPL-2.1', 'AAL']), /starts over 2 times/);
    assert.throws(() => splitLicenseEnum(['MIT', 'ZPL-2.1']), /starts over 0 times/);
  });
  test('refuses a non-identifier', () => {
    assert.throws(() => splitLicenseEnum(['MIT', 'Z P L', 'AAL']), /not an SPDX identifier/);
  });
});
