/**
 * The handler's import measured for real: a module that busy-waits a known 300 ms is
 * imported from the built zips by the runtime's Python, in fresh processes; the figures,
 * the log's compile suggestion and the outputs follow. Then the bundled action as the
 * runner starts it, on main and on a pull request: the Cold start section with its change
 * against main, and the budgets, passing on main and failing the step on the pull request
 * after the zips and the summary are written. Last, a target this runner cannot run: one
 * line in the section, and a budget that cannot be checked warns instead of failing.
 * Code-only projects: no pip, no index.
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { build } from "../src/build.ts";
import { inputsFrom } from "../src/inputs.ts";
import { MemoryLog } from "../src/log.ts";
import { DirectoryHistoryStore } from "../src/report/history-store.ts";
import { report } from "../src/report/index.ts";
import { toOutputs } from "../src/report/outputs.ts";
import { runAction } from "../src/run.ts";
import { bundledAction } from "./support/bundle.ts";
import { writeProject } from "./support/project.ts";
import { pythonFor } from "./support/python.ts";

const PY312 = pythonFor(12)!;
let work: string;

beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), "lpp-coldstart-"));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

/** A handler whose import spends `ms` in slowlib, on the wall clock, whatever else the machine does. */
function project(name: string, ms: number): Promise<string> {
  return writeProject(path.join(work, name), {
    "app.py": "import slowlib\n\ndef handler(event, context):\n    return slowlib.VALUE\n",
    "slowlib/__init__.py": `import time\n_end = time.perf_counter() + ${ms / 1000}\nwhile time.perf_counter() < _end:\n    pass\nVALUE = 1\n`,
  });
}

/** What actions/setup-python leaves: the runtime's Python on PATH. */
const env = (home: string): NodeJS.ProcessEnv => ({
  PATH: `${path.dirname(PY312)}:${process.env.PATH}`,
  HOME: home,
  XDG_CACHE_HOME: path.join(home, "cache"),
});

describe("the import of a handler that busy-waits 300 ms", () => {
  it("measures about 300 ms in fresh processes, names slowlib as the time, and quotes both figures in the compile suggestion", async () => {
    const dir = await project("busy", 300);
    const log = new MemoryLog();
    const inputs = inputsFrom({
      runtime: "python3.12",
      "working-directory": dir,
      handler: "app.handler",
      cache: "false",
      "output-dir": path.join(work, "out-busy"),
    });
    const built = await build(inputs, { log, env: env(path.join(work, "home-busy")) });
    const c = built.verify?.coldStart;
    if (!c || !("measured" in c)) throw new Error(`not measured: ${JSON.stringify(c)}`);
    const m = c.measured;
    expect(m.import.runs).toBe(5);
    expect(m.import.medianMs).toBeGreaterThanOrEqual(300);
    expect(m.import.medianMs).toBeLessThan(600);
    expect(m.import.minMs).toBeLessThanOrEqual(m.import.medianMs);
    expect(m.import.maxMs).toBeGreaterThanOrEqual(m.import.medianMs);
    // app and slowlib: time was already loaded by the time the import started, as in Lambda's bootstrap
    expect(m.modules).toBe(2);
    expect(m.packages[0]).toMatchObject({ name: "slowlib", origin: { kind: "code" }, modules: 1 });
    expect(m.packages[0]!.cumulativeMs).toBeGreaterThanOrEqual(300);
    // compile is off: no pyc beside either module, and the same import timed with bytecode
    expect(m.bytecode).toEqual({ fromZips: 2, withBytecode: 0 });
    expect(m.withBytecode!.medianMs).toBeGreaterThanOrEqual(300);
    const advice = log.lines.filter((l) => l.includes("compile: auto"));
    expect(advice).toHaveLength(1);
    expect(advice[0]).toMatch(
      /^Bytecode: off \(compile: false\)\. Measured on this runner, the handler's import took [\d.]+ ms \([\d.]+–[\d.]+ ms over 5 runs\) without bytecode and [\d.]+ ms \([\d.]+–[\d.]+ ms over 3 runs\) with it/,
    );
    const outputs = toOutputs({ build: built, deploy: { deployed: "skipped", changes: [] } });
    expect(outputs["import-ms"]).toBe(String(m.import.medianMs));
    expect(outputs["import-modules"]).toBe("2");
  }, 120_000);
});

function runBundle(bundle: string, environment: NodeJS.ProcessEnv, cwd: string) {
  return new Promise<{ code: number | null; stdout: string }>((resolve, reject) => {
    const child = spawn(process.execPath, [bundle], { env: environment, cwd, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    child.stdout.on("data", (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.resume();
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout }));
  });
}

/** The bundled action as the runner starts it: INPUT_* variables, the output and summary files. */
async function runAsRunner(bundle: string, dir: string, inputs: Record<string, string>, github: NodeJS.ProcessEnv) {
  const home = path.join(work, "runner-home");
  const files = path.join(work, `files-${path.basename(dir)}`);
  await mkdir(files, { recursive: true });
  const outputFile = path.join(files, "output");
  const summaryFile = path.join(files, "summary.md");
  await writeFile(outputFile, "");
  await writeFile(summaryFile, "");
  const run = await runBundle(
    bundle,
    {
      ...env(home),
      GITHUB_OUTPUT: outputFile,
      GITHUB_STEP_SUMMARY: summaryFile,
      GITHUB_WORKSPACE: dir,
      ...github,
      ...Object.fromEntries(Object.entries(inputs).map(([k, v]) => [`INPUT_${k.toUpperCase()}`, v])),
    },
    dir,
  );
  const outputText = await readFile(outputFile, "utf8");
  const output = (name: string) => new RegExp(`^${name}<<(\\S+)\\n(.*)\\n\\1$`, "m").exec(outputText)?.[2];
  return { ...run, summary: await readFile(summaryFile, "utf8"), output };
}

describe("as the runner runs it: main, then a pull request", () => {
  it("shows the cold start and its change against main; a budget passes on main and fails the pull request's step after the summary", async () => {
    const bundle = await bundledAction();
    const common = {
      runtime: "python3.12",
      handler: "app.handler",
      "function-name": "orders-api",
      deploy: "false",
      compile: "auto",
      cache: "false",
    };
    const mainDir = await project("on-main", 50);
    const onMain = await runAsRunner(
      bundle,
      mainDir,
      { ...common, "output-dir": path.join(work, "out-main"), "max-import-ms": "5000", "max-unzipped-size": "1MB" },
      { GITHUB_REF_NAME: "main", GITHUB_SHA: "a".repeat(40) },
    );
    expect(onMain.code, onMain.stdout).toBe(0);
    expect(onMain.summary).toContain("### Cold start");
    expect(onMain.summary).toContain("Bytecode: shipped for all 2 modules imported from the zips");
    // within both budgets: each beside its figure
    expect(onMain.summary).toMatch(
      /\| Budgets \| max-unzipped-size 1\.0 MB: [\d.]+ B, 0 % · max-import-ms 5000 ms: \d+ ms, \d+ % \|/,
    );
    expect(Number(onMain.output("import-ms"))).toBeGreaterThanOrEqual(50);
    expect(onMain.output("import-modules")).toBe("2");

    // 350 ms more: a change far beyond the spread of a loaded machine
    const prDir = await project("pull-request", 400);
    const out = path.join(work, "out-pr");
    const pr = await runAsRunner(
      bundle,
      prDir,
      { ...common, "output-dir": out, "max-import-ms": "150", "max-unzipped-size": "100" },
      { GITHUB_HEAD_REF: "slower", GITHUB_BASE_REF: "main", GITHUB_REF_NAME: "7/merge", GITHUB_SHA: "b".repeat(40) },
    );
    expect(pr.code, pr.stdout).toBe(1);
    const errors = pr.stdout.split("\n").filter((l) => l.startsWith("::error"));
    expect(errors).toHaveLength(2);
    expect(errors[0]).toMatch(
      /budget max-unzipped-size exceeded: the package is .* over 100 B .*largest: the function code/,
    );
    expect(errors[1]).toMatch(
      /budget max-import-ms exceeded: the handler's import takes \d+(\.\d)? ms on this runner \(median of 5 runs, .*\), over 150 ms; heaviest: slowlib \d+/,
    );
    // the zips are written and the outputs set, then the step fails
    expect(existsSync(path.join(out, "function.zip"))).toBe(true);
    expect(Number(pr.output("import-ms"))).toBeGreaterThanOrEqual(400);
    const summary = pr.summary.replace(/&#(\d+);/g, (_, n: string) => String.fromCharCode(Number(n)));
    expect(summary).toContain("❌ Failed at “Check the budgets (max-unzipped-size, max-import-ms)”:");
    expect(summary).toContain("### Cold start");
    expect(summary).toMatch(
      /Change against <code>main<\/code> <sub>aaaaaaa<\/sub>: \*\*\+\d+ ms, \+\d+ %\*\* \(.*\), beyond the run-to-run spread of [\d.]+ ms\./,
    );
    const delta = Number(/Change against .*?\*\*\+(\d+) ms/.exec(summary)![1]);
    expect(delta).toBeGreaterThan(250);
    expect(delta).toBeLessThan(600);
    expect(summary).toMatch(/^- slowlib: \+\d+ ms$/m);
  }, 180_000);
});

describe("a target this runner cannot run", () => {
  it("says why in the section's one line, and a budget on the import warns that it was not checked", async () => {
    const other = process.arch === "x64" ? "arm64" : "x86_64";
    const dir = await project("other-arch", 0);
    const log = new MemoryLog();
    const inputs = inputsFrom({
      runtime: "python3.12",
      architecture: other,
      "working-directory": dir,
      handler: "app.handler",
      cache: "false",
      "max-import-ms": "100",
      "output-dir": path.join(work, "out-other"),
    });
    const e = env(path.join(work, "home-other"));
    const result = await runAction(inputs, { log, env: e });
    const store = new DirectoryHistoryStore({ runtime: "python3.12", architecture: other, name: "x" }, work);
    const written = await report(inputs, { result }, { env: e, log, historyStore: store });
    expect(written.summary).toMatch(
      /### Cold start\n\nNot measured: the target is (arm64|x86&#95;64) and this runner is/,
    );
    expect(log.annotations.map((a) => [a.level, a.message])).toContainEqual([
      "warning",
      expect.stringMatching(/^max-import-ms not checked: the import was not measured \(the target is/),
    ]);
    expect(toOutputs(result)["import-ms"]).toBe("");
    expect(written.summary).toContain("| Budgets | max-import-ms 100 ms: not checked: the import was not measured |");
  }, 60_000);
});
