/**
 * compile + slim across every runtime the machine has a Python for (3.9–3.13; 3.14 when
 * present) and for arm64 on this x86_64 machine. Per version: the pycs carry that
 * Python's cache tag and magic number and are unchecked-hash (PEP 552 flags = 0b01), and
 * the handler imports from the zips in Lambda's layout with that Python through the
 * bytecode alone. For arm64: the aarch64 extension is stripped by our own rewriter and
 * the pure-Python handler still imports (pure code runs on any architecture).
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LocalIndex, startIndex } from "../devtools/pypi/index-server.ts";
import { type BuiltWheel, makeWheel } from "../devtools/pypi/wheel.ts";
import { readZip } from "../devtools/zipread.ts";
import { withMachine } from "./support/elf.ts";
import { buildProject, pinned, writeProject } from "./support/project.ts";
import { pythonFor } from "./support/python.ts";
import { unpackWithPython } from "./support/unpack.ts";

const MINORS = [9, 10, 11, 12, 13, 14].filter((m) => pythonFor(m) !== undefined);
const EM_AARCH64 = 183;

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

let work: string;
let index: LocalIndex;
let home: string;
let x86Project: string;
let armProject: string;

const python = (minor: number) => pythonFor(minor)!;
const pyOut = (py: string, code: string) => execFileSync(py, ["-I", "-S", "-c", code], { encoding: "utf8" }).trim();

/** The extension built with debug information against Python 3.<minor>'s headers. */
function extension(minor: number): string {
  const include = pyOut(python(minor), "import sysconfig; print(sysconfig.get_paths()['include'])");
  const dir = path.join(work, "c", `3${minor}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, "speed.c"), EXTENSION);
  const out = path.join(dir, "_speed.so");
  execFileSync("gcc", ["-g", "-O1", "-shared", "-fPIC", "-I", include, "-o", out, path.join(dir, "speed.c")]);
  return out;
}

beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), "lpp-optimize-versions-"));
  home = path.join(work, "home");
  const wheels = path.join(work, "wheels");
  const pure = await makeWheel(wheels, {
    name: "purepkg",
    version: "2.0",
    files: {
      "purepkg/__init__.py": "from purepkg.core import helper\nVALUE = helper() + 1\n",
      "purepkg/core.py": "def helper():\n    return 41\n",
      "purepkg/tests/test_core.py": "assert False\n",
    },
  });
  // one wheel per version, all pinned in one lock: pip picks the runtime's
  const native: BuiltWheel[] = [];
  for (const minor of MINORS) {
    const so = extension(minor);
    native.push(
      await makeWheel(wheels, {
        name: "fastext",
        version: "1.0",
        tag: `cp3${minor}-cp3${minor}-manylinux_2_17_x86_64`,
        files: {
          "fastext/__init__.py": "from fastext._speed import add\n",
          [`fastext/_speed.cpython-3${minor}-x86_64-linux-gnu.so`]: readFileSync(so),
        },
      }),
    );
  }
  const arm = await makeWheel(wheels, {
    name: "fastext",
    version: "1.0",
    tag: "cp312-cp312-manylinux_2_17_aarch64",
    files: {
      "fastext/__init__.py": "from fastext._speed import add\n",
      "fastext/_speed.cpython-312-aarch64-linux-gnu.so": withMachine(
        path.join(work, "c", "312", "_speed.so"),
        EM_AARCH64,
      ),
    },
  });
  index = await startIndex(wheels);
  x86Project = await writeProject(path.join(work, "x86"), {
    "app.py":
      "import fastext, purepkg\n\ndef handler(event, context):\n    return {'add': fastext.add(2, 3), 'value': purepkg.VALUE}\n",
    "requirements.txt": [pinned("fastext", "1.0", ...native), pinned("purepkg", "2.0", pure)].join("\n"),
  });
  armProject = await writeProject(path.join(work, "arm"), {
    "app.py": "import purepkg\n\ndef handler(event, context):\n    return {'value': purepkg.VALUE}\n",
    "requirements.txt": [pinned("fastext", "1.0", arm), pinned("purepkg", "2.0", pure)].join("\n"),
  });
});

afterAll(async () => {
  await index?.close();
  await rm(work, { recursive: true, force: true });
});

const build = (project: string, out: string, values: Record<string, string>) =>
  buildProject(
    project,
    {
      "output-dir": path.join(work, out),
      compile: "true",
      slim: "true",
      package: "split",
      cache: "false",
      ...values,
    },
    { home, indexUrl: index.url, extra: { PYENV_ROOT: path.join(os.homedir(), ".pyenv") } },
  );

const unpack = unpackWithPython;

/** Every .py source replaced by one that raises: an import still works only through the shipped bytecode. */
function poisonSources(dir: string): number {
  let n = 0;
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile() && e.name.endsWith(".py")) {
      writeFileSync(path.join(e.parentPath, e.name), "raise RuntimeError('the source was compiled at import')\n");
      n++;
    }
  }
  return n;
}

/** The handler run as Lambda lays it out: the code in /var/task first, then the layer's python/. */
function invoke(py: string, task: string, opt: string): { stdout: string; stderr: string } {
  const script =
    "import sys, json; sys.path[:0] = [sys.argv[1], sys.argv[2] + '/python']; import app; print(json.dumps(app.handler({}, None)))";
  const r = spawnSync(py, ["-S", "-c", script, task, opt], {
    encoding: "utf8",
    env: { PATH: process.env.PATH, PYTHONDONTWRITEBYTECODE: "1" },
  });
  return { stdout: r.stdout.trim(), stderr: r.stderr };
}

describe("compile and slim for every runtime version", () => {
  it.each(MINORS)("python3.%i: pycs for that Python, unchecked-hash, and the handler runs from them", async (minor) => {
    const py = python(minor);
    const tag = `cpython-3${minor}`;
    const magic = pyOut(py, "import importlib.util; print(importlib.util.MAGIC_NUMBER.hex())");
    const { result } = await build(x86Project, `out-3${minor}`, { runtime: `python3.${minor}` });
    expect(result.optimization?.compile).toMatchObject({ done: true, cacheTag: tag });

    const entries = [...readZip(result.functionZip!.path), ...readZip(result.layerZip!.path)];
    const pycs = entries.filter((e) => e.name.endsWith(".pyc"));
    expect(pycs.map((e) => e.name)).toEqual(
      expect.arrayContaining([
        `__pycache__/app.${tag}.pyc`,
        `python/purepkg/__pycache__/core.${tag}.pyc`,
        `python/fastext/__pycache__/__init__.${tag}.pyc`,
      ]),
    );
    for (const pyc of pycs) {
      expect(pyc.name).toMatch(new RegExp(`(^|/)__pycache__/[^/]+\\.${tag}\\.pyc$`));
      const header = pyc.data();
      expect(header.subarray(0, 4).toString("hex"), pyc.name).toBe(magic);
      expect(header.readUInt32LE(4), pyc.name).toBe(0b01); // PEP 552: hash-based, check_source off
    }
    expect(entries.some((e) => /\/tests\//.test(e.name))).toBe(false);

    const run = path.join(work, `run-3${minor}`);
    const task = unpack(py, result.functionZip!.path, path.join(run, "task"));
    const opt = unpack(py, result.layerZip!.path, path.join(run, "opt"));
    expect(poisonSources(task) + poisonSources(opt)).toBeGreaterThanOrEqual(4);
    expect(invoke(py, task, opt)).toEqual({ stdout: '{"add": 5, "value": 42}', stderr: "" });
  });

  it("python3.12 arm64 on this x86_64 machine: the aarch64 object is stripped and the pure handler imports", async () => {
    const py = python(12);
    const { result } = await build(armProject, "out-arm", { runtime: "python3.12", architecture: "arm64" });
    expect(result.optimization?.stripped.files).toBe(1);
    const run = path.join(work, "run-arm");
    const task = unpack(py, result.functionZip!.path, path.join(run, "task"));
    const opt = unpack(py, result.layerZip!.path, path.join(run, "opt"));
    const so = path.join(opt, "python", "fastext", "_speed.cpython-312-aarch64-linux-gnu.so");
    expect(execFileSync("readelf", ["-h", so], { encoding: "utf8" })).toMatch(/Machine:\s+AArch64/);
    const sections = spawnSync("readelf", ["-S", "-W", so], { encoding: "utf8" });
    expect(sections.stderr).toBe("");
    expect(sections.stdout).not.toMatch(/\.debug_|\.symtab/);
    expect(sections.stdout).toMatch(/\.dynsym/);
    expect(poisonSources(task) + poisonSources(opt)).toBeGreaterThanOrEqual(3);
    expect(invoke(py, task, opt)).toEqual({ stdout: '{"value": 42}', stderr: "" });
  });
});
