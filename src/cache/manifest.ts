/**
 * A cached entry is what a hit needs and nothing more: the dependency zip, and this
 * manifest, which records the zip's SHA-256 (a hit verifies the restored zip with that
 * one digest), who owns each of its entries, and the results of the checks that read the
 * installed tree. The tree itself is not kept: a hit never unpacks or re-hashes it.
 */
import { createHash } from "node:crypto";
import { closeSync, openSync, readSync } from "node:fs";
import { readFile, rename, writeFile } from "node:fs/promises";
import path from "node:path";
import type { TreeChecks } from "../inspect/types.ts";
import type { InstalledDistribution } from "../install/types.ts";

export interface CacheManifest {
  format: 2;
  key: string;
  /** the dependency zip (the tree's files under python/) */
  dependencyZip: {
    sha256: string;
    size: number;
    unzippedSize: number;
    entries: number;
    /** what compressed it: a build with another zlib or level would write other bytes */
    zlib: string;
    level: number;
  };
  /** the installed distributions, without their RECORD rows (read only by the tree checks) */
  distributions: Omit<InstalledDistribution, "record">[];
  /** per entry of the dependency zip, in its order: the index of its distribution, or -1 */
  owners: number[];
  /** what the checks of the installed tree found (checkTree) */
  treeChecks: TreeChecks;
  /** how long the cold install took, to report the time a hit saves */
  installMs: number;
}

export const MANIFEST_FILE = "manifest.json";
export const DEPENDENCY_ZIP_FILE = "dependencies.zip";

/**
 * The one file hash (hex SHA-256): a hit's check of its 85 MB dependency zip. Synchronous
 * reads through one reused buffer, at flat memory; nothing else runs meanwhile, so
 * blocking costs nothing.
 */
export function sha256File(file: string, buffer: Buffer = Buffer.allocUnsafe(1024 * 1024)): string {
  const hash = createHash("sha256");
  const fd = openSync(file, "r");
  try {
    for (let n = readSync(fd, buffer); n > 0; n = readSync(fd, buffer)) hash.update(buffer.subarray(0, n));
  } finally {
    closeSync(fd);
  }
  return hash.digest("hex");
}

/** Written last, through a rename: an entry without a manifest is half-written. */
export async function writeManifest(entryDir: string, manifest: CacheManifest): Promise<void> {
  const target = path.join(entryDir, MANIFEST_FILE);
  await writeFile(`${target}.tmp`, JSON.stringify(manifest));
  await rename(`${target}.tmp`, target);
}

export async function readManifest(entryDir: string): Promise<CacheManifest | undefined> {
  try {
    const parsed = JSON.parse(await readFile(path.join(entryDir, MANIFEST_FILE), "utf8")) as CacheManifest;
    // an entry of another format (format 1 kept the whole tree) is no entry for this build
    return parsed?.format === 2 &&
      typeof parsed.dependencyZip?.sha256 === "string" &&
      Array.isArray(parsed.distributions) &&
      Array.isArray(parsed.owners) &&
      Array.isArray(parsed.treeChecks?.before) &&
      Array.isArray(parsed.treeChecks?.after) &&
      Array.isArray(parsed.treeChecks?.collisions?.strict) &&
      Array.isArray(parsed.treeChecks?.collisions?.allowed)
      ? parsed
      : undefined;
  } catch {
    return undefined;
  }
}
