import { KeelsonError } from '../../core/errors.js';
import { inventoryTarget } from '../../inventory/build.js';
import { sbomFormats } from '../../sbom/registry.js';
import { emit, type ImageFlags, inventoryOptions, reportWarnings } from '../common.js';
import { VERSION } from '../version.js';

export interface SbomFlags extends ImageFlags {
  format: string;
  output?: string;
}

export async function sbomCommand(target: string, flags: SbomFlags): Promise<void> {
  const format = sbomFormats[flags.format as keyof typeof sbomFormats];
  if (!format) {
    throw new KeelsonError(
      'INVALID_ARGUMENT',
      `unknown SBOM format "${flags.format}" (choose ${Object.keys(sbomFormats).join(', ')})`,
    );
  }
  const inventory = await inventoryTarget(target, inventoryOptions(flags));
  reportWarnings(inventory);
  await emit(format.render(inventory, { toolVersion: VERSION }), flags.output);
}
