/**
 * npm run bench:optimize [-- --modules N] [--runs N] [--builds N] [--out FILE]
 *
 * compile and slim on two synthetic sets made here without the network (optimize-sets.ts):
 * a data-science one that behaves like numpy + scipy + pandas where those settings act,
 * and a web one of pure packages. Side by side in one run, for each setting (plain, slim,
 * compile, slim + compile) and for AWS's recipe (pip install --target, zip -r): a cold
 * build's time (median of --builds, the settings interleaved, each with the import check
 * of a handler that imports every package, so every import is proven intact), the unzipped
 * and zipped size, and the handler's cold import (median of --runs fresh `python3.12 -S`
 * processes, PYTHONDONTWRITEBYTECODE=1, each zip unpacked by zipfile as Lambda gives it).
 * Ratios are against the plain cold build. Writes bench/results/optimize.json.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { startIndex } from "../devtools/pypi/index-server.ts";
import { makeWheel } from "../devtools/pypi/wheel.ts";
import { readZip } from "../devtools/zipread.ts";
import { type BuildResult, build } from "../src/build.ts";
import { inputsFrom } from "../src/inputs.ts";
import { MemoryLog } from "../src/log.ts";
import { pythonFor } from "../test/support/python.ts";
import { unpackWithPython } from "../test/support/unpack.ts";
import { contents, type Dist, dataScienceSet, sharedObject, webSet } from "./optimize-sets.ts";
import { describeMachine, ratio, table } from "./report.ts";
import { run } from "./scenarios.ts";

const { values: flags } = parseArgs({
  options: {
    modules: { type: "string" },
    runs: { type: "string" },
    builds: { type: "string" },
    out: { type: "string" },
  },
});
const OUT = flags.out ?? fileURLToPath(new URL("results/optimize.json", import.meta.url));
const MODULES = Number(flags.modules ?? 60);
const RUNS = Number(flags.runs ?? 5);
const BUILDS = Number(flags.builds ?? 3);
const PY = pythonFor(12);
if (!PY) throw new Error("needs Python 3.12");

const SETTINGS: { name: string; values: Record<string, string>; env?: NodeJS.ProcessEnv }[] = [
  { name: "plain", values: {} },
  { name: "slim", values: { slim: "true" } },
  { name: "compile", values: { compile: "true" } },
  { name: "slim + compile", values: { slim: "true", compile: "true" } },
  // how these settings were built before: pip's installed tree, rewritten
  { name: "slim + compile, pip's tree", values: { slim: "true", compile: "true" }, env: { LPP_UNPACK: "pip" } },
];

/** Each entry's name, size, CRC and mode: the files a zip holds, whatever compressed them. */
const files = (zip: string) => JSON.stringify(readZip(zip).map((e) => [e.name, e.size, e.crc, e.mode]));

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function coldImport(paths: string[]): number {
  const script = `import sys, time; sys.path[:0] = ${JSON.stringify(paths)}; t = time.perf_counter(); import app; app.handler({}, None); print(time.perf_counter() - t)`;
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const r = spawnSync(PY!, ["-S", "-c", script], { encoding: "utf8", env: { PYTHONDONTWRITEBYTECODE: "1" } });
    if (r.status !== 0) throw new Error(r.stderr);
    times.push(Number(r.stdout.trim()) * 1000);
  }
  return median(times);
}

interface Measured {
  buildMs: number;
  unzipped: number;
  zipped: number;
  importMs: number;
}

/** Bytes of .py and .pyc in a zip: what the bytecode costs against its sources. */
function bytecodeShare(zip: string): { sources: number; bytecode: number } {
  let sources = 0;
  let bytecode = 0;
  for (const e of readZip(zip)) {
    if (e.name.endsWith(".py")) sources += e.size;
    else if (e.name.endsWith(".pyc")) bytecode += e.size;
  }
  return { sources, bytecode };
}

/** The recipe: pip install --target (pip byte-compiles with the Python that runs it), zip -r. */
async function recipe(work: string, project: string, env: NodeJS.ProcessEnv): Promise<Measured> {
  const target = path.join(work, "recipe");
  const started = performance.now();
  await run(
    PY!,
    [
      ...["-m", "pip", "install", "-q", "--target", target, "--platform", "manylinux2014_x86_64"],
      ...["--only-binary=:all:", "--python-version", "3.12", "--implementation", "cp"],
      ...["-r", path.join(project, "requirements.txt")],
    ],
    { env },
  );
  writeFileSync(path.join(target, "app.py"), readFileSync(path.join(project, "app.py")));
  const zip = path.join(work, "recipe.zip");
  await run("zip", ["-r", "-q", zip, "."], { cwd: target });
  const buildMs = performance.now() - started;
  const dir = unpackWithPython(PY!, zip, path.join(work, "recipe-run"));
  const unzipped = readZip(zip).reduce((n, e) => n + e.size, 0);
  return { buildMs, unzipped, zipped: readFileSync(zip).length, importMs: coldImport([dir]) };
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
    const recipeMeasured = await recipe(path.join(work, name), project, env);
    // interleaved, so a warming machine or pip's own cache favours no setting
    const times = new Map<string, number[]>(SETTINGS.map((s) => [s.name, []]));
    const built = new Map<string, BuildResult>();
    for (let round = 0; round < BUILDS; round++) {
      for (const s of SETTINGS) {
        const inputs = inputsFrom({
          "working-directory": project,
          runtime: "python3.12",
          python: PY!,
          handler: "app.handler",
          cache: "false",
          "output-dir": path.join(work, name, `out-${s.name.replace(/\W+/g, "-")}-${round}`),
          ...s.values,
        });
        const started = performance.now();
        const result = await build(inputs, { log: new MemoryLog(), env: { ...env, ...s.env } });
        times.get(s.name)!.push(performance.now() - started);
        if (result.verify?.imported !== "imported") throw new Error(`${name}/${s.name}: the handler did not import`);
        built.set(s.name, result);
      }
    }
    const measured = new Map<string, Measured>();
    for (const s of SETTINGS) {
      const result = built.get(s.name)!;
      const zip = result.functionZip!;
      const dir = unpackWithPython(PY!, zip.path, path.join(work, name, `run-${s.name.replace(/\W+/g, "-")}`));
      measured.set(s.name, {
        buildMs: median(times.get(s.name)!),
        unzipped: zip.unzippedSize,
        zipped: zip.size,
        importMs: coldImport([dir]),
      });
    }
    return report(name, dists, recipeMeasured, measured, built);
  } finally {
    await index.close();
  }
}

function report(
  name: string,
  dists: Dist[],
  recipeMeasured: Measured,
  measured: Map<string, Measured>,
  built: Map<string, BuildResult>,
) {
  const plain = measured.get("plain")!;
  const mb = (n: number) => `${(n / 1e6).toFixed(1)} MB`;
  const ms = (n: number) => `${n.toFixed(0)} ms`;
  const rows = [...measured.entries(), ["recipe (pip --target, zip -r)", recipeMeasured] as const].map(([s, m]) => [
    s,
    `${(m.buildMs / 1000).toFixed(2)} s`,
    `${ratio(m.buildMs, plain.buildMs)}×`,
    mb(m.unzipped),
    `${ratio(m.unzipped, plain.unzipped)}×`,
    mb(m.zipped),
    ms(m.importMs),
    `${ratio(m.importMs, plain.importMs)}×`,
  ]);
  console.log(`\n${name}`);
  console.log(
    table(
      [
        "cold build",
        `time (median of ${BUILDS})`,
        "×plain",
        "unzipped",
        "×plain",
        "zipped",
        `cold import (median of ${RUNS})`,
        "×plain",
      ],
      rows,
    ),
  );
  for (const [s, result] of built) {
    const stages = Object.entries(result.timings).map(([stage, t]) => `${stage} ${t} ms`);
    console.log(`${s}: ${stages.join(", ")}`);
  }
  const fast = built.get("slim + compile")!.functionZip!;
  const before = built.get("slim + compile, pip's tree")!.functionZip!;
  const sameFiles = files(fast.path) === files(before.path);
  console.log(
    `slim + compile on the wheels' members against pip's tree: ${sameFiles ? "the same files (names, sizes, CRCs, modes)" : "DIFFERENT FILES"}; zip sha256 ${fast.sha256 === before.sha256 ? "the same" : "differs (members copied from the wheels as they were deflated, as on the plain fast path)"}`,
  );
  const slimmed = built.get("slim + compile")!.optimization!;
  const traits = {
    testsShare: ratio(
      slimmed.slimmed.reduce((n, s) => n + (s.kinds.tests ?? 0), 0),
      plain.unzipped,
    ),
    keptBack: slimmed.keptBack.map((k) => `${k.path} (${k.by} ${k.how} ${k.name})`),
    strippedBytes: slimmed.stripped.bytes,
    bytecode: bytecodeShare(built.get("compile")!.functionZip!.path),
  };
  console.log(
    `traits: tests ${traits.testsShare}× of the plain package; ${traits.keptBack.length} test files kept back because other packages import them; stripping saved ${traits.strippedBytes} bytes (no debug information to remove); bytecode ${ratio(traits.bytecode.bytecode, traits.bytecode.sources)}× its sources`,
  );
  const settings = Object.fromEntries(
    [...measured].map(([s, m]) => [
      s,
      {
        ...m,
        stages: built.get(s)!.timings,
        ratios: {
          buildMs: ratio(m.buildMs, plain.buildMs),
          unzipped: ratio(m.unzipped, plain.unzipped),
          importMs: ratio(m.importMs, plain.importMs),
        },
      },
    ]),
  );
  return { name, contents: contents(dists), traits, sameFilesAsPipTree: sameFiles, recipe: recipeMeasured, settings };
}

const work = await mkdtemp(path.join(os.tmpdir(), "lpp-bench-optimize-"));
const machine = describeMachine(PY, work);
try {
  const so = sharedObject(work, 1500);
  const dataScience = await scenario("data-science", work, dataScienceSet(MODULES, so));
  const web = await scenario("web", work, webSet(Math.ceil(MODULES / 3)));
  const results = {
    format: 2,
    date: new Date().toISOString(),
    synthetic: "generated here without the network (no PyPI): same-shaped packages, not numpy/pandas/requests",
    modulesPerPackage: MODULES,
    runs: RUNS,
    builds: BUILDS,
    machine: { ...machine, loadAverageAtEnd: Number(os.loadavg()[0]!.toFixed(2)) },
    sets: [dataScience, web],
  };
  mkdirSync(path.dirname(OUT), { recursive: true });
  writeFileSync(OUT, `${JSON.stringify(results, null, 2)}\n`);
  console.log(`\nwritten to ${OUT}`);
} finally {
  await rm(work, { recursive: true, force: true });
}
