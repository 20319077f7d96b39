/**
 * Bytecode by the runtime's Python: one interpreter per core for all the files, never one per file.
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
import { mkdir, readFile, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { runProcess } from "../install/process.ts";
import { defaultThreads } from "../zip/pool.ts";
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

/** below this many files one interpreter compiles them all: starting another costs more than it saves */
const FILES_PER_PROCESS = 200;

/**
 * Compiles every job; returns the files that did not compile (a syntax error, e.g. Python 2
 * code), with why, in the jobs' order. The jobs are shared among one interpreter per core,
 * each given an equal share of the sources' bytes: a pyc depends on its source alone, so
 * the split never changes a byte.
 */
export async function compileSources(
  python: RuntimePython,
  jobs: CompileJob[],
  scratch: string,
  env: NodeJS.ProcessEnv,
  processes = Math.min(defaultThreads(), Math.ceil(jobs.length / FILES_PER_PROCESS)),
): Promise<{ path: string; error: string }[]> {
  if (jobs.length === 0) return [];
  const dir = path.join(scratch, "compile");
  await mkdir(dir, { recursive: true });
  const script = path.join(dir, "compile.py");
  await writeFile(script, SCRIPT);
  const sizes = await Promise.all(
    jobs.map((j) =>
      stat(j.source).then(
        (s) => s.size,
        () => 0,
      ),
    ),
  );
  const shares = shareOut(sizes, Math.max(1, processes));
  const failed = await Promise.all(
    shares.map((indexes) =>
      compileShare(
        python,
        script,
        dir,
        indexes.map((i) => jobs[i]!),
        env,
      ),
    ),
  );
  const order = new Map(jobs.map((j, i) => [j.displayName, i]));
  return failed.flat().sort((a, b) => (order.get(a.path) ?? 0) - (order.get(b.path) ?? 0));
}

/** Job indexes in `n` shares of about equal bytes, each in the jobs' order. */
function shareOut(sizes: number[], n: number): number[][] {
  const total = sizes.reduce((a, b) => a + b, 0);
  const shares: number[][] = Array.from({ length: n }, () => []);
  let done = 0;
  sizes.forEach((size, i) => {
    const share = Math.min(n - 1, Math.floor((done / Math.max(1, total)) * n));
    shares[share]!.push(i);
    done += size;
  });
  return shares.filter((s) => s.length > 0);
}

async function compileShare(
  python: RuntimePython,
  script: string,
  dir: string,
  jobs: CompileJob[],
  env: NodeJS.ProcessEnv,
): Promise<{ path: string; error: string }[]> {
  const list = path.join(dir, `jobs-${Date.now()}-${Math.random().toString(36).slice(2)}.json`);
  const result = `${list}.out`;
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
