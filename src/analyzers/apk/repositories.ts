/** `etc/apk/repositories`: one repository URL per line (optionally `@tag url`), `#` comments. */
import type { Analyzer } from '../types.js';

const REPOSITORIES_PATH = 'etc/apk/repositories';

function parseApkRepositories(text: string): string[] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
}

export const apkRepositoriesAnalyzer: Analyzer = {
  name: 'apk-repositories',
  version: 1,
  maxFileSize: 64 * 1024,
  oversize: 'warn',
  wants: (path) => path === REPOSITORIES_PATH,
  analyze: (file) => ({ repositories: parseApkRepositories(file.content.toString('utf8')) }),
};
