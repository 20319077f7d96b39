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
import { readTree } from "../install/tree.ts";
import type { DependencyTree, TreeFile } from "../install/types.ts";
import type { Log } from "../log.ts";
import { findRuntimePython, runtimePythonCandidates, setupPythonHint } from "../runtime-python.ts";
import type { Target } from "../target.ts";
import { removeFiles, rewriteRecords, stripSharedObjects } from "./apply.ts";
import { type Bytecode, bytecodeWouldFit, fitBytecode, overLimitMessage } from "./budget.ts";
import { type CompileJob, compileSources } from "./compile.ts";
import { type KeptBack, keptByImports } from "./keep.ts";
import { importable, planCode, planDependencies, pycPath, slimFigures } from "./plan.ts";
import type { DependencyPlan, OptimizeReport, OptimizeSettings, RuntimePython } from "./types.ts";

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
 * never started: a warm build runs no Python.
 */
export function adviseCompile(
  settings: OptimizeSettings,
  target: Target,
  built: { unzipped: number; files: readonly { path: string; size: number }[] },
  env: NodeJS.ProcessEnv,
  log: Log,
): void {
  if (settings.compile !== "off") return;
  const found = runtimePythonCandidates(target.pythonMinor, undefined, env)[0];
  if (!found) return;
  const sources = built.files.filter((f) => importable(f.path)).reduce((n, f) => n + f.size, 0);
  if (!bytecodeWouldFit(built.unzipped, sources)) return;
  log.info(
    `Bytecode: off (compile: false). A Python ${target.pythonVersion} is on this runner (${found}): \`compile: auto\` would ship bytecode for ${target.runtime}, so cold starts skip compiling every imported module (in bench/optimize.ts the cold import took 0.17–0.26× as long; see the README's "Smaller and faster to start")`,
  );
}

/** What the cache key needs to know: a different setting or compiler gives a different tree. */
export function optimizeKey(
  settings: OptimizeSettings,
  compiler: RuntimePython | undefined,
): Record<string, unknown> | undefined {
  if (!optimizing(settings)) return undefined;
  return {
    bytecode: compiler ? { magic: compiler.magic, cacheTag: compiler.cacheTag, mode: "unchecked-hash" } : "none",
    slim: settings.slim,
    slimKeep: settings.slimKeep,
    exclude: [...settings.excludePackages].sort(),
  };
}

export interface OptimizeInput {
  settings: OptimizeSettings;
  compiler?: RuntimePython;
  /**
   * the tree as installed, updated in place (the dependency zip is made from it later); absent
   * on a cache hit, whose zip was made from the tree optimized when the entry was made
   */
  tree: DependencyTree | undefined;
  /** the cache entry's folder: the first run's report is kept there for later ones */
  entryDir: string;
  code: TreeFile[];
  scratch: string;
  env: NodeJS.ProcessEnv;
  log: Log;
}

export async function optimize(input: OptimizeInput): Promise<{ code: TreeFile[]; report: OptimizeReport }> {
  const { settings, compiler, tree, log } = input;
  const fromCache = tree === undefined;
  const entryReport = path.join(input.entryDir, REPORT_FILE);
  const report = tree
    ? await optimizeDependencies(input, tree)
    : ((await readReport(entryReport)) ?? emptyReport(settings, compiler, "the cache entry has no record of it"));
  report.fromCache = fromCache;
  if (!fromCache) await writeFile(entryReport, JSON.stringify(report));
  const code = await compileCode(input);
  if (report.compile.done) report.compile.code = code.length - input.code.length;
  for (const e of report.excluded) {
    log.info(`Left out ${e.name} ${e.version} (exclude-packages): ${e.bytes} bytes; the runtime's own version is used`);
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

function emptyReport(settings: OptimizeSettings, compiler: RuntimePython | undefined, reason: string): OptimizeReport {
  return {
    settings,
    compile: compiler
      ? { done: true, python: compiler.version, cacheTag: compiler.cacheTag, dependencies: 0, code: 0, failed: [] }
      : { done: false, reason },
    excluded: [],
    notInstalled: [],
    slimmed: [],
    stripped: { files: 0, bytes: 0 },
    removed: [],
    keptBack: [],
    fromCache: false,
  };
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

async function optimizeDependencies(input: OptimizeInput, tree: DependencyTree): Promise<OptimizeReport> {
  const { settings, compiler } = input;
  const keptBack = settings.slim ? await slimKeptBack(tree, settings, input.code) : [];
  const plan = planDependencies(tree, settings, compiler !== undefined, new Set(keptBack.map((k) => k.path)));
  const report = emptyReport(
    settings,
    compiler,
    settings.compile === "off" ? "compile: false" : "no Python of the runtime's version on this runner",
  );
  report.notInstalled = plan.notInstalled;
  report.excluded = plan.excluded.map(({ name, version, bytes }) => ({ name, version, bytes }));
  report.keptBack = keptBack;
  const removed = [...plan.excluded.flatMap((e) => e.files), ...[...plan.removed.values()].flat().map((f) => f.path)];
  await removeFiles(tree, removed);
  const sizes = new Map(tree.files.map((f) => [f.path, f]));
  const stripped = await stripSharedObjects(tree, plan.strip);
  const savings = [...stripped].map(([path, size]) => {
    const f = sizes.get(path)!;
    return { path, distribution: f.distribution, saved: f.size - size };
  });
  Object.assign(report, slimFigures(plan.removed, savings));

  let added = new Map<string, string[]>();
  if (compiler) {
    const shipped =
      tree.files.reduce((n, f) => n + f.size, 0) -
      removed.reduce((n, f) => n + (sizes.get(f)?.size ?? 0), 0) -
      savings.reduce((n, s) => n + s.saved, 0);
    added = await compileDependencies(input, compiler, tree, plan, shipped, report);
  }
  await rewriteRecords(tree, { removed: new Set(removed), rewritten: new Set(stripped.keys()), added });
  const reread = await readTree(tree.root);
  tree.files = reread.files;
  tree.distributions = reread.distributions;
  return report;
}

/**
 * The dependencies' bytecode, as much of it as fits under Lambda's unzipped limit with
 * everything else that ships (`shipped`: the tree's files after slim; the function code,
 * and its bytecode taken at 1.5 times its sources). Returns the pycs kept, by distribution.
 */
async function compileDependencies(
  input: OptimizeInput,
  compiler: RuntimePython,
  tree: DependencyTree,
  plan: DependencyPlan,
  shipped: number,
  report: OptimizeReport,
): Promise<Map<string, string[]>> {
  const owners = new Map(tree.files.map((f) => [f.path, f.distribution]));
  const jobs: CompileJob[] = plan.compile.map((source) => ({
    source: path.join(tree.root, ...source.split("/")),
    pyc: path.join(tree.root, ...pycPath(source, compiler.cacheTag).split("/")),
    displayName: source,
  }));
  const failed = await compileSources(compiler, jobs, input.scratch, input.env);
  const failedPaths = new Set(failed.map((f) => f.path));
  const written: Bytecode[] = [];
  for (const source of plan.compile) {
    if (failedPaths.has(source)) continue;
    const pyc = pycPath(source, compiler.cacheTag);
    written.push({ pyc, source, bytes: (await stat(path.join(tree.root, ...pyc.split("/")))).size });
  }
  const code = input.code.filter((f) => importable(f.path)).reduce((n, f) => n + f.size, 0);
  const fit = fitBytecode(written, shipped + input.code.reduce((n, f) => n + f.size, 0) + Math.ceil(code * 1.5));
  await removeFiles(
    tree,
    fit.dropped.map((b) => b.pyc),
  );
  const added = new Map<string, string[]>();
  for (const b of fit.kept) {
    const owner = owners.get(b.source);
    if (!owner) continue;
    const list = added.get(owner) ?? [];
    list.push(b.pyc);
    added.set(owner, list);
  }
  const slimmable = input.settings.slim
    ? 0
    : [...planDependencies(tree, { ...input.settings, slim: true }, false).removed.values()]
        .flat()
        .reduce((n, f) => n + f.bytes, 0);
  report.compile = {
    done: true,
    python: compiler.version,
    cacheTag: compiler.cacheTag,
    dependencies: fit.kept.length,
    code: 0,
    failed: failed.map((f) => f.path),
    ...(fit.dropped.length > 0 ? { overLimit: overLimitMessage(fit, slimmable) } : {}),
  };
  return added;
}

/** What slim's patterns match that the shipped dependencies and the function code import or read. */
async function slimKeptBack(tree: DependencyTree, settings: OptimizeSettings, code: TreeFile[]): Promise<KeptBack[]> {
  const matched = planDependencies(tree, settings, false);
  const candidates = new Set([...matched.removed.values()].flat().map((f) => f.path));
  if (candidates.size === 0) return [];
  const excluded = new Set(matched.excluded.flatMap((e) => e.files));
  const where = new Map<string, string>();
  for (const f of tree.files) if (f.symlink === undefined && !excluded.has(f.path)) where.set(f.path, f.absolutePath);
  for (const f of code) if (f.symlink === undefined) where.set(f.path, f.absolutePath);
  return keptByImports({
    files: [...where.keys()],
    candidates,
    read: (file) => readFile(where.get(file)!, "utf8").catch(() => undefined),
  });
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
    pyc: path.join(out, ...pycPath(f.path, compiler.cacheTag).split("/")),
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
    const absolutePath = path.join(out, ...rel.split("/"));
    pycs.push({ path: rel, absolutePath, size: (await stat(absolutePath)).size, executable: false });
  }
  return [...code, ...pycs].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
