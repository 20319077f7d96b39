/**
 * Listing the code: only the folders a selection can match are read, excluded folders are
 * never entered, and whatever the working directory holds (names that are not UTF-8,
 * links that loop, FIFOs, sockets) ends in a UserError about the file the selection
 * actually picked, never in a crash while listing files nobody asked for.
 */
import { type Dirent, lstatSync, readdirSync, readlinkSync, statSync } from "node:fs";
import path from "node:path";
import { throwAll, UserError } from "../errors.ts";
import type { TreeFile } from "../install/types.ts";

/** A file the walk found; `special` when it is neither a regular file nor a link (FIFO, socket, device). */
export interface WalkedFile extends TreeFile {
  special?: string;
  /** the name as found on disk was not UTF-8: `path` shows it with the bytes escaped */
  badName?: boolean;
}

export interface WalkOptions {
  /** folders (relative, "/" separated, "" = root) or files to list */
  roots: string[];
  /** a folder never entered */
  pruneDir: (relative: string) => boolean;
}

const UTF8 = new TextDecoder("utf-8", { fatal: true });

/** The name as bytes a reader can see: printable ASCII as is, everything else as \xNN. */
export function escapeName(bytes: Buffer): string {
  let out = "";
  for (const b of bytes)
    out += b >= 0x20 && b < 0x7f && b !== 0x5c ? String.fromCharCode(b) : `\\x${b.toString(16).padStart(2, "0")}`;
  return out;
}

function decodeName(raw: Buffer): string | undefined {
  try {
    return UTF8.decode(raw);
  } catch {
    return undefined;
  }
}

function kindOf(entry: {
  isFIFO(): boolean;
  isSocket(): boolean;
  isCharacterDevice(): boolean;
  isBlockDevice(): boolean;
}): string {
  if (entry.isFIFO()) return "a FIFO (named pipe)";
  if (entry.isSocket()) return "a socket";
  if (entry.isCharacterDevice()) return "a character device";
  if (entry.isBlockDevice()) return "a block device";
  return "not a regular file";
}

/** Every file under the roots, sorted by path; synchronous, as listFiles (one lstat per file through the pool is slow). */
export function walkSource(workingDirectory: string, options: WalkOptions): WalkedFile[] {
  const found = new Map<string, WalkedFile>();
  const visit = (rel: string, abs: string, entry: Dirent | undefined): void => {
    // a root below a looping link cannot be listed: it then matches nothing, which matchSource reports
    let st: Dirent | ReturnType<typeof lstatSync> | undefined = entry;
    try {
      st ??= lstatSync(abs, { throwIfNoEntry: false });
    } catch {
      return;
    }
    if (!st) return;
    if (st.isDirectory()) {
      if (rel !== "" && options.pruneDir(rel)) return;
      walkDir(rel, abs);
    } else if (st.isSymbolicLink()) {
      found.set(rel, linkFile(rel, abs));
    } else if (st.isFile()) {
      const info = lstatSync(abs);
      found.set(rel, { path: rel, absolutePath: abs, size: info.size, executable: (info.mode & 0o111) !== 0 });
    } else {
      found.set(rel, { path: rel, absolutePath: abs, size: 0, executable: false, special: kindOf(st) });
    }
  };
  const walkDir = (rel: string, abs: string): void => {
    for (const entry of readdirSync(abs, { withFileTypes: true, encoding: "buffer" })) {
      const raw = entry.name as unknown as Buffer;
      const name = decodeName(raw);
      if (name === undefined) {
        const shown = rel === "" ? escapeName(raw) : `${rel}/${escapeName(raw)}`;
        // a folder named so is not entered: nothing in it can be selected by a UTF-8 pattern
        if (entry.isDirectory() && options.pruneDir(shown)) continue;
        found.set(shown, { path: shown, absolutePath: abs, size: 0, executable: false, badName: true });
        continue;
      }
      visit(rel === "" ? name : `${rel}/${name}`, path.join(abs, name), entry as unknown as Dirent);
    }
  };
  for (const root of new Set(options.roots)) {
    visit(root, root === "" ? workingDirectory : path.join(workingDirectory, root), undefined);
  }
  return [...found.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** A link is listed with its target's size and mode; a target stat cannot reach (a loop) is checked when selected. */
function linkFile(rel: string, abs: string): WalkedFile {
  let target: ReturnType<typeof statSync>;
  try {
    target = statSync(abs, { throwIfNoEntry: false });
  } catch {
    target = undefined;
  }
  const file = target?.isFile() ? target : undefined;
  return {
    path: rel,
    absolutePath: abs,
    size: file?.size ?? 0,
    executable: file ? (Number(file.mode) & 0o111) !== 0 : false,
    symlink: readlinkSync(abs),
  };
}

/** Refuses selected files the zip cannot hold: names that are not UTF-8, FIFOs, sockets, devices. */
export function refuseUnshippable(files: WalkedFile[]): void {
  const errors: UserError[] = [];
  for (const f of files) {
    if (f.badName) {
      errors.push(
        new UserError(
          `the file name ${f.path} is not UTF-8 (bytes shown as \\xNN): a zip for Lambda names its files in UTF-8`,
          {
            where: { file: f.path },
            hint: "rename the file (or folder) to a UTF-8 name, or leave its folder out with `exclude`",
          },
        ),
      );
    } else if (f.special) {
      errors.push(
        new UserError(`${f.path} is ${f.special}, not a regular file: a zip can only hold files`, {
          where: { file: f.path },
          hint: "remove it from the project, or leave it out with `exclude`",
        }),
      );
    }
  }
  throwAll(errors);
}
