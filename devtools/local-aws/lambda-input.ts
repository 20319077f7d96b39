// Reading Lambda's REST-JSON requests the way the service validates them.
import { Architecture, Runtime } from "@aws-sdk/client-lambda";
import { FUNCTION_NAME_PATTERN, type LambdaStore, lambdaError, validationError } from "./lambda-store.ts";
import type { ServiceResponse } from "./types.ts";

const RUNTIMES: string[] = Object.values(Runtime);
const ARCHITECTURES: string[] = Object.values(Architecture);
const RESERVED_ENVIRONMENT_KEYS = [
  "_HANDLER",
  "_X_AMZN_TRACE_ID",
  "AWS_DEFAULT_REGION",
  "AWS_REGION",
  "AWS_EXECUTION_ENV",
  "AWS_LAMBDA_FUNCTION_NAME",
  "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
  "AWS_LAMBDA_FUNCTION_VERSION",
  "AWS_LAMBDA_INITIALIZATION_TYPE",
  "AWS_LAMBDA_LOG_GROUP_NAME",
  "AWS_LAMBDA_LOG_STREAM_NAME",
  "AWS_ACCESS_KEY",
  "AWS_ACCESS_KEY_ID",
  "AWS_SECRET_ACCESS_KEY",
  "AWS_SESSION_TOKEN",
  "AWS_LAMBDA_RUNTIME_API",
  "LAMBDA_TASK_ROOT",
  "LAMBDA_RUNTIME_DIR",
];

export type JsonObject = Record<string, unknown>;

export function json(status: number, value: unknown): ServiceResponse {
  return { status, headers: { "content-type": "application/json" }, body: JSON.stringify(value) };
}

export function parseBody(body: Buffer): JsonObject {
  if (body.length === 0) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString("utf8"));
  } catch (error) {
    throw lambdaError("InvalidRequestContentException", `Could not parse request body into json: ${String(error)}`);
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw lambdaError("InvalidRequestContentException", "Could not parse request body into json: not an object");
  }
  return parsed as JsonObject;
}

function wrongType(key: string, expected: string): Error {
  return lambdaError(
    "InvalidRequestContentException",
    `Could not parse request body into json: field ${key} is not ${expected}`,
  );
}

export function optString(body: JsonObject, key: string): string | undefined {
  const value = body[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string") throw wrongType(key, "a string");
  return value;
}

export function optNumber(body: JsonObject, key: string): number | undefined {
  const value = body[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "number" || !Number.isInteger(value)) throw wrongType(key, "an integer");
  return value;
}

export function optBoolean(body: JsonObject, key: string): boolean | undefined {
  const value = body[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "boolean") throw wrongType(key, "a boolean");
  return value;
}

export function optStringList(body: JsonObject, key: string): string[] | undefined {
  const value = body[key];
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || value.some((v) => typeof v !== "string")) throw wrongType(key, "a list of strings");
  return value as string[];
}

export function optObject(body: JsonObject, key: string): JsonObject | undefined {
  const value = body[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "object" || Array.isArray(value)) throw wrongType(key, "an object");
  return value as JsonObject;
}

/** ZipFile blobs travel base64-encoded in the JSON body. */
export function optBlob(body: JsonObject, key: string): Buffer | undefined {
  const value = optString(body, key);
  if (value === undefined) return undefined;
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(value) || value.length % 4 !== 0) throw wrongType(key, "valid base64");
  return Buffer.from(value, "base64");
}

export function checkRuntime(runtime: string | undefined, member = "runtime"): void {
  if (runtime !== undefined && !RUNTIMES.includes(runtime)) {
    throw validationError(runtime, member, `Member must satisfy enum value set: [${RUNTIMES.join(", ")}]`);
  }
}

export function checkRuntimeList(runtimes: string[] | undefined): void {
  if (runtimes === undefined) return;
  if (runtimes.length > 15) {
    throw validationError(runtimes, "compatibleRuntimes", "Member must have length less than or equal to 15");
  }
  for (const runtime of runtimes) checkRuntime(runtime, "compatibleRuntimes");
}

export function checkArchitectures(architectures: string[] | undefined, member: string, max: number): void {
  if (architectures === undefined) return;
  if (architectures.length < 1 || architectures.length > max) {
    throw validationError(architectures, member, `Member must have length less than or equal to ${max}`);
  }
  for (const architecture of architectures) {
    if (!ARCHITECTURES.includes(architecture)) {
      throw validationError(architectures, member, `Member must satisfy enum value set: [${ARCHITECTURES.join(", ")}]`);
    }
  }
}

export function checkLength(value: string | undefined, member: string, max: number): void {
  if (value !== undefined && value.length > max) {
    throw validationError(value, member, `Member must have length less than or equal to ${max}`);
  }
}

export function checkRange(value: number | undefined, member: string, min: number, max: number): void {
  if (value === undefined) return;
  if (value < min) throw validationError(value, member, `Member must have value greater than or equal to ${min}`);
  if (value > max) throw validationError(value, member, `Member must have value less than or equal to ${max}`);
}

export function checkRole(role: string | undefined): void {
  const pattern = "arn:(aws[a-zA-Z-]*)?:iam::\\d{12}:role/?[a-zA-Z_0-9+=,.@\\-_/]+";
  if (role !== undefined && !new RegExp(`^${pattern}$`).test(role)) {
    throw validationError(role, "role", `Member must satisfy regular expression pattern: ${pattern}`);
  }
}

/** Environment.Variables: no reserved keys, at most 4 KB serialized, as Lambda enforces. */
export function readEnvironment(body: JsonObject): Record<string, string> | null | undefined {
  const environment = optObject(body, "Environment");
  if (environment === undefined) return undefined;
  const variables = optObject(environment, "Variables") ?? {};
  for (const [key, value] of Object.entries(variables)) {
    if (typeof value !== "string") throw wrongType(`Environment.Variables.${key}`, "a string");
  }
  const reserved = Object.keys(variables).filter((k) => RESERVED_ENVIRONMENT_KEYS.includes(k));
  if (reserved.length > 0) {
    throw lambdaError(
      "InvalidParameterValueException",
      `Lambda was unable to configure your environment variables because the environment variables you have provided contains reserved keys that are currently not supported for modification. Reserved keys used in this request: ${reserved.join(", ")}`,
    );
  }
  const measured = JSON.stringify(variables);
  if (Buffer.byteLength(measured) > 4096) {
    throw lambdaError(
      "InvalidParameterValueException",
      `Lambda was unable to configure your environment variables because the environment variables you have provided exceeded the 4KB limit. String measured: ${measured}`,
    );
  }
  return Object.keys(variables).length === 0 ? null : (variables as Record<string, string>);
}

const FUNCTION_REF =
  /^(?:arn:aws[a-zA-Z-]*:lambda:([a-z0-9-]+):(\d{12}):function:|(\d{12}):function:)?([a-zA-Z0-9_.-]+)(?::(\$LATEST|[a-zA-Z0-9_-]+))?$/;

export interface FunctionRef {
  name: string;
  qualifier?: string;
}

/** FunctionName as a name, name:qualifier, partial ARN or full ARN, checked against the call's region. */
export function parseFunctionRef(
  store: LambdaStore,
  region: string,
  raw: string,
  queryQualifier?: string,
): FunctionRef {
  const match = FUNCTION_REF.exec(raw);
  if (!match || raw.length > 170) {
    throw validationError(
      raw,
      "functionName",
      `Member must satisfy regular expression pattern: ${FUNCTION_NAME_PATTERN}`,
    );
  }
  const [, arnRegion, arnAccount, partialAccount, name, nameQualifier] = match;
  if (nameQualifier !== undefined && queryQualifier !== undefined && nameQualifier !== queryQualifier) {
    throw lambdaError(
      "InvalidParameterValueException",
      "The derived qualifier from the function name does not match the specified qualifier.",
    );
  }
  const qualifier = nameQualifier ?? queryQualifier;
  const account = arnAccount ?? partialAccount;
  if ((arnRegion !== undefined && arnRegion !== region) || (account !== undefined && account !== store.accountId)) {
    throw lambdaError("ResourceNotFoundException", `Function not found: ${raw}`);
  }
  return { name: name!, qualifier };
}

export function latestOnly(ref: FunctionRef): void {
  if (ref.qualifier !== undefined && ref.qualifier !== "$LATEST") {
    throw lambdaError(
      "InvalidParameterValueException",
      "Current operation does not support versions other than $LATEST. Please set version to $LATEST or do not set a version in your request.",
    );
  }
}

export function checkRevision(current: string, supplied: string | undefined): void {
  if (supplied !== undefined && supplied !== current) {
    throw lambdaError(
      "PreconditionFailedException",
      "The Revision Id provided does not match the latest Revision Id. Call the GetFunction/GetAlias API to retrieve the latest Revision Id",
    );
  }
}
