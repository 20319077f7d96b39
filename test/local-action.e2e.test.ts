/**
 * The action under github/local-action, as CONTRIBUTING.md tells a contributor to run it:
 * its CLI imports src/main.ts with stand-ins for the @actions toolkit and calls the
 * exported run(), with inputs from a .env file made from .env.example. Here on the demo
 * project against its local package index, deploy: false: one real build with the real pip.
 */
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildDemoWheels } from "../devtools/pypi/demo-packages.ts";
import { type LocalIndex, startIndex } from "../devtools/pypi/index-server.ts";
import { readZip } from "../devtools/zipread.ts";
import { cleanPipEnv, hostPython } from "./support/python.ts";

const REPO = fileURLToPath(new URL("..", import.meta.url));
const LOCAL_ACTION = path.join(REPO, "node_modules", "@github", "local-action", "bin", "local-action.js");

let scratch: string;
let index: LocalIndex;

beforeAll(async () => {
  scratch = await mkdtemp(path.join(os.tmpdir(), "lpp-local-action-"));
  await buildDemoWheels(path.join(REPO, "examples", "demo-packages"), path.join(scratch, "wheels"));
  index = await startIndex(path.join(scratch, "wheels"));
});

afterAll(async () => {
  await index?.close();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

/** `.env` text with `values` set: a line of the same name is replaced in place, others are appended. */
function withValues(envText: string, values: Record<string, string>): string {
  const pending = new Map(Object.entries(values));
  const lines = envText.split("\n").map((line) => {
    const name = /^([\w.-]+)=/.exec(line)?.[1];
    if (name === undefined || !pending.has(name)) return line;
    const value = pending.get(name);
    pending.delete(name);
    return `${name}=${value}`;
  });
  return [...lines, ...[...pending].map(([name, value]) => `${name}=${value}`), ""].join("\n");
}

describe("npm run local-action", () => {
  it("is local-action's run command on src/main.ts with .env", async () => {
    const manifest = JSON.parse(await readFile(path.join(REPO, "package.json"), "utf8"));
    expect(manifest.scripts["local-action"]).toBe("local-action run . src/main.ts .env");
  });

  it("builds the demo's function zip from .env.example's inputs", { timeout: 300_000 }, async () => {
    const outputDir = path.join(scratch, "out");
    const summary = path.join(scratch, "summary.md");
    const envFile = path.join(scratch, "local-action.env");
    const example = await readFile(path.join(REPO, ".env.example"), "utf8");
    await writeFile(
      envFile,
      withValues(example, {
        "INPUT_INDEX-URL": index.url,
        INPUT_PYTHON: hostPython(),
        "INPUT_OUTPUT-DIR": outputDir,
        // a fresh install every run, not the machine's cache folder
        INPUT_CACHE: "false",
        GITHUB_STEP_SUMMARY: summary,
      }),
    );
    // Not this process's environment: inside a CI job GITHUB_ACTIONS and RUNNER_TEMP would
    // send the action to the runner's services, which local-action stands in for.
    const env = cleanPipEnv(path.join(scratch, "home"), {
      // npm and tsx, which local-action starts, run on this Node
      PATH: [path.dirname(process.execPath), process.env.PATH].join(path.delimiter),
      npm_config_offline: "true",
      npm_config_update_notifier: "false",
    });
    const run = await promisify(execFile)(process.execPath, [LOCAL_ACTION, "run", ".", "src/main.ts", envFile], {
      cwd: REPO,
      env,
      maxBuffer: 64 * 1024 * 1024,
      timeout: 280_000,
    }).catch((error: { code?: number; stdout?: string; stderr?: string }) => {
      throw new Error(`local-action exited with ${error.code}:\n${error.stdout}\n${error.stderr}`);
    });
    // local-action reports a failed step as an error annotation, not by its exit status
    expect(run.stdout.split("\n").filter((line) => line.startsWith("::error"))).toEqual([]);
    expect(run.stdout).not.toContain("internal error");

    const functionZip = path.join(outputDir, "function.zip");
    expect(/^::set-output name=function-zip::(.*)$/m.exec(run.stdout)?.[1]).toBe(functionZip);
    expect(existsSync(functionZip)).toBe(true);
    const entries = readZip(functionZip);
    const handler = entries.find((entry) => entry.name === "app.py");
    expect(handler?.data().toString("utf8")).toBe(
      await readFile(path.join(REPO, "examples", "demo", "app.py"), "utf8"),
    );
    for (const module of ["tinyroute.py", "shapecheck.py", "moneyfmt.py"])
      expect(entries.map((entry) => entry.name)).toContain(module);
    expect(await readFile(summary, "utf8")).toContain("Succeeded");
  });
});
