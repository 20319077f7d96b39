/** The machine's own Pythons (pyenv), and a pip environment the tests control. */
import { existsSync, readdirSync } from "node:fs";
import os from "node:os";
import path from "node:path";

const PYENV = path.join(os.homedir(), ".pyenv", "versions");

/** The interpreter for Python 3.<minor>, or undefined when the machine has none. */
export function pythonFor(minor: number): string | undefined {
  // actions/setup-python puts python3.X on PATH; this machine keeps them under pyenv
  for (const dir of (process.env.PATH ?? "").split(path.delimiter)) {
    const candidate = path.join(dir, `python3.${minor}`);
    if (dir && !dir.includes(".pyenv/shims") && existsSync(candidate)) return candidate;
  }
  if (!existsSync(PYENV)) return undefined;
  const version = readdirSync(PYENV)
    .filter((v) => v.startsWith(`3.${minor}.`))
    .sort()
    .pop();
  const bin = version && path.join(PYENV, version, "bin", "python3");
  return bin && existsSync(bin) ? bin : undefined;
}

/** Any Python with pip to run the installer: the newest the machine has. */
export function hostPython(): string {
  for (const minor of [12, 13, 11, 10, 9]) {
    const p = pythonFor(minor);
    if (p) return p;
  }
  return "python3";
}

/**
 * The machine's pip configuration (find-links to local wheel folders, extra
 * indexes) must not leak into tests: a clean environment with no pip config file.
 */
export function cleanPipEnv(home: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: home,
    PIP_CONFIG_FILE: os.devNull,
    PIP_CACHE_DIR: path.join(home, "pip-cache"),
    PIP_DISABLE_PIP_VERSION_CHECK: "1",
    RUNNER_TEMP: path.join(home, "runner-temp"),
    ...extra,
  };
}
