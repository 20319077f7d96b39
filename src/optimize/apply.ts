/** The optimize plan carried out on the staged tree: files removed, shared objects rewritten, RECORDs kept true. */
import { readFile, rename, rm, rmdir, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { parseRecord, recordHash, recordRow } from "../install/tree.ts";
import type { DependencyTree } from "../install/types.ts";
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

/**
 * Each changed distribution's RECORD made true again: removed files out, stripped files
 * with their new hash and size, compiled files in (as pip records the bytecode it
 * writes), so importlib.metadata's `files()` and a later `pip uninstall` see the tree as it is.
 */
export async function rewriteRecords(
  tree: DependencyTree,
  changes: { removed: Set<string>; rewritten: Set<string>; added: Map<string, string[]> },
): Promise<void> {
  for (const dist of tree.distributions) {
    if (changes.removed.has(`${dist.distInfo}/RECORD`)) continue; // left out whole
    const added = changes.added.get(dist.name) ?? [];
    const touched =
      added.length > 0 || dist.record.some((r) => changes.removed.has(r.path) || changes.rewritten.has(r.path));
    if (!touched) continue;
    const recordFile = abs(tree, `${dist.distInfo}/RECORD`);
    const rows = parseRecord(await readFile(recordFile, "utf8"));
    const lines: string[] = [];
    for (const row of rows) {
      if (changes.removed.has(row.path)) continue;
      if (changes.rewritten.has(row.path)) {
        const bytes = await readFile(abs(tree, row.path));
        lines.push(recordRow([row.path, recordHash(bytes), String(bytes.length)]));
      } else lines.push(recordRow([row.path, row.hash ?? "", row.size === undefined ? "" : String(row.size)]));
    }
    for (const file of [...added].sort()) {
      const bytes = await readFile(abs(tree, file));
      lines.push(recordRow([file, recordHash(bytes), String(bytes.length)]));
    }
    await replaceFile(recordFile, `${lines.join("\n")}\n`, 0o644);
  }
}
