/**
 * The dependency zip from downloaded wheels instead of an installed tree: each member's
 * already-deflated bytes are copied into place (wheel-layout.ts decides where), only stored
 * members and pip's own dist-info files (INSTALLER, REQUESTED, RECORD as pip rewrites it)
 * are compressed again. Every member is inflated once to check it against the wheel's RECORD
 * (and its CRC, which the copy carries along) and written to a scratch tree, because the
 * inspection stage reads a tree on disk (ELF headers, WHEEL tags, sizes).
 *
 * Not the default: see the report in the commit; `transplantWheels` returns `unusual` when
 * a wheel needs the install path, which the caller then takes for the whole build.
 */
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { UserError } from "../errors.ts";
import { parseRecord, recordHash } from "../install/tree.ts";
import { LAYER_PREFIX } from "../zip/package.ts";
import {
  EntryReader,
  inflateEntry,
  readZipDirectory,
  type ZipDirectory,
  type ZipEntry,
  ZipEntryCorrupt,
} from "../zip/reader.ts";
import type { ZipMember } from "../zip/writer.ts";
import {
  distInfoOf,
  duplicatePaths,
  entryProblem,
  type Placement,
  placeMember,
  recordMismatch,
  recordPathOf,
  renderInstalledRecord,
  WheelRefused,
  WheelUnusual,
} from "./wheel-layout.ts";

export type TransplantResult = { members: ZipMember[] } | { unusual: string };

/** A member's inflated bytes, bounded by its declared size (a bomb is not inflated past it). */
function inflate(entry: ZipEntry, stored: Buffer): Buffer {
  try {
    return inflateEntry(entry, stored);
  } catch (error) {
    if (error instanceof ZipEntryCorrupt)
      throw new WheelRefused(`member ${JSON.stringify(entry.name)} ${error.problem}`);
    throw error;
  }
}

/** console_scripts and gui_scripts make pip write host-specific launchers into RECORD. */
function hasLaunchers(entryPoints: string): boolean {
  let section = "";
  for (const raw of entryPoints.split(/\r?\n/)) {
    const line = raw.trim();
    if (line.startsWith("[")) section = line;
    else if (line && !line.startsWith("#") && (section === "[console_scripts]" || section === "[gui_scripts]"))
      return true;
  }
  return false;
}

/** What cleanTree removes from pip's tree: bin/, __pycache__ folders, .pyc files. */
function cleanedAway(installed: string): boolean {
  const segments = installed.split("/");
  return segments[0] === "bin" || segments.slice(0, -1).includes("__pycache__") || installed.endsWith(".pyc");
}

type Row = { path: string; hash: string; size: number };

/** Where the checked members go: the scratch tree (for inspection) and the zip's member list. */
class Sink {
  readonly members: ZipMember[] = [];
  readonly shipped: string[] = [];
  constructor(private readonly treeDir: string) {}

  async put(installed: string, data: Buffer, executable: boolean, copy?: { from: ZipDirectory; entry: ZipEntry }) {
    const absolutePath = path.join(this.treeDir, ...installed.split("/"));
    await mkdir(path.dirname(absolutePath), { recursive: true });
    await writeFile(absolutePath, data, { mode: executable ? 0o755 : 0o644 });
    this.shipped.push(installed);
    const name = `${LAYER_PREFIX}${installed}`;
    this.members.push(copy ? { name, ...copy } : { name, absolutePath, executable, size: data.length });
  }
}

/** Every refusal or fallback that names and headers show, before a byte is inflated. */
function planWheel(directory: ZipDirectory): { distInfo: string; placed: { entry: ZipEntry; place: Placement }[] } {
  const names = directory.entries.map((e) => e.name);
  const twice = duplicatePaths(names);
  if (twice.length > 0) throw new WheelRefused(`member ${JSON.stringify(twice[0])} is in it twice`);
  const distInfo = distInfoOf(names);
  const placed: { entry: ZipEntry; place: Placement }[] = [];
  for (const entry of directory.entries) {
    const problem = entryProblem(entry);
    if (problem && "refuse" in problem) throw new WheelRefused(problem.refuse);
    if (problem) throw new WheelUnusual(problem.unusual);
    const place = placeMember(entry.name, distInfo);
    if (place.kind !== "leave") placed.push({ entry, place });
  }
  return { distInfo, placed };
}

/**
 * One wheel, member by member: inflated, checked against its RECORD, written to the tree and
 * dropped (a 100 MB wheel is never held whole), then pip's own INSTALLER, REQUESTED and RECORD.
 */
async function transplantWheel(directory: ZipDirectory, sink: Sink): Promise<void> {
  const { distInfo, placed } = planWheel(directory);
  const reader = new EntryReader(directory);
  try {
    const recordEntry = placed.find((p) => p.entry.name === `${distInfo}/RECORD`)?.entry;
    if (!recordEntry) throw new WheelRefused(`it has no ${distInfo}/RECORD`);
    const recordText = inflate(recordEntry, await reader.read(recordEntry)).toString("utf8");
    const record = new Map(parseRecord(recordText).map((r) => [r.path, r]));
    const rows: Row[] = [];
    for (const { entry, place } of placed) {
      if (place.kind !== "ship") continue;
      const data = inflate(entry, await reader.read(entry));
      const hash = recordHash(data);
      // PEP 427's signatures of RECORD are the only members it does not list
      const signature = entry.name === `${distInfo}/RECORD.jws` || entry.name === `${distInfo}/RECORD.p7s`;
      const mismatch = recordMismatch(entry.name, record.get(entry.name), { hash, size: data.length });
      if (mismatch && !signature) throw new WheelRefused(mismatch);
      rows.push({ path: recordPathOf(place.path, distInfo, entry.name), hash, size: data.length });
      if (entry.name === `${distInfo}/entry_points.txt` && hasLaunchers(data.toString("utf8"))) {
        throw new WheelUnusual(`${entry.name} declares console or GUI scripts, whose launchers pip makes for the host`);
      }
      // pip's RECORD keeps their rows; the tree loses the files, as cleanTree removes them after pip
      if (cleanedAway(place.path)) continue;
      const copy = entry.method === 8 ? { from: directory, entry } : undefined;
      await sink.put(place.path, data, (entry.mode & 0o111) !== 0, copy);
    }
    const own: [string, Buffer][] = [
      [`${distInfo}/INSTALLER`, Buffer.from("pip\n")],
      [`${distInfo}/REQUESTED`, Buffer.alloc(0)],
    ];
    for (const [name, data] of own) rows.push({ path: name, hash: recordHash(data), size: data.length });
    own.push([`${distInfo}/RECORD`, Buffer.from(renderInstalledRecord(rows, distInfo))]);
    for (const [name, data] of own) await sink.put(name, data, false);
  } finally {
    await reader.close();
  }
}

/**
 * Unpacks the wheels into `treeDir` as pip --target would (without bin/) and returns the zip
 * members for the dependency zip: the wheels' deflated members copied, the rest from the tree.
 * `unusual` (the tree then half made: the caller empties it) when a wheel needs the install path.
 */
export async function transplantWheels(wheels: readonly string[], treeDir: string): Promise<TransplantResult> {
  const sink = new Sink(treeDir);
  for (const wheel of wheels) {
    const label = path.basename(wheel);
    try {
      let directory: ZipDirectory;
      try {
        directory = await readZipDirectory(wheel);
      } catch (error) {
        // ZIP64 members or another layout the reader does not handle: pip unpacks it instead
        throw new WheelUnusual((error as Error).message);
      }
      await transplantWheel(directory, sink);
    } catch (error) {
      if (error instanceof WheelUnusual) return { unusual: `${label}: ${error.message}` };
      if (error instanceof WheelRefused) {
        throw new UserError(`the wheel ${label} is not safe to install: ${error.message}`, {
          where: { file: label },
          hint: "the index served a damaged or forged wheel: check the index and the lockfile's hashes for it",
        });
      }
      throw error;
    }
  }
  // pip lets the later wheel win and the collision check reports it: that path decides it as today
  const twice = duplicatePaths(sink.shipped);
  if (twice.length > 0) return { unusual: `two wheels install the same file ${JSON.stringify(twice[0])}` };
  return { members: sink.members };
}
