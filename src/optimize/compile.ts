/**
 * Bytecode by the runtime's Python, one interpreter start for every file.
 *
 * Invalidation mode: UNCHECKED_HASH (PEP 552). A timestamp pyc is useless here (the zip
 * fixes every mtime, so the source's stamp never matches the one recorded); a hash pyc
 * depends only on the source, so the zip stays byte-reproducible. Of the two hash modes,
 * checked-hash would make Python read and hash every source at each import, which is
 * the work shipping bytecode saves; unchecked-hash trusts the pyc. That trust is safe
 * because /var/task and /opt are read-only in Lambda: a source cannot change after the
 * zip is made, and the zip holds source and pyc from the same build.
 *
 * Paths reach Python in a JSON file, never as arguments; `-I -S` keeps the runner's
 * environment variables, user site and site-packages out of the compiler.
 */
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { runProcess } from "../install/process.ts";
import type { RuntimePython } from "./types.ts";

const SCRIPT = `
import json, py_compile, sys
from py_compile import PycInvalidationMode
with open(sys.argv[1], encoding="utf-8") as f:
    jobs = json.load(f)
failed = []
for source, cfile, dfile in jobs:
    try:
        py_compile.compile(source, cfile=cfile, dfile=dfile, doraise=True, optimize=0,
                           invalidation_mode=PycInvalidationMode.UNCHECKED_HASH)
    except Exception as e:
        failed.append([dfile, (str(e).strip().splitlines() or [type(e).__name__])[-1][:200]])
with open(sys.argv[2], "w", encoding="utf-8") as f:
    json.dump(failed, f)
`;

export interface CompileJob {
  /** absolute path of the source */
  source: string;
  /** absolute path of the pyc to write */
  pyc: string;
  /**
   * the name compiled into the code object: the path relative to the zip's root. Python
   * replaces it with the module's real path when it loads the pyc (importlib's
   * _fix_co_filename), so it only has to be the same on every runner.
   */
  displayName: string;
}

/** Compiles every job; returns the files that did not compile (a syntax error, e.g. Python 2 code), with why. */
export async function compileSources(
  python: RuntimePython,
  jobs: CompileJob[],
  scratch: string,
  env: NodeJS.ProcessEnv,
): Promise<{ path: string; error: string }[]> {
  if (jobs.length === 0) return [];
  const dir = path.join(scratch, "compile");
  await mkdir(dir, { recursive: true });
  const script = path.join(dir, "compile.py");
  const list = path.join(dir, `jobs-${Date.now()}-${Math.random().toString(36).slice(2)}.json`);
  const result = `${list}.out`;
  await writeFile(script, SCRIPT);
  await writeFile(list, JSON.stringify(jobs.map((j) => [j.source, j.pyc, j.displayName])));
  const r = await runProcess(python.command, ["-I", "-S", script, list, result], { env: { PATH: env.PATH } });
  if (r.code !== 0) {
    throw new Error(
      `${python.command} failed to compile (exit ${r.code}): ${r.output.trim().split("\n").slice(-3).join(" ")}`,
    );
  }
  const failed = JSON.parse(await readFile(result, "utf8")) as [string, string][];
  return failed.map(([p, error]) => ({ path: p, error }));
}
