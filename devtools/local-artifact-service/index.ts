// A local stand-in for the GitHub Actions artifact service (artifacts v4: Twirp JSON API + Azure-style blob
// storage) that the real `@actions/artifact` client (DefaultArtifactClient) talks to over HTTP on 127.0.0.1,
// for tests. Blob storage, runtime tokens and signed URLs are the ones of devtools/local-actions-cache.
//
// Point the client at it with the variables from `service.env()`; the client reads process.env at call time
// (every uploadArtifact/listArtifacts/... call reads ACTIONS_RUNTIME_TOKEN and ACTIONS_RESULTS_URL anew).
// The client decodes ACTIONS_RUNTIME_TOKEN (no signature check) and takes the workflow run and job backend
// ids from its `scp` claim, `Actions.Results:<runId>:<jobId>`; the service verifies the token and that the
// ids in each request are the token's.
//
// What an upload looks like: CreateArtifact {workflow_run_backend_id, workflow_job_run_backend_id, name,
// mime_type, version: 7, expires_at?} -> {ok, signed_upload_url}; BlockBlobClient.uploadStream -> Put Block
// (8 MiB blocks) + Put Block List (x-ms-blob-content-type); FinalizeArtifact {name, size, hash: "sha256:.."}
// -> {ok, artifact_id}. How the real client reacts (verified in test/artifact.e2e.test.ts):
//   - a name already used in the run: HTTP 409 already_exists, not retried; uploadArtifact rejects with
//     "Failed to CreateArtifact: Received non-retryable error: Failed request: (409) Conflict: an artifact
//     with this name already exists on the workflow run".
//   - service down: ECONNREFUSED, not retried; rejects with NetworkError "Unable to make request: ECONNREFUSED".
//   - Twirp 500/502/503/504/429 are retried (5 attempts, 3 s, x1.5 backoff); other 4xx fail at once.

import { randomBytes } from "node:crypto";
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from "node:http";
import { azureError, BLOB_PREFIX, handleBlob } from "../local-actions-cache/blob.ts";
import { blobSignature, createRuntimeToken } from "../local-actions-cache/token.ts";
import { type Reply, twirpError } from "../local-actions-cache/twirp.ts";
import { listenLoopback } from "../loopback.ts";
import { type ArtifactRecord, ArtifactStore } from "./store.ts";
import { ARTIFACT_METHODS, ARTIFACT_PREFIX, type ArtifactMethod, handleArtifactTwirp } from "./twirp.ts";
import { zipEntryNames } from "./zip.ts";

export { applyEnv } from "../local-actions-cache/index.ts";
export { CONFLICT_MESSAGE, NOT_FOUND_MESSAGE } from "./twirp.ts";

export type ArtifactOperation = ArtifactMethod | "upload" | "download";

export interface StoredArtifact {
  id: number;
  name: string;
  /** Bytes of the uploaded blob (the artifact zip). */
  size: number;
  finalized: boolean;
  /** Entry names inside the uploaded zip (empty when the blob is missing or not a zip). */
  files: string[];
  /** `sha256:<hex>` the client gave at finalization. */
  digest?: string;
  /** Requested expiry (retention-days), when one was given. */
  expiresAt?: Date;
}

export interface LocalArtifactService {
  /** ACTIONS_RESULTS_URL value, e.g. "http://127.0.0.1:PORT/". */
  url: string;
  /** The variables a runner sets for the artifact client (see startLocalArtifactService). */
  env(): Record<string, string>;
  /** Artifacts of the run, in creation order (deleted ones are gone). */
  artifacts(): StoredArtifact[];
  /** Answer the next request of this operation with `status` (queued: call twice to fail twice). */
  failNext(operation: ArtifactOperation, status: number): void;
  /** Every request answered, in order. `operation` is one of ArtifactOperation, or "unknown". */
  requests: { operation: string; status: number }[];
  close(): Promise<void>;
}

const OPERATIONS: readonly ArtifactOperation[] = [...ARTIFACT_METHODS, "upload", "download"];
const MAX_BODY_BYTES = 1024 * 1024 * 1024;
const URL_LIFETIME_MS = 6 * 3600 * 1000;

/**
 * Starts the service on 127.0.0.1 (random port). `env()` returns:
 *   ACTIONS_RESULTS_URL, ACTIONS_RUNTIME_TOKEN (an HS256 JWT the service verifies, scp
 *   `Actions.Results:local-run:local-job`), GITHUB_SERVER_URL=https://github.com (any other host is
 *   treated as GHES, where the client refuses to upload).
 */
// Long on purpose: the returned service's methods close over the server and its state;
// the protocol handling itself lives in the modules beside this one.
export async function startLocalArtifactService(): Promise<LocalArtifactService> {
  const secret = randomBytes(32);
  const store = new ArtifactStore();
  const token = createRuntimeToken(secret);
  const requests: { operation: string; status: number }[] = [];
  const failures = new Map<string, number[]>();
  let baseUrl = "";

  const signedUrl = (record: ArtifactRecord, permissions: "r" | "cw"): string => {
    const se = new Date(Date.now() + URL_LIFETIME_MS).toISOString().replace(/\.\d{3}Z$/, "Z");
    const query = new URLSearchParams({ sv: "2025-11-05", sr: "b", sp: permissions, se });
    query.set("sig", blobSignature(secret, permissions, record.entry.blobId, se));
    return `${baseUrl}${BLOB_PREFIX.slice(1)}${encodeURIComponent(record.entry.blobId)}?${query.toString()}`;
  };

  const route = (req: IncomingMessage, url: URL): { operation: string; kind: "twirp" | "blob" | "none" } => {
    if (url.pathname.startsWith(ARTIFACT_PREFIX)) {
      const method = url.pathname.slice(ARTIFACT_PREFIX.length);
      return {
        operation: (ARTIFACT_METHODS as readonly string[]).includes(method) ? method : "unknown",
        kind: "twirp",
      };
    }
    if (url.pathname.startsWith(BLOB_PREFIX)) {
      return { operation: req.method === "PUT" ? "upload" : "download", kind: "blob" };
    }
    return { operation: "unknown", kind: "none" };
  };

  const blob = (req: IncomingMessage, url: URL, body: Buffer): Reply => {
    const method = req.method ?? "GET";
    const record = store.byBlobId(decodeURIComponent(url.pathname.slice(BLOB_PREFIX.length)));
    // A deleted artifact's blob is gone, even for URLs signed before the delete.
    if (!record) return azureError(req.headers, 404, "The specified blob does not exist.");
    const reply = handleBlob(method, url, req.headers, body, { store: store.blobs, secret });
    const comp = url.searchParams.get("comp");
    if (method === "PUT" && reply.status === 201 && (comp === null || comp === "blocklist")) {
      record.blobContentType = header(req.headers, "x-ms-blob-content-type");
    }
    if ((method === "GET" || method === "HEAD") && (reply.status === 200 || reply.status === 206)) {
      // Azure serves the content type stored with the blob; the client unzips only what is served as a zip.
      reply.headers["Content-Type"] = record.blobContentType ?? "application/octet-stream";
    }
    return reply;
  };

  const answer = (req: IncomingMessage, url: URL, kind: string, operation: string, body: Buffer): Reply => {
    const injected = failures.get(operation)?.shift();
    if (injected !== undefined) {
      return kind === "twirp"
        ? twirpError(injected, "injected failure")
        : azureError(req.headers, injected, "Injected failure.");
    }
    if (kind === "twirp") {
      if (req.method !== "POST") {
        return twirpError(404, `unsupported method ${req.method} (only POST is allowed)`, "bad_route");
      }
      return handleArtifactTwirp(url.pathname.slice(ARTIFACT_PREFIX.length), req.headers, body, {
        store,
        secret,
        signedUrl,
      });
    }
    if (kind === "blob") return blob(req, url, body);
    return { status: 404, headers: { "Content-Type": "text/plain" }, body: "not found" };
  };

  const onRequest = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? "/", baseUrl);
    const { operation, kind } = route(req, url);
    let reply: Reply;
    try {
      reply = answer(req, url, kind, operation, await readBody(req));
    } catch (error) {
      if (req.destroyed || req.readableAborted) {
        requests.push({ operation, status: 499 });
        return;
      }
      const message = error instanceof Error ? error.message : String(error);
      reply = kind === "blob" ? azureError(req.headers, 500, message) : twirpError(500, message);
    }
    requests.push({ operation, status: reply.status });
    const headers = { ...reply.headers };
    const payload = reply.body === undefined ? undefined : Buffer.from(reply.body);
    headers["Content-Length"] ??= String(payload?.length ?? 0);
    res.writeHead(reply.status, headers);
    res.end(reply.headOnly ? undefined : payload);
  };

  const server = await listenLoopback(onRequest);
  baseUrl = server.url;

  return {
    url: baseUrl,
    env: () => ({
      ACTIONS_RESULTS_URL: baseUrl,
      ACTIONS_RUNTIME_TOKEN: token,
      GITHUB_SERVER_URL: "https://github.com",
    }),
    artifacts: () =>
      store.all().map((a) => {
        const data = a.entry.data;
        let files: string[] = [];
        try {
          files = data ? zipEntryNames(data) : [];
        } catch {
          files = [];
        }
        return {
          id: a.id,
          name: a.name,
          size: data?.length ?? 0,
          finalized: a.entry.finalized,
          files,
          ...(a.digest ? { digest: a.digest } : {}),
          ...(a.expiresAt ? { expiresAt: a.expiresAt } : {}),
        };
      }),
    failNext(operation, status) {
      if (!OPERATIONS.includes(operation)) throw new Error(`local-artifact-service: unknown operation "${operation}"`);
      if (!Number.isInteger(status) || status < 400 || status > 599) {
        throw new Error(`local-artifact-service: failNext status must be 400-599, got ${status}`);
      }
      const queue = failures.get(operation) ?? [];
      queue.push(status);
      failures.set(operation, queue);
    },
    requests,
    close() {
      return server.close();
    },
  };
}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        req.destroy();
        reject(new Error(`request body larger than ${MAX_BODY_BYTES} bytes`));
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
