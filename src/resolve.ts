/**
 * Stage 3, resolve and cache: restore the installed tree for this exact key, or
 * install it for the target and keep it for the next build. A cached tree is
 * verified file by file against its manifest before it is used, so a cache entry
 * can never change what is deployed.
 */
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { mkdir, rm } from "node:fs/promises";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import { cacheKey } from "./cache/key.ts";
import {
  type CacheManifest,
  describeFiles,
  LAYER_ZIP_FILE,
  readManifest,
  TREE_DIR,
  verifyTree,
  writeManifest,
} from "./cache/manifest.ts";
import type { CacheStore } from "./cache/store.ts";
import type { Inputs } from "./inputs.ts";
import { chooseInstaller } from "./install/index.ts";
import { describeIndexes, effectiveIndexes, indexesForKey, readPipConfig } from "./install/indexes.ts";
import { cleanTree, loadChosenWheels, readTree, writeChosenWheels } from "./install/tree.ts";
import type { DependencyTree } from "./install/types.ts";
import type { LockedSet } from "./lock/types.ts";
import type { Log } from "./log.ts";
import type { Target } from "./target.ts";
import { type DependencyZip, dependencyMembers } from "./zip/package.ts";
import { readZipDirectory } from "./zip/reader.ts";
import { writeZip, ZIP_LEVEL, type ZipResult } from "./zip/writer.ts";

export interface Resolved {
  tree: DependencyTree;
  installer: string;
  cache: { enabled: boolean; key: string; hit: boolean; store?: string; savedMs?: number };
  /**
   * The tree compressed once, under python/ (the layer zip as it is): the verified one
   * from the cache entry, or made on the first call. The function zip copies its entries.
   */
  dependencyZip(): Promise<DependencyZip>;
  /** Keep the entry (tree and dependency zip) for the next build: call after the packages are built and inspected. */
  commit(): Promise<void>;
}

/**
 * The manifest's record of the dependency zip, with what made it: its entries are
 * reused only when this zlib at this level would compress them to the same bytes,
 * or a warm build could differ from a cold one.
 */
type DependencyZipRecord = NonNullable<CacheManifest["layerZip"]>;

const dependencyZipRecord = (zip: ZipResult): DependencyZipRecord => ({
  sha256: zip.sha256,
  size: zip.size,
  entries: zip.entries,
  unzippedSize: zip.unzippedSize,
  zlib: process.versions.zlib,
  level: ZIP_LEVEL,
});

function reusable(record: DependencyZipRecord): boolean {
  return record.zlib === process.versions.zlib && record.level === ZIP_LEVEL;
}

async function sha256File(file: string): Promise<string> {
  const hash = createHash("sha256");
  await pipeline(createReadStream(file, { highWaterMark: 1024 * 1024 }), hash);
  return hash.digest("hex");
}

/** The entry's dependency zip, its sha256 verified on restore. */
function cachedDependencyZip(record: DependencyZipRecord, file: string): () => Promise<DependencyZip> {
  const codeSha256 = Buffer.from(record.sha256, "hex").toString("base64");
  const { sha256, size, unzippedSize, entries } = record;
  return async () => ({
    zip: { path: file, sha256, codeSha256, size, unzippedSize, entries },
    directory: await readZipDirectory(file),
  });
}

/** Compresses the tree on the first call; later calls get the same zip. */
function dependencyZipMaker(tree: DependencyTree, file: string): () => Promise<DependencyZip> {
  let made: Promise<DependencyZip> | undefined;
  return () => {
    made ??= (async () => {
      await mkdir(path.dirname(file), { recursive: true });
      const zip = await writeZip(dependencyMembers(tree.files), file);
      return { zip, directory: await readZipDirectory(file) };
    })();
    return made;
  };
}

export interface ResolveOptions {
  inputs: Inputs;
  target: Target;
  lock: LockedSet;
  store?: CacheStore;
  scratch: string;
  env: NodeJS.ProcessEnv;
  log: Log;
  /** what the optimize stage will do to the tree (optimizeKey): part of the key */
  optimizeKey?: Record<string, unknown>;
}

export async function resolveTree(options: ResolveOptions): Promise<Resolved> {
  const { inputs, target, lock, store, scratch, env, log } = options;
  const installer =
    lock.requirements.length > 0 ? await chooseInstaller(inputs.installer, inputs.python, env) : undefined;
  const indexes = effectiveIndexes({
    inputs,
    env,
    pipConfig: await readPipConfig(env, installer?.prefix),
    recorded: lock.indexes,
    installer: installer?.name ?? "pip",
  });
  const key = cacheKey({
    target,
    lock,
    installer: { name: installer?.name ?? "none", version: installer?.version ?? "" },
    options: { indexes: indexesForKey(indexes.asked) },
    optimize: options.optimizeKey,
  });
  const installerLabel = installer?.label ?? "none (no dependencies)";

  if (store) {
    const restored = await restoreEntry(store, key, log);
    if (restored) {
      const savedMs = restored.manifest.installMs;
      log.info(
        `Cache hit: ${key} from ${store.description}; no install (about ${(savedMs / 1000).toFixed(1)} s saved)`,
      );
      const record = restored.manifest.layerZip;
      const reuse = record && reusable(record);
      if (!reuse) {
        log.info(
          record
            ? `The cached dependency zip was made by zlib ${record.zlib ?? "unknown"} at level ${record.level ?? "unknown"}, this build has zlib ${process.versions.zlib}: compressing the dependencies again`
            : "The cache entry has no dependency zip: compressing the dependencies",
        );
      }
      const dependencyZip = reuse
        ? cachedDependencyZip(record, path.join(store.entryDir(key), LAYER_ZIP_FILE))
        : dependencyZipMaker(restored.tree, path.join(scratch, LAYER_ZIP_FILE));
      return {
        tree: restored.tree,
        installer: installerLabel,
        cache: { enabled: true, key, hit: true, store: store.description, savedMs },
        dependencyZip,
        commit: async () => {},
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
  const installMs = Math.round(performance.now() - started);
  // made beside the tree, so the entry needs no copy of it
  const dependencyZip = dependencyZipMaker(tree, path.join(entryDir, LAYER_ZIP_FILE));
  let made: ZipResult | undefined;

  return {
    tree,
    installer: installerLabel,
    cache: { enabled: store !== undefined, key, hit: false, store: store?.description },
    dependencyZip: async () => {
      const result = await dependencyZip();
      made = result.zip;
      return result;
    },
    commit: async () => {
      if (!store) return;
      try {
        const manifest: CacheManifest = { format: 1, key, files: await describeFiles(tree.files), installMs };
        if (made) manifest.layerZip = dependencyZipRecord(made);
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
    },
  };
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
    const manifest: CacheManifest | undefined = await readManifest(entryDir);
    const usable = manifest?.key === key;
    // listed once: the tree read for the next stages is the one verified
    const tree = usable
      ? { ...(await readTree(path.join(entryDir, TREE_DIR))), chosenWheels: await loadChosenWheels(entryDir) }
      : undefined;
    const problems =
      manifest && tree ? await verifyTree(manifest, tree.files) : ["its manifest is missing or unreadable"];
    if (manifest?.layerZip && reusable(manifest.layerZip)) {
      const actual = await sha256File(path.join(entryDir, LAYER_ZIP_FILE)).catch(() => "missing");
      if (actual !== manifest.layerZip.sha256)
        problems.push(`${LAYER_ZIP_FILE} has other content than when it was saved`);
    }
    if (problems.length > 0 || !manifest || !tree) {
      log.annotate(
        "warning",
        `Cache entry ${key} does not match its manifest (${problems.slice(0, 3).join("; ")}${problems.length > 3 ? `; and ${problems.length - 3} more` : ""}): discarded, installing again`,
      );
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
