/**
 * slim on a set shaped like numpy + scipy: package A's `testing` imports from
 * `A/_core/tests/`, package B imports `A.testing` while it is imported, a module reads a
 * data file from its tests folder at import, and the handler imports B. With `slim: true`
 * and no `slim-keep` the handler imports and runs from the slimmed zips; what slim kept
 * back is in the log; what it cannot see (a name made at run time) fails the import check
 * with a message that names slim, the file and the `slim-keep` line that keeps it.
 */
import { spawnSync } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LocalIndex, startIndex } from "../devtools/pypi/index-server.ts";
import { makeWheel } from "../devtools/pypi/wheel.ts";
import { readZip } from "../devtools/zipread.ts";
import { UserError } from "../src/errors.ts";
import { buildProject, pinned, writeProject } from "./support/project.ts";
import { pythonFor } from "./support/python.ts";
import { unpackWithPython } from "./support/unpack.ts";

const PY312 = pythonFor(12)!;
let work: string;
let index: LocalIndex;
let requirements: string;
let home: string;

const BIG_TEST = `def test_big():\n    assert ${JSON.stringify("x".repeat(20_000))}\n`;
const ALPHA = {
  "alpha/__init__.py": "from alpha import _core\n",
  "alpha/_core/__init__.py": "from .io import TABLE\n",
  // reads its table from the tests folder at import, by a path joined from literals
  "alpha/_core/io.py":
    "import json, os\nwith open(os.path.join(os.path.dirname(__file__), 'tests', 'data', 'table.json')) as f:\n    TABLE = json.load(f)\n",
  "alpha/_core/tests/__init__.py": "",
  "alpha/_core/tests/_natype.py": "from . import _helpers\nNA = _helpers.make('NA')\n",
  "alpha/_core/tests/_helpers.py": "def make(x):\n    return x\n",
  "alpha/_core/tests/test_umath.py": BIG_TEST,
  "alpha/_core/tests/data/table.json": '{"rows": 3}',
  "alpha/_core/tests/data/unused.json": '{"unused": true}',
  "alpha/testing/__init__.py": "from ._private.utils import NA\n",
  "alpha/testing/_private/__init__.py": "",
  "alpha/testing/_private/utils.py": "from alpha._core.tests._natype import NA\n",
  "alpha/tests/test_public.py": BIG_TEST,
  "alpha/__init__.pyi": "NA: str\n",
};
const BETA = {
  "beta/__init__.py": "import alpha.testing\nfrom .linalg import solve\n",
  "beta/linalg.py":
    "from alpha.testing import NA\nfrom alpha._core import TABLE\ndef solve():\n    return [NA, TABLE['rows']]\n",
  "beta/tests/__init__.py": "",
  "beta/tests/test_linalg.py": BIG_TEST,
};
const GAMMA = {
  // a module name made at run time: no scanner can see it
  "gamma/__init__.py": "import importlib\n_fixtures = importlib.import_module('gamma.' + 'tests.fixtures')\n",
  "gamma/tests/__init__.py": "",
  "gamma/tests/fixtures.py": "VALUE = 1\n",
};

beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), "lpp-slim-"));
  const wheels = path.join(work, "wheels");
  const alpha = await makeWheel(wheels, { name: "alpha", version: "2.2.6", files: ALPHA });
  const beta = await makeWheel(wheels, { name: "beta", version: "1.16.3", files: BETA });
  const gamma = await makeWheel(wheels, { name: "gamma", version: "1.0", files: GAMMA });
  index = await startIndex(wheels);
  home = path.join(work, "home");
  requirements = [pinned("alpha", "2.2.6", alpha), pinned("beta", "1.16.3", beta), pinned("gamma", "1.0", gamma)].join(
    "\n",
  );
});

afterAll(async () => {
  await index?.close();
  await rm(work, { recursive: true, force: true });
});

async function build(name: string, app: string, values: Record<string, string>) {
  const project = await writeProject(path.join(work, name), { "app.py": app, "requirements.txt": requirements });
  return buildProject(
    project,
    {
      runtime: "python3.12",
      handler: "app.handler",
      slim: "true",
      cache: "false",
      "output-dir": path.join(work, name, "out"),
      ...values,
    },
    { home, indexUrl: index.url, extra: { PYENV_ROOT: path.join(os.homedir(), ".pyenv") } },
  );
}

const unpack = (zip: string, into: string) => unpackWithPython(PY312, zip, into);

describe("slim keeps what shipped code imports", () => {
  it("runs the handler from the slimmed zips of a numpy/scipy-shaped set, with no slim-keep", async () => {
    const { result, log } = await build(
      "shaped",
      "import beta\n\ndef handler(event, context):\n    return beta.solve()\n",
      {
        compile: "true",
        package: "split",
      },
    );
    expect(result.verify?.imported).toBe("imported");
    const layer = readZip(result.layerZip!.path).map((e) => e.name);
    // what shipped code imports or reads ships, compiled like any module; the rest of the suites goes
    expect(layer).toEqual(
      expect.arrayContaining([
        "python/alpha/_core/tests/__init__.py",
        "python/alpha/_core/tests/_natype.py",
        "python/alpha/_core/tests/_helpers.py",
        "python/alpha/_core/tests/__pycache__/_natype.cpython-312.pyc",
        "python/alpha/_core/tests/data/table.json",
      ]),
    );
    expect(layer.filter((n) => /test_|unused\.json|\.pyi$|beta\/tests\//.test(n))).toEqual([]);
    const text = log.lines.join("\n");
    expect(text).toMatch(/Slim kept back 4 file\(s\)/);
    expect(text).toContain(
      'alpha/_core/tests/_natype.py: alpha/testing/_private/utils.py:1 imports "alpha._core.tests._natype"',
    );
    expect(text).toContain('alpha/_core/tests/data/table.json: alpha/_core/io.py reads "table.json"');

    // the figures: the removed files' bytes are the sum of their sizes, stripping apart
    const report = result.optimization!;
    const sizes: Record<string, number> = Object.fromEntries(
      Object.entries({ ...ALPHA, ...BETA, ...GAMMA }).map(([p, c]) => [p, Buffer.byteLength(c)]),
    );
    const removedBytes = report.removed.reduce((n, p) => n + sizes[p]!, 0);
    expect(report.removed).toContain("alpha/_core/tests/test_umath.py");
    expect(report.slimmed.reduce((n, s) => n + s.bytes, 0)).toBe(removedBytes);
    expect(text).toContain(
      `Slim: ${report.removed.length} files removed (${removedBytes} bytes), 0 shared objects stripped (0 bytes saved); ${removedBytes} bytes saved in all`,
    );

    // and it runs, as Lambda runs it
    const task = unpack(result.functionZip!.path, path.join(work, "run", "task"));
    const opt = unpack(result.layerZip!.path, path.join(work, "run", "opt"));
    const r = spawnSync(
      PY312,
      [
        "-S",
        "-I",
        "-c",
        "import sys, json; sys.path[:0] = sys.argv[1:3]; import app; print(json.dumps(app.handler({}, None)))",
        task,
        `${opt}/python`,
      ],
      { encoding: "utf8" },
    );
    expect({ out: r.stdout.trim(), err: r.stderr }).toEqual({ out: '["NA", 3]', err: "" });
  });

  it("names slim, the file and the slim-keep line when the import check fails on what it removed", async () => {
    const app = "import gamma\n\ndef handler(event, context):\n    return gamma._fixtures.VALUE\n";
    const failed = build("dynamic", app, {});
    await expect(failed).rejects.toThrow(UserError);
    const error = (await failed.catch((e: UserError) => e)) as UserError;
    expect(error.message).toMatch(
      /^handler app\.handler cannot import in Lambda: slim removed gamma\/tests\/__init__\.py, needed by gamma\/__init__\.py:2 \(no module named gamma\.tests\)/,
    );
    expect(error.hint).toMatch(/^keep it with the line `gamma\/tests\/\*\*` in `slim-keep`/);
    // the line it gives keeps it
    const kept = await build("dynamic-kept", app, { "slim-keep": "gamma/tests/**" });
    expect(kept.result.verify?.imported).toBe("imported");
  });
});
