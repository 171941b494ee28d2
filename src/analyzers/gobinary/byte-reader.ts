import { KeelsonError } from '../../core/errors.js';

/**
 * Bounds-checked integer reads in one byte order. Every read past the end of the file becomes a
 * PARSE_ERROR naming the offset, never a RangeError.
 */
export class ByteReader {
  constructor(
    readonly bytes: Buffer,
    readonly littleEndian: boolean,
  ) {}

  private check(offset: number, width: number): void {
    if (!Number.isSafeInteger(offset) || offset < 0 || offset + width > this.bytes.length) {
      throw new KeelsonError(
        'PARSE_ERROR',
        `read of ${width} bytes at offset ${offset} is past the end of the file (${this.bytes.length} bytes)`,
      );
    }
  }

  u8(offset: number): number {
    this.check(offset, 1);
    return this.bytes[offset]!;
  }

  u16(offset: number): number {
    this.check(offset, 2);
    return this.littleEndian ? this.bytes.readUInt16LE(offset) : this.bytes.readUInt16BE(offset);
  }

  u32(offset: number): number {
    this.check(offset, 4);
    return this.littleEndian ? this.bytes.readUInt32LE(offset) : this.bytes.readUInt32BE(offset);
  }

  /** 64-bit values above 2^53 cannot be file offsets or sizes here, so they are errors. */
  u64(offset: number): number {
    this.check(offset, 8);
    const value = this.littleEndian ? this.bytes.readBigUInt64LE(offset) : this.bytes.readBigUInt64BE(offset);
    if (value > BigInt(Number.MAX_SAFE_INTEGER)) {
      throw new KeelsonError(
        'PARSE_ERROR',
        `64-bit value 0x${value.toString(16)} at offset ${offset} is out of range`,
      );
    }
    return Number(value);
  }

  /** A pointer-sized word: 4 or 8 bytes. */
  word(offset: number, size: 4 | 8): number {
    return size === 8 ? this.u64(offset) : this.u32(offset);
  }
}
