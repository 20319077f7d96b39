/**
 * The build: lockfile → target → dependencies (restored or installed) → optimize → inspect →
 * zip → verify, each stage timed. A failed build leaves no package behind.
 */
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { BuiltFromSource } from "./build-source/index.ts";
import { chooseStore } from "./cache/store.ts";
import { collectingDroppedBuffers } from "./collect.ts";
import {
  type CacheStatus,
  compressDependencies,
  type Dependencies,
  restoreOrInstall,
  saveDependencies,
} from "./dependencies/index.ts";
import { UserError } from "./errors.ts";
import type { Inputs } from "./inputs.ts";
import { checkTree, type Finding, type InspectResult, scanBytes, scanKeeps, scanTree } from "./inspect/index.ts";
import { checkPackageSizes, inspect, warnUnpinned } from "./inspect/stage.ts";
import type { DependencyListing, TreeFile } from "./install/types.ts";
import { lockedSet, logTarget } from "./lock/stage.ts";
import type { LockedSet } from "./lock/types.ts";
import {
  adviseCompile,
  findCompiler,
  type OptimizeDependencies,
  type OptimizeReport,
  optimize,
  optimizeKey,
  optimizing,
  slimMayRemove,
} from "./optimize/index.ts";
import type { RunContext } from "./run-context.ts";
import type { RuntimePython } from "./runtime-python.ts";
import { functionCode } from "./source/function-code.ts";
import { makeTarget, type Target } from "./target.ts";
import { ownersOf } from "./verify/coldstart.ts";
import { type VerifyResult, verifyHandler } from "./verify/index.ts";
import { planPackages, prepareOutputDir, type WrittenPackages, writePackages } from "./zip/package.ts";
import type { ZipResult } from "./zip/writer.ts";

export interface BuildResult {
  target: Target;
  lock: LockedSet;
  tree: DependencyListing;
  code: TreeFile[];
  installer: string;
  cache: CacheStatus;
  inspection: InspectResult;
  /** every finding: inspection and sizes */
  findings: Finding[];
  functionZip?: ZipResult;
  layerZip?: ZipResult;
  /** the handler check, when the `handler` input is set */
  verify?: VerifyResult;
  /** the wheels built from source in this build (none on a cache hit) */
  builtFromSource: BuiltFromSource[];
  /** what compile, slim and exclude-packages did; absent when none was asked for */
  optimization?: OptimizeReport;
  /** function and layer together, uncompressed */
  unzippedSize: number;
  /** milliseconds per stage */
  timings: Record<string, number>;
}

/** How far a build got: the stages reached, in order, with their times, and the lockfile once read. */
export interface BuildProgress {
  timings: Record<string, number>;
  lock?: LockedSet;
}

// Kept per inputs object, which the entry point passes to both the run and the report:
// when a stage throws, the report still says what was checked and what was not reached.
const progressByInputs = new WeakMap<Inputs, BuildProgress>();
export function buildProgress(inputs: Inputs): BuildProgress | undefined {
  return progressByInputs.get(inputs);
}

/** Runs one stage and records its milliseconds under its name. */
export async function timed<T>(timings: Record<string, number>, stage: string, fn: () => Promise<T>): Promise<T> {
  const start = performance.now();
  try {
    return await fn();
  } finally {
    timings[stage] = Math.round(performance.now() - start);
  }
}

export interface BuildOptions {
  /**
   * Takes the cache entry's save, still running when build() returns, from a caller that awaits
   * it later (after the deploy). Without it, build() returns once the entry is saved.
   */
  alongside?: (save: Promise<void>) => void;
}

export async function build(inputs: Inputs, ctx: RunContext, options: BuildOptions = {}): Promise<BuildResult> {
  const { log, env } = ctx;
  const timings: Record<string, number> = {};
  const progress: BuildProgress = { timings };
  progressByInputs.set(inputs, progress);
  const target = makeTarget(inputs.runtime, inputs.architecture);
  await prepareOutputDir(inputs.outputDir);
  logTarget(target, log);
  const lock = await timed(timings, "lock", () => lockedSet(inputs, target, log));
  progress.lock = lock;

  const tempBase = env.RUNNER_TEMP || os.tmpdir();
  await mkdir(tempBase, { recursive: true });
  const scratch = await mkdtemp(path.join(tempBase, "lpp-"));
  // zips stay under temporary names until every check passed: a failed build leaves none behind
  let zips: WrittenPackages | undefined;
  try {
    const stage: Stage = { inputs, ctx, target, lock, scratch, timings };
    const { dependencies, compiler, store } = await dependenciesOf(stage);
    const { tree } = dependencies;
    const { code, optimized } = await codeOf(stage, dependencies, compiler);

    // the installed tree is read and checked now, wheels unpacked here were read as they were
    // verified; a hit has the checks' results of the tree its zip was made from
    const { source: deps } = dependencies;
    const { inspection, treeChecks } = await timed(timings, "inspect", async () => {
      const treeChecks =
        deps.kind === "cached"
          ? deps.treeChecks
          : checkTree(tree, target, deps.kind === "wheels" ? deps.scanned : await scanTree(deps.tree));
      return { treeChecks, inspection: await inspect(inputs, target, lock, { tree, treeChecks }, code, log) };
    });

    const plan = planPackages(inputs.packageMode, code, tree.files, inputs.allowCollisions);
    // the dependencies are compressed once (or come compressed from the cache); both zips copy
    // them, dropping what they compress as they write it: collected as it goes
    const packaged = await timed(timings, "zip", () =>
      collectingDroppedBuffers(async () => {
        const dependencyZip = await compressDependencies(dependencies);
        return { dependencyZip, zips: await writePackages(plan, dependencyZip, inputs.outputDir) };
      }),
    );
    const { dependencyZip } = packaged;
    zips = packaged.zips;
    const findings = checkPackageSizes(zips, inputs, target, lock, inspection, log);
    // Only an inspected tree is kept for the next build. Nothing after this reads the entry, so
    // its save (an upload, through the Actions cache) runs beside the handler check, and beside
    // the deploy for a caller that takes it (runAction); a failed save is a warning, never a throw.
    const saving = timed(timings, "save", () => saveDependencies(dependencies, dependencyZip, treeChecks, store, log));
    options.alongside?.(saving);
    const verify = await verifyStaged(stage, zips, tree, optimized?.report.removed).finally(() =>
      options.alongside ? undefined : saving,
    );
    if (!options.alongside) await saving;
    const unzipped = (zips.functionZip?.unzippedSize ?? 0) + (zips.layerZip?.unzippedSize ?? 0);
    const built = { unzipped, files: [...tree.files, ...code] };
    adviseCompile(inputs.optimize, target, built, ctx.env, log, measuredBothWays(verify));
    await zips.publish();
    const { functionZip, layerZip } = zips;
    zips = undefined;
    return {
      target,
      lock,
      tree,
      code,
      installer: dependencies.installer,
      cache: dependencies.cache,
      inspection,
      findings,
      functionZip,
      layerZip,
      verify,
      builtFromSource: dependencies.builtFromSource ?? [],
      optimization: optimized?.report,
      unzippedSize: (functionZip?.unzippedSize ?? 0) + (layerZip?.unzippedSize ?? 0),
      timings,
    };
  } finally {
    await zips?.discard();
    // a scratch folder that cannot be removed (a path too deep for rm) must not hide the build's outcome
    await rm(scratch, { recursive: true, force: true }).catch(() => {});
  }
}

/** What every stage of one build reads: the inputs, the target, the lock, its scratch folder and its clock. */
interface Stage {
  inputs: Inputs;
  ctx: RunContext;
  target: Target;
  lock: LockedSet;
  scratch: string;
  timings: Record<string, number>;
}

/** The dependencies restored from the cache or installed, with the compiler that is part of their key. */
async function dependenciesOf({ inputs, ctx, target, lock, scratch, timings }: Stage) {
  const { env, log } = ctx;
  const store = inputs.cache ? await chooseStore(env) : undefined;
  // the compiler is part of the key: with and without bytecode are different trees
  const compiler = await findCompiler(inputs.optimize, target, inputs.python, env, log);
  const dependencies = await timed(timings, "install", () =>
    restoreOrInstall({
      installer: inputs.installer,
      buildFromSource: inputs.buildFromSource,
      python: inputs.python,
      indexUrl: inputs.indexUrl,
      extraIndexUrls: inputs.extraIndexUrls,
      target,
      lock,
      store,
      scratch,
      env,
      log,
      optimizeKey: optimizeKey(inputs.optimize, compiler),
      excludePackages: inputs.optimize.excludePackages,
      mayLeaveOut: slimMayRemove(inputs.optimize),
      scanner: { keeps: scanKeeps, scan: scanBytes },
    }),
  );
  // the stage's part spent asking the cache: per-stage figures show where a build's time goes
  if (dependencies.restoreMs !== undefined) timings.restore = dependencies.restoreMs;
  if (dependencies.source.kind === "wheels") {
    timings.download = dependencies.source.downloadMs;
    timings.unpack = dependencies.source.unpackMs;
  }
  warnUnpinned(dependencies.tree, lock, log);
  return { dependencies, compiler, store };
}

/** The function's own code, collected, then optimized with the dependencies when asked. */
async function codeOf(
  { inputs, ctx, lock, scratch, timings }: Stage,
  dependencies: Dependencies,
  compiler: RuntimePython | undefined,
) {
  const { env, log } = ctx;
  const source =
    inputs.packageMode === "layer" ? [] : await timed(timings, "source", () => functionCode(inputs, lock, log));
  if (inputs.packageMode !== "layer" && source.length === 0) {
    throw new UserError(`no function code found in ${inputs.workingDirectory}`, {
      hint: "set `source` to the handler's files or folders, or use `package: layer` to build only the dependencies",
    });
  }
  // before inspection, which judges what ships; a warm build restores the tree optimized
  const optimized = optimizing(inputs.optimize)
    ? await timed(timings, "optimize", () =>
        optimize({
          settings: inputs.optimize,
          compiler,
          ...optimizedDependencies(dependencies),
          entryDir: dependencies.entryDir,
          code: source,
          scratch,
          env,
          log,
        }),
      )
    : undefined;
  return { code: optimized?.code ?? source, optimized };
}

/** What the optimize stage works on: the installed tree, the wheels' members, or nothing on a cache hit. */
function optimizedDependencies(dependencies: Dependencies): OptimizeDependencies {
  const { source } = dependencies;
  if (source.kind === "installed") return { tree: source.tree };
  if (source.kind === "cached") return {};
  const { members, scanned, notDownloaded, unchecked } = source;
  const listing = dependencies.tree;
  return { wheels: { listing, members, scanned, notDownloaded, unchecked, keeps: scanKeeps, scan: scanBytes } };
}

/** The handler imported from the zips while they still have their temporary names. */
async function verifyStaged(
  { inputs, ctx, target, scratch, timings }: Stage,
  zips: WrittenPackages,
  tree: DependencyListing,
  slimRemoved: readonly string[] | undefined,
): Promise<VerifyResult | undefined> {
  const { env, log } = ctx;
  const { staged } = zips;
  const handler = inputs.handler;
  if (!handler) return undefined;
  return timed(timings, "verify", () =>
    log.group(`Verify handler ${handler}`, () =>
      verifyHandler({
        handler,
        target,
        // named by the paths they will have (function.zip), read where they are now
        functionZip: zips.functionZip,
        layerZip: zips.layerZip,
        staged,
        python: inputs.python,
        env,
        scratch,
        log,
        measure: { withBytecode: inputs.optimize.compile === "off", owners: ownersOf(tree.files, tree.distributions) },
        slimRemoved,
      }),
    ),
  );
}

/** The import's median without bytecode (as built, compile off) and with it, when both were measured. */
function measuredBothWays(verify: VerifyResult | undefined) {
  const c = verify?.coldStart;
  if (!c || !("measured" in c) || !c.measured.withBytecode) return undefined;
  return { without: c.measured.import, with: c.measured.withBytecode };
}
