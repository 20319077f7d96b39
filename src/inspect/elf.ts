/**
 * A small ELF reader of our own: the header (class, byte order, machine) and the
 * symbol-version requirements (`.gnu.version_r`) with their names from the linked
 * string table. It reads only the bytes it needs (header, section table, the version
 * needs, and the blocks of the string table its names sit in) so a 50 MB shared object
 * costs a few small reads, and it never throws on a truncated or garbage file: what it
 * could not read is reported in `problem`. Its work and memory are bounded by the
 * version-needs table's size whatever the offsets in it say (see walkVerneed, elf-verneed.ts).
 *
 * Files stripped of their section headers (sstrip) are read through the program
 * headers instead: PT_DYNAMIC → DT_VERNEED/DT_VERNEEDNUM/DT_STRTAB, mapped to file
 * offsets through the PT_LOAD segments, the way the dynamic loader finds them.
 */

import { open } from "node:fs/promises";
import { compareDotted as compareVersions } from "../target.ts";
import { type ByteReader, handleReader, Truncated, View } from "./elf-bytes.ts";
import { resolveNames, StringTable, type VersionNeed, type VersionTables, walkVerneed } from "./elf-verneed.ts";

export const EM_X86_64 = 62;
export const EM_AARCH64 = 183;

const MACHINE_NAMES: Record<number, string> = {
  3: "x86 (i386, 32-bit)",
  8: "MIPS",
  20: "PowerPC",
  21: "PowerPC64",
  22: "s390x",
  40: "ARM (32-bit)",
  [EM_X86_64]: "x86_64",
  [EM_AARCH64]: "aarch64",
  243: "RISC-V",
  258: "LoongArch",
};

export function machineName(machine: number): string {
  return MACHINE_NAMES[machine] ?? `e_machine ${machine}`;
}

export interface ElfHeader {
  elfClass: 32 | 64;
  littleEndian: boolean;
  /** e_machine: 62 = x86_64, 183 = aarch64 */
  machine: number;
  /** e_type: 2 = executable, 3 = shared object (or PIE) */
  type: number;
}

export interface ElfInfo {
  /** undefined when the identification bytes themselves are unreadable */
  header?: ElfHeader;
  needs: VersionNeed[];
  /** highest GLIBC_x.y required, as "x.y" (e.g. "2.28"); undefined when none is */
  glibc?: string;
  /** highest required version per family: { GLIBC: "2.28", GLIBCXX: "3.4.21", CXXABI: "1.3.9" } */
  highest: Record<string, string>;
  /** what could not be read (truncated or inconsistent file); the fields above hold what could */
  problem?: string;
}

const ELF_MAGIC = [0x7f, 0x45, 0x4c, 0x46];
const SHT_GNU_VERNEED = 0x6ffffffe;
const PT_LOAD = 1;
const PT_DYNAMIC = 2;
const DT_STRTAB = 5;
const DT_STRSZ = 10;
const DT_VERNEED = 0x6ffffffe;
const DT_VERNEEDNUM = 0x6fffffff;
/** sanity bounds: nothing legitimate comes near these */
const MAX_TABLE_BYTES = 4 * 1024 * 1024;

export function hasElfMagic(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && ELF_MAGIC.every((b, i) => bytes[i] === b);
}

/** Reads an ELF file from disk; undefined when the file is not ELF (no magic). */
export async function readElf(file: string): Promise<ElfInfo | undefined> {
  const handle = await open(file, "r");
  try {
    const size = (await handle.stat()).size;
    return await parseElf(handleReader(handle, size), size);
  } finally {
    await handle.close();
  }
}

/** Parses an ELF image held in memory; undefined when it is not ELF. */
export function parseElfBytes(bytes: Uint8Array): Promise<ElfInfo | undefined> {
  return parseElf(async (offset, length) => bytes.subarray(offset, offset + length), bytes.length);
}

export async function parseElf(read: ByteReader, size: number): Promise<ElfInfo | undefined> {
  const ident = await read(0, 64);
  if (!hasElfMagic(ident)) return undefined;
  const info: ElfInfo = { needs: [], highest: {} };
  const cls = ident[4];
  const data = ident[5];
  if (cls !== 1 && cls !== 2) return { ...info, problem: `invalid ELF class byte ${cls ?? "(missing)"}` };
  if (data !== 1 && data !== 2) return { ...info, problem: `invalid ELF byte-order byte ${data ?? "(missing)"}` };
  const is64 = cls === 2;
  const little = data === 1;
  const ehsize = is64 ? 64 : 52;
  if (ident.length < ehsize) return { ...info, problem: `truncated ELF header (${size} bytes)` };
  const h = new View(ident, little);
  info.header = { elfClass: is64 ? 64 : 32, littleEndian: little, machine: h.u16(18), type: h.u16(16) };

  const file = new ElfFile(read, size, is64, little, h);
  try {
    const tables = await file.versionTables();
    if (tables) await resolveNames(walkVerneed(tables.verneed, tables.count), tables.strtab, info.needs);
  } catch (error) {
    if (!(error instanceof Truncated || error instanceof RangeError)) throw error;
    info.problem = error instanceof Truncated ? error.message : "inconsistent offsets (reads past a table's end)";
  }
  summarize(info);
  return info;
}

/** One ELF file's tables, read where its headers point; whatever points outside the file is Truncated. */
class ElfFile {
  constructor(
    private readonly read: ByteReader,
    private readonly size: number,
    private readonly is64: boolean,
    private readonly little: boolean,
    private readonly h: View,
  ) {}

  /** The version needs and their string table, from the section headers, else from the program headers. */
  async versionTables(): Promise<VersionTables | undefined> {
    const { is64, h } = this;
    const shoff = h.word(is64 ? 0x28 : 0x20, is64);
    const shentsize = h.u16(is64 ? 0x3a : 0x2e);
    let shnum = h.u16(is64 ? 0x3c : 0x30);
    if (shoff !== 0) {
      if (shentsize < (is64 ? 64 : 40)) throw new Truncated(`invalid section header size ${shentsize}`);
      if (shnum === 0) {
        // extended numbering: the real count is in section 0's sh_size
        const first = await this.fetch(shoff, shentsize, "section header table");
        shnum = first.word(is64 ? 32 : 20, is64);
      }
      if (shnum * shentsize > MAX_TABLE_BYTES) throw new Truncated(`implausible section count ${shnum}`);
      return this.fromSections(await this.fetch(shoff, shnum * shentsize, "section header table"), shnum, shentsize);
    }
    return this.fromSegments();
  }

  private async fetch(offset: number, length: number, what: string): Promise<View> {
    this.within(offset, length, what);
    const bytes = await this.read(offset, length);
    if (bytes.length < length) throw new Truncated(`${what} is truncated`);
    return new View(bytes, this.little);
  }

  /** Offsets and lengths come from the file: one that points outside it is refused before any read. */
  private within(offset: number, length: number, what: string): void {
    const { size } = this;
    if (!Number.isFinite(offset) || !Number.isFinite(length) || offset < 0 || length < 0 || offset + length > size) {
      throw new Truncated(`${what} lies outside the file (offset ${offset}, ${length} bytes, file ${size} bytes)`);
    }
  }

  /** The string table is only located here: its names are read one by one, where the entries point. */
  private stringTable(offset: number, length: number, what: string): StringTable {
    this.within(offset, length, what);
    return new StringTable(this.read, offset, length, what);
  }

  private async fromSections(table: View, shnum: number, shentsize: number): Promise<VersionTables | undefined> {
    const { is64 } = this;
    for (let i = 0; i < shnum; i++) {
      const at = i * shentsize;
      if (table.u32(at + 4) !== SHT_GNU_VERNEED) continue;
      const offset = table.word(at + (is64 ? 24 : 16), is64);
      const length = table.word(at + (is64 ? 32 : 20), is64);
      const link = table.u32(at + (is64 ? 40 : 24));
      const count = table.u32(at + (is64 ? 44 : 28));
      if (length > MAX_TABLE_BYTES) throw new Truncated(`implausible .gnu.version_r size ${length}`);
      if (link >= shnum) throw new Truncated(`.gnu.version_r links to section ${link} of ${shnum}`);
      const strAt = link * shentsize;
      const strOffset = table.word(strAt + (is64 ? 24 : 16), is64);
      const strLength = table.word(strAt + (is64 ? 32 : 20), is64);
      const verneed = await this.fetch(offset, length, ".gnu.version_r");
      const strtab = this.stringTable(strOffset, strLength, "string table of .gnu.version_r");
      return { verneed, count, strtab };
    }
    return undefined;
  }

  private async fromSegments(): Promise<VersionTables | undefined> {
    const { is64, size, h } = this;
    const phoff = h.word(is64 ? 0x20 : 0x1c, is64);
    const phentsize = h.u16(is64 ? 0x36 : 0x2a);
    const phnum = h.u16(is64 ? 0x38 : 0x2c);
    if (phoff === 0 || phnum === 0) return undefined; // neither table: nothing dynamic to read
    if (phentsize < (is64 ? 56 : 32)) throw new Truncated(`invalid program header size ${phentsize}`);
    const ph = await this.fetch(phoff, phnum * phentsize, "program header table");
    const loads: { vaddr: number; offset: number; filesz: number }[] = [];
    let dynamic: { offset: number; filesz: number } | undefined;
    for (let i = 0; i < phnum; i++) {
      const at = i * phentsize;
      const type = ph.u32(at);
      const offset = ph.word(at + (is64 ? 8 : 4), is64);
      const vaddr = ph.word(at + (is64 ? 16 : 8), is64);
      const filesz = ph.word(at + (is64 ? 32 : 16), is64);
      if (type === PT_LOAD) loads.push({ vaddr, offset, filesz });
      if (type === PT_DYNAMIC) dynamic = { offset, filesz };
    }
    if (!dynamic) return undefined; // statically linked: no version requirements
    if (dynamic.filesz > MAX_TABLE_BYTES) throw new Truncated(`implausible dynamic segment size ${dynamic.filesz}`);
    const dyn = await this.fetch(dynamic.offset, dynamic.filesz, "dynamic segment");
    const entry = is64 ? 16 : 8;
    const values = new Map<number, number>();
    for (let at = 0; at + entry <= dyn.bytes.length; at += entry) {
      const tag = is64 ? dyn.u64(at) : dyn.u32(at);
      if (tag === 0) break;
      values.set(tag, dyn.word(at + entry / 2, is64));
    }
    const verneedAddr = values.get(DT_VERNEED);
    const strAddr = values.get(DT_STRTAB);
    if (verneedAddr === undefined) return undefined;
    if (strAddr === undefined) throw new Truncated("DT_VERNEED without DT_STRTAB");
    const toOffset = (addr: number, what: string): number => {
      const seg = loads.find((s) => addr >= s.vaddr && addr < s.vaddr + s.filesz);
      if (!seg) throw new Truncated(`${what} address 0x${addr.toString(16)} is in no loaded segment`);
      return seg.offset + (addr - seg.vaddr);
    };
    const strOffset = toOffset(strAddr, "DT_STRTAB");
    const strLength = Math.min(values.get(DT_STRSZ) ?? size, size - strOffset);
    const verneedOffset = toOffset(verneedAddr, "DT_VERNEED");
    const count = values.get(DT_VERNEEDNUM) ?? 0;
    // the entries are chained by relative offsets: read what the chain can reach, bounded by the file
    const verneed = await this.fetch(verneedOffset, Math.min(MAX_TABLE_BYTES, size - verneedOffset), "version needs");
    const strtab = this.stringTable(strOffset, strLength, "dynamic string table");
    return { verneed, count, strtab };
  }
}

const VERSION_NAME = /^([A-Z][A-Z0-9]*)_(\d+(?:\.\d+)*)$/;

function summarize(info: ElfInfo): void {
  for (const need of info.needs) {
    for (const name of need.versions) {
      const m = VERSION_NAME.exec(name);
      if (!m) continue; // GLIBC_PRIVATE, CXXABI_TM_1, ...
      const [, family, version] = m as unknown as [string, string, string];
      const current = info.highest[family];
      if (current === undefined || compareVersions(version, current) > 0) info.highest[family] = version;
    }
  }
  info.glibc = info.highest.GLIBC;
}

export { type ByteReader, compareVersions, handleReader, type VersionNeed };
