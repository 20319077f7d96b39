/**
 * One pass over the tree's files: the mode bits of each, and for each file that may
 * be ELF the parsed header and version requirements. ELF is recognised by its magic
 * bytes, never by the name, so `.so`, `.so.1.2`, extension-less executables and
 * mislabeled files are all read. Only files whose extension marks them as text or
 * Python source (.py, .txt, .json, dist-info metadata, ...) are not opened: the
 * loader never maps those, and skipping them keeps the pass to a few small reads.
 */
import { lstat, open } from "node:fs/promises";
import type { DependencyTree, TreeFile } from "../install/types.ts";
import { type ElfInfo, handleReader, parseElf } from "./elf.ts";
import { mapLimit } from "./util.ts";

export interface ScannedFile {
  file: TreeFile;
  /** st_mode; undefined when the file could not be read */
  mode?: number;
  /** present when the file starts with the ELF magic */
  elf?: ElfInfo;
  /** why the file could not be read */
  error?: string;
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

export function scanTree(tree: DependencyTree): Promise<ScannedFile[]> {
  return mapLimit(tree.files, CONCURRENCY, scanFile);
}

export async function scanFile(file: TreeFile): Promise<ScannedFile> {
  try {
    if (file.symlink !== undefined || !mayBeElf(file.path) || file.size < 4) {
      const st = await lstat(file.absolutePath);
      return { file, mode: st.mode };
    }
    const handle = await open(file.absolutePath, "r");
    try {
      const st = await handle.stat();
      const elf = await parseElf(handleReader(handle, st.size), st.size);
      return elf ? { file, mode: st.mode, elf } : { file, mode: st.mode };
    } finally {
      await handle.close();
    }
  } catch (error) {
    return { file, error: (error as NodeJS.ErrnoException).code ?? String(error) };
  }
}
