// Twirp JSON endpoints of github.actions.results.api.v1.ArtifactService (artifacts v4, as @actions/artifact
// 2+ calls them). Field names are the proto names (the client sends `useProtoFieldName: true`); int64 values
// travel as strings, wrappers (StringValue, Int64Value) as bare values, timestamps as RFC 3339 strings.

import { createHash } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";
import { verifyRuntimeToken } from "../local-actions-cache/token.ts";
import { type Reply, twirpError } from "../local-actions-cache/twirp.ts";
import type { ArtifactRecord, ArtifactStore } from "./store.ts";

export const ARTIFACT_PREFIX = "/twirp/github.actions.results.api.v1.ArtifactService/";
export const ARTIFACT_METHODS = [
  "CreateArtifact",
  "FinalizeArtifact",
  "ListArtifacts",
  "GetSignedArtifactURL",
  "DeleteArtifact",
] as const;
export type ArtifactMethod = (typeof ARTIFACT_METHODS)[number];

/** GitHub's answer (HTTP 409, already_exists) to a second CreateArtifact with a name already used in the run. */
export const CONFLICT_MESSAGE = "an artifact with this name already exists on the workflow run";
export const NOT_FOUND_MESSAGE = "artifact not found";

/** Characters GitHub refuses in artifact names (NTFS limits), as the client's own validation lists them. */
const INVALID_NAME_CHARACTERS = ['"', ":", "<", ">", "|", "*", "?", "\r", "\n", "\\", "/"];

export interface ArtifactContext {
  store: ArtifactStore;
  secret: Buffer;
  signedUrl(record: ArtifactRecord, permissions: "r" | "cw"): string;
}

interface Caller {
  runId: string;
  jobId: string;
}

type Body = Record<string, unknown>;

function json(value: unknown): Reply {
  return { status: 200, headers: { "Content-Type": "application/json" }, body: JSON.stringify(value) };
}

function str(body: Body, field: string): string | undefined {
  const value = body[field];
  return typeof value === "string" ? value : undefined;
}

/** The `Actions.Results:<runId>:<jobId>` scope of a runtime token (what the client decodes too). */
function resultsScope(scp: string): Caller | undefined {
  for (const scope of scp.split(" ")) {
    const parts = scope.split(":");
    if (parts[0] === "Actions.Results" && parts.length === 3 && parts[1] && parts[2]) {
      return { runId: parts[1], jobId: parts[2] };
    }
  }
  return undefined;
}

export function handleArtifactTwirp(
  method: string,
  headers: IncomingHttpHeaders,
  raw: Buffer,
  ctx: ArtifactContext,
): Reply {
  if (!(ARTIFACT_METHODS as readonly string[]).includes(method)) {
    return twirpError(404, `no handler for path "${ARTIFACT_PREFIX}${method}"`, "bad_route");
  }
  const contentType = (headers["content-type"] ?? "").split(";")[0]?.trim().toLowerCase();
  if (contentType !== "application/json") {
    return twirpError(404, `unexpected Content-Type: "${headers["content-type"] ?? ""}"`, "bad_route");
  }
  const auth = headers.authorization ?? "";
  const token = auth.startsWith("Bearer ") ? auth.slice("Bearer ".length) : "";
  const claims = token ? verifyRuntimeToken(ctx.secret, token) : undefined;
  if (!claims) return twirpError(401, "invalid or missing runtime token");
  const caller = resultsScope(claims.scp);
  if (!caller) return twirpError(403, "runtime token has no Actions.Results scope");

  let body: Body;
  try {
    const parsed: unknown = JSON.parse(raw.toString("utf8") || "{}");
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw new Error("not an object");
    body = parsed as Body;
  } catch (error) {
    return twirpError(400, `failed to parse request json: ${(error as Error).message}`, "malformed");
  }
  // Every request names the run and a job: the run must be the token's; uploads must come from the token's
  // job, while reads may name another job of the run (download-artifact of an artifact from another job).
  const runId = str(body, "workflow_run_backend_id") ?? "";
  const jobId = str(body, "workflow_job_run_backend_id") ?? "";
  if (!runId || !jobId) return twirpError(400, "workflow_run_backend_id and workflow_job_run_backend_id are required");
  const writes = method === "CreateArtifact" || method === "FinalizeArtifact";
  if (runId !== caller.runId || (writes && jobId !== caller.jobId)) {
    return twirpError(403, "the runtime token is not valid for this workflow run and job");
  }

  switch (method as ArtifactMethod) {
    case "CreateArtifact":
      return createArtifact(caller, body, ctx);
    case "FinalizeArtifact":
      return finalizeArtifact(caller, body, ctx);
    case "ListArtifacts":
      return listArtifacts(caller, body, ctx);
    case "GetSignedArtifactURL":
      return signedArtifactUrl(caller, body, ctx);
    case "DeleteArtifact":
      return deleteArtifact(caller, body, ctx);
  }
}

function checkName(name: string | undefined): Reply | undefined {
  if (!name) return twirpError(400, "name is required");
  const bad = INVALID_NAME_CHARACTERS.find((c) => name.includes(c));
  if (bad !== undefined) return twirpError(400, `artifact name contains an invalid character: ${JSON.stringify(bad)}`);
  return undefined;
}

function createArtifact(caller: Caller, body: Body, ctx: ArtifactContext): Reply {
  const name = str(body, "name");
  const invalid = checkName(name);
  if (invalid || name === undefined) return invalid ?? twirpError(400, "name is required");
  const version = Number(body.version ?? 0);
  if (!Number.isInteger(version) || version < 4) {
    return twirpError(400, `unsupported artifact version ${String(body.version ?? 0)}: v4 or later is required`);
  }
  let expiresAt: Date | undefined;
  if (body.expires_at !== undefined) {
    expiresAt = new Date(String(body.expires_at));
    if (Number.isNaN(expiresAt.getTime())) return twirpError(400, "expires_at is not a valid timestamp");
    if (expiresAt.getTime() <= Date.now()) return twirpError(400, "expires_at must be in the future");
  }
  // Unique per workflow run, across its jobs, whether the first one was finalized or not.
  if (ctx.store.byName(caller.runId, name)) return twirpError(409, CONFLICT_MESSAGE);
  const mimeType = str(body, "mime_type") ?? "application/zip";
  const record = ctx.store.create(caller.runId, caller.jobId, name, mimeType, expiresAt);
  return json({ ok: true, signed_upload_url: ctx.signedUrl(record, "cw") });
}

function finalizeArtifact(caller: Caller, body: Body, ctx: ArtifactContext): Reply {
  const name = str(body, "name") ?? "";
  const record = ctx.store.byName(caller.runId, name);
  if (!record || record.jobId !== caller.jobId) return twirpError(404, NOT_FOUND_MESSAGE);
  if (record.entry.finalized) return twirpError(409, "artifact is already finalized");
  const data = record.entry.data;
  if (!data) return twirpError(412, "no blob was uploaded for the artifact", "failed_precondition");
  const rawSize = body.size;
  const size = typeof rawSize === "string" || typeof rawSize === "number" ? Number(rawSize) : Number.NaN;
  if (!Number.isSafeInteger(size) || size < 0) return twirpError(400, "size is required");
  if (size !== data.length) {
    return twirpError(400, `size ${size} does not match the uploaded blob size ${data.length}`);
  }
  const hash = str(body, "hash");
  if (hash !== undefined) {
    const actual = `sha256:${createHash("sha256").update(data).digest("hex")}`;
    if (hash.toLowerCase() !== actual) return twirpError(400, `hash ${hash} does not match the uploaded blob`);
  }
  record.entry.finalized = true;
  record.entry.blocks.clear();
  record.entry.committedBlocks.clear();
  record.digest = hash?.toLowerCase();
  return json({ ok: true, artifact_id: String(record.id) });
}

function listArtifacts(caller: Caller, body: Body, ctx: ArtifactContext): Reply {
  const nameFilter = str(body, "name_filter");
  const rawId = body.id_filter;
  const idFilter = typeof rawId === "string" || typeof rawId === "number" ? Number(rawId) : undefined;
  const artifacts = ctx.store
    .all()
    .filter((a) => a.runId === caller.runId && a.entry.finalized)
    .filter((a) => nameFilter === undefined || a.name === nameFilter)
    .filter((a) => idFilter === undefined || a.id === idFilter)
    .map((a) => ({
      workflow_run_backend_id: a.runId,
      workflow_job_run_backend_id: a.jobId,
      database_id: String(a.id),
      name: a.name,
      size: String(a.entry.data?.length ?? 0),
      created_at: a.createdAt.toISOString(),
      ...(a.digest ? { digest: a.digest } : {}),
    }));
  return json({ artifacts });
}

function finalizedByName(caller: Caller, body: Body, ctx: ArtifactContext): ArtifactRecord | undefined {
  const record = ctx.store.byName(caller.runId, str(body, "name") ?? "");
  return record?.entry.finalized ? record : undefined;
}

function signedArtifactUrl(caller: Caller, body: Body, ctx: ArtifactContext): Reply {
  const record = finalizedByName(caller, body, ctx);
  if (!record) return twirpError(404, NOT_FOUND_MESSAGE);
  return json({ signed_url: ctx.signedUrl(record, "r") });
}

function deleteArtifact(caller: Caller, body: Body, ctx: ArtifactContext): Reply {
  const record = finalizedByName(caller, body, ctx);
  if (!record) return twirpError(404, NOT_FOUND_MESSAGE);
  ctx.store.delete(record);
  return json({ ok: true, artifact_id: String(record.id) });
}
