/** The optimize plan carried out on the staged tree: files removed, shared objects rewritten, RECORDs kept true. */
import { readFile, rename, rm, rmdir, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { parseRecord, recordHash, recordRow } from "../install/tree.ts";
import type { DependencyTree, InstalledDistribution } from "../install/types.ts";
import { stripElf } from "./elf-strip.ts";

const abs = (tree: DependencyTree, file: string) => path.join(tree.root, file);

/**
 * A new file put in place of the old one, never written through it: an installer may
 * hard-link the tree's files to its own cache (uv does), which must stay as it was.
 */
async function replaceFile(file: string, bytes: Buffer | string, mode: number): Promise<void> {
  const next = `${file}.lpp-new`;
  await writeFile(next, bytes, { mode });
  await rename(next, file);
}

/** Removes the files, then the folders they leave empty. */
export async function removeFiles(tree: DependencyTree, files: string[]): Promise<void> {
  const dirs = new Set<string>();
  for (const f of files) {
    await rm(abs(tree, f), { force: true });
    for (let d = path.posix.dirname(f); d !== "."; d = path.posix.dirname(d)) dirs.add(d);
  }
  // deepest first, so a parent is tried after its children
  for (const d of [...dirs].sort((a, b) => b.split("/").length - a.split("/").length || (a < b ? 1 : -1))) {
    await rmdir(abs(tree, d)).catch(() => {});
  }
}

/** Strips each shared object in place; returns the new size of each one that changed. */
export async function stripSharedObjects(tree: DependencyTree, files: string[]): Promise<Map<string, number>> {
  const changed = new Map<string, number>();
  for (const f of files) {
    const file = abs(tree, f);
    const result = stripElf(await readFile(file));
    if (!result) continue;
    await replaceFile(file, result.bytes, (await stat(file)).mode & 0o777);
    changed.set(f, result.bytes.length);
  }
  return changed;
}

/** What the optimize stage changed, as RECORD rows see it. */
export interface RecordChanges {
  removed: ReadonlySet<string>;
  /** rewritten files' new RECORD hash and size */
  rewritten: ReadonlyMap<string, { hash: string; size: number }>;
  /** bytecode added, by distribution: path, hash, size */
  added: ReadonlyMap<string, { path: string; hash: string; size: number }[]>;
}

/**
 * A distribution's RECORD made true again, the same on both paths (a tree pip installed, the
 * wheels' members): removed files out, rewritten files with their new hash and size, each row
 * otherwise as it was, then the compiled files in path order (as pip records the bytecode it writes).
 */
export function rewriteRecordText(text: string, changes: RecordChanges, distribution: string): string {
  const lines: string[] = [];
  for (const row of parseRecord(text)) {
    if (changes.removed.has(row.path)) continue;
    const now = changes.rewritten.get(row.path);
    if (now) lines.push(recordRow([row.path, now.hash, String(now.size)]));
    else lines.push(recordRow([row.path, row.hash ?? "", row.size === undefined ? "" : String(row.size)]));
  }
  const added = [...(changes.added.get(distribution) ?? [])].sort((a, b) => (a.path < b.path ? -1 : 1));
  for (const f of added) lines.push(recordRow([f.path, f.hash, String(f.size)]));
  return `${lines.join("\n")}\n`;
}

/** Whether a distribution's RECORD changes: one of its rows removed or rewritten, or bytecode added. */
export function recordTouched(dist: InstalledDistribution, changes: RecordChanges): boolean {
  if (changes.removed.has(`${dist.distInfo}/RECORD`)) return false; // left out whole
  return (
    (changes.added.get(dist.name)?.length ?? 0) > 0 ||
    dist.record.some((r) => changes.removed.has(r.path) || changes.rewritten.has(r.path))
  );
}

/**
 * Each changed distribution's RECORD made true again on the tree, so importlib.metadata's
 * `files()` and a later `pip uninstall` see the tree as it is.
 */
export async function rewriteRecords(
  tree: DependencyTree,
  changes: { removed: Set<string>; rewritten: Set<string>; added: Map<string, string[]> },
): Promise<void> {
  const described = async (file: string) => {
    const bytes = await readFile(abs(tree, file));
    return { path: file, hash: recordHash(bytes), size: bytes.length };
  };
  const rewritten = new Map<string, { hash: string; size: number }>();
  for (const file of changes.rewritten) rewritten.set(file, await described(file));
  const added = new Map<string, { path: string; hash: string; size: number }[]>();
  for (const [dist, files] of changes.added) added.set(dist, await Promise.all(files.map(described)));
  const all: RecordChanges = { removed: changes.removed, rewritten, added };
  for (const dist of tree.distributions) {
    if (!recordTouched(dist, all)) continue;
    const recordFile = abs(tree, `${dist.distInfo}/RECORD`);
    const text = rewriteRecordText(await readFile(recordFile, "utf8"), all, dist.name);
    await replaceFile(recordFile, text, 0o644);
  }
}
