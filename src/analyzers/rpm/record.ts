/** Maps a parsed rpm header onto keelson's PackageRecord. */
import type { PackageRecord } from '../../core/types.js';
import type { RpmHeader } from './header.js';

const SOURCE_RPM_SUFFIXES = ['.src.rpm', '.nosrc.rpm'];

export function toPackageRecord(header: RpmHeader, location: string, foundBy: string): PackageRecord {
  const versionRelease = `${header.version}-${header.release}`;
  const record: PackageRecord = {
    name: header.name,
    version: header.epoch ? `${header.epoch}:${versionRelease}` : versionRelease,
    type: 'rpm',
    location,
    foundBy,
    files: header.files.map((file) => (file.startsWith('/') ? file.slice(1) : file)),
  };
  if (header.epoch !== undefined) record.epoch = header.epoch;
  if (header.arch !== undefined) record.arch = header.arch;
  const source = header.sourceRpm === undefined ? undefined : parseSourceRpm(header.sourceRpm);
  if (source) record.source = source;
  // Empty strings occur (a spec with `Vendor:` left blank) and say nothing.
  if (header.license) record.licenses = [header.license];
  if (header.vendor) record.supplier = header.vendor;
  if (header.modularityLabel) record.metadata = { modularitylabel: header.modularityLabel };
  return record;
}

/**
 * `util-linux-2.32.1-42.el8_8.src.rpm` → name `util-linux`, version `2.32.1-42.el8_8`. Version and
 * release never contain `-`, so the last two dashes split the fields. Anything else (`(none)`) → undefined.
 */
export function parseSourceRpm(sourceRpm: string): { name: string; version: string } | undefined {
  const suffix = SOURCE_RPM_SUFFIXES.find((s) => sourceRpm.endsWith(s));
  if (!suffix) return undefined;
  const nvr = sourceRpm.slice(0, -suffix.length);
  const releaseDash = nvr.lastIndexOf('-');
  const versionDash = nvr.lastIndexOf('-', releaseDash - 1);
  if (
    releaseDash < 0 ||
    versionDash <= 0 ||
    releaseDash === nvr.length - 1 ||
    versionDash + 1 === releaseDash
  ) {
    return undefined;
  }
  return { name: nvr.slice(0, versionDash), version: nvr.slice(versionDash + 1) };
}
