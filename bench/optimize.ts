/**
 * npm run bench:optimize [-- --modules N] [--runs N] [--out FILE]
 *
 * The recipe (pip install --target, zip -r) against the action with `slim: true` and
 * `compile: true`, on two synthetic sets made here without the network: a
 * data-science-shaped one (large packages with test suites, stubs, C sources and a
 * gcc-built shared object with debug information) and a web-shaped one (pure packages).
 * Measures unzipped size, zipped size and the handler's cold import time: median of
 * several fresh `python3.12 -S` processes, PYTHONDONTWRITEBYTECODE=1, each zip unpacked
 * by Python's zipfile as Lambda would give it (files dated at extraction, so timestamp
 * pycs the recipe ships are checked against new dates). Prints a table and writes it,
 * with the machine and what each set contains, to bench/results/optimize.json.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { startIndex } from "../devtools/pypi/index-server.ts";
import { makeWheel, type WheelFile } from "../devtools/pypi/wheel.ts";
import { build } from "../src/build.ts";
import { inputsFrom } from "../src/inputs.ts";
import { MemoryLog } from "../src/log.ts";
import { pythonFor } from "../test/support/python.ts";
import { describeMachine, ratio, table } from "./report.ts";
import { run } from "./scenarios.ts";

const { values: flags } = parseArgs({
  options: { modules: { type: "string" }, runs: { type: "string" }, out: { type: "string" } },
});
const OUT = flags.out ?? fileURLToPath(new URL("results/optimize.json", import.meta.url));
const MODULES = Number(flags.modules ?? 60);
const RUNS = Number(flags.runs ?? 5);
const PY = pythonFor(12);
if (!PY) throw new Error("needs Python 3.12");

function module(pkg: string, i: number): string {
  const lines = [`"""${pkg} module ${i}."""`, "import math", ""];
  for (let k = 0; k < 25; k++) {
    lines.push(
      `class Thing${k}:`,
      `    scale = ${k + i}`,
      "    def __init__(self, values):",
      "        self.values = [v * self.scale for v in values if v is not None]",
      "    def total(self):",
      "        return sum(math.sqrt(abs(v)) for v in self.values)",
      `def helper_${k}(x, *, y=${k}):`,
      "    return {'x': x, 'y': y, 'z': [x + n for n in range(y)]}",
    );
  }
  return `${lines.join("\n")}\n`;
}

function packageFiles(pkg: string, modules: number, dataScience: boolean, so?: Buffer): Record<string, WheelFile> {
  const files: Record<string, WheelFile> = {};
  files[`${pkg}/__init__.py`] = `${Array.from({ length: modules }, (_, i) => `from ${pkg} import m${i}`).join("\n")}\n`;
  for (let i = 0; i < modules; i++) files[`${pkg}/m${i}.py`] = module(pkg, i);
  if (dataScience) {
    for (let i = 0; i < modules; i++) files[`${pkg}/tests/test_m${i}.py`] = module(`${pkg}_tests`, i).repeat(2);
    for (let i = 0; i < modules / 2; i++) files[`${pkg}/m${i}.pyi`] = "def helper_0(x: int) -> dict: ...\n".repeat(40);
    files[`${pkg}/src/core.c`] = "int core(void) { return 0; }\n".repeat(2000);
    if (so) files[`${pkg}/_core.so`] = so;
  }
  return files;
}

function sharedObject(work: string): Buffer {
  const c = path.join(work, "big.c");
  const body = Array.from(
    { length: 400 },
    (_, i) => `double f${i}(double x) { double s = 0; for (int k = 0; k < ${i + 3}; k++) s += x * k; return s; }`,
  );
  writeFileSync(c, `${body.join("\n")}\n`);
  const out = path.join(work, "big.so");
  execFileSync("gcc", ["-g3", "-O1", "-shared", "-fPIC", "-o", out, c]);
  return readFileSync(out);
}

const unpack = (zip: string, into: string) =>
  execFileSync(PY!, [
    "-I",
    "-S",
    "-c",
    "import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])",
    zip,
    into,
  ]);

function coldImport(paths: string[], modules: string[]): number {
  const script = `import sys, time; sys.path[:0] = ${JSON.stringify(paths)}; t = time.perf_counter(); ${modules.map((m) => `import ${m}`).join("; ")}; print(time.perf_counter() - t)`;
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const r = spawnSync(PY!, ["-S", "-c", script], { encoding: "utf8", env: { PYTHONDONTWRITEBYTECODE: "1" } });
    if (r.status !== 0) throw new Error(r.stderr);
    times.push(Number(r.stdout.trim()) * 1000);
  }
  return times.sort((a, b) => a - b)[Math.floor(times.length / 2)]!;
}

const unzipped = (zip: string) =>
  Number(
    execFileSync(
      PY!,
      [
        "-I",
        "-S",
        "-c",
        "import sys, zipfile; print(sum(i.file_size for i in zipfile.ZipFile(sys.argv[1]).infolist()))",
        zip,
      ],
      { encoding: "utf8" },
    ),
  );

type Dist = { name: string; files: Record<string, WheelFile> };

function kindOf(name: string): string {
  if (/\/tests\//.test(name)) return "tests";
  if (name.endsWith(".pyi")) return "stubs";
  if (name.endsWith(".c")) return "C sources";
  if (name.endsWith(".so")) return "shared objects (gcc -g3)";
  return "modules";
}

/** What a synthetic set holds, by the kind of file slim and compile act on. */
function contents(dists: Dist[]) {
  const kinds: Record<string, { files: number; bytes: number }> = {};
  for (const d of dists) {
    for (const [name, file] of Object.entries(d.files)) {
      const kind = kindOf(name);
      const size = Buffer.byteLength(typeof file === "string" || Buffer.isBuffer(file) ? file : file.data);
      kinds[kind] ??= { files: 0, bytes: 0 };
      const k = kinds[kind];
      k.files++;
      k.bytes += size;
    }
  }
  return { distributions: dists.map((d) => d.name), kinds };
}

async function scenario(name: string, work: string, dists: Dist[]) {
  const wheels = path.join(work, name, "wheels");
  for (const d of dists) await makeWheel(wheels, { name: d.name, version: "1.0", files: d.files });
  const index = await startIndex(wheels);
  try {
    const project = path.join(work, name, "project");
    mkdirSync(project, { recursive: true });
    writeFileSync(path.join(project, "requirements.txt"), `${dists.map((d) => `${d.name}==1.0`).join("\n")}\n`);
    writeFileSync(
      path.join(project, "app.py"),
      `${dists.map((d) => `import ${d.name}`).join("\n")}\ndef handler(e, c):\n    return 1\n`,
    );
    const env = {
      PATH: process.env.PATH,
      HOME: path.join(work, name, "home"),
      PIP_INDEX_URL: index.url,
      PIP_CONFIG_FILE: os.devNull,
      PYENV_ROOT: path.join(os.homedir(), ".pyenv"),
    };
    // the recipe: pip install --target (pip byte-compiles with the Python that runs it), zip -r
    const target = path.join(work, name, "recipe");
    await run(
      PY!,
      [
        "-m",
        "pip",
        "install",
        "-q",
        "--target",
        target,
        "--platform",
        "manylinux2014_x86_64",
        "--only-binary=:all:",
        "--python-version",
        "3.12",
        "--implementation",
        "cp",
        "-r",
        path.join(project, "requirements.txt"),
      ],
      { env },
    );
    writeFileSync(path.join(target, "app.py"), readFileSync(path.join(project, "app.py")));
    const recipeZip = path.join(work, name, "recipe.zip");
    execFileSync("zip", ["-r", "-q", recipeZip, "."], { cwd: target });
    const recipeDir = path.join(work, name, "recipe-run");
    unpack(recipeZip, recipeDir);
    const inputs = inputsFrom({
      "working-directory": project,
      runtime: "python3.12",
      python: PY!,
      slim: "true",
      compile: "true",
      cache: "false",
      "output-dir": path.join(work, name, "out"),
    });
    const built = await build(inputs, { log: new MemoryLog(), env });
    const actionZip = built.functionZip!.path;
    const actionDir = path.join(work, name, "action-run");
    unpack(actionZip, actionDir);
    const mods = ["app"];
    const r = {
      size: unzipped(recipeZip),
      zipped: readFileSync(recipeZip).length,
      importMs: coldImport([recipeDir], mods),
    };
    const a = { size: unzipped(actionZip), zipped: built.functionZip!.size, importMs: coldImport([actionDir], mods) };
    const mb = (n: number) => `${(n / 1e6).toFixed(1)} MB`;
    const ms = (n: number) => `${n.toFixed(0)} ms`;
    console.log(`\n${name}`);
    console.log(
      table(
        ["", "recipe", "action (compile + slim)", "action / recipe"],
        [
          ["unzipped", mb(r.size), mb(a.size), `${ratio(a.size, r.size)}×`],
          ["zipped", mb(r.zipped), mb(a.zipped), `${ratio(a.zipped, r.zipped)}×`],
          [`cold import (median of ${RUNS})`, ms(r.importMs), ms(a.importMs), `${ratio(a.importMs, r.importMs)}×`],
        ],
      ),
    );
    return {
      name,
      contents: contents(dists),
      recipe: r,
      action: a,
      ratios: {
        size: ratio(a.size, r.size),
        zipped: ratio(a.zipped, r.zipped),
        importMs: ratio(a.importMs, r.importMs),
      },
    };
  } finally {
    await index.close();
  }
}

const work = await mkdtemp(path.join(os.tmpdir(), "lpp-bench-optimize-"));
const machine = describeMachine(PY, work);
try {
  const so = sharedObject(work);
  const dataScience = await scenario(
    "data-science",
    work,
    ["dsnum", "dssci", "dspandas", "dsboto"].map((n) => ({ name: n, files: packageFiles(n, MODULES, true, so) })),
  );
  const web = await scenario(
    "web",
    work,
    ["webreq", "webpyd", "webpure1", "webpure2", "webpure3"].map((n) => ({
      name: n,
      files: packageFiles(n, Math.ceil(MODULES / 3), false),
    })),
  );
  const results = {
    format: 1,
    date: new Date().toISOString(),
    synthetic: "generated here without the network (no PyPI): same-shaped packages, not numpy/pandas/requests",
    modulesPerPackage: MODULES,
    runs: RUNS,
    machine: { ...machine, loadAverageAtEnd: Number(os.loadavg()[0]!.toFixed(2)) },
    sets: [dataScience, web],
  };
  mkdirSync(path.dirname(OUT), { recursive: true });
  writeFileSync(OUT, `${JSON.stringify(results, null, 2)}\n`);
  console.log(`\nwritten to ${OUT}`);
} finally {
  await rm(work, { recursive: true, force: true });
}
