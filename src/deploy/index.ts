/**
 * Stage 6, ship: read what is deployed (read-only calls), decide everything once
 * (`planDeploy`: every refusal before any change), then carry the plan out: upload
 * (S3 when needed), publish the layer, update the function's code and layers
 * (waiting for each update, locked by RevisionId), publish a version and move the
 * alias. What is already deployed is not written again.
 */
import { readFile } from "node:fs/promises";
import {
  CreateAliasCommand,
  type FunctionConfiguration,
  PublishVersionCommand,
  UpdateFunctionCodeCommand,
  UpdateFunctionConfigurationCommand,
} from "@aws-sdk/client-lambda";
import { throwAll } from "../errors.ts";
import type { Log } from "../log.ts";
import type { AwsClients, RetryPolicy } from "./aws.ts";
import { type Call, caller, publishLayerVersion, waitForUpdate } from "./lambda.ts";
import { observe } from "./observe.ts";
import { planDeploy } from "./plan.ts";
import { uploadZip } from "./s3.ts";
import { RolloutFailed, type RolloutResult, realClock, type ShiftClock, shiftTraffic } from "./shift.ts";
import { SmokeFailed, type SmokeResult, smokeInvoke } from "./smoke.ts";
import type { DeployPlan, DeployRequest, Upload } from "./types.ts";

export type { DeployRequest };

/** The release steps' effects from outside: the shift's clock, and the job's cancellation. */
export interface ReleaseOptions {
  clock?: ShiftClock;
  signal?: AbortSignal;
}

/** A release step failed after changes were made: the result so far travels with the error. */
export type ReleaseFailed = (SmokeFailed | RolloutFailed) & { deploy?: DeployResult };

export interface DeployResult {
  deployed: "updated" | "unchanged" | "skipped";
  functionArn?: string;
  functionVersion?: string;
  aliasArn?: string;
  layerVersionArn?: string;
  layerVersion?: string;
  functionS3Uri?: string;
  layerS3Uri?: string;
  /** every call that changed something, in order, for the log and the report */
  changes: string[];
  /** the version the alias pointed at before */
  previousVersion?: string;
  smoke?: SmokeResult;
  /** undefined: skipped (no alias moved from a previous version) */
  rollout?: "completed" | "rolled-back";
  /** the shift's steps, when the alias moved from a previous version */
  timeline?: RolloutResult["timeline"];
}

export async function deploy(
  request: DeployRequest,
  clients: AwsClients,
  policy: RetryPolicy,
  log: Log,
  options: ReleaseOptions = {},
): Promise<DeployResult> {
  const call = caller(policy, log);
  const plan = planDeploy(request, await observe(request, clients, call, policy));
  for (const warning of plan.warnings) log.annotate("warning", warning);
  throwAll(plan.refusals);
  const result = await apply(plan, request, clients, call, policy, log, options);
  result.deployed = result.changes.length > 0 ? "updated" : "unchanged";
  log.info(
    result.deployed === "updated"
      ? `Deployed: ${result.changes.join("; ")}`
      : "Deployed: unchanged (the function and layer already hold these bytes; no write call made)",
  );
  return result;
}

/** Carries out a plan without refusals; decides nothing the plan has not. */
async function apply(
  plan: DeployPlan,
  request: DeployRequest,
  clients: AwsClients,
  call: Call,
  policy: RetryPolicy,
  log: Log,
  options: ReleaseOptions,
): Promise<DeployResult> {
  const result: DeployResult = { deployed: "unchanged", changes: [] };
  const send = async (what: Upload | undefined) => {
    if (!what?.s3) return;
    const { uploaded } = await uploadZip(clients, what.zip, what.s3.bucket, what.s3.key, policy, log);
    if (uploaded) result.changes.push(`PutObject ${what.s3.uri}`);
  };
  // Uploads complete before Lambda is called.
  await send(plan.function?.code);
  result.functionS3Uri = plan.function?.code?.s3?.uri;

  let layerArn: string | undefined;
  if (plan.layer) {
    const { layer } = plan;
    await send(layer.upload);
    result.layerS3Uri = layer.upload?.s3?.uri;
    if (layer.reuse) log.info(`Layer ${layer.name} version ${layer.reuse.version} already has these bytes: reused`);
    const published =
      layer.reuse ??
      (await publishLayerVersion(
        clients,
        call,
        {
          layerName: layer.name,
          zip: layer.zip,
          s3: layer.upload?.s3,
          target: request.target,
          description: layer.description,
        },
        log,
      ));
    if (!layer.reuse) result.changes.push(`PublishLayerVersion ${published.arn}`);
    layerArn = published.arn;
    result.layerVersionArn = published.arn;
    result.layerVersion = String(published.version);
  }

  const fn = plan.function;
  if (!fn) return result;
  result.functionArn = fn.arn;
  let current = await waitForUpdate(clients, fn.name, call, policy, "the previous update", log);
  // The RevisionId read at the start locks out a concurrent deploy, unless an update was
  // still running then (its end moves the RevisionId on): then the one after the wait.
  if (fn.revisionId) current = { ...current, RevisionId: fn.revisionId };
  const code = fn.code;
  const updateCode = async () => {
    if (!code) return;
    const body = code.s3
      ? { S3Bucket: code.s3.bucket, S3Key: code.s3.key }
      : { ZipFile: await readFile(code.zip.path) };
    await call("UpdateFunctionCode", () =>
      clients.lambda.send(
        new UpdateFunctionCodeCommand({
          FunctionName: fn.name,
          ...body,
          RevisionId: current.RevisionId,
          Publish: false,
        }),
      ),
    );
    result.changes.push(`UpdateFunctionCode ${fn.name}`);
    current = await waitForUpdate(clients, fn.name, call, policy, "the code update");
  };
  const updateLayers = async () => {
    if (!fn.layersChange) return;
    // Only Layers is sent: any other field would overwrite what the user configured.
    const layers = fn.layersAfter.map((l) => l.arn ?? layerArn ?? "");
    await call("UpdateFunctionConfiguration", () =>
      clients.lambda.send(
        new UpdateFunctionConfigurationCommand({
          FunctionName: fn.name,
          Layers: layers,
          RevisionId: current.RevisionId,
        }),
      ),
    );
    result.changes.push(`UpdateFunctionConfiguration ${fn.name} Layers`);
    current = await waitForUpdate(clients, fn.name, call, policy, "the layer update");
  };
  for (const step of fn.codeFirst ? [updateCode, updateLayers] : [updateLayers, updateCode]) await step();
  if (plan.release) {
    try {
      await release({ clients, call, name: fn.name, current, plan: plan.release, result, log, options });
    } catch (error) {
      if (error instanceof SmokeFailed || error instanceof RolloutFailed) {
        result.deployed = "updated";
        if (error instanceof RolloutFailed) {
          result.rollout = "rolled-back";
          result.timeline = error.rollout.timeline;
        }
        (error as ReleaseFailed).deploy = result;
      }
      throw error;
    }
  }
  return result;
}

async function release(r: {
  clients: AwsClients;
  call: Call;
  name: string;
  current: FunctionConfiguration;
  plan: NonNullable<DeployPlan["release"]>;
  result: DeployResult;
  log: Log;
  options: ReleaseOptions;
}): Promise<void> {
  const { clients, call, name, current, plan, result, log } = r;
  const { alias, existingAlias } = plan;
  result.previousVersion = existingAlias?.functionVersion;
  if (plan.alreadyThere && existingAlias) {
    result.functionVersion = existingAlias.functionVersion;
    result.aliasArn = existingAlias.aliasArn;
    return;
  }
  const published = await call("PublishVersion", () =>
    clients.lambda.send(
      new PublishVersionCommand({ FunctionName: name, CodeSha256: current.CodeSha256, RevisionId: current.RevisionId }),
    ),
  );
  const version = published.Version;
  result.functionVersion = version;
  // PublishVersion returns the existing version when nothing changed since it was published.
  if (version && version !== existingAlias?.functionVersion) result.changes.push(`PublishVersion ${name}:${version}`);
  if (!version) return;
  if (plan.smoke && version !== existingAlias?.functionVersion) {
    log.info(`Smoke invocation of ${name}:${version} with ${plan.smoke.source}`);
    const smoke = await smokeInvoke(clients, call, name, version, plan.smoke, plan.smokeTimeoutMs);
    result.smoke = smoke;
    if (!smoke.passed) throw new SmokeFailed(smoke, alias);
    log.info(`Smoke invocation passed (status ${smoke.status}): ${smoke.response}`);
  }
  if (!alias) return;
  if (!existingAlias) {
    const created = await call("CreateAlias", () =>
      clients.lambda.send(new CreateAliasCommand({ FunctionName: name, Name: alias, FunctionVersion: version })),
    );
    result.aliasArn = created.AliasArn;
    result.changes.push(`CreateAlias ${alias} → ${version}`);
    log.info(`Alias ${alias} is new: no previous version to shift traffic from, all traffic goes to ${version}`);
  } else if (existingAlias.functionVersion !== version && existingAlias.functionVersion) {
    const shifted = await shiftTraffic(
      {
        name,
        alias,
        previous: existingAlias.functionVersion,
        next: version,
        revisionId: existingAlias.revisionId,
        shift: plan.shift,
        alarms: plan.alarms,
      },
      clients,
      call,
      r.options.clock ?? realClock,
      log,
      r.options.signal,
    );
    result.aliasArn = shifted.aliasArn;
    result.rollout = "completed";
    result.timeline = shifted.timeline;
    result.changes.push(`UpdateAlias ${alias} → ${version}`);
  } else result.aliasArn = existingAlias.aliasArn;
}
