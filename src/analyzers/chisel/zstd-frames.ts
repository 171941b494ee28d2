/**
 * Checks a zstd stream's frame headers (RFC 8878 §3.1) before decompressing it: fzstd allocates each
 * frame's whole window up front and copies it per block, so a 100-byte file declaring a 2 GiB window
 * costs gigabytes and seconds. Walking the frames needs only their headers and block headers.
 */

const ZSTD_MAGIC = 0xfd2fb528;
/** Skippable frames use magics 0x184D2A50 to 0x184D2A5F. */
const SKIPPABLE_MAGIC_BASE = 0x184d2a50;
const FCS_BYTES = [0, 2, 4, 8];
const DICT_ID_BYTES = [0, 1, 2, 4];
const RESERVED_BLOCK_TYPE = 3;
const RLE_BLOCK_TYPE = 1;

/** Why the stream must not be decompressed, or undefined when every frame's window fits `maxWindow`. */
export function zstdFrameProblem(data: Uint8Array, maxWindow: number): string | undefined {
  let at = 0;
  while (at < data.length) {
    if (at + 4 > data.length) return `truncated frame at byte ${at}`;
    const magic = readLE(data, at, 4);
    if ((magic & 0xfffffff0) >>> 0 === SKIPPABLE_MAGIC_BASE) {
      if (at + 8 > data.length) return `truncated skippable frame at byte ${at}`;
      at += 8 + readLE(data, at + 4, 4);
      continue;
    }
    if (magic !== ZSTD_MAGIC) return `no zstd frame at byte ${at}`;
    const frame = frameHeader(data, at + 4);
    if (typeof frame === 'string') return `${frame} (frame at byte ${at})`;
    if (frame.window > maxWindow) {
      return `frame at byte ${at} declares a ${frame.window}-byte window, more than the ${maxWindow} allowed`;
    }
    const end = skipBlocks(data, frame.blocksAt);
    if (end === undefined) return `damaged or truncated blocks in frame at byte ${at}`;
    at = end + (frame.checksum ? 4 : 0);
  }
  return at === data.length ? undefined : 'truncated final frame';
}

function frameHeader(
  data: Uint8Array,
  at: number,
): { window: number; checksum: boolean; blocksAt: number } | string {
  const descriptor = data[at];
  if (descriptor === undefined) return 'truncated frame header';
  const fcsFlag = descriptor >> 6;
  const singleSegment = (descriptor >> 5) & 1;
  if ((descriptor >> 3) & 1) return 'reserved bit set in frame header';
  let pos = at + 1;
  let window = 0;
  if (!singleSegment) {
    const windowDescriptor = data[pos++];
    if (windowDescriptor === undefined) return 'truncated frame header';
    const base = 2 ** (10 + (windowDescriptor >> 3));
    window = base + (base / 8) * (windowDescriptor & 7);
  }
  pos += DICT_ID_BYTES[descriptor & 3]!;
  const fcsBytes = fcsFlag === 0 ? singleSegment : FCS_BYTES[fcsFlag]!;
  if (pos + fcsBytes > data.length) return 'truncated frame header';
  // With a single segment the window is the whole content (FCS_flag 1 stores size - 256).
  if (singleSegment) window = readLE(data, pos, fcsBytes) + (fcsFlag === 1 ? 256 : 0);
  return { window, checksum: ((descriptor >> 2) & 1) === 1, blocksAt: pos + fcsBytes };
}

/** Offset just past the last block, or undefined when a block header is invalid or cut off. */
function skipBlocks(data: Uint8Array, at: number): number | undefined {
  let pos = at;
  for (;;) {
    if (pos + 3 > data.length) return undefined;
    const header = readLE(data, pos, 3);
    const type = (header >> 1) & 3;
    if (type === RESERVED_BLOCK_TYPE) return undefined;
    pos += 3 + (type === RLE_BLOCK_TYPE ? 1 : header >>> 3);
    if (pos > data.length) return undefined;
    if (header & 1) return pos;
  }
}

/** Little-endian unsigned integer of up to 8 bytes (exact up to 2^53, enough to compare with limits). */
function readLE(data: Uint8Array, at: number, bytes: number): number {
  let value = 0;
  for (let i = bytes - 1; i >= 0; i--) value = value * 256 + data[at + i]!;
  return value;
}
