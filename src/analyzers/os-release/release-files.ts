/**
 * The release files we read and how each maps onto os-release-style fields (`ID`, `VERSION_ID`,
 * `NAME`, `PRETTY_NAME` …), so distro detection deals with one shape. IDs are the vendor's own
 * os-release IDs (`rhel`, `almalinux`, `amzn`); normalising them is detection's job.
 */
import type { ReleaseFileKind } from '../types.js';
import { parseOsRelease } from './parse-os-release.js';

export const RELEASE_FILES: ReadonlyMap<string, ReleaseFileKind> = new Map<string, ReleaseFileKind>([
  ['etc/os-release', 'os-release'],
  ['usr/lib/os-release', 'os-release'],
  ['etc/lsb-release', 'lsb-release'],
  ['etc/alpine-release', 'alpine-release'],
  ['etc/debian_version', 'debian_version'],
  ['etc/redhat-release', 'redhat-release'],
  ['etc/photon-release', 'photon-release'],
  ['etc/system-release', 'system-release'],
  ['etc/centos-release', 'centos-release'],
  ['etc/rocky-release', 'rocky-release'],
  ['etc/almalinux-release', 'almalinux-release'],
  ['etc/fedora-release', 'fedora-release'],
  ['etc/SuSE-release', 'SuSE-release'],
]);

/** A version token as release files write it: `3.18.4`, `12.5`, `7.9.2009`, `2018.03`. */
const VERSION_TOKEN = /^[0-9][0-9A-Za-z._+~-]*$/;

export function releaseFields(kind: ReleaseFileKind, text: string): Record<string, string> {
  switch (kind) {
    case 'os-release':
      return parseOsRelease(text);
    case 'lsb-release':
      return lsbFields(parseOsRelease(text));
    case 'alpine-release':
      return withVersion({ ID: 'alpine' }, firstLine(text));
    case 'debian_version':
      return debianVersionFields(firstLine(text));
    case 'photon-release':
      return photonFields(text);
    case 'SuSE-release':
      return suseFields(text);
    default:
      return redHatStyleFields(kind, firstLine(text));
  }
}

function firstLine(text: string): string {
  const end = text.indexOf('\n');
  return (end < 0 ? text : text.slice(0, end)).trim();
}

function withVersion(fields: Record<string, string>, version: string): Record<string, string> {
  return VERSION_TOKEN.test(version) ? { ...fields, VERSION_ID: version } : fields;
}

/** `DISTRIB_ID=Ubuntu`, `DISTRIB_RELEASE=18.04` … kept as written, plus their os-release equivalents. */
function lsbFields(lsb: Record<string, string>): Record<string, string> {
  const fields: Record<string, string> = { ...lsb };
  if (lsb.DISTRIB_ID) {
    fields.ID = lsb.DISTRIB_ID.toLowerCase();
    fields.NAME = lsb.DISTRIB_ID;
  }
  if (lsb.DISTRIB_RELEASE) fields.VERSION_ID = lsb.DISTRIB_RELEASE;
  if (lsb.DISTRIB_CODENAME) fields.VERSION_CODENAME = lsb.DISTRIB_CODENAME;
  if (lsb.DISTRIB_DESCRIPTION) fields.PRETTY_NAME = lsb.DISTRIB_DESCRIPTION;
  return fields;
}

/** `12.5` on Debian; `bookworm/sid` on testing and on Ubuntu, which has no number to offer. */
function debianVersionFields(line: string): Record<string, string> {
  const fields: Record<string, string> = { ID: 'debian' };
  if (line) fields.VERSION = line;
  return /^\d+(\.\d+)*$/.test(line) ? { ...fields, VERSION_ID: line } : fields;
}

/** `VMware Photon OS 4.0` then `PHOTON_BUILD_NUMBER=…` lines. */
function photonFields(text: string): Record<string, string> {
  const line = firstLine(text);
  const words = line.split(/\s+/);
  const version = words.pop() ?? '';
  const fields: Record<string, string> = { ...parseOsRelease(text), ID: 'photon' };
  if (line) fields.PRETTY_NAME = line;
  if (words.length > 0 && /^\d+(\.\d+)*$/.test(version)) {
    fields.NAME = words.join(' ');
    fields.VERSION_ID = version;
  }
  return fields;
}

const SUSE_KEYS = new Set(['VERSION', 'PATCHLEVEL', 'CODENAME']);

/** `SUSE Linux Enterprise Server 11 (x86_64)` then `VERSION = 11`, `PATCHLEVEL = 4` lines. */
function suseFields(text: string): Record<string, string> {
  const fields: Record<string, string> = {};
  const line = firstLine(text);
  if (line) fields.PRETTY_NAME = line;
  if (/opensuse/i.test(line)) fields.ID = 'opensuse';
  else if (/enterprise desktop/i.test(line)) fields.ID = 'sled';
  else if (/enterprise server/i.test(line)) fields.ID = 'sles';
  // `KEY = value`, spaces around the `=` unlike os-release.
  for (const raw of text.split('\n').slice(1)) {
    const eq = raw.indexOf('=');
    const key = raw.slice(0, eq).trim();
    if (eq > 0 && SUSE_KEYS.has(key)) fields[key] = raw.slice(eq + 1).trim();
  }
  const version = fields.VERSION ?? '';
  const patch = fields.PATCHLEVEL ?? '0';
  if (VERSION_TOKEN.test(version)) {
    fields.VERSION_ID = /^[1-9]\d*$/.test(patch) ? `${version}.${patch}` : version;
  }
  return fields;
}

/** The ID a `<name> release <version>` line names, tried before the file's own name. */
const RED_HAT_FAMILY: [RegExp, string][] = [
  [/red hat/i, 'rhel'],
  [/centos/i, 'centos'],
  [/rocky/i, 'rocky'],
  [/almalinux/i, 'almalinux'],
  [/fedora/i, 'fedora'],
  [/amazon linux/i, 'amzn'],
  [/oracle/i, 'ol'],
];

const ID_BY_FILE: Partial<Record<ReleaseFileKind, string>> = {
  'redhat-release': 'rhel',
  'centos-release': 'centos',
  'rocky-release': 'rocky',
  'almalinux-release': 'almalinux',
  'fedora-release': 'fedora',
};

/** `Rocky Linux release 8.5 (Green Obsidian)`, `Amazon Linux release 2 (Karoo)`, `CentOS Stream release 9`. */
function redHatStyleFields(kind: ReleaseFileKind, line: string): Record<string, string> {
  const fields: Record<string, string> = {};
  if (!line) return fields;
  fields.PRETTY_NAME = line;
  // Word by word rather than one regex: a hostile line must not cost quadratic backtracking.
  const words = line.split(/\s+/);
  const at = words.findIndex((word, i) => i > 0 && word.toLowerCase() === 'release');
  const name = at > 0 ? words.slice(0, at).join(' ') : line;
  fields.NAME = name;
  const id = RED_HAT_FAMILY.find(([pattern]) => pattern.test(name))?.[1] ?? ID_BY_FILE[kind];
  if (id) fields.ID = id;
  const version = at > 0 ? (words[at + 1] ?? '') : '';
  if (VERSION_TOKEN.test(version)) {
    fields.VERSION_ID = version;
    const rest = words.slice(at + 2).join(' ');
    fields.VERSION = rest ? `${version} ${rest}` : version;
  }
  return fields;
}
