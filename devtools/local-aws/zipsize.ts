// Reads a zip's central directory the way Lambda measures "unzipped size": the sum of the
// uncompressed sizes it declares. Only the directory is trusted; entry data is never inflated.
import { crc32 } from "node:zlib";

export class ZipFormatError extends Error {}

const EOCD_SIGNATURE = 0x06054b50;
const ZIP64_LOCATOR_SIGNATURE = 0x07064b50;
const ZIP64_EOCD_SIGNATURE = 0x06064b50;
const CENTRAL_ENTRY_SIGNATURE = 0x02014b50;
const MAX_COMMENT = 0xffff;

export interface ZipEntrySize {
  name: string;
  uncompressedSize: number;
  compressedSize: number;
}

export function readZipEntries(zip: Buffer): ZipEntrySize[] {
  const eocd = findEndOfCentralDirectory(zip);
  let entryCount = zip.readUInt16LE(eocd + 10);
  let directorySize = zip.readUInt32LE(eocd + 12);
  let directoryOffset = zip.readUInt32LE(eocd + 16);
  if (entryCount === 0xffff || directorySize === 0xffffffff || directoryOffset === 0xffffffff) {
    const locator = eocd - 20;
    if (locator < 0 || zip.readUInt32LE(locator) !== ZIP64_LOCATOR_SIGNATURE) {
      throw new ZipFormatError("zip64 end of central directory locator missing");
    }
    const record = readSafeUInt64(zip, locator + 8);
    if (record + 56 > zip.length || zip.readUInt32LE(record) !== ZIP64_EOCD_SIGNATURE) {
      throw new ZipFormatError("zip64 end of central directory record missing");
    }
    entryCount = readSafeUInt64(zip, record + 32);
    directorySize = readSafeUInt64(zip, record + 40);
    directoryOffset = readSafeUInt64(zip, record + 48);
  }
  if (directoryOffset + directorySize > zip.length) {
    throw new ZipFormatError("central directory lies outside the file");
  }
  const entries: ZipEntrySize[] = [];
  let at = directoryOffset;
  for (let i = 0; i < entryCount; i++) {
    if (at + 46 > zip.length || zip.readUInt32LE(at) !== CENTRAL_ENTRY_SIGNATURE) {
      throw new ZipFormatError(`central directory entry ${i} is corrupt`);
    }
    let compressedSize = zip.readUInt32LE(at + 20);
    let uncompressedSize = zip.readUInt32LE(at + 24);
    const nameLength = zip.readUInt16LE(at + 28);
    const extraLength = zip.readUInt16LE(at + 30);
    const commentLength = zip.readUInt16LE(at + 32);
    const localHeaderOffset = zip.readUInt32LE(at + 42);
    const name = zip.toString("utf8", at + 46, at + 46 + nameLength);
    if (uncompressedSize === 0xffffffff || compressedSize === 0xffffffff) {
      const zip64 = readZip64Extra(zip, at + 46 + nameLength, extraLength, {
        uncompressed: uncompressedSize === 0xffffffff,
        compressed: compressedSize === 0xffffffff,
        offset: localHeaderOffset === 0xffffffff,
      });
      uncompressedSize = zip64.uncompressed ?? uncompressedSize;
      compressedSize = zip64.compressed ?? compressedSize;
    }
    entries.push({ name, uncompressedSize, compressedSize });
    at += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

export function unzippedSize(zip: Buffer): number {
  return readZipEntries(zip).reduce((sum, entry) => sum + entry.uncompressedSize, 0);
}

function findEndOfCentralDirectory(zip: Buffer): number {
  const lowest = Math.max(0, zip.length - 22 - MAX_COMMENT);
  for (let at = zip.length - 22; at >= lowest; at--) {
    if (zip.readUInt32LE(at) === EOCD_SIGNATURE && at + 22 + zip.readUInt16LE(at + 20) === zip.length) {
      return at;
    }
  }
  throw new ZipFormatError("end of central directory not found");
}

function readZip64Extra(
  zip: Buffer,
  start: number,
  length: number,
  present: { uncompressed: boolean; compressed: boolean; offset: boolean },
): { uncompressed?: number; compressed?: number } {
  let at = start;
  const end = start + length;
  while (at + 4 <= end) {
    const id = zip.readUInt16LE(at);
    const size = zip.readUInt16LE(at + 2);
    if (id === 0x0001) {
      let field = at + 4;
      const result: { uncompressed?: number; compressed?: number } = {};
      if (present.uncompressed) {
        result.uncompressed = readSafeUInt64(zip, field);
        field += 8;
      }
      if (present.compressed) result.compressed = readSafeUInt64(zip, field);
      return result;
    }
    at += 4 + size;
  }
  throw new ZipFormatError("zip64 extra field missing");
}

function readSafeUInt64(buffer: Buffer, at: number): number {
  if (at + 8 > buffer.length) throw new ZipFormatError("truncated zip64 field");
  const value = buffer.readBigUInt64LE(at);
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw new ZipFormatError("zip64 size out of range");
  return Number(value);
}

export interface ZipInput {
  name: string;
  data: Buffer | string;
  /** Size written into the headers instead of the real one: lets a test claim a huge entry cheaply. */
  claimedSize?: number;
}

/** A minimal stored (uncompressed) zip writer for fixtures; zip64 sizes when claimedSize needs them. */
export function makeZip(inputs: ZipInput[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const input of inputs) {
    const data = typeof input.data === "string" ? Buffer.from(input.data) : input.data;
    const name = Buffer.from(input.name);
    const size = input.claimedSize ?? data.length;
    const big = size >= 0xffffffff;
    const extra = Buffer.alloc(big ? 20 : 0);
    if (big) {
      extra.writeUInt16LE(0x0001, 0);
      extra.writeUInt16LE(16, 2);
      extra.writeBigUInt64LE(BigInt(size), 4);
      extra.writeBigUInt64LE(BigInt(data.length), 12);
    }
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(big ? 45 : 20, 4);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(big ? 0xffffffff : data.length, 18);
    local.writeUInt32LE(big ? 0xffffffff : size, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(extra.length, 28);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(CENTRAL_ENTRY_SIGNATURE, 0);
    central.writeUInt16LE((3 << 8) | 45, 4);
    central.writeUInt16LE(big ? 45 : 20, 6);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(big ? 0xffffffff : data.length, 20);
    central.writeUInt32LE(big ? 0xffffffff : size, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt16LE(extra.length, 30);
    central.writeUInt32LE((0o100644 << 16) >>> 0, 38);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, extra, data);
    centrals.push(central, name, extra);
    offset += local.length + name.length + extra.length + data.length;
  }
  const directory = Buffer.concat(centrals);
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(EOCD_SIGNATURE, 0);
  eocd.writeUInt16LE(inputs.length, 8);
  eocd.writeUInt16LE(inputs.length, 10);
  eocd.writeUInt32LE(directory.length, 12);
  eocd.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, eocd]);
}
