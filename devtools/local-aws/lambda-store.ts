// Lambda state: functions with their update state machine, versions, aliases and layer versions,
// plus the checks AWS makes on code (zip validity, unzipped size, layers, S3 location).
import { createHash, randomUUID } from "node:crypto";
import type { S3Store } from "./s3-store.ts";
import {
  ApiError,
  type FunctionContent,
  type FunctionState,
  type FunctionVersionState,
  type Invocation,
  type LayerVersionState,
} from "./types.ts";
import { unzippedSize, ZipFormatError } from "./zipsize.ts";

export const UNZIPPED_LIMIT = 262_144_000;
export const MAX_LAYERS = 5;
export const FUNCTION_NAME_PATTERN =
  "(arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}(-gov)?-[a-z]+-\\d{1}:)?(\\d{12}:)?(function:)?([a-zA-Z0-9-_\\.]+)(:(\\$LATEST|[a-zA-Z0-9-_]+))?";
const LAYER_VERSION_ARN = /^arn:[a-zA-Z0-9-]+:lambda:([a-zA-Z0-9-]+):(\d{12}):layer:([a-zA-Z0-9_-]+):([0-9]+)$/;
const LAYER_VERSION_ARN_PATTERN = "arn:[a-zA-Z0-9-]+:lambda:[a-zA-Z0-9-]+:\\d{12}:layer:[a-zA-Z0-9-_]+:[0-9]+";

const STATUS_BY_CODE: Record<string, number> = {
  ResourceNotFoundException: 404,
  UnknownOperationException: 404,
  ResourceConflictException: 409,
  PreconditionFailedException: 412,
  RequestEntityTooLargeException: 413,
  TooManyRequestsException: 429,
  ServiceException: 500,
};

export function lambdaError(code: string, message: string): ApiError {
  return new ApiError(STATUS_BY_CODE[code] ?? 400, code, message);
}

/** The ValidationException AWS's request validation answers with. */
export function validationError(value: unknown, member: string, constraint: string): ApiError {
  const shown = Array.isArray(value) ? `[${value.join(", ")}]` : String(value);
  return lambdaError(
    "ValidationException",
    `1 validation error detected: Value '${shown}' at '${member}' failed to satisfy constraint: ${constraint}`,
  );
}

export function newRevisionId(): string {
  return randomUUID();
}

/** Lambda's timestamp format: 2024-01-01T00:00:00.000+0000. */
export function lambdaTimestamp(date = new Date()): string {
  return date.toISOString().replace("Z", "+0000");
}

export interface InspectedCode {
  zip: Buffer;
  codeSha256: string;
  codeSize: number;
  unzippedSize: number;
}

export function inspectZip(zip: Buffer): InspectedCode {
  let size: number;
  try {
    size = unzippedSize(zip);
  } catch (error) {
    if (!(error instanceof ZipFormatError)) throw error;
    throw lambdaError(
      "InvalidParameterValueException",
      "Could not unzip uploaded file. Please check your file, then try to upload again.",
    );
  }
  return {
    zip,
    codeSha256: createHash("sha256").update(zip).digest("base64"),
    codeSize: zip.length,
    unzippedSize: size,
  };
}

const CONTENT_KEYS = [
  "runtime",
  "handler",
  "role",
  "description",
  "timeout",
  "memorySize",
  "architecture",
  "packageType",
  "imageUri",
  "environment",
  "layers",
  "zip",
  "codeSha256",
  "codeSize",
  "unzippedSize",
  "otherConfig",
] as const satisfies readonly (keyof FunctionContent)[];

export function copyContent(source: FunctionContent): FunctionContent {
  const copy = {} as Record<string, unknown>;
  for (const key of CONTENT_KEYS) {
    const value = source[key];
    if (value === undefined) continue;
    copy[key] = Array.isArray(value)
      ? [...value]
      : key === "environment" || key === "otherConfig"
        ? { ...(value as object) }
        : value;
  }
  return copy as unknown as FunctionContent;
}

export function restoreContent(target: FunctionContent, source: FunctionContent): void {
  for (const key of CONTENT_KEYS) delete (target as unknown as Record<string, unknown>)[key];
  Object.assign(target, copyContent(source));
}

export interface FunctionRecord {
  fn: FunctionState;
  /** Until when $LATEST stays Pending / InProgress. */
  busyUntil: number;
  failNext?: string;
  failing?: { reason: string; previous: FunctionContent };
  /** Bumped by every UpdateFunctionCode/UpdateFunctionConfiguration; PublishVersion compares it. */
  changeSerial: number;
  publishedSerial: number;
  versionActiveAt: Map<string, number>;
}

export class LambdaStore {
  private readonly functions = new Map<string, FunctionRecord>();
  private readonly layers = new Map<string, LayerVersionState[]>();
  private readonly layerCounters = new Map<string, number>();
  /** every Invoke run, for CloudWatch's metrics */
  readonly invocations: Invocation[] = [];
  /** picks between an alias's versions by their weights; tests seed it */
  random: () => number = Math.random;

  constructor(
    readonly accountId: string,
    readonly updateDelayMs: number,
    readonly s3: S3Store,
  ) {}

  functionArn(region: string, name: string, qualifier?: string): string {
    return `arn:aws:lambda:${region}:${this.accountId}:function:${name}${qualifier ? `:${qualifier}` : ""}`;
  }

  layerArn(region: string, name: string): string {
    return `arn:aws:lambda:${region}:${this.accountId}:layer:${name}`;
  }

  addFunction(record: FunctionRecord): void {
    this.functions.set(`${record.fn.region}/${record.fn.name}`, record);
  }

  removeFunction(region: string, name: string): void {
    this.functions.delete(`${region}/${name}`);
  }

  find(region: string, name: string): FunctionRecord | undefined {
    const record = this.functions.get(`${region}/${name}`);
    if (record) this.settle(record);
    return record;
  }

  require(region: string, name: string, qualifier?: string): FunctionRecord {
    const record = this.find(region, name);
    if (!record) {
      throw lambdaError(
        "ResourceNotFoundException",
        `Function not found: ${this.functionArn(region, name, qualifier)}`,
      );
    }
    return record;
  }

  /** Moves Pending/InProgress on once the update delay has passed; RevisionId changes as it does on AWS. */
  settle(record: FunctionRecord): void {
    const now = Date.now();
    const fn = record.fn;
    for (const version of fn.versions) {
      if (version.state === "Pending" && now >= (record.versionActiveAt.get(version.version) ?? 0)) {
        version.state = "Active";
      }
    }
    if (now < record.busyUntil) return;
    if (fn.state === "Pending") {
      fn.state = "Active";
      fn.stateReason = undefined;
      fn.stateReasonCode = undefined;
      fn.lastUpdateStatus = "Successful";
      fn.revisionId = newRevisionId();
    }
    if (fn.lastUpdateStatus === "InProgress") {
      if (record.failing) {
        restoreContent(fn, record.failing.previous);
        fn.lastUpdateStatus = "Failed";
        fn.lastUpdateStatusReason = record.failing.reason;
        fn.lastUpdateStatusReasonCode = "InternalError";
        record.failing = undefined;
      } else {
        fn.lastUpdateStatus = "Successful";
        fn.lastUpdateStatusReason = undefined;
        fn.lastUpdateStatusReasonCode = undefined;
      }
      fn.revisionId = newRevisionId();
    }
  }

  /** 409 unless $LATEST is Active and no update is in progress. */
  assertIdle(record: FunctionRecord): void {
    const fn = record.fn;
    if (fn.state === "Pending") {
      throw lambdaError(
        "ResourceConflictException",
        "The operation cannot be performed at this time. The function is currently in the following state: Pending",
      );
    }
    if (fn.lastUpdateStatus === "InProgress") {
      throw lambdaError(
        "ResourceConflictException",
        `The operation cannot be performed at this time. An update is in progress for resource: ${fn.arn}`,
      );
    }
  }

  /** Starts an update: InProgress for updateDelayMs, ending Failed (and rolled back) if failNextUpdate asked. */
  beginUpdate(record: FunctionRecord, previous: FunctionContent): void {
    const fn = record.fn;
    record.busyUntil = Date.now() + this.updateDelayMs;
    record.changeSerial += 1;
    if (record.failNext !== undefined) {
      record.failing = { reason: record.failNext, previous };
      record.failNext = undefined;
    }
    fn.lastUpdateStatus = "InProgress";
    fn.lastUpdateStatusReason = "The function is being created.";
    fn.lastUpdateStatusReasonCode = "Creating";
    fn.lastModified = lambdaTimestamp();
    fn.revisionId = newRevisionId();
    this.settle(record);
  }

  resolveVersion(record: FunctionRecord, qualifier: string | undefined): FunctionVersionState | undefined {
    if (qualifier === undefined || qualifier === "$LATEST") return undefined;
    const alias = record.fn.aliases.find((a) => a.name === qualifier);
    const version = alias?.functionVersion ?? qualifier;
    if (version === "$LATEST") return undefined;
    const found = record.fn.versions.find((v) => v.version === version);
    if (!found) {
      throw lambdaError(
        "ResourceNotFoundException",
        `Function not found: ${this.functionArn(record.fn.region, record.fn.name, qualifier)}`,
      );
    }
    return found;
  }

  /** Layer version ARNs checked as AWS does: count, pattern, region, existence, one version per layer. */
  resolveLayers(region: string, arns: string[]): LayerVersionState[] {
    if (arns.length > MAX_LAYERS) {
      throw lambdaError("InvalidParameterValueException", `Cannot reference more than ${MAX_LAYERS} layers.`);
    }
    const resolved: LayerVersionState[] = [];
    for (const arn of arns) {
      const match = LAYER_VERSION_ARN.exec(arn);
      if (!match) {
        throw validationError(
          arns,
          "layers",
          `Member must satisfy regular expression pattern: ${LAYER_VERSION_ARN_PATTERN}`,
        );
      }
      const [, layerRegion, account, name, version] = match as unknown as string[];
      if (layerRegion !== region) {
        throw lambdaError(
          "InvalidParameterValueException",
          `Layers are not in the same region as the function. Layers are expected to be in region ${region}.`,
        );
      }
      const layer = account === this.accountId ? this.layerVersion(region, name!, Number(version)) : undefined;
      if (!layer) throw lambdaError("InvalidParameterValueException", `Layer version ${arn} does not exist.`);
      const clash = resolved.find((r) => r.layerName === layer.layerName);
      if (clash) {
        throw lambdaError(
          "InvalidParameterValueException",
          `Two different versions of the same layer are not allowed to be referenced in the same function. ${clash.layerVersionArn} and ${arn}`,
        );
      }
      resolved.push(layer);
    }
    return resolved;
  }

  assertUnzippedSize(codeUnzipped: number, layers: LayerVersionState[]): void {
    const total = layers.reduce((sum, layer) => sum + layer.unzippedSize, codeUnzipped);
    if (total > UNZIPPED_LIMIT) {
      throw lambdaError("InvalidParameterValueException", `Unzipped size must be smaller than ${UNZIPPED_LIMIT} bytes`);
    }
  }

  /** Code from the emulator's own S3, failing with the message Lambda relays from S3. */
  fetchFromS3(region: string, bucketName: string, key: string, versionId?: string): Buffer {
    const fail = (code: string, message: string) =>
      lambdaError(
        "InvalidParameterValueException",
        `Error occurred while GetObject. S3 Error Code: ${code}. S3 Error Message: ${message}`,
      );
    const bucket = this.s3.buckets.get(bucketName);
    if (!bucket) throw fail("NoSuchBucket", "The specified bucket does not exist");
    if (bucket.region !== region) {
      throw fail(
        "PermanentRedirect",
        `The bucket is in this region: ${bucket.region}. Please use this region to retry the request`,
      );
    }
    try {
      return this.s3.object(bucket, key, versionId).body;
    } catch (error) {
      if (error instanceof ApiError) throw fail(error.code, error.message);
      throw error;
    }
  }

  layerVersions(region: string, name: string): LayerVersionState[] {
    return this.layers.get(`${region}/${name}`) ?? [];
  }

  layerVersion(region: string, name: string, version: number): LayerVersionState | undefined {
    return this.layerVersions(region, name).find((v) => v.version === version);
  }

  addLayerVersion(region: string, name: string, make: (version: number) => LayerVersionState): LayerVersionState {
    const key = `${region}/${name}`;
    const version = (this.layerCounters.get(key) ?? 0) + 1;
    this.layerCounters.set(key, version);
    const layer = make(version);
    this.layers.set(key, [...this.layerVersions(region, name), layer]);
    return layer;
  }

  deleteLayerVersion(region: string, name: string, version: number): void {
    this.layers.set(
      `${region}/${name}`,
      this.layerVersions(region, name).filter((v) => v.version !== version),
    );
  }
}
