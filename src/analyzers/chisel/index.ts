/** Ubuntu Chisel images: no dpkg database, only the manifest chisel wrote. */
import { KeelsonError } from '../../core/errors.js';
import type { Warning } from '../../core/types.js';
import type { Analyzer } from '../types.js';
import { parseChiselManifest } from './manifest.js';

const MANIFEST_PATH = 'var/lib/chisel/manifest.wall';
/** Lines named in a message; the rest are counted. */
const LINES_SHOWN = 5;

export const chiselAnalyzer: Analyzer = {
  name: 'chisel',
  version: 1,
  maxFileSize: 16 * 1024 * 1024,
  // The manifest is the image's only package list: losing it would leave the inventory silently short.
  oversize: 'error',
  wants: (path) => path === MANIFEST_PATH,
  analyze(file) {
    const { packages, badLines } = parseChiselManifest(file.content, file.path);
    if (badLines.length === 0) {
      if (packages.length > 0) return { packages };
      const warning: Warning = {
        code: 'PKGDB_EMPTY',
        message: 'chisel manifest lists no packages',
        file: file.path,
      };
      return { packages, warnings: [warning] };
    }
    const shown = badLines.slice(0, LINES_SHOWN).join(', ');
    const more = badLines.length > LINES_SHOWN ? ` and ${badLines.length - LINES_SHOWN} more` : '';
    const message = `${badLines.length} unreadable chisel manifest line(s): ${shown}${more}`;
    if (packages.length === 0) throw new KeelsonError('PARSE_ERROR', message, { file: file.path });
    return { packages, warnings: [{ code: 'PKGDB_DAMAGED', message, file: file.path }], incomplete: true };
  },
};
