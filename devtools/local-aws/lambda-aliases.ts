// Alias operations: CreateAlias, GetAlias, UpdateAlias, ListAliases, DeleteAlias.
import { checkLength, type JsonObject, json, optObject, optString, parseFunctionRef } from "./lambda-input.ts";
import { renderAlias } from "./lambda-render.ts";
import { type FunctionRecord, type LambdaStore, lambdaError, newRevisionId, validationError } from "./lambda-store.ts";
import type { AliasState, ServiceResponse } from "./types.ts";

const ALIAS_PATTERN = "(?!^[0-9]+$)([a-zA-Z0-9-_]+)";
const ALIAS_NAME = /^(?!^[0-9]+$)[a-zA-Z0-9_-]+$/;
const VERSION_PATTERN = "(\\$LATEST|[0-9]+)";

function checkAliasName(name: string | undefined): string {
  if (name === undefined) throw validationError(null, "name", "Member must not be null");
  if (name.length > 128) throw validationError(name, "name", "Member must have length less than or equal to 128");
  if (!ALIAS_NAME.test(name)) {
    throw validationError(name, "name", `Member must satisfy regular expression pattern: ${ALIAS_PATTERN}`);
  }
  return name;
}

function checkVersion(store: LambdaStore, record: FunctionRecord, version: string): void {
  if (!/^(\$LATEST|[0-9]+)$/.test(version)) {
    throw validationError(
      version,
      "functionVersion",
      `Member must satisfy regular expression pattern: ${VERSION_PATTERN}`,
    );
  }
  if (version !== "$LATEST" && !record.fn.versions.some((v) => v.version === version)) {
    throw lambdaError(
      "ResourceNotFoundException",
      `Function not found: ${store.functionArn(record.fn.region, record.fn.name, version)}`,
    );
  }
}

function checkRouting(store: LambdaStore, record: FunctionRecord, routing: JsonObject | undefined): void {
  const weights = routing === undefined ? undefined : optObject(routing, "AdditionalVersionWeights");
  for (const [version, weight] of Object.entries(weights ?? {})) {
    checkVersion(store, record, version);
    if (typeof weight !== "number" || weight < 0 || weight > 1) {
      throw validationError(weight, "additionalVersionWeights", "Member must have value between 0.0 and 1.0");
    }
  }
}

function requireAlias(store: LambdaStore, record: FunctionRecord, name: string): AliasState {
  const alias = record.fn.aliases.find((a) => a.name === name);
  if (!alias) {
    throw lambdaError(
      "ResourceNotFoundException",
      `Alias not found: ${store.functionArn(record.fn.region, record.fn.name, name)}`,
    );
  }
  return alias;
}

export function createAlias(store: LambdaStore, region: string, rawName: string, body: JsonObject): ServiceResponse {
  const name = checkAliasName(optString(body, "Name"));
  const functionVersion = optString(body, "FunctionVersion");
  if (functionVersion === undefined) throw validationError(null, "functionVersion", "Member must not be null");
  const description = optString(body, "Description");
  checkLength(description, "description", 256);
  const ref = parseFunctionRef(store, region, rawName);
  const record = store.require(region, ref.name);
  checkVersion(store, record, functionVersion);
  const routingConfig = optObject(body, "RoutingConfig");
  checkRouting(store, record, routingConfig);
  const arn = store.functionArn(region, ref.name, name);
  if (record.fn.aliases.some((a) => a.name === name)) {
    throw lambdaError("ResourceConflictException", `Alias already exists: ${arn}`);
  }
  const alias: AliasState = {
    name,
    arn,
    functionVersion,
    description: description ?? "",
    revisionId: newRevisionId(),
    routingConfig,
  };
  record.fn.aliases.push(alias);
  return json(201, renderAlias(alias));
}

export function getAlias(store: LambdaStore, region: string, rawName: string, aliasName: string): ServiceResponse {
  checkAliasName(aliasName);
  const record = store.require(region, parseFunctionRef(store, region, rawName).name);
  return json(200, renderAlias(requireAlias(store, record, aliasName)));
}

export function updateAlias(
  store: LambdaStore,
  region: string,
  rawName: string,
  aliasName: string,
  body: JsonObject,
): ServiceResponse {
  checkAliasName(aliasName);
  const description = optString(body, "Description");
  checkLength(description, "description", 256);
  const record = store.require(region, parseFunctionRef(store, region, rawName).name);
  const alias = requireAlias(store, record, aliasName);
  const revisionId = optString(body, "RevisionId");
  if (revisionId !== undefined && revisionId !== alias.revisionId) {
    throw lambdaError(
      "PreconditionFailedException",
      "The Revision Id provided does not match the latest Revision Id. Call the GetFunction/GetAlias API to retrieve the latest Revision Id",
    );
  }
  const functionVersion = optString(body, "FunctionVersion");
  if (functionVersion !== undefined) checkVersion(store, record, functionVersion);
  const routingConfig = optObject(body, "RoutingConfig");
  checkRouting(store, record, routingConfig);
  if (functionVersion !== undefined) alias.functionVersion = functionVersion;
  if (description !== undefined) alias.description = description;
  if (routingConfig !== undefined) alias.routingConfig = routingConfig;
  alias.revisionId = newRevisionId();
  return json(200, renderAlias(alias));
}

export function listAliases(store: LambdaStore, region: string, rawName: string): ServiceResponse {
  const record = store.require(region, parseFunctionRef(store, region, rawName).name);
  return json(200, { Aliases: record.fn.aliases.map(renderAlias) });
}

export function deleteAlias(store: LambdaStore, region: string, rawName: string, aliasName: string): ServiceResponse {
  checkAliasName(aliasName);
  const record = store.require(region, parseFunctionRef(store, region, rawName).name);
  record.fn.aliases = record.fn.aliases.filter((a) => a.name !== aliasName);
  return { status: 204 };
}
