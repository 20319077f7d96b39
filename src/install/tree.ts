/**
 * The staged tree after an install: cleaned of what must not ship (host byte-code,
 * console scripts with the host's interpreter in their shebang) and read into the
 * model the later stages use.
 */
import { createHash } from "node:crypto";
import { lstatSync, readdirSync, readlinkSync, statSync } from "node:fs";
import { readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import type { Where } from "../errors.ts";
import { normalizeName } from "../lock/types.ts";
import { parseWheelFilename } from "../target.ts";
import { wheelRefusal } from "./record.ts";
import type { DependencyTree, InstalledDistribution, TreeFile } from "./types.ts";

/**
 * Remove what the installer leaves that Lambda cannot use (cleanedAway's rule, applied to
 * the folders and files on disk), and the rows of those files from each RECORD (the same rule
 * the unpacking of wheels applies: one package whatever the path). Returns the removed
 * relative paths, a folder's with its "/".
 */
export async function cleanTree(root: string): Promise<string[]> {
  const removed = await removeCleanedAway(root);
  for (const entry of await readdir(root, { withFileTypes: true })) {
    if (entry.isDirectory() && entry.name.endsWith(".dist-info"))
      await cleanRecord(path.join(root, entry.name, "RECORD"));
  }
  return removed;
}

/** A RECORD's lines without the rows installedRecordKeeps drops; pip's bytes otherwise. */
async function cleanRecord(file: string): Promise<void> {
  const text = await readMetadataFile(file);
  // each line is one row: pip quotes a path with a comma or quote, and a name with a line break is refused
  const lines = text.split(/(?<=\n)/);
  const kept = lines.filter((line) => {
    const row = parseRecord(line)[0];
    return !row || installedRecordKeeps(row.path);
  });
  if (kept.length !== lines.length) await writeFile(file, kept.join(""));
}

async function removeCleanedAway(root: string): Promise<string[]> {
  const removed: string[] = [];
  const walk = async (dir: string, prefix: string): Promise<void> => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const abs = path.join(dir, entry.name);
      const relative = `${prefix}${entry.name}`;
      const folder = entry.isDirectory();
      if (cleanedAway(folder ? `${relative}/` : relative)) {
        await rm(abs, { recursive: true, force: true });
        removed.push(folder ? `${relative}/` : relative);
      } else if (folder) {
        await walk(abs, `${relative}/`);
      }
    }
  };
  await walk(root, "");
  return removed;
}

/**
 * Whether cleanTree removes this tree path (a folder's ends with "/"): bin/ at the root (console
 * scripts with the host's interpreter in their shebang), include/python/ at the root (C headers,
 * where pip --target puts a wheel's .data/headers: nothing compiles against them in Lambda),
 * a __pycache__ folder or a .pyc (host byte-code).
 */
export function cleanedAway(relative: string): boolean {
  const segments = relative.split("/");
  return (
    segments[0] === "bin" ||
    (segments[0] === "include" && segments[1] === "python" && segments.length > 2) ||
    segments.slice(0, -1).includes("__pycache__") ||
    relative.endsWith(".pyc")
  );
}

/**
 * Whether a row of an installed RECORD stays: not when it names a file cleanTree removes. pip
 * names what it put beside its lib folder (scripts, headers, .data/data) `../../<tree path>`.
 */
export function installedRecordKeeps(recordPath: string): boolean {
  return !cleanedAway(recordPath.startsWith("../../") ? recordPath.slice("../../".length) : recordPath);
}

/**
 * Every file under root (symlinks included, not followed), sorted by path. Synchronous
 * calls: one lstat per file through the thread pool took about 1 s for 14,000 files.
 */
export async function listFiles(
  root: string,
  skip: (relative: string, isDirectory: boolean) => boolean = () => false,
): Promise<TreeFile[]> {
  const files: TreeFile[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const abs = path.join(dir, entry.name);
      const rel = path.relative(root, abs).split(path.sep).join("/");
      if (skip(rel, entry.isDirectory())) continue;
      if (entry.isDirectory()) {
        walk(abs);
        continue;
      }
      const st = lstatSync(abs);
      if (st.isSymbolicLink()) {
        // a zip for Lambda holds no links: it stores the file a link points to, with that file's size and mode
        const target = statSync(abs, { throwIfNoEntry: false });
        const file = target?.isFile() ? target : undefined;
        files.push({
          path: rel,
          absolutePath: abs,
          size: file?.size ?? st.size,
          executable: file ? (file.mode & 0o111) !== 0 : false,
          symlink: readlinkSync(abs),
        });
      } else if (st.isFile()) {
        files.push({ path: rel, absolutePath: abs, size: st.size, executable: (st.mode & 0o111) !== 0 });
      }
    }
  };
  walk(root);
  return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

function headerValues(text: string, header: string): string[] {
  const values: string[] = [];
  for (const line of text.split(/\r?\n/)) {
    if (line === "") break; // headers end at the first blank line (the body follows)
    const i = line.indexOf(":");
    if (i > 0 && line.slice(0, i).toLowerCase() === header.toLowerCase()) values.push(line.slice(i + 1).trim());
  }
  return values;
}

/** Linux's NAME_MAX: bytes in one path component */
export const MAX_NAME_BYTES = 255;
/**
 * Bytes of a path under the tree. Linux's PATH_MAX (4,096) bounds the whole path, and the
 * folders a tree is unpacked into come first: Lambda's /opt/python/, the installer's
 * temporary folder, the runner's. A quarter is left for them.
 */
export const MAX_PATH_BYTES = 3072;

/**
 * Why a file cannot be unpacked on Linux wherever the tree goes (pip fails on it with
 * ENAMETOOLONG, and a zip that ships it cannot be extracted): a name component over 255
 * bytes, or a path under the tree over MAX_PATH_BYTES.
 */
export function unextractableReason(name: string, installed: string | undefined): string | undefined {
  const long = name.split("/").find((segment) => Buffer.byteLength(segment) > MAX_NAME_BYTES);
  if (long !== undefined) {
    return `its name has a component of ${Buffer.byteLength(long)} bytes, over Linux's limit of ${MAX_NAME_BYTES}`;
  }
  if (installed !== undefined && Buffer.byteLength(installed) > MAX_PATH_BYTES) {
    return `its path is ${Buffer.byteLength(installed)} bytes, over the ${MAX_PATH_BYTES} a file may have under the folders Lambda and the installers unpack into (Linux's PATH_MAX is 4096)`;
  }
  return undefined;
}

/** What to do about a file no Linux file system can hold where the tree goes. */
export const UNEXTRACTABLE_HINT =
  "no Linux file system can hold this file where Lambda unpacks it (pip's own install fails on it too, or on the runner): pin another version or another wheel of this distribution";

/** The installed tree's files held to the same limits as the wheels unpacked here. */
export function checkInstalledPaths(
  tree: DependencyTree,
  origin: (distribution: string | undefined) => { wheel?: string; where?: Where },
): void {
  for (const file of tree.files) {
    const reason = unextractableReason(file.path, file.path);
    if (!reason) continue;
    const { wheel, where } = origin(file.distribution);
    const message = `member ${JSON.stringify(file.path)} cannot be unpacked: ${reason}`;
    throw wheelRefusal(wheel ?? file.distribution ?? file.path, message, where, UNEXTRACTABLE_HINT);
  }
}

/** A RECORD hash as pip writes it: `sha256=` and the digest in URL-safe base64 without padding. */
export function recordHash(bytes: Buffer): string {
  return `sha256=${createHash("sha256").update(bytes).digest("base64url")}`;
}

/** One RECORD row as CSV, a cell with a comma, quote or line break quoted (as Python's csv module writes it). */
export function recordRow(cells: readonly string[]): string {
  return cells.map((c) => (/[",\r\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c)).join(",");
}

/** RECORD is CSV: path,hash,size; paths with commas are quoted. */
export function parseRecord(text: string): InstalledDistribution["record"] {
  const rows: InstalledDistribution["record"] = [];
  for (const line of text.split(/\r?\n/)) {
    if (!line) continue;
    const cells: string[] = [];
    for (const m of line.matchAll(/("(?:[^"]|"")*"|[^,]*)(,|$)/g)) {
      if (m[0] === "") break;
      const cell = m[1] ?? "";
      cells.push(cell.startsWith('"') ? cell.slice(1, -1).replace(/""/g, '"') : cell);
      if (m[2] === "") break;
    }
    const [file, hash, size] = cells;
    if (!file) continue;
    rows.push({ path: file, hash: hash || undefined, size: size ? Number(size) : undefined });
  }
  return rows;
}

/** RECORD of the largest real packages is a few MB; a metadata file past this is not read into memory. */
export const MAX_METADATA_BYTES = 64 * 1024 * 1024;

/** A dist-info file's text; "" when it is missing, not a regular file, or implausibly big. */
async function readMetadataFile(file: string): Promise<string> {
  try {
    const st = await stat(file);
    if (!st.isFile() || st.size > MAX_METADATA_BYTES) return "";
    return await readFile(file, "utf8");
  } catch {
    return "";
  }
}

export async function readDistributions(root: string): Promise<InstalledDistribution[]> {
  const distributions: InstalledDistribution[] = [];
  for (const entry of (await readdir(root, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name))) {
    if (!entry.isDirectory() || !entry.name.endsWith(".dist-info")) continue;
    const dir = path.join(root, entry.name);
    const metadata = await readMetadataFile(path.join(dir, "METADATA"));
    const wheel = await readMetadataFile(path.join(dir, "WHEEL"));
    const record = await readMetadataFile(path.join(dir, "RECORD"));
    distributions.push(distributionFrom(entry.name, { metadata, wheel, record }));
  }
  return distributions;
}

/** A distribution from its dist-info folder's name and the texts of its METADATA, WHEEL and RECORD. */
export function distributionFrom(
  distInfo: string,
  texts: { metadata: string; wheel: string; record: string },
): InstalledDistribution {
  const [fallbackName = distInfo, fallbackVersion = ""] = distInfo.replace(/\.dist-info$/, "").split("-");
  return {
    name: normalizeName(headerValues(texts.metadata, "Name")[0] ?? fallbackName),
    version: headerValues(texts.metadata, "Version")[0] ?? fallbackVersion,
    distInfo,
    wheelTags: headerValues(texts.wheel, "Tag"),
    record: parseRecord(texts.record),
  };
}

/** The tree as later stages see it: files with their owning distribution. */
export async function readTree(root: string): Promise<DependencyTree> {
  const [distributions, files] = await Promise.all([readDistributions(root), listFiles(root)]);
  const owner = new Map<string, string>();
  for (const d of distributions) {
    for (const r of d.record) owner.set(path.posix.normalize(r.path), d.name);
    owner.set(`${d.distInfo}/RECORD`, d.name);
  }
  for (const f of files) {
    f.distribution =
      owner.get(f.path) ??
      (f.path.split("/")[0]?.endsWith(".dist-info")
        ? distributions.find((d) => f.path.startsWith(`${d.distInfo}/`))?.name
        : undefined);
  }
  return { root, distributions, files };
}

/** A pip report or chosen-wheels file bigger than this is not one pip wrote for a Lambda function. */
const MAX_REPORT_BYTES = 64 * 1024 * 1024;

/** Only well-formed wheel names of the distribution they are recorded for are kept. */
function wheelFor(name: unknown, file: unknown): [string, string] | undefined {
  if (typeof name !== "string" || typeof file !== "string") return undefined;
  const parsed = parseWheelFilename(file);
  if (!parsed || /[/\\\s]/.test(file) || normalizeName(parsed.name) !== normalizeName(name)) return undefined;
  return [normalizeName(name), file];
}

/**
 * normalized name → wheel file name, from `pip install --report` (pip ≥ 22.2): each
 * install item's download_info.url ends in the file pip chose. Best effort: a missing
 * or unreadable report gives an empty map, and the checks fall back to the WHEEL files.
 */
export async function readChosenWheels(reportFile: string): Promise<Record<string, string>> {
  const chosen: Record<string, string> = {};
  try {
    if ((await stat(reportFile)).size > MAX_REPORT_BYTES) return chosen;
    const report = JSON.parse(await readFile(reportFile, "utf8")) as {
      install?: { download_info?: { url?: unknown }; metadata?: { name?: unknown } }[];
    };
    for (const item of Array.isArray(report.install) ? report.install : []) {
      const url = item?.download_info?.url;
      if (typeof url !== "string") continue;
      const base = new URL(url).pathname.split("/").at(-1) ?? "";
      const entry = wheelFor(item.metadata?.name, decodeURIComponent(base));
      if (entry) chosen[entry[0]] = entry[1];
    }
  } catch {
    // no report (an older pip, a failed run): nothing is known
  }
  return chosen;
}

export const CHOSEN_WHEELS_FILE = "chosen-wheels.json";

/** Kept beside the tree in a cache entry, so a restored tree is judged as the installed one was. */
export async function writeChosenWheels(entryDir: string, chosen: Record<string, string>): Promise<void> {
  await writeFile(path.join(entryDir, CHOSEN_WHEELS_FILE), `${JSON.stringify(chosen, null, 1)}\n`);
}

export async function loadChosenWheels(entryDir: string): Promise<Record<string, string>> {
  const chosen: Record<string, string> = {};
  try {
    const file = path.join(entryDir, CHOSEN_WHEELS_FILE);
    if ((await stat(file)).size > MAX_REPORT_BYTES) return chosen;
    const parsed = JSON.parse(await readFile(file, "utf8")) as unknown;
    if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) return chosen;
    for (const [name, value] of Object.entries(parsed)) {
      const entry = wheelFor(name, value);
      if (entry) chosen[entry[0]] = entry[1];
    }
  } catch {
    // none recorded
  }
  return chosen;
}
