// The HTTP front: one server for both services, told apart by the SigV4 credential scope.
// Order per request: record → read body (size limit) → injected fault → authenticate → service.
import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { authError, authenticate } from "./auth.ts";
import { type CloudWatchStore, cloudWatchOperation, handleCloudWatch } from "./cloudwatch.ts";
import { type FaultQueue, faultError } from "./faults.ts";
import { handleLambda, LAMBDA_MAX_BODY, lambdaOperation } from "./lambda.ts";
import { invoke } from "./lambda-invoke.ts";
import type { LambdaStore } from "./lambda-store.ts";
import { handleS3, s3Operation } from "./s3.ts";
import type { S3Store } from "./s3-store.ts";
import { AuthFailure, type CredentialScope, type Credentials, parseAuthorization, parseQuery } from "./sigv4.ts";
import { ApiError, type RecordedCall, type Service, type ServiceResponse } from "./types.ts";
import { escapeXml } from "./xml.ts";

/** Bodies are held in memory; larger S3 uploads should go multipart. */
const S3_MAX_BODY = 1024 * 1024 * 1024;
const CAPITAL_MESSAGE = new Set(["ResourceNotFoundException", "ServiceException"]);

export interface ServerState {
  credentials: Credentials[];
  accountId: string;
  lambda: LambdaStore;
  s3: S3Store;
  cloudwatch: CloudWatchStore;
  faults: FaultQueue;
  calls: RecordedCall[];
}

export interface RunningServer {
  endpoint: string;
  close(): Promise<void>;
}

export async function startServer(state: ServerState): Promise<RunningServer> {
  const sockets = new Set<Socket>();
  const sleepers = new Set<() => void>();
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        sleepers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      sleepers.add(wake);
    });
  const server = createServer(
    { requestTimeout: 120_000, headersTimeout: 30_000, keepAliveTimeout: 5_000 },
    (req, res) => {
      handle(state, req, res, sleep).catch(() => {
        if (!res.headersSent) res.destroy();
      });
    },
  );
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const wake of [...sleepers]) wake();
        server.close(() => resolve());
        server.closeAllConnections();
        for (const socket of sockets) socket.destroy();
      }),
  };
}

async function handle(
  state: ServerState,
  req: IncomingMessage,
  res: ServerResponse,
  sleep: (ms: number) => Promise<void>,
): Promise<void> {
  const method = req.method ?? "GET";
  const url = req.url ?? "/";
  const queryStart = url.indexOf("?");
  const rawPath = queryStart < 0 ? url : url.slice(0, queryStart);
  const query = parseQuery(queryStart < 0 ? "" : url.slice(queryStart + 1));
  let scope: CredentialScope | undefined;
  let malformed: AuthFailure | undefined;
  try {
    scope = parseAuthorization(req.headers.authorization);
  } catch (error) {
    malformed = error as AuthFailure;
  }
  const service: Service =
    scope?.service === "lambda" || scope?.service === "s3" || scope?.service === "monitoring"
      ? scope.service
      : /^\/20(15-03-31|18-10-31)\//.test(rawPath)
        ? "lambda"
        : req.headers["x-amz-target"]
          ? "monitoring"
          : "s3";
  const operation =
    service === "lambda"
      ? lambdaOperation(method, rawPath, query)
      : service === "monitoring"
        ? cloudWatchOperation(req.headers)
        : s3Operation(method, rawPath, query);
  const call: RecordedCall = { service, operation, region: scope?.region ?? "", status: 0 };
  state.calls.push(call);
  const send = (response: ServiceResponse) => {
    call.status = response.status;
    write(res, method, service, response);
  };
  const body = await readBody(req, service === "s3" ? S3_MAX_BODY : LAMBDA_MAX_BODY);
  if (body === undefined) {
    const error =
      service === "lambda"
        ? new ApiError(
            413,
            "RequestEntityTooLargeException",
            `Request must be smaller than ${LAMBDA_MAX_BODY} bytes for the ${operation} operation`,
          )
        : new ApiError(400, "EntityTooLarge", "Your proposed upload exceeds the maximum allowed size");
    send(renderError(service, method, error));
    return;
  }
  const fault = state.faults.take(service, operation);
  if (fault?.kind === "reset") {
    req.socket.destroy();
    return;
  }
  if (fault?.kind === "slow") await sleep(fault.delayMs ?? 0);
  else if (fault) {
    send(renderError(service, method, faultError(service, fault)));
    return;
  }
  try {
    if (malformed) throw malformed;
    const authenticated = authenticate(
      service,
      scope,
      { method, rawPath, query, headers: req.headers, body },
      state.credentials,
      Date.now(),
    );
    const request = { method, rawPath, query, region: scope?.region ?? "", operation, ...authenticated };
    if (service === "lambda" && operation === "Invoke") {
      const name = /^\/2015-03-31\/functions\/([^/]+)\/invocations\/?$/.exec(rawPath)?.[1] ?? "";
      send(
        await invoke(state.lambda, request.region, decodeURIComponent(name), new Map(query), req.headers, request.body),
      );
    } else if (service === "monitoring") send(handleCloudWatch(request, state.cloudwatch, state.lambda));
    else
      send(service === "lambda" ? handleLambda(request, state.lambda) : handleS3(request, state.s3, state.accountId));
  } catch (error) {
    const apiError =
      error instanceof ApiError
        ? error
        : error instanceof AuthFailure
          ? authError(service, error)
          : service !== "s3"
            ? new ApiError(500, "ServiceException", `local-aws internal error: ${String(error)}`)
            : new ApiError(500, "InternalError", `local-aws internal error: ${String(error)}`);
    send(renderError(service, method, apiError));
  }
}

/** The whole body, or undefined when it exceeds `limit` (the rest is drained so the client sees the answer). */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
      else chunks.length = 0;
    });
    req.on("end", () => resolve(size > limit ? undefined : Buffer.concat(chunks)));
    req.on("error", reject);
    req.on("close", () => {
      if (!req.complete) reject(new Error("request aborted"));
    });
  });
}

function renderError(service: Service, method: string, error: ApiError): ServiceResponse {
  const headers = { ...error.extra.headers };
  const fields = error.extra.fields ?? {};
  if (service === "monitoring") {
    return {
      status: error.status,
      headers: { "content-type": "application/x-amz-json-1.0", ...headers },
      body: JSON.stringify({ __type: `com.amazonaws.cloudwatch#${error.code}`, message: error.message }),
    };
  }
  if (service === "lambda") {
    const messageKey = CAPITAL_MESSAGE.has(error.code) ? "Message" : "message";
    return {
      status: error.status,
      headers: { "content-type": "application/json", "x-amzn-ErrorType": error.code, ...headers },
      body: JSON.stringify({ Type: error.status >= 500 ? "Service" : "User", [messageKey]: error.message, ...fields }),
    };
  }
  const extra = Object.entries(fields)
    .map(([name, value]) => `<${name}>${escapeXml(value)}</${name}>`)
    .join("");
  return {
    status: error.status,
    headers: { "content-type": "application/xml", ...headers },
    body:
      method === "HEAD"
        ? undefined
        : `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${error.code}</Code><Message>${escapeXml(error.message)}</Message>${extra}<RequestId>${randomUUID()}</RequestId></Error>`,
  };
}

function write(res: ServerResponse, method: string, service: Service, response: ServiceResponse): void {
  if (res.headersSent || res.destroyed) return;
  const requestId = randomUUID();
  const headers: Record<string, string> =
    service !== "s3" ? { "x-amzn-RequestId": requestId } : { "x-amz-request-id": requestId, "x-amz-id-2": requestId };
  Object.assign(headers, response.headers);
  const body = typeof response.body === "string" ? Buffer.from(response.body) : response.body;
  const hasLength = Object.keys(headers).some((name) => name.toLowerCase() === "content-length");
  if (!hasLength) headers["content-length"] = String(method === "HEAD" ? 0 : (body?.length ?? 0));
  res.writeHead(response.status, headers);
  res.end(method === "HEAD" ? undefined : body);
}
