/**
 * `npm run local-action` on a fresh clone, as CONTRIBUTING.md tells a contributor to run it:
 * one command that starts the demo's package index, writes `.env` from `.env.example` (or
 * uses an existing one as it is), runs the action under github/local-action (its CLI
 * imports src/main.ts with stand-ins for the @actions toolkit) and stops the index. One
 * real build of the demo project with the real pip, deploy: false.
 *
 * The clone is the repository's tracked and untracked-but-not-ignored files copied to a
 * scratch folder, with node_modules linked in rather than installed again. Node is told to
 * keep that link's path (--preserve-symlinks): local-action stubs @actions/core by the
 * path it has under the action's own node_modules, which a resolved link would not match.
 */
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { cp, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readZip } from "../devtools/zipread.ts";
import { cleanPipEnv, hostPython } from "./support/python.ts";

const REPO = fileURLToPath(new URL("..", import.meta.url));
const run = promisify(execFile);

let scratch: string;
let clone: string;

beforeAll(async () => {
  scratch = await mkdtemp(path.join(os.tmpdir(), "lpp-local-action-"));
  clone = path.join(scratch, "clone");
  const listed = await run("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], {
    cwd: REPO,
    maxBuffer: 16 * 1024 * 1024,
  });
  for (const file of listed.stdout.split("\0").filter(Boolean)) {
    // a tracked file deleted in the working tree is not in the clone either
    if (!existsSync(path.join(REPO, file))) continue;
    await mkdir(path.dirname(path.join(clone, file)), { recursive: true });
    await cp(path.join(REPO, file), path.join(clone, file), { verbatimSymlinks: true });
  }
  await symlink(path.join(REPO, "node_modules"), path.join(clone, "node_modules"));
}, 60_000);

afterAll(async () => {
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

/** `npm run local-action` in the clone, in an environment of its own: no runner, no pip configuration. */
async function npmRunLocalAction(): Promise<{ code: number; stdout: string }> {
  const env = cleanPipEnv(path.join(scratch, "home"), {
    // npm, and the tsx local-action starts, run on this Node
    PATH: [path.dirname(process.execPath), process.env.PATH].join(path.delimiter),
    NODE_OPTIONS: "--preserve-symlinks",
    npm_config_offline: "true",
    npm_config_update_notifier: "false",
  });
  return run("npm", ["run", "local-action"], { cwd: clone, env, maxBuffer: 64 * 1024 * 1024, timeout: 280_000 }).then(
    ({ stdout }) => ({ code: 0, stdout }),
    (error: { code?: number; stdout?: string }) => ({ code: error.code ?? -1, stdout: error.stdout ?? "" }),
  );
}

/** The index the run started answers no more once the run is over. */
async function expectStopped(stdout: string): Promise<void> {
  const url = /^demo package index: (http:\/\/127\.0\.0\.1:\d+\/simple)/m.exec(stdout)?.[1];
  expect(url).toBeDefined();
  expect(stdout).toContain("demo package index stopped");
  await expect(fetch(`${url}/`)).rejects.toThrow();
}

describe("npm run local-action on a fresh clone", () => {
  it("starts the demo index, writes .env from .env.example, builds the demo and stops the index", {
    timeout: 300_000,
  }, async () => {
    expect(existsSync(path.join(clone, ".env"))).toBe(false);
    const { code, stdout } = await npmRunLocalAction();
    expect(code, stdout).toBe(0);
    expect(stdout.split("\n").filter((line) => line.startsWith("::error"))).toEqual([]);
    expect(stdout).not.toContain("internal error");
    expect(stdout).not.toContain("summary could not be written");
    expect(await readFile(path.join(clone, ".env"), "utf8")).toBe(
      await readFile(path.join(clone, ".env.example"), "utf8"),
    );

    const out = path.join(clone, "examples", "demo", ".lambda-python-package");
    const functionZip = path.join(out, "function.zip");
    expect(/^::set-output name=function-zip::(.*)$/m.exec(stdout)?.[1]).toBe(functionZip);
    const entries = readZip(functionZip);
    const handler = entries.find((entry) => entry.name === "app.py");
    expect(handler?.data().toString("utf8")).toBe(
      await readFile(path.join(clone, "examples", "demo", "app.py"), "utf8"),
    );
    for (const module of ["tinyroute.py", "shapecheck.py", "moneyfmt.py"])
      expect(entries.map((entry) => entry.name)).toContain(module);
    expect(await readFile(path.join(out, "summary.md"), "utf8")).toContain("Succeeded");
    await expectStopped(stdout);
  });

  it("uses an existing .env as it is, and stops the index when the action fails", { timeout: 300_000 }, async () => {
    const mine = [
      "INPUT_RUNTIME=python2.7",
      "INPUT_WORKING-DIRECTORY=examples/demo",
      `INPUT_PYTHON=${hostPython()}`,
      "INPUT_DEPLOY=false",
      "",
    ].join("\n");
    await writeFile(path.join(clone, ".env"), mine);
    const { code, stdout } = await npmRunLocalAction();
    expect(code).not.toBe(0);
    expect(stdout).toMatch(/^::error.*input runtime is "python2\.7"/m);
    expect(await readFile(path.join(clone, ".env"), "utf8")).toBe(mine);
    await expectStopped(stdout);
  });
});
