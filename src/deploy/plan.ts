/**
 * The deploy decided once, from the inputs and what AWS reported in read-only calls:
 * the layer list after attaching, how each zip travels, whether the layer is reused,
 * the combined unzipped size, and every refusal. Pure: `apply` only carries it out,
 * and nothing is written at all when the plan refuses.
 */

import { append } from "../append.ts";
import { UserError } from "../errors.ts";
import { UNZIPPED_LIMIT } from "../inspect/sizes.ts";
import { formatMB } from "../units.ts";
import { findModule, parseHandler } from "../verify/handler.ts";
import { bucketRefusals, upload, uploadRoutes } from "./routes.ts";
import type { DeployPlan, DeployRequest, LayerSlot, Observed, ObservedFunction, Route } from "./types.ts";

export const MAX_LAYERS = 5;

export function planDeploy(request: DeployRequest, observed: Observed): DeployPlan {
  const refusals: UserError[] = [];
  const warnings: string[] = [];
  const routes = uploadRoutes(request);
  append(refusals, routes.refusals);
  if (routes.function === "s3" || routes.layer === "s3") append(refusals, bucketRefusals(request, observed));

  const fn = request.functionName ? checkFunction(request, observed, refusals, warnings) : undefined;
  const plan: DeployPlan = { refusals, warnings };

  const { layerName, layerZip } = request;
  if (layerName && layerZip) {
    const newest = observed.newestLayer;
    const reuse =
      newest && newest.codeSha256 === layerZip.codeSha256 ? { arn: newest.arn, version: newest.version } : undefined;
    plan.layer = {
      name: layerName,
      zip: layerZip,
      reuse,
      upload: reuse ? undefined : upload(request, layerZip, routes.layer, layerShortName(layerName)),
      description: layerDescription(request.target.runtime, request.target.architecture, request.cacheKey),
    };
    if (!fn && layerZip.unzippedSize > UNZIPPED_LIMIT) {
      refusals.push(
        new UserError(
          `layer ${layerName} would hold ${layerZip.unzippedSize} bytes unzipped: Lambda's limit is ${UNZIPPED_LIMIT}`,
          { hint: "drop heavy dependencies, move some to another layer, or use a container image" },
        ),
      );
    }
  }

  if (fn && request.functionName) plan.function = planFunction(request, observed, fn, plan, routes.function);
  if (fn && plan.function && (request.publish || request.alias)) {
    const existingAlias = observed.alias === "missing" ? undefined : observed.alias;
    const f = plan.function;
    const alreadyThere =
      !f.code &&
      !f.layersChange &&
      existingAlias?.functionVersion !== undefined &&
      existingAlias.codeSha256 === fn.codeSha256 &&
      existingAlias.layers.join(",") === f.layersBefore.join(",");
    plan.release = {
      alias: request.alias,
      existingAlias,
      alreadyThere,
      smoke: request.smoke,
      smokeTimeoutMs: ((fn.timeout ?? 3) + 30) * 1000,
      shift: request.trafficShift ?? { kind: "all-at-once" },
      alarms: request.rollbackAlarms ?? [],
    };
  }
  if (fn && plan.function) append(refusals, handlerRefusals(request, fn, plan.function.code !== undefined));
  append(refusals, alarmRefusals(request, observed));
  return plan;
}

function planFunction(
  request: DeployRequest,
  observed: Observed,
  fn: ObservedFunction,
  plan: DeployPlan,
  route: Route | undefined,
): DeployPlan["function"] {
  const { refusals } = plan;
  const name = request.functionName ?? "";
  const { functionZip, layerZip } = request;
  const own = plan.layer && request.attachLayer ? plan.layer : undefined;
  const ownBase = own ? ownLayerBaseArn(own.name, fn.functionArn, observed.newestLayer?.arn) : undefined;
  const attach: LayerSlot[] = [
    ...(own && ownBase ? [{ arn: own.reuse?.arn, baseArn: ownBase, own: true, size: own.zip.unzippedSize }] : []),
    ...(request.layerArns ?? []).map((arn) => ({
      arn,
      baseArn: layerBaseArn(arn),
      own: false,
      size: observed.inputLayers.find((l) => l.arn === arn)?.codeSize ?? 0,
    })),
  ];
  for (const missing of observed.inputLayers.filter((l) => !l.exists)) {
    refusals.push(
      new UserError(`input layers: layer version ${missing.arn} does not exist, or this account may not use it`, {
        hint: `check the ARN: it names a published version of a layer in ${observed.region}`,
      }),
    );
  }
  const layersBefore = fn.layers.map((l) => l.arn);
  const current = fn.layers.map((l) => ({
    arn: l.arn,
    baseArn: layerBaseArn(l.arn),
    own: false,
    size: l.codeSize ?? 0,
  }));
  const layersAfter = layersAfterAttach(current, attach);
  if (layersAfter.length > MAX_LAYERS) {
    const what = [...(own ? [`layer ${own.name}`] : []), ...(request.layerArns ?? [])].join(", ");
    refusals.push(
      new UserError(`attaching ${what} would give ${name} ${layersAfter.length} layers; Lambda allows ${MAX_LAYERS}`, {
        hint: `remove a layer from the function, or set \`attach-layer: false\`${request.layerArns?.length ? ", or list fewer `layers`" : ""}`,
      }),
    );
  }
  const layersChange = layersAfter.map((l) => l.arn ?? "(new)").join(",") !== layersBefore.join(",");

  // Other layers count at their zipped size (a lower bound); Lambda checks the exact total itself.
  const codeUnzipped = functionZip?.unzippedSize ?? fn.codeSize ?? 0;
  const ownSize = layersAfter.filter((l) => l.own).reduce((sum, l) => sum + l.size, 0);
  const others = layersAfter.filter((l) => !l.own);
  const othersSize = others.reduce((sum, l) => sum + l.size, 0);
  const unzippedTotal = codeUnzipped + ownSize + othersSize;
  if (unzippedTotal > UNZIPPED_LIMIT) {
    const parts = [
      `function ${formatMB(codeUnzipped)}`,
      ...(ownSize ? [`layer ${formatMB(ownSize)}`] : []),
      ...(others.length ? [`${others.length} other layer(s) ${formatMB(othersSize)}`] : []),
    ];
    refusals.push(
      new UserError(
        `${name} would hold ${unzippedTotal} bytes unzipped (${parts.join(", ")}): Lambda's limit is ${UNZIPPED_LIMIT}`,
        { hint: "drop heavy dependencies, move some to another layer, or use a container image" },
      ),
    );
  }

  const codeUnchanged = !functionZip || fn.codeSha256 === functionZip.codeSha256;
  return {
    name,
    arn: fn.functionArn,
    code: codeUnchanged || !functionZip ? undefined : upload(request, functionZip, route, name),
    layersBefore,
    layersAfter,
    layersChange,
    codeFirst: (functionZip?.unzippedSize ?? 0) <= (layerZip?.unzippedSize ?? 0),
    unzippedTotal,
    revisionId: fn.idle ? fn.revisionId : undefined,
  };
}

/** The function's configured handler is the one built and checked, and its module is in the new code. */
function handlerRefusals(request: DeployRequest, fn: ObservedFunction, codeChanges: boolean): UserError[] {
  const name = request.functionName;
  if (request.handler && fn.handler && fn.handler !== request.handler) {
    return [
      new UserError(
        `Lambda function ${name} is configured with handler ${fn.handler}, but the build checked handler ${request.handler}`,
        {
          hint: `set \`handler: ${fn.handler}\`, or change the function's Handler setting to ${request.handler} first`,
        },
      ),
    ];
  }
  if (!codeChanges || !fn.handler || !request.entries) return [];
  const ref = parseHandler(fn.handler);
  // a handler Lambda accepts but this grammar does not (a runtime wrapper, say) is not ours to judge
  if (ref instanceof UserError) return [];
  if (findModule(ref, request.entries.function, request.entries.layer)) return [];
  return [
    new UserError(
      `Lambda function ${name} runs handler ${fn.handler}, but module ${ref.modulePath}.py is not in the new function zip${request.entries.layer.size ? " or the layer" : ""}: every invocation would fail`,
      {
        hint: "ship the handler's module (`source`), or set `handler` and change the function's Handler setting to match",
      },
    ),
  ];
}

/** Every rollback alarm exists, and none fires before the shift starts. */
function alarmRefusals(request: DeployRequest, observed: Observed): UserError[] {
  const seen = observed.alarms;
  if (!seen) return [];
  const refusals: UserError[] = [];
  for (const name of request.rollbackAlarms ?? []) {
    const alarm = seen.find((a) => a.name === name);
    if (!alarm) {
      refusals.push(
        new UserError(`rollback alarm ${name} does not exist in ${observed.region}`, {
          hint: "create the CloudWatch alarm first, or fix the name in `rollback-alarms`",
        }),
      );
    } else if (alarm.state === "ALARM") {
      refusals.push(
        new UserError(`rollback alarm ${name} is in state ALARM already: the shift would roll back at once`, {
          hint: "deploy when the alarm is back to OK",
        }),
      );
    }
  }
  return refusals;
}

/** The function exists, takes a zip, and runs on the architecture the packages were built for. */
function checkFunction(
  request: DeployRequest,
  observed: Observed,
  refusals: UserError[],
  warnings: string[],
): ObservedFunction | undefined {
  const name = request.functionName;
  const fn = observed.function;
  const { target } = request;
  if (!fn || fn === "missing") {
    refusals.push(
      new UserError(`Lambda function ${name} does not exist in ${observed.region}`, {
        hint: "create it first (this action updates functions, it does not create them), or fix `function-name` / `region`",
      }),
    );
    return undefined;
  }
  if (fn.packageType === "Image") {
    refusals.push(
      new UserError(`Lambda function ${name} is a container image function: it cannot take a zip`, {
        hint: "deploy a zip to a Zip function, or build a container image for this one",
      }),
    );
  }
  if (fn.architecture !== target.architecture) {
    refusals.push(
      new UserError(
        `Lambda function ${name} runs on ${fn.architecture}, but the packages were built for ${target.architecture}`,
        { hint: `set \`architecture: ${fn.architecture}\`, or change the function's architecture` },
      ),
    );
  }
  if (fn.runtime && fn.runtime !== target.runtime) {
    warnings.push(
      `Lambda function ${name} has runtime ${fn.runtime}, but the packages were built for ${target.runtime}: compiled dependencies may not import`,
    );
  }
  return fn;
}

/** `arn:aws:lambda:region:account:layer:name:version` → `arn:aws:lambda:region:account:layer:name` */
export function layerBaseArn(arn: string): string {
  const parts = arn.split(":");
  return parts.length === 8 ? parts.slice(0, 7).join(":") : arn;
}

/** `orders-deps` or `arn:aws:lambda:region:account:layer:orders-deps` → `orders-deps` */
export function layerShortName(layerName: string): string {
  return layerName.split(":").at(-1) ?? layerName;
}

/**
 * Our layer as an ARN without version, whether `layer-name` is a name or an ARN: a
 * name lives in the function's account and region, as the newest version (if any) shows.
 */
function ownLayerBaseArn(layerName: string, functionArn: string, newestArn: string | undefined): string {
  if (layerName.startsWith("arn:")) return layerName;
  if (newestArn) return layerBaseArn(newestArn);
  return `${functionArn.split(":").slice(0, 5).join(":")}:layer:${layerName}`;
}

/**
 * UpdateFunctionConfiguration replaces the whole list: keep the user's other layers
 * in place and in order, swap only the version of the same layer (or add it at the end).
 */
export function layersAfterAttach(current: LayerSlot[], attach: LayerSlot[]): LayerSlot[] {
  const next = [...current];
  for (const slot of attach) {
    const index = next.findIndex((l) => l.baseArn === slot.baseArn);
    if (index >= 0) next[index] = slot;
    else next.push(slot);
  }
  return next;
}

export function layerDescription(runtime: string, architecture: string, cacheKey: string): string {
  return `lambda-python-package: ${runtime} ${architecture}, dependencies ${cacheKey.split("-").pop()?.slice(0, 16) ?? ""}`.slice(
    0,
    256,
  );
}
