/**
 * Real ELF files from the machine (the shared objects of its own Pythons and system
 * libraries), picked by what they require, read with our own parser; and `readelf`
 * as an independent witness when the machine has it.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, realpathSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { compareVersions, type ElfInfo, readElf } from "../../src/inspect/elf.ts";

export interface RealElf {
  path: string;
  size: number;
  info: ElfInfo;
}

function candidateDirs(): string[] {
  const dirs: string[] = [];
  const pyenv = path.join(os.homedir(), ".pyenv", "versions");
  if (existsSync(pyenv)) {
    for (const v of readdirSync(pyenv).sort()) {
      const lib = path.join(pyenv, v, "lib");
      if (!existsSync(lib)) continue;
      for (const py of readdirSync(lib).filter((d) => /^python3\.\d+$/.test(d))) {
        dirs.push(path.join(lib, py, "lib-dynload"));
      }
    }
  }
  for (const base of ["/usr/lib", "/usr/local/lib"]) {
    if (!existsSync(base)) continue;
    for (const py of readdirSync(base).filter((d) => /^python3\.\d+$/.test(d))) {
      dirs.push(path.join(base, py, "lib-dynload"));
    }
  }
  dirs.push("/usr/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/usr/lib64");
  return dirs.filter((d) => existsSync(d));
}

/**
 * The machine's files do not change during a run: one scan (~0.6 s of CPU) per worker
 * process, kept on globalThis because a worker runs many test files and our modules are
 * evaluated afresh for each (test/support/fresh-modules.ts). Callers only read the list.
 */
const CACHE = Symbol.for("lpp.test.realElfFiles");
const holder = globalThis as { [CACHE]?: Promise<RealElf[]> };

/** Every readable ELF shared object or executable in the candidate folders, smallest first. */
export function realElfFiles(): Promise<RealElf[]> {
  holder[CACHE] ??= (async () => {
    const found: RealElf[] = [];
    const seen = new Set<string>();
    for (const dir of candidateDirs()) {
      for (const name of readdirSync(dir).sort()) {
        if (!/\.so(\.\d+)*$/.test(name)) continue;
        let file: string;
        let size: number;
        try {
          file = realpathSync(path.join(dir, name)); // libfoo.so → libfoo.so.1 → libfoo.so.1.2.3: read once
          const st = statSync(file);
          if (!st.isFile() || seen.has(file)) continue;
          seen.add(file);
          size = st.size;
        } catch {
          continue;
        }
        const info = await readElf(file).catch(() => undefined);
        if (info?.header && !info.problem && info.header.elfClass === 64) found.push({ path: file, size, info });
      }
    }
    return found.sort((a, b) => a.size - b.size || a.path.localeCompare(b.path));
  })();
  return holder[CACHE];
}

/** The smallest real ELF whose highest GLIBC requirement satisfies the predicate; throws when none does. */
export async function pickElf(describe: string, accept: (glibc: string | undefined) => boolean): Promise<RealElf> {
  const hit = (await realElfFiles()).find((f) => accept(f.info.glibc));
  if (!hit) throw new Error(`no ELF file on this machine ${describe}`);
  return hit;
}

export const glibcAbove = (v: string) => (g: string | undefined) => g !== undefined && compareVersions(g, v) > 0;
export const glibcAtMost = (v: string) => (g: string | undefined) => g !== undefined && compareVersions(g, v) <= 0;
export const glibcBetween = (low: string, high: string) => (g: string | undefined) =>
  g !== undefined && compareVersions(g, low) > 0 && compareVersions(g, high) <= 0;

/** The file's bytes with e_machine (offset 18, 2 bytes, little-endian) set: 62 = x86_64, 183 = aarch64. */
export function withMachine(file: string, machine: number): Buffer {
  const bytes = readFileSync(file);
  bytes.writeUInt16LE(machine, 18);
  return bytes;
}

export function hasReadelf(): boolean {
  try {
    execFileSync("readelf", ["--version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/** `readelf -V -W`'s "Version needs" section as { file: versions[] }. */
export function readelfNeeds(file: string): Record<string, string[]> {
  const out = execFileSync("readelf", ["-V", "-W", file], { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  const start = out.indexOf("Version needs section");
  const needs: Record<string, string[]> = {};
  if (start < 0) return needs;
  let current: string[] | undefined;
  for (const line of out.slice(start).split("\n").slice(1)) {
    const file =
      /^\s*0x[0-9a-f]+:\s+Version:\s+\d+\s+File:\s+(\S+)/.exec(line) ??
      /^\s*0+:\s+Version:\s+\d+\s+File:\s+(\S+)/.exec(line);
    const name = /^\s*0x[0-9a-f]+:\s+Name:\s+(\S+)/.exec(line);
    if (file?.[1]) {
      current = needs[file[1]] ??= [];
    } else if (name?.[1] && current) {
      current.push(name[1]);
    } else if (line.trim() === "" && Object.keys(needs).length > 0) {
      break;
    }
  }
  return needs;
}

/**
 * A minimal 64-bit little-endian x86_64 shared object, built byte by byte: the ELF
 * header, a section table with .dynstr and .gnu.version_r, and the two sections'
 * bytes as given. `dynstrSize` declares a string table bigger than its bytes: the
 * bytes then sit at its end and the file is written sparse (the gap costs no disk).
 */
export interface SyntheticElf {
  /** the .gnu.version_r section's bytes (see verneedTable) */
  verneed: Buffer;
  /** sh_info: how many Elf_Verneed entries the section says it has */
  count: number;
  /** the string table's bytes */
  dynstr: Buffer;
  /** declared size of .dynstr (≥ dynstr.length); its bytes are placed at the end */
  dynstrSize?: number;
}

const SHT_STRTAB = 3;
const SHT_GNU_VERNEED = 0x6ffffffe;

/** Writes the object to `file` (sparse when .dynstr is declared bigger than its bytes). */
export async function writeSyntheticElf(file: string, spec: SyntheticElf): Promise<number> {
  const dynstrSize = spec.dynstrSize ?? spec.dynstr.length;
  const verneedAt = 64;
  const shoff = verneedAt + spec.verneed.length + ((8 - (spec.verneed.length % 8)) % 8);
  const dynstrAt = Math.ceil((shoff + 3 * 64) / 4096) * 4096;
  const head = Buffer.alloc(shoff + 3 * 64);
  head.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1], 0);
  head.writeUInt16LE(3, 16); // ET_DYN
  head.writeUInt16LE(62, 18); // x86_64
  head.writeUInt32LE(1, 20);
  head.writeBigUInt64LE(BigInt(shoff), 0x28);
  head.writeUInt16LE(64, 0x34); // e_ehsize
  head.writeUInt16LE(64, 0x3a); // e_shentsize
  head.writeUInt16LE(3, 0x3c); // e_shnum
  spec.verneed.copy(head, verneedAt);
  const section = (i: number, type: number, offset: number, size: number, link: number, info: number) => {
    const at = shoff + i * 64;
    head.writeUInt32LE(type, at + 4);
    head.writeBigUInt64LE(BigInt(offset), at + 24);
    head.writeBigUInt64LE(BigInt(size), at + 32);
    head.writeUInt32LE(link, at + 40);
    head.writeUInt32LE(info, at + 44);
  };
  section(1, SHT_STRTAB, dynstrAt, dynstrSize, 0, 0);
  section(2, SHT_GNU_VERNEED, verneedAt, spec.verneed.length, 1, spec.count);
  const { open } = await import("node:fs/promises");
  const handle = await open(file, "w");
  try {
    await handle.write(head, 0, head.length, 0);
    await handle.write(spec.dynstr, 0, spec.dynstr.length, dynstrAt + dynstrSize - spec.dynstr.length);
  } finally {
    await handle.close();
  }
  return dynstrAt + dynstrSize;
}

/** A string table holding the names (offset 0 is the empty name); offsets are relative to `shift`. */
export function stringTable(names: string[], shift = 0): { bytes: Buffer; offset: Map<string, number> } {
  const offset = new Map<string, number>();
  const parts: Buffer[] = [Buffer.from([0])];
  let at = 1;
  for (const name of names) {
    if (offset.has(name)) continue;
    offset.set(name, shift + at);
    parts.push(Buffer.from(`${name}\0`, "latin1"));
    at += name.length + 1;
  }
  return { bytes: Buffer.concat(parts), offset };
}

/**
 * A well-formed .gnu.version_r as GNU ld lays it out: each Elf_Verneed followed by its
 * Elf_Vernaux entries, all 16 bytes, chained by relative offsets.
 */
export function verneedTable(needs: { file: number; versions: number[] }[]): Buffer {
  const out = Buffer.alloc(needs.reduce((n, need) => n + 16 * (1 + need.versions.length), 0));
  let at = 0;
  needs.forEach((need, i) => {
    const size = 16 * (1 + need.versions.length);
    out.writeUInt16LE(1, at); // vn_version
    out.writeUInt16LE(need.versions.length, at + 2);
    out.writeUInt32LE(need.file, at + 4);
    out.writeUInt32LE(16, at + 8); // vn_aux
    out.writeUInt32LE(i === needs.length - 1 ? 0 : size, at + 12);
    need.versions.forEach((name, j) => {
      const aux = at + 16 * (1 + j);
      out.writeUInt16LE(2 + j, aux + 6); // vna_other
      out.writeUInt32LE(name, aux + 8);
      out.writeUInt32LE(j === need.versions.length - 1 ? 0 : 16, aux + 12);
    });
    at += size;
  });
  return out;
}
