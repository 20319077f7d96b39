// Server-side AWS Signature Version 4: rebuilds the canonical request from what arrived on the wire
// and compares signatures, as the services do. Also decodes aws-chunked (streaming) S3 bodies.
import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
}

export interface CredentialScope {
  accessKeyId: string;
  date: string;
  region: string;
  service: string;
  signedHeaders: string[];
  signature: string;
}

export type AuthFailureKind =
  | "missing"
  | "malformed"
  | "unknown-key"
  | "bad-signature"
  | "expired"
  | "hash-mismatch"
  | "missing-content-sha256"
  | "bad-content-sha256"
  | "incomplete-body"
  | "unsigned-headers";

export class AuthFailure extends Error {
  constructor(
    readonly kind: AuthFailureKind,
    message: string,
    readonly detail?: string,
  ) {
    super(message);
  }
}

const ALGORITHM = "AWS4-HMAC-SHA256";
const EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
const MAX_SKEW_MS = 15 * 60 * 1000;
const AUTHORIZATION_PATTERN =
  /^AWS4-HMAC-SHA256\s+Credential=([^/,\s]+)\/(\d{8})\/([^/,\s]+)\/([^/,\s]+)\/aws4_request,\s*SignedHeaders=([a-z0-9;_.-]+),\s*Signature=([0-9a-f]{64})$/;

/** The credential scope, or undefined when there is no Authorization header; throws when malformed. */
export function parseAuthorization(header: string | undefined): CredentialScope | undefined {
  if (header === undefined || header === "") return undefined;
  const match = AUTHORIZATION_PATTERN.exec(header.trim());
  if (!match) {
    throw new AuthFailure("malformed", `Authorization header is not a valid ${ALGORITHM} header: ${header}`);
  }
  const [, accessKeyId, date, region, service, signedHeaders, signature] = match as unknown as string[];
  return {
    accessKeyId: accessKeyId!,
    date: date!,
    region: region!,
    service: service!,
    signedHeaders: signedHeaders!.split(";"),
    signature: signature!,
  };
}

/** encodeURIComponent plus the characters RFC 3986 reserves, as the SDK's escapeUri does. */
export function escapeUri(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

export function sha256Hex(data: Buffer | string): string {
  return createHash("sha256").update(data).digest("hex");
}

function hmac(key: Buffer | string, data: string): Buffer {
  return createHmac("sha256", key).update(data).digest();
}

export function signingKey(secret: string, date: string, region: string, service: string): Buffer {
  return hmac(hmac(hmac(hmac(`AWS4${secret}`, date), region), service), "aws4_request");
}

/** Decoded query pairs in wire order; a key without "=" has the empty value, as AWS reads it. */
export function parseQuery(rawQuery: string): [string, string][] {
  if (rawQuery === "") return [];
  return rawQuery
    .split("&")
    .filter((part) => part !== "")
    .map((part) => {
      const eq = part.indexOf("=");
      const key = eq < 0 ? part : part.slice(0, eq);
      const value = eq < 0 ? "" : part.slice(eq + 1);
      return [safeDecode(key), safeDecode(value)];
    });
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

function canonicalPath(rawPath: string, service: string): string {
  // S3 signs the path exactly as sent; every other service signs the normalized path encoded once more.
  if (service === "s3") return rawPath;
  const segments: string[] = [];
  for (const segment of rawPath.split("/")) {
    if (segment === "" || segment === ".") continue;
    if (segment === "..") segments.pop();
    else segments.push(segment);
  }
  const trailing = segments.length > 0 && rawPath.endsWith("/") ? "/" : "";
  return escapeUri(`/${segments.join("/")}${trailing}`).replace(/%2F/g, "/");
}

function canonicalQuery(query: [string, string][]): string {
  return query
    .filter(([key]) => key.toLowerCase() !== "x-amz-signature")
    .map(([key, value]) => [escapeUri(key), escapeUri(value)] as const)
    .sort(([ak, av], [bk, bv]) => (ak === bk ? (av < bv ? -1 : av > bv ? 1 : 0) : ak < bk ? -1 : 1))
    .map(([key, value]) => `${key}=${value}`)
    .join("&");
}

function headerValue(headers: IncomingHttpHeaders, name: string): string {
  const value = headers[name];
  const joined = Array.isArray(value) ? value.join(",") : (value ?? "");
  return joined
    .replace(/[\r\n]/g, " ")
    .replace(/[ \t]+/g, " ")
    .trim();
}

export interface SignedRequest {
  method: string;
  rawPath: string;
  query: [string, string][];
  headers: IncomingHttpHeaders;
  payloadHash: string;
}

export interface VerifiedRequest {
  scope: CredentialScope;
  amzDate: string;
  signature: string;
  key: Buffer;
}

/** Verifies the header signature of a request; throws AuthFailure when AWS would refuse it. */
export function verifySignature(
  request: SignedRequest,
  scope: CredentialScope,
  credentials: Credentials[],
  now: number,
): VerifiedRequest {
  const credential = credentials.find((c) => c.accessKeyId === scope.accessKeyId);
  if (!credential) throw new AuthFailure("unknown-key", `unknown access key id ${scope.accessKeyId}`);
  const amzDate = headerValue(request.headers, "x-amz-date");
  if (!/^\d{8}T\d{6}Z$/.test(amzDate)) {
    throw new AuthFailure("malformed", "AWS authentication requires a valid x-amz-date header");
  }
  if (!scope.signedHeaders.includes("host")) {
    throw new AuthFailure("malformed", "the host header must be signed");
  }
  if (amzDate.slice(0, 8) !== scope.date) {
    throw new AuthFailure("malformed", `credential date ${scope.date} does not match x-amz-date ${amzDate}`);
  }
  const signedAt = Date.UTC(
    Number(amzDate.slice(0, 4)),
    Number(amzDate.slice(4, 6)) - 1,
    Number(amzDate.slice(6, 8)),
    Number(amzDate.slice(9, 11)),
    Number(amzDate.slice(11, 13)),
    Number(amzDate.slice(13, 15)),
  );
  if (Math.abs(now - signedAt) > MAX_SKEW_MS) {
    throw new AuthFailure("expired", `Signature expired: ${amzDate} is outside 15 minutes of the server time`);
  }
  const canonicalRequest = [
    request.method,
    canonicalPath(request.rawPath, scope.service),
    canonicalQuery(request.query),
    ...scope.signedHeaders.map((name) => `${name}:${headerValue(request.headers, name)}`),
    "",
    scope.signedHeaders.join(";"),
    request.payloadHash,
  ].join("\n");
  const credentialScope = `${scope.date}/${scope.region}/${scope.service}/aws4_request`;
  const stringToSign = [ALGORITHM, amzDate, credentialScope, sha256Hex(canonicalRequest)].join("\n");
  const key = signingKey(credential.secretAccessKey, scope.date, scope.region, scope.service);
  const expected = hmac(key, stringToSign).toString("hex");
  if (!sameHex(expected, scope.signature)) {
    throw new AuthFailure("bad-signature", "signature mismatch", canonicalRequest);
  }
  return { scope, amzDate, signature: scope.signature, key };
}

function sameHex(a: string, b: string): boolean {
  return a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));
}

/** S3 rule: every x-amz-* header present must be signed. */
export function unsignedAmzHeaders(headers: IncomingHttpHeaders, signed: string[]): string[] {
  return Object.keys(headers).filter((name) => name.startsWith("x-amz-") && !signed.includes(name));
}

export interface DecodedChunks {
  data: Buffer;
  trailers: Record<string, string>;
  trailerSigned: boolean;
}

/**
 * Decodes an aws-chunked body. With `verify`, each chunk signature (and the trailer signature)
 * is checked against the seed signature as S3 does for STREAMING-AWS4-HMAC-SHA256-PAYLOAD[-TRAILER].
 */
export function decodeAwsChunked(body: Buffer, verify?: VerifiedRequest): DecodedChunks {
  const chunks: Buffer[] = [];
  const trailers: Record<string, string> = {};
  let previous = verify?.signature ?? "";
  const scope = verify ? `${verify.scope.date}/${verify.scope.region}/${verify.scope.service}/aws4_request` : "";
  let at = 0;
  for (;;) {
    const lineEnd = body.indexOf("\r\n", at);
    if (lineEnd < 0) throw new AuthFailure("incomplete-body", "aws-chunked body: missing chunk header");
    const header = body.toString("latin1", at, lineEnd);
    const [sizeText, ...extensions] = header.split(";");
    const size = Number.parseInt(sizeText ?? "", 16);
    if (!Number.isFinite(size) || size < 0)
      throw new AuthFailure("incomplete-body", `aws-chunked body: bad size ${header}`);
    const data = body.subarray(lineEnd + 2, lineEnd + 2 + size);
    if (data.length !== size) throw new AuthFailure("incomplete-body", "aws-chunked body: truncated chunk");
    if (verify) {
      const signature = extensions.find((e) => e.startsWith("chunk-signature="))?.slice("chunk-signature=".length);
      const stringToSign = [
        "AWS4-HMAC-SHA256-PAYLOAD",
        verify.amzDate,
        scope,
        previous,
        EMPTY_SHA256,
        sha256Hex(data),
      ].join("\n");
      const expected = hmac(verify.key, stringToSign).toString("hex");
      if (signature === undefined || !sameHex(expected, signature)) {
        throw new AuthFailure("bad-signature", "chunk signature mismatch");
      }
      previous = expected;
    }
    at = lineEnd + 2 + size;
    if (size === 0) break;
    if (body.toString("latin1", at, at + 2) !== "\r\n")
      throw new AuthFailure("incomplete-body", "aws-chunked body: no CRLF");
    at += 2;
    chunks.push(data);
  }
  let trailerText = "";
  let trailerSignature: string | undefined;
  for (;;) {
    const lineEnd = body.indexOf("\r\n", at);
    if (lineEnd < 0) break;
    const line = body.toString("latin1", at, lineEnd);
    at = lineEnd + 2;
    if (line === "") break;
    const colon = line.indexOf(":");
    if (colon < 0) throw new AuthFailure("incomplete-body", `aws-chunked body: bad trailer ${line}`);
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (name === "x-amz-trailer-signature") trailerSignature = value;
    else {
      trailers[name] = value;
      trailerText += `${name}:${value}\n`;
    }
  }
  if (verify && trailerSignature !== undefined) {
    const stringToSign = ["AWS4-HMAC-SHA256-TRAILER", verify.amzDate, scope, previous, sha256Hex(trailerText)].join(
      "\n",
    );
    if (!sameHex(hmac(verify.key, stringToSign).toString("hex"), trailerSignature)) {
      throw new AuthFailure("bad-signature", "trailer signature mismatch");
    }
  }
  return { data: Buffer.concat(chunks), trailers, trailerSigned: trailerSignature !== undefined };
}
