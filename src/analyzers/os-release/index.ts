/**
 * Reads the files that name the distribution: os-release first of all, and the older or
 * vendor-specific release files that fill its gaps (distroless Debian without VERSION_ID, images
 * without os-release). Which one decides is `inventory/distro.ts`'s job.
 */
import { KeelsonError } from '../../core/errors.js';
import type { Analyzer } from '../types.js';
import { RELEASE_FILES, releaseFields } from './release-files.js';

const MAX_RELEASE_FILE_SIZE = 64 * 1024;

export const osReleaseAnalyzer: Analyzer = {
  name: 'os-release',
  version: 1,
  maxFileSize: MAX_RELEASE_FILE_SIZE,
  // A release file this large is not a release file: fail loudly rather than guess the distro.
  oversize: 'error',
  wants: (path) => RELEASE_FILES.has(path),
  analyze(file) {
    const kind = RELEASE_FILES.get(file.path);
    if (!kind) return undefined;
    if (file.content.length > MAX_RELEASE_FILE_SIZE) {
      throw new KeelsonError(
        'FILE_TOO_LARGE',
        `release file is ${file.content.length} bytes, more than the ${MAX_RELEASE_FILE_SIZE} allowed`,
        { file: file.path },
      );
    }
    return { os: { kind, fields: releaseFields(kind, file.content.toString('utf8')) } };
  },
};
