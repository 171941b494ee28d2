/** The one map of SBOM output formats: adding a format is a module and one line here. */
import { renderCycloneDx, renderCycloneDx15 } from './cyclonedx.js';
import type { SbomFormat } from './document.js';
import { renderInventoryJson } from './json.js';
import { renderSpdx } from './spdx.js';

export type { RenderOptions, SbomFormat } from './document.js';

export type SbomFormatName = 'cyclonedx' | 'cyclonedx-1.5' | 'spdx' | 'json';

export const sbomFormats: Record<SbomFormatName, SbomFormat> = {
  cyclonedx: {
    name: 'CycloneDX 1.6 JSON',
    mediaType: 'application/vnd.cyclonedx+json',
    fileExtension: '.cdx.json',
    render: renderCycloneDx,
  },
  'cyclonedx-1.5': {
    name: 'CycloneDX 1.5 JSON (for tools that do not read 1.6 yet)',
    mediaType: 'application/vnd.cyclonedx+json',
    fileExtension: '.cdx.json',
    render: renderCycloneDx15,
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
