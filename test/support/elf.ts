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

let cache: Promise<RealElf[]> | undefined;

/** Every readable ELF shared object or executable in the candidate folders, smallest first. */
export function realElfFiles(): Promise<RealElf[]> {
  cache ??= (async () => {
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
  return cache;
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
