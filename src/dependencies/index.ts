/**
 * The dependency stage: restore the dependency zip for this exact key, or install the
 * dependencies for the target (pip or uv with --no-deps: the lockfile already pinned
 * everything) and keep their zip for the next build. A cached zip is verified against its
 * manifest before it is used (by one digest, or by the archive checksum the Actions cache's
 * restore already checked), so a cache entry can never change what is deployed; what a hit
 * restores and how it is checked is decided in plan.ts.
 *
 * Three explicit steps, each called by build.ts: restoreOrInstall (the dependencies),
 * compressDependencies (the dependency zip both packages copy from), saveDependencies
 * (the entry, once the packages passed inspection).
 */
import { mkdir, rm, stat } from "node:fs/promises";
import path from "node:path";
import type { BuiltFromSource, SourceBuilds } from "../build-source/index.ts";
import { installBuilt } from "../build-source/retry.ts";
import { type CacheManifest, DEPENDENCY_ZIP_FILE, readManifest, sha256File, writeManifest } from "../cache/manifest.ts";
import type { CacheStore } from "../cache/store.ts";
import type { ScannedFile } from "../inspect/scan.ts";
import type { TreeChecks } from "../inspect/types.ts";
import { chooseInstaller, type InstallerChoice } from "../install/index.ts";
import { describeIndexes, effectiveIndexes, readPipConfig } from "../install/indexes.ts";
import { loadChosenWheels, writeChosenWheels } from "../install/tree.ts";
import type { DependencyListing, DependencyTree } from "../install/types.ts";
import type { BuildFromSource, LockedSet } from "../lock/types.ts";
import type { Log } from "../log.ts";
import type { Target } from "../target.ts";
import { type DependencyZip, dependencyMembers } from "../zip/package.ts";
import { readZipDirectory, type ZipDirectory } from "../zip/reader.ts";
import { writeZip, type ZipMember } from "../zip/writer.ts";
import { fromDownloadedWheels, installedTree } from "./made.ts";
import {
  type DependencyZipRecord,
  dependencyKey,
  dependencyZipRecord,
  describeMismatch,
  listingFromZip,
  manifestProblems,
  ownersOf,
  unpackedHere,
  zipDigestProblems,
} from "./plan.ts";
import type { Scanner } from "./transplant.ts";

export interface CacheStatus {
  enabled: boolean;
  key: string;
  hit: boolean;
  store?: string;
  savedMs?: number;
}

export interface Dependencies {
  /** the files and distributions, as the later stages read them */
  tree: DependencyListing;
  /** the installer, for the log and the report */
  installer: string;
  cache: CacheStatus;
  /** the folder of this key's entry: the restored one on a hit, the one to save on a miss */
  entryDir: string;
  /** what was built from source for this build (none on a hit: the cached tree holds the wheels built then) */
  builtFromSource?: BuiltFromSource[];
  /** how long asking the cache took (download, digest, listing), hit or miss */
  restoreMs?: number;
  /**
   * a hit: the verified dependency zip to copy, with the tree checks' results of the tree it
   * was made from. A miss: the installed tree, and where its zip goes (beside the entry's manifest).
   */
  source:
    | {
        kind: "cached";
        zip: DependencyZipRecord;
        file: string;
        directory: ZipDirectory;
        treeChecks: TreeChecks;
        /** the file is this run's own copy (CacheStore.restoresOwnCopy) */
        ownCopy: boolean;
      }
    | { kind: "installed"; tree: DependencyTree; compressTo: string; installMs: number }
    | {
        /** unpacked from the downloaded wheels (transplant.ts): no tree on disk */
        kind: "wheels";
        /** the zip's members: the wheels' compressed entries, and the few files compressed here */
        members: ZipMember[];
        /** what the checks read of each file as the wheels were verified, in the listing's order */
        scanned: ScannedFile[];
        compressTo: string;
        installMs: number;
        /** of installMs: pip download, then the wheels checked and unpacked here */
        downloadMs: number;
        unpackMs: number;
        /** pinned distributions exclude-packages leaves out: never downloaded */
        notDownloaded: { name: string; version: string }[];
        /** files `mayLeaveOut` named, copied unread: the optimize stage checks those it keeps */
        unchecked: string[];
      };
}

export interface RestoreOrInstallOptions {
  installer: InstallerChoice;
  /** input `build-from-source`: part of the key when it is not the default */
  buildFromSource: BuildFromSource;
  python: string | undefined;
  /** the `index-url` / `extra-index-url` inputs */
  indexUrl: string | undefined;
  extraIndexUrls: string[];
  target: Target;
  lock: LockedSet;
  store: CacheStore | undefined;
  scratch: string;
  env: NodeJS.ProcessEnv;
  log: Log;
  /** what the optimize stage will do to the tree (optimizeKey): part of the key */
  optimizeKey?: Record<string, unknown>;
  /** normalized names exclude-packages leaves out: the fast path does not download them */
  excludePackages?: readonly string[];
  /** files the optimize stage may leave out (slim): the fast path does not read them */
  mayLeaveOut?: (path: string) => boolean;
  /** what the inspection reads of each file, when the dependencies come from the wheels unpacked here */
  scanner: Scanner<ScannedFile>;
}

export async function restoreOrInstall(options: RestoreOrInstallOptions): Promise<Dependencies> {
  const { target, lock, store, scratch, env, log, optimizeKey: optimize, buildFromSource } = options;
  const installer =
    lock.requirements.length > 0 ? await chooseInstaller(options.installer, options.python, env) : undefined;
  const fromWheels = installer?.download !== undefined && unpackedHere(env);
  const indexes = effectiveIndexes({
    inputs: { indexUrl: options.indexUrl, extraIndexUrls: options.extraIndexUrls },
    env,
    // `pip download` reads its configuration's [download] section where `pip install` reads [install]
    pipConfig: await readPipConfig(env, installer?.prefix, fromWheels ? "download" : "install"),
    recorded: lock.indexes,
    installer: installer?.name ?? "pip",
  });
  const key = dependencyKey({ target, lock, installer, indexes, optimize, fromWheels, buildFromSource });
  const installerLabel = installer?.label ?? "none (no dependencies)";

  let restoreMs: number | undefined;
  if (store) {
    const asked = performance.now();
    const restored = await restoreEntry(store, key, log);
    restoreMs = Math.round(performance.now() - asked);
    if (restored) {
      const savedMs = restored.manifest.installMs;
      log.info(
        `Cache hit: ${key} from ${store.description}; no install (about ${(savedMs / 1000).toFixed(1)} s saved)`,
      );
      return {
        tree: restored.listing,
        installer: installerLabel,
        cache: { enabled: true, key, hit: true, store: store.description, savedMs },
        entryDir: restored.entryDir,
        restoreMs,
        source: {
          kind: "cached",
          zip: restored.manifest.dependencyZip,
          file: path.join(restored.entryDir, DEPENDENCY_ZIP_FILE),
          directory: restored.directory,
          treeChecks: restored.manifest.treeChecks,
          ownCopy: store.restoresOwnCopy,
        },
      };
    }
    log.info(`Cache miss: ${key} (${store.description}); installing`);
  }

  const entryDir = store ? store.entryDir(key) : path.join(scratch, "entry");
  await rm(entryDir, { recursive: true, force: true });
  await mkdir(entryDir, { recursive: true });
  // installed in the scratch folder: the entry keeps the zip made from it, not the tree
  const directory = path.join(scratch, "tree");
  await rm(directory, { recursive: true, force: true });
  await mkdir(directory, { recursive: true });
  const started = performance.now();
  const missed = (tree: DependencyListing, source: Dependencies["source"]): Dependencies => ({
    tree,
    installer: installerLabel,
    cache: { enabled: store !== undefined, key, hit: false, store: store?.description },
    entryDir,
    restoreMs,
    source,
  });
  const compressTo = path.join(entryDir, DEPENDENCY_ZIP_FILE);
  if (installer) {
    log.info(`Installer: ${installerLabel}`);
    log.info(describeIndexes(indexes));
  }
  const sourceRequest = { mode: buildFromSource, target, scratch, env, log, python: options.python };
  const install = async (sources: SourceBuilds): Promise<Dependencies> => {
    const request = { lock: sources.lock, target, directory, scratch, env, indexes: sources.indexes, log };
    const unpacked =
      installer && fromWheels
        ? await fromDownloadedWheels(installer, request, options.scanner, {
            exclude: new Set(options.excludePackages),
            mayLeaveOut: options.mayLeaveOut,
          })
        : undefined;
    if (unpacked) {
      const { listing, ...rest } = unpacked;
      await writeChosenWheels(entryDir, listing.chosenWheels ?? {});
      const installMs = Math.round(performance.now() - started);
      return { ...missed(listing, { kind: "wheels", ...rest, compressTo, installMs }), builtFromSource: sources.built };
    }
    const tree = await installedTree(installer, request);
    await writeChosenWheels(entryDir, tree.chosenWheels);
    const installMs = Math.round(performance.now() - started);
    return { ...missed(tree, { kind: "installed", tree, compressTo, installMs }), builtFromSource: sources.built };
  };
  return installBuilt(install, { ...sourceRequest, lock, indexes }, directory);
}

/** The tree compressed once under python/: the verified one from the cache entry, or made now. */
export async function compressDependencies(dependencies: Dependencies): Promise<DependencyZip> {
  const source = dependencies.source;
  if (source.kind === "cached") {
    const { sha256, size, unzippedSize, entries } = source.zip;
    const codeSha256 = Buffer.from(sha256, "hex").toString("base64");
    return {
      zip: { path: source.file, sha256, codeSha256, size, unzippedSize, entries },
      directory: source.directory,
      ownCopy: source.ownCopy,
    };
  }
  // the optimize stage may have changed the tree: its files are read as they are now
  const members = source.kind === "wheels" ? source.members : dependencyMembers(source.tree.files);
  const zip = await writeZip(members, source.compressTo);
  return { zip, directory: await readZipDirectory(source.compressTo) };
}

/**
 * Keeps a freshly installed entry (the dependency zip, its manifest with the tree checks'
 * results) for the next build. Call it only after the packages passed inspection. A cache
 * that cannot save is a warning: the build is not affected.
 */
export async function saveDependencies(
  dependencies: Dependencies,
  dependencyZip: DependencyZip | undefined,
  treeChecks: TreeChecks | undefined,
  store: CacheStore | undefined,
  log: Log,
): Promise<void> {
  const { source, entryDir } = dependencies;
  if (!store || source.kind === "cached" || !dependencyZip || !treeChecks) return;
  const { key } = dependencies.cache;
  try {
    // only a zip that lies in the entry is kept: that file is what the next build copies from
    if (path.dirname(dependencyZip.zip.path) !== entryDir) return;
    const manifest: CacheManifest = {
      format: 2,
      key,
      dependencyZip: dependencyZipRecord(dependencyZip.zip),
      distributions: dependencies.tree.distributions.map(({ record: _record, ...d }) => d),
      owners: ownersOf(dependencies.tree, dependencyZip.directory.entries),
      treeChecks,
      installMs: source.installMs,
    };
    await writeManifest(entryDir, manifest);
    if (await store.save(key)) log.info(`Cache saved: ${key} to ${store.description}`);
    else {
      log.annotate(
        "warning",
        `Cache not saved (${key}): another job saved this key first, or this run may only read the cache (pull requests), or the cache service refused it. The build is not affected.`,
      );
    }
  } catch (error) {
    log.annotate("warning", `Cache not saved (${key}): ${(error as Error).message}. The build is not affected.`);
  }
}

interface RestoredEntry {
  entryDir: string;
  manifest: CacheManifest;
  directory: ZipDirectory;
  listing: DependencyListing;
}

/** The entry's manifest, then the one digest over its zip, then the zip's directory as the listing. */
async function restoreEntry(store: CacheStore, key: string, log: Log): Promise<RestoredEntry | undefined> {
  try {
    if (!(await store.restore(key))) {
      await store.discard(key);
      return undefined;
    }
    // asked after the restore: a store may keep a hit elsewhere than a build in progress
    const entryDir = store.entryDir(key);
    const manifest = await readManifest(entryDir);
    const zipFile = path.join(entryDir, DEPENDENCY_ZIP_FILE);
    let problems = manifestProblems(key, manifest);
    if (manifest && problems.length === 0) {
      const found = await digest(zipFile, !store.checksRestoredBytes);
      problems = zipDigestProblems(manifest, found, DEPENDENCY_ZIP_FILE);
    }
    let restored: RestoredEntry | undefined;
    if (manifest && problems.length === 0) {
      const directory = await readZipDirectory(zipFile);
      const listed = listingFromZip(manifest, directory.entries, await loadChosenWheels(entryDir));
      if ("problems" in listed) problems = listed.problems;
      else restored = { entryDir, manifest, directory, listing: listed.listing };
    }
    if (!restored) {
      log.annotate("warning", describeMismatch(key, problems));
      await store.discard(key);
    }
    return restored;
  } catch (error) {
    log.annotate("warning", `Cache restore failed (${(error as Error).message}): installing instead`);
    await store.discard(key).catch(() => {});
    return undefined;
  }
}

/** The file's size, and its SHA-256 when `hash` (undefined when there is no file). */
async function digest(file: string, hash: boolean): Promise<{ sha256?: string; size: number } | undefined> {
  const info = await stat(file).catch(() => undefined);
  if (!info?.isFile()) return undefined;
  return { size: info.size, ...(hash ? { sha256: sha256File(file) } : {}) };
}
