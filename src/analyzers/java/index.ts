import type { Analyzer, EntryInfo } from '../types.js';
import { scanJavaArchive } from './archive.js';
import { hasJavaArchiveExtension } from './archive-name.js';

/** `PK\x03\x04` starts a zip with entries; `PK\x05\x06` an empty one. */
function isZipHead(head: Buffer): boolean {
  return (
    head.length >= 4 &&
    head[0] === 0x50 &&
    head[1] === 0x4b &&
    ((head[2] === 3 && head[3] === 4) || (head[2] === 5 && head[3] === 6))
  );
}

/** Java archives (jar, war, ear, Jenkins jpi/hpi) and the archives nested in them. */
export const javaAnalyzer: Analyzer = {
  name: 'java',
  version: 1,
  maxFileSize: 128 * 1024 * 1024,
  oversize: 'warn',
  sniffBytes: 4,
  sniff: isZipHead,
  wants(path: string, info: EntryInfo): boolean {
    return info.type === 'file' && hasJavaArchiveExtension(path);
  },
  analyze(file) {
    return scanJavaArchive(file.content, file.path);
  },
};
