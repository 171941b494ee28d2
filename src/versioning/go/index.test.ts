import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { assertEqualForms, parseVectors, schemeTests } from '../test-vectors.js';
import { go, isPseudoVersion } from './index.js';

// Written for keelson: module versions as they appear in go.sum / OSV Go records.
const OWN_VECTORS = `
v1.2.3 < v1.2.4
v1.2.3 < v1.10.0
v1.9.9 < v2.0.0
v2.0.0 < v10.0.0
v1.2.3 = 1.2.3
v1.0.0-rc.1 < v1.0.0
v1.0.0-beta.2 < v1.0.0-beta.11
v2.0.0+incompatible = v2.0.0
v2.0.1+incompatible > v2.0.0
v3.2.1+incompatible < v3.3.0
v2.0.0+incompatible < v2.0.1
v1 = v1.0.0
v1.2 = v1.2.0
v0.0.0-20191109021931-daa7c04131f5 < v0.0.0-20200101000000-000000000000
v0.0.0-20191109021931-daa7c04131f5 < v0.0.1
v0.0.0-20191109021931-daa7c04131f5 < v0.1.0
v0.0.0-20191109021931-daa7c04131f5 > v0.0.0-20180101000000-ffffffffffff
v1.2.4-0.20191109021931-daa7c04131f5 > v1.2.3
v1.2.4-0.20191109021931-daa7c04131f5 < v1.2.4
v1.2.4-0.20191109021931-daa7c04131f5 < v1.2.4-0.20200101000000-000000000000
v1.2.4-pre.0.20191109021931-daa7c04131f5 > v1.2.4-pre
v1.2.4-pre.0.20191109021931-daa7c04131f5 < v1.2.4
v2.0.0-20191109021931-daa7c04131f5 < v2.0.0
v2.0.0-20191109021931-daa7c04131f5+incompatible = v2.0.0-20191109021931-daa7c04131f5
0.0.0-20191109021931-daa7c04131f5 = v0.0.0-20191109021931-daa7c04131f5
v1.52.0 > v1.51.2
v0.17.0 > v0.7.0
`;

const num = fc.oneof(fc.nat(20), fc.bigInt({ min: 0n, max: 10n ** 25n }).map(String));
const stamp = fc
  .date({ min: new Date('2000-01-01'), max: new Date('2099-12-31'), noInvalidDate: true })
  .map((d) => d.toISOString().replace(/[-:T]/g, '').slice(0, 14));
const pseudo = fc
  .tuple(num, stamp, fc.stringMatching(/^[0-9a-f]{12}$/))
  .map(([major, t, hash]) => `v${major}.0.0-${t}-${hash}`);
const release = fc
  .tuple(fc.boolean(), num, num, num, fc.option(fc.constantFrom('rc.1', 'beta', 'alpha.2')), fc.boolean())
  .map(
    ([v, a, b, c, pre, incompatible]) =>
      `${v ? 'v' : ''}${a}.${b}.${c}${pre ? `-${pre}` : ''}${incompatible ? '+incompatible' : ''}`,
  );

describe('go', () => {
  schemeTests(go, {
    vectors: [{ label: 'own', cases: parseVectors(OWN_VECTORS.trim(), 'go-own'), moreThan: 20 }],
    generated: fc.oneof(release, pseudo),
    hostile: { good: 'v1.0.0' },
  });

  test('pseudo-versions are recognised', () => {
    assert.equal(isPseudoVersion('v0.0.0-20191109021931-daa7c04131f5'), true);
    assert.equal(isPseudoVersion('v1.2.4-0.20191109021931-daa7c04131f5'), true);
    assert.equal(isPseudoVersion('v1.2.4-pre.0.20191109021931-daa7c04131f5'), true);
    assert.equal(isPseudoVersion('v1.2.4'), false);
    assert.equal(isPseudoVersion('v1.2.4-rc.1'), false);
  });

  test('invalid module versions', () => {
    for (const v of ['v1.02.0', 'v1.2.3-', 'v1.2.3.4', 'vv1.2.3', 'master', 'v1.2.3-01']) {
      assert.equal(typeof go.invalid(v), 'string', v);
    }
    assertEqualForms(go, [['v1.2.3+meta', '1.2.3']]);
  });
});
