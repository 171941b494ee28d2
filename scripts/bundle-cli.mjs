// Bundles the CLI into dist/cli/ (one file per lazily loaded part): a warm scan spends more time
// loading modules than scanning, and one bundle loads faster than ~150 small modules.
// Small pure-JS dependencies on the start-up path are bundled in; native, large or lazily loaded ones
// stay in node_modules. Run after `tsc` (which type-checks everything).
import { readFile } from 'node:fs/promises';
import { build } from 'esbuild';

/**
 * packageurl-js creates an `Intl.Collator` when it loads, only to sort its own ASCII helper names;
 * loading ICU's collation data costs about 10 ms, a large share of a warm scan. In the bundle it gets
 * a plain code-point comparison instead, which orders those names identically. The build fails if
 * the line changes, so an upgrade cannot silently drop the patch.
 */
const COLLATOR_LINE = 'const { compare: localeCompare } = new Intl.Collator()';
const purlWithoutCollator = {
  name: 'packageurl-js-without-collator',
  setup(b) {
    b.onLoad({ filter: /packageurl-js[\\/]src[\\/]strings\.js$/ }, async (args) => {
      const source = await readFile(args.path, 'utf8');
      if (!source.includes(COLLATOR_LINE))
        throw new Error(`packageurl-js changed: "${COLLATOR_LINE}" not found`);
      const replacement = 'const localeCompare = (a, b) => (a < b ? -1 : a > b ? 1 : 0)';
      return { contents: source.replace(COLLATOR_LINE, replacement), loader: 'js' };
    });
  },
};

await build({
  entryPoints: ['src/cli/main.ts'],
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  outdir: 'dist/cli',
  external: ['better-sqlite3', 'undici', 'zod', 'fzstd', 'fflate', 'yaml'],
  sourcemap: true,
  // Bundled CommonJS code (commander, packageurl-js) requires Node built-ins: give it a real require.
  banner: {
    js: "import { createRequire as __keelsonRequire } from 'node:module'; const require = __keelsonRequire(import.meta.url);",
  },
  logLevel: 'warning',
  plugins: [purlWithoutCollator],
});
