/** The read-only calls the plan is made from: nothing here changes anything in AWS. */
import {
  type FunctionConfiguration,
  GetAliasCommand,
  GetFunctionCommand,
  GetFunctionConfigurationCommand,
  GetLayerVersionByArnCommand,
} from "@aws-sdk/client-lambda";
import { describeAlarms } from "./alarms.ts";
import type { AwsClients, RetryPolicy } from "./aws.ts";
import { type Call, readNewestLayer } from "./lambda.ts";
import { uploadRoutes } from "./routes.ts";
import { readBucket } from "./s3.ts";
import type { DeployRequest, Observed, ObservedAlias, ObservedFunction } from "./types.ts";

export async function observe(
  request: DeployRequest,
  clients: AwsClients,
  call: Call,
  policy: RetryPolicy,
): Promise<Observed> {
  const observed: Observed = { region: clients.region, inputLayers: [] };
  const { functionName, layerName, layerZip } = request;
  if (functionName) observed.function = await readFunction(clients, call, functionName);
  const fn = typeof observed.function === "object" ? observed.function : undefined;

  if (fn) {
    const readLayer = (arn: string) =>
      call("GetLayerVersionByArn", () => clients.lambda.send(new GetLayerVersionByArnCommand({ Arn: arn }))).catch(
        notFoundAs(undefined),
      );
    // A deleted layer version stays usable by the functions that have it: only its size is read here.
    for (const layer of fn.layers) layer.codeSize = (await readLayer(layer.arn))?.Content?.CodeSize ?? layer.codeSize;
    for (const arn of request.layerArns ?? []) {
      const layer = await readLayer(arn);
      observed.inputLayers.push({ arn, codeSize: layer?.Content?.CodeSize, exists: layer !== undefined });
    }
  }
  if (layerName && layerZip) observed.newestLayer = await readNewestLayer(clients, call, layerName);
  const routes = uploadRoutes(request);
  if ((routes.function === "s3" || routes.layer === "s3") && request.s3.bucket)
    observed.bucket = await readBucket(clients, request.s3.bucket, policy);
  if (fn && functionName && request.alias) observed.alias = await readAlias(clients, call, functionName, request.alias);
  const alarmNames = request.rollbackAlarms ?? [];
  if (alarmNames.length > 0)
    observed.alarms = (await describeAlarms(clients, call, alarmNames)).map(({ name, state }) => ({ name, state }));
  return observed;
}

async function readFunction(clients: AwsClients, call: Call, name: string): Promise<ObservedFunction | "missing"> {
  const answer = await call("GetFunction", () =>
    clients.lambda.send(new GetFunctionCommand({ FunctionName: name })),
  ).catch(notFoundAs(undefined));
  if (!answer) return "missing";
  const config: FunctionConfiguration = answer.Configuration ?? {};
  return {
    functionArn: config.FunctionArn ?? "",
    codeSha256: config.CodeSha256,
    codeSize: config.CodeSize,
    layers: (config.Layers ?? []).flatMap((l) => (l.Arn ? [{ arn: l.Arn, codeSize: l.CodeSize }] : [])),
    architecture: config.Architectures?.[0] ?? "x86_64",
    packageType: config.PackageType ?? "Zip",
    runtime: config.Runtime,
    handler: config.Handler,
    timeout: config.Timeout,
    idle: config.LastUpdateStatus !== "InProgress" && config.State !== "Pending",
    revisionId: config.RevisionId,
  };
}

async function readAlias(
  clients: AwsClients,
  call: Call,
  name: string,
  alias: string,
): Promise<ObservedAlias | "missing"> {
  const existing = await call("GetAlias", () =>
    clients.lambda.send(new GetAliasCommand({ FunctionName: name, Name: alias })),
  ).catch(notFoundAs(undefined));
  if (!existing) return "missing";
  const read: ObservedAlias = {
    aliasArn: existing.AliasArn,
    functionVersion: existing.FunctionVersion,
    revisionId: existing.RevisionId,
    layers: [],
  };
  if (!existing.FunctionVersion) return read;
  const atAlias = await call("GetFunctionConfiguration", () =>
    clients.lambda.send(
      new GetFunctionConfigurationCommand({ FunctionName: name, Qualifier: existing.FunctionVersion }),
    ),
  );
  return { ...read, codeSha256: atAlias.CodeSha256, layers: (atAlias.Layers ?? []).map((l) => l.Arn ?? "") };
}

/** `call` turns AWS errors into UserErrors with the AWS error as cause: a 404 is an answer here. */
function notFoundAs<T>(value: T): (error: unknown) => T {
  return (error) => {
    if ((error as { cause?: { name?: string } }).cause?.name === "ResourceNotFoundException") return value;
    throw error;
  };
}
