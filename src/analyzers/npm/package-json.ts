import type { FileFacts } from '../types.js';
import { isRecord, parseJson, readAuthor, readLicenses } from './manifest-fields.js';

/** An installed package's manifest is small; anything larger is not a real one. */
export const MAX_PACKAGE_JSON_SIZE = 1024 * 1024;

/**
 * One installed package from `node_modules/<name>/package.json`. Manifests without a name or version
 * are skipped silently: packages ship such files as test fixtures, and they describe nothing installed.
 */
export function parsePackageJson(content: Buffer, path: string): FileFacts | undefined {
  if (content.length > MAX_PACKAGE_JSON_SIZE) {
    return {
      warnings: [
        {
          code: 'FILE_TOO_LARGE',
          message: `skipped package.json of ${content.length} bytes (limit ${MAX_PACKAGE_JSON_SIZE})`,
          file: path,
        },
      ],
    };
  }
  let manifest: unknown;
  try {
    manifest = parseJson(content);
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    return { warnings: [{ code: 'PARSE_ERROR', message: `invalid package.json: ${reason}`, file: path }] };
  }
  if (!isRecord(manifest)) return undefined;
  const { name, version } = manifest;
  if (typeof name !== 'string' || typeof version !== 'string' || !name.trim() || !version.trim()) {
    return undefined;
  }
  const licenses = readLicenses(manifest.license, manifest.licenses);
  const supplier = readAuthor(manifest.author);
  return {
    packages: [
      {
        name: name.trim(),
        version: version.trim(),
        type: 'npm',
        ...(licenses ? { licenses } : {}),
        ...(supplier ? { supplier } : {}),
        location: path,
        foundBy: 'npm',
      },
    ],
  };
}
