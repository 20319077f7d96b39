/**
 * compile, slim and exclude-packages end to end: a handler importing a real CPython
 * extension (built here with gcc, with debug information), a ctypes library and pure
 * packages runs from the compiled, slimmed zips in Lambda's layout with the runtime's
 * Python; the bytecode is what runs; two builds give the same bytes; a warm build
 * restores the optimized tree.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
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
let project: string;
let home: string;

const EXTENSION = `
#include <Python.h>
static PyObject *add(PyObject *self, PyObject *args) {
  long a, b;
  if (!PyArg_ParseTuple(args, "ll", &a, &b)) return NULL;
  return PyLong_FromLong(a + b);
}
static PyMethodDef methods[] = {{"add", add, METH_VARARGS, ""}, {NULL, NULL, 0, NULL}};
static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_speed", NULL, -1, methods};
PyMODINIT_FUNC PyInit__speed(void) { return PyModule_Create(&module); }
`;

function gcc(source: string, out: string, include?: string): Buffer {
  const c = `${out}.c`;
  writeFileSync(c, source);
  execFileSync("gcc", ["-g", "-O1", "-shared", "-fPIC", ...(include ? ["-I", include] : []), "-o", out, c]);
  return readFileSync(out);
}

beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), "lpp-optimize-"));
  const wheels = path.join(work, "wheels");
  const include = execFileSync(PY312, ["-c", "import sysconfig; print(sysconfig.get_paths()['include'])"], {
    encoding: "utf8",
  }).trim();
  mkdirSync(path.join(work, "c"));
  const speed = gcc(EXTENSION, path.join(work, "c", "_speed.so"), include);
  const lib = gcc("int triple(int x) { return 3 * x; }\n", path.join(work, "c", "libtriple.so"));
  const fast = await makeWheel(wheels, {
    name: "fastext",
    version: "1.0",
    tag: "cp312-cp312-manylinux_2_17_x86_64",
    files: {
      "fastext/__init__.py":
        "import ctypes, os\nfrom fastext._speed import add\n" +
        "_lib = ctypes.CDLL(os.path.join(os.path.dirname(__file__), '..', 'fastext.libs', 'libtriple.so'))\n" +
        "def triple(x):\n    return _lib.triple(x)\n",
      "fastext/_speed.cpython-312-x86_64-linux-gnu.so": speed,
      "fastext.libs/libtriple.so": lib,
      "fastext/_speed.pyi": "def add(a: int, b: int) -> int: ...\n",
      "fastext/src/speed.c": EXTENSION,
      "fastext/tests/__init__.py": "",
      "fastext/tests/test_speed.py": "def test_add():\n    assert True\n",
    },
  });
  const pure = await makeWheel(wheels, {
    name: "purepkg",
    version: "2.0",
    files: {
      "purepkg/__init__.py": "from purepkg.testing import helper\nVALUE = helper() + 1\n",
      "purepkg/testing.py": "def helper():\n    return 41\n",
      "purepkg/test/test_value.py": "assert False\n",
      "purepkg/legacy.py": "print 'python 2'\n",
    },
  });
  const sdk = await makeWheel(wheels, {
    name: "bigsdk",
    version: "9.9",
    files: { "bigsdk/__init__.py": `DATA = ${JSON.stringify("x".repeat(50_000))}\n` },
  });
  index = await startIndex(wheels);
  home = path.join(work, "home");
  project = await writeProject(path.join(work, "project"), {
    "app.py":
      "import fastext, purepkg\n\ndef handler(event, context):\n    return {'add': fastext.add(2, 3), 'triple': fastext.triple(5), 'value': purepkg.VALUE}\n",
    "requirements.txt": [
      pinned("fastext", "1.0", fast),
      pinned("purepkg", "2.0", pure),
      pinned("bigsdk", "9.9", sdk),
    ].join("\n"),
  });
});

afterAll(async () => {
  await index?.close();
  await rm(work, { recursive: true, force: true });
});

const OPTIMIZED = { compile: "true", slim: "true", "exclude-packages": "bigsdk", package: "split" };
const build = (out: string, values: Record<string, string> = {}, env: NodeJS.ProcessEnv = {}) =>
  buildProject(
    project,
    { runtime: "python3.12", "output-dir": path.join(work, out), ...OPTIMIZED, ...values },
    { home, indexUrl: index.url, extra: { PYENV_ROOT: path.join(os.homedir(), ".pyenv"), ...env } },
  );

/**
 * One build per distinct set of inputs for the tests that only read its result: the first
 * test's build is also the first of the two builds compared byte for byte, and the
 * compile-off build is also the one whose cache key shows the compiler is in the key.
 */
const shared = new Map<string, ReturnType<typeof build>>();
function sharedBuild(values: Record<string, string>): ReturnType<typeof build> {
  const id = JSON.stringify(values);
  let built = shared.get(id);
  if (!built) {
    built = build(`out-shared-${shared.size}`, values);
    shared.set(id, built);
  }
  return built;
}

/** Lambda's layout: the function zip in /var/task, the layer in /opt; code before the layer's python/. */
const unpack = (zip: string, into: string) => unpackWithPython(PY312, zip, into);

function invoke(task: string, opt: string): { stdout: string; stderr: string } {
  const script =
    "import sys, json; sys.path[:0] = [sys.argv[1], sys.argv[2] + '/python']; import app; print(json.dumps(app.handler({}, None)))";
  const r = spawnSync(PY312, ["-S", "-c", script, task, opt], {
    encoding: "utf8",
    env: { PATH: process.env.PATH, PYTHONDONTWRITEBYTECODE: "1" },
  });
  return { stdout: r.stdout.trim(), stderr: r.stderr };
}

/** Every .py source replaced by one that raises: an import still works only through the shipped bytecode. */
function poisonSources(dir: string): number {
  let n = 0;
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith(".py")) {
        writeFileSync(p, "raise RuntimeError('the source was compiled at import')\n");
        n++;
      }
    }
  };
  walk(dir);
  return n;
}

describe("compile, slim and exclude-packages", () => {
  it("runs from compiled, slimmed zips with the runtime's Python, through the bytecode", async () => {
    const { result, log } = await sharedBuild({ cache: "false" });
    const layer = readZip(result.layerZip!.path).map((e) => e.name);
    const fn = readZip(result.functionZip!.path)
      .map((e) => e.name)
      .filter((n) => !n.endsWith("/"));
    expect(fn).toEqual(["__pycache__/app.cpython-312.pyc", "app.py"]);
    expect(layer).toEqual(
      expect.arrayContaining([
        "python/fastext/__pycache__/__init__.cpython-312.pyc",
        "python/purepkg/__pycache__/testing.cpython-312.pyc",
        "python/purepkg/testing.py",
        "python/fastext-1.0.dist-info/RECORD",
      ]),
    );
    // tests, stubs and C sources gone; the legacy file ships without bytecode; bigsdk left out
    expect(layer.filter((n) => /\/tests?\/|\.pyi$|\.c$|bigsdk/.test(n))).toEqual([]);
    expect(layer).not.toContain("python/purepkg/__pycache__/legacy.cpython-312.pyc");
    // left out before the download: pip never fetched it
    expect(log.lines.join("\n")).toMatch(/Left out bigsdk 9\.9 \(exclude-packages\): not downloaded/);
    expect(log.lines.filter((l) => /bigsdk/.test(l) && !l.startsWith("Left out"))).toEqual([]);
    const report = result.optimization!;
    expect(report.excluded.map((e) => e.name)).toEqual(["bigsdk"]);
    expect(report.slimmed.map((s) => s.distribution).sort()).toEqual(["fastext", "purepkg"]);
    expect(report.stripped.files).toBe(2);
    // each figure the sum of what it names: the files removed, stripping's savings apart
    const removedBytes = [
      "def add(a: int, b: int) -> int: ...\n",
      EXTENSION,
      "",
      "def test_add():\n    assert True\n",
      "assert False\n",
    ].reduce((n, text) => n + Buffer.byteLength(text), 0);
    expect(report.removed).toHaveLength(5);
    expect(report.slimmed.reduce((n, s) => n + s.bytes, 0)).toBe(removedBytes);
    expect(report.stripped.bytes).toBeGreaterThan(0);
    expect(log.lines.join("\n")).toContain(
      `Slim: 5 files removed (${removedBytes} bytes), 2 shared objects stripped (${report.stripped.bytes} bytes saved); ${removedBytes + report.stripped.bytes} bytes saved in all`,
    );
    expect(report.compile).toMatchObject({
      done: true,
      cacheTag: "cpython-312",
      code: 1,
      failed: ["purepkg/legacy.py"],
    });

    const task = unpack(result.functionZip!.path, path.join(work, "run-1", "task"));
    const opt = unpack(result.layerZip!.path, path.join(work, "run-1", "opt"));
    expect(invoke(task, opt)).toEqual({ stdout: '{"add": 5, "triple": 15, "value": 42}', stderr: "" });
    // the stripped objects carry no debug information or symbol table
    for (const so of ["python/fastext/_speed.cpython-312-x86_64-linux-gnu.so", "python/fastext.libs/libtriple.so"]) {
      const sections = execFileSync(
        "readelf",
        ["-S", "-W", path.join(opt, so.slice("python/".length).replace(/^/, "python/"))],
        {
          encoding: "utf8",
        },
      );
      expect(sections).not.toMatch(/\.debug_|\.symtab/);
      expect(sections).toMatch(/\.dynsym/);
    }
    // importlib.metadata still reads the slimmed distribution, and its RECORD is the tree's
    const meta = spawnSync(
      PY312,
      [
        "-S",
        "-c",
        "import sys, importlib.metadata as m; sys.path[:0]=[sys.argv[1]]; d=m.distribution('fastext'); print(d.version, sorted(str(f) for f in d.files if 'tests' in str(f) or f.suffix=='.pyc'))",
        `${opt}/python`,
      ],
      { encoding: "utf8" },
    );
    expect(meta.stdout.trim()).toBe("1.0 ['fastext/__pycache__/__init__.cpython-312.pyc']");

    expect(poisonSources(task) + poisonSources(opt)).toBeGreaterThan(3);
    expect(invoke(task, opt)).toEqual({ stdout: '{"add": 5, "triple": 15, "value": 42}', stderr: "" });
  });

  it("fails the import through the same check when built without bytecode", async () => {
    const { result, log } = await sharedBuild({ cache: "false", compile: "false" });
    // the runtime's Python is here: one line (not an annotation) says what compile: auto would give
    const advice = log.lines.filter((l) => l.includes("compile: auto"));
    expect(advice).toHaveLength(1);
    expect(advice[0]).toMatch(/^Bytecode: off \(compile: false\)\. A Python 3\.12 is on this runner/);
    expect(log.annotations.filter((a) => a.message.includes("compile: auto"))).toEqual([]);
    const task = unpack(result.functionZip!.path, path.join(work, "run-2", "task"));
    const opt = unpack(result.layerZip!.path, path.join(work, "run-2", "opt"));
    poisonSources(task);
    poisonSources(opt);
    expect(invoke(task, opt).stderr).toMatch(/the source was compiled at import/);
  });

  it("gives byte-identical zips on two builds, and a warm build restores the optimized tree", async () => {
    const a = await sharedBuild({ cache: "false" });
    const b = await build("out-b", { cache: "false" });
    expect(b.result.layerZip!.sha256).toBe(a.result.layerZip!.sha256);
    expect(b.result.functionZip!.sha256).toBe(a.result.functionZip!.sha256);
    const cold = await build("out-cold");
    const warm = await build("out-warm");
    expect(cold.result.cache.hit).toBe(false);
    expect(warm.result.cache.hit).toBe(true);
    expect(warm.result.cache.key).toBe(cold.result.cache.key);
    expect(warm.result.layerZip!.sha256).toBe(a.result.layerZip!.sha256);
    expect(warm.result.functionZip!.sha256).toBe(a.result.functionZip!.sha256);
    expect(warm.result.optimization).toMatchObject({ fromCache: true, excluded: [{ name: "bigsdk" }] });
    // the compiler the build found is in the key: the compile-off build (shared with the test
    // above) is another entry; that every setting is in it is cache-key.test.ts's unit test
    const compileOff = await sharedBuild({ cache: "false", compile: "false" });
    expect(compileOff.result.cache.key).not.toBe(cold.result.cache.key);
  });

  it("optimizes the wheels' members as they are unpacked, to the same files as pip's tree gives", async () => {
    const fast = await sharedBuild({ cache: "false" });
    const installed = await build("out-pip", { cache: "false" }, { LPP_UNPACK: "pip" });
    // the fast path was taken with every setting on, and pip's install path by the way out
    expect(fast.result.timings.unpack).toBeTypeOf("number");
    expect(installed.result.timings.unpack).toBeUndefined();
    // the same entries with the same bytes and modes; the zips differ only in compressed bytes
    // (members copied from the wheels as they were deflated, as on the plain fast path)
    const entries = (zip: string) =>
      readZip(zip).map((e) => ({ name: e.name, size: e.size, crc: e.crc, mode: e.mode }));
    expect(entries(fast.result.layerZip!.path)).toEqual(entries(installed.result.layerZip!.path));
    expect(entries(fast.result.functionZip!.path)).toEqual(entries(installed.result.functionZip!.path));
    // the same report, but for what exclude-packages saved: pip installed bigsdk, the fast path never downloaded it
    const bigsdk = { name: "bigsdk", version: "9.9", bytes: 0, notDownloaded: true };
    expect(installed.result.optimization!.excluded).toEqual([
      { ...bigsdk, bytes: expect.any(Number), notDownloaded: undefined },
    ]);
    expect(fast.result.optimization).toEqual({ ...installed.result.optimization, excluded: [bigsdk] });
  });

  it("keeps what slim-keep names", async () => {
    const { result } = await build("out-keep", {
      cache: "false",
      "slim-keep": "fastext/tests/**\n**/*.pyi",
      compile: "false",
    });
    const layer = readZip(result.layerZip!.path).map((e) => e.name);
    expect(layer).toEqual(expect.arrayContaining(["python/fastext/tests/test_speed.py", "python/fastext/_speed.pyi"]));
    expect(layer).not.toContain("python/purepkg/test/test_value.py");
  });

  it("for python3.14 without a 3.14 on the runner: fails when compile is required, builds without bytecode on auto", async () => {
    if (pythonFor(14)) return; // this machine has none; the path under test is the missing one
    const alone = await writeProject(path.join(work, "alone"), { "app.py": "def handler(e, c):\n    return 1\n" });
    const env = { home, indexUrl: index.url, extra: { PYENV_ROOT: path.join(os.homedir(), ".pyenv") } };
    const required = buildProject(
      alone,
      { runtime: "python3.14", compile: "true", "output-dir": path.join(work, "o14a") },
      env,
    );
    await expect(required).rejects.toThrow(UserError);
    await expect(required).rejects.toThrow(/no Python 3\.14 on this runner/);
    await required.catch((e: UserError) => expect(e.hint).toMatch(/actions\/setup-python.*python-version: "3\.14"/));
    const auto = await buildProject(
      alone,
      { runtime: "python3.14", compile: "auto", "output-dir": path.join(work, "o14b") },
      env,
    );
    expect(readZip(auto.result.functionZip!.path).map((e) => e.name)).toEqual(["app.py"]);
    // compile off and no 3.14 to compile with: nothing to suggest
    const off = await buildProject(alone, { runtime: "python3.14", "output-dir": path.join(work, "o14c") }, env);
    expect(off.log.lines.join("\n")).not.toMatch(/compile: auto|Bytecode/);
    expect(auto.log.annotations.map((a) => a.message).join("\n")).toMatch(
      /no Python 3\.14 .*building without bytecode/,
    );
  });
});
