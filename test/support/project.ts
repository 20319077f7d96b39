/** A Lambda project on disk, built by the real pipeline with a controlled pip environment. */
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import type { BuiltWheel } from "../../devtools/pypi/wheel.ts";
import { build } from "../../src/build.ts";
import { inputsFrom } from "../../src/inputs.ts";
import { MemoryLog } from "../../src/log.ts";
import { cleanPipEnv, hostPython } from "./python.ts";

export async function writeProject(dir: string, files: Record<string, string>): Promise<string> {
  for (const [name, content] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, name)), { recursive: true });
    await writeFile(path.join(dir, name), content);
  }
  return dir;
}

export function pinned(name: string, version: string, ...wheels: BuiltWheel[]): string {
  return `${name}==${version} ${wheels.map((w) => `--hash=sha256:${w.sha256}`).join(" ")}`;
}

export async function buildProject(
  dir: string,
  values: Record<string, string>,
  env: { home: string; indexUrl: string; extra?: NodeJS.ProcessEnv },
) {
  const log = new MemoryLog();
  const inputs = inputsFrom({ "working-directory": dir, python: hostPython(), ...values });
  const result = await build(inputs, {
    log,
    env: cleanPipEnv(env.home, { PIP_INDEX_URL: env.indexUrl, ...env.extra }),
  });
  return { result, log };
}
