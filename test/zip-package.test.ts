import { mkdir, mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readZip } from "../devtools/zipread.ts";
import { UserError } from "../src/errors.ts";
import type { DependencyTree, TreeFile } from "../src/install/types.ts";
import { type DependencyZip, dependencyMembers, planPackages, writePackages } from "../src/zip/package.ts";
import { readZipDirectory } from "../src/zip/reader.ts";
import { writeZip } from "../src/zip/writer.ts";
import { buildTree, walk } from "./support/tree.ts";

let work: string;
let tree: DependencyTree;
let code: TreeFile[];
let dependencyZip: DependencyZip;

beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), "lpp-package-"));
  tree = buildTree(path.join(work, "tree"), [
    {
      name: "alpha",
      version: "1.0",
      files: { "alpha/__init__.py": "A = 1\n".repeat(50), "shared.py": "from alpha\n" },
    },
    { name: "beta", version: "2.0", files: { "beta/core.py": "B = 2\n".repeat(500) } },
  ]);
  const codeRoot = path.join(work, "code");
  buildTree(codeRoot, [], { "app.py": "def handler(e, c):\n    return 1\n", "shared.py": "from code\n" });
  code = walk(codeRoot, []);
  const zip = await writeZip(dependencyMembers(tree.files), path.join(work, "deps.zip"));
  dependencyZip = { zip, directory: await readZipDirectory(zip.path) };
});

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

const names = (zip: string) => readZip(zip).map((e) => e.name);

describe("function and layer zips from the dependency zip", () => {
  it("split: the code alone in the function zip, the dependencies under python/ in the layer", async () => {
    const onlyApp = code.filter((f) => f.path === "app.py");
    const out = path.join(work, "split");
    await mkdir(out, { recursive: true });
    const zips = await writePackages(planPackages("split", onlyApp, tree.files, false), dependencyZip, out);
    await zips.publish();
    expect(names(zips.functionZip!.path)).toEqual(["app.py"]);
    const layer = names(zips.layerZip!.path);
    expect(layer).toContain("python/alpha/__init__.py");
    expect(layer).toContain("python/beta-2.0.dist-info/RECORD");
    // the dependency zip as it is: the tree compressed under python/
    expect(zips.layerZip).toMatchObject({ ...dependencyZip.zip, path: path.join(out, "layer.zip") });
    expect(layer[0]).toBe("python/");
  });

  it("function: a path in both code and dependencies fails, naming it and its distribution", () => {
    const error = (() => {
      try {
        planPackages("function", code, tree.files, false);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).message).toContain("shared.py (code and alpha)");
  });

  it("function with collisions allowed: the code's file wins, the rest of the dependencies are copied", async () => {
    const out = path.join(work, "function");
    await mkdir(out, { recursive: true });
    const zips = await writePackages(planPackages("function", code, tree.files, true), dependencyZip, out);
    await zips.publish();
    expect(zips.layerZip).toBeUndefined();
    const entries = readZip(zips.functionZip!.path);
    expect(
      entries
        .find((e) => e.name === "shared.py")!
        .data()
        .toString(),
    ).toBe("from code\n");
    expect(entries.map((e) => e.name)).toEqual(expect.arrayContaining(["app.py", "alpha/__init__.py", "beta/core.py"]));
    const direct = await writeZip(
      [...code, ...tree.files.filter((f) => f.path !== "shared.py")].map((f) => ({
        name: f.path,
        absolutePath: f.absolutePath,
        executable: f.executable,
        size: f.size,
      })),
      path.join(work, "direct-function.zip"),
    );
    expect(zips.functionZip!.sha256).toBe(direct.sha256);
  });

  it("function: a code file where the dependencies have a folder fails, with collisions allowed too", () => {
    const casey = [{ path: "alpha", absolutePath: path.join(work, "code", "app.py"), size: 1, executable: false }];
    for (const allow of [false, true]) {
      expect(() => planPackages("function", casey, tree.files, allow)).toThrow(
        /alpha is a file of the function code and a folder of the dependencies \(alpha\/__init__\.py\)/,
      );
    }
  });

  it("layer: no function zip", async () => {
    const out = path.join(work, "layer");
    await mkdir(out, { recursive: true });
    const zips = await writePackages(planPackages("layer", [], tree.files, false), dependencyZip, out);
    await zips.publish();
    expect(zips.functionZip).toBeUndefined();
    expect(names(zips.layerZip!.path)[0]).toBe("python/");
  });
});
