// FunctionConfiguration / AliasConfiguration / layer JSON as the Lambda API returns them.
import type { FunctionRecord, LambdaStore } from "./lambda-store.ts";
import type { AliasState, FunctionContent, FunctionState, FunctionVersionState, LayerVersionState } from "./types.ts";

function renderContent(store: LambdaStore, fn: FunctionState, content: FunctionContent): Record<string, unknown> {
  const config: Record<string, unknown> = {
    FunctionName: fn.name,
    Role: content.role,
    CodeSize: content.codeSize,
    Description: content.description,
    Timeout: content.timeout,
    MemorySize: content.memorySize,
    CodeSha256: content.codeSha256,
    PackageType: content.packageType,
    Architectures: [content.architecture],
    TracingConfig: { Mode: "PassThrough" },
    EphemeralStorage: { Size: 512 },
    SnapStart: { ApplyOn: "None", OptimizationStatus: "Off" },
    LoggingConfig: { LogFormat: "Text", LogGroup: `/aws/lambda/${fn.name}` },
  };
  if (content.packageType === "Zip") {
    config.Runtime = content.runtime;
    config.Handler = content.handler;
  }
  if (content.environment) config.Environment = { Variables: { ...content.environment } };
  if (content.layers.length > 0) {
    config.Layers = content.layers.map((arn) => ({ Arn: arn, CodeSize: layerByArn(store, fn.region, arn)?.codeSize }));
  }
  for (const [key, value] of Object.entries(content.otherConfig)) {
    if (key === "ImageConfig") config.ImageConfigResponse = { ImageConfig: value };
    else config[key] = value;
  }
  return config;
}

function layerByArn(store: LambdaStore, region: string, arn: string): LayerVersionState | undefined {
  const [name, version] = arn.split(":").slice(-2);
  return store.layerVersion(region, name ?? "", Number(version));
}

export function renderLatest(store: LambdaStore, record: FunctionRecord): Record<string, unknown> {
  const fn = record.fn;
  return {
    ...renderContent(store, fn, fn),
    FunctionArn: fn.arn,
    Version: "$LATEST",
    LastModified: fn.lastModified,
    RevisionId: fn.revisionId,
    State: fn.state,
    StateReason: fn.stateReason,
    StateReasonCode: fn.stateReasonCode,
    LastUpdateStatus: fn.lastUpdateStatus,
    LastUpdateStatusReason: fn.lastUpdateStatusReason,
    LastUpdateStatusReasonCode: fn.lastUpdateStatusReasonCode,
  };
}

export function renderVersion(
  store: LambdaStore,
  fn: FunctionState,
  version: FunctionVersionState,
  arn = version.arn,
): Record<string, unknown> {
  return {
    ...renderContent(store, fn, version),
    FunctionArn: arn,
    Version: version.version,
    LastModified: version.lastModified,
    RevisionId: version.revisionId,
    State: version.state,
    StateReason: version.state === "Pending" ? "The function is being created." : undefined,
    StateReasonCode: version.state === "Pending" ? "Creating" : undefined,
    LastUpdateStatus: "Successful",
  };
}

export function renderCodeLocation(fn: FunctionState): Record<string, unknown> {
  if (fn.packageType === "Image") {
    return { RepositoryType: "ECR", ImageUri: fn.imageUri, ResolvedImageUri: fn.imageUri };
  }
  return {
    RepositoryType: "S3",
    Location: `https://awslambda-${fn.region}-tasks.s3.${fn.region}.amazonaws.com/snapshots/${fn.accountId}/${fn.name}-${fn.codeSha256.replace(/[^A-Za-z0-9]/g, "")}`,
  };
}

export function renderAlias(alias: AliasState): Record<string, unknown> {
  return {
    AliasArn: alias.arn,
    Name: alias.name,
    FunctionVersion: alias.functionVersion,
    Description: alias.description,
    RoutingConfig: alias.routingConfig,
    RevisionId: alias.revisionId,
  };
}

export function renderLayerVersion(layer: LayerVersionState, withContent: boolean): Record<string, unknown> {
  return {
    ...(withContent
      ? {
          Content: {
            Location: `https://awslambda-${layer.region}-layers.s3.${layer.region}.amazonaws.com/snapshots/${layer.layerName}-${layer.version}`,
            CodeSha256: layer.codeSha256,
            CodeSize: layer.codeSize,
          },
          LayerArn: layer.layerArn,
        }
      : {}),
    LayerVersionArn: layer.layerVersionArn,
    Version: layer.version,
    Description: layer.description,
    CreatedDate: layer.createdDate,
    CompatibleRuntimes: layer.compatibleRuntimes.length > 0 ? layer.compatibleRuntimes : undefined,
    CompatibleArchitectures: layer.compatibleArchitectures.length > 0 ? layer.compatibleArchitectures : undefined,
    LicenseInfo: layer.licenseInfo,
  };
}
