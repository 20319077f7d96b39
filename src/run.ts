/**
 * The action: build, then ship what the inputs ask for. Plain logic over a Log and an
 * environment; main.ts is the only place that knows it runs in Actions.
 *
 * The deploy stage, and the AWS SDK with it, is loaded only when a run deploys: a build
 * alone never parses it (in dist/ it is a chunk of its own).
 */
import { BudgetsExceeded, checkBudgets } from "./budgets.ts";
import { type BuildResult, build, timed } from "./build.ts";
import type { DeployResult, ReleaseFailed } from "./deploy/index.ts";
import type { Inputs } from "./inputs.ts";
import type { Log } from "./log.ts";
import type { RunContext } from "./run-context.ts";
import { zipEntries } from "./verify/index.ts";

export interface ActionResult {
  build: BuildResult;
  deploy: DeployResult;
}

/**
 * Over a budget, the step fails before any deploy, with the build's result riding along:
 * the zips are written, and the outputs and the summary still show everything.
 */
function enforceBudgets(inputs: Inputs, built: BuildResult, log: Log): void {
  const { inspection } = built;
  const verdict = checkBudgets(inputs.budgets, {
    unzippedSize: built.unzippedSize,
    sizes: [
      ...inspection.distributions.map((d) => ({ name: `${d.name} ${d.version}`, bytes: d.unzippedSize })),
      ...(inspection.codeSize > 0 ? [{ name: "the function code", bytes: inspection.codeSize }] : []),
    ],
    coldStart: built.verify?.coldStart,
  });
  for (const line of verdict.unchecked) log.annotate("warning", line);
  if (verdict.exceeded.length === 0) return;
  const result: ActionResult = { build: built, deploy: { deployed: "skipped", changes: [] } };
  throw Object.assign(new BudgetsExceeded(verdict.exceeded), { result });
}

/**
 * Build, then ship what the inputs ask for. Nothing is deployed when the build has an error.
 * The cache entry's save runs beside the handler check and the deploy, and is over when this
 * returns or throws: its outcome (a warning at worst) is in the log before the report.
 */
export async function runAction(inputs: Inputs, ctx: RunContext): Promise<ActionResult> {
  const saves: Promise<void>[] = [];
  try {
    return await buildAndDeploy(inputs, ctx, (save) => saves.push(save));
  } finally {
    await Promise.all(saves);
  }
}

async function buildAndDeploy(
  inputs: Inputs,
  ctx: RunContext,
  alongside: (save: Promise<void>) => void,
): Promise<ActionResult> {
  const built = await build(inputs, ctx, { alongside });
  const { budgets } = inputs;
  if (budgets.maxUnzippedSize !== undefined || budgets.maxImportMs !== undefined)
    await timed(built.timings, "budgets", async () => enforceBudgets(inputs, built, ctx.log));
  const d = inputs.deploy;
  if (!d?.enabled) {
    ctx.log.info("Deploy: skipped (no function-name or layer-name, or deploy: false)");
    return { build: built, deploy: { deployed: "skipped", changes: [] } };
  }
  const [{ deploy }, { defaultRetryPolicy, makeClients }] = await Promise.all([
    import("./deploy/index.ts"),
    import("./deploy/aws.ts"),
  ]);
  const clients = (ctx.awsClients ?? ((region: string) => makeClients(region, ctx.env)))(d.region);
  const functionZip = d.functionName ? built.functionZip : undefined;
  const layerZip = d.layerName && d.attachLayer ? built.layerZip : undefined;
  const entries = functionZip
    ? { function: await zipEntries(functionZip), layer: await zipEntries(layerZip) }
    : undefined;
  const result = await timed(built.timings, "deploy", () =>
    ctx.log.group(`Deploy to ${d.region}`, () =>
      deploy(
        {
          target: built.target,
          functionName: d.functionName,
          layerName: d.layerName,
          attachLayer: d.attachLayer,
          layerArns: d.layerArns,
          s3: { bucket: d.s3Bucket, prefix: d.s3Prefix, upload: d.s3Upload },
          publish: d.publish,
          alias: d.alias,
          functionZip: d.functionName ? built.functionZip : undefined,
          layerZip: d.layerName ? built.layerZip : undefined,
          cacheKey: built.cache.key,
          handler: inputs.handler,
          entries,
          smoke: d.smoke,
          trafficShift: d.trafficShift,
          rollbackAlarms: d.rollbackAlarms,
        },
        clients,
        ctx.retryPolicy ?? defaultRetryPolicy,
        ctx.log,
        { clock: ctx.clock, signal: ctx.signal },
      ),
    ),
  ).catch((error: unknown) => {
    // outputs (rollout, previous-version) still tell what happened when a release step failed
    const failed = error as ReleaseFailed;
    if (failed?.deploy) Object.assign(failed, { result: { build: built, deploy: failed.deploy } });
    throw error;
  });
  return { build: built, deploy: result };
}
