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
  /** as zipfile decodes it: UTF-8 with flag bit 11, else code page 437 */
  name: string;
  /** the name's bytes as the directory holds them (the local header must hold the same) */
  nameBytes: Buffer;
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
  /** where the member's data must end: the next local header in file order, or the directory */
  dataLimit: number;
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
const CENTRAL_SIZE = 46;
const ZIP64_LOCATOR_SIGNATURE = 0x07064b50;
const ZIP64_LOCATOR_SIZE = 20;
const ZIP64_RECORD_SIGNATURE = 0x06064b50;
const ZIP64_RECORD_SIZE = 56;
const FLAG_ENCRYPTED = 1;
const FLAG_UTF8 = 0x800;

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
 * against the file's size before anything is read or allocated. A zip is read only when
 * Python's zipfile (what pip unpacks wheels with) necessarily reads the same members: every
 * rule by which the two could differ is checked here (and, for a member's local header, in
 * storedDataStart); a zip that fails one is refused, and a wheel refused here goes to pip.
 * docs/internals.md lists the rules.
 */
function readEntries(label: string, size: number, readAt: (position: number, length: number) => Buffer): ZipEntry[] {
  const fail = (why: string): never => {
    throw new Error(`${label} is not a zip this reader handles: ${why}`);
  };
  if (size < EOCD_SIZE) fail("too short");
  const tailStart = Math.max(size - ZIPFILE_TAIL, 0);
  const tail = readAt(tailStart, size - tailStart);
  const eocd = zipfileEndRecord(tail) ?? fail("no end-of-central-directory record (zipfile finds none either)");
  if (eocd + EOCD_SIZE + tail.readUInt16LE(eocd + 20) !== tail.length) {
    fail("the end record's comment does not end the file (zipfile would read it, by other rules than this reader)");
  }
  const end = eocdFields(tail, eocd, tailStart + eocd, readAt, fail);
  const { count, cdSize, cdOffset, cdEnd } = end;
  // zipfile reads the directory at cdOffset shifted by whatever lies before the archive
  // ("concat"): only a directory ending exactly where the end records start has no shift
  if (cdOffset + cdSize !== cdEnd) fail("the central directory does not end where the end record starts");
  // each entry takes at least 46 bytes of it: a count beyond that is a lie, not an allocation
  if (count * CENTRAL_SIZE > cdSize) fail(`${count} entries cannot fit a central directory of ${cdSize} bytes`);
  const cd = readAt(cdOffset, cdSize);
  const entries: ZipEntry[] = [];
  // zipfile reads entries while the directory has bytes left, whatever the count says
  for (let p = 0; p < cd.length; ) {
    const entry = centralEntry(cd, p, entries.length, fail);
    entries.push(entry.entry);
    p = entry.next;
  }
  if (entries.length !== count) fail(`the end record counts ${count} entries, the directory holds ${entries.length}`);
  setDataLimits(entries, cdOffset);
  return entries;
}

/** zipfile's search: the last 64 KiB + 22 bytes it reads for the end record. */
const ZIPFILE_TAIL = 0x10000 + EOCD_SIZE;

/**
 * Where zipfile's _EndRecData takes the end record in `tail` (the file's last bytes): the
 * last 22 bytes when they are one with an empty comment, else the last signature found,
 * which must have 22 bytes after it. Undefined when zipfile finds none.
 */
export function zipfileEndRecord(tail: Buffer): number | undefined {
  const last = tail.length - EOCD_SIZE;
  if (last >= 0 && tail.readUInt32LE(last) === EOCD_SIGNATURE && tail.readUInt16LE(last + 20) === 0) return last;
  const at = tail.lastIndexOf(EOCD_BYTES);
  if (at < 0 || at + EOCD_SIZE > tail.length) return undefined;
  return at;
}

const EOCD_BYTES = Buffer.from([0x50, 0x4b, 0x05, 0x06]);

/**
 * The end record's directory fields, from the ZIP64 end record when a locator precedes it.
 * zipfile reads a ZIP64 record only right before its locator (whatever the locator's pointer
 * says) and falls back to the classic fields when none is there: a locator is accepted only
 * when its record is exactly there, on disk 0 of one.
 */
function eocdFields(
  tail: Buffer,
  eocd: number,
  eocdOffset: number,
  readAt: (position: number, length: number) => Buffer,
  fail: (why: string) => never,
): { count: number; cdSize: number; cdOffset: number; cdEnd: number } {
  const disk = tail.readUInt16LE(eocd + 4);
  const directoryDisk = tail.readUInt16LE(eocd + 6);
  const thisDisk = tail.readUInt16LE(eocd + 8);
  const count = tail.readUInt16LE(eocd + 10);
  if (disk !== 0 || directoryDisk !== 0 || thisDisk !== count) fail("it spans several disks");
  const cdSize = tail.readUInt32LE(eocd + 12);
  const cdOffset = tail.readUInt32LE(eocd + 16);
  const locatorAt = eocdOffset - ZIP64_LOCATOR_SIZE;
  if (locatorAt < 0 || readAt(locatorAt, 4).readUInt32LE(0) !== ZIP64_LOCATOR_SIGNATURE) {
    if (count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) fail("ZIP64 without its end record");
    return { count, cdSize, cdOffset, cdEnd: eocdOffset };
  }
  const recordAt = locatorAt - ZIP64_RECORD_SIZE;
  const locator = readAt(locatorAt, ZIP64_LOCATOR_SIZE);
  if (recordAt < 0 || Number(locator.readBigUInt64LE(8)) !== recordAt) {
    fail("its ZIP64 locator does not point at the record right before it");
  }
  if (locator.readUInt32LE(4) !== 0 || locator.readUInt32LE(16) > 1) fail("it spans several disks");
  const record = readAt(recordAt, ZIP64_RECORD_SIZE);
  if (record.readUInt32LE(0) !== ZIP64_RECORD_SIGNATURE) fail("no ZIP64 end record where its locator points");
  if (record.readUInt32LE(16) !== 0 || record.readUInt32LE(20) !== 0) fail("it spans several disks");
  const entries = record.readBigUInt64LE(32);
  if (record.readBigUInt64LE(24) !== entries) fail("it spans several disks");
  return {
    count: Number(entries),
    cdSize: Number(record.readBigUInt64LE(40)),
    cdOffset: Number(record.readBigUInt64LE(48)),
    cdEnd: recordAt,
  };
}

/** General-purpose flag bits read the same by both: deflate options (1, 2), data descriptor (3), UTF-8 names (11). */
const KNOWN_FLAGS = 0x2 | 0x4 | 0x8 | FLAG_UTF8;
/** zipfile refuses a "version needed" (its low byte) above 6.3 */
const MAX_EXTRACT_VERSION = 63;
const UTF8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/** One central-directory entry at `p`, held to the rules by which zipfile could read it otherwise. */
function centralEntry(
  cd: Buffer,
  p: number,
  index: number,
  fail: (why: string) => never,
): { entry: ZipEntry; next: number } {
  if (p + CENTRAL_SIZE > cd.length || cd.readUInt32LE(p) !== CENTRAL_SIGNATURE) fail(`bad central header ${index}`);
  const nameLength = cd.readUInt16LE(p + 28);
  const extraLength = cd.readUInt16LE(p + 30);
  const commentLength = cd.readUInt16LE(p + 32);
  const next = p + CENTRAL_SIZE + nameLength + extraLength + commentLength;
  if (next > cd.length) fail(`central header ${index} runs past the directory`);
  const nameBytes = cd.subarray(p + CENTRAL_SIZE, p + CENTRAL_SIZE + nameLength);
  const flags = cd.readUInt16LE(p + 8);
  const name = decodeName(nameBytes, flags);
  const at = `entry ${index} (${JSON.stringify(name ?? nameBytes.toString("latin1"))})`;
  if (name === undefined) fail(`${at} is flagged UTF-8 but its name is not`);
  // zipfile cuts a name at its first NUL: the name pip would see is another
  if (nameBytes.includes(0)) fail(`${at} has a NUL in its name`);
  if (flags & ~KNOWN_FLAGS) fail(`${at} sets general-purpose flags ${(flags & ~KNOWN_FLAGS).toString(16)}`);
  if (cd[p + 6]! > MAX_EXTRACT_VERSION) fail(`${at} needs zip version ${cd[p + 6]! / 10}`);
  const extraProblem = centralExtraProblem(
    cd.subarray(p + CENTRAL_SIZE + nameLength, p + CENTRAL_SIZE + nameLength + extraLength),
  );
  if (extraProblem) fail(`${at} ${extraProblem}`);
  const madeBy = cd.readUInt16LE(p + 4) >> 8;
  const externalAttributes = cd.readUInt32LE(p + 38);
  const entry: ZipEntry = {
    name,
    nameBytes,
    madeBy,
    flags,
    method: cd.readUInt16LE(p + 10),
    dosTime: cd.readUInt16LE(p + 12),
    dosDate: cd.readUInt16LE(p + 14),
    crc: cd.readUInt32LE(p + 16),
    compressedSize: cd.readUInt32LE(p + 20),
    size: cd.readUInt32LE(p + 24),
    externalAttributes,
    mode: madeBy === 3 ? externalAttributes >>> 16 : 0,
    localHeaderOffset: cd.readUInt32LE(p + 42),
    dataLimit: 0,
  };
  if ([entry.size, entry.compressedSize, entry.localHeaderOffset].includes(0xffffffff)) {
    fail(`${entry.name} needs ZIP64 sizes (4 GiB or more)`);
  }
  return { entry, next };
}

/**
 * A name as zipfile decodes it: UTF-8 (strictly, a leading BOM kept) when flag bit 11 is set,
 * else code page 437. Undefined when the flag is set and the bytes are not UTF-8 (zipfile raises).
 */
export function decodeName(bytes: Uint8Array, flags: number): string | undefined {
  if (flags & FLAG_UTF8) {
    try {
      return UTF8.decode(bytes);
    } catch {
      return undefined;
    }
  }
  let ascii = true;
  for (const b of bytes) if (b >= 0x80) ascii = false;
  if (ascii) return Buffer.from(bytes).toString("latin1");
  return Array.from(bytes, (b) => (b < 0x80 ? String.fromCharCode(b) : CP437_HIGH[b - 0x80]!)).join("");
}

const CP437_HIGH =
  "ÇüéâäàåçêëèïîìÄÅÉæÆôöòûùÿÖÜ¢£¥₧ƒáíóúñÑªº¿⌐¬½¼¡«»░▒▓│┤╡╢╖╕╣║╗╝╜╛┐└┴┬├─┼╞╟╚╔╩╦╠═╬╧╨╤╥╙╘╒╓╫╪┘┌█▄▌▐▀αßΓπΣσµτΦΘΩδ∞φε∩≡±≥≤⌠⌡÷≈°∙·√ⁿ²■\u00a0";

/**
 * What zipfile refuses or reads otherwise in an entry's extra field: a field running past
 * the end (BadZipFile), and a Unicode Path field (0x7075), which CPython 3.12 and later take
 * as the member's name.
 */
function centralExtraProblem(extra: Buffer): string | undefined {
  for (let p = 0; p + 4 <= extra.length; ) {
    const id = extra.readUInt16LE(p);
    const length = extra.readUInt16LE(p + 2);
    if (p + 4 + length > extra.length) return `has an extra field (${id.toString(16)}) running past its end`;
    if (id === 0x7075) return "has a Unicode Path extra field (newer Pythons name the member by it)";
    p += 4 + length;
  }
  return undefined;
}

/**
 * zipfile's bound on each member's data (CPython 3.13 refuses "overlapped entries" past it):
 * the next local header in file order, or the central directory for the last. Two entries
 * at one offset: the first gets its own offset, which no data fits.
 */
function setDataLimits(entries: ZipEntry[], cdOffset: number): void {
  const byOffset = [...entries].sort((a, b) => a.localHeaderOffset - b.localHeaderOffset);
  for (let i = 0; i < byOffset.length; i++) {
    byOffset[i]!.dataLimit = byOffset[i + 1]?.localHeaderOffset ?? cdOffset;
  }
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
    if (entry.flags & FLAG_ENCRYPTED) throw new Error(`${this.directory.path}: ${entry.name} is encrypted`);
    if (entry.method !== 0 && entry.method !== 8) {
      throw new Error(`${this.directory.path}: ${entry.name} uses compression method ${entry.method}`);
    }
    const [header, at] = await this.locate(entry.localHeaderOffset, localHeaderLength(entry));
    const start = storedDataStart(header, at, entry, this.directory.size);
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
