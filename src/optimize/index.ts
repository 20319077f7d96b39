/**
 * Stage optimize, between resolve and inspect (inspection judges what ships): leave out
 * excluded distributions, slim the dependencies, strip shared objects, compile bytecode
 * with the runtime's own Python.
 *
 * The dependency part runs once per cache key: the optimized tree is what the cache
 * entry keeps (the key carries the settings and the compiler's magic number), so a warm
 * build restores it and only compiles the function code. The report of that first run
 * is kept beside the tree for the summary of later ones.
 */
import { mkdir, readFile, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { UserError } from "../errors.ts";
import type { DependencyTree, TreeFile } from "../install/types.ts";
import type { Log } from "../log.ts";
import { findRuntimePython, runtimePythonCandidates, setupPythonHint } from "../runtime-python.ts";
import type { Target } from "../target.ts";
import type { RunStats } from "../verify/coldstart.ts";
import { bytecodeWouldFit } from "./budget.ts";
import { compileSources } from "./compile.ts";
import { optimizeMembers, type UnpackedWheels } from "./members.ts";
import { importable, planCode, pycPath } from "./plan.ts";
import { emptyReport, type OptimizeInput } from "./steps.ts";
import { optimizeTree } from "./tree.ts";
import type { OptimizeReport, OptimizeSettings, RuntimePython } from "./types.ts";

export type { UnpackedWheels } from "./members.ts";
export { slimMayRemove } from "./plan.ts";
export type { OptimizeInput } from "./steps.ts";
export type { OptimizeReport, OptimizeSettings } from "./types.ts";

const REPORT_FILE = "optimize.json";
const MAX_REPORT_BYTES = 4 * 1024 * 1024;

export const optimizing = (s: OptimizeSettings) => s.compile !== "off" || s.slim || s.excludePackages.length > 0;

/** The compiler, looked for before the cache key is made: whether bytecode is made changes the tree. */
export async function findCompiler(
  settings: OptimizeSettings,
  target: Target,
  requested: string | undefined,
  env: NodeJS.ProcessEnv,
  log: Log,
): Promise<RuntimePython | undefined> {
  if (settings.compile === "off") return undefined;
  const { python, tried } = await findRuntimePython(target.pythonMinor, requested, env);
  if (python) {
    log.info(`Bytecode: compiled by Python ${python.version} (${python.command}) for ${target.runtime}`);
    return python;
  }
  const message = `no Python ${target.pythonVersion} on this runner to compile bytecode for ${target.runtime}${tried.length > 0 ? ` (tried: ${tried.join("; ")})` : ""}`;
  const hint = setupPythonHint(target.pythonVersion);
  if (settings.compile === "required") throw new UserError(message, { hint: `${hint}, or set \`compile: auto\`` });
  log.annotate("notice", `${message}: building without bytecode (compile: auto).\n  → ${hint}`);
  return undefined;
}

/**
 * compile is off by default so an upgrade never changes a package's bytes; when the
 * runtime's Python is on the runner anyway, and the package with bytecode would still fit
 * Lambda's unzipped limit, one log line says what turning it on gives. Said once the
 * packages are built, when their size is known. A log line, not an annotation: it is
 * advice, and it would repeat on every build. The interpreter is looked for on disk only,
 * never started: a warm build runs no Python. When the import check measured the handler's import
 * with and without bytecode, the line quotes both figures instead of the benchmark's.
 */
export function adviseCompile(
  settings: OptimizeSettings,
  target: Target,
  built: { unzipped: number; files: readonly { path: string; size: number }[] },
  env: NodeJS.ProcessEnv,
  log: Log,
  measured?: { without: RunStats; with: RunStats },
): void {
  if (settings.compile !== "off") return;
  const found = runtimePythonCandidates(target.pythonMinor, undefined, env)[0];
  if (!found) return;
  const sources = built.files.filter((f) => importable(f.path)).reduce((n, f) => n + f.size, 0);
  if (!bytecodeWouldFit(built.unzipped, sources)) return;
  const advice = `\`compile: auto\` would ship bytecode for ${target.runtime}, so cold starts skip compiling every imported module`;
  if (measured) {
    const figure = (s: RunStats) => `${s.medianMs} ms (${s.minMs}–${s.maxMs} ms over ${s.runs} runs)`;
    log.info(
      `Bytecode: off (compile: false). Measured on this runner, the handler's import took ${figure(measured.without)} without bytecode and ${figure(measured.with)} with it: ${advice}`,
    );
    return;
  }
  log.info(
    `Bytecode: off (compile: false). A Python ${target.pythonVersion} is on this runner (${found}): ${advice} (in bench/optimize.ts the cold import took 0.12–0.14× as long as without bytecode; see the README's "Smaller and faster to start")`,
  );
}

const OPTIMIZE_RULES = 2;

/** What the cache key needs to know: a different setting or compiler gives a different tree. */
export function optimizeKey(
  settings: OptimizeSettings,
  compiler: RuntimePython | undefined,
): Record<string, unknown> | undefined {
  if (!optimizing(settings)) return undefined;
  return {
    // what slim and compile make of the same tree: 2 keeps back what shipped code imports and
    // keeps bytecode under the limit; an entry made by the earlier rules is never restored
    rules: OPTIMIZE_RULES,
    bytecode: compiler ? { magic: compiler.magic, cacheTag: compiler.cacheTag, mode: "unchecked-hash" } : "none",
    slim: settings.slim,
    slimKeep: settings.slimKeep,
    exclude: [...settings.excludePackages].sort(),
  };
}

export interface OptimizeDependencies {
  /**
   * the tree as installed, updated in place (the dependency zip is made from it later), or the
   * wheels' members as the fast path unpacked them, updated in place; neither on a cache hit,
   * whose zip was made from what was optimized when the entry was made
   */
  tree?: DependencyTree;
  wheels?: UnpackedWheels;
}

export async function optimize(
  input: OptimizeInput & OptimizeDependencies,
): Promise<{ code: TreeFile[]; report: OptimizeReport }> {
  const { settings, compiler, tree, wheels, log } = input;
  const fromCache = tree === undefined && wheels === undefined;
  const entryReport = path.join(input.entryDir, REPORT_FILE);
  const report = tree
    ? await optimizeTree(input, tree)
    : wheels
      ? await optimizeMembers(input, wheels)
      : ((await readReport(entryReport)) ?? emptyReport(settings, compiler, "the cache entry has no record of it"));
  report.fromCache = fromCache;
  if (!fromCache) await writeFile(entryReport, JSON.stringify(report));
  const code = await compileCode(input);
  if (report.compile.done) report.compile.code = code.length - input.code.length;
  for (const e of report.excluded) {
    const saved = e.notDownloaded ? "not downloaded" : `${e.bytes} bytes`;
    log.info(`Left out ${e.name} ${e.version} (exclude-packages): ${saved}; the runtime's own version is used`);
  }
  for (const name of report.notInstalled) {
    log.annotate("warning", `exclude-packages names ${name}, which is not among the installed distributions`);
  }
  if (settings.slim) logSlim(report, log);
  if (report.compile.done && report.compile.overLimit) log.annotate("warning", report.compile.overLimit);
  if (report.compile.done && report.compile.failed.length > 0) {
    log.annotate(
      "warning",
      `${report.compile.failed.length} file(s) did not compile for Python ${report.compile.python} and ship without bytecode: ${report.compile.failed.slice(0, 5).join(", ")}`,
    );
  }
  return { code, report };
}

const KEPT_BACK_LOGGED = 20;

/** Each figure the sum of what it names: files removed, shared objects stripped, both together. */
function logSlim(report: OptimizeReport, log: Log): void {
  const files = report.slimmed.reduce((n, s) => n + s.files, 0);
  const bytes = report.slimmed.reduce((n, s) => n + s.bytes, 0);
  const { stripped } = report;
  log.info(
    `Slim: ${files} files removed (${bytes} bytes), ${stripped.files} shared objects stripped (${stripped.bytes} bytes saved); ${bytes + stripped.bytes} bytes saved in all${report.fromCache ? ", in the cached tree" : ""}`,
  );
  const kept = report.keptBack ?? [];
  if (kept.length === 0) return;
  const lines = kept
    .slice(0, KEPT_BACK_LOGGED)
    .map((k) => `  ${k.path}: ${k.by}${k.line ? `:${k.line}` : ""} ${k.how} ${JSON.stringify(k.name)}`);
  const more =
    kept.length > KEPT_BACK_LOGGED ? `\n  and ${kept.length - KEPT_BACK_LOGGED} more (listed in the job summary)` : "";
  log.info(
    `Slim kept back ${kept.length} file(s) its patterns match, because shipped code imports or reads them:\n${lines.join("\n")}${more}`,
  );
}

async function readReport(file: string): Promise<OptimizeReport | undefined> {
  try {
    if ((await stat(file)).size > MAX_REPORT_BYTES) return undefined;
    const parsed = JSON.parse(await readFile(file, "utf8")) as OptimizeReport;
    return parsed && typeof parsed === "object" && Array.isArray(parsed.slimmed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** The function code's bytecode, written to scratch (never into the user's folder), as extra code files. */
async function compileCode(input: OptimizeInput): Promise<TreeFile[]> {
  const { compiler, code } = input;
  const sources = planCode(code, compiler !== undefined);
  if (!compiler || sources.length === 0) return code;
  const out = path.join(input.scratch, "code-bytecode");
  await mkdir(out, { recursive: true });
  const jobs = sources.map((f) => ({
    source: f.absolutePath,
    pyc: path.join(out, pycPath(f.path, compiler.cacheTag)),
    displayName: f.path,
  }));
  const failed = new Set((await compileSources(compiler, jobs, input.scratch, input.env)).map((f) => f.path));
  if (failed.size > 0) {
    input.log.annotate(
      "warning",
      `the function code has files Python ${compiler.version} cannot compile (they would fail at import): ${[...failed].slice(0, 5).join(", ")}`,
    );
  }
  const pycs: TreeFile[] = [];
  for (const f of sources) {
    if (failed.has(f.path)) continue;
    const rel = pycPath(f.path, compiler.cacheTag);
    const absolutePath = path.join(out, rel);
    pycs.push({ path: rel, absolutePath, size: (await stat(absolutePath)).size, executable: false });
  }
  return [...code, ...pycs].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
