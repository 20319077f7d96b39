/**
 * The pipeline: lockfile → target → install → inspect → zip. Plain logic over a
 * Log and an environment; main.ts is the only place that knows it runs in Actions.
 */
import { copyFile, mkdir, mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { UserError } from "./errors.ts";
import type { Inputs } from "./inputs.ts";
import { chooseStore } from "./cache/store.ts";
import type { DependencyTree, TreeFile } from "./install/types.ts";
import { chooseLockfile, readLockfile } from "./lock/index.ts";
import type { LockedSet } from "./lock/types.ts";
import type { Log } from "./log.ts";
import { type Resolved, resolveTree } from "./resolve.ts";
import { collectSource } from "./source/collect.ts";
import { glibcString, makeTarget, type Target } from "./target.ts";
import { planPackages } from "./zip/package.ts";
import { writeZip, type ZipResult } from "./zip/writer.ts";

export interface BuildResult {
  target: Target;
  lock: LockedSet;
  tree: DependencyTree;
  code: TreeFile[];
  installer: string;
  cache: Resolved["cache"];
  functionZip?: ZipResult;
  layerZip?: ZipResult;
  /** function and layer together, uncompressed */
  unzippedSize: number;
  /** milliseconds per stage */
  timings: Record<string, number>;
}

export interface RunContext {
  log: Log;
  env: NodeJS.ProcessEnv;
}

async function timed<T>(timings: Record<string, number>, stage: string, fn: () => Promise<T>): Promise<T> {
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
  const target = makeTarget(inputs.runtime, inputs.architecture);
  log.info(`Target: ${target.runtime} on ${target.architecture} (${target.os}, glibc ${glibcString(target)})`);
  if (target.deprecated) {
    log.annotate(
      "warning",
      `${target.runtime} is deprecated by AWS Lambda: it still deploys, but plan the move to a newer runtime`,
    );
  }

  const lock = await timed(timings, "lock", async () => {
    const choice = chooseLockfile(inputs.workingDirectory, inputs.lockfile);
    if (choice.ignored.length > 0) {
      log.info(
        `Lockfile: ${choice.file} (also present, not used: ${choice.ignored.join(", ")}; set \`lockfile\` to choose)`,
      );
    } else log.info(`Lockfile: ${choice.file}`);
    return readLockfile(choice, { workingDirectory: inputs.workingDirectory, target, groups: [], extras: [] });
  });
  log.info(`${lock.requirements.length} pinned distributions for ${target.runtime}/${target.architecture}`);

  const tempBase = env.RUNNER_TEMP || os.tmpdir();
  await mkdir(tempBase, { recursive: true });
  const scratch = await mkdtemp(path.join(tempBase, "lpp-"));
  try {
    const store = inputs.cache ? chooseStore(env) : undefined;
    const resolved = await timed(timings, "install", () => resolveTree({ inputs, target, lock, store, scratch, env, log }));
    const { tree } = resolved;
    warnUnpinned(tree, lock, log);

    const code =
      inputs.packageMode === "layer"
        ? []
        : await timed(timings, "source", () =>
            collectSource({
              workingDirectory: inputs.workingDirectory,
              source: inputs.source,
              exclude: inputs.exclude,
              outputDir: inputs.outputDir,
            }),
          );
    if (inputs.packageMode !== "layer" && code.length === 0) {
      throw new UserError(`no function code found in ${inputs.workingDirectory}`, {
        hint: "set `source` to the handler's files or folders, or use `package: layer` to build only the dependencies",
      });
    }

    const plan = planPackages(inputs.packageMode, code, tree.files, inputs.allowCollisions);
    const zips = await timed(timings, "zip", async () => {
      await mkdir(inputs.outputDir, { recursive: true });
      const functionZip = plan.functionZip ? await writeZip(plan.functionZip, path.join(inputs.outputDir, "function.zip")) : undefined;
      const layerPath = path.join(inputs.outputDir, "layer.zip");
      let layerZip: ZipResult | undefined;
      if (plan.layerZip && resolved.cachedLayerZip) {
        // the layer zip depends on the tree alone: the cached one is the same bytes
        await copyFile(resolved.cachedLayerZip.path, layerPath);
        layerZip = { ...resolved.cachedLayerZip, path: layerPath };
      } else if (plan.layerZip) layerZip = await writeZip(plan.layerZip, layerPath);
      return { functionZip, layerZip };
    });
    for (const z of [zips.functionZip, zips.layerZip]) {
      if (z)
        log.info(
          `Built ${z.path}: ${z.size} bytes zipped, ${z.unzippedSize} unzipped, ${z.entries} entries, sha256 ${z.sha256}`,
        );
    }
    await resolved.commit(zips.layerZip);
    return {
      target,
      lock,
      tree,
      code,
      installer: resolved.installer,
      cache: resolved.cache,
      ...zips,
      unzippedSize: (zips.functionZip?.unzippedSize ?? 0) + (zips.layerZip?.unzippedSize ?? 0),
      timings,
    };
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/** A requirements.txt may pin only the top level: say which installed distributions it did not pin. */
function warnUnpinned(tree: DependencyTree, lock: LockedSet, log: Log): void {
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
