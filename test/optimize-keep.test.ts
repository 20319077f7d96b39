/**
 * What slim keeps back of what its patterns match (shipped code imports or reads it), and
 * the figures it reports: each the sum of what it names, nothing counted twice.
 */
import { describe, expect, it } from "vitest";
import { keptByImports, moduleOf, namedModules } from "../src/optimize/keep.ts";
import { slimFigures } from "../src/optimize/plan.ts";

/** A tree shaped like numpy + scipy: A's testing imports from A/_core/tests/, B imports A.testing. */
const TREE: Record<string, string> = {
  "numpy/__init__.py": "from . import _core\n",
  "numpy/_core/__init__.py": "",
  "numpy/testing/__init__.py": "from ._private.utils import *\n",
  "numpy/testing/_private/__init__.py": "",
  "numpy/testing/_private/utils.py": "import os\nfrom numpy._core.tests._natype import pd_NA\n",
  "numpy/_core/tests/__init__.py": "from .. import _core\n",
  "numpy/_core/tests/_natype.py": "from . import _helpers\npd_NA = object()\n",
  "numpy/_core/tests/_helpers.py": "import numpy._core.tests.deep as deep\n",
  "numpy/_core/tests/deep.py": "X = 1\n",
  "numpy/_core/tests/test_umath.py": "import pytest\n",
  "numpy/_core/tests/data/umath-validation.csv": "1,2\n",
  "numpy/tests/test_public_api.py": "import numpy\n",
  "scipy/__init__.py": "",
  "scipy/linalg/__init__.py":
    "from numpy.testing import assert_allclose\nimport importlib\n_m = importlib.import_module('scipy.linalg.tests.fixtures')\n",
  "scipy/linalg/tests/__init__.py": "",
  "scipy/linalg/tests/fixtures.py": "",
  "scipy/linalg/tests/test_basic.py": "",
  "scipy/io/__init__.py":
    "import os\n_TABLE = os.path.join(os.path.dirname(__file__), 'tests', 'data', 'codes.json')\n_OTHER = 'data/other.txt'\n",
  "scipy/io/tests/data/codes.json": "{}",
  "scipy/io/tests/data/unrelated.json": "{}",
  "scipy/io/tests/data/other.txt": "",
  "scipy/io/tests/test_io.py": "'''tests'''\n",
  "app.py": "import scipy.linalg, scipy.io\n",
};

const isCandidate = (f: string) => /^[^/]+\/(.+\/)?tests\//.test(f);

async function keep(tree: Record<string, string>) {
  const files = Object.keys(tree).sort();
  return keptByImports({
    files,
    candidates: new Set(files.filter(isCandidate)),
    read: async (f) => tree[f],
  });
}

describe("slim keeps back what shipped code needs", () => {
  it("keeps every module a kept module imports, its packages' __init__, transitively; reads by literal", async () => {
    const kept = await keep(TREE);
    expect(kept.map((k) => k.path)).toEqual([
      "numpy/_core/tests/__init__.py",
      "numpy/_core/tests/_helpers.py",
      "numpy/_core/tests/_natype.py",
      "numpy/_core/tests/deep.py",
      "scipy/io/tests/data/codes.json",
      "scipy/io/tests/data/other.txt",
      "scipy/linalg/tests/__init__.py",
      "scipy/linalg/tests/fixtures.py",
    ]);
    expect(kept.find((k) => k.path === "numpy/_core/tests/_natype.py")).toEqual({
      path: "numpy/_core/tests/_natype.py",
      by: "numpy/testing/_private/utils.py",
      line: 2,
      name: "numpy._core.tests._natype",
      how: "imports",
    });
    expect(kept.find((k) => k.path === "numpy/_core/tests/_helpers.py")).toMatchObject({
      by: "numpy/_core/tests/_natype.py",
      name: "numpy._core.tests._helpers",
    });
    expect(kept.find((k) => k.path === "scipy/io/tests/data/codes.json")).toMatchObject({
      by: "scipy/io/__init__.py",
      name: "codes.json",
      how: "reads",
    });
  });

  it("keeps nothing when nothing shipped names it, and reads no file when nothing matches the patterns", async () => {
    const tree = { "pkg/__init__.py": "import json\n", "pkg/tests/test_x.py": "import pkg\n" };
    expect(await keep(tree)).toEqual([]);
    let reads = 0;
    const none = await keptByImports({
      files: ["pkg/__init__.py"],
      candidates: new Set(),
      read: async () => {
        reads++;
        return "";
      },
    });
    expect(none).toEqual([]);
    expect(reads).toBe(0);
  });

  it("names modules as Python resolves them: relative levels, from-imports of submodules, extensions", () => {
    expect(moduleOf("a/b/__init__.py")).toBe("a.b");
    expect(moduleOf("a/b/c.py")).toBe("a.b.c");
    expect(moduleOf("a/_x.cpython-312-x86_64-linux-gnu.so")).toBe("a._x");
    expect(moduleOf("a/my-script.py")).toBeUndefined();
    const ref = { line: 1, kind: "from" as const, level: 2, module: "tests", names: ["helpers", "*"] };
    expect(namedModules(ref, "a/b/c.py")).toEqual(["a", "a.tests", "a.tests.helpers"]);
    expect(namedModules({ ...ref, level: 1, module: "" }, "a/b/__init__.py")).toEqual(["a", "a.b", "a.b.helpers"]);
    // beyond the top-level package: Python refuses it, nothing is named
    expect(namedModules({ ...ref, level: 4 }, "a/b/c.py")).toEqual([]);
  });
});

describe("slim's figures", () => {
  it("counts removed files and stripped savings apart, and totals are their sums", () => {
    const removed = new Map([
      [
        "numpy",
        [
          { path: "numpy/tests/a.py", bytes: 100, kind: "tests" as const },
          { path: "numpy/x.pyi", bytes: 20, kind: "type stubs" as const },
        ],
      ],
      ["scipy", [{ path: "scipy/tests/b.py", bytes: 50, kind: "tests" as const }]],
    ]);
    const figures = slimFigures(removed, [
      { path: "numpy/_a.so", distribution: "numpy", saved: 1000 },
      { path: "pandas/_b.so", distribution: "pandas", saved: 7 },
    ]);
    expect(figures.slimmed).toEqual([
      {
        distribution: "numpy",
        files: 2,
        bytes: 120,
        kinds: { tests: 100, "type stubs": 20 },
        stripped: { files: 1, bytes: 1000 },
      },
      { distribution: "scipy", files: 1, bytes: 50, kinds: { tests: 50 }, stripped: { files: 0, bytes: 0 } },
      { distribution: "pandas", files: 0, bytes: 0, kinds: {}, stripped: { files: 1, bytes: 7 } },
    ]);
    expect(figures.stripped).toEqual({ files: 2, bytes: 1007 });
    expect(figures.removed).toEqual(["numpy/tests/a.py", "numpy/x.pyi", "scipy/tests/b.py"]);
    const removedBytes = figures.slimmed.reduce((n, s) => n + s.bytes, 0);
    expect(removedBytes).toBe(170);
    for (const s of figures.slimmed) expect(Object.values(s.kinds).reduce((n, b) => n + (b ?? 0), 0)).toBe(s.bytes);
  });
});

describe("an import check that fails on what slim removed", () => {
  it("names slim, the file and the slim-keep line, for a missing module and for a missing data file", async () => {
    const { importFailure } = await import("../src/verify/missing.ts");
    const { parseHandler } = await import("../src/verify/handler.ts");
    const ref = parseHandler("app.handler");
    if (ref instanceof Error) throw ref;
    const removed = ["numpy/_core/tests/__init__.py", "numpy/_core/tests/data/umath.csv", "numpy/x.pyi"];
    const module = importFailure(
      ref,
      {
        ok: false,
        errorType: "ModuleNotFoundError",
        missing: "numpy._core.tests",
        file: "python/numpy/testing/_private/utils.py",
        line: 12,
      },
      removed,
    ).error;
    expect(module.message).toBe(
      "handler app.handler cannot import in Lambda: slim removed numpy/_core/tests/__init__.py, needed by python/numpy/testing/_private/utils.py:12 (no module named numpy._core.tests)",
    );
    expect(module.hint).toMatch(/^keep it with the line `numpy\/_core\/tests\/\*\*` in `slim-keep`/);
    const data = importFailure(
      ref,
      {
        ok: false,
        errorType: "FileNotFoundError",
        message: "[Errno 2] No such file or directory: '/tmp/x/opt/python/numpy/_core/tests/data/umath.csv'",
      },
      removed,
    ).error;
    expect(data.message).toMatch(/slim removed numpy\/_core\/tests\/data\/umath\.csv \(FileNotFoundError/);
    // what slim did not remove keeps the message it had: the distribution to add
    const other = importFailure(ref, { ok: false, errorType: "ModuleNotFoundError", missing: "yaml" }, removed).error;
    expect(other.hint).toMatch(/PyYAML/);
  });
});
