/**
 * The optimize plan over a tree (what slim removes, what is compiled, what is left
 * out), and the search for the runtime's Python, which never accepts another minor.
 */
import { mkdirSync, symlinkSync } from "node:fs";
import { rm } from "node:fs/promises";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { planDependencies, pycPath } from "../src/optimize/plan.ts";
import type { OptimizeSettings } from "../src/optimize/types.ts";
import { findRuntimePython } from "../src/runtime-python.ts";
import { pythonFor } from "./support/python.ts";
import { buildTree, tempDir } from "./support/tree.ts";

const settings = (over: Partial<OptimizeSettings> = {}): OptimizeSettings => ({
  compile: "auto",
  slim: true,
  slimKeep: [],
  excludePackages: [],
  ...over,
});
const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

async function tree() {
  const root = await tempDir("optimize-plan-");
  dirs.push(root);
  return buildTree(root, [
    {
      name: "numpy",
      version: "2.2.6",
      files: {
        "numpy/__init__.py": "from numpy import testing\n",
        "numpy/testing/__init__.py": "",
        "numpy/tests/test_core.py": "",
        "numpy/linalg/tests/test_linalg.py": "",
        "numpy/__init__.pyi": "",
        "numpy/core/include/numpy/ndarrayobject.h": "",
        "numpy/random/_bounded.pxd": "",
        "numpy/core/_multiarray.cpython-312-x86_64-linux-gnu.so": "ELF",
        "numpy.libs/libopenblas-1a2b.so.0.3": "ELF",
      },
    },
    { name: "tests-at-top", version: "1", files: { "tests/__init__.py": "", "tests/helpers.py": "" } },
    { name: "boto3", version: "1.35.0", files: { "boto3/__init__.py": "", "boto3/tests/x.py": "" } },
    { name: "odd", version: "1", files: { "odd/my-script.py": "", "odd/py.typed": "" } },
  ]);
}

describe("the optimize plan", () => {
  it("removes package test suites, stubs and C sources; keeps testing, top-level packages and dist-info", async () => {
    const plan = planDependencies(await tree(), settings(), true);
    expect(plan.removed.get("numpy")?.map((f) => [f.path, f.kind])).toEqual([
      ["numpy/__init__.pyi", "type stubs"],
      ["numpy/core/include/numpy/ndarrayobject.h", "C/Cython sources"],
      ["numpy/linalg/tests/test_linalg.py", "tests"],
      ["numpy/random/_bounded.pxd", "C/Cython sources"],
      ["numpy/tests/test_core.py", "tests"],
    ]);
    expect(plan.removed.has("tests-at-top")).toBe(false);
    expect([...plan.removed.values()].flat().some((f) => f.path.includes(".dist-info"))).toBe(false);
    expect(plan.strip).toEqual([
      "numpy.libs/libopenblas-1a2b.so.0.3",
      "numpy/core/_multiarray.cpython-312-x86_64-linux-gnu.so",
    ]);
    expect(plan.compile).toEqual(
      expect.arrayContaining(["numpy/__init__.py", "numpy/testing/__init__.py", "tests/helpers.py"]),
    );
    expect(plan.compile).not.toContain("odd/my-script.py");
    expect(plan.compile).not.toContain("numpy/tests/test_core.py");
  });

  it("keeps what slim-keep matches, and slims nothing with slim off", async () => {
    const t = await tree();
    const kept = planDependencies(t, settings({ slimKeep: ["numpy/**/tests/**", "**/*.so*"] }), false);
    expect(kept.removed.get("numpy")?.map((f) => f.path)).not.toContain("numpy/tests/test_core.py");
    expect(kept.strip).toEqual([]);
    expect(kept.compile).toEqual([]);
    const off = planDependencies(t, settings({ slim: false }), false);
    expect(off.removed.size).toBe(0);
    expect(off.strip).toEqual([]);
  });

  it("leaves out excluded distributions whole, and names the ones not installed", async () => {
    const plan = planDependencies(await tree(), settings({ excludePackages: ["boto3", "botocore"] }), true);
    expect(plan.excluded.map((e) => [e.name, e.version])).toEqual([["boto3", "1.35.0"]]);
    expect(plan.excluded[0]?.files).toEqual(
      expect.arrayContaining(["boto3/__init__.py", "boto3-1.35.0.dist-info/METADATA"]),
    );
    expect(plan.notInstalled).toEqual(["botocore"]);
    expect(plan.compile).not.toContain("boto3/__init__.py");
    expect(plan.removed.has("boto3")).toBe(false);
  });

  it("puts bytecode where Python looks for it", () => {
    expect(pycPath("app.py", "cpython-312")).toBe("__pycache__/app.cpython-312.pyc");
    expect(pycPath("pkg/sub/__init__.py", "cpython-39")).toBe("pkg/sub/__pycache__/__init__.cpython-39.pyc");
  });
});

describe("the runtime's Python", () => {
  it("is found in the runner's tool cache, and a Python of another minor there is refused", async () => {
    const py311 = pythonFor(11);
    const py312 = pythonFor(12);
    if (!py311 || !py312) throw new Error("this test needs Python 3.11 and 3.12 (pyenv)");
    const cache = await tempDir("toolcache-");
    dirs.push(cache);
    // setup-python's layout; 3.11.99 is mislabelled and holds a 3.12
    for (const [version, target] of [
      ["3.11.99", py312],
      ["3.11.7", py311],
    ] as const) {
      mkdirSync(path.join(cache, "Python", version, "x64", "bin"), { recursive: true });
      symlinkSync(target, path.join(cache, "Python", version, "x64", "bin", "python3"));
    }
    const env = { PATH: "/nonexistent", RUNNER_TOOL_CACHE: cache };
    const found = await findRuntimePython(11, undefined, env);
    expect(found.python).toMatchObject({ cacheTag: "cpython-311" });
    expect(found.python?.command).toContain(`${path.sep}3.11.7${path.sep}`);
    expect(found.tried.join("\n")).toMatch(/3\.11\.99.*cpython 3\.12/);
    const none = await findRuntimePython(13, py312, env);
    expect(none.python).toBeUndefined();
    expect(none.tried.join("\n")).toMatch(/cpython 3\.12/);
  });
});

describe("the summary's optimize section", () => {
  it("lists what slim removed per distribution, stripping apart, each figure the sum of what it names", async () => {
    const { renderOptimization } = await import("../src/report/optimization.ts");
    const text = renderOptimization({
      settings: settings({ excludePackages: ["boto3"] }),
      compile: { done: true, python: "3.12.1", cacheTag: "cpython-312", dependencies: 120, code: 2, failed: [] },
      excluded: [{ name: "boto3", version: "1.35.0", bytes: 2_000_000 }],
      notInstalled: [],
      slimmed: [
        {
          distribution: "numpy",
          files: 300,
          bytes: 30_000_000,
          kinds: { tests: 29_000_000, "type stubs": 1_000_000 },
          stripped: { files: 4, bytes: 1_000_000 },
        },
      ],
      stripped: { files: 4, bytes: 1_000_000 },
      removed: [],
      keptBack: [
        {
          path: "numpy/_core/tests/_natype.py",
          by: "numpy/testing/_private/utils.py",
          line: 12,
          name: "numpy._core.tests._natype",
          how: "imports",
        },
      ],
      fromCache: false,
    }).join("\n\n");
    expect(text).toMatch(/120 dependency and 2 code files compiled by Python 3\.12\.1/);
    expect(text).toMatch(/\[!WARNING\][\s\S]*boto3 1\.35\.0[\s\S]*runtime's own versions/);
    expect(text).toMatch(
      /Slim: 300 files removed \(28\.6 MB\); 4 shared objects stripped of debug information \(976\.6 KB saved\); 29\.6 MB saved in all/,
    );
    expect(text).toMatch(/\| numpy \| 300 \| 28\.6 MB \| tests 27\.7 MB, type stubs 976\.6 KB \| 4 \(976\.6 KB\) \|/);
    expect(text).toMatch(/Kept back: 1 file\(s\)[\s\S]*&#95;natype\.py.*utils\.py:12<\/code> imports/);
  });
});

describe("compiling in several interpreters", () => {
  it("gives the same bytecode and the same failures, in the jobs' order, as one interpreter", async () => {
    const { compileSources } = await import("../src/optimize/compile.ts");
    const { readFileSync, writeFileSync } = await import("node:fs");
    const py = pythonFor(12)!;
    const { python } = await findRuntimePython(12, py, { PATH: process.env.PATH });
    const dir = await tempDir("compile-share-");
    dirs.push(dir);
    const names = Array.from({ length: 9 }, (_, i) => `m${i}.py`);
    for (const [i, n] of names.entries())
      writeFileSync(path.join(dir, n), i % 4 === 1 ? "print 'python 2'\n" : `X = ${i}\n`.repeat(i * 50 + 1));
    const jobs = (out: string) =>
      names.map((n) => ({ source: path.join(dir, n), pyc: path.join(dir, out, `${n}c`), displayName: n }));
    const one = await compileSources(python!, jobs("one"), dir, { PATH: process.env.PATH }, 1);
    const three = await compileSources(python!, jobs("three"), dir, { PATH: process.env.PATH }, 3);
    expect(one.map((f) => f.path)).toEqual(["m1.py", "m5.py"]);
    expect(three).toEqual(one);
    for (const n of names.filter((_, i) => i % 4 !== 1)) {
      expect(readFileSync(path.join(dir, "three", `${n}c`))).toEqual(readFileSync(path.join(dir, "one", `${n}c`)));
    }
  });
});
