/** Wolfi secdb (`https://packages.wolfi.dev/os/security.json`), formats.md §4.1: namespace `wolfi`. */
import type { FeedImporter } from '../../types.js';
import { singleFileSecdbImporter } from '../secdb-common.js';

export const importer: FeedImporter = singleFileSecdbImporter({
  name: 'wolfi-secdb',
  title: 'Wolfi secdb',
  namespace: 'wolfi',
  defaultBase: 'https://packages.wolfi.dev',
  feedPath: 'os/security.json',
  vendor: /wolfi/i,
});
