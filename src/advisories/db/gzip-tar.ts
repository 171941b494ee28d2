import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { KeelsonError } from '../../core/errors.js';
import type { TarParser } from '../../layers/tar.js';

/**
 * Streams a gzipped tar file through `parser`. An error the parser's callbacks throw (an unsafe name, a
 * size cap) is the one reported: `pipeline` would otherwise replace it with its own AbortError.
 */
export async function readGzipTar(path: string, parser: TarParser, what: string): Promise<void> {
  let thrown: unknown;
  try {
    await pipeline(createReadStream(path), createGunzip(), async (chunks: AsyncIterable<Buffer>) => {
      for await (const chunk of chunks) {
        try {
          parser.write(chunk);
        } catch (err) {
          thrown = err;
          throw err;
        }
      }
    });
    parser.end();
  } catch (err) {
    const cause = thrown ?? err;
    if (cause instanceof KeelsonError) throw cause;
    throw new KeelsonError('PARSE_ERROR', `not a readable ${what}: ${(cause as Error).message}`, {
      file: path,
    });
  }
}
