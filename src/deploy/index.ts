/**
 * Stage 6, ship: check everything that could fail before changing anything, then
 * upload (S3 when needed), publish the layer, update the function's code and
 * layers (waiting for each update, locked by RevisionId), publish a version and
 * move the alias. What is already deployed is not written again.
 */
import { readFile } from "node:fs/promises";
import {
  CreateAliasCommand,
  type FunctionConfiguration,
  GetAliasCommand,
  GetFunctionCommand,
  GetFunctionConfigurationCommand,
  GetLayerVersionByArnCommand,
  PublishVersionCommand,
  UpdateAliasCommand,
  UpdateFunctionCodeCommand,
  UpdateFunctionConfigurationCommand,
} from "@aws-sdk/client-lambda";
import { UserError } from "../errors.ts";
import { UNZIPPED_LIMIT } from "../inspect/sizes.ts";
import type { Log } from "../log.ts";
import type { Target } from "../target.ts";
import type { ZipResult } from "../zip/writer.ts";
import { type AwsClients, type RetryPolicy, toUserError } from "./aws.ts";
import { caller, publishLayer, waitForUpdate } from "./lambda.ts";
import {
  formatMB,
  layerBaseArn,
  layerDescription,
  layersAfterAttach,
  MAX_LAYERS,
  type S3Upload,
  s3Key,
  uploadRoute,
} from "./plan.ts";
import { checkBucket, uploadZip } from "./s3.ts";

export interface DeployRequest {
  target: Target;
  functionName?: string;
  layerName?: string;
  attachLayer: boolean;
  /** existing layer versions to attach too, each replacing an older version of the same layer */
  layerArns?: string[];
  s3: { bucket?: string; prefix: string; upload: S3Upload };
  publish: boolean;
  alias?: string;
  functionZip?: ZipResult;
  layerZip?: ZipResult;
  cacheKey: string;
}

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
}

export async function deploy(
  request: DeployRequest,
  clients: AwsClients,
  policy: RetryPolicy,
  log: Log,
): Promise<DeployResult> {
  const call = caller(policy, log);
  const result: DeployResult = { deployed: "unchanged", changes: [] };
  const { functionName, layerName, functionZip, layerZip } = request;

  // 1. Everything that could fail, before any change.
  const fn = functionName ? await getFunction(clients, functionName, call, request.target, log) : undefined;
  const functionRoute = functionZip
    ? uploadRoute("function", functionZip.size, request.s3.upload, request.s3.bucket)
    : undefined;
  const layerRoute =
    layerZip && layerName ? uploadRoute("layer", layerZip.size, request.s3.upload, request.s3.bucket) : undefined;
  if ((functionRoute === "s3" || layerRoute === "s3") && request.s3.bucket)
    await checkBucket(clients, request.s3.bucket, policy);
  if (fn && functionZip) {
    const attaching = Boolean(request.attachLayer && layerZip && layerName);
    const otherLayers = (fn.Layers ?? []).filter(
      (l) => !(attaching && l.Arn && layerBaseArn(l.Arn).endsWith(`:layer:${layerName}`)),
    );
    if (attaching && otherLayers.length + 1 > MAX_LAYERS) {
      throw new UserError(
        `attaching layer ${layerName} would give ${functionName} ${otherLayers.length + 1} layers; Lambda allows ${MAX_LAYERS}`,
        {
          hint: "remove a layer from the function, or set `attach-layer: false`",
        },
      );
    }
    // Other layers count at their zipped size here (a lower bound); Lambda checks the exact total itself.
    const others = await Promise.all(
      otherLayers.map(async (l) =>
        l.Arn
          ? ((
              await call("GetLayerVersionByArn", () =>
                clients.lambda.send(new GetLayerVersionByArnCommand({ Arn: l.Arn })),
              )
            ).Content?.CodeSize ??
            l.CodeSize ??
            0)
          : 0,
      ),
    );
    const total =
      functionZip.unzippedSize + (attaching ? (layerZip?.unzippedSize ?? 0) : 0) + others.reduce((a, b) => a + b, 0);
    if (total > UNZIPPED_LIMIT) {
      throw new UserError(
        `${functionName} would hold ${total} bytes unzipped (function ${formatMB(functionZip.unzippedSize)}${attaching ? `, layer ${formatMB(layerZip?.unzippedSize ?? 0)}` : ""}${others.length ? `, ${others.length} other layer(s) ${formatMB(others.reduce((a, b) => a + b, 0))}` : ""}): Lambda's limit is ${UNZIPPED_LIMIT}`,
        { hint: "drop heavy dependencies, move some to another layer, or use a container image" },
      );
    }
  }

  // 2. Uploads complete before Lambda is called.
  const s3For = async (zip: ZipResult | undefined, route: string | undefined, name: string | undefined) => {
    if (!zip || route !== "s3" || !name || !request.s3.bucket) return undefined;
    const key = s3Key(request.s3.prefix, name, zip.sha256);
    const { uri, uploaded } = await uploadZip(clients, zip, request.s3.bucket, key, policy, log);
    if (uploaded) result.changes.push(`PutObject ${uri}`);
    return { bucket: request.s3.bucket, key, uri };
  };
  const unchangedCode = fn && functionZip && fn.CodeSha256 === functionZip.codeSha256;
  const functionS3 = unchangedCode ? undefined : await s3For(functionZip, functionRoute, functionName);
  result.functionS3Uri = functionS3?.uri;

  // 3. The layer.
  let layerArn: string | undefined;
  if (layerName && layerZip) {
    const layerS3 = await s3For(layerZip, layerRoute, layerName);
    result.layerS3Uri = layerS3?.uri;
    const layer = await publishLayer(
      clients,
      call,
      {
        layerName,
        zip: layerZip,
        s3: layerS3,
        target: request.target,
        description: layerDescription(request.target.runtime, request.target.architecture, request.cacheKey),
      },
      log,
    );
    if (!layer.reused) result.changes.push(`PublishLayerVersion ${layer.arn}`);
    layerArn = layer.arn;
    result.layerVersionArn = layer.arn;
    result.layerVersion = String(layer.version);
  }

  // 4. The function: code and layers, each update waited for and locked by RevisionId.
  if (fn && functionName) {
    result.functionArn = fn.FunctionArn;
    let current = await waitForUpdate(clients, functionName, call, policy, "the previous update", log);
    // The RevisionId read at the start locks out a concurrent deploy, unless an update was
    // still running then (its end moves the RevisionId on): then the one after the wait.
    const idleAtStart = fn.LastUpdateStatus !== "InProgress" && fn.State !== "Pending";
    if (idleAtStart && fn.RevisionId) current = { ...current, RevisionId: fn.RevisionId };
    const currentLayers = (current.Layers ?? []).map((l) => l.Arn ?? "");
    const attach = [...(layerArn && request.attachLayer ? [layerArn] : []), ...(request.layerArns ?? [])];
    const wantedLayers = attach.reduce((layers, arn) => layersAfterAttach(layers, arn), currentLayers);
    const layersChange = wantedLayers.join(",") !== currentLayers.join(",");

    const updateCode = async () => {
      if (!functionZip || unchangedCode) return;
      const code = functionS3
        ? { S3Bucket: functionS3.bucket, S3Key: functionS3.key }
        : { ZipFile: await readFile(functionZip.path) };
      await call("UpdateFunctionCode", () =>
        clients.lambda.send(
          new UpdateFunctionCodeCommand({
            FunctionName: functionName,
            ...code,
            RevisionId: current.RevisionId,
            Publish: false,
          }),
        ),
      );
      result.changes.push(`UpdateFunctionCode ${functionName}`);
      current = await waitForUpdate(clients, functionName, call, policy, "the code update");
    };
    const updateLayers = async () => {
      if (!layersChange) return;
      // Only Layers is sent: any other field would overwrite what the user configured.
      await call("UpdateFunctionConfiguration", () =>
        clients.lambda.send(
          new UpdateFunctionConfigurationCommand({
            FunctionName: functionName,
            Layers: wantedLayers,
            RevisionId: current.RevisionId,
          }),
        ),
      );
      result.changes.push(`UpdateFunctionConfiguration ${functionName} Layers`);
      current = await waitForUpdate(clients, functionName, call, policy, "the layer update");
    };
    // Smaller total first: when the new code is smaller than the new layer, the code goes first.
    const codeFirst = (functionZip?.unzippedSize ?? 0) <= (layerZip?.unzippedSize ?? 0);
    for (const step of codeFirst ? [updateCode, updateLayers] : [updateLayers, updateCode]) await step();

    if (request.publish || request.alias) await publishAndAlias(clients, call, functionName, current, request, result);
  }
  result.deployed = result.changes.length > 0 ? "updated" : "unchanged";
  log.info(
    result.deployed === "updated"
      ? `Deployed: ${result.changes.join("; ")}`
      : "Deployed: unchanged (the function and layer already hold these bytes; no write call made)",
  );
  return result;
}

async function getFunction(
  clients: AwsClients,
  name: string,
  call: ReturnType<typeof caller>,
  target: Target,
  log: Log,
): Promise<FunctionConfiguration> {
  let config: FunctionConfiguration | undefined;
  try {
    config = (await call("GetFunction", () => clients.lambda.send(new GetFunctionCommand({ FunctionName: name }))))
      .Configuration;
  } catch (error) {
    const cause = (error as { cause?: { name?: string } }).cause;
    if (cause?.name === "ResourceNotFoundException") {
      throw new UserError(`Lambda function ${name} does not exist in ${clients.region}`, {
        hint: "create it first (this action updates functions, it does not create them), or fix `function-name` / `region`",
      });
    }
    throw error;
  }
  if (!config) throw toUserError(new Error("no configuration in the answer"), "GetFunction");
  if (config.PackageType === "Image") {
    throw new UserError(`Lambda function ${name} is a container image function: it cannot take a zip`, {
      hint: "deploy a zip to a Zip function, or build a container image for this one",
    });
  }
  const arch = config.Architectures?.[0] ?? "x86_64";
  if (arch !== target.architecture) {
    throw new UserError(
      `Lambda function ${name} runs on ${arch}, but the packages were built for ${target.architecture}`,
      {
        hint: `set \`architecture: ${arch}\`, or change the function's architecture`,
      },
    );
  }
  if (config.Runtime && config.Runtime !== target.runtime) {
    log.annotate(
      "warning",
      `Lambda function ${name} has runtime ${config.Runtime}, but the packages were built for ${target.runtime}: compiled dependencies may not import`,
    );
  }
  return config;
}

async function publishAndAlias(
  clients: AwsClients,
  call: ReturnType<typeof caller>,
  name: string,
  current: FunctionConfiguration,
  request: DeployRequest,
  result: DeployResult,
): Promise<void> {
  const alias = request.alias;
  const existingAlias = alias
    ? await call("GetAlias", () => clients.lambda.send(new GetAliasCommand({ FunctionName: name, Name: alias }))).catch(
        (error: UserError) => {
          if ((error.cause as { name?: string })?.name === "ResourceNotFoundException") return undefined;
          throw error;
        },
      )
    : undefined;
  // Nothing changed and the alias already points at a version with this code: no write call at all.
  if (result.changes.length === 0 && existingAlias?.FunctionVersion) {
    const atAlias = await call("GetFunctionConfiguration", () =>
      clients.lambda.send(
        new GetFunctionConfigurationCommand({ FunctionName: name, Qualifier: existingAlias.FunctionVersion }),
      ),
    );
    const sameLayers =
      (atAlias.Layers ?? []).map((l) => l.Arn).join(",") === (current.Layers ?? []).map((l) => l.Arn).join(",");
    if (atAlias.CodeSha256 === current.CodeSha256 && sameLayers) {
      result.functionVersion = existingAlias.FunctionVersion;
      result.aliasArn = existingAlias.AliasArn;
      return;
    }
  }
  const published = await call("PublishVersion", () =>
    clients.lambda.send(
      new PublishVersionCommand({ FunctionName: name, CodeSha256: current.CodeSha256, RevisionId: current.RevisionId }),
    ),
  );
  result.functionVersion = published.Version;
  if (published.Version && published.Version !== existingAlias?.FunctionVersion)
    result.changes.push(`PublishVersion ${name}:${published.Version}`);
  if (!alias || !published.Version) return;
  if (!existingAlias) {
    const created = await call("CreateAlias", () =>
      clients.lambda.send(
        new CreateAliasCommand({ FunctionName: name, Name: alias, FunctionVersion: published.Version }),
      ),
    );
    result.aliasArn = created.AliasArn;
    result.changes.push(`CreateAlias ${alias} → ${published.Version}`);
  } else if (existingAlias.FunctionVersion !== published.Version) {
    const updated = await call("UpdateAlias", () =>
      clients.lambda.send(
        new UpdateAliasCommand({
          FunctionName: name,
          Name: alias,
          FunctionVersion: published.Version,
          RevisionId: existingAlias.RevisionId,
        }),
      ),
    );
    result.aliasArn = updated.AliasArn;
    result.changes.push(`UpdateAlias ${alias} → ${published.Version}`);
  } else result.aliasArn = existingAlias.AliasArn;
}
