/** The ELF reader's access to bytes: a bounded reader over a file, and fields in either class and byte order. */
import type { FileHandle } from "node:fs/promises";

/** Reads `length` bytes at `offset`; may return fewer at the end of the file. */
export type ByteReader = (offset: number, length: number) => Promise<Uint8Array>;

/** A ByteReader over an open file of known size. */
export function handleReader(handle: FileHandle, size: number): ByteReader {
  return async (offset, length) => {
    const len = Math.max(0, Math.min(length, size - offset));
    const buf = Buffer.alloc(len);
    let done = 0;
    while (done < len) {
      const { bytesRead } = await handle.read(buf, done, len - done, offset + done);
      if (bytesRead === 0) break;
      done += bytesRead;
    }
    return done === len ? buf : buf.subarray(0, done);
  };
}

/** Field access for either class and byte order; numbers past 2^53 become NaN and fail bounds checks. */
export class View {
  private readonly dv: DataView;
  constructor(
    readonly bytes: Uint8Array,
    readonly little: boolean,
  ) {
    this.dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  u16(at: number): number {
    return this.dv.getUint16(at, this.little);
  }
  u32(at: number): number {
    return this.dv.getUint32(at, this.little);
  }
  u64(at: number): number {
    const v = this.dv.getBigUint64(at, this.little);
    return v > BigInt(Number.MAX_SAFE_INTEGER) ? Number.NaN : Number(v);
  }
  /** an address/offset-sized field */
  word(at: number, is64: boolean): number {
    return is64 ? this.u64(at) : this.u32(at);
  }
}

/** a table or name the file does not hold in full: reported as the ElfInfo's problem, never thrown past parseElf */
export class Truncated extends Error {}
