/** Lambda calls, each retried by the one policy, and the wait for an update to finish. */
import { readFile } from "node:fs/promises";
import {
  type FunctionConfiguration,
  GetFunctionConfigurationCommand,
  GetLayerVersionCommand,
  ListLayerVersionsCommand,
  PublishLayerVersionCommand,
  type PublishLayerVersionCommandOutput,
} from "@aws-sdk/client-lambda";
import { UserError } from "../errors.ts";
import type { Log } from "../log.ts";
import type { Target } from "../target.ts";
import type { ZipResult } from "../zip/writer.ts";
import { type AwsClients, type RetryPolicy, toUserError, withRetry } from "./aws.ts";

/** One AWS call through the retry policy; `retryable` narrows what is sent again (Invoke: throttles only). */
export type Call = <T>(operation: string, fn: () => Promise<T>, retryable?: (error: unknown) => boolean) => Promise<T>;

export function caller(policy: RetryPolicy, log: Log): Call {
  return (operation, fn, retryable) =>
    withRetry(operation, fn, policy, (m) => log.info(m), retryable).catch((error: unknown) => {
      throw toUserError(error, operation);
    });
}

const UPDATE_TIMEOUT_MS = 15 * 60 * 1000;

/**
 * Until the function is neither Pending nor InProgress. Our own poll rather than the
 * SDK waiter: it uses the injectable sleep and reports AWS's reason for a failure.
 */
export async function waitForUpdate(
  clients: AwsClients,
  name: string,
  call: Call,
  policy: RetryPolicy,
  what: string,
  /** waiting for someone else's update: one that ended Failed is history (the function runs its previous code) */
  log?: Log,
): Promise<FunctionConfiguration> {
  let waited = 0;
  for (let i = 0; ; i++) {
    const config = await call("GetFunctionConfiguration", () =>
      clients.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: name })),
    );
    if (config.LastUpdateStatus === "Failed" && log && config.State !== "Failed") {
      // LastUpdateStatus stays Failed until the next successful update: deploying is how it is fixed
      log.annotate(
        "warning",
        `the last update of ${name} had failed in Lambda (${config.LastUpdateStatusReason ?? "no reason given"}); it runs its previous code, and this deploy updates it`,
      );
      return config;
    }
    if (config.LastUpdateStatus === "Failed") {
      throw new UserError(
        `${what} of ${name} failed in Lambda: ${config.LastUpdateStatusReason ?? "no reason given"} (${config.LastUpdateStatusReasonCode ?? "no code"})`,
        {
          hint: "the function keeps its previous working code or configuration; fix the cause and deploy again",
        },
      );
    }
    if (config.State === "Failed") {
      throw new UserError(`function ${name} is in state Failed: ${config.StateReason ?? ""}`, {
        hint: "fix the function in Lambda, then deploy again",
      });
    }
    if (config.LastUpdateStatus !== "InProgress" && config.State !== "Pending") return config;
    if (waited > UPDATE_TIMEOUT_MS)
      throw new UserError(`${what} of ${name} did not finish in ${UPDATE_TIMEOUT_MS / 60000} minutes`);
    const delay = Math.min(5000, 250 * 2 ** Math.min(i, 4));
    waited += delay;
    await policy.sleep(delay);
  }
}

/** The newest version of a layer and its CodeSha256, or undefined when it has none. */
export async function readNewestLayer(
  clients: AwsClients,
  call: Call,
  layerName: string,
): Promise<{ arn: string; version: number; codeSha256?: string } | undefined> {
  const listed = await call("ListLayerVersions", () =>
    clients.lambda.send(new ListLayerVersionsCommand({ LayerName: layerName, MaxItems: 1 })),
  );
  const newest = listed.LayerVersions?.[0];
  if (newest?.Version === undefined) return undefined;
  const detail = await call("GetLayerVersion", () =>
    clients.lambda.send(new GetLayerVersionCommand({ LayerName: layerName, VersionNumber: newest.Version })),
  );
  if (!detail.LayerVersionArn) return undefined;
  return { arn: detail.LayerVersionArn, version: newest.Version, codeSha256: detail.Content?.CodeSha256 };
}

export async function publishLayerVersion(
  clients: AwsClients,
  call: Call,
  request: {
    layerName: string;
    zip: ZipResult;
    s3?: { bucket: string; key: string };
    target: Target;
    description: string;
  },
  log: Log,
): Promise<{ arn: string; version: number }> {
  const { layerName, zip, target } = request;
  const content = request.s3
    ? { S3Bucket: request.s3.bucket, S3Key: request.s3.key }
    : { ZipFile: await readFile(zip.path) };
  const published: PublishLayerVersionCommandOutput = await call("PublishLayerVersion", () =>
    clients.lambda.send(
      new PublishLayerVersionCommand({
        LayerName: layerName,
        Content: content,
        CompatibleRuntimes: [target.runtime],
        CompatibleArchitectures: [target.architecture],
        Description: request.description,
      }),
    ),
  );
  if (!published.LayerVersionArn || published.Version === undefined)
    throw toUserError(new Error("no LayerVersionArn in the answer"), "PublishLayerVersion");
  log.info(`Published layer ${published.LayerVersionArn}`);
  return { arn: published.LayerVersionArn, version: published.Version };
}
