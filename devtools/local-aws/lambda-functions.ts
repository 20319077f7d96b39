// Function operations: create, read, update code/configuration, publish versions.
import { createHash } from "node:crypto";
import {
  checkArchitectures,
  checkLength,
  checkRange,
  checkRevision,
  checkRole,
  checkRuntime,
  type JsonObject,
  json,
  latestOnly,
  optBlob,
  optBoolean,
  optNumber,
  optObject,
  optString,
  optStringList,
  parseFunctionRef,
  readEnvironment,
} from "./lambda-input.ts";
import { renderCodeLocation, renderLatest, renderVersion } from "./lambda-render.ts";
import {
  copyContent,
  type FunctionRecord,
  type InspectedCode,
  inspectZip,
  type LambdaStore,
  lambdaError,
  lambdaTimestamp,
  newRevisionId,
  validationError,
} from "./lambda-store.ts";
import { publishNow } from "./lambda-versions.ts";
import type { FunctionContent, FunctionSpec, FunctionState, ServiceResponse } from "./types.ts";
import { makeZip } from "./zipsize.ts";

const HANDLED_CONFIG_FIELDS = new Set([
  "FunctionName",
  "Role",
  "Handler",
  "Description",
  "Timeout",
  "MemorySize",
  "Environment",
  "Runtime",
  "RevisionId",
  "Layers",
  "Code",
  "Publish",
  "PackageType",
  "Architectures",
  "Tags",
]);

function readCode(store: LambdaStore, region: string, source: JsonObject): InspectedCode | undefined {
  const zip = optBlob(source, "ZipFile");
  const bucket = optString(source, "S3Bucket");
  const key = optString(source, "S3Key");
  if (zip !== undefined && (bucket !== undefined || key !== undefined)) {
    throw lambdaError(
      "InvalidParameterValueException",
      "Please do not provide other FunctionCode parameters when providing a ZipFile.",
    );
  }
  if (zip !== undefined) return inspectZip(zip);
  if (bucket === undefined && key === undefined) return undefined;
  if (bucket === undefined || key === undefined) {
    throw lambdaError("InvalidParameterValueException", "Please provide both S3Bucket and S3Key.");
  }
  return inspectZip(store.fetchFromS3(region, bucket, key, optString(source, "S3ObjectVersion")));
}

/** Fields of Create/UpdateFunctionConfiguration, validated; only those present are returned. */
function readConfiguration(store: LambdaStore, region: string, body: JsonObject, content: FunctionContent | undefined) {
  const runtime = optString(body, "Runtime");
  checkRuntime(runtime);
  const handler = optString(body, "Handler");
  checkLength(handler, "handler", 128);
  const description = optString(body, "Description");
  checkLength(description, "description", 256);
  const timeout = optNumber(body, "Timeout");
  checkRange(timeout, "timeout", 1, 900);
  const memorySize = optNumber(body, "MemorySize");
  checkRange(memorySize, "memorySize", 128, 10240);
  const role = optString(body, "Role");
  checkRole(role);
  const environment = readEnvironment(body);
  const layers = optStringList(body, "Layers");
  const packageType = content?.packageType ?? optString(body, "PackageType") ?? "Zip";
  if (layers !== undefined && layers.length > 0 && packageType === "Image") {
    throw lambdaError(
      "InvalidParameterValueException",
      "Layers are not supported for functions with packageType Image.",
    );
  }
  const resolvedLayers = layers === undefined ? undefined : store.resolveLayers(region, layers);
  const otherConfig = Object.fromEntries(
    Object.entries(body).filter(([k, v]) => !HANDLED_CONFIG_FIELDS.has(k) && v !== null),
  );
  return { runtime, handler, description, timeout, memorySize, role, environment, layers, resolvedLayers, otherConfig };
}

export function createFunction(store: LambdaStore, region: string, body: JsonObject): ServiceResponse {
  const name = optString(body, "FunctionName");
  if (name === undefined) throw validationError(null, "functionName", "Member must not be null");
  if (!/^[a-zA-Z0-9_-]{1,64}$/.test(name)) {
    throw validationError(name, "functionName", "Member must satisfy regular expression pattern: [a-zA-Z0-9-_]+");
  }
  const role = optString(body, "Role");
  if (role === undefined) throw validationError(null, "role", "Member must not be null");
  const packageType = optString(body, "PackageType") ?? "Zip";
  if (packageType !== "Zip" && packageType !== "Image") {
    throw validationError(packageType, "packageType", "Member must satisfy enum value set: [Image, Zip]");
  }
  const architectures = optStringList(body, "Architectures");
  checkArchitectures(architectures, "architectures", 1);
  const config = readConfiguration(store, region, body, undefined);
  const codeSource = optObject(body, "Code");
  if (codeSource === undefined) throw validationError(null, "code", "Member must not be null");
  const imageUri = optString(codeSource, "ImageUri");
  let code: InspectedCode | undefined;
  if (packageType === "Zip") {
    if (config.runtime === undefined || config.handler === undefined) {
      throw lambdaError(
        "InvalidParameterValueException",
        "Runtime and Handler are mandatory parameters for functions created with deployment packages.",
      );
    }
    code = readCode(store, region, codeSource);
    if (code === undefined)
      throw lambdaError("InvalidParameterValueException", "Please provide a source for function code.");
    store.assertUnzippedSize(code.unzippedSize, config.resolvedLayers ?? []);
  } else if (imageUri === undefined) {
    throw lambdaError(
      "InvalidParameterValueException",
      "ImageUri must be provided for functions with packageType Image.",
    );
  }
  if (store.find(region, name)) {
    throw lambdaError("ResourceConflictException", `Function already exist: ${name}`);
  }
  const record = buildRecord(store, {
    name,
    region,
    role,
    runtime: config.runtime,
    handler: config.handler,
    description: config.description,
    timeout: config.timeout,
    memorySize: config.memorySize,
    architecture: (architectures?.[0] ?? "x86_64") as "x86_64" | "arm64",
    packageType,
    imageUri,
    environment: config.environment ?? undefined,
    layers: config.layers ?? [],
    code: code ?? imageCode(imageUri ?? ""),
    otherConfig: config.otherConfig,
    pendingFor: store.updateDelayMs,
  });
  store.addFunction(record);
  store.settle(record);
  if (optBoolean(body, "Publish"))
    return json(201, renderVersion(store, record.fn, publishNow(store, record, undefined)));
  return json(201, renderLatest(store, record));
}

/** Image functions have no zip; CodeSha256 stands for the image digest. */
function imageCode(imageUri: string): InspectedCode {
  return {
    zip: Buffer.alloc(0),
    codeSha256: createHash("sha256").update(imageUri).digest("hex"),
    codeSize: 0,
    unzippedSize: 0,
  };
}

interface RecordInput {
  name: string;
  region: string;
  role: string;
  runtime?: string;
  handler?: string;
  description?: string;
  timeout?: number;
  memorySize?: number;
  architecture: "x86_64" | "arm64";
  packageType: "Zip" | "Image";
  imageUri?: string;
  environment?: Record<string, string>;
  layers: string[];
  code: InspectedCode;
  otherConfig: Record<string, unknown>;
  pendingFor: number;
}

function buildRecord(store: LambdaStore, input: RecordInput): FunctionRecord {
  const pending = input.pendingFor > 0;
  const fn: FunctionState = {
    name: input.name,
    region: input.region,
    accountId: store.accountId,
    arn: store.functionArn(input.region, input.name),
    runtime: input.packageType === "Zip" ? input.runtime : undefined,
    handler: input.packageType === "Zip" ? input.handler : undefined,
    role: input.role,
    description: input.description ?? "",
    timeout: input.timeout ?? 3,
    memorySize: input.memorySize ?? 128,
    architecture: input.architecture,
    packageType: input.packageType,
    imageUri: input.imageUri,
    environment: input.environment,
    layers: input.layers,
    ...input.code,
    otherConfig: input.otherConfig,
    revisionId: newRevisionId(),
    lastModified: lambdaTimestamp(),
    state: pending ? "Pending" : "Active",
    stateReason: pending ? "The function is being created." : undefined,
    stateReasonCode: pending ? "Creating" : undefined,
    lastUpdateStatus: pending ? undefined : "Successful",
    versions: [],
    aliases: [],
  };
  return {
    fn,
    busyUntil: Date.now() + input.pendingFor,
    changeSerial: 0,
    publishedSerial: -1,
    versionActiveAt: new Map(),
  };
}

/** The seeding helper: no HTTP, no Pending phase. */
export function seedFunction(store: LambdaStore, spec: FunctionSpec): FunctionState {
  const packageType = spec.packageType ?? "Zip";
  const zip = spec.zip ?? makeZip([{ name: "app.py", data: "def handler(event, context):\n    return event\n" }]);
  const layers = spec.layers ?? [];
  const resolved = store.resolveLayers(spec.region, layers);
  const code = packageType === "Zip" ? inspectZip(zip) : imageCode(`${spec.name}:latest`);
  store.assertUnzippedSize(code.unzippedSize, resolved);
  if (store.find(spec.region, spec.name)) throw new Error(`function ${spec.name} already exists in ${spec.region}`);
  const record = buildRecord(store, {
    name: spec.name,
    region: spec.region,
    role: `arn:aws:iam::${store.accountId}:role/local-aws-lambda`,
    runtime: spec.runtime ?? "python3.12",
    handler: spec.handler ?? "app.handler",
    architecture: spec.architecture ?? "x86_64",
    packageType,
    imageUri:
      packageType === "Image"
        ? `${store.accountId}.dkr.ecr.${spec.region}.amazonaws.com/${spec.name}:latest`
        : undefined,
    environment: spec.environment,
    layers,
    code,
    otherConfig: {},
    pendingFor: 0,
  });
  store.addFunction(record);
  return record.fn;
}

export function getFunction(
  store: LambdaStore,
  region: string,
  rawName: string,
  queryQualifier: string | undefined,
  configurationOnly: boolean,
): ServiceResponse {
  const ref = parseFunctionRef(store, region, rawName, queryQualifier);
  const record = store.require(region, ref.name, ref.qualifier);
  const version = store.resolveVersion(record, ref.qualifier);
  const configuration = version
    ? renderVersion(store, record.fn, version, store.functionArn(region, ref.name, ref.qualifier))
    : renderLatest(store, record);
  if (configurationOnly) return json(200, configuration);
  return json(200, { Configuration: configuration, Code: renderCodeLocation(record.fn) });
}

export function updateFunctionCode(
  store: LambdaStore,
  region: string,
  rawName: string,
  body: JsonObject,
): ServiceResponse {
  const ref = parseFunctionRef(store, region, rawName);
  latestOnly(ref);
  const record = store.require(region, ref.name);
  const fn = record.fn;
  const architectures = optStringList(body, "Architectures");
  checkArchitectures(architectures, "architectures", 1);
  const imageUri = optString(body, "ImageUri");
  if (fn.packageType === "Image") {
    if (imageUri === undefined) {
      throw lambdaError(
        "InvalidParameterValueException",
        "Please provide ImageUri when updating a function with packageType Image.",
      );
    }
  } else if (imageUri !== undefined) {
    throw lambdaError(
      "InvalidParameterValueException",
      "Please don't provide ImageUri when updating a function with packageType Zip.",
    );
  }
  store.assertIdle(record);
  checkRevision(fn.revisionId, optString(body, "RevisionId"));
  const code = fn.packageType === "Image" ? imageCode(imageUri ?? "") : readCode(store, region, body);
  if (code === undefined)
    throw lambdaError("InvalidParameterValueException", "Please provide a source for function code.");
  const layers = fn.layers.flatMap((arn) => {
    const [name, version] = arn.split(":").slice(-2);
    return store.layerVersion(region, name ?? "", Number(version)) ?? [];
  });
  store.assertUnzippedSize(code.unzippedSize, layers);
  if (optBoolean(body, "DryRun")) return json(200, renderLatest(store, record));
  const previous = copyContent(fn);
  Object.assign(fn, code);
  if (imageUri !== undefined) fn.imageUri = imageUri;
  if (architectures?.[0]) fn.architecture = architectures[0] as "x86_64" | "arm64";
  store.beginUpdate(record, previous);
  if (optBoolean(body, "Publish")) return json(200, renderVersion(store, fn, publishNow(store, record, undefined)));
  return json(200, renderLatest(store, record));
}

export function updateFunctionConfiguration(
  store: LambdaStore,
  region: string,
  rawName: string,
  body: JsonObject,
): ServiceResponse {
  const ref = parseFunctionRef(store, region, rawName);
  latestOnly(ref);
  const record = store.require(region, ref.name);
  const fn = record.fn;
  const config = readConfiguration(store, region, body, fn);
  if (fn.packageType === "Image" && (config.runtime !== undefined || config.handler !== undefined)) {
    throw lambdaError(
      "InvalidParameterValueException",
      "Please don't provide Handler or Runtime for functions with packageType Image.",
    );
  }
  store.assertIdle(record);
  checkRevision(fn.revisionId, optString(body, "RevisionId"));
  if (config.resolvedLayers !== undefined) store.assertUnzippedSize(fn.unzippedSize, config.resolvedLayers);
  const previous = copyContent(fn);
  if (config.runtime !== undefined) fn.runtime = config.runtime;
  if (config.handler !== undefined) fn.handler = config.handler;
  if (config.description !== undefined) fn.description = config.description;
  if (config.timeout !== undefined) fn.timeout = config.timeout;
  if (config.memorySize !== undefined) fn.memorySize = config.memorySize;
  if (config.role !== undefined) fn.role = config.role;
  if (config.environment !== undefined) fn.environment = config.environment ?? undefined;
  if (config.layers !== undefined) fn.layers = [...config.layers];
  fn.otherConfig = { ...fn.otherConfig, ...config.otherConfig };
  store.beginUpdate(record, previous);
  return json(200, renderLatest(store, record));
}
