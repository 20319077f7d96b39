/**
 * The dependency zip kept in the cache entry: a warm build copies it instead of
 * compressing, and gives the bytes a cold build gives, in every package mode; an entry
 * whose zip another zlib made, or whose zip was changed, is not trusted for it.
 */
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LocalIndex, startIndex } from "../devtools/pypi/index-server.ts";
import { makeWheel } from "../devtools/pypi/wheel.ts";
import { readZip } from "../devtools/zipread.ts";
import { buildProject, pinned, writeProject } from "./support/project.ts";

let work: string;
let index: LocalIndex;
let project: string;
let home: string;

beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), "lpp-zip-cache-"));
  const wheels = path.join(work, "wheels");
  const big = Array.from({ length: 30_000 }, (_, i) => `VALUE_${i} = ${i * 7}\n`).join("");
  const numeric = await makeWheel(wheels, {
    name: "numeric",
    version: "1.0",
    files: { "numeric/__init__.py": big, "numeric/tables.json": JSON.stringify({ big }) },
  });
  const tiny = await makeWheel(wheels, { name: "tiny", version: "0.1", files: { "tiny.py": "T = 1\n" } });
  index = await startIndex(wheels);
  home = path.join(work, "home");
  project = await writeProject(path.join(work, "project"), {
    "app.py": "import numeric\n\ndef handler(e, c):\n    return numeric.VALUE_1\n",
    "requirements.txt": `${pinned("numeric", "1.0", numeric)}\n${pinned("tiny", "0.1", tiny)}\n`,
  });
});

afterAll(async () => {
  await index?.close();
  await rm(work, { recursive: true, force: true });
});

const build = (values: Record<string, string>) =>
  buildProject(project, { runtime: "python3.12", ...values }, { home, indexUrl: index.url });
const entryDir = (key: string) => path.join(home, ".cache", "lambda-python-package", key);

describe("the cached dependency zip", () => {
  it("makes warm zips byte-identical to cold ones, in every package mode", async () => {
    const uncached = {
      split: await build({ package: "split", cache: "false", "output-dir": path.join(work, "out-nocache-split") }),
      function: await build({ package: "function", cache: "false", "output-dir": path.join(work, "out-nocache-fn") }),
    };
    const cold = await build({ package: "split", "output-dir": path.join(work, "out-cold") });
    expect(cold.result.cache.hit).toBe(false);
    const manifest = JSON.parse(await readFile(path.join(entryDir(cold.result.cache.key), "manifest.json"), "utf8"));
    expect(manifest.dependencyZip).toMatchObject({
      sha256: cold.result.layerZip!.sha256,
      zlib: process.versions.zlib,
      level: 6,
    });

    for (const mode of ["split", "function", "layer"] as const) {
      const warm = await build({ package: mode, "output-dir": path.join(work, `out-warm-${mode}`) });
      expect(warm.result.cache.hit, mode).toBe(true);
      expect(warm.log.lines.join("\n")).not.toMatch(/compressing the dependencies/);
      if (mode !== "function") expect(warm.result.layerZip!.sha256).toBe(uncached.split.result.layerZip!.sha256);
      if (mode === "split") expect(warm.result.functionZip!.sha256).toBe(uncached.split.result.functionZip!.sha256);
      if (mode === "function") {
        expect(warm.result.functionZip!.sha256).toBe(uncached.function.result.functionZip!.sha256);
        const names = readZip(warm.result.functionZip!.path).map((e) => e.name);
        expect(names).toEqual(expect.arrayContaining(["app.py", "numeric/__init__.py", "tiny.py"]));
        expect(names.some((n) => n.startsWith("python/"))).toBe(false);
      }
    }
  });

  it("does not use a zip another zlib made: installs and compresses again, with the same result", async () => {
    const first = await build({ package: "layer", "output-dir": path.join(work, "out-zlib-1") });
    const manifestPath = path.join(entryDir(first.result.cache.key), "manifest.json");
    const manifest = JSON.parse(await readFile(manifestPath, "utf8"));
    await writeFile(
      manifestPath,
      JSON.stringify({ ...manifest, dependencyZip: { ...manifest.dependencyZip, zlib: "0.0.1-other" } }),
    );
    const again = await build({ package: "layer", "output-dir": path.join(work, "out-zlib-2") });
    // the entry holds the zip, not the tree: nothing to compress again from but a fresh install
    expect(again.result.cache.hit).toBe(false);
    expect(again.log.annotations[0]?.message).toMatch(
      /made by zlib 0\.0\.1-other .* compressing the dependencies again/,
    );
    expect(again.result.layerZip!.sha256).toBe(first.result.layerZip!.sha256);
    await writeFile(manifestPath, JSON.stringify(manifest));
  });

  it("discards an entry whose dependency zip was changed, and builds the same zip again", async () => {
    const first = await build({ package: "layer", "output-dir": path.join(work, "out-tamper-1") });
    const zipPath = path.join(entryDir(first.result.cache.key), "dependencies.zip");
    const bytes = await readFile(zipPath);
    bytes[100] = (bytes[100] ?? 0) ^ 0xff;
    await writeFile(zipPath, bytes);
    const again = await build({ package: "layer", "output-dir": path.join(work, "out-tamper-2") });
    expect(again.result.cache.hit).toBe(false);
    expect(again.log.annotations[0]?.message).toMatch(/dependencies\.zip has other content than when it was saved/);
    expect(again.result.layerZip!.sha256).toBe(first.result.layerZip!.sha256);
  });
});
