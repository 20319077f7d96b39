/** What the benchmark times: the documented recipe, the action cold and warm, and the zip step alone. */
import { spawn } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import { mkdir, rm, stat, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { esbuildOptions } from "../scripts/build-config.mjs";
import { listFiles } from "../src/install/tree.ts";
import { readZipDirectory } from "../src/zip/reader.ts";
import { copyEntries, writeZip } from "../src/zip/writer.ts";
import type { ActionRequest, ActionRound } from "./action-child.ts";

const REPO = fileURLToPath(new URL("..", import.meta.url));

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
 * The child bundled as the action ships (scripts/build-config.mjs: one ESM file for node):
 * run by plain node, so no TypeScript loader adds to its time or memory.
 */
export async function bundleActionChild(outFile: string): Promise<string> {
  await build(esbuildOptions(path.join(REPO, "bench", "action-child.ts"), outFile));
  return outFile;
}

/** The action in a child process; the project is built with a cache folder of its own (`cacheHome`). */
export async function actionRound(options: {
  child: string;
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
}): Promise<ActionRound & { childMs: number }> {
  await rm(options.outputDir, { recursive: true, force: true });
  const home = path.join(options.cacheHome, "home");
  const request: ActionRequest = {
    project: options.project,
    outputDir: options.outputDir,
    packageMode: options.packageMode,
    python: options.python,
    cache: true,
    env: {
      ...pipEnv(home, options.indexUrl, options.pipCache),
      XDG_CACHE_HOME: path.join(options.cacheHome, "xdg"),
      RUNNER_TEMP: path.join(options.cacheHome, "runner-temp"),
      ...(options.actionsCache ? { ...options.actionsCache, GITHUB_ACTIONS: "true" } : {}),
      ...options.env,
    },
  };
  const ran = await run(process.execPath, [options.child, JSON.stringify(request)], { cwd: REPO });
  const round = JSON.parse(ran.stdout.trim().split("\n").pop() ?? "{}") as ActionRound;
  if (round.errors.length > 0) throw new Error(`the action reported errors: ${round.errors.join("; ")}`);
  return { ...round, childMs: ran.ms };
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
