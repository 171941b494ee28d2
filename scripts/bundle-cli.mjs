// Bundles the CLI into dist/cli/ (one file per lazily loaded part): a warm scan spends more time
// loading modules than scanning, and one bundle loads faster than ~150 small modules.
// Small pure-JS dependencies on the start-up path are bundled in; native, large or lazily loaded ones
// stay in node_modules. Run after `tsc` (which type-checks everything).
import { build } from 'esbuild';

await build({
  entryPoints: ['src/cli/main.ts'],
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  outdir: 'dist/cli',
  external: ['better-sqlite3', 'undici', 'zod', 'fzstd', 'fflate'],
  sourcemap: true,
  // Bundled CommonJS code (commander, packageurl-js) requires Node built-ins: give it a real require.
  banner: {
    js: "import { createRequire as __keelsonRequire } from 'node:module'; const require = __keelsonRequire(import.meta.url);",
  },
  logLevel: 'warning',
});
