/**
 * Where each member of a wheel lands in the tree `pip install --target` makes (PEP 427's
 * installed layout, as pip's home scheme lays it out), decided from names and central-directory
 * fields only, so a dependency zip can be built from the wheels' own compressed bytes.
 *
 * Reading wheels ourselves must not let through what pip refused for us. Whatever pip refuses
 * or decides in its own way (a member outside the root, a foreign .data or .dist-info folder,
 * duplicates, a damaged member, an encrypted one or another compression method) is handed
 * back to pip's install path (WheelUnusual), so the user gets pip's refusal and its diagnosis
 * exactly as before. What pip does not check, a RECORD whose hash or size contradicts its
 * member, is refused here (WheelRefused), and so is a member no Linux file system can hold
 * (pip fails on it too, with an OSError). Links and special files are unpacked as pip unpacks
 * them: regular files holding the member's bytes, executable only by pip's rule. Scripts and
 * headers are left out, as cleanedAway leaves them out of the installed tree.
 */
import { posix } from "node:path";
import { RECORD_CONTRADICTS_HINT } from "../install/record.ts";
import { recordRow } from "../install/tree.ts";
import { entryProblem as readerProblem, type ZipEntry } from "../zip/reader.ts";

export type Placement =
  /** shipped at `path` (relative to the tree root); pip's RECORD names it `recordPath` */
  | { kind: "ship"; path: string; recordPath: string }
  /**
   * a folder entry, or what the tree never keeps (scripts go to bin/, which is removed);
   * `recordPath` when pip's RECORD still lists it (a .data/data file pip --target leaves out)
   */
  | { kind: "leave"; recordPath?: string }
  /** pip's own dist-info files, written again rather than copied */
  | { kind: "regenerate"; path: string };

/** A wheel refused here (pip would install it, or fail on it): the message names the member. */
export class WheelRefused extends Error {
  constructor(
    message: string,
    /** what the user can do about it */
    readonly hint: string = RECORD_CONTRADICTS_HINT,
  ) {
    super(message);
  }
}
/** A wheel this path leaves to pip (to unpack, or to refuse): the whole build takes the install path. */
export class WheelUnusual extends Error {}

const SCHEMES = new Set(["purelib", "platlib", "headers", "scripts", "data"]);
const S_IFMT = 0o170000;
const S_IFREG = 0o100000;
const FLAG_UTF8 = 0x800;

/** "/"-separated, relative, no empty, "." or ".." segment, no backslash or control character. */
export function unsafeNameReason(name: string): string | undefined {
  if (name === "") return "an empty name";
  if (name.startsWith("/") || /^[A-Za-z]:/.test(name)) return "an absolute path";
  if (name.includes("\\")) return "a backslash in its name";
  // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing them is the point
  if (/[\u0000-\u001f\u007f]/.test(name)) return "a control character in its name";
  const segments = (name.endsWith("/") ? name.slice(0, -1) : name).split("/");
  if (segments.some((s) => s === "" || s === "." || s === "..")) return "an empty, . or .. segment (outside the root)";
  return undefined;
}

/**
 * The installed path of one member. `distInfo` is the wheel's `<name>-<version>.dist-info`
 * folder.
 */
export function placeMember(name: string, distInfo: string): Placement {
  const unsafe = unsafeNameReason(name);
  if (unsafe) throw new WheelUnusual(`member ${JSON.stringify(name)} has ${unsafe}`);
  if (name.endsWith("/")) return { kind: "leave" };
  const [top = "", ...rest] = name.split("/");
  if (top.endsWith(".data")) {
    if (top !== distInfo.replace(/\.dist-info$/, ".data") || rest.length < 2) {
      throw new WheelUnusual(`member ${JSON.stringify(name)} lies in a .data folder not of this wheel's layout`);
    }
    const [scheme = "", ...inner] = rest;
    if (!SCHEMES.has(scheme)) {
      throw new WheelUnusual(`member ${JSON.stringify(name)} names an unknown scheme "${scheme}"`);
    }
    // where pip --target puts them (bin/, include/python/<name>/), which cleanedAway leaves out
    // of every tree: RECORD rows are kept or dropped by that one rule (installedRecordKeeps)
    if (scheme === "scripts") return { kind: "leave", recordPath: `../../bin/${inner.join("/")}` };
    if (scheme === "headers") {
      const dist = distInfo.replace(/-[^-]*\.dist-info$/, "");
      return { kind: "leave", recordPath: `../../include/python/${dist}/${inner.join("/")}` };
    }
    const path = inner.join("/");
    return scheme === "data" ? placeData(path) : { kind: "ship", path, recordPath: path };
  }
  if (top.endsWith(".dist-info") && top !== distInfo) {
    throw new WheelUnusual(`member ${JSON.stringify(name)} lies in a second .dist-info folder`);
  }
  if (top === distInfo && ["RECORD", "INSTALLER", "REQUESTED"].includes(rest.join("/"))) {
    return { kind: "regenerate", path: name };
  }
  return { kind: "ship", path: name, recordPath: name };
}

/** pip --target's home scheme: purelib and platlib are lib/python in it, data is the home itself */
const LIB = "lib/python";

/**
 * A .data/data file, as pip --target places it: into the home folder, whose lib/python is the
 * tree (a file under it ships from there); of the rest, only the items beside lib/python are
 * moved into the tree, not one whose name is a string prefix of "lib/python" (pip's own test:
 * "lib", "li"...), which stays behind. RECORD names each relative to lib/python, as pip does.
 */
function placeData(path: string): Placement {
  if (path.startsWith(`${LIB}/`))
    return { kind: "ship", path: path.slice(LIB.length + 1), recordPath: path.slice(LIB.length + 1) };
  const top = path.split("/")[0]!;
  if (LIB.startsWith(top)) return { kind: "leave", recordPath: posix.relative(LIB, path) };
  return { kind: "ship", path, recordPath: `../../${path}` };
}

/**
 * What this code cannot copy as it is (what the zip reader cannot read: one rule for both), or
 * whose name pip may read otherwise: left to pip.
 */
export function entryProblem(entry: ZipEntry): string | undefined {
  const unreadable = readerProblem(entry);
  if (unreadable) return unreadable;
  // zipfile decodes a name without the UTF-8 flag as cp437, and one with it strictly: pip's
  // name is this one only for ASCII, or for valid UTF-8 under the flag (U+FFFD: bytes that were not)
  if (entry.name.includes("\uFFFD")) return `${JSON.stringify(entry.name)} is a name that is not valid UTF-8`;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the ASCII range is the point
  if (!(entry.flags & FLAG_UTF8) && /[^\u0000-\u007f]/.test(entry.name)) {
    return `${JSON.stringify(entry.name)} is a non-ASCII name without the UTF-8 flag (pip reads it as cp437)`;
  }
  return undefined;
}

/**
 * pip's rule for a member's execute bit: a regular file (by the mode its creator recorded)
 * with any execute bit. A link or special file is unpacked as a plain file holding its bytes.
 */
export function pipExecutable(mode: number): boolean {
  return (mode & S_IFMT) === S_IFREG && (mode & 0o111) !== 0;
}

/**
 * RECORD as pip writes it after an install: every installed file's row (path, sha256, size),
 * INSTALLER and REQUESTED among them, RECORD itself without hash, sorted as pip sorts
 * (by the row's cells as strings), CSV with "\r\n" line ends.
 */
export function renderInstalledRecord(rows: { path: string; hash: string; size: string }[], distInfo: string): string {
  const all: [string, string, string][] = rows.map((r) => [r.path, r.hash, r.size]);
  all.push([`${distInfo}/RECORD`, "", ""]);
  all.sort((a, b) => {
    for (let i = 0; i < 3; i++) {
      if (a[i]! !== b[i]!) return a[i]! < b[i]! ? -1 : 1;
    }
    return 0;
  });
  return all.map((row) => `${recordRow(row)}\r\n`).join("");
}

/**
 * The `.dist-info` folder of a wheel from its members: exactly one, counted as pip counts
 * them (the first segment of every name, a file's own name included, ending in ".dist-info").
 */
export function distInfoOf(names: readonly string[]): string {
  const found = new Set<string>();
  for (const n of names) {
    const top = n.split("/")[0] ?? "";
    if (top.endsWith(".dist-info")) found.add(top);
  }
  if (found.size !== 1) throw new WheelUnusual(`it has ${found.size} .dist-info folders, a wheel has exactly one`);
  return [...found][0]!;
}

/** Installed paths given twice (a member and a .data member on the same path, or duplicate members). */
export function duplicatePaths(paths: readonly string[]): string[] {
  const seen = new Set<string>();
  const twice = new Set<string>();
  for (const p of paths) (seen.has(p) ? twice : seen).add(p);
  return [...twice];
}
