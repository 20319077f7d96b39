// The subset of the Azure Blob REST API that @actions/cache uses against a signed URL:
//   upload (BlockBlobClient.uploadFile): Put Blob, or Put Block (?comp=block&blockid=...) + Put Block List
//   download: Get Blob (plain GET, optionally Range / x-ms-range) and Get Blob Properties (HEAD).
// URLs are path-style, as the SDK expects for IP hosts: /<account>/<container>/<blob>?sp=..&se=..&sig=..

import { randomUUID } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";
import type { EntryStore, StoredEntry } from "./store.ts";
import { checkBlobSignature } from "./token.ts";
import type { Reply } from "./twirp.ts";

export const BLOB_PREFIX = "/blob/actionscache/";
const API_VERSION = "2025-11-05";

const AZURE_CODES: Record<number, string> = {
  400: "InvalidInput",
  403: "AuthenticationFailed",
  404: "BlobNotFound",
  409: "OperationNotAllowedInCurrentState",
  412: "ConditionNotMet",
  413: "RequestBodyTooLarge",
  416: "InvalidRange",
  500: "InternalError",
  503: "ServerBusy",
};

export interface BlobContext {
  store: EntryStore;
  secret: Buffer;
}

/** Headers every Azure Storage response carries. */
export function azureHeaders(request: IncomingHttpHeaders): Record<string, string> {
  const headers: Record<string, string> = {
    "x-ms-request-id": randomUUID(),
    "x-ms-version": typeof request["x-ms-version"] === "string" ? request["x-ms-version"] : API_VERSION,
    Date: new Date().toUTCString(),
    Server: "Windows-Azure-Blob/1.0 Microsoft-HTTPAPI/2.0",
  };
  const clientRequestId = request["x-ms-client-request-id"];
  if (typeof clientRequestId === "string") headers["x-ms-client-request-id"] = clientRequestId;
  return headers;
}

export function azureError(
  request: IncomingHttpHeaders,
  status: number,
  message: string,
  code = AZURE_CODES[status] ?? "InternalError",
  extra: Record<string, string> = {},
): Reply {
  const headers = azureHeaders(request);
  const body =
    `<?xml version="1.0" encoding="utf-8"?><Error><Code>${code}</Code><Message>${escapeXml(message)}\n` +
    `RequestId:${headers["x-ms-request-id"]}\nTime:${new Date().toISOString()}</Message></Error>`;
  return {
    status,
    headers: { ...headers, ...extra, "Content-Type": "application/xml", "x-ms-error-code": code },
    body,
  };
}

function escapeXml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

export function handleBlob(
  method: string,
  url: URL,
  headers: IncomingHttpHeaders,
  body: Buffer,
  ctx: BlobContext,
): Reply {
  const blobId = decodeURIComponent(url.pathname.slice(BLOB_PREFIX.length));
  const write = method === "PUT";
  if (!write && method !== "GET" && method !== "HEAD") {
    return azureError(headers, 405, "The resource doesn't support the specified HTTP verb.", "UnsupportedHttpVerb");
  }
  if (!checkBlobSignature(ctx.secret, url.searchParams, blobId, write ? "w" : "r")) {
    return azureError(
      headers,
      403,
      "Server failed to authenticate the request. Make sure the value of Authorization header is formed correctly including the signature.",
    );
  }
  const entry = ctx.store.byBlobId(blobId);
  if (!entry) return azureError(headers, 404, "The specified blob does not exist.");
  return write ? putBlob(entry, url.searchParams, headers, body, ctx) : getBlob(entry, method, headers);
}

function created(entry: StoredEntry, headers: IncomingHttpHeaders, extra: Record<string, string> = {}): Reply {
  return {
    status: 201,
    headers: {
      ...azureHeaders(headers),
      ETag: entry.etag,
      "Last-Modified": entry.lastModified.toUTCString(),
      "x-ms-request-server-encrypted": "true",
      "Content-Length": "0",
      ...extra,
    },
  };
}

function putBlob(
  entry: StoredEntry,
  params: URLSearchParams,
  headers: IncomingHttpHeaders,
  body: Buffer,
  ctx: BlobContext,
): Reply {
  if (entry.finalized) {
    // The service stops honouring upload URLs once the entry is finalized: cache entries are immutable.
    return azureError(
      headers,
      403,
      "This request is not authorized to perform this operation.",
      "AuthorizationFailure",
    );
  }
  const comp = params.get("comp");
  if (comp === "block") {
    const blockId = params.get("blockid");
    if (!blockId) return azureError(headers, 400, "An HTTP header that's mandatory for this request is not specified.");
    entry.blocks.set(blockId, Buffer.from(body));
    return {
      status: 201,
      headers: { ...azureHeaders(headers), "x-ms-request-server-encrypted": "true", "Content-Length": "0" },
    };
  }
  if (comp === "blocklist") {
    const parts: Buffer[] = [];
    const ids: [string, Buffer][] = [];
    const xml = body.toString("utf8");
    for (const match of xml.matchAll(/<(Latest|Committed|Uncommitted)>([^<]*)<\/\1>/g)) {
      const [, kind, id = ""] = match;
      const fromUncommitted = kind !== "Committed" ? entry.blocks.get(id) : undefined;
      const fromCommitted = kind !== "Uncommitted" ? entry.committedBlocks.get(id) : undefined;
      const block = fromUncommitted ?? fromCommitted;
      if (!block) return azureError(headers, 400, "The specified block list is invalid.", "InvalidBlockList");
      parts.push(block);
      ids.push([id, block]);
    }
    if (!/<BlockList>/.test(xml))
      return azureError(headers, 400, "The XML specified is not syntactically valid.", "InvalidXmlDocument");
    ctx.store.setData(entry, Buffer.concat(parts));
    entry.blocks.clear();
    entry.committedBlocks = new Map(ids);
    return created(entry, headers);
  }
  if (comp !== null)
    return azureError(headers, 400, `Unsupported query parameter comp=${comp}.`, "UnsupportedQueryParameter");
  const blobType = headers["x-ms-blob-type"];
  if (blobType !== "BlockBlob") {
    return azureError(
      headers,
      400,
      "An HTTP header that's mandatory for this request is not specified.",
      blobType ? "InvalidHeaderValue" : "MissingRequiredHeader",
    );
  }
  ctx.store.setData(entry, Buffer.from(body));
  entry.blocks.clear();
  entry.committedBlocks.clear();
  return created(entry, headers);
}

/** Parses `bytes=a-b`, `bytes=a-` or `bytes=-n`; undefined when absent, "invalid" when unsatisfiable. */
function parseRange(value: string | undefined, size: number): { start: number; end: number } | "invalid" | undefined {
  if (!value) return undefined;
  const m = /^bytes=(\d*)-(\d*)$/.exec(value.trim());
  if (!m || (m[1] === "" && m[2] === "")) return "invalid";
  if (m[1] === "") {
    const suffix = Number(m[2]);
    if (suffix === 0 || size === 0) return "invalid";
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(m[1]);
  const end = m[2] === "" ? size - 1 : Math.min(Number(m[2]), size - 1);
  if (start >= size || end < start) return "invalid";
  return { start, end };
}

function getBlob(entry: StoredEntry, method: string, headers: IncomingHttpHeaders): Reply {
  const data = entry.finalized ? entry.data : undefined;
  if (!data) return azureError(headers, 404, "The specified blob does not exist.");
  const rangeHeader = headers["x-ms-range"] ?? headers.range;
  const range = parseRange(Array.isArray(rangeHeader) ? rangeHeader[0] : rangeHeader, data.length);
  if (range === "invalid") {
    return azureError(headers, 416, "The range specified is invalid for the current size of the resource.", undefined, {
      "Content-Range": `bytes */${data.length}`,
    });
  }
  const slice = range ? data.subarray(range.start, range.end + 1) : data;
  const reply: Reply = {
    status: range ? 206 : 200,
    headers: {
      ...azureHeaders(headers),
      "Content-Type": "application/octet-stream",
      "Content-Length": String(slice.length),
      ETag: entry.etag,
      "Last-Modified": entry.lastModified.toUTCString(),
      "Accept-Ranges": "bytes",
      "x-ms-blob-type": "BlockBlob",
      "x-ms-creation-time": entry.createdAt.toUTCString(),
      "x-ms-lease-state": "available",
      "x-ms-lease-status": "unlocked",
      "x-ms-server-encrypted": "true",
      "x-ms-access-tier": "Hot",
      "x-ms-access-tier-inferred": "true",
    },
    body: slice,
    headOnly: method === "HEAD",
  };
  if (range) reply.headers["Content-Range"] = `bytes ${range.start}-${range.end}/${data.length}`;
  return reply;
}
