/**
 * The cache stores under conditions real runners create: two runs sharing one cache
 * folder at once, and jobs whose temp folder lies elsewhere (a container job next to a
 * host job).
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type LocalCacheService, startLocalCacheService } from "../devtools/local-actions-cache/index.ts";
import {
  type CacheManifest,
  describeFiles,
  readManifest,
  TREE_DIR,
  verifyTree,
  writeManifest,
} from "../src/cache/manifest.ts";
import { ActionsCacheStore, type CacheStore, DirectoryCacheStore } from "../src/cache/store.ts";
import { readTree } from "../src/install/tree.ts";

let work: string;

beforeEach(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), "lpp-store-"));
});

afterEach(async () => {
  await rm(work, { recursive: true, force: true });
});

const KEY = "lpp-v1-python3.12-x86_64-0123456789abcdef0123456789abcdef01234567";

/** What resolve does on a miss: a fresh entry folder, the tree, the manifest last, then save. */
async function buildEntry(store: CacheStore, content: string): Promise<void> {
  const dir = store.entryDir(KEY);
  await rm(dir, { recursive: true, force: true });
  await mkdir(path.join(dir, TREE_DIR, "pkg"), { recursive: true });
  await writeFile(path.join(dir, TREE_DIR, "pkg", "__init__.py"), content);
  await writeFile(path.join(dir, TREE_DIR, "pkg", "data.bin"), Buffer.alloc(200_000, content));
  const tree = await readTree(path.join(dir, TREE_DIR));
  const manifest: CacheManifest = { format: 1, key: KEY, files: await describeFiles(tree.files), installMs: 1 };
  await writeManifest(dir, manifest);
}

/** What resolve does on a hit: the manifest, then every file checked against it. */
async function readEntry(store: CacheStore): Promise<string[]> {
  const dir = store.entryDir(KEY);
  const manifest = await readManifest(dir);
  if (!manifest) return ["no manifest"];
  const tree = await readTree(path.join(dir, TREE_DIR));
  return verifyTree(manifest, tree.files);
}

describe("the folder store shared by concurrent runs", () => {
  it("two runs that miss the same key both build, save and succeed; a reader in between is never disturbed", async () => {
    const root = path.join(work, "cache");
    const [a, b, reader] = [
      new DirectoryCacheStore(root),
      new DirectoryCacheStore(root),
      new DirectoryCacheStore(root),
    ];
    expect(await a.restore(KEY)).toBe(false);
    expect(await b.restore(KEY)).toBe(false);
    await buildEntry(a, "A = 1\n");
    // b starts its install while a's tree is complete and not yet saved
    await buildEntry(b, "B = 2\n");
    expect(await readEntry(a)).toEqual([]);
    expect(await a.save(KEY)).toBe(true);

    expect(await reader.restore(KEY)).toBe(true);
    const reading = path.join(reader.entryDir(KEY), TREE_DIR, "pkg", "__init__.py");
    expect(await readFile(reading, "utf8")).toBe("A = 1\n");
    // b saves while the reader uses the entry: the published entry stays as it is
    expect(await b.save(KEY)).toBe(true);
    expect(await readEntry(reader)).toEqual([]);
    expect(await readFile(reading, "utf8")).toBe("A = 1\n");

    const later = new DirectoryCacheStore(root);
    expect(await later.restore(KEY)).toBe(true);
    expect(await readEntry(later)).toEqual([]);
  });

  it("runs racing through restore, build and save at once all end with a verified entry", async () => {
    const root = path.join(work, "cache");
    const run = async (i: number): Promise<string[]> => {
      const store = new DirectoryCacheStore(root);
      if (!(await store.restore(KEY))) {
        await store.discard(KEY);
        await buildEntry(store, `R = ${i}\n`);
        expect(await store.save(KEY)).toBe(true);
        return [];
      }
      return readEntry(store);
    };
    const problems = await Promise.all([1, 2, 3, 4, 5, 6].map(run));
    expect(problems).toEqual([[], [], [], [], [], []]);
    const check = new DirectoryCacheStore(root);
    expect(await check.restore(KEY)).toBe(true);
    expect(await readEntry(check)).toEqual([]);
  });
});

describe("the Actions cache on any runner layout", () => {
  let service: LocalCacheService;

  beforeEach(async () => {
    service = await startLocalCacheService();
  });

  afterEach(async () => {
    await service.close();
  });

  it("an entry saved under one RUNNER_TEMP and workspace restores under another", async () => {
    const host = {
      temp: path.join(work, "home", "runner", "work", "_temp"),
      workspace: path.join(work, "home", "runner", "work", "app", "app"),
    };
    const container = {
      temp: path.join(work, "__w", "_temp"),
      workspace: path.join(work, "other", "__w", "app", "app"),
    };
    for (const layout of [host, container]) await mkdir(layout.workspace, { recursive: true });
    const cwd = process.cwd();
    const processEnv = { ...process.env };
    const envOf = (layout: typeof host) => ({
      ...service.env(),
      GITHUB_ACTIONS: "true",
      RUNNER_TEMP: layout.temp,
      GITHUB_WORKSPACE: layout.workspace,
    });

    const saving = new ActionsCacheStore(path.join(host.temp, "lambda-python-package-cache"), envOf(host));
    await buildEntry(saving, "HOST = 1\n");
    expect(await saving.save(KEY)).toBe(true);
    // the toolkit's view of the workspace and the working folder were lent for the call only
    expect(process.cwd()).toBe(cwd);
    expect(process.env).toEqual(processEnv);

    const restoring = new ActionsCacheStore(path.join(container.temp, "lambda-python-package-cache"), envOf(container));
    expect(await restoring.restore(KEY)).toBe(true);
    expect(restoring.entryDir(KEY).startsWith(container.temp)).toBe(true);
    expect(await readEntry(restoring)).toEqual([]);
    expect(await readFile(path.join(restoring.entryDir(KEY), TREE_DIR, "pkg", "__init__.py"), "utf8")).toBe(
      "HOST = 1\n",
    );
    // nothing landed beside the workspaces
    expect(process.cwd()).toBe(cwd);
  });
});
