import { createRequire as __lppCreateRequire } from 'node:module'; const require = __lppCreateRequire(import.meta.url);
import {
  BudgetsExceeded,
  checkBudgets
} from "./chunk-SOQC4COA.js";
import {
  build,
  timed,
  zipEntries
} from "./chunk-HJGPKHAB.js";
import "./chunk-EUACNY2S.js";
import "./chunk-G5Z4V3NS.js";
import "./chunk-QJVFUJPW.js";
import "./chunk-26PJGCCU.js";
import "./chunk-CYE4DHQG.js";
import "./chunk-HCMR2GAL.js";
import "./chunk-LYXEWKKS.js";
import "./chunk-SJ6SIYOC.js";
import "./chunk-QK3BG52E.js";

// src/run.ts
function enforceBudgets(inputs, built, log) {
  const { inspection } = built;
  const verdict = checkBudgets(inputs.budgets, {
    unzippedSize: built.unzippedSize,
    sizes: [
      ...inspection.distributions.map((d) => ({ name: `${d.name} ${d.version}`, bytes: d.unzippedSize })),
      ...inspection.codeSize > 0 ? [{ name: "the function code", bytes: inspection.codeSize }] : []
    ],
    coldStart: built.verify?.coldStart
  });
  for (const line of verdict.unchecked) log.annotate("warning", line);
  if (verdict.exceeded.length === 0) return;
  const result = { build: built, deploy: { deployed: "skipped", changes: [] } };
  throw Object.assign(new BudgetsExceeded(verdict.exceeded), { result });
}
async function runAction(inputs, ctx) {
  const saves = [];
  try {
    return await buildAndDeploy(inputs, ctx, (save) => saves.push(save));
  } finally {
    await Promise.all(saves);
  }
}
async function buildAndDeploy(inputs, ctx, alongside) {
  const built = await build(inputs, ctx, { alongside });
  const { budgets } = inputs;
  if (budgets.maxUnzippedSize !== void 0 || budgets.maxImportMs !== void 0)
    await timed(built.timings, "budgets", async () => enforceBudgets(inputs, built, ctx.log));
  const d = inputs.deploy;
  if (!d?.enabled) {
    ctx.log.info("Deploy: skipped (no function-name or layer-name, or deploy: false)");
    return { build: built, deploy: { deployed: "skipped", changes: [] } };
  }
  const [{ deploy }, { defaultRetryPolicy, makeClients }] = await Promise.all([
    import("./deploy-ISF4ZHD4.js"),
    import("./aws-2LKXC3YY.js")
  ]);
  const clients = (ctx.awsClients ?? ((region) => makeClients(region, ctx.env)))(d.region);
  const functionZip = d.functionName ? built.functionZip : void 0;
  const layerZip = d.layerName && d.attachLayer ? built.layerZip : void 0;
  const entries = functionZip ? { function: await zipEntries(functionZip), layer: await zipEntries(layerZip) } : void 0;
  const result = await timed(
    built.timings,
    "deploy",
    () => ctx.log.group(
      `Deploy to ${d.region}`,
      () => deploy(
        {
          target: built.target,
          functionName: d.functionName,
          layerName: d.layerName,
          attachLayer: d.attachLayer,
          layerArns: d.layerArns,
          s3: { bucket: d.s3Bucket, prefix: d.s3Prefix, upload: d.s3Upload },
          publish: d.publish,
          alias: d.alias,
          functionZip: d.functionName ? built.functionZip : void 0,
          layerZip: d.layerName ? built.layerZip : void 0,
          cacheKey: built.cache.key,
          handler: inputs.handler,
          entries,
          smoke: d.smoke,
          trafficShift: d.trafficShift,
          rollbackAlarms: d.rollbackAlarms
        },
        clients,
        ctx.retryPolicy ?? defaultRetryPolicy,
        ctx.log,
        { clock: ctx.clock, signal: ctx.signal }
      )
    )
  ).catch((error) => {
    const failed = error;
    if (failed?.deploy) Object.assign(failed, { result: { build: built, deploy: failed.deploy } });
    throw error;
  });
  return { build: built, deploy: result };
}
export {
  runAction
};
