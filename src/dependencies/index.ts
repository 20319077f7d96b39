/**
 * The dependency stage: restore the dependency zip for this exact key, or install the
 * dependencies for the target (pip or uv with --no-deps: the lockfile already pinned
 * everything) and keep their zip for the next build. A cached zip is verified by one
 * digest against its manifest before it is used, so a cache entry can never change what
 * is deployed; what a hit restores and how it is checked is decided in plan.ts.
 *
 * Three explicit steps, each called by build.ts: restoreOrInstall (the dependencies),
 * compressDependencies (the dependency zip both packages copy from), saveDependencies
 * (the entry, once the packages passed inspection).
 */
import { mkdir, rm, stat } from "node:fs/promises";
import path from "node:path";
import { type CacheManifest, DEPENDENCY_ZIP_FILE, readManifest, sha256File, writeManifest } from "../cache/manifest.ts";
import type { CacheStore } from "../cache/store.ts";
import { UserError, type Where } from "../errors.ts";
import type { ScannedFile } from "../inspect/scan.ts";
import type { TreeChecks } from "../inspect/types.ts";
import { chooseInstaller, type Installer, type InstallerChoice } from "../install/index.ts";
import { describeIndexes, effectiveIndexes, readPipConfig } from "../install/indexes.ts";
import { checkInstalledRecords } from "../install/record.ts";
import {
  checkInstalledPaths,
  cleanTree,
  loadChosenWheels,
  readTree,
  UNEXTRACTABLE_HINT,
  writeChosenWheels,
} from "../install/tree.ts";
import type { DependencyListing, DependencyTree, InstallRequest } from "../install/types.ts";
import { type LockedSet, normalizeName } from "../lock/types.ts";
import type { Log } from "../log.ts";
import { parseWheelFilename, type Target } from "../target.ts";
import { type DependencyZip, dependencyMembers } from "../zip/package.ts";
import { readZipDirectory, type ZipDirectory } from "../zip/reader.ts";
import { writeZip, type ZipMember } from "../zip/writer.ts";
import {
  type DependencyZipRecord,
  dependencyKey,
  dependencyZipRecord,
  describeMismatch,
  listingFromZip,
  manifestProblems,
  ownersOf,
  zipDigestProblems,
} from "./plan.ts";
import { type Scanner, transplantWheels } from "./transplant.ts";

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
  /** how long asking the cache took (download, digest, listing), hit or miss */
  restoreMs?: number;
  /**
   * a hit: the verified dependency zip to copy, with the tree checks' results of the tree it
   * was made from. A miss: the installed tree, and where its zip goes (beside the entry's manifest).
   */
  source:
    | { kind: "cached"; zip: DependencyZipRecord; file: string; directory: ZipDirectory; treeChecks: TreeChecks }
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
      };
}

export interface RestoreOrInstallOptions {
  installer: InstallerChoice;
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
  /** what the inspection reads of each file, when the dependencies come from the wheels unpacked here */
  scanner: Scanner<ScannedFile>;
}

export async function restoreOrInstall(options: RestoreOrInstallOptions): Promise<Dependencies> {
  const { target, lock, store, scratch, env, log } = options;
  const installer =
    lock.requirements.length > 0 ? await chooseInstaller(options.installer, options.python, env) : undefined;
  const indexes = effectiveIndexes({
    inputs: { indexUrl: options.indexUrl, extraIndexUrls: options.extraIndexUrls },
    env,
    pipConfig: await readPipConfig(env, installer?.prefix),
    recorded: lock.indexes,
    installer: installer?.name ?? "pip",
  });
  const fromWheels = installer?.download !== undefined && transplanting(env, options.optimizeKey);
  const key = dependencyKey({ target, lock, installer, indexes, optimize: options.optimizeKey, fromWheels });
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
  const request = { lock, target, directory, scratch, env, indexes, log };
  const unpacked =
    installer && fromWheels ? await fromDownloadedWheels(installer, request, options.scanner) : undefined;
  if (unpacked) {
    const { listing, ...rest } = unpacked;
    await writeChosenWheels(entryDir, listing.chosenWheels ?? {});
    const installMs = Math.round(performance.now() - started);
    return missed(listing, { kind: "wheels", ...rest, compressTo, installMs });
  }
  const chosenWheels = installer ? await installer.install(request) : {};
  const tree = { ...(await cleanAndRead(directory)), chosenWheels };
  // held to the rules the wheels unpacked here are: one lockfile, one verdict, whatever the path
  const origin = (name: string | undefined) =>
    name === undefined ? {} : { wheel: chosenWheels[name], where: pinOf(lock, name) };
  checkInstalledPaths(tree, origin);
  checkInstalledRecords(tree, (d) => origin(d.name));
  await writeChosenWheels(entryDir, chosenWheels);
  const installMs = Math.round(performance.now() - started);
  return missed(tree, { kind: "installed", tree, compressTo, installMs });
}

/**
 * Whether the dependencies are unpacked from downloaded wheels (transplant.ts) rather than
 * installed: with pip (uv has no download-only mode), when no optimize setting rewrites an
 * unpacked tree, and unless LPP_UNPACK=pip asks for pip's own unpacking (a way out, should a
 * wheel ever unpack differently here).
 */
function transplanting(env: NodeJS.ProcessEnv, optimizeKey: Record<string, unknown> | undefined): boolean {
  return env.LPP_UNPACK !== "pip" && optimizeKey === undefined;
}

/** Undefined when a wheel needs the install path (said in the debug log). */
async function fromDownloadedWheels(
  installer: Installer,
  request: Omit<InstallRequest, "python">,
  scanner: Scanner<ScannedFile>,
): Promise<
  | { listing: DependencyListing; members: ZipMember[]; scanned: ScannedFile[]; downloadMs: number; unpackMs: number }
  | undefined
> {
  if (!installer.download) return undefined;
  const wheels = path.join(request.scratch, "wheels");
  const unpackedFiles = path.join(request.scratch, "unpacked");
  for (const dir of [wheels, unpackedFiles]) {
    await rm(dir, { recursive: true, force: true });
    await mkdir(dir, { recursive: true });
  }
  const started = performance.now();
  const downloaded = await installer.download({ ...request, directory: wheels });
  const downloadMs = Math.round(performance.now() - started);
  const result = await transplantWheels(downloaded.wheels, unpackedFiles, scanner, (wheelFile) =>
    pinOf(request.lock, parseWheelFilename(wheelFile)?.name ?? ""),
  );
  const unpackMs = Math.round(performance.now() - started) - downloadMs;
  if ("unusual" in result) {
    request.log.debug(`Unpacking the wheels here is not possible (${result.unusual}): pip installs them instead`);
    return undefined;
  }
  const listing = { ...result.listing, chosenWheels: downloaded.chosenWheels };
  return { listing, members: result.members, scanned: result.scanned, downloadMs, unpackMs };
}

/** The installed tree cleaned and read; a path too long for this runner's folders is the wheel's problem. */
async function cleanAndRead(directory: string): Promise<DependencyTree> {
  try {
    await cleanTree(directory);
    return await readTree(directory);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENAMETOOLONG") throw error;
    const where = (error as NodeJS.ErrnoException).path ?? directory;
    throw new UserError(
      `an installed file's path is too long for Linux (${Buffer.byteLength(where)} bytes with the folders it is in): ${JSON.stringify(path.relative(directory, where))}`,
      { hint: UNEXTRACTABLE_HINT },
    );
  }
}

/** Where a distribution is pinned in the lockfile (file, line), for a refusal that names it. */
function pinOf(lock: LockedSet, distribution: string): Where | undefined {
  const name = normalizeName(distribution);
  const pin = lock.requirements.find((r) => normalizeName(r.name) === name);
  return pin ? { file: pin.where.file, line: pin.where.line, distribution: name } : undefined;
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
    if (manifest && problems.length === 0)
      problems = zipDigestProblems(manifest, await digest(zipFile), DEPENDENCY_ZIP_FILE);
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

async function digest(file: string): Promise<{ sha256: string; size: number } | undefined> {
  const info = await stat(file).catch(() => undefined);
  if (!info?.isFile()) return undefined;
  return { sha256: sha256File(file), size: info.size };
}
