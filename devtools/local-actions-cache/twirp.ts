// Twirp JSON endpoints of github.actions.results.api.v1.CacheService, as the real service answers them.

import type { IncomingHttpHeaders } from "node:http";
import type { EntryStore, StoredEntry } from "./store.ts";
import { verifyRuntimeToken } from "./token.ts";

export const TWIRP_PREFIX = "/twirp/github.actions.results.api.v1.CacheService/";
export const TWIRP_METHODS = ["CreateCacheEntry", "FinalizeCacheEntryUpload", "GetCacheEntryDownloadURL"] as const;
export type TwirpMethod = (typeof TWIRP_METHODS)[number];

/** Message GitHub's service puts in a refused CreateCacheEntry when the run's token is read-only. */
export const WRITE_DENIED_MESSAGE = "cache write denied: token has no writable scopes";
/** What GitHub answers (HTTP 409, twirp already_exists) when key + version already exist in the scope. */
export const ALREADY_EXISTS_MESSAGE = "cache entry with the same key, version, and scope already exists";

export interface Reply {
  status: number;
  headers: Record<string, string>;
  body?: Buffer | string;
  /** HEAD: send the headers (including Content-Length) but no body. */
  headOnly?: boolean;
}

export interface TwirpContext {
  store: EntryStore;
  secret: Buffer;
  readOnly(): boolean;
  signedUrl(entry: StoredEntry, permissions: "r" | "cw"): string;
}

const TWIRP_CODES: Record<number, string> = {
  400: "invalid_argument",
  401: "unauthenticated",
  403: "permission_denied",
  404: "not_found",
  408: "deadline_exceeded",
  409: "already_exists",
  412: "failed_precondition",
  429: "resource_exhausted",
  499: "canceled",
  500: "internal",
  501: "unimplemented",
  503: "unavailable",
  504: "deadline_exceeded",
};

function json(status: number, value: unknown): Reply {
  return { status, headers: { "Content-Type": "application/json" }, body: JSON.stringify(value) };
}

export function twirpError(status: number, msg: string, code = TWIRP_CODES[status] ?? "internal"): Reply {
  return json(status, { code, msg });
}

function stringField(body: Record<string, unknown>, snake: string, camel: string): string | undefined {
  const value = body[snake] ?? body[camel];
  return typeof value === "string" ? value : undefined;
}

export function handleTwirp(method: string, headers: IncomingHttpHeaders, raw: Buffer, ctx: TwirpContext): Reply {
  if (!(TWIRP_METHODS as readonly string[]).includes(method)) {
    return twirpError(404, `no handler for path "${TWIRP_PREFIX}${method}"`, "bad_route");
  }
  const contentType = (headers["content-type"] ?? "").split(";")[0]?.trim().toLowerCase();
  if (contentType !== "application/json") {
    return twirpError(404, `unexpected Content-Type: "${headers["content-type"] ?? ""}"`, "bad_route");
  }
  const auth = headers.authorization ?? "";
  const token = auth.startsWith("Bearer ") ? auth.slice("Bearer ".length) : "";
  if (!token || !verifyRuntimeToken(ctx.secret, token)) {
    return twirpError(401, "invalid or missing runtime token");
  }
  let body: Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse(raw.toString("utf8") || "{}");
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw new Error("not an object");
    body = parsed as Record<string, unknown>;
  } catch (error) {
    return twirpError(400, `failed to parse request json: ${(error as Error).message}`, "malformed");
  }
  const key = stringField(body, "key", "key") ?? "";
  const version = stringField(body, "version", "version") ?? "";
  if (!key) return twirpError(400, "key is required");
  if (!version) return twirpError(400, "version is required");

  switch (method as TwirpMethod) {
    case "CreateCacheEntry":
      return createEntry(key, version, ctx);
    case "FinalizeCacheEntryUpload":
      return finalizeEntry(key, version, body, ctx);
    case "GetCacheEntryDownloadURL":
      return downloadUrl(key, version, body, ctx);
  }
}

function createEntry(key: string, version: string, ctx: TwirpContext): Reply {
  if (ctx.readOnly()) {
    // GitHub answers a read-only token with HTTP 200, ok=false and a `cache write denied:` message.
    return json(200, { ok: false, signed_upload_url: "", message: WRITE_DENIED_MESSAGE });
  }
  if (ctx.store.find(key, version)) {
    // Same answer whether the existing entry is finalized or still being uploaded by "another job".
    return twirpError(409, ALREADY_EXISTS_MESSAGE);
  }
  const entry = ctx.store.create(key, version);
  return json(200, { ok: true, signed_upload_url: ctx.signedUrl(entry, "cw") });
}

function finalizeEntry(key: string, version: string, body: Record<string, unknown>, ctx: TwirpContext): Reply {
  const entry = ctx.store.find(key, version);
  if (!entry) return twirpError(404, "cache entry not found");
  if (entry.finalized) return twirpError(409, "cache entry is already finalized");
  if (!entry.data) return twirpError(412, "cache entry has no uploaded blob");
  const sizeRaw = body.size_bytes ?? body.sizeBytes;
  const size = typeof sizeRaw === "string" || typeof sizeRaw === "number" ? Number(sizeRaw) : Number.NaN;
  if (!Number.isSafeInteger(size) || size < 0) return twirpError(400, "size_bytes is required");
  if (size !== entry.data.length) {
    return twirpError(400, `size_bytes ${size} does not match the uploaded blob size ${entry.data.length}`);
  }
  entry.finalized = true;
  entry.blocks.clear();
  entry.committedBlocks.clear();
  return json(200, { ok: true, entry_id: String(entry.id) });
}

function downloadUrl(key: string, version: string, body: Record<string, unknown>, ctx: TwirpContext): Reply {
  const rawRestore = body.restore_keys ?? body.restoreKeys ?? [];
  const restoreKeys = Array.isArray(rawRestore) ? rawRestore.filter((k): k is string => typeof k === "string") : [];
  const entry = ctx.store.match(key, restoreKeys, version);
  if (!entry) return json(200, { ok: false, signed_download_url: "", matched_key: "" });
  return json(200, { ok: true, signed_download_url: ctx.signedUrl(entry, "r"), matched_key: entry.key });
}
