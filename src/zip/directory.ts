/**
 * A zip's central directory, read as Python's zipfile reads it, or refused: the end record
 * zipfile takes, the ZIP64 record where zipfile looks for it, every directory entry, names
 * decoded as zipfile decodes them, and nothing zipfile reads otherwise or stops at (the
 * rules, each with its test, are in docs/internals.md). Each member's local header is
 * checked where it is read (reader.ts, storedDataStart).
 */

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

const EOCD_SIGNATURE = 0x06054b50;
const CENTRAL_SIGNATURE = 0x02014b50;
const EOCD_SIZE = 22;
const CENTRAL_SIZE = 46;
const ZIP64_LOCATOR_SIGNATURE = 0x07064b50;
const ZIP64_LOCATOR_SIZE = 20;
const ZIP64_RECORD_SIGNATURE = 0x06064b50;
const ZIP64_RECORD_SIZE = 56;
const FLAG_UTF8 = 0x800;

/**
 * The central directory, bounded by what the file holds: every offset and count is checked
 * against the file's size before anything is read or allocated. A zip is read only when
 * Python's zipfile (what pip unpacks wheels with) necessarily reads the same members: every
 * rule by which the two could differ is checked here (and, for a member's local header, in
 * storedDataStart); a zip that fails one is refused, and a wheel refused here goes to pip.
 * docs/internals.md lists the rules.
 */
export function readEntries(
  label: string,
  size: number,
  readAt: (position: number, length: number) => Buffer,
): ZipEntry[] {
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
 * the next local header in file order, or the central directory for the last. Entries at one
 * offset all get that offset, which no data fits: zipfile bounds one of them so (the later in
 * the directory), and which one it is must not decide whether a member is read.
 */
function setDataLimits(entries: ZipEntry[], cdOffset: number): void {
  const byOffset = [...entries].sort((a, b) => a.localHeaderOffset - b.localHeaderOffset);
  for (let i = 0; i < byOffset.length; i++) {
    const at = byOffset[i]!.localHeaderOffset;
    const shared = byOffset[i - 1]?.localHeaderOffset === at;
    byOffset[i]!.dataLimit = shared ? at : (byOffset[i + 1]?.localHeaderOffset ?? cdOffset);
  }
}
