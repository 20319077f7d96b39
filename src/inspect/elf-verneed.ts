/**
 * The symbol-version requirements (`.gnu.version_r`, Elf_Verneed): the chain of entries
 * walked with bounded work, and their names read from the linked string table in blocks.
 * elf.ts finds the tables; this file reads them.
 */
import { type ByteReader, Truncated, type View } from "./elf-bytes.ts";

/** a library or version name longer than this is garbage (real ones are under 100 bytes) */
const MAX_NAME_BYTES = 4096;
/** the string table is read in blocks of this size, only where the names are */
const STRING_BLOCK = 4096;
/** bytes of string table read, and of names kept, per file: real files need a few KB of each */
const MAX_STRING_READ = 4 * 1024 * 1024;
const MAX_NAMES_TOTAL = 1024 * 1024;
/** version-needs entries (files and versions together) per file: real files have a few dozen */
const MAX_ENTRIES = 65536;
/** entries in the version-needs table are 16 bytes in both classes */
const ENTRY = 16;

export interface VersionNeed {
  /** the library the versions are needed from, e.g. libc.so.6 */
  file: string;
  /** version names, e.g. GLIBC_2.14, GLIBC_2.2.5 */
  versions: string[];
}

export interface VersionTables {
  verneed: View;
  count: number;
  strtab: StringTable;
}

export interface NeedOffsets {
  /** string-table offsets: the file name, and its version names */
  file: number;
  versions: number[];
}

/**
 * Walks the Elf_Verneed chain and each entry's Elf_Vernaux chain (same layout in both
 * classes). The links are relative offsets a hostile file can aim anywhere, so every
 * entry claims its 16 bytes of the table and two entries may never share one: a
 * well-formed table never overlaps, and a chain that loops, or two entries pointing
 * at one aux chain (which made the work the product of the two counts), stops at the
 * first shared byte. Total work is therefore at most one entry per 16 bytes of table.
 */
export function walkVerneed(table: View, count: number): NeedOffsets[] {
  const len = table.bytes.length;
  const claimed = new Uint8Array(len);
  let entries = 0;
  const claim = (at: number, what: string) => {
    if (at + ENTRY > len) throw new Truncated(`.gnu.version_r ${what} lies past the section's end`);
    if (claimed.subarray(at, at + ENTRY).some((b) => b !== 0) || ++entries > MAX_ENTRIES) {
      throw new Truncated(
        `malformed version needs (.gnu.version_r): the ${what} at offset ${at} overlaps another entry (the chain loops or entries share their bytes)`,
      );
    }
    claimed.fill(1, at, at + ENTRY);
  };
  const needs: NeedOffsets[] = [];
  const limit = count > 0 ? Math.min(count, MAX_ENTRIES) : MAX_ENTRIES;
  let at = 0;
  for (let i = 0; i < limit; i++) {
    claim(at, "entry");
    const vnCnt = table.u16(at + 2);
    const need: NeedOffsets = { file: table.u32(at + 4), versions: [] };
    let aux = at + table.u32(at + 8);
    for (let j = 0; j < vnCnt; j++) {
      claim(aux, "auxiliary entry");
      need.versions.push(table.u32(aux + 8));
      const next = table.u32(aux + 12);
      if (next === 0) break;
      aux += next;
    }
    needs.push(need);
    const next = table.u32(at + 12);
    if (next === 0) break;
    at += next;
  }
  return needs;
}

export async function resolveNames(offsets: NeedOffsets[], strtab: StringTable, needs: VersionNeed[]): Promise<void> {
  for (const need of offsets) {
    const resolved: VersionNeed = { file: await strtab.get(need.file), versions: [] };
    for (const v of need.versions) resolved.versions.push(await strtab.get(v));
    needs.push(resolved);
  }
}

/**
 * Names read from the string table at the offsets asked for, in blocks, never the
 * table whole: an 82 MB .dynstr (libtensorflow_cc) costs the few blocks its version
 * names sit in. Each name is at most MAX_NAME_BYTES; the bytes read and the names
 * kept are bounded per file, so a hostile table cannot make the reader slow or big.
 */
export class StringTable {
  private readonly blocks = new Map<number, Uint8Array>();
  private readonly names = new Map<number, string>();
  private readBytes = 0;
  private keptBytes = 0;

  constructor(
    private readonly read: ByteReader,
    private readonly base: number,
    private readonly length: number,
    private readonly what: string,
  ) {}

  async get(offset: number): Promise<string> {
    const known = this.names.get(offset);
    if (known !== undefined) return known;
    if (offset >= this.length) throw new Truncated(`string offset ${offset} lies past the ${this.what}'s end`);
    const parts: Uint8Array[] = [];
    let taken = 0;
    let pos = offset;
    for (;;) {
      const index = Math.floor(pos / STRING_BLOCK);
      const block = await this.block(index);
      const from = pos - index * STRING_BLOCK;
      const nul = block.indexOf(0, from);
      const piece = block.subarray(from, nul < 0 ? block.length : nul);
      parts.push(piece);
      taken += piece.length;
      if (taken > MAX_NAME_BYTES) {
        throw new Truncated(
          `malformed ${this.what}: the name at offset ${offset} is longer than ${MAX_NAME_BYTES} bytes`,
        );
      }
      if (nul >= 0) break;
      if (block.length < STRING_BLOCK) throw new Truncated(`unterminated string in the ${this.what}`);
      pos = (index + 1) * STRING_BLOCK;
    }
    this.keptBytes += taken;
    if (this.keptBytes > MAX_NAMES_TOTAL) {
      throw new Truncated(`malformed ${this.what}: the version names add up to more than ${MAX_NAMES_TOTAL} bytes`);
    }
    const name = Buffer.concat(parts).toString("latin1");
    this.names.set(offset, name);
    return name;
  }

  private async block(index: number): Promise<Uint8Array> {
    const cached = this.blocks.get(index);
    if (cached) return cached;
    const start = index * STRING_BLOCK;
    const length = Math.min(STRING_BLOCK, this.length - start);
    this.readBytes += length;
    if (this.readBytes > MAX_STRING_READ) {
      throw new Truncated(`malformed ${this.what}: its names are spread over more than ${MAX_STRING_READ} bytes`);
    }
    const bytes = await this.read(this.base + start, length);
    if (bytes.length < length) throw new Truncated(`${this.what} is truncated`);
    // a copy: an in-memory reader hands out views of the whole file
    const block = new Uint8Array(bytes);
    this.blocks.set(index, block);
    return block;
  }
}
