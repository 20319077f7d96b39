// Layer operations: PublishLayerVersion, ListLayerVersions, GetLayerVersion(ByArn), DeleteLayerVersion.
import {
  checkArchitectures,
  checkLength,
  checkRuntime,
  checkRuntimeList,
  type JsonObject,
  json,
  optBlob,
  optObject,
  optString,
  optStringList,
} from "./lambda-input.ts";
import { renderLayerVersion } from "./lambda-render.ts";
import { inspectZip, type LambdaStore, lambdaError, lambdaTimestamp, validationError } from "./lambda-store.ts";
import type { ServiceResponse } from "./types.ts";

const LAYER_NAME_PATTERN = "(arn:[a-zA-Z0-9-]+:lambda:[a-zA-Z0-9-]+:\\d{12}:layer:[a-zA-Z0-9-_]+)|[a-zA-Z0-9-_]+";
const LAYER_NAME = /^(?:arn:[a-zA-Z0-9-]+:lambda:([a-zA-Z0-9-]+):(\d{12}):layer:([a-zA-Z0-9_-]+)|([a-zA-Z0-9_-]+))$/;
const LAYER_VERSION_ARN = /^arn:[a-zA-Z0-9-]+:lambda:([a-zA-Z0-9-]+):(\d{12}):layer:([a-zA-Z0-9_-]+):([0-9]+)$/;

function notFound(): Error {
  return lambdaError("ResourceNotFoundException", "The resource you requested does not exist.");
}

/** A LayerName path parameter: a name or a layer ARN of this account and region. */
function layerName(store: LambdaStore, region: string, raw: string): string {
  const match = LAYER_NAME.exec(raw);
  if (!match || raw.length > 140) {
    throw validationError(raw, "layerName", `Member must satisfy regular expression pattern: ${LAYER_NAME_PATTERN}`);
  }
  const [, arnRegion, account, arnName, plainName] = match;
  if (arnName !== undefined && (arnRegion !== region || account !== store.accountId)) throw notFound();
  return (arnName ?? plainName)!;
}

export function publishLayerVersion(
  store: LambdaStore,
  region: string,
  rawName: string,
  body: JsonObject,
): ServiceResponse {
  const name = layerName(store, region, rawName);
  const content = optObject(body, "Content");
  if (content === undefined) throw validationError(null, "content", "Member must not be null");
  const description = optString(body, "Description");
  checkLength(description, "description", 256);
  const licenseInfo = optString(body, "LicenseInfo");
  checkLength(licenseInfo, "licenseInfo", 512);
  const compatibleRuntimes = optStringList(body, "CompatibleRuntimes");
  checkRuntimeList(compatibleRuntimes);
  const compatibleArchitectures = optStringList(body, "CompatibleArchitectures");
  if (compatibleArchitectures !== undefined && compatibleArchitectures.length > 0) {
    checkArchitectures(compatibleArchitectures, "compatibleArchitectures", 2);
  }
  const zipFile = optBlob(content, "ZipFile");
  const bucket = optString(content, "S3Bucket");
  const key = optString(content, "S3Key");
  let zip: Buffer;
  if (zipFile !== undefined) {
    if (bucket !== undefined || key !== undefined) {
      throw lambdaError(
        "InvalidParameterValueException",
        "Please do not provide other LayerVersionContent parameters when providing a ZipFile.",
      );
    }
    zip = zipFile;
  } else if (bucket !== undefined && key !== undefined) {
    zip = store.fetchFromS3(region, bucket, key, optString(content, "S3ObjectVersion"));
  } else {
    throw lambdaError(
      "InvalidParameterValueException",
      "Please provide a source for layer content: ZipFile or S3Bucket and S3Key.",
    );
  }
  const code = inspectZip(zip);
  store.assertUnzippedSize(code.unzippedSize, []);
  const layer = store.addLayerVersion(region, name, (version) => ({
    layerName: name,
    region,
    layerArn: store.layerArn(region, name),
    layerVersionArn: `${store.layerArn(region, name)}:${version}`,
    version,
    description: description ?? "",
    licenseInfo,
    compatibleRuntimes: compatibleRuntimes ?? [],
    compatibleArchitectures: compatibleArchitectures ?? [],
    ...code,
    createdDate: lambdaTimestamp(),
  }));
  return json(201, renderLayerVersion(layer, true));
}

export function listLayerVersions(
  store: LambdaStore,
  region: string,
  rawName: string,
  query: Map<string, string>,
): ServiceResponse {
  const name = layerName(store, region, rawName);
  const runtime = query.get("CompatibleRuntime");
  checkRuntime(runtime, "compatibleRuntime");
  const architecture = query.get("CompatibleArchitecture");
  if (architecture !== undefined) checkArchitectures([architecture], "compatibleArchitecture", 1);
  const maxItems = query.has("MaxItems") ? Number(query.get("MaxItems")) : 50;
  if (!Number.isInteger(maxItems) || maxItems < 1 || maxItems > 50) {
    throw validationError(query.get("MaxItems"), "maxItems", "Member must have value between 1 and 50");
  }
  const marker = query.get("Marker");
  const newestFirst = [...store.layerVersions(region, name)]
    .reverse()
    .filter((v) => runtime === undefined || v.compatibleRuntimes.includes(runtime))
    .filter((v) => architecture === undefined || v.compatibleArchitectures.includes(architecture))
    .filter((v) => marker === undefined || v.version <= Number(marker));
  const page = newestFirst.slice(0, maxItems);
  const next = newestFirst[maxItems];
  return json(200, {
    LayerVersions: page.map((v) => renderLayerVersion(v, false)),
    NextMarker: next ? String(next.version) : undefined,
  });
}

export function getLayerVersion(
  store: LambdaStore,
  region: string,
  rawName: string,
  rawVersion: string,
): ServiceResponse {
  const name = layerName(store, region, rawName);
  const version = Number(rawVersion);
  if (!/^\d+$/.test(rawVersion)) throw validationError(rawVersion, "versionNumber", "Member must be a number");
  const layer = store.layerVersion(region, name, version);
  if (!layer) throw notFound();
  return json(200, renderLayerVersion(layer, true));
}

export function getLayerVersionByArn(store: LambdaStore, region: string, arn: string | undefined): ServiceResponse {
  const match = arn === undefined ? null : LAYER_VERSION_ARN.exec(arn);
  if (!match) {
    throw validationError(
      arn,
      "arn",
      "Member must satisfy regular expression pattern: arn:[a-zA-Z0-9-]+:lambda:[a-zA-Z0-9-]+:\\d{12}:layer:[a-zA-Z0-9-_]+:[0-9]+",
    );
  }
  const [, arnRegion, account, name, version] = match;
  if (arnRegion !== region || account !== store.accountId) throw notFound();
  return getLayerVersion(store, region, name!, version!);
}

export function deleteLayerVersion(
  store: LambdaStore,
  region: string,
  rawName: string,
  rawVersion: string,
): ServiceResponse {
  const name = layerName(store, region, rawName);
  store.deleteLayerVersion(region, name, Number(rawVersion));
  return { status: 204 };
}
