/**
 * The records of a zip as the writer lays them out (APPNOTE): an entry's local and
 * central headers, the end records, and the fixed fields that make every build's bytes
 * the same (one DOS time, Unix as the creating system, two file modes).
 */

/** the only two file modes a zip of ours stores (a regular file, 0644 or 0755) */
export const MODE_FILE = 0o100644;
export const MODE_EXECUTABLE = 0o100755;
export const MODE_DIRECTORY = 0o040755;
export const MODE_TYPE = 0o170000;
/** 1980-01-01 00:00:00, the earliest DOS time: the same for every entry on every build */
const DOS_TIME = 0;
const DOS_DATE = (0 << 9) | (1 << 5) | 1;
const VERSION_MADE_BY_UNIX = (3 << 8) | 20;
const VERSION_NEEDED = 20;
const VERSION_MADE_BY_UNIX_ZIP64 = (3 << 8) | 45;
const VERSION_NEEDED_ZIP64 = 45;
const FLAG_UTF8 = 1 << 11;
/** From this many entries on, the count is written in a ZIP64 end record (the classic field is 16 bits). */
const ZIP64_ENTRIES = 0xffff;
/** the largest offset or size a classic record holds: the writer refuses a zip that needs more */
export const MAX_OFFSET = 0xffffffff;

/** What an entry's headers say. */
export interface EntryHeader {
  nameBytes: Buffer;
  mode: number;
  flags: number;
  method: 0 | 8;
  crc: number;
  /** uncompressed bytes */
  size: number;
  compressedSize: number;
}

export function writeLocalHeader(p: EntryHeader, h: Buffer, at: number): void {
  h.writeUInt32LE(0x04034b50, at);
  h.writeUInt16LE(VERSION_NEEDED, at + 4);
  h.writeUInt16LE(p.flags, at + 6);
  h.writeUInt16LE(p.method, at + 8);
  h.writeUInt16LE(DOS_TIME, at + 10);
  h.writeUInt16LE(DOS_DATE, at + 12);
  h.writeUInt32LE(p.crc >>> 0, at + 14);
  h.writeUInt32LE(p.compressedSize, at + 18);
  h.writeUInt32LE(p.size, at + 22);
  h.writeUInt16LE(p.nameBytes.length, at + 26);
  h.writeUInt16LE(0, at + 28); // extra field length
  p.nameBytes.copy(h, at + 30);
}

export function writeCentralHeader(p: EntryHeader, offset: number, h: Buffer, at: number): void {
  h.writeUInt32LE(0x02014b50, at);
  h.writeUInt16LE(VERSION_MADE_BY_UNIX, at + 4);
  h.writeUInt16LE(VERSION_NEEDED, at + 6);
  h.writeUInt16LE(p.flags, at + 8);
  h.writeUInt16LE(p.method, at + 10);
  h.writeUInt16LE(DOS_TIME, at + 12);
  h.writeUInt16LE(DOS_DATE, at + 14);
  h.writeUInt32LE(p.crc >>> 0, at + 16);
  h.writeUInt32LE(p.compressedSize, at + 20);
  h.writeUInt32LE(p.size, at + 24);
  h.writeUInt16LE(p.nameBytes.length, at + 28);
  // extra length, comment length, disk number, internal attributes: all 0
  h.fill(0, at + 30, at + 38);
  const external = ((p.mode << 16) | (p.mode & 0o040000 ? 0x10 : 0)) >>> 0;
  h.writeUInt32LE(external, at + 38);
  h.writeUInt32LE(offset, at + 42);
  p.nameBytes.copy(h, at + 46);
}

/** Names with bytes outside printable ASCII are flagged as UTF-8. */
export function nameFlags(nameBytes: Buffer): number {
  for (const b of nameBytes) if (b < 0x20 || b > 0x7e) return FLAG_UTF8;
  return 0;
}

/**
 * The end records. With 65,535 entries or more, the classic record's count says 0xFFFF and
 * a ZIP64 end record (APPNOTE 4.3.14) with its locator (4.3.15) carries the real count, as
 * Info-ZIP, Python's zipfile and Lambda read it. Sizes and offsets stay below 4 GiB (the
 * writer refuses more), so the entries themselves need no ZIP64 extra fields.
 */
export function endOfCentralDirectory(count: number, size: number, offset: number): Buffer {
  const zip64 = count >= ZIP64_ENTRIES;
  const h = Buffer.alloc(zip64 ? 56 + 20 + 22 : 22);
  let at = 0;
  if (zip64) {
    h.writeUInt32LE(0x06064b50, 0);
    h.writeBigUInt64LE(44n, 4); // size of the rest of this record
    h.writeUInt16LE(VERSION_MADE_BY_UNIX_ZIP64, 12);
    h.writeUInt16LE(VERSION_NEEDED_ZIP64, 14);
    // disk numbers (16, 20): 0
    h.writeBigUInt64LE(BigInt(count), 24);
    h.writeBigUInt64LE(BigInt(count), 32);
    h.writeBigUInt64LE(BigInt(size), 40);
    h.writeBigUInt64LE(BigInt(offset), 48);
    h.writeUInt32LE(0x07064b50, 56);
    // disk with the ZIP64 end record (60): 0; its offset: right after the central directory
    h.writeBigUInt64LE(BigInt(offset + size), 64);
    h.writeUInt32LE(1, 72); // total disks
    at = 76;
  }
  h.writeUInt32LE(0x06054b50, at);
  h.writeUInt16LE(Math.min(count, 0xffff), at + 8);
  h.writeUInt16LE(Math.min(count, 0xffff), at + 10);
  h.writeUInt32LE(size, at + 12);
  h.writeUInt32LE(offset, at + 16);
  return h;
}
