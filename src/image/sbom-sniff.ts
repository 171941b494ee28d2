/**
 * Telling an SBOM file from an image archive, cheaply and without loading the SBOM reader: target
 * resolution (open.ts) runs this for every file it is given.
 */
import { open } from 'node:fs/promises';

const SNIFF_BYTES = 4096;

/**
 * Whether a regular file is an SBOM rather than an image archive: a `.json` name, or JSON whose first
 * 4 KiB name a CycloneDX or SPDX document. An unreadable file is not one (opening it reports why).
 */
export async function sniffSbomFile(path: string): Promise<boolean> {
  if (path.toLowerCase().endsWith('.json')) return true;
  let handle: Awaited<ReturnType<typeof open>> | undefined;
  try {
    handle = await open(path, 'r');
    const head = Buffer.alloc(SNIFF_BYTES);
    const { bytesRead } = await handle.read(head, 0, SNIFF_BYTES, 0);
    return looksLikeSbom(head.subarray(0, bytesRead));
  } catch {
    return false;
  } finally {
    await handle?.close();
  }
}

/** JSON (not gzip or tar) whose opening bytes carry `"bomFormat": "CycloneDX"` or `"spdxVersion"`. */
export function looksLikeSbom(head: Uint8Array): boolean {
  const text = Buffer.from(head.buffer, head.byteOffset, head.byteLength).toString('utf8');
  if (!/^\uFEFF?\s*\{/.test(text)) return false;
  return /"bomFormat"\s*:\s*"CycloneDX"/.test(text) || /"spdxVersion"\s*:/.test(text);
}
