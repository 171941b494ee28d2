/** The one list of feed importers: `db update`, `db import` and `db status` know feeds only through it. */
import { KeelsonError } from '../../core/errors.js';
import type { FeedImporter } from '../types.js';
import { importer as alpineSecdb } from './alpine-secdb/index.js';
import { importer as chainguardOsv } from './chainguard-osv/index.js';
import { importer as chainguardSecdb } from './chainguard-secdb/index.js';
import { importer as debianTracker } from './debian-tracker/index.js';
import { importer as dhiAdvisories } from './dhi-advisories/index.js';
import { importer as echo } from './echo/index.js';
import { importer as epss } from './epss/index.js';
import { importer as kev } from './kev/index.js';
import { importer as minimosOsv } from './minimos-osv/index.js';
import { importer as minimosSecdb } from './minimos-secdb/index.js';
import { importer as nvd } from './nvd/index.js';
import { importer as osv } from './osv/index.js';
import { importer as photon } from './photon/index.js';
import { importer as ubuntuOsv } from './ubuntu-osv/index.js';
import { importer as wolfiSecdb } from './wolfi-secdb/index.js';

export const feedImporters: readonly FeedImporter[] = [
  alpineSecdb,
  wolfiSecdb,
  chainguardSecdb,
  chainguardOsv,
  minimosSecdb,
  minimosOsv,
  echo,
  photon,
  debianTracker,
  ubuntuOsv,
  dhiAdvisories,
  osv,
  nvd,
  kev,
  epss,
];

export function feedImporter(name: string): FeedImporter | undefined {
  return feedImporters.find((i) => i.name === name);
}

/** The importer named `name`, or an INVALID_ARGUMENT error listing the known ones. */
export function requireFeedImporter(name: string): FeedImporter {
  const importer = feedImporter(name);
  if (!importer)
    throw new KeelsonError(
      'INVALID_ARGUMENT',
      `unknown feed source "${name}" (known: ${feedImporters.map((i) => i.name).join(', ')})`,
    );
  return importer;
}
