/**
 * function.zip and layer.zip in output-dir are the action's outputs: a build that fails
 * leaves none there, not even the previous build's, which a later upload or deploy step
 * would otherwise find. Errors name the zips by those names, never by the temporary
 * names they are written under.
 */
import { mkdtemp, readdir, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { build } from "../src/build.ts";
import { UserError } from "../src/errors.ts";
import { inputsFrom } from "../src/inputs.ts";
import { MemoryLog } from "../src/log.ts";
import { writeProject } from "./support/project.ts";
import { cleanPipEnv } from "./support/python.ts";

let work: string;
let project: string;
let outputDir: string;

beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), "lpp-output-dir-"));
  // code alone (no lockfile): no installer runs
  project = await writeProject(path.join(work, "project"), {
    "app.py": "def handler(event, context):\n    return 1\n",
  });
  outputDir = path.join(work, "out");
});

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

const buildWith = (handler: string) =>
  build(inputsFrom({ "working-directory": project, runtime: "python3.12", "output-dir": outputDir, handler }), {
    log: new MemoryLog(),
    env: cleanPipEnv(path.join(work, "home")),
  });

it("a failed build after a good one leaves no function.zip, and names function.zip in its error", async () => {
  const good = await buildWith("app.handler");
  expect(good.functionZip?.path).toBe(path.join(outputDir, "function.zip"));
  expect(await readdir(outputDir)).toEqual(["function.zip"]);

  const error = await buildWith("nomodule.handler").then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(UserError);
  expect(await readdir(outputDir)).toEqual([]);
  const message = (error as UserError).describe();
  expect(message).toContain(`module nomodule is not in ${path.join(outputDir, "function.zip")} (`);
  expect(message).not.toMatch(/partial/);
});
