import type { Analyzer, EntryInfo } from '../types.js';
import { parseGemspec } from './gemspec.js';

const SUFFIX = '.gemspec';

/** `…/specifications/X.gemspec` or `…/specifications/default/X.gemspec`, where rubygems records installs. */
export function isInstalledGemspec(path: string): boolean {
  if (!path.endsWith(SUFFIX)) return false;
  const dir = path.slice(0, path.lastIndexOf('/') + 1);
  return (
    dir === 'specifications/' ||
    dir.endsWith('/specifications/') ||
    dir === 'specifications/default/' ||
    dir.endsWith('/specifications/default/')
  );
}

/** Installed Ruby gems, from the gemspecs rubygems writes at install time. */
export const gemsAnalyzer: Analyzer = {
  name: 'gems',
  version: 1,
  maxFileSize: 1024 * 1024,
  oversize: 'warn',
  wants(path: string, info: EntryInfo): boolean {
    return info.type === 'file' && isInstalledGemspec(path);
  },
  analyze(file) {
    return parseGemspec(file.content, file.path);
  },
};
