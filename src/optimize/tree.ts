/** The optimize plan carried out on a tree pip or uv installed (the install path), updated in place. */
import { readFile, stat } from "node:fs/promises";
import path from "node:path";
import { readTree } from "../install/tree.ts";
import type { DependencyTree } from "../install/types.ts";
import { removeFiles, rewriteRecords, stripSharedObjects } from "./apply.ts";
import type { Bytecode } from "./budget.ts";
import { type CompileJob, compileSources } from "./compile.ts";
import { planDependencies, pycPath, slimFigures } from "./plan.ts";
import { emptyReport, fitCompiled, type OptimizeInput, reasonWithoutCompiler, slimKeptBack } from "./steps.ts";
import type { DependencyPlan, OptimizeReport, RuntimePython } from "./types.ts";

export async function optimizeTree(input: OptimizeInput, tree: DependencyTree): Promise<OptimizeReport> {
  const { settings, compiler } = input;
  const where = new Map(tree.files.map((f) => [f.path, f.absolutePath]));
  const keptBack = settings.slim
    ? await slimKeptBack(tree, settings, input.code, (f) => readFile(where.get(f)!, "utf8").catch(() => undefined))
    : [];
  const plan = planDependencies(tree, settings, compiler !== undefined, new Set(keptBack.map((k) => k.path)));
  const report = emptyReport(settings, compiler, reasonWithoutCompiler(settings));
  report.notInstalled = plan.notInstalled;
  report.excluded = plan.excluded.map(({ name, version, bytes }) => ({ name, version, bytes }));
  report.keptBack = keptBack;
  const removed = [...plan.excluded.flatMap((e) => e.files), ...[...plan.removed.values()].flat().map((f) => f.path)];
  await removeFiles(tree, removed);
  const sizes = new Map(tree.files.map((f) => [f.path, f]));
  const stripped = await stripSharedObjects(tree, plan.strip);
  const savings = [...stripped].map(([file, size]) => {
    const f = sizes.get(file)!;
    return { path: file, distribution: f.distribution, saved: f.size - size };
  });
  Object.assign(report, slimFigures(plan.removed, savings));

  let added = new Map<string, string[]>();
  if (compiler) {
    const shipped =
      tree.files.reduce((n, f) => n + f.size, 0) -
      removed.reduce((n, f) => n + (sizes.get(f)?.size ?? 0), 0) -
      savings.reduce((n, s) => n + s.saved, 0);
    added = await compileTree(input, compiler, tree, plan, shipped, report);
  }
  await rewriteRecords(tree, { removed: new Set(removed), rewritten: new Set(stripped.keys()), added });
  const reread = await readTree(tree.root);
  tree.files = reread.files;
  tree.distributions = reread.distributions;
  return report;
}

/** The sources compiled in place; the bytecode that does not fit removed again. Returns the pycs kept, by distribution. */
async function compileTree(
  input: OptimizeInput,
  compiler: RuntimePython,
  tree: DependencyTree,
  plan: DependencyPlan,
  shipped: number,
  report: OptimizeReport,
): Promise<Map<string, string[]>> {
  const owners = new Map(tree.files.map((f) => [f.path, f.distribution]));
  const jobs: CompileJob[] = plan.compile.map((source) => ({
    source: path.join(tree.root, source),
    pyc: path.join(tree.root, pycPath(source, compiler.cacheTag)),
    displayName: source,
  }));
  const failed = await compileSources(compiler, jobs, input.scratch, input.env);
  const failedPaths = new Set(failed.map((f) => f.path));
  const written: Bytecode[] = [];
  for (const source of plan.compile) {
    if (failedPaths.has(source)) continue;
    const pyc = pycPath(source, compiler.cacheTag);
    written.push({ pyc, source, bytes: (await stat(path.join(tree.root, pyc))).size });
  }
  const { fit, compile } = fitCompiled(input, compiler, tree, { written, failed: [...failedPaths], shipped });
  report.compile = compile;
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
  return added;
}
