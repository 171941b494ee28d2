/**
 * Compares the package sets of two CycloneDX SBOMs (keelson vs Trivy) by package URL type, name and
 * version, and prints a JSON summary of what each found alone.
 * Usage: node dist/bench/compare-inventories.js KEELSON.cdx.json TRIVY.cdx.json
 */
import { readFileSync } from 'node:fs';

interface Component {
  purl?: string;
  name: string;
  version?: string;
  components?: Component[];
}

/**
 * `type/namespace/name@version`, qualifiers dropped (they differ by convention between tools), and a
 * deb epoch dropped from the version: keelson writes it in the version (`1:2.38-5`), Trivy as an
 * `epoch=` qualifier.
 */
function key(purl: string): string {
  const withoutQualifiers = purl.split('?')[0]!.split('#')[0]!;
  const decoded = decodeURIComponent(withoutQualifiers.replace(/^pkg:/, '')).toLowerCase();
  return decoded.startsWith('deb/') ? decoded.replace(/@\d+:/, '@') : decoded;
}

function flatten(components: Component[] = []): Component[] {
  return components.flatMap((c) => [c, ...flatten(c.components)]);
}

function packageKeys(path: string): Set<string> {
  const bom = JSON.parse(readFileSync(path, 'utf8')) as { components?: Component[] };
  return new Set(flatten(bom.components).flatMap((c) => (c.purl ? [key(c.purl)] : [])));
}

const [keelsonPath, trivyPath] = process.argv.slice(2);
if (!keelsonPath || !trivyPath) throw new Error('usage: compare-inventories KEELSON.cdx.json TRIVY.cdx.json');
const keelson = packageKeys(keelsonPath);
const trivy = packageKeys(trivyPath);
const onlyKeelson = [...keelson].filter((k) => !trivy.has(k)).sort();
const onlyTrivy = [...trivy].filter((k) => !keelson.has(k)).sort();
const byType = (keys: string[]) =>
  keys.reduce<Record<string, number>>((acc, k) => {
    const type = k.split('/')[0]!;
    acc[type] = (acc[type] ?? 0) + 1;
    return acc;
  }, {});
console.log(
  JSON.stringify(
    {
      keelson: keelson.size,
      trivy: trivy.size,
      both: [...keelson].filter((k) => trivy.has(k)).length,
      onlyKeelson: { count: onlyKeelson.length, byType: byType(onlyKeelson), items: onlyKeelson },
      onlyTrivy: { count: onlyTrivy.length, byType: byType(onlyTrivy), items: onlyTrivy },
    },
    null,
    2,
  ),
);
