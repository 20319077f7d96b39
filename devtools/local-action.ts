/**
 * `npm run local-action`: the action run through its Actions entry point under
 * github/local-action, in one command on a fresh clone. It starts the demo's package
 * index on 127.0.0.1, writes `.env` from `.env.example` when there is none (an existing
 * `.env` is used as it is), runs `local-action run . src/main.ts .env` with the index's
 * URL as PIP_INDEX_URL, and stops the index when the run ends, however it ends. The exit
 * status is local-action's.
 *
 * The URL goes in PIP_INDEX_URL, not INPUT_INDEX-URL: local-action runs through a shell
 * (npm exec), which drops a variable whose name has a hyphen. The action takes it as
 * the configured index; `index-url` in `.env` (INPUT_INDEX-URL) still wins over it.
 */
import { spawn } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { startDemoIndex } from "./pypi/demo-packages.ts";

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const LOCAL_ACTION = path.join(REPO, "node_modules", "@github", "local-action", "bin", "local-action.js");
const ENV_FILE = path.join(REPO, ".env");

/**
 * The runner's services, which local-action does not stand in for: with them the action
 * would send its cache and artifacts to a runner that is not there (a run from a CI job).
 */
const RUNNER_SERVICES = /^(GITHUB_ACTIONS|ACTIONS_[A-Z_]+)$/;

if (existsSync(ENV_FILE)) {
  console.log(".env: used as it is");
} else {
  copyFileSync(path.join(REPO, ".env.example"), ENV_FILE);
  console.log(".env: written from .env.example (edit it to change the inputs; it is not committed)");
}

// local-action creates the job summary file but not its folder, which a failed build never makes
const summary = /^GITHUB_STEP_SUMMARY=(.+)$/m.exec(readFileSync(ENV_FILE, "utf8"))?.[1]?.trim();
if (summary) mkdirSync(path.dirname(path.resolve(REPO, summary)), { recursive: true });

const index = await startDemoIndex();
console.log(`demo package index: ${index.url} (${index.wheels.map((w) => w.filename).join(", ")})`);

const env: NodeJS.ProcessEnv = {};
for (const [name, value] of Object.entries(process.env)) if (!RUNNER_SERVICES.test(name)) env[name] = value;
env.PIP_INDEX_URL = index.url;
// local-action starts npm and tsx: on this Node, not whichever PATH finds first
env.PATH = [path.dirname(process.execPath), process.env.PATH].filter(Boolean).join(path.delimiter);

const child = spawn(process.execPath, [LOCAL_ACTION, "run", ".", "src/main.ts", ".env"], {
  cwd: REPO,
  env,
  stdio: "inherit",
});
// Ctrl-C reaches local-action through the terminal; a plain kill of this process is passed on
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => child.kill(signal));
const status = await new Promise<number>((resolve) => {
  child.on("error", (error) => {
    console.error(`local-action did not start: ${error.message}`);
    resolve(1);
  });
  child.on("close", (code, signal) => resolve(code ?? (signal ? 128 : 1)));
});
await index.close();
console.log("demo package index stopped");
process.exitCode = status;
