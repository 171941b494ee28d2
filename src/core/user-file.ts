import { readFile } from 'node:fs/promises';
import { KeelsonError } from './errors.js';

/** Reads a small text file the user named (config, ignore rules); a missing or unreadable one is exit 2. */
export async function readUserFile(file: string, what: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new KeelsonError(
      'INVALID_ARGUMENT',
      code === 'ENOENT' ? `${what} not found` : `cannot read ${what} (${code ?? String(err)})`,
      { file },
    );
  }
}
