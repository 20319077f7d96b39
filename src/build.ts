/**
 * The build: lockfile → target → dependencies (restored or installed) → optimize → inspect →
 * zip → verify, each stage timed. A failed build leaves no package behind.
 */
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { chooseStore } from "./cache/store.ts";
import {
  type CacheStatus,
  compressDependencies,
  type Dependencies,
  restoreOrInstall,
  saveDependencies,
} from "./dependencies/index.ts";
import { UserError } from "./errors.ts";
import type { Inputs } from "./inputs.ts";
import {
  checkSizes,
  checkTree,
  type Finding,
  type InspectResult,
  inspectTree,
  scanBytes,
  scanKeeps,
  scanTree,
} from "./inspect/index.ts";
import type { TreeChecks } from "./inspect/types.ts";
import type { DependencyListing, TreeFile } from "./install/types.ts";
import { chooseLockfile, DETECTED_LOCKFILES, readLockfile } from "./lock/index.ts";
import { emptyIndexOptions, type LockedSet } from "./lock/types.ts";
import type { Log } from "./log.ts";
import { findCompiler, type OptimizeReport, optimize, optimizeKey, optimizing } from "./optimize/index.ts";
import type { RunContext } from "./run.ts";
import type { RuntimePython } from "./runtime-python.ts";
import { collectSource } from "./source/collect.ts";
import { collectFirstParty } from "./source/firstparty.ts";
import { glibcString, makeTarget, type Target } from "./target.ts";
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

export async function build(inputs: Inputs, ctx: RunContext): Promise<BuildResult> {
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
    // the dependencies are compressed once (or come compressed from the cache); both zips copy them
    const packaged = await timed(timings, "zip", async () => {
      const dependencyZip = await compressDependencies(dependencies);
      return { dependencyZip, zips: await writePackages(plan, dependencyZip, inputs.outputDir) };
    });
    const { dependencyZip } = packaged;
    zips = packaged.zips;
    const findings = checkPackageSizes(zips, inputs, target, lock, inspection, log);
    const verify = await verifyStaged(stage, zips);
    // Only an inspected tree is kept for the next build.
    await timed(timings, "save", () => saveDependencies(dependencies, dependencyZip, treeChecks, store, log));
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
  const store = inputs.cache ? chooseStore(env) : undefined;
  // the compiler is part of the key: with and without bytecode are different trees
  const compiler = await findCompiler(inputs.optimize, target, inputs.python, env, log);
  const dependencies = await timed(timings, "install", () =>
    restoreOrInstall({
      installer: inputs.installer,
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
          tree: dependencies.source.kind === "installed" ? dependencies.source.tree : undefined,
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

/** The handler imported from the zips while they still have their temporary names. */
async function verifyStaged(
  { inputs, ctx, target, scratch, timings }: Stage,
  zips: WrittenPackages,
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
        functionZip:
          staged.functionZip && zips.functionZip ? { ...zips.functionZip, path: staged.functionZip } : undefined,
        layerZip: staged.layerZip && zips.layerZip ? { ...zips.layerZip, path: staged.layerZip } : undefined,
        python: inputs.python,
        env,
        scratch,
        log,
      }),
    ),
  );
}

function logTarget(target: Target, log: Log): void {
  log.info(`Target: ${target.runtime} on ${target.architecture} (${target.os}, glibc ${glibcString(target)})`);
  if (target.deprecated) {
    log.annotate(
      "warning",
      `${target.runtime} is deprecated by AWS Lambda: it still deploys, but plan the move to a newer runtime`,
    );
  }
}

/** The lockfile found (or given) and read for the target; none at all is allowed for code alone. */
async function lockedSet(inputs: Inputs, target: Target, log: Log): Promise<LockedSet> {
  const choice = chooseLockfile(inputs.workingDirectory, inputs.lockfile);
  let lock: LockedSet;
  if (!choice) lock = codeWithoutLockfile(inputs, log);
  else {
    if (choice.ignored.length > 0) {
      log.info(
        `Lockfile: ${choice.file} (also present, not used: ${choice.ignored.join(", ")}; set \`lockfile\` to choose)`,
      );
    } else log.info(`Lockfile: ${choice.file}`);
    lock = await readLockfile(choice, {
      workingDirectory: inputs.workingDirectory,
      target,
      groups: inputs.groups,
      extras: inputs.extras,
    });
  }
  log.info(`${lock.requirements.length} pinned distributions for ${target.runtime}/${target.architecture}`);
  const members = lock.firstParty.filter((m) => m.path !== ".").map((m) => m.name);
  if (inputs.packageMode === "layer" && members.length > 0) {
    log.annotate(
      "warning",
      `first-party packages ${members.join(", ")} are code, not in the layer: use package: split, or publish them as wheels and pin them`,
      { file: lock.lockfile },
    );
  }
  return lock;
}

/** Stops before packaging: nothing is zipped for deploy from a tree that would fail in Lambda. */
async function inspect(
  inputs: Inputs,
  target: Target,
  lock: LockedSet,
  dependencies: { tree: DependencyListing; treeChecks: TreeChecks },
  code: TreeFile[],
  log: Log,
): Promise<InspectResult> {
  const inspection = await inspectTree({
    target,
    ...dependencies,
    code,
    packageMode: inputs.packageMode,
    allowCollisions: inputs.allowCollisions,
    lockfile: lock.lockfile,
    lockfileText: lock.text ?? "",
  });
  reportFindings(inspection.findings, log);
  const errors = inspection.findings.filter((f) => f.severity === "error").length;
  if (errors > 0) throw new InspectionFailed(errors, inspection.findings, lock.lockfile);
  return inspection;
}

/** The zips against Lambda's size limits: every finding so far, or a failure when one is an error. */
function checkPackageSizes(
  zips: WrittenPackages,
  inputs: Inputs,
  target: Target,
  lock: LockedSet,
  inspection: InspectResult,
  log: Log,
): Finding[] {
  for (const z of [zips.functionZip, zips.layerZip]) {
    if (z)
      log.info(
        `Built ${z.path}: ${z.size} bytes zipped, ${z.unzippedSize} unzipped, ${z.entries} entries, sha256 ${z.sha256}`,
      );
  }
  const sizeFindings = checkSizes({
    target,
    unzippedFunction: zips.functionZip?.unzippedSize ?? 0,
    unzippedLayer: zips.layerZip?.unzippedSize ?? 0,
    zippedFunction: zips.functionZip?.size,
    zippedLayer: zips.layerZip?.size,
    s3Configured: Boolean(inputs.deploy?.s3Bucket),
    distributions: inspection.distributions,
  });
  reportFindings(sizeFindings, log);
  const findings = [...inspection.findings, ...sizeFindings];
  const errors = findings.filter((f) => f.severity === "error");
  if (errors.length > 0) throw new InspectionFailed(errors.length, findings, lock.lockfile);
  return findings;
}

/**
 * A handler with no third-party dependencies needs no lockfile: the code is built alone.
 * A layer holds dependencies only, so `layer` and `split` still need one.
 */
function codeWithoutLockfile(inputs: Inputs, log: Log): LockedSet {
  const where = `${inputs.workingDirectory} (looked for ${DETECTED_LOCKFILES})`;
  if (inputs.packageMode !== "function") {
    throw new UserError(`no lockfile found in ${where}; package: ${inputs.packageMode} needs one for the layer`, {
      hint: "set `lockfile` to your lockfile's path relative to `working-directory`, or use `package: function` to ship code without dependencies",
    });
  }
  log.annotate(
    "notice",
    `no lockfile found in ${where}: building the function code alone, with no third-party dependencies`,
  );
  // An empty lockfile name marks "no lockfile" for the report.
  return {
    format: "requirements",
    lockfile: "",
    requirements: [],
    indexes: emptyIndexOptions(),
    complete: true,
    firstParty: [],
  };
}

/** The code files, with first-party packages the lockfile names added at the root. */
async function functionCode(inputs: Inputs, lock: LockedSet, log: Log): Promise<TreeFile[]> {
  const members = await collectFirstParty(lock, inputs.workingDirectory);
  // Members ship mapped to the zip's root, so the default selection leaves their folders
  // out; a src-layout project ships src/<package> as <package>, not under src/ too.
  const shipped = new Set(members.map((m) => m.name));
  const defaultExcludes = lock.firstParty
    .filter((m) => shipped.has(m.name))
    .map((m) => `${m.path === "." ? "src" : m.path.replace(/^\.\/|\/+$/g, "")}/**`);
  const code = await collectSource({
    workingDirectory: inputs.workingDirectory,
    source: inputs.source,
    exclude: inputs.source.length === 0 ? [...inputs.exclude, ...defaultExcludes] : inputs.exclude,
    outputDir: inputs.outputDir,
  });
  const byPath = new Map(code.map((f) => [f.path, f]));
  for (const member of members) {
    log.info(`First-party ${member.name}: ${member.files.length} files shipped as source`);
    for (const f of member.files) if (!byPath.has(f.path)) byPath.set(f.path, f);
  }
  return [...byPath.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** The build found what would fail in Lambda: the findings travel with the error to the report. */
export class InspectionFailed extends UserError {
  constructor(
    count: number,
    readonly findings: Finding[],
    lockfile: string,
  ) {
    super(`${count} problem(s) found by inspection would fail in Lambda (listed above); nothing was deployed`, {
      where: { file: lockfile },
      hint: "fix them, or relax a check with its input where you have a reason",
    });
  }
}

function reportFindings(findings: Finding[], log: Log): void {
  for (const f of findings) {
    const text = f.hint ? `${f.message}\n  → ${f.hint}` : f.message;
    log.annotate(f.severity, text, { file: f.file, line: f.line, distribution: f.distribution });
  }
}

/** A requirements.txt may pin only the top level: say which installed distributions it did not pin. */
function warnUnpinned(tree: DependencyListing, lock: LockedSet, log: Log): void {
  const pinned = new Set(lock.requirements.map((r) => r.name));
  const unpinned = tree.distributions.filter((d) => !pinned.has(d.name));
  if (unpinned.length > 0) {
    log.annotate(
      "warning",
      `not pinned in ${lock.lockfile}, resolved by the installer: ${unpinned.map((d) => `${d.name}==${d.version}`).join(", ")}. Pin them so every build installs the same versions.`,
      { file: lock.lockfile },
    );
  }
}
