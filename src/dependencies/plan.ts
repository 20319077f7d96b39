/**
 * The decisions of the dependency stage, apart from the processes and files that carry
 * them out: which cache key the tree has, whether a restored entry may be used, and
 * whether its dependency zip may be copied from or must be compressed again.
 */
import { cacheKey } from "../cache/key.ts";
import type { CacheManifest } from "../cache/manifest.ts";
import { type IndexPlan, indexesForKey } from "../install/indexes.ts";
import type { LockedSet } from "../lock/types.ts";
import type { Target } from "../target.ts";
import { ZIP_LEVEL, type ZipResult } from "../zip/writer.ts";

/**
 * The manifest's record of the dependency zip, with what made it: its entries are
 * reused only when this zlib at this level would compress them to the same bytes,
 * or a warm build could differ from a cold one.
 */
export type DependencyZipRecord = NonNullable<CacheManifest["dependencyZip"]>;

/** What compresses the dependency zip in this build. */
export interface Compressor {
  zlib: string;
  level: number;
}

export const THIS_COMPRESSOR: Compressor = { zlib: process.versions.zlib, level: ZIP_LEVEL };

export function dependencyZipRecord(zip: ZipResult, by: Compressor = THIS_COMPRESSOR): DependencyZipRecord {
  const { sha256, size, entries, unzippedSize } = zip;
  return { sha256, size, entries, unzippedSize, zlib: by.zlib, level: by.level };
}

/** Copy the cached dependency zip, or compress the tree again, and why. */
export type DependencyZipDecision =
  | { reuse: true; record: DependencyZipRecord }
  | { reuse: false; why: string | undefined };

export function planDependencyZip(
  record: DependencyZipRecord | undefined,
  by: Compressor = THIS_COMPRESSOR,
): DependencyZipDecision {
  if (!record) return { reuse: false, why: "The cache entry has no dependency zip: compressing the dependencies" };
  if (record.zlib === by.zlib && record.level === by.level) return { reuse: true, record };
  return {
    reuse: false,
    why: `The cached dependency zip was made by zlib ${record.zlib ?? "unknown"} at level ${record.level ?? "unknown"}, this build has zlib ${by.zlib}: compressing the dependencies again`,
  };
}

export function dependencyKey(input: {
  target: Target;
  lock: LockedSet;
  installer: { name: string; version: string } | undefined;
  indexes: IndexPlan;
  /** what the optimize stage will do to the tree: with and without it are different entries */
  optimize?: Record<string, unknown>;
}): string {
  return cacheKey({
    target: input.target,
    lock: input.lock,
    installer: { name: input.installer?.name ?? "none", version: input.installer?.version ?? "" },
    options: { indexes: indexesForKey(input.indexes.asked) },
    optimize: input.optimize,
  });
}

/**
 * Whether a restored entry may be used: it must be the entry for this key, its tree
 * must match the manifest file for file, and a dependency zip it would lend its entries
 * must hash as recorded. Returns the problems; none means use it.
 */
export function entryProblems(input: {
  key: string;
  manifest: CacheManifest | undefined;
  treeProblems: string[] | undefined;
  /** the dependency zip's SHA-256 as found, when the manifest records one this build would reuse */
  dependencyZipSha256?: string;
  dependencyZipFile: string;
}): string[] {
  const { manifest } = input;
  if (!manifest || manifest.key !== input.key || !input.treeProblems) return ["its manifest is missing or unreadable"];
  const problems = [...input.treeProblems];
  const recorded = manifest.dependencyZip;
  if (recorded && input.dependencyZipSha256 !== undefined && input.dependencyZipSha256 !== recorded.sha256) {
    problems.push(`${input.dependencyZipFile} has other content than when it was saved`);
  }
  return problems;
}

export function describeMismatch(key: string, problems: string[]): string {
  const more = problems.length > 3 ? `; and ${problems.length - 3} more` : "";
  return `Cache entry ${key} does not match its manifest (${problems.slice(0, 3).join("; ")}${more}): discarded, installing again`;
}
