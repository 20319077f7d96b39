/**
 * Reads a zip's central directory, and an entry's stored (still compressed) bytes,
 * so the writer can copy entries from one zip into another without inflating and
 * deflating them again. No encryption, stored or deflated; ZIP64 for the entry count
 * (the writer's zips), not for entries of 4 GiB (which none of Lambda's can hold).
 */
import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import { type FileHandle, open } from "node:fs/promises";
import { crc32, inflateRawSync } from "node:zlib";

export interface ZipEntry {
  name: string;
  /** the creating system: 3 is Unix */
  madeBy: number;
  /** 0 stored, 8 deflated */
  method: number;
  flags: number;
  /** MS-DOS time and date fields, as stored */
  dosTime: number;
  dosDate: number;
  crc: number;
  compressedSize: number;
  size: number;
  externalAttributes: number;
  /** Unix mode from the external attributes (0 when the creator was not Unix) */
  mode: number;
  localHeaderOffset: number;
}

export interface ZipDirectory {
  path: string;
  /** bytes of the zip file */
  size: number;
  /** in central-directory order */
  entries: ZipEntry[];
}

const EOCD_SIGNATURE = 0x06054b50;
const CENTRAL_SIGNATURE = 0x02014b50;
const EOCD_SIZE = 22;
const ZIP64_LOCATOR_SIGNATURE = 0x07064b50;
const ZIP64_LOCATOR_SIZE = 20;
const ZIP64_RECORD_SIGNATURE = 0x06064b50;
const ZIP64_RECORD_SIZE = 56;
const MAX_COMMENT = 0xffff;
const FLAG_ENCRYPTED = 1;

async function readAt(handle: FileHandle, position: number, length: number): Promise<Buffer> {
  const buffer = Buffer.allocUnsafe(length);
  let done = 0;
  while (done < length) {
    const { bytesRead } = await handle.read(buffer, done, length - done, position + done);
    if (bytesRead === 0) throw new Error(`unexpected end of file at byte ${position + done}`);
    done += bytesRead;
  }
  return buffer;
}

/** The zip's directory, read from the file: the tail and the central directory only. */
export async function readZipDirectory(file: string): Promise<ZipDirectory> {
  const fd = openSync(file, "r");
  try {
    const { size } = fstatSync(fd);
    return {
      path: file,
      size,
      entries: readEntries(file, size, (position, length) => readSyncAt(fd, position, length)),
    };
  } finally {
    closeSync(fd);
  }
}

/** The same for a zip already in memory (an upload, a test's fixture); `label` names it in errors. */
export function zipDirectoryOf(data: Buffer, label = "zip"): ZipDirectory {
  const readAt = (position: number, length: number) => {
    if (position < 0 || position + length > data.length)
      throw new Error(`unexpected end of file at byte ${data.length}`);
    return data.subarray(position, position + length);
  };
  return { path: label, size: data.length, entries: readEntries(label, data.length, readAt) };
}

function readSyncAt(fd: number, position: number, length: number): Buffer {
  const buffer = Buffer.allocUnsafe(length);
  let done = 0;
  while (done < length) {
    const bytesRead = readSync(fd, buffer, done, length - done, position + done);
    if (bytesRead === 0) throw new Error(`unexpected end of file at byte ${position + done}`);
    done += bytesRead;
  }
  return buffer;
}

/**
 * The central directory, bounded by what the file holds: every offset and count is checked
 * against the file's size before anything is read or allocated.
 */
function readEntries(label: string, size: number, readAt: (position: number, length: number) => Buffer): ZipEntry[] {
  const fail = (why: string): never => {
    throw new Error(`${label} is not a zip this reader handles: ${why}`);
  };
  if (size < EOCD_SIZE) fail("too short");
  const tailLength = Math.min(size, EOCD_SIZE + MAX_COMMENT);
  const tail = readAt(size - tailLength, tailLength);
  let eocd = -1;
  for (let i = tailLength - EOCD_SIZE; i >= 0; i--) {
    if (tail.readUInt32LE(i) === EOCD_SIGNATURE && i + EOCD_SIZE + tail.readUInt16LE(i + 20) === tailLength) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) fail("no end-of-central-directory record");
  let count = tail.readUInt16LE(eocd + 10);
  let cdSize = tail.readUInt32LE(eocd + 12);
  let cdOffset = tail.readUInt32LE(eocd + 16);
  // the directory ends where the ZIP64 end record starts, when there is one
  let cdEnd = size - tailLength + eocd;
  if (eocd >= ZIP64_LOCATOR_SIZE && tail.readUInt32LE(eocd - ZIP64_LOCATOR_SIZE) === ZIP64_LOCATOR_SIGNATURE) {
    const recordOffset = Number(tail.readBigUInt64LE(eocd - ZIP64_LOCATOR_SIZE + 8));
    if (recordOffset + ZIP64_RECORD_SIZE > cdEnd) fail("the ZIP64 end record lies outside the file");
    const record = readAt(recordOffset, ZIP64_RECORD_SIZE);
    if (record.readUInt32LE(0) !== ZIP64_RECORD_SIGNATURE) fail("no ZIP64 end record where its locator points");
    count = Number(record.readBigUInt64LE(32));
    cdSize = Number(record.readBigUInt64LE(40));
    cdOffset = Number(record.readBigUInt64LE(48));
    cdEnd = recordOffset;
  } else if (count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) fail("ZIP64 without its end record");
  if (cdOffset + cdSize > cdEnd) fail("the central directory lies outside the file");
  // each entry takes at least 46 bytes of it: a count beyond that is a lie, not an allocation
  if (count * 46 > cdSize) fail(`${count} entries cannot fit a central directory of ${cdSize} bytes`);
  const cd = readAt(cdOffset, cdSize);
  const entries: ZipEntry[] = [];
  let p = 0;
  for (let i = 0; i < count; i++) {
    if (p + 46 > cd.length || cd.readUInt32LE(p) !== CENTRAL_SIGNATURE) fail(`bad central header ${i}`);
    const nameLength = cd.readUInt16LE(p + 28);
    const extraLength = cd.readUInt16LE(p + 30);
    const commentLength = cd.readUInt16LE(p + 32);
    const madeBy = cd.readUInt16LE(p + 4) >> 8;
    const externalAttributes = cd.readUInt32LE(p + 38);
    const entry: ZipEntry = {
      name: cd.toString("utf8", p + 46, p + 46 + nameLength),
      madeBy,
      flags: cd.readUInt16LE(p + 8),
      method: cd.readUInt16LE(p + 10),
      dosTime: cd.readUInt16LE(p + 12),
      dosDate: cd.readUInt16LE(p + 14),
      crc: cd.readUInt32LE(p + 16),
      compressedSize: cd.readUInt32LE(p + 20),
      size: cd.readUInt32LE(p + 24),
      externalAttributes,
      mode: madeBy === 3 ? externalAttributes >>> 16 : 0,
      localHeaderOffset: cd.readUInt32LE(p + 42),
    };
    if ([entry.size, entry.compressedSize, entry.localHeaderOffset].includes(0xffffffff)) {
      fail(`${entry.name} needs ZIP64 sizes (4 GiB or more)`);
    }
    entries.push(entry);
    p += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

/**
 * The stored bytes of entries, read with large sequential reads into one reused
 * buffer: copying a whole zip entry by entry costs a few dozen reads, not one per
 * entry, and leaves no garbage behind. A read's bytes are a view of that buffer, good
 * until the next read: copy them first. Entries should be asked for in file order;
 * any order works.
 */
/** An entry whose bytes do not inflate to what the central directory declares. */
export class ZipEntryCorrupt extends Error {
  constructor(
    readonly entry: ZipEntry,
    /** what is wrong, to follow the entry's name */
    readonly problem: string,
  ) {
    super(`${entry.name} ${problem}`);
  }
}

/**
 * An entry's bytes from its stored data (what EntryReader.read returns), inflated no
 * further than the declared size, so a bomb stops there, and checked against that size
 * and the CRC-32.
 */
export function inflateEntry(entry: ZipEntry, stored: Buffer): Buffer {
  const data = inflateWithin(stored, entry.method, entry.size, entry.crc, { inflateRawSync, crc32 });
  if (typeof data === "string") throw new ZipEntryCorrupt(entry, data);
  return data;
}

/**
 * inflateEntry's work: the bytes, or what is wrong with them (to follow the entry's name).
 * Kept free of outside names: the inflate workers (inflate.ts) also run it as source text.
 */
export function inflateWithin(
  stored: Buffer,
  method: number,
  size: number,
  crc: number,
  zlib: { inflateRawSync: typeof inflateRawSync; crc32: typeof crc32 },
): Buffer | string {
  let data: Buffer;
  try {
    data = method === 0 ? Buffer.from(stored) : zlib.inflateRawSync(stored, { maxOutputLength: Math.max(size, 1) });
  } catch (error) {
    return `does not inflate to its size: ${(error as Error).message}`;
  }
  if (data.length !== size || zlib.crc32(data) >>> 0 !== crc >>> 0) return "does not match its size or CRC";
  return data;
}

/**
 * Where an entry's stored bytes start, from its local header (30 bytes at `at` in `header`),
 * or what is wrong (to follow the entry's name): no header where the directory points, or
 * data running past the end of the file. Kept free of outside names: the inflate workers
 * (inflate.ts) also run it as source text.
 */
export function storedDataStart(
  header: Buffer,
  at: number,
  localHeaderOffset: number,
  compressedSize: number,
  fileSize: number,
): number | string {
  if (header.readUInt32LE(at) !== 0x04034b50) return "has no local header where its directory entry points";
  const start = localHeaderOffset + 30 + header.readUInt16LE(at + 26) + header.readUInt16LE(at + 28);
  if (start + compressedSize > fileSize) return "runs past the end of the file";
  return start;
}

/** What makes an entry unreadable here (encrypted, or compressed other than stored or deflated), or undefined. */
export function entryProblem(entry: ZipEntry): string | undefined {
  if (entry.flags & FLAG_ENCRYPTED) return `${entry.name} is encrypted`;
  if (entry.method !== 0 && entry.method !== 8) return `${entry.name} uses compression method ${entry.method}`;
  return undefined;
}

export class EntryReader {
  private handle: Promise<FileHandle> | undefined;
  private buffer: Buffer | undefined;
  private windowStart = 0;
  private windowLength = 0;

  constructor(
    readonly directory: ZipDirectory,
    private readonly chunkSize = 4 * 1024 * 1024,
  ) {}

  /** the entry's data exactly as stored in the zip (compressed when method is 8), until the next read */
  async read(entry: ZipEntry): Promise<Buffer> {
    const problem = entryProblem(entry);
    if (problem) throw new Error(`${this.directory.path}: ${problem}`);
    const [header, at] = await this.locate(entry.localHeaderOffset, 30);
    const start = storedDataStart(header, at, entry.localHeaderOffset, entry.compressedSize, this.directory.size);
    if (typeof start === "string") throw new Error(`${this.directory.path}: ${entry.name} ${start}`);
    const [data, offset] = await this.locate(start, entry.compressedSize);
    return data.subarray(offset, offset + entry.compressedSize);
  }

  /** A buffer holding the bytes, and where they start in it. */
  private async locate(position: number, length: number): Promise<[Buffer, number]> {
    const inWindow = position >= this.windowStart && position + length <= this.windowStart + this.windowLength;
    if (this.buffer && inWindow) return [this.buffer, position - this.windowStart];
    this.handle ??= open(this.directory.path, "r");
    const handle = await this.handle;
    // bigger than the window: a buffer of its own (a large shared object, now and then)
    if (length > this.chunkSize / 2) return [await readAt(handle, position, length), 0];
    // the window moves to start here, so the entry (header and data) is in it whole
    this.buffer ??= Buffer.allocUnsafe(this.chunkSize);
    const wanted = Math.min(this.chunkSize, this.directory.size - position);
    let done = 0;
    while (done < wanted) {
      const { bytesRead } = await handle.read(this.buffer, done, wanted - done, position + done);
      if (bytesRead === 0) break;
      done += bytesRead;
    }
    this.windowStart = position;
    this.windowLength = done;
    if (done < length) throw new Error(`${this.directory.path}: unexpected end of file at byte ${position + done}`);
    return [this.buffer, 0];
  }

  /** Drops the read window (the file stays open): a writer copying from many zips keeps few windows. */
  release(): void {
    this.buffer = undefined;
    this.windowLength = 0;
  }

  async close(): Promise<void> {
    const handle = this.handle;
    this.handle = undefined;
    this.buffer = undefined;
    if (handle) await (await handle).close();
  }
}
