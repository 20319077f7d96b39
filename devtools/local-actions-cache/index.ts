// A local stand-in for the GitHub Actions cache service v2 (Twirp JSON API + Azure-style blob storage) that
// the real `@actions/cache` client (restoreCache / saveCache) can talk to over HTTP on 127.0.0.1, for tests.
//
// Point the client at it with the variables from `service.env()`. The client reads them at call time.
// What the real client does against it (verified in test/local-actions-cache.e2e.test.ts):
//   - duplicate key+version: HTTP 409 already_exists -> saveCache logs (info) "Failed to save: Unable to reserve
//     cache with key K, another job may be creating this cache." and returns -1 (ReserveCacheError, swallowed).
//   - read-only: HTTP 200 ok=false "cache write denied: ..." -> saveCache warns (CacheWriteDeniedError) and
//     returns -1.
//   - corrupted blob: the download succeeds, tar/zstd extraction fails -> restoreCache warns "Failed to
//     restore: ..." and returns undefined; files extracted before the failure are left on disk.

import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import type { IncomingMessage, ServerResponse } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { listenLoopback } from "../loopback.ts";
import { azureError, BLOB_PREFIX, handleBlob } from "./blob.ts";
import { EntryStore, type StoredEntry } from "./store.ts";
import { blobSignature, createRuntimeToken } from "./token.ts";
import { handleTwirp, type Reply, TWIRP_METHODS, TWIRP_PREFIX, twirpError } from "./twirp.ts";

export { ALREADY_EXISTS_MESSAGE, WRITE_DENIED_MESSAGE } from "./twirp.ts";

export interface LocalCacheOptions {
  /** CreateCacheEntry refused as for runs whose token has no writable cache scope (fork PRs, untrusted events). */
  readOnly?: boolean;
}

export type CacheOperation =
  | "CreateCacheEntry"
  | "FinalizeCacheEntryUpload"
  | "GetCacheEntryDownloadURL"
  | "upload"
  | "download";

export interface LocalCacheService {
  /** ACTIONS_RESULTS_URL value, e.g. "http://127.0.0.1:PORT/". */
  url: string;
  /** The variables a runner sets for the cache client (see startLocalCacheService). */
  env(): Record<string, string>;
  entries(): { key: string; version: string; size: number; finalized: boolean }[];
  /** Damage the stored blob of the newest entry with this key so that a restore gets bad bytes. */
  corrupt(key: string, how: "truncate" | "flip-byte"): void;
  setReadOnly(v: boolean): void;
  /** Answer the next request of this operation with `status` (queued: call twice to fail twice). */
  failNext(operation: CacheOperation, status: number): void;
  /** Every request answered, in order. `operation` is one of CacheOperation, or "unknown". */
  requests: { operation: string; status: number }[];
  close(): Promise<void>;
}

const OPERATIONS: readonly CacheOperation[] = [...TWIRP_METHODS, "upload", "download"];
const MAX_BODY_BYTES = 1024 * 1024 * 1024;
const URL_LIFETIME_MS = 6 * 3600 * 1000;

/**
 * Starts the service on 127.0.0.1 (random port). `env()` returns:
 *   ACTIONS_CACHE_SERVICE_V2=true, ACTIONS_RESULTS_URL, ACTIONS_RUNTIME_TOKEN (an HS256 JWT the service
 *   verifies), GITHUB_SERVER_URL=https://github.com (anything else is treated as GHES and forces the v1
 *   protocol), ACTIONS_CACHE_MODE=write (so an outer runner's cache mode cannot make the client skip
 *   reads or writes), RUNNER_TEMP (a directory for the client's archives, removed by close()).
 */
// Long on purpose: the returned service's methods close over the server and its state;
// the protocol handling itself lives in the modules beside this one.
export async function startLocalCacheService(options: LocalCacheOptions = {}): Promise<LocalCacheService> {
  const secret = randomBytes(32);
  const store = new EntryStore();
  const token = createRuntimeToken(secret);
  const runnerTemp = await mkdtemp(join(tmpdir(), "local-actions-cache-"));
  const requests: { operation: string; status: number }[] = [];
  const failures = new Map<string, number[]>();
  let readOnly = options.readOnly ?? false;
  let baseUrl = "";

  const signedUrl = (entry: StoredEntry, permissions: "r" | "cw"): string => {
    const se = new Date(Date.now() + URL_LIFETIME_MS).toISOString().replace(/\.\d{3}Z$/, "Z");
    const query = new URLSearchParams({ sv: "2025-11-05", sr: "b", sp: permissions, se });
    query.set("sig", blobSignature(secret, permissions, entry.blobId, se));
    return `${baseUrl}${BLOB_PREFIX.slice(1)}${encodeURIComponent(entry.blobId)}?${query.toString()}`;
  };

  const route = (req: IncomingMessage, url: URL): { operation: string; kind: "twirp" | "blob" | "none" } => {
    if (url.pathname.startsWith(TWIRP_PREFIX)) {
      const method = url.pathname.slice(TWIRP_PREFIX.length);
      return { operation: (TWIRP_METHODS as readonly string[]).includes(method) ? method : "unknown", kind: "twirp" };
    }
    if (url.pathname.startsWith(BLOB_PREFIX)) {
      return { operation: req.method === "PUT" ? "upload" : "download", kind: "blob" };
    }
    return { operation: "unknown", kind: "none" };
  };

  const answer = (req: IncomingMessage, url: URL, kind: string, operation: string, body: Buffer): Reply => {
    const injected = failures.get(operation)?.shift();
    if (injected !== undefined) {
      return kind === "twirp"
        ? twirpError(injected, "injected failure")
        : azureError(req.headers, injected, "Injected failure.");
    }
    if (kind === "twirp") {
      if (req.method !== "POST")
        return twirpError(404, `unsupported method ${req.method} (only POST is allowed)`, "bad_route");
      return handleTwirp(url.pathname.slice(TWIRP_PREFIX.length), req.headers, body, {
        store,
        secret,
        readOnly: () => readOnly,
        signedUrl,
      });
    }
    if (kind === "blob") return handleBlob(req.method ?? "GET", url, req.headers, body, { store, secret });
    return { status: 404, headers: { "Content-Type": "text/plain" }, body: "not found" };
  };

  const onRequest = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? "/", baseUrl);
    const { operation, kind } = route(req, url);
    let reply: Reply;
    try {
      const body = await readBody(req);
      reply = answer(req, url, kind, operation, body);
    } catch (error) {
      if (error instanceof BodyTooLargeError) {
        reply =
          kind === "twirp"
            ? twirpError(400, error.message, "malformed")
            : azureError(req.headers, 413, "The request body is too large.");
      } else if (req.destroyed || req.readableAborted) {
        requests.push({ operation, status: 499 });
        return;
      } else {
        reply = kind === "blob" ? azureError(req.headers, 500, String(error)) : twirpError(500, String(error));
      }
    }
    requests.push({ operation, status: reply.status });
    const headers = { ...reply.headers };
    const payload = reply.body === undefined ? undefined : Buffer.from(reply.body);
    if (payload && headers["Content-Length"] === undefined) headers["Content-Length"] = String(payload.length);
    if (!payload && headers["Content-Length"] === undefined) headers["Content-Length"] = "0";
    res.writeHead(reply.status, headers);
    res.end(reply.headOnly ? undefined : payload);
  };

  const server = await listenLoopback(onRequest);
  baseUrl = server.url;

  return {
    url: baseUrl,
    env: () => ({
      ACTIONS_CACHE_SERVICE_V2: "true",
      ACTIONS_RESULTS_URL: baseUrl,
      ACTIONS_RUNTIME_TOKEN: token,
      ACTIONS_CACHE_MODE: "write",
      GITHUB_SERVER_URL: "https://github.com",
      RUNNER_TEMP: runnerTemp,
    }),
    entries: () =>
      store.all().map((e) => ({ key: e.key, version: e.version, size: e.data?.length ?? 0, finalized: e.finalized })),
    corrupt(key, how) {
      const withData = store.all().filter((e) => e.key === key && e.data !== undefined && e.data.length > 0);
      const target = withData.reduce<StoredEntry | undefined>(
        (a, b) =>
          a === undefined || (b.finalized && !a.finalized) || (b.finalized === a.finalized && b.created > a.created)
            ? b
            : a,
        undefined,
      );
      if (!target?.data) throw new Error(`local-actions-cache: no stored blob for key "${key}"`);
      const data = Buffer.from(target.data);
      if (how === "truncate") {
        store.setData(target, data.subarray(0, Math.floor(data.length / 2)));
      } else {
        const index = Math.floor(data.length / 2);
        data[index] = (data[index] ?? 0) ^ 0xff;
        store.setData(target, data);
      }
    },
    setReadOnly(v) {
      readOnly = v;
    },
    failNext(operation, status) {
      if (!OPERATIONS.includes(operation)) throw new Error(`local-actions-cache: unknown operation "${operation}"`);
      if (!Number.isInteger(status) || status < 400 || status > 599) {
        throw new Error(`local-actions-cache: failNext status must be 400-599, got ${status}`);
      }
      const queue = failures.get(operation) ?? [];
      queue.push(status);
      failures.set(operation, queue);
    },
    requests,
    async close() {
      await server.close();
      await rm(runnerTemp, { recursive: true, force: true });
    },
  };
}

/**
 * Sets the variables on process.env and returns a function that puts the previous values back
 * (deleting the ones that were unset). `@actions/cache` reads process.env at call time.
 */
export function applyEnv(vars: Record<string, string | undefined>): () => void {
  const previous = new Map<string, string | undefined>();
  for (const [name, value] of Object.entries(vars)) {
    if (!previous.has(name)) previous.set(name, process.env[name]);
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  return () => {
    for (const [name, value] of previous) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  };
}

class BodyTooLargeError extends Error {}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        req.removeAllListeners("data");
        req.resume();
        reject(new BodyTooLargeError(`request body larger than ${MAX_BODY_BYTES} bytes`));
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
    req.on("close", () => {
      if (!req.complete) reject(new Error("request aborted"));
    });
  });
}
