/**
 * A Python of the runtime's own minor version on the runner: it compiles the bytecode
 * (a pyc's magic number changes with each minor version, and Lambda ignores and
 * recompiles at every cold start bytecode of another one) and imports the handler
 * from the built zips.
 */
import { existsSync, readdirSync } from "node:fs";
import path from "node:path";
import { runProcess } from "./install/process.ts";

export interface RuntimePython {
  command: string;
  /** "3.12.1" */
  version: string;
  /** sys.implementation.cache_tag, e.g. "cpython-312": the pyc file names carry it */
  cacheTag: string;
  /** importlib.util.MAGIC_NUMBER as hex: what the pyc header carries */
  magic: string;
}

/** "3.12.1" sorted as numbers, newest first. */
function newestFirst(versions: string[]): string[] {
  const key = (v: string) => v.split(/[.+-]/).map((n) => Number.parseInt(n, 10) || 0);
  return versions.sort((a, b) => {
    const x = key(a);
    const y = key(b);
    for (let i = 0; i < Math.max(x.length, y.length); i++)
      if ((x[i] ?? 0) !== (y[i] ?? 0)) return (y[i] ?? 0) - (x[i] ?? 0);
    return 0;
  });
}

function listDir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

/**
 * Where to look, in order: the `python` input, `python3.X` on PATH, the runner's tool
 * cache (what actions/setup-python installs), pyenv. Each is probed before it is used.
 */
export function runtimePythonCandidates(
  minor: number,
  requested: string | undefined,
  env: NodeJS.ProcessEnv,
): string[] {
  const prefix = `3.${minor}.`;
  const candidates: string[] = [];
  if (requested) candidates.push(requested);
  for (const dir of (env.PATH ?? "").split(path.delimiter)) {
    // pyenv's shims answer for every version name and fail when that one is not selected
    if (dir && !dir.includes(`${path.sep}shims`)) candidates.push(path.join(dir, `python3.${minor}`));
  }
  if (env.RUNNER_TOOL_CACHE) {
    const base = path.join(env.RUNNER_TOOL_CACHE, "Python");
    for (const v of newestFirst(listDir(base).filter((v) => v.startsWith(prefix)))) {
      for (const arch of ["x64", "arm64"]) candidates.push(path.join(base, v, arch, "bin", "python3"));
    }
  }
  const pyenvRoot = env.PYENV_ROOT || (env.HOME ? path.join(env.HOME, ".pyenv") : undefined);
  if (pyenvRoot) {
    const base = path.join(pyenvRoot, "versions");
    for (const v of newestFirst(listDir(base).filter((v) => v.startsWith(prefix) && /^3\.\d+\.\d+$/.test(v)))) {
      candidates.push(path.join(base, v, "bin", "python3"));
    }
  }
  return [...new Set(candidates)].filter((c) => c === requested || existsSync(c));
}

// -I -S: no user site, no environment variables, no site-packages; only the interpreter answers
const PROBE =
  "import sys, importlib.util; print(sys.implementation.name, '%d.%d.%d' % sys.version_info[:3], sys.implementation.cache_tag, importlib.util.MAGIC_NUMBER.hex())";

export async function findRuntimePython(
  minor: number,
  requested: string | undefined,
  env: NodeJS.ProcessEnv,
): Promise<{ python?: RuntimePython; tried: string[] }> {
  const tried: string[] = [];
  for (const command of runtimePythonCandidates(minor, requested, env)) {
    try {
      const r = await runProcess(command, ["-I", "-S", "-c", PROBE], { env });
      const m = /^(\S+) (3\.(\d+)\.\d+) (\S+) ([0-9a-f]{8})$/m.exec(r.output);
      if (r.code === 0 && m?.[1] === "cpython" && Number(m[3]) === minor) {
        return { python: { command, version: m[2]!, cacheTag: m[4]!, magic: m[5]! }, tried };
      }
      tried.push(`${command}: ${m ? `${m[1]} ${m[2]}` : `exit ${r.code}`}`);
    } catch (e) {
      tried.push(`${command}: ${(e as NodeJS.ErrnoException).code === "ENOENT" ? "not found" : (e as Error).message}`);
    }
  }
  return { tried };
}

/** How to get the runtime's Python on a runner. */
export const setupPythonHint = (version: string) =>
  `add a step \`uses: actions/setup-python@v6\` with \`python-version: "${version}"\` before this one (any runner architecture works: bytecode does not depend on it)`;
