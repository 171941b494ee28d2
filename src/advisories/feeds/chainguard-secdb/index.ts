/** Chainguard secdb (`https://packages.cgr.dev/chainguard/security.json`), formats.md §4.1: namespace `chainguard`. */
import type { FeedImporter } from '../../types.js';
import { singleFileSecdbImporter } from '../secdb-common.js';

export const importer: FeedImporter = singleFileSecdbImporter({
  name: 'chainguard-secdb',
  title: 'Chainguard secdb',
  namespace: 'chainguard',
  defaultBase: 'https://packages.cgr.dev',
  feedPath: 'chainguard/security.json',
  vendor: /chainguard|cgr\.dev/i,
});
