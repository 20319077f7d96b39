/**
 * Where cached trees live. Inside Actions: the Actions cache (@actions/cache),
 * restored into and saved from a folder under RUNNER_TEMP. Elsewhere (the demo,
 * local runs): a plain folder, $XDG_CACHE_HOME/lambda-python-package (default
 * ~/.cache/lambda-python-package), one subfolder per key.
 */
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readdir, rename, rm, stat } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { collectGarbage, collectingDroppedBuffers } from "../collect.ts";
import { CACHE_VARIABLES, withToolkitEnv, withToolkitEnvSync } from "../toolkit-env.ts";
import { MANIFEST_FILE } from "./manifest.ts";

export interface CacheStore {
  readonly kind: "actions" | "directory";
  readonly description: string;
  /**
   * the folder an entry for this key lives in: after restore(key), the restored entry on a
   * hit, or the folder to install into on a miss
   */
  entryDir(key: string): string;
  /** true when entryDir(key) now holds a complete entry, still to be verified */
  restore(key: string): Promise<boolean>;
  /**
   * true when a restored entry is this run's own copy, read by nothing else: its dependency
   * zip may become the layer zip by a rename instead of a copy
   */
  readonly restoresOwnCopy: boolean;
  /**
   * true when restore() itself proves the restored files are the bytes that were saved, so a
   * hit needs no digest of its own: the Actions cache's archive carries a checksum (zstd's
   * XXH64, gzip's CRC-32) that tar's decompressor checks while extracting, and a mismatch
   * fails the restore
   */
  readonly checksRestoredBytes: boolean;
  /** false when the store refused (a warning for the caller, never a failure) */
  save(key: string): Promise<boolean>;
  discard(key: string): Promise<void>;
}

/**
 * @actions/cache derives an entry's version from the paths it is given, as given, and
 * stores them in the archive relative to GITHUB_WORKSPACE, where it also extracts them.
 * An absolute path under RUNNER_TEMP would make the version, and the place the archive
 * unpacks to, depend on where the runner keeps its temp folder (/__w/_temp in a
 * container job, /home/runner/work/_temp on the host, anything on a self-hosted runner).
 * So the cache is given the key's folder name alone, relative to the cache root, with
 * the working folder and GITHUB_WORKSPACE pointed at that root for the call: the same
 * version and the same archive on every runner.
 */
async function inCacheRoot<T>(root: string, env: NodeJS.ProcessEnv, fn: () => Promise<T>): Promise<T> {
  await mkdir(root, { recursive: true });
  return withToolkitEnv({ ...env, GITHUB_WORKSPACE: root }, CACHE_VARIABLES, fn, root);
}

export class ActionsCacheStore implements CacheStore {
  readonly kind = "actions";
  readonly description = "the Actions cache";
  /** restored into a folder of this run's RUNNER_TEMP */
  readonly restoresOwnCopy = true;
  readonly checksRestoredBytes = true;
  /** env: the environment the toolkit reads its service, token and settings from */
  constructor(
    private readonly root: string,
    private readonly env: NodeJS.ProcessEnv,
  ) {}
  entryDir(key: string): string {
    return path.join(this.root, key);
  }
  async restore(key: string): Promise<boolean> {
    const dir = this.entryDir(key);
    await rm(dir, { recursive: true, force: true });
    // Exact key only: a tree for another lockfile is never partly reused.
    const { restoreCache } = await actionsCache();
    // the download's read buffers freed as it goes, and the last of them before the hit's own work allocates
    const hit = await collectingDroppedBuffers(() =>
      inCacheRoot(this.root, this.env, () => restoreCache([key], key, [], {}, false)),
    );
    collectGarbage();
    return hit === key && existsSync(path.join(dir, MANIFEST_FILE));
  }
  async save(key: string): Promise<boolean> {
    const { saveCache } = await actionsCache();
    const id = await collectingDroppedBuffers(() => inCacheRoot(this.root, this.env, () => saveCache([key], key)));
    return id !== -1;
  }
  async discard(key: string): Promise<void> {
    await rm(this.entryDir(key), { recursive: true, force: true });
  }
}

/** Staging folders older than this belong to runs that were killed: removed on the next restore. */
const STALE_STAGING_MS = 24 * 60 * 60 * 1000;

/**
 * One folder per key, shared by every run on the machine, concurrent ones included. A
 * published entry is never changed: a run that misses builds in a staging folder of its
 * own and publishes it with one rename, which fails when another run published first
 * (a folder is not renamed onto a non-empty one), so a reader never sees an entry
 * deleted or half-written under it.
 */
export class DirectoryCacheStore implements CacheStore {
  readonly kind = "directory";
  /** a hit is the published entry every run on the machine reads */
  readonly restoresOwnCopy = false;
  /** a folder's files can change after they were published: each hit is hashed */
  readonly checksRestoredBytes = false;
  /** keys this run restored: their entryDir is the published entry */
  private readonly hits = new Set<string>();
  private readonly staging = new Map<string, string>();
  constructor(private readonly root: string) {}
  get description(): string {
    return `the folder ${this.root}`;
  }
  private published(key: string): string {
    return path.join(this.root, key);
  }
  /** the published entry after a hit; else this run's own staging folder for the key */
  entryDir(key: string): string {
    if (this.hits.has(key)) return this.published(key);
    let dir = this.staging.get(key);
    if (!dir) {
      dir = path.join(this.root, STAGING_DIR, `${key}-${process.pid}-${randomBytes(6).toString("hex")}`);
      this.staging.set(key, dir);
    }
    return dir;
  }
  async restore(key: string): Promise<boolean> {
    await this.removeStaleStaging();
    const hit = existsSync(path.join(this.published(key), MANIFEST_FILE));
    if (hit) this.hits.add(key);
    return hit;
  }
  async save(key: string): Promise<boolean> {
    const dir = this.entryDir(key);
    if (this.hits.has(key)) return true;
    await mkdir(this.root, { recursive: true });
    for (let attempt = 0; ; attempt++) {
      try {
        await rename(dir, this.published(key));
        break;
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code !== "ENOTEMPTY" && code !== "EEXIST") throw error;
        // A folder without a manifest there is no entry (left half-written by an older
        // version, or damaged): moved aside once, then ours takes its place.
        if (attempt === 0 && !existsSync(path.join(this.published(key), MANIFEST_FILE))) {
          await this.moveAside(key);
          continue;
        }
        // another run published this key first: its entry stands, ours goes
        await rm(dir, { recursive: true, force: true });
        break;
      }
    }
    this.staging.delete(key);
    return true;
  }
  async discard(key: string): Promise<void> {
    if (!this.hits.delete(key)) {
      await rm(this.entryDir(key), { recursive: true, force: true });
      return;
    }
    await this.moveAside(key);
  }
  /**
   * A published entry that failed its check is moved aside in one step, so a run that
   * publishes the key again meanwhile is not deleted with it, then removed.
   */
  private async moveAside(key: string): Promise<void> {
    const aside = path.join(
      this.root,
      STAGING_DIR,
      `discarded-${key}-${process.pid}-${randomBytes(6).toString("hex")}`,
    );
    await mkdir(path.dirname(aside), { recursive: true });
    const moved = await rename(this.published(key), aside).then(
      () => true,
      () => false,
    );
    if (moved) await rm(aside, { recursive: true, force: true });
  }
  private async removeStaleStaging(): Promise<void> {
    const dir = path.join(this.root, STAGING_DIR);
    const names = await readdir(dir).catch(() => [] as string[]);
    const now = Date.now();
    for (const name of names) {
      const info = await stat(path.join(dir, name)).catch(() => undefined);
      if (info && now - info.mtimeMs > STALE_STAGING_MS)
        await rm(path.join(dir, name), { recursive: true, force: true });
    }
  }
}

/** Where entries are built before they are published: inside the root, so publishing is a rename. */
const STAGING_DIR = ".staging";

export function directoryCacheRoot(env: NodeJS.ProcessEnv): string {
  return path.join(env.XDG_CACHE_HOME || path.join(env.HOME || os.homedir(), ".cache"), "lambda-python-package");
}

/**
 * @actions/cache (with the Azure storage client it uploads and downloads through), loaded the
 * first time a run inside Actions asks the cache: a run outside Actions, or with `cache: false`,
 * never parses it.
 */
export function actionsCache(): Promise<typeof import("@actions/cache")> {
  return import("@actions/cache");
}

export async function chooseStore(env: NodeJS.ProcessEnv): Promise<CacheStore> {
  if (env.GITHUB_ACTIONS !== "true") return new DirectoryCacheStore(directoryCacheRoot(env));
  const { isFeatureAvailable } = await actionsCache();
  if (withToolkitEnvSync(env, CACHE_VARIABLES, isFeatureAvailable)) {
    return new ActionsCacheStore(path.join(env.RUNNER_TEMP || os.tmpdir(), "lambda-python-package-cache"), env);
  }
  return new DirectoryCacheStore(directoryCacheRoot(env));
}
