// Lambda REST-JSON front end: maps method + path (as the SDK serializes them) to operations.
import { createAlias, deleteAlias, getAlias, listAliases, updateAlias } from "./lambda-aliases.ts";
import { createFunction, getFunction, updateFunctionCode, updateFunctionConfiguration } from "./lambda-functions.ts";
import { parseBody } from "./lambda-input.ts";
import {
  deleteLayerVersion,
  getLayerVersion,
  getLayerVersionByArn,
  listLayerVersions,
  publishLayerVersion,
} from "./lambda-layers.ts";
import { type LambdaStore, lambdaError } from "./lambda-store.ts";
import { deleteFunction, listVersionsByFunction, publishVersion } from "./lambda-versions.ts";
import type { ServiceRequest, ServiceResponse } from "./types.ts";

/** Largest request body Lambda's front door accepts (50 MB of zip once base64-encoded). */
export const LAMBDA_MAX_BODY = 69_905_067;

const F = "^/2015-03-31/functions";
const L = "^/2018-10-31/layers";
const ROUTES: [method: string, path: RegExp, operation: string][] = [
  ["POST", new RegExp(`${F}/?$`), "CreateFunction"],
  ["GET", new RegExp(`${F}/?$`), "ListFunctions"],
  ["GET", new RegExp(`${F}/([^/]+)/?$`), "GetFunction"],
  ["DELETE", new RegExp(`${F}/([^/]+)/?$`), "DeleteFunction"],
  ["GET", new RegExp(`${F}/([^/]+)/configuration/?$`), "GetFunctionConfiguration"],
  ["POST", new RegExp(`${F}/([^/]+)/invocations/?$`), "Invoke"],
  ["PUT", new RegExp(`${F}/([^/]+)/configuration/?$`), "UpdateFunctionConfiguration"],
  ["PUT", new RegExp(`${F}/([^/]+)/code/?$`), "UpdateFunctionCode"],
  ["POST", new RegExp(`${F}/([^/]+)/versions/?$`), "PublishVersion"],
  ["GET", new RegExp(`${F}/([^/]+)/versions/?$`), "ListVersionsByFunction"],
  ["POST", new RegExp(`${F}/([^/]+)/aliases/?$`), "CreateAlias"],
  ["GET", new RegExp(`${F}/([^/]+)/aliases/?$`), "ListAliases"],
  ["GET", new RegExp(`${F}/([^/]+)/aliases/([^/]+)/?$`), "GetAlias"],
  ["PUT", new RegExp(`${F}/([^/]+)/aliases/([^/]+)/?$`), "UpdateAlias"],
  ["DELETE", new RegExp(`${F}/([^/]+)/aliases/([^/]+)/?$`), "DeleteAlias"],
  ["POST", new RegExp(`${L}/([^/]+)/versions/?$`), "PublishLayerVersion"],
  ["GET", new RegExp(`${L}/([^/]+)/versions/?$`), "ListLayerVersions"],
  ["GET", new RegExp(`${L}/([^/]+)/versions/([^/]+)/?$`), "GetLayerVersion"],
  ["DELETE", new RegExp(`${L}/([^/]+)/versions/([^/]+)/?$`), "DeleteLayerVersion"],
  ["GET", new RegExp(`${L}/?$`), "ListLayers"],
];

function route(method: string, rawPath: string, query: [string, string][]) {
  for (const [routeMethod, pattern, operation] of ROUTES) {
    const match = routeMethod === method ? pattern.exec(rawPath) : null;
    if (!match) continue;
    const params = match.slice(1).map((p) => decodeURIComponent(p ?? ""));
    if (operation === "ListLayers" && query.some(([k, v]) => k === "find" && v === "LayerVersion")) {
      return { operation: "GetLayerVersionByArn", params };
    }
    return { operation, params };
  }
  return { operation: "Unknown", params: [] };
}

export function lambdaOperation(method: string, rawPath: string, query: [string, string][]): string {
  return route(method, rawPath, query).operation;
}

export function handleLambda(request: ServiceRequest, store: LambdaStore): ServiceResponse {
  const { operation, params } = route(request.method, request.rawPath, request.query);
  const query = new Map(request.query);
  const region = request.region;
  const [first = "", second = ""] = params;
  switch (operation) {
    case "CreateFunction":
      return createFunction(store, region, parseBody(request.body));
    case "GetFunction":
      return getFunction(store, region, first, query.get("Qualifier"), false);
    case "GetFunctionConfiguration":
      return getFunction(store, region, first, query.get("Qualifier"), true);
    case "DeleteFunction":
      return deleteFunction(store, region, first, query.get("Qualifier"));
    case "UpdateFunctionCode":
      return updateFunctionCode(store, region, first, parseBody(request.body));
    case "UpdateFunctionConfiguration":
      return updateFunctionConfiguration(store, region, first, parseBody(request.body));
    case "PublishVersion":
      return publishVersion(store, region, first, parseBody(request.body));
    case "ListVersionsByFunction":
      return listVersionsByFunction(store, region, first);
    case "CreateAlias":
      return createAlias(store, region, first, parseBody(request.body));
    case "ListAliases":
      return listAliases(store, region, first);
    case "GetAlias":
      return getAlias(store, region, first, second);
    case "UpdateAlias":
      return updateAlias(store, region, first, second, parseBody(request.body));
    case "DeleteAlias":
      return deleteAlias(store, region, first, second);
    case "PublishLayerVersion":
      return publishLayerVersion(store, region, first, parseBody(request.body));
    case "ListLayerVersions":
      return listLayerVersions(store, region, first, query);
    case "GetLayerVersion":
      return getLayerVersion(store, region, first, second);
    case "GetLayerVersionByArn":
      return getLayerVersionByArn(store, region, query.get("Arn"));
    case "DeleteLayerVersion":
      return deleteLayerVersion(store, region, first, second);
  }
  if (operation === "Unknown") throw lambdaError("UnknownOperationException", "Unknown operation");
  throw lambdaError("InvalidRequestContentException", `${operation} is not implemented by the local emulator`);
}
