/** The one map of SBOM output formats: adding a format is a module and one line here. */
import { renderCycloneDx } from './cyclonedx.js';
import type { SbomFormat } from './document.js';
import { renderInventoryJson } from './json.js';
import { renderSpdx } from './spdx.js';

export type { RenderOptions, SbomFormat } from './document.js';

export type SbomFormatName = 'cyclonedx' | 'spdx' | 'json';

export const sbomFormats: Record<SbomFormatName, SbomFormat> = {
  cyclonedx: {
    name: 'CycloneDX 1.6 JSON',
    mediaType: 'application/vnd.cyclonedx+json',
    fileExtension: '.cdx.json',
    render: renderCycloneDx,
  },
  spdx: {
    name: 'SPDX 2.3 JSON',
    mediaType: 'application/spdx+json',
    fileExtension: '.spdx.json',
    render: renderSpdx,
  },
  json: {
    name: 'keelson inventory JSON',
    mediaType: 'application/json',
    fileExtension: '.json',
    render: renderInventoryJson,
  },
};
