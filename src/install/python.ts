/** Find the Python that runs pip. Any Python ≥ 3.8 with pip works: pip installs for the target, not for itself. */
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
