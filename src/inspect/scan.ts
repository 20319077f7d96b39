/**
 * One pass over the tree's files: the mode bits of each, and for each file that may
 * be ELF the parsed header and version requirements. ELF is recognised by its magic
 * bytes, never by the name, so `.so`, `.so.1.2`, extension-less executables and
 * mislabeled files are all read. Only files whose extension marks them as text or
 * Python source (.py, .txt, .json, dist-info metadata, ...) are not opened: the
 * loader never maps those, and skipping them keeps the pass to a few small reads.
 */
import { lstat, open, realpath } from "node:fs/promises";
import { sep } from "node:path";
import type { DependencyFile, DependencyTree, TreeFile } from "../install/types.ts";
import { type ElfInfo, handleReader, parseElf, parseElfBytes } from "./elf.ts";
import { mapLimit } from "./util.ts";

export interface ScannedFile {
  file: DependencyFile;
  /** st_mode; undefined when the file could not be read */
  mode?: number;
  /** present when the file starts with the ELF magic */
  elf?: ElfInfo;
  /** the first bytes of a file the layout check reads (headLimit), as UTF-8 */
  head?: string;
  /** a symbolic link: where it resolves (undefined: nowhere) and whether that is inside the tree */
  link?: { resolved?: string; inside: boolean };
  /** why the file could not be read */
  error?: string;
}

/** the namespace names sit in the first lines of a -nspkg.pth: a bigger one is not read further */
const PTH_READ_LIMIT = 64 * 1024;
/** direct_url.json is a few hundred bytes; a bigger one is not what pip wrote */
const DIRECT_URL_LIMIT = 1024 * 1024;

/** How much of a file the layout check reads (.pth files, direct_url.json), or undefined for none. */
export function headLimit(path: string): number | undefined {
  if (path.endsWith(".pth")) return PTH_READ_LIMIT;
  const slash = path.indexOf("/");
  if (slash > 0 && path.slice(0, slash).endsWith(".dist-info") && path.slice(slash) === "/direct_url.json")
    return DIRECT_URL_LIMIT;
  return undefined;
}

const TEXT_EXTENSIONS = new Set([
  "py",
  "pyi",
  "pyc",
  "pyx",
  "pxd",
  "pxi",
  "txt",
  "md",
  "rst",
  "json",
  "toml",
  "cfg",
  "ini",
  "yaml",
  "yml",
  "csv",
  "tsv",
  "html",
  "htm",
  "css",
  "js",
  "typed",
  "h",
  "hpp",
  "c",
  "cc",
  "cpp",
  "pem",
  "xml",
  "svg",
  "pth",
]);
const DIST_INFO_FILES = new Set(["METADATA", "RECORD", "WHEEL", "INSTALLER", "REQUESTED", "LICENSE", "NOTICE"]);

/** Whether a file may be ELF judging by its name alone (false only for known text kinds). */
export function mayBeElf(path: string): boolean {
  const base = path.slice(path.lastIndexOf("/") + 1);
  if (DIST_INFO_FILES.has(base)) return false;
  const dot = base.lastIndexOf(".");
  return dot <= 0 || !TEXT_EXTENSIONS.has(base.slice(dot + 1).toLowerCase());
}

const CONCURRENCY = 32;

/** The installed tree's files, read from disk. */
export async function scanTree(tree: DependencyTree): Promise<ScannedFile[]> {
  let rootReal: string;
  try {
    rootReal = await realpath(tree.root);
  } catch {
    rootReal = tree.root;
  }
  return mapLimit(tree.files, CONCURRENCY, (file) => scanFile(file, rootReal));
}

export async function scanFile(file: TreeFile, rootReal?: string): Promise<ScannedFile> {
  try {
    if (file.symlink !== undefined) {
      const st = await lstat(file.absolutePath);
      const resolved = await realpath(file.absolutePath).catch(() => undefined);
      const inside =
        resolved !== undefined &&
        rootReal !== undefined &&
        (resolved === rootReal || resolved.startsWith(rootReal + sep));
      return { file, mode: st.mode, link: { resolved, inside } };
    }
    const limit = headLimit(file.path);
    if (limit === undefined && (!mayBeElf(file.path) || file.size < 4)) {
      const st = await lstat(file.absolutePath);
      return { file, mode: st.mode };
    }
    const handle = await open(file.absolutePath, "r");
    try {
      const st = await handle.stat();
      if (limit !== undefined) {
        const buffer = Buffer.alloc(Math.min(limit, st.size));
        const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
        return { file, mode: st.mode, head: buffer.toString("utf8", 0, bytesRead) };
      }
      const elf = await parseElf(handleReader(handle, st.size), st.size);
      return elf ? { file, mode: st.mode, elf } : { file, mode: st.mode };
    } finally {
      await handle.close();
    }
  } catch (error) {
    return { file, error: (error as NodeJS.ErrnoException).code ?? String(error) };
  }
}

/**
 * What a file's bytes, already in memory, tell the checks (a wheel's member, inflated to
 * be verified): the same as scanFile reads from disk. `bytes` is what scanKeeps asked for.
 */
export async function scanBytes(
  file: DependencyFile,
  mode: number,
  bytes: Buffer | { path: string } | undefined,
): Promise<ScannedFile> {
  if (bytes && "path" in bytes) {
    // a large member kept on disk: only the blocks the ELF reader asks for are read
    const scanned = await scanFile({ ...file, absolutePath: bytes.path });
    return { ...scanned, file, mode };
  }
  if (headLimit(file.path) !== undefined) return { file, mode, head: (bytes ?? Buffer.alloc(0)).toString("utf8") };
  if (!bytes || bytes.length < 4) return { file, mode };
  try {
    const elf = await parseElfBytes(bytes);
    return elf ? { file, mode, elf } : { file, mode };
  } catch (error) {
    return { file, error: String(error) };
  }
}

/** Which bytes of a file scanBytes needs: an ELF object's whole, a layout file's head, or none. */
export function scanKeeps(path: string): { kind: "none" } | { kind: "elf" } | { kind: "head"; limit: number } {
  const limit = headLimit(path);
  if (limit !== undefined) return { kind: "head", limit };
  return mayBeElf(path) ? { kind: "elf" } : { kind: "none" };
}
