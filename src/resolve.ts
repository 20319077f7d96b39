/**
 * Stage 3, resolve and cache: restore the installed tree for this exact key, or
 * install it for the target and keep it for the next build. A cached tree is
 * verified file by file against its manifest before it is used, so a cache entry
 * can never change what is deployed.
 */
import { copyFile, mkdir, rm } from "node:fs/promises";
import path from "node:path";
import { cacheKey } from "./cache/key.ts";
import {
  type CacheManifest,
  describeFiles,
  hashFile,
  LAYER_ZIP_FILE,
  readManifest,
  TREE_DIR,
  verifyTree,
  writeManifest,
} from "./cache/manifest.ts";
import type { CacheStore } from "./cache/store.ts";
import type { Inputs } from "./inputs.ts";
import { chooseInstaller } from "./install/index.ts";
import { cleanTree, listFiles, readTree } from "./install/tree.ts";
import type { DependencyTree } from "./install/types.ts";
import type { LockedSet } from "./lock/types.ts";
import type { Log } from "./log.ts";
import type { Target } from "./target.ts";
import type { ZipResult } from "./zip/writer.ts";

export interface Resolved {
  tree: DependencyTree;
  installer: string;
  cache: { enabled: boolean; key: string; hit: boolean; store?: string; savedMs?: number };
  /** a verified layer zip from the cache, when the entry has one */
  cachedLayerZip?: ZipResult;
  /** keep the entry for the next build: call after the packages are built and inspected */
  commit(layerZip?: ZipResult): Promise<void>;
}

export interface ResolveOptions {
  inputs: Inputs;
  target: Target;
  lock: LockedSet;
  store?: CacheStore;
  scratch: string;
  env: NodeJS.ProcessEnv;
  log: Log;
}

export async function resolveTree(options: ResolveOptions): Promise<Resolved> {
  const { inputs, target, lock, store, scratch, env, log } = options;
  const installer =
    lock.requirements.length > 0 ? await chooseInstaller(inputs.installer, inputs.python, env) : undefined;
  const indexOverride = { indexUrl: inputs.indexUrl, extraIndexUrls: inputs.extraIndexUrls };
  const key = cacheKey({
    target,
    lock,
    installer: { name: installer?.name ?? "none", version: installer?.version ?? "" },
    options: { ...indexOverride, lockIndexes: lock.indexes },
  });
  const installerLabel = installer?.label ?? "none (no dependencies)";

  if (store) {
    const restored = await restoreEntry(store, key, log);
    if (restored) {
      const savedMs = restored.manifest.installMs;
      log.info(
        `Cache hit: ${key} from ${store.description}; no install (about ${(savedMs / 1000).toFixed(1)} s saved)`,
      );
      const entryDir = store.entryDir(key);
      return {
        tree: restored.tree,
        installer: installerLabel,
        cache: { enabled: true, key, hit: true, store: store.description, savedMs },
        cachedLayerZip: restored.manifest.layerZip && {
          ...restored.manifest.layerZip,
          path: path.join(entryDir, LAYER_ZIP_FILE),
          codeSha256: Buffer.from(restored.manifest.layerZip.sha256, "hex").toString("base64"),
        },
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
  if (installer) {
    log.info(`Installer: ${installerLabel}`);
    await installer.install({ lock, target, directory, scratch, env, indexOverride, log });
  }
  await cleanTree(directory);
  const tree = await readTree(directory);
  const installMs = Math.round(performance.now() - started);

  return {
    tree,
    installer: installerLabel,
    cache: { enabled: store !== undefined, key, hit: false, store: store?.description },
    commit: async (layerZip) => {
      if (!store) return;
      try {
        const manifest: CacheManifest = { format: 1, key, files: await describeFiles(tree.files), installMs };
        if (layerZip) {
          await copyFile(layerZip.path, path.join(entryDir, LAYER_ZIP_FILE));
          const { sha256, size, unzippedSize, entries } = layerZip;
          manifest.layerZip = { sha256, size, unzippedSize, entries };
        }
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
  const entryDir = store.entryDir(key);
  try {
    if (!(await store.restore(key))) {
      await store.discard(key);
      return undefined;
    }
    const manifest = await readManifest(entryDir);
    const treeDir = path.join(entryDir, TREE_DIR);
    const problems =
      manifest && manifest.key === key
        ? await verifyTree(manifest, await listFiles(treeDir))
        : ["its manifest is missing or unreadable"];
    if (manifest?.layerZip) {
      const zipPath = path.join(entryDir, LAYER_ZIP_FILE);
      const actual = await hashFile(zipPath).catch(() => "missing");
      if (actual !== manifest.layerZip.sha256)
        problems.push(`${LAYER_ZIP_FILE} has other content than when it was saved`);
    }
    if (problems.length > 0 || !manifest) {
      log.annotate(
        "warning",
        `Cache entry ${key} does not match its manifest (${problems.slice(0, 3).join("; ")}${problems.length > 3 ? `; and ${problems.length - 3} more` : ""}): discarded, installing again`,
      );
      await store.discard(key);
      return undefined;
    }
    return { tree: await readTree(treeDir), manifest };
  } catch (error) {
    log.annotate("warning", `Cache restore failed (${(error as Error).message}): installing instead`);
    await store.discard(key).catch(() => {});
    return undefined;
  }
}
