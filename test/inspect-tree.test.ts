import { rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { inspectTree } from "../src/inspect/index.ts";
import { makeTarget } from "../src/target.ts";
import { glibcAtMost, glibcBetween, pickElf, withMachine } from "./support/elf.ts";
import { buildTree, tempDir } from "./support/tree.ts";

describe("inspectTree", () => {
  it("passes a clean tree with native code, a function and boto3 with no finding, and reports sizes", async () => {
    const low = await pickElf("requiring GLIBC ≤ 2.26", glibcAtMost("2.26"));
    const so = withMachine(low.path, 62);
    const tree = buildTree(await tempDir(), [
      { name: "boto3", version: "1.35.0", files: { "boto3/__init__.py": "x".repeat(100) } },
      { name: "botocore", version: "1.35.0", files: { "botocore/__init__.py": "x".repeat(300) } },
      {
        name: "cffi",
        version: "1.17.1",
        tags: ["cp311-cp311-manylinux_2_17_x86_64", "cp311-cp311-manylinux2014_x86_64"],
        files: {
          "cffi/__init__.py": "",
          "_cffi_backend.cpython-311-x86_64-linux-gnu.so": { content: so, mode: 0o755 },
          "cffi.libs/libffi-40e8a5ea.so.8.1.2": { content: so, mode: 0o755 },
        },
      },
    ]);
    const r = await inspectTree({
      target: makeTarget("python3.11", "x86_64"),
      tree,
      code: [
        { path: "app.py", size: 120 },
        { path: "lib/helpers.py", size: 80 },
      ],
      packageMode: "function",
      allowCollisions: false,
      lockfile: "requirements.txt",
    });
    expect(r.findings).toEqual([]);
    expect(r.distributions.map((d) => [d.name, d.version, d.fileCount])).toEqual([
      ["cffi", "1.17.1", 6], // 3 files + METADATA, WHEEL, RECORD
      ["botocore", "1.35.0", 4],
      ["boto3", "1.35.0", 4],
    ]);
    expect(r.distributions[0]?.unzippedSize).toBeGreaterThan(2 * so.length);
    expect(r.dependencySize).toBe(tree.files.reduce((s, f) => s + f.size, 0));
    expect(r.codeSize).toBe(200);
  });

  it("orders errors before warnings, attaches each finding to its distribution and the lockfile line", async () => {
    const mid = await pickElf("requiring GLIBC in (2.26, 2.34]", glibcBetween("2.26", "2.34"));
    const dir = await tempDir();
    const lockfile = path.join(dir, "requirements.txt");
    writeFileSync(lockfile, "# pinned\nbotocore==1.35.0\nfast-lib==1.0 ; python_version >= '3.9'\n");
    const tree = buildTree(path.join(dir, "tree"), [
      { name: "botocore", version: "1.35.0", files: { "botocore/__init__.py": "" } },
      {
        name: "fast-lib",
        version: "1.0",
        tags: ["cp310-cp310-manylinux_2_28_x86_64"],
        files: { "fast_lib/_x.cpython-310-x86_64-linux-gnu.so": withMachine(mid.path, 62), "fast_lib/x.pth": "" },
      },
    ]);
    const r = await inspectTree({
      target: makeTarget("python3.10", "x86_64"),
      tree,
      code: [{ path: "app.py", size: 1 }],
      packageMode: "split",
      allowCollisions: false,
      lockfile,
    });
    expect(r.findings.map((f) => [f.severity, f.check, f.distribution, f.file, f.line])).toEqual([
      ["error", "wheel-fit", "fast-lib", lockfile, 3],
      ["error", "elf-glibc", "fast-lib", lockfile, 3],
      ["warning", "layout", "fast-lib", lockfile, 3],
      ["warning", "runtime-sdk", "botocore", lockfile, 2],
    ]);
    const fast = r.distributions.find((d) => d.name === "fast-lib");
    expect(fast?.findings.map((f) => f.check)).toEqual(["wheel-fit", "elf-glibc", "layout"]);
  });

  it("reports a file that vanished from the tree as unchecked, without failing", async () => {
    const tree = buildTree(await tempDir(), [{ name: "gone", version: "1", files: { "gone/x.so": "\x7fELF" } }]);
    rmSync(path.join(tree.root, "gone/x.so"));
    const r = await inspectTree({
      target: makeTarget("python3.12", "arm64"),
      tree,
      code: [],
      packageMode: "layer",
      allowCollisions: false,
    });
    expect(r.findings).toEqual([
      expect.objectContaining({
        severity: "warning",
        check: "layout",
        path: "gone/x.so",
        message: "gone/x.so could not be read (ENOENT), so it was not checked",
      }),
    ]);
  });
});
