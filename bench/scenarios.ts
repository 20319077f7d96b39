/** What the benchmark times: the documented recipe, the action cold and warm, and the zip step alone. */
import { spawn } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import { mkdir, mkdtemp, rm, stat, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { build } from "esbuild";
import { ACTION_ENTRY, esbuildOptions } from "../scripts/build-config.mjs";
import { listFiles } from "../src/install/tree.ts";
import { readZipDirectory } from "../src/zip/reader.ts";
import { copyEntries, writeZip } from "../src/zip/writer.ts";
import { type ProcessRound, runActionProcess } from "./action-process.ts";

export interface Ran {
  ms: number;
  stdout: string;
}

export function run(
  command: string,
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<Ran> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (d: Buffer) => out.push(d));
    child.stderr.on("data", (d: Buffer) => err.push(d));
    child.on("error", reject);
    child.on("close", (code) => {
      const ms = Math.round(performance.now() - started);
      const stdout = Buffer.concat(out).toString();
      if (code === 0) resolve({ ms, stdout });
      else {
        const tail = Buffer.concat(err).toString().trim().split("\n").slice(-15).join("\n");
        reject(new Error(`${path.basename(command)} ${args.slice(0, 3).join(" ")} ... exited with ${code}\n${tail}`));
      }
    });
  });
}

export function hasCommand(command: string): boolean {
  return (process.env.PATH ?? "")
    .split(path.delimiter)
    .some((dir) => dir !== "" && existsSync(path.join(dir, command)));
}

/**
 * A clean pip environment: the machine's pip configuration (find-links, extra indexes)
 * must not leak in. Temporary files beside the work (pip unpacks there, then moves
 * into --target), so nothing is copied between file systems.
 */
export function pipEnv(home: string, indexUrl: string, pipCache: string): NodeJS.ProcessEnv {
  mkdirSync(path.join(home, "tmp"), { recursive: true });
  return {
    PATH: process.env.PATH,
    HOME: home,
    TMPDIR: path.join(home, "tmp"),
    PIP_CONFIG_FILE: os.devNull,
    PIP_CACHE_DIR: pipCache,
    PIP_INDEX_URL: indexUrl,
    PIP_DISABLE_PIP_VERSION_CHECK: "1",
    PIP_NO_INPUT: "1",
    PIP_ROOT_USER_ACTION: "ignore",
  };
}

export interface RecipeRound {
  ms: number;
  pipMs: number;
  zipMs?: number;
  zipSize?: number;
}

/**
 * AWS's documented recipe for a .zip with dependencies: pip install --target for the
 * Lambda platform (pip byte-compiles by default), then zip -r of the folder.
 */
export async function recipeRound(options: {
  work: string;
  python: string;
  requirements: string;
  indexUrl: string;
  withZip: boolean;
}): Promise<RecipeRound> {
  const { work, python } = options;
  await rm(work, { recursive: true, force: true });
  const target = path.join(work, "package");
  await mkdir(target, { recursive: true });
  const env = pipEnv(work, options.indexUrl, path.join(work, "pip-cache"));
  const pip = await run(
    python,
    [
      ...["-m", "pip", "install", "--target", target, "--platform", "manylinux2014_x86_64", "--only-binary=:all:"],
      ...["--python-version", "3.12", "--implementation", "cp", "-r", options.requirements],
    ],
    { env },
  );
  const round: RecipeRound = { ms: pip.ms, pipMs: pip.ms };
  if (options.withZip) {
    const zip = await run("zip", ["-r", "-q", "../pkg.zip", "."], { cwd: target, env });
    round.zipMs = zip.ms;
    round.ms += zip.ms;
    round.zipSize = (await stat(path.join(work, "pkg.zip"))).size;
  }
  await rm(work, { recursive: true, force: true });
  return round;
}

/**
 * The action bundled as dist/ ships it (scripts/build-config.mjs: index.js and its chunks), from
 * the current sources: each measured build runs it as a fresh `node index.js`, as a runner does.
 */
export async function bundleAction(outDir: string): Promise<string> {
  const entry = path.join(outDir, "index.js");
  await build(esbuildOptions(ACTION_ENTRY, entry));
  return entry;
}

export type ActionRound = ProcessRound;

/**
 * One build by the bundled action in a process of its own, its inputs as INPUT_* variables;
 * the project is built with a cache folder of its own (`cacheHome`).
 */
export async function actionRound(options: {
  action: string;
  project: string;
  outputDir: string;
  packageMode: "function" | "split";
  python: string;
  cacheHome: string;
  indexUrl: string;
  pipCache: string;
  /** the Actions cache service's variables (devtools/local-actions-cache): the build runs as on a runner */
  actionsCache?: Record<string, string>;
  /** more of the step's environment (LPP_UNPACK=pip) */
  env?: Record<string, string>;
}): Promise<ActionRound> {
  await rm(options.outputDir, { recursive: true, force: true });
  const home = path.join(options.cacheHome, "home");
  // a runner's temp folder is new for every job
  await mkdir(options.cacheHome, { recursive: true });
  const work = await mkdtemp(path.join(options.cacheHome, "step-"));
  const runnerTemp = path.join(work, "runner-temp");
  await mkdir(runnerTemp, { recursive: true });
  const round = await runActionProcess({
    action: options.action,
    inputs: {
      "working-directory": options.project,
      runtime: "python3.12",
      architecture: "x86_64",
      package: options.packageMode,
      "output-dir": options.outputDir,
      python: options.python,
      installer: "pip",
      cache: "true",
    },
    env: {
      ...pipEnv(home, options.indexUrl, options.pipCache),
      XDG_CACHE_HOME: path.join(options.cacheHome, "xdg"),
      GITHUB_WORKSPACE: options.project,
      GITHUB_REF_NAME: "main",
      ...(options.actionsCache ? { ...options.actionsCache, GITHUB_ACTIONS: "true" } : {}),
      RUNNER_TEMP: runnerTemp,
      ...options.env,
    },
    work,
  });
  await rm(work, { recursive: true, force: true });
  return round;
}

/** The project the action builds: a handler and the pinned requirements. */
export async function writeProject(dir: string, requirements: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, "requirements.txt"), requirements);
  await writeFile(
    path.join(dir, "app.py"),
    'import importlib.metadata\n\n\ndef handler(event, context):\n    return {"numpy": importlib.metadata.version("bench-numpy")}\n',
  );
}

export interface ZipStepRound {
  oursMs: number;
  oursSize: number;
  /** the same entries copied as stored under python/: what a warm `package: function` build does */
  copyMs: number;
  infoZipMs?: number;
  infoZipSize?: number;
}

/** The zip step alone on one tree: our writer compressing, our writer copying, Info-ZIP's zip -r -q (level 6). */
export async function zipStepRound(tree: string, work: string, withInfoZip: boolean): Promise<ZipStepRound> {
  await rm(work, { recursive: true, force: true });
  await mkdir(work, { recursive: true });
  const files = await listFiles(tree);
  const oursPath = path.join(work, "ours.zip");
  let started = performance.now();
  const ours = await writeZip(
    files.map((f) => ({ name: f.path, absolutePath: f.absolutePath, executable: f.executable, size: f.size })),
    oursPath,
  );
  const round: ZipStepRound = { oursMs: Math.round(performance.now() - started), oursSize: ours.size, copyMs: 0 };
  started = performance.now();
  await writeZip(
    copyEntries(await readZipDirectory(oursPath), (name) => `python/${name}`),
    path.join(work, "layer.zip"),
  );
  round.copyMs = Math.round(performance.now() - started);
  if (withInfoZip) {
    const infoZipPath = path.join(work, "info-zip.zip");
    round.infoZipMs = (await run("zip", ["-r", "-q", "-6", infoZipPath, "."], { cwd: tree })).ms;
    round.infoZipSize = (await stat(infoZipPath)).size;
  }
  await rm(work, { recursive: true, force: true });
  return round;
}
