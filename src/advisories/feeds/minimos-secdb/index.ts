/** MinimOS (Minimus) secdb (`https://packages.mini.dev/advisories/secdb/security.json`), formats.md §4.1: namespace `minimos`. */
import type { FeedImporter } from '../../types.js';
import { singleFileSecdbImporter } from '../secdb-common.js';

export const importer: FeedImporter = singleFileSecdbImporter({
  name: 'minimos-secdb',
  title: 'MinimOS secdb',
  namespace: 'minimos',
  defaultBase: 'https://packages.mini.dev',
  feedPath: 'advisories/secdb/security.json',
  vendor: /minimos|minimus|mini\.dev/i,
});
