/**
 * The decisions of the dependency stage, apart from the processes and files that carry
 * them out: which cache key the dependencies have, what a hit restores and how it is
 * verified, and how the dependency zip's entries map back to the files and owners the
 * later stages read.
 *
 * A hit restores the dependency zip and its manifest, nothing else: one SHA-256 over the
 * zip against the manifest proves every entry (or, through the Actions cache, the archive's
 * own checksum, checked as it was extracted), and the zip's central directory gives the
 * later stages each file's name, size and mode (its owner and the tree checks' results
 * come from the manifest). The installed tree is never kept, unpacked or hashed file by file.
 */
import { cacheKey } from "../cache/key.ts";
import type { CacheManifest } from "../cache/manifest.ts";
import { type IndexPlan, indexesForKey } from "../install/indexes.ts";
import type { DependencyFile, DependencyListing } from "../install/types.ts";
import type { BuildFromSource, LockedSet } from "../lock/types.ts";
import type { Target } from "../target.ts";
import { LAYER_PREFIX } from "../zip/package.ts";
import type { ZipEntry } from "../zip/reader.ts";
import { ZIP_LEVEL, type ZipResult } from "../zip/writer.ts";

export type DependencyZipRecord = CacheManifest["dependencyZip"];

/**
 * Whether the dependencies are unpacked from downloaded wheels (transplant.ts) rather than
 * installed: with pip (uv has no download-only mode; the caller asks the installer), unless
 * LPP_UNPACK=pip asks for pip's own unpacking (a way out, should a wheel ever unpack
 * differently here). compile, slim and exclude-packages take this path too: they act on the
 * wheels' members as they were unpacked (optimize/members.ts), the same files as pip's tree gives.
 */
export function unpackedHere(env: NodeJS.ProcessEnv): boolean {
  return env.LPP_UNPACK !== "pip";
}

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

export function dependencyKey(input: {
  target: Target;
  lock: LockedSet;
  installer: { name: string; version: string } | undefined;
  indexes: IndexPlan;
  /** what the optimize stage will do to the tree: with and without it are different entries */
  optimize?: Record<string, unknown>;
  /**
   * what compresses the dependency zip: an entry holds the zip, not the tree, so only a build
   * that would write the same bytes may use it (a warm build stays byte-identical to a cold one)
   */
  compressor?: Compressor;
  /** the zip made from the wheels' own compressed members: other bytes than compressed here, another entry */
  fromWheels?: boolean;
  /** input `build-from-source`: a tree built under `any` may hold what `pure` or `never` refuses */
  buildFromSource?: BuildFromSource;
}): string {
  const by = input.compressor ?? THIS_COMPRESSOR;
  const mode = input.buildFromSource;
  const options = {
    indexes: indexesForKey(input.indexes.asked),
    zlib: by.zlib,
    level: by.level,
    // the default leaves the keys of every lock without sources as they were
    ...(mode && mode !== "pure" ? { buildFromSource: mode } : {}),
  };
  return cacheKey({
    target: input.target,
    lock: input.lock,
    installer: { name: input.installer?.name ?? "none", version: input.installer?.version ?? "" },
    options: input.fromWheels ? { ...options, fromWheels: true } : options,
    optimize: input.optimize,
  });
}

/**
 * Whether a restored manifest may be used before its zip is read: it must be the entry for
 * this key, and its zip must be what this build's compressor would have written (the key
 * says so; an edited or foreign manifest is caught here). Returns the problems; none means
 * go on to the one digest.
 */
export function manifestProblems(
  key: string,
  manifest: CacheManifest | undefined,
  by: Compressor = THIS_COMPRESSOR,
): string[] {
  if (!manifest || manifest.key !== key) return ["its manifest is missing or unreadable"];
  const { zlib, level } = manifest.dependencyZip;
  if (zlib !== by.zlib || level !== by.level) {
    return [
      `the cached dependency zip was made by zlib ${zlib ?? "unknown"} at level ${level ?? "unknown"}, this build has zlib ${by.zlib} at level ${by.level}: installing and compressing the dependencies again`,
    ];
  }
  return [];
}

/**
 * The one digest: the restored zip against the manifest's record of it. `sha256` is absent
 * when the store proved the bytes as it restored them (CacheStore.checksRestoredBytes): the
 * size is still compared, so a manifest of another zip is caught.
 */
export function zipDigestProblems(
  manifest: CacheManifest,
  found: { sha256?: string; size: number } | undefined,
  file: string,
): string[] {
  if (!found) return [`${file} is missing`];
  const recorded = manifest.dependencyZip;
  if (found.size !== recorded.size || (found.sha256 !== undefined && found.sha256 !== recorded.sha256))
    return [`${file} has other content than when it was saved`];
  return [];
}

/**
 * The later stages' view of a verified cached zip: each entry under python/ a file (name,
 * size, mode from the central directory; owner from the manifest), in the zip's order,
 * which is the tree's path order. Problems when the manifest does not describe this zip.
 */
export function listingFromZip(
  manifest: CacheManifest,
  entries: readonly ZipEntry[],
  chosenWheels: Record<string, string>,
): { listing: DependencyListing } | { problems: string[] } {
  const problems: string[] = [];
  if (entries.length !== manifest.owners.length || entries.length !== manifest.dependencyZip.entries) {
    problems.push(
      `its manifest lists ${manifest.owners.length} owners for ${entries.length} entries of the dependency zip`,
    );
  }
  const names = manifest.distributions.map((d) => d.name);
  const files: DependencyFile[] = [];
  entries.forEach((entry, i) => {
    // folder entries (python/, python/pkg/) are part of the zip, not files of the tree
    if (entry.name.endsWith("/") && entry.name.startsWith(LAYER_PREFIX)) return;
    if (!entry.name.startsWith(LAYER_PREFIX) || entry.name.endsWith("/")) {
      problems.push(`the dependency zip has an entry outside ${LAYER_PREFIX}: ${JSON.stringify(entry.name)}`);
      return;
    }
    const owner = manifest.owners[i] ?? -1;
    const distribution = owner >= 0 ? names[owner] : undefined;
    if (owner >= 0 && distribution === undefined) problems.push(`its manifest names no distribution ${owner}`);
    files.push({
      path: entry.name.slice(LAYER_PREFIX.length),
      size: entry.size,
      executable: (entry.mode & 0o111) !== 0,
      ...(distribution !== undefined ? { distribution } : {}),
    });
  });
  if (problems.length > 0) return { problems };
  return {
    listing: { distributions: manifest.distributions.map((d) => ({ ...d, record: [] })), files, chosenWheels },
  };
}

/** Per entry of the freshly written dependency zip, the index of its file's distribution (-1 for none). */
export function ownersOf(listing: DependencyListing, entries: readonly ZipEntry[]): number[] {
  const index = new Map(listing.distributions.map((d, i) => [d.name, i]));
  const owner = new Map(listing.files.map((f) => [f.path, f.distribution]));
  return entries.map((e) => {
    const dist = owner.get(e.name.slice(LAYER_PREFIX.length));
    return dist === undefined ? -1 : (index.get(dist) ?? -1);
  });
}

export function describeMismatch(key: string, problems: string[]): string {
  const more = problems.length > 3 ? `; and ${problems.length - 3} more` : "";
  return `Cache entry ${key} does not match its manifest (${problems.slice(0, 3).join("; ")}${more}): discarded, installing again`;
}
