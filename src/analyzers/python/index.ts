import type { Analyzer, EntryInfo } from '../types.js';
import { parseCoreMetadata } from './core-metadata.js';

/** Core metadata of wheel installs, of setuptools eggs, and distutils' single-file `.egg-info`. */
function isMetadataFile(path: string): boolean {
  return (
    path.endsWith('.dist-info/METADATA') || path.endsWith('.egg-info/PKG-INFO') || path.endsWith('.egg-info')
  );
}

/** Installed Python distributions, from their core metadata. */
export const pythonAnalyzer: Analyzer = {
  name: 'python',
  version: 1,
  maxFileSize: 4 * 1024 * 1024,
  oversize: 'warn',
  wants(path: string, info: EntryInfo): boolean {
    return info.type === 'file' && isMetadataFile(path);
  },
  analyze(file) {
    return parseCoreMetadata(file.content, file.path);
  },
};
