/** Find the Python that runs pip. Any Python ≥ 3.8 with pip works: pip installs for the target, not for itself. */
import { closeSync, existsSync, openSync, readdirSync, readFileSync, readSync, realpathSync, statSync } from "node:fs";
import path from "node:path";
import { UserError } from "../errors.ts";
import { runProcess } from "./process.ts";

export interface HostPython {
  command: string;
  version: string;
  pipVersion: string;
  /** sys.prefix: a venv's own pip.conf lives there */
  prefix?: string;
}

// pip's own `--version` line, plus sys.prefix, from one interpreter start
const PROBE =
  "import sys, pip; print('pip %s from %s (python %d.%d)' % ((pip.__version__, pip.__path__[0]) + sys.version_info[:2])); print('prefix=' + sys.prefix)";

export async function findPython(requested: string | undefined, env: NodeJS.ProcessEnv): Promise<HostPython> {
  const candidates = requested ? [requested] : ["python3", "python"];
  const tried: string[] = [];
  for (const command of candidates) {
    // the cache key needs pip's version on every build: read from its files when they say it plainly
    const known = pipWithoutPython(command, env);
    if (known) return known;
    try {
      const r = await runProcess(command, ["-c", PROBE], { env });
      const m = /^pip (\S+) from .* \(python (\S+)\)/m.exec(r.output);
      const prefix = /^prefix=(.+)$/m.exec(r.output)?.[1];
      if (r.code === 0 && m?.[1] && m[2]) return { command, version: m[2], pipVersion: m[1], prefix };
      tried.push(`${command}: ${r.output.trim().split("\n").pop() ?? `exit ${r.code}`}`);
    } catch (e) {
      tried.push(`${command}: ${(e as NodeJS.ErrnoException).code === "ENOENT" ? "not found" : (e as Error).message}`);
    }
  }
  throw new UserError(`no Python with pip found to run the installer (${tried.join("; ")})`, {
    hint: "add `actions/setup-python` before this step, or set the `python` input to an interpreter that has pip",
  });
}

/** Where a command runs from: itself when it names a path, else the first executable of that name on PATH. */
function locate(command: string, env: NodeJS.ProcessEnv): string | undefined {
  const isFile = (file: string) => statSync(file, { throwIfNoEntry: false })?.isFile() === true;
  if (command.includes("/")) return isFile(command) ? path.resolve(command) : undefined;
  for (const dir of (env.PATH ?? "").split(path.delimiter)) {
    const file = dir && path.join(dir, command);
    if (file && isFile(file)) return file;
  }
  return undefined;
}

const PIP_VERSION = /^__version__\s*=\s*["']([0-9][0-9A-Za-z.+!-]*)["']\s*$/m;
const LIB_PYTHON = /^python(3\.\d+)$/;

/**
 * pip's version, Python's and sys.prefix for an interpreter, read from files without
 * starting it (starting Python to import pip costs about 0.45 s, on every build, warm
 * ones included): sys.prefix is a venv's folder (pyvenv.cfg beside bin/) or the real
 * executable's prefix, and pip.__version__ is in <prefix>/lib/python3.X/site-packages/
 * pip/__init__.py. Undefined, so the interpreter is asked after all, whenever anything
 * could make `python -m pip` import another pip: a wrapper (a pyenv shim, a script),
 * PYTHONPATH/PYTHONHOME, a pip in the user site, or more than one candidate.
 */
export function pipWithoutPython(command: string, env: NodeJS.ProcessEnv): HostPython | undefined {
  if (env.PYTHONPATH || env.PYTHONHOME || env.PYTHONUSERBASE) return undefined;
  try {
    const located = locate(command, env);
    if (!located) return undefined;
    const real = realpathSync(located);
    // a real interpreter, not a shim or launcher script
    if (!/^python3(\.\d+)?$/.test(path.basename(real)) || !isElf(real)) return undefined;
    const venv = path.dirname(path.dirname(located));
    const isVenv = path.basename(path.dirname(located)) === "bin" && existsSync(path.join(venv, "pyvenv.cfg"));
    const prefix = isVenv ? venv : path.dirname(path.dirname(real));
    const found = pipInPrefix(prefix);
    if (!found) return undefined;
    const named = /^python(3\.\d+)$/.exec(path.basename(real))?.[1];
    if (named && named !== found.version) return undefined;
    // pip in the user site comes first on sys.path outside a venv
    const home = env.HOME;
    if (
      !isVenv &&
      home &&
      existsSync(path.join(home, ".local", "lib", `python${found.version}`, "site-packages", "pip"))
    )
      return undefined;
    return { command, version: found.version, pipVersion: found.pipVersion, prefix };
  } catch {
    return undefined;
  }
}

function isElf(file: string): boolean {
  const fd = openSync(file, "r");
  try {
    const magic = Buffer.alloc(4);
    return readSync(fd, magic, 0, 4, 0) === 4 && magic.toString("latin1") === "\x7fELF";
  } finally {
    closeSync(fd);
  }
}

/** The one lib/python3.X/site-packages/pip under a prefix, and its version. */
export function pipInPrefix(prefix: string): { version: string; pipVersion: string } | undefined {
  const lib = path.join(prefix, "lib");
  const found: { version: string; pipVersion: string }[] = [];
  for (const name of readdirSync(lib)) {
    const version = LIB_PYTHON.exec(name)?.[1];
    const init = version && path.join(lib, name, "site-packages", "pip", "__init__.py");
    if (!version || !init || !existsSync(init)) continue;
    const pipVersion = PIP_VERSION.exec(readFileSync(init, "utf8").slice(0, 4096))?.[1];
    if (!pipVersion) return undefined;
    found.push({ version, pipVersion });
  }
  return found.length === 1 ? found[0] : undefined;
}
