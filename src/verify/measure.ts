/**
 * The handler's import timed in the layout the import check just passed in: the runtime's
 * Python, `-S -I`, Lambda's sys.path, the code read-only, a fresh process per run.
 *
 * One run with `-X importtime` says where the time goes (and which modules had bytecode);
 * its own bookkeeping stays out of the figures, which come from plain runs timing
 * `importlib.import_module` inside the process, as Lambda's bootstrap imports the
 * handler. The runs go one after another, never side by side: runs sharing the cores
 * would slow each other and inflate the very figure they exist to give.
 *
 * When the zips ship no bytecode, the same import is timed with it too (3 runs), for the
 * suggestion of `compile`: a first run, beside the import check, writes bytecode for what
 * the import loads into a writable `-X pycache_prefix` folder (the code stays read-only);
 * later runs read it.
 * Those runs alternate with the plain ones, so a drift of the runner's speed hits both.
 */
import path from "node:path";
import { runBounded } from "../install/process.ts";
import {
  type ColdStart,
  type ColdStartOutcome,
  type FoundIn,
  heaviestPackages,
  parseImportTime,
  runStats,
} from "./coldstart.ts";
import { LAMBDA_SYS_PATH, lambdaProcess, MARK } from "./imports.ts";
import type { LambdaLayout } from "./layout.ts";

// argv: task dir, opt dir, python minor (3.12), module, then "--where" for the listing run
const MEASURE_SCRIPT = `
import sys, os, json, time, importlib
task, opt, minor, module = sys.argv[1:5]
${LAMBDA_SYS_PATH}
before = set(sys.modules)
sys.stderr.write("\\n${MARK}\\n")
sys.stderr.flush()
start = time.perf_counter_ns()
importlib.import_module(module)
out = {"ms": (time.perf_counter_ns() - start) / 1e6}
new = [n for n in list(sys.modules) if n not in before]
out["modules"] = len(new)
if "--where" in sys.argv:
    roots, found, from_zips, with_bytecode = (task + "/", opt + "/"), {}, 0, 0
    for n in new:
        spec = getattr(sys.modules.get(n), "__spec__", None)
        origin = getattr(spec, "origin", None) or ""
        places = [origin] + list(getattr(spec, "submodule_search_locations", None) or [])
        here = next((p for p in places if p.startswith(roots)), "")
        if "." not in n:
            found[n] = "task" if here.startswith(task + "/") else "opt" if here else "python"
        if origin.startswith(roots) and origin.endswith((".py", ".pyc")):
            from_zips += 1
            cached = origin if origin.endswith(".pyc") else getattr(spec, "cached", None)
            with_bytecode += bool(cached and os.path.exists(cached))
    out.update(found=found, fromZips=from_zips, withBytecode=with_bytecode)
sys.stdout.write("\\n${MARK}" + json.dumps(out) + "\\n")
`;

/** At least this many timed runs; more, up to RUNS, while the measurement stays within TIME_BOUND_MS. */
const MIN_RUNS = 3;
const RUNS = 5;
const TIME_BOUND_MS = 20_000;

export interface MeasureOptions {
  python: string;
  /** "3.12.1" */
  pythonVersion: string;
  /** "3.12": the layer's site-packages folder */
  pythonMinor: string;
  module: string;
  timeoutMs: number;
  path: string;
  /** the zips ship no bytecode: time the import with it too */
  withBytecode: boolean;
  owners: ReadonlyMap<string, { name: string; version: string }>;
}

interface RunOutput {
  ms: number;
  modules: number;
  found?: Record<string, FoundIn>;
  fromZips?: number;
  withBytecode?: number;
}

class RunFailed extends Error {}

async function runOnce(layout: LambdaLayout, o: MeasureOptions, flags: string[], extra: string[] = []) {
  const result = await runBounded(
    o.python,
    ["-S", "-I", ...flags, "-c", MEASURE_SCRIPT, layout.task, layout.opt, o.pythonMinor, o.module, ...extra],
    lambdaProcess(layout, o),
  );
  const marked = result.stdout.lastIndexOf(MARK);
  if (marked < 0) {
    const why =
      result.code === null
        ? `it did not finish in ${o.timeoutMs / 1000} s`
        : `Python exited with code ${result.code}: ${result.stderr.trim().split("\n").slice(-2).join(" ")}`;
    throw new RunFailed(`a measuring run failed (${why})`);
  }
  return { output: JSON.parse(result.stdout.slice(marked + MARK.length).trim()) as RunOutput, stderr: result.stderr };
}

/** The import's figures; a failure to measure is a line that says why, never a failed build. */
const pycachePrefix = (layout: LambdaLayout) => ["-X", `pycache_prefix=${path.join(layout.work, "pycache")}`];

/**
 * Writes the bytecode the with-bytecode runs read. Nothing here is timed, so it runs
 * beside the import check (started with it, awaited by measureImport): the one run
 * that can share the cores without skewing a figure. Its failure is measureImport's.
 */
export function writeBytecode(layout: LambdaLayout, o: MeasureOptions): Promise<unknown> {
  const run = runOnce(layout, o, pycachePrefix(layout));
  // held here and thrown where awaited: a check that fails first must not leave it unhandled
  run.catch(() => undefined);
  return run;
}

export async function measureImport(
  layout: LambdaLayout,
  o: MeasureOptions,
  bytecodeWritten?: Promise<unknown>,
): Promise<ColdStartOutcome> {
  try {
    return { measured: await measure(layout, o, bytecodeWritten) };
  } catch (error) {
    // the import check passed: whatever stops the measurement is a missing figure, not a failed build
    if (error instanceof RunFailed) return { skipped: error.message };
    return { skipped: `the measurement failed (${(error as Error)?.message ?? String(error)})` };
  }
}

async function measure(
  layout: LambdaLayout,
  o: MeasureOptions,
  bytecodeWritten?: Promise<unknown>,
): Promise<ColdStart> {
  if (o.withBytecode) await (bytecodeWritten ?? writeBytecode(layout, o));
  const listing = await runOnce(layout, o, ["-B", "-X", "importtime"], ["--where"]);
  const prefix = pycachePrefix(layout);
  const shipped: number[] = [];
  const compiled: number[] = [];
  const started = performance.now();
  while (shipped.length < RUNS && (shipped.length < MIN_RUNS || performance.now() - started < TIME_BOUND_MS)) {
    shipped.push((await runOnce(layout, o, ["-B"])).output.ms);
    // the comparison only needs a median and a spread: the fewest runs that give both
    if (o.withBytecode && compiled.length < MIN_RUNS)
      compiled.push((await runOnce(layout, o, ["-B", ...prefix])).output.ms);
  }
  const { output } = listing;
  return {
    python: o.pythonVersion,
    module: o.module,
    import: runStats(shipped),
    modules: output.modules,
    bytecode: { fromZips: output.fromZips ?? 0, withBytecode: output.withBytecode ?? 0 },
    withBytecode: o.withBytecode ? runStats(compiled) : undefined,
    packages: heaviestPackages(parseImportTime(listing.stderr, MARK), o.module, output.found ?? {}, o.owners),
  };
}
