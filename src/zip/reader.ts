/**
 * Reads a zip's central directory (directory.ts: only as Python's zipfile reads it), and
 * an entry's stored (still compressed) bytes, so the writer can copy entries from one zip
 * into another without inflating and deflating them again. No encryption, stored or
 * deflated; ZIP64 for the entry count (the writer's zips), not for entries of 4 GiB (which
 * none of Lambda's can hold).
 */
import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import { type FileHandle, open } from "node:fs/promises";
import { crc32, inflateRawSync } from "node:zlib";
import { readEntries, type ZipEntry } from "./directory.ts";

export type { ZipEntry } from "./directory.ts";

export interface ZipDirectory {
  path: string;
  /** bytes of the zip file */
  size: number;
  /** in central-directory order */
  entries: ZipEntry[];
}

const FLAG_ENCRYPTED = 1;

/** Reads `length` bytes at `position` into the start of `buffer`, or fewer at the end of the file: the count read. */
async function readInto(handle: FileHandle, buffer: Buffer, length: number, position: number): Promise<number> {
  let done = 0;
  while (done < length) {
    const { bytesRead } = await handle.read(buffer, done, length - done, position + done);
    if (bytesRead === 0) break;
    done += bytesRead;
  }
  return done;
}

async function readAt(handle: FileHandle, position: number, length: number): Promise<Buffer> {
  const buffer = Buffer.allocUnsafe(length);
  const done = await readInto(handle, buffer, length, position);
  if (done < length) throw new Error(`unexpected end of file at byte ${position + done}`);
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
    // one output buffer of the declared size (and a byte to spare, so zlib needs no second):
    // inflating in 16 KB chunks and joining them would leave twice the member as garbage
    const chunkSize = Math.min(Math.max(size + 1, 64), 64 * 1024 * 1024);
    data =
      method === 0
        ? Buffer.from(stored)
        : zlib.inflateRawSync(stored, { maxOutputLength: Math.max(size, 1), chunkSize });
  } catch (error) {
    return `does not inflate to its size: ${(error as Error).message}`;
  }
  if (data.length !== size || zlib.crc32(data) >>> 0 !== crc >>> 0) return "does not match its size or CRC";
  return data;
}

/** What storedDataStart needs of an entry (what the inflate workers are sent). */
export interface LocalHeaderCheck {
  localHeaderOffset: number;
  compressedSize: number;
  flags: number;
  nameBytes: Uint8Array;
  dataLimit: number;
}

/** Bytes of an entry's local header up to and with its name: what storedDataStart reads. */
export const localHeaderLength = (entry: { nameBytes: Uint8Array }) => 30 + entry.nameBytes.length;

/**
 * Where an entry's stored bytes start, from its local header (localHeaderLength bytes at `at`
 * in `header`), or what is wrong (to follow the entry's name). As zipfile's open: a signature,
 * the directory's name (the same bytes, the same UTF-8 flag: zipfile refuses names that
 * differ), data skipping the local extra field; and data within the entry's limit (CPython 3.13
 * refuses overlapping entries) and the file. Kept free of outside names: the inflate workers
 * (inflate.ts) also run it as source text.
 */
export function storedDataStart(
  header: Uint8Array,
  at: number,
  entry: LocalHeaderCheck,
  fileSize: number,
): number | string {
  const view = new DataView(header.buffer, header.byteOffset + at, 30);
  if (view.getUint32(0, true) !== 0x04034b50) return "has no local header where its directory entry points";
  const name = entry.nameBytes;
  let sameName = view.getUint16(26, true) === name.length && ((view.getUint16(6, true) ^ entry.flags) & 0x800) === 0;
  for (let i = 0; sameName && i < name.length; i++) sameName = header[at + 30 + i] === name[i];
  if (!sameName) return "has another name (or name encoding) in its local header than in the directory";
  const start = entry.localHeaderOffset + 30 + name.length + view.getUint16(28, true);
  const end = start + entry.compressedSize;
  if (end > entry.dataLimit) return "overlaps the next member or the directory";
  if (end > fileSize) return "runs past the end of the file";
  return start;
}

/** What makes an entry unreadable here (encrypted, or compressed other than stored or deflated), or undefined. */
export function entryProblem(entry: ZipEntry): string | undefined {
  if (entry.flags & FLAG_ENCRYPTED) return `${entry.name} is encrypted`;
  if (entry.method !== 0 && entry.method !== 8) return `${entry.name} uses compression method ${entry.method}`;
  return undefined;
}

/**
 * Read windows handed from reader to reader: a writer copying from fifty wheels moves a
 * window to the next wheel instead of leaving the old one for the collector. 1 MB each:
 * bench/ copied the 85 MB dependency zip as fast as with 4 MB windows, and peaked 10 MB lower.
 */
export class WindowPool {
  private readonly free: Buffer[] = [];
  /** windows made so far: at most one more than the readers holding one at once */
  allocated = 0;
  constructor(readonly size = 1024 * 1024) {}

  take(): Buffer {
    const reused = this.free.pop();
    if (reused) return reused;
    this.allocated++;
    return Buffer.allocUnsafe(this.size);
  }

  give(buffer: Buffer): void {
    if (buffer.length === this.size) this.free.push(buffer);
  }
}

export class EntryReader {
  private handle: Promise<FileHandle> | undefined;
  private buffer: Buffer | undefined;
  private windowStart = 0;
  private windowLength = 0;

  constructor(
    readonly directory: ZipDirectory,
    private readonly windows = new WindowPool(),
  ) {}

  private get chunkSize(): number {
    return this.windows.size;
  }

  /** the entry's data exactly as stored in the zip (compressed when method is 8), until the next read */
  async read(entry: ZipEntry): Promise<Buffer> {
    const start = await this.dataStart(entry);
    const [data, offset] = await this.locate(start, entry.compressedSize);
    return data.subarray(offset, offset + entry.compressedSize);
  }

  /**
   * The entry's stored data handed to `sink` in pieces of at most a window, each valid until
   * `sink` settles: a large shared object is copied through the window, not read whole.
   */
  async copy(entry: ZipEntry, sink: (piece: Buffer) => Promise<void>): Promise<void> {
    const start = await this.dataStart(entry);
    if (entry.compressedSize <= this.chunkSize / 2) {
      const [data, offset] = await this.locate(start, entry.compressedSize);
      return sink(data.subarray(offset, offset + entry.compressedSize));
    }
    const handle = await this.open();
    this.buffer ??= this.windows.take();
    // the window is overwritten piece by piece: it no longer holds what it held
    this.windowLength = 0;
    for (let done = 0; done < entry.compressedSize; ) {
      const want = Math.min(this.chunkSize, entry.compressedSize - done);
      const got = await readInto(handle, this.buffer, want, start + done);
      if (got < want) throw new Error(`${this.directory.path}: unexpected end of file at byte ${start + done + got}`);
      await sink(this.buffer.subarray(0, want));
      done += want;
    }
  }

  private async dataStart(entry: ZipEntry): Promise<number> {
    const problem = entryProblem(entry);
    if (problem) throw new Error(`${this.directory.path}: ${problem}`);
    const [header, at] = await this.locate(entry.localHeaderOffset, localHeaderLength(entry));
    const start = storedDataStart(header, at, entry, this.directory.size);
    if (typeof start === "string") throw new Error(`${this.directory.path}: ${entry.name} ${start}`);
    return start;
  }

  private open(): Promise<FileHandle> {
    this.handle ??= open(this.directory.path, "r");
    return this.handle;
  }

  /** A buffer holding the bytes, and where they start in it. */
  private async locate(position: number, length: number): Promise<[Buffer, number]> {
    const inWindow = position >= this.windowStart && position + length <= this.windowStart + this.windowLength;
    if (this.buffer && inWindow) return [this.buffer, position - this.windowStart];
    const handle = await this.open();
    // bigger than the window: a buffer of its own (a large shared object, now and then)
    if (length > this.chunkSize / 2) return [await readAt(handle, position, length), 0];
    // the window moves to start here, so the entry (header and data) is in it whole
    this.buffer ??= this.windows.take();
    const done = await readInto(
      handle,
      this.buffer,
      Math.min(this.chunkSize, this.directory.size - position),
      position,
    );
    this.windowStart = position;
    this.windowLength = done;
    if (done < length) throw new Error(`${this.directory.path}: unexpected end of file at byte ${position + done}`);
    return [this.buffer, 0];
  }

  /** Drops the read window (the file stays open): a writer copying from many zips keeps few windows. */
  release(): void {
    if (this.buffer) this.windows.give(this.buffer);
    this.buffer = undefined;
    this.windowLength = 0;
  }

  async close(): Promise<void> {
    const handle = this.handle;
    this.handle = undefined;
    this.release();
    if (handle) await (await handle).close();
  }
}
