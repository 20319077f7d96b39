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
import { type CompileJob, compileSources } from "./compile.ts";
import { planCode, planDependencies, pycPath } from "./plan.ts";
import type { DistributionSlim, OptimizeReport, OptimizeSettings, RuntimePython } from "./types.ts";

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
  if (settings.compile === "off") {
    suggestCompile(target, env, log);
    return undefined;
  }
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
 * runtime's Python is on the runner anyway, one log line says what turning it on gives.
 * A log line, not an annotation: it is advice, and it would repeat on every build. The
 * interpreter is looked for on disk only, never started: a warm build runs no Python.
 */
function suggestCompile(target: Target, env: NodeJS.ProcessEnv, log: Log): void {
  const found = runtimePythonCandidates(target.pythonMinor, undefined, env)[0];
  if (!found) return;
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
  const slimBytes = report.slimmed.reduce((n, s) => n + s.bytes, 0);
  if (settings.slim) {
    log.info(
      `Slim: ${report.slimmed.reduce((n, s) => n + s.files, 0)} files removed (${slimBytes} bytes), ${report.stripped.files} shared objects stripped (${report.stripped.bytes} bytes)${fromCache ? ", in the cached tree" : ""}`,
    );
  }
  if (report.compile.done && report.compile.failed.length > 0) {
    log.annotate(
      "warning",
      `${report.compile.failed.length} file(s) did not compile for Python ${report.compile.python} and ship without bytecode: ${report.compile.failed.slice(0, 5).join(", ")}`,
    );
  }
  return { code, report };
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
  const plan = planDependencies(tree, settings, compiler !== undefined);
  const report = emptyReport(
    settings,
    compiler,
    settings.compile === "off" ? "compile: false" : "no Python of the runtime's version on this runner",
  );
  report.notInstalled = plan.notInstalled;
  report.excluded = plan.excluded.map(({ name, version, bytes }) => ({ name, version, bytes }));
  const removed = [...plan.excluded.flatMap((e) => e.files), ...[...plan.removed.values()].flat().map((f) => f.path)];
  await removeFiles(tree, removed);
  report.slimmed = [...plan.removed.entries()]
    .map(([distribution, files]): DistributionSlim => {
      const kinds: DistributionSlim["kinds"] = {};
      for (const f of files) kinds[f.kind] = (kinds[f.kind] ?? 0) + f.bytes;
      return { distribution, files: files.length, bytes: files.reduce((n, f) => n + f.bytes, 0), kinds };
    })
    .sort((a, b) => b.bytes - a.bytes || a.distribution.localeCompare(b.distribution));

  const sizes = new Map(tree.files.map((f) => [f.path, f]));
  const stripped = await stripSharedObjects(tree, plan.strip);
  for (const [file, size] of stripped) {
    const f = sizes.get(file)!;
    report.stripped.files++;
    report.stripped.bytes += f.size - size;
    const slim = report.slimmed.find((s) => s.distribution === f.distribution);
    const saved = f.size - size;
    if (f.distribution && slim) {
      slim.bytes += saved;
      slim.kinds["debug info"] = (slim.kinds["debug info"] ?? 0) + saved;
    } else if (f.distribution) {
      report.slimmed.push({ distribution: f.distribution, files: 0, bytes: saved, kinds: { "debug info": saved } });
    }
  }

  const added = new Map<string, string[]>();
  if (compiler) {
    const jobs: CompileJob[] = plan.compile.map((source) => ({
      source: path.join(tree.root, source),
      pyc: path.join(tree.root, pycPath(source, compiler.cacheTag)),
      displayName: source,
    }));
    const failed = await compileSources(compiler, jobs, input.scratch, input.env);
    const failedPaths = new Set(failed.map((f) => f.path));
    for (const source of plan.compile) {
      const owner = sizes.get(source)?.distribution;
      if (!owner || failedPaths.has(source)) continue;
      const list = added.get(owner) ?? [];
      list.push(pycPath(source, compiler.cacheTag));
      added.set(owner, list);
    }
    report.compile = {
      done: true,
      python: compiler.version,
      cacheTag: compiler.cacheTag,
      dependencies: plan.compile.length - failed.length,
      code: 0,
      failed: failed.map((f) => f.path),
    };
  }
  await rewriteRecords(tree, { removed: new Set(removed), rewritten: new Set(stripped.keys()), added });
  const reread = await readTree(tree.root);
  tree.files = reread.files;
  tree.distributions = reread.distributions;
  report.slimmed.sort((a, b) => b.bytes - a.bytes || a.distribution.localeCompare(b.distribution));
  return report;
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
