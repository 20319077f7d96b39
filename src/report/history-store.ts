/**
 * Where build manifests are kept between runs: the Actions cache (one entry per run,
 * found again by the newest entry whose key starts with the branch's prefix; pull
 * requests can read their base branch's entries), or a folder outside Actions.
 */
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { actionsCache, directoryCacheRoot } from "../cache/store.ts";
import type { BuildManifest } from "./history.ts";

export interface HistoryStore {
  load(branch: string): Promise<BuildManifest | undefined>;
  save(branch: string, manifest: BuildManifest): Promise<void>;
}

const slug = (text: string) => text.replace(/[^A-Za-z0-9._-]+/g, "_").slice(0, 80);

function prefix(scope: { runtime: string; architecture: string; name: string }, branch: string): string {
  return `lpp-history-v1-${scope.runtime}-${scope.architecture}-${slug(scope.name)}-${slug(branch)}-`;
}

async function readManifest(file: string): Promise<BuildManifest | undefined> {
  try {
    const parsed = JSON.parse(await readFile(file, "utf8")) as BuildManifest;
    return parsed.version === 1 && Array.isArray(parsed.distributions) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

export class ActionsHistoryStore implements HistoryStore {
  private readonly dir: string;
  constructor(
    private readonly scope: { runtime: string; architecture: string; name: string },
    env: NodeJS.ProcessEnv,
  ) {
    // restore and save must name the same path: it is part of the cache entry's version
    this.dir = path.join(env.RUNNER_TEMP || os.tmpdir(), "lambda-python-package-history");
    this.runId = `${env.GITHUB_RUN_ID ?? "0"}-${env.GITHUB_RUN_ATTEMPT ?? "1"}`;
  }
  private readonly runId: string;
  async load(branch: string): Promise<BuildManifest | undefined> {
    await rm(this.dir, { recursive: true, force: true });
    const p = prefix(this.scope, branch);
    const { restoreCache } = await actionsCache();
    const hit = await restoreCache([this.dir], `${p}latest`, [p]);
    return hit ? readManifest(path.join(this.dir, "manifest.json")) : undefined;
  }
  async save(branch: string, manifest: BuildManifest): Promise<void> {
    await rm(this.dir, { recursive: true, force: true });
    await mkdir(this.dir, { recursive: true });
    await writeFile(path.join(this.dir, "manifest.json"), JSON.stringify(manifest));
    const { saveCache } = await actionsCache();
    await saveCache([this.dir], `${prefix(this.scope, branch)}${this.runId}`);
  }
}

export class DirectoryHistoryStore implements HistoryStore {
  constructor(
    private readonly scope: { runtime: string; architecture: string; name: string },
    private readonly root: string,
  ) {}
  private file(branch: string): string {
    return path.join(this.root, `${prefix(this.scope, branch)}latest.json`);
  }
  load(branch: string): Promise<BuildManifest | undefined> {
    return readManifest(this.file(branch));
  }
  async save(branch: string, manifest: BuildManifest): Promise<void> {
    await mkdir(this.root, { recursive: true });
    await writeFile(this.file(branch), JSON.stringify(manifest));
  }
}

export async function chooseHistoryStore(
  scope: { runtime: string; architecture: string; name: string },
  env: NodeJS.ProcessEnv,
): Promise<HistoryStore> {
  if (env.GITHUB_ACTIONS === "true" && (await actionsCache()).isFeatureAvailable())
    return new ActionsHistoryStore(scope, env);
  return new DirectoryHistoryStore(scope, path.join(directoryCacheRoot(env), "history"));
}
