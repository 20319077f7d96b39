// Versions: PublishVersion (idempotent while $LATEST is unchanged), ListVersionsByFunction, DeleteFunction.
import {
  checkLength,
  checkRevision,
  type JsonObject,
  json,
  latestOnly,
  optString,
  parseFunctionRef,
} from "./lambda-input.ts";
import { renderLatest, renderVersion } from "./lambda-render.ts";
import {
  copyContent,
  type FunctionRecord,
  type LambdaStore,
  lambdaError,
  lambdaTimestamp,
  newRevisionId,
} from "./lambda-store.ts";
import type { FunctionVersionState, ServiceResponse } from "./types.ts";

/** Snapshots $LATEST as the next version number; Pending for updateDelayMs. */
export function publishNow(
  store: LambdaStore,
  record: FunctionRecord,
  description: string | undefined,
): FunctionVersionState {
  const fn = record.fn;
  const number = String(fn.versions.reduce((max, v) => Math.max(max, Number(v.version)), 0) + 1);
  const version: FunctionVersionState = {
    ...copyContent(fn),
    description: description ?? fn.description,
    version: number,
    arn: store.functionArn(fn.region, fn.name, number),
    revisionId: newRevisionId(),
    state: store.updateDelayMs > 0 ? "Pending" : "Active",
    lastModified: lambdaTimestamp(),
  };
  fn.versions.push(version);
  record.versionActiveAt.set(number, Date.now() + store.updateDelayMs);
  record.publishedSerial = record.changeSerial;
  return version;
}

export function publishVersion(store: LambdaStore, region: string, rawName: string, body: JsonObject): ServiceResponse {
  const ref = parseFunctionRef(store, region, rawName);
  latestOnly(ref);
  const record = store.require(region, ref.name);
  const fn = record.fn;
  const description = optString(body, "Description");
  checkLength(description, "description", 256);
  store.assertIdle(record);
  checkRevision(fn.revisionId, optString(body, "RevisionId"));
  const codeSha256 = optString(body, "CodeSha256");
  if (codeSha256 !== undefined && codeSha256 !== fn.codeSha256) {
    throw lambdaError(
      "InvalidParameterValueException",
      `CodeSHA256 (${codeSha256}) is different from current CodeSHA256 in $LATEST. Please try again with the CodeSHA256 in $LATEST.`,
    );
  }
  const latest = fn.versions.at(-1);
  if (latest && record.publishedSerial === record.changeSerial) return json(201, renderVersion(store, fn, latest));
  return json(201, renderVersion(store, fn, publishNow(store, record, description)));
}

export function listVersionsByFunction(store: LambdaStore, region: string, rawName: string): ServiceResponse {
  const ref = parseFunctionRef(store, region, rawName);
  const record = store.require(region, ref.name);
  return json(200, {
    Versions: [renderLatest(store, record), ...record.fn.versions.map((v) => renderVersion(store, record.fn, v))],
  });
}

export function deleteFunction(
  store: LambdaStore,
  region: string,
  rawName: string,
  queryQualifier?: string,
): ServiceResponse {
  const ref = parseFunctionRef(store, region, rawName, queryQualifier);
  const record = store.require(region, ref.name, ref.qualifier);
  if (ref.qualifier === undefined) {
    store.removeFunction(region, ref.name);
    return { status: 204 };
  }
  if (ref.qualifier === "$LATEST") {
    throw lambdaError(
      "InvalidParameterValueException",
      "$LATEST version cannot be deleted without deleting the function.",
    );
  }
  store.resolveVersion(record, ref.qualifier);
  const alias = record.fn.aliases.find((a) => a.functionVersion === ref.qualifier);
  if (alias) {
    throw lambdaError(
      "ResourceConflictException",
      `Unable to delete version because the following aliases reference it: [${alias.name}]`,
    );
  }
  record.fn.versions = record.fn.versions.filter((v) => v.version !== ref.qualifier);
  return { status: 204 };
}
