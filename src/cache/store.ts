/**
 * Where cached trees live. Inside Actions: the Actions cache (@actions/cache),
 * restored into and saved from a folder under RUNNER_TEMP. Elsewhere (the demo,
 * local runs): a plain folder, $XDG_CACHE_HOME/lambda-python-package (default
 * ~/.cache/lambda-python-package), one subfolder per key.
 */
import { existsSync } from "node:fs";
import { mkdir, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import * as actionsCache from "@actions/cache";
import { MANIFEST_FILE } from "./manifest.ts";

export interface CacheStore {
  readonly kind: "actions" | "directory";
  readonly description: string;
  /** the folder an entry for this key lives in: restored into, or installed into on a miss */
  entryDir(key: string): string;
  /** true when entryDir(key) now holds a complete entry, still to be verified */
  restore(key: string): Promise<boolean>;
  /** false when the store refused (a warning for the caller, never a failure) */
  save(key: string): Promise<boolean>;
  discard(key: string): Promise<void>;
}

export class ActionsCacheStore implements CacheStore {
  readonly kind = "actions";
  readonly description = "the Actions cache";
  constructor(private readonly root: string) {}
  entryDir(key: string): string {
    return path.join(this.root, key);
  }
  async restore(key: string): Promise<boolean> {
    const dir = this.entryDir(key);
    await rm(dir, { recursive: true, force: true });
    await mkdir(this.root, { recursive: true });
    // Exact key only: a tree for another lockfile is never partly reused.
    const hit = await actionsCache.restoreCache([dir], key, [], {}, false);
    return hit === key && existsSync(path.join(dir, MANIFEST_FILE));
  }
  async save(key: string): Promise<boolean> {
    const id = await actionsCache.saveCache([this.entryDir(key)], key);
    return id !== -1;
  }
  async discard(key: string): Promise<void> {
    await rm(this.entryDir(key), { recursive: true, force: true });
  }
}

export class DirectoryCacheStore implements CacheStore {
  readonly kind = "directory";
  constructor(private readonly root: string) {}
  get description(): string {
    return `the folder ${this.root}`;
  }
  entryDir(key: string): string {
    return path.join(this.root, key);
  }
  async restore(key: string): Promise<boolean> {
    return existsSync(path.join(this.entryDir(key), MANIFEST_FILE));
  }
  async save(): Promise<boolean> {
    // the entry was built in place; its manifest, written last, completes it
    return true;
  }
  async discard(key: string): Promise<void> {
    await rm(this.entryDir(key), { recursive: true, force: true });
  }
}

export function directoryCacheRoot(env: NodeJS.ProcessEnv): string {
  return path.join(env.XDG_CACHE_HOME || path.join(env.HOME || os.homedir(), ".cache"), "lambda-python-package");
}

export function chooseStore(env: NodeJS.ProcessEnv): CacheStore {
  const inActions = env.GITHUB_ACTIONS === "true" && actionsCache.isFeatureAvailable();
  if (inActions) return new ActionsCacheStore(path.join(env.RUNNER_TEMP || os.tmpdir(), "lambda-python-package-cache"));
  return new DirectoryCacheStore(directoryCacheRoot(env));
}
