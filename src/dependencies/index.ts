/**
 * The dependency stage: restore the installed tree for this exact key, or install it
 * for the target (pip or uv with --no-deps: the lockfile already pinned everything) and
 * keep it for the next build. A cached tree is verified file by file against its
 * manifest before it is used, so a cache entry can never change what is deployed.
 *
 * Three explicit steps, each called by run.ts: restoreOrInstall (the tree),
 * compressDependencies (the dependency zip both packages copy from), saveDependencies
 * (the entry, once the packages passed inspection).
 */
import { mkdir, rm } from "node:fs/promises";
import path from "node:path";
import {
  type CacheManifest,
  DEPENDENCY_ZIP_FILE,
  describeFiles,
  readManifest,
  sha256File,
  TREE_DIR,
  verifyTree,
  writeManifest,
} from "../cache/manifest.ts";
import type { CacheStore } from "../cache/store.ts";
import { chooseInstaller, type InstallerChoice } from "../install/index.ts";
import { describeIndexes, effectiveIndexes, readPipConfig } from "../install/indexes.ts";
import { cleanTree, loadChosenWheels, readTree, writeChosenWheels } from "../install/tree.ts";
import type { DependencyTree } from "../install/types.ts";
import type { LockedSet } from "../lock/types.ts";
import type { Log } from "../log.ts";
import type { Target } from "../target.ts";
import { type DependencyZip, dependencyMembers } from "../zip/package.ts";
import { readZipDirectory } from "../zip/reader.ts";
import { writeZip } from "../zip/writer.ts";
import {
  type DependencyZipRecord,
  dependencyKey,
  dependencyZipRecord,
  describeMismatch,
  entryProblems,
  planDependencyZip,
} from "./plan.ts";

export interface CacheStatus {
  enabled: boolean;
  key: string;
  hit: boolean;
  store?: string;
  savedMs?: number;
}

export interface Dependencies {
  tree: DependencyTree;
  /** the installer, for the log and the report */
  installer: string;
  cache: CacheStatus;
  /** the verified dependency zip of the cache entry to copy, or the file to compress the tree into */
  dependencyZip: { cached: DependencyZipRecord; file: string } | { compressTo: string };
  /** on a miss: the entry folder to save, and how long the install took */
  fresh?: { entryDir: string; installMs: number };
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
  const key = dependencyKey({ target, lock, installer, indexes, optimize: options.optimizeKey });
  const installerLabel = installer?.label ?? "none (no dependencies)";

  if (store) {
    const restored = await restoreEntry(store, key, log);
    if (restored) {
      const savedMs = restored.manifest.installMs;
      log.info(
        `Cache hit: ${key} from ${store.description}; no install (about ${(savedMs / 1000).toFixed(1)} s saved)`,
      );
      const decision = planDependencyZip(restored.manifest.dependencyZip);
      if (!decision.reuse && decision.why) log.info(decision.why);
      return {
        tree: restored.tree,
        installer: installerLabel,
        cache: { enabled: true, key, hit: true, store: store.description, savedMs },
        dependencyZip: decision.reuse
          ? { cached: decision.record, file: path.join(store.entryDir(key), DEPENDENCY_ZIP_FILE) }
          : { compressTo: path.join(scratch, DEPENDENCY_ZIP_FILE) },
      };
    }
    log.info(`Cache miss: ${key} (${store.description}); installing`);
  }

  const entryDir = store ? store.entryDir(key) : path.join(scratch, "entry");
  await rm(entryDir, { recursive: true, force: true });
  const directory = path.join(entryDir, TREE_DIR);
  await mkdir(directory, { recursive: true });
  const started = performance.now();
  let chosenWheels: Record<string, string> = {};
  if (installer) {
    log.info(`Installer: ${installerLabel}`);
    log.info(describeIndexes(indexes));
    chosenWheels = await installer.install({ lock, target, directory, scratch, env, indexes, log });
  }
  await cleanTree(directory);
  const tree = { ...(await readTree(directory)), chosenWheels };
  await writeChosenWheels(entryDir, chosenWheels);
  return {
    tree,
    installer: installerLabel,
    cache: { enabled: store !== undefined, key, hit: false, store: store?.description },
    // made beside the tree, so the entry needs no copy of it
    dependencyZip: { compressTo: path.join(entryDir, DEPENDENCY_ZIP_FILE) },
    fresh: { entryDir, installMs: Math.round(performance.now() - started) },
  };
}

/** The tree compressed once under python/: the verified one from the cache entry, or made now. */
export async function compressDependencies(dependencies: Dependencies): Promise<DependencyZip> {
  const source = dependencies.dependencyZip;
  if ("cached" in source) {
    const { sha256, size, unzippedSize, entries } = source.cached;
    const codeSha256 = Buffer.from(sha256, "hex").toString("base64");
    return {
      zip: { path: source.file, sha256, codeSha256, size, unzippedSize, entries },
      directory: await readZipDirectory(source.file),
    };
  }
  await mkdir(path.dirname(source.compressTo), { recursive: true });
  const zip = await writeZip(dependencyMembers(dependencies.tree.files), source.compressTo);
  return { zip, directory: await readZipDirectory(source.compressTo) };
}

/**
 * Keeps a freshly installed entry (tree, and the dependency zip when it was made beside
 * it) for the next build. Call it only after the packages passed inspection. A cache
 * that cannot save is a warning: the build is not affected.
 */
export async function saveDependencies(
  dependencies: Dependencies,
  dependencyZip: DependencyZip | undefined,
  store: CacheStore | undefined,
  log: Log,
): Promise<void> {
  const { fresh, tree } = dependencies;
  if (!store || !fresh) return;
  const { key } = dependencies.cache;
  try {
    const manifest: CacheManifest = {
      format: 1,
      key,
      files: await describeFiles(tree.files),
      installMs: fresh.installMs,
    };
    // recorded only when it lies in the entry: that file is what the next build copies from
    if (dependencyZip && path.dirname(dependencyZip.zip.path) === fresh.entryDir) {
      manifest.dependencyZip = dependencyZipRecord(dependencyZip.zip);
    }
    await writeManifest(fresh.entryDir, manifest);
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

async function restoreEntry(
  store: CacheStore,
  key: string,
  log: Log,
): Promise<{ tree: DependencyTree; manifest: CacheManifest } | undefined> {
  try {
    if (!(await store.restore(key))) {
      await store.discard(key);
      return undefined;
    }
    // asked after the restore: a store may keep a hit elsewhere than a build in progress
    const entryDir = store.entryDir(key);
    const manifest = await readManifest(entryDir);
    // listed once: the tree read for the next stages is the one verified
    const tree =
      manifest?.key === key
        ? { ...(await readTree(path.join(entryDir, TREE_DIR))), chosenWheels: await loadChosenWheels(entryDir) }
        : undefined;
    const reused = planDependencyZip(manifest?.dependencyZip).reuse;
    const problems = entryProblems({
      key,
      manifest,
      treeProblems: manifest && tree ? await verifyTree(manifest, tree.files) : undefined,
      dependencyZipSha256: reused ? sha256OrMissing(path.join(entryDir, DEPENDENCY_ZIP_FILE)) : undefined,
      dependencyZipFile: DEPENDENCY_ZIP_FILE,
    });
    if (problems.length > 0 || !manifest || !tree) {
      log.annotate("warning", describeMismatch(key, problems));
      await store.discard(key);
      return undefined;
    }
    return { tree, manifest };
  } catch (error) {
    log.annotate("warning", `Cache restore failed (${(error as Error).message}): installing instead`);
    await store.discard(key).catch(() => {});
    return undefined;
  }
}

function sha256OrMissing(file: string): string {
  try {
    return sha256File(file);
  } catch {
    return "missing";
  }
}
