import { describe, expect, it } from "vitest";
import { topLevelOf } from "../src/inspect/collisions.ts";
import { inspectTree } from "../src/inspect/index.ts";
import type { InspectInput } from "../src/inspect/types.ts";
import type { DependencyTree } from "../src/install/types.ts";
import { makeTarget } from "../src/target.ts";
import { buildTree, type DistSpec, tempDir } from "./support/tree.ts";

async function run(
  tree: DependencyTree,
  options: Partial<Pick<InspectInput, "code" | "packageMode" | "allowCollisions">> = {},
) {
  const r = await inspectTree({
    target: makeTarget("python3.12", "x86_64"),
    tree,
    code: options.code ?? [],
    packageMode: options.packageMode ?? "split",
    allowCollisions: options.allowCollisions ?? false,
  });
  return r.findings.filter((f) => f.check === "collision");
}

const code = (...paths: string[]) => paths.map((path) => ({ path, size: 10 }));

describe("collisions between distributions", () => {
  const fork: DistSpec[] = [
    {
      name: "pyyaml",
      version: "6.0.2",
      files: { "yaml/__init__.py": "# pyyaml\n", "yaml/loader.py": "# pyyaml loader\n", "yaml/same.py": "same\n" },
    },
    {
      name: "yaml-fork",
      version: "0.9",
      files: { "yaml/__init__.py": "# fork\n", "yaml/loader.py": "# fork loader\n", "yaml/same.py": "same\n" },
    },
  ];

  it("lists the paths two RECORDs claim with different hashes, and both distributions", async () => {
    const tree = buildTree(await tempDir(), fork);
    const found = await run(tree);
    expect(found).toEqual([
      expect.objectContaining({
        severity: "error",
        distribution: "pyyaml",
        path: "yaml/__init__.py",
        message:
          "pyyaml 6.0.2 and yaml-fork 0.9 both install 2 paths with different contents: yaml/__init__.py, yaml/loader.py; only the last one installed survives",
        hint: expect.stringMatching(/drop one of them from the lockfile.*allow-collisions: true/),
      }),
    ]);
    // the identical yaml/same.py is not a collision
    expect(found[0]?.message).not.toContain("same.py");
  });

  it("downgrades to a warning when collisions are allowed", async () => {
    const tree = buildTree(await tempDir(), fork);
    const [f] = await run(tree, { allowCollisions: true });
    expect(f?.severity).toBe("warning");
    expect(f?.hint).toMatch(/allowed by allow-collisions/);
  });

  it("accepts identical bytes (legacy namespace __init__ shipped by several distributions)", async () => {
    const init = "__path__ = __import__('pkgutil').extend_path(__path__, __name__)\n";
    const tree = buildTree(await tempDir(), [
      { name: "google-auth", version: "2.0", files: { "google/__init__.py": init, "google/auth/__init__.py": "" } },
      {
        name: "google-api-core",
        version: "2.1",
        files: { "google/__init__.py": init, "google/api_core/__init__.py": "" },
      },
    ]);
    expect(await run(tree)).toEqual([]);
  });
});

describe("collisions between the function code and the dependencies", () => {
  const deps: DistSpec[] = [
    { name: "requests", version: "2.32.3", files: { "requests/__init__.py": "", "requests/api.py": "" } },
    { name: "six", version: "1.16.0", files: { "six.py": "" } },
    { name: "ns-part", version: "1.0", files: { "acme/tools/__init__.py": "" } },
  ];

  it("lists each top-level module both provide, with the distribution behind it (split: the code shadows the layer)", async () => {
    const tree = buildTree(await tempDir(), deps);
    const found = await run(tree, {
      code: code("app.py", "requests/__init__.py", "six/__init__.py", "acme/handler.py"),
    });
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ severity: "error", path: "requests/__init__.py" });
    expect(found[0]?.distribution).toBeUndefined(); // two distributions involved
    expect(found[0]?.message).toBe(
      "the function code and the dependencies both provide 2 top-level names: " +
        "requests (function code: requests/; dependencies: requests/ from requests 2.32.3; same file: requests/__init__.py); " +
        "six (function code: six/; dependencies: six.py from six 1.16.0); " +
        "the function's copy shadows the layer's (/var/task comes before /opt/python on sys.path)",
    );
  });

  it("lets two namespace-package portions merge (no __init__.py on either side, no shared file)", async () => {
    const tree = buildTree(await tempDir(), deps);
    expect(await run(tree, { code: code("acme/handler.py") })).toEqual([]);
    // with an __init__.py in the function's acme/, the dependency's acme.tools can no longer be imported
    const found = await run(tree, { code: code("acme/__init__.py", "acme/handler.py") });
    expect(found[0]?.message).toMatch(/acme \(function code: acme\/; dependencies: acme\/ from ns-part 1\.0\)/);
    expect(found[0]?.distribution).toBe("ns-part");
  });

  it("in function mode also catches plain files at the same root path; allow-collisions makes it a warning", async () => {
    const tree = buildTree(await tempDir(), [{ name: "cfg", version: "1", files: { "settings.json": "{}" } }]);
    const [f] = await run(tree, { code: code("app.py", "settings.json"), packageMode: "function" });
    expect(f?.message).toMatch(
      /settings\.json \(function code: settings\.json; dependencies: settings\.json from cfg 1; same file: settings\.json\); both land in the function zip/,
    );
    expect(
      (await run(tree, { code: code("settings.json"), packageMode: "function", allowCollisions: true }))[0]?.severity,
    ).toBe("warning");
    // a layer never meets the function's root files
    expect(await run(tree, { code: code("settings.json"), packageMode: "split" })).toEqual([]);
  });

  it("a file of one side and a folder of the other (casey vs casey/) is an error even with allow-collisions", async () => {
    const tree = buildTree(await tempDir(), [{ name: "casey", version: "1", files: { "casey/__init__.py": "" } }]);
    for (const [paths, text] of [
      [
        ["app.py", "casey"],
        /casey is a file of the function code and a folder of the dependencies \(casey\/__init__\.py\)/,
      ],
      [
        ["app.py", "casey/__init__.py/x.txt"],
        /casey\/__init__\.py is a file of the dependencies and a folder of the function code/,
      ],
    ] as const) {
      const found = await run(tree, { code: code(...paths), packageMode: "function", allowCollisions: true });
      const fileFolder = found.find((f) => /a file and a folder of the same name/.test(f.message));
      expect(fileFolder?.severity).toBe("error");
      expect(fileFolder?.message).toMatch(text);
    }
  });

  it("ignores the function code when only a layer is built, and passes disjoint code", async () => {
    const tree = buildTree(await tempDir(), deps);
    expect(await run(tree, { code: code("requests/__init__.py"), packageMode: "layer" })).toEqual([]);
    expect(await run(tree, { code: code("app.py", "lib/util.py"), packageMode: "function" })).toEqual([]);
  });

  it("maps files to the importable names they provide", () => {
    expect(topLevelOf("yaml/__init__.py")).toMatchObject({ name: "yaml", isDir: true });
    expect(topLevelOf("_cffi_backend.cpython-312-x86_64-linux-gnu.so")).toMatchObject({ name: "_cffi_backend" });
    expect(topLevelOf("_rust.abi3.so")).toMatchObject({ name: "_rust" });
    expect(topLevelOf("typing_extensions.py")).toMatchObject({ name: "typing_extensions", isDir: false });
    expect(topLevelOf("six-1.16.0.dist-info/RECORD")).toBeUndefined();
    expect(topLevelOf("README.md")).toBeUndefined();
  });
});
