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
import { readZip } from "../devtools/zipread.ts";
import {
  type CacheManifest,
  DEPENDENCY_ZIP_FILE,
  readManifest,
  sha256File,
  writeManifest,
} from "../src/cache/manifest.ts";
import { ActionsCacheStore, type CacheStore, DirectoryCacheStore } from "../src/cache/store.ts";
import {
  dependencyZipRecord,
  listingFromZip,
  manifestProblems,
  ownersOf,
  zipDigestProblems,
} from "../src/dependencies/plan.ts";
import { readTree } from "../src/install/tree.ts";
import { dependencyMembers } from "../src/zip/package.ts";
import { readZipDirectory } from "../src/zip/reader.ts";
import { writeZip } from "../src/zip/writer.ts";

let work: string;

beforeEach(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), "lpp-store-"));
});

afterEach(async () => {
  await rm(work, { recursive: true, force: true });
});

const KEY = "lpp-v1-python3.12-x86_64-0123456789abcdef0123456789abcdef01234567";

/** What resolve does on a miss: a fresh entry folder, the tree's zip in it, the manifest last, then save. */
async function buildEntry(store: CacheStore, content: string): Promise<void> {
  const dir = store.entryDir(KEY);
  await rm(dir, { recursive: true, force: true });
  const treeDir = await mkdtemp(path.join(work, "tree-"));
  await mkdir(path.join(treeDir, "pkg"), { recursive: true });
  await writeFile(path.join(treeDir, "pkg", "__init__.py"), content);
  await writeFile(path.join(treeDir, "pkg", "data.bin"), Buffer.alloc(200_000, content));
  const tree = await readTree(treeDir);
  await mkdir(dir, { recursive: true });
  const zip = await writeZip(dependencyMembers(tree.files), path.join(dir, DEPENDENCY_ZIP_FILE));
  const manifest: CacheManifest = {
    format: 2,
    key: KEY,
    dependencyZip: dependencyZipRecord(zip),
    distributions: [],
    owners: ownersOf(tree, (await readZipDirectory(zip.path)).entries),
    treeChecks: { before: [], collisions: { strict: [], allowed: [] }, after: [] },
    installMs: 1,
  };
  await writeManifest(dir, manifest);
}

/** What resolve does on a hit: the manifest, the one digest over the zip, the zip's listing. */
async function readEntry(store: CacheStore): Promise<string[]> {
  const dir = store.entryDir(KEY);
  const manifest = await readManifest(dir);
  if (!manifest) return ["no manifest"];
  const zip = path.join(dir, DEPENDENCY_ZIP_FILE);
  const problems = [
    ...manifestProblems(KEY, manifest),
    ...zipDigestProblems(manifest, { sha256: sha256File(zip), size: (await readFile(zip)).length }, "zip"),
  ];
  if (problems.length > 0) return problems;
  const listed = listingFromZip(manifest, (await readZipDirectory(zip)).entries, {});
  return "problems" in listed ? listed.problems : [];
}

/** The text of a file of the entry's dependency zip. */
function entryFile(store: CacheStore, name: string): string {
  const entry = readZip(path.join(store.entryDir(KEY), DEPENDENCY_ZIP_FILE)).find((e) => e.name === `python/${name}`);
  return entry ? entry.data().toString("utf8") : "";
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
    expect(entryFile(reader, "pkg/__init__.py")).toBe("A = 1\n");
    // b saves while the reader uses the entry: the published entry stays as it is
    expect(await b.save(KEY)).toBe(true);
    expect(await readEntry(reader)).toEqual([]);
    expect(entryFile(reader, "pkg/__init__.py")).toBe("A = 1\n");

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
    expect(entryFile(restoring, "pkg/__init__.py")).toBe("HOST = 1\n");
    // nothing landed beside the workspaces
    expect(process.cwd()).toBe(cwd);
  });
});
