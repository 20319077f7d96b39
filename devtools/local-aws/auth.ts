// Authentication per service: which payload hash is signed, how S3 bodies are framed, and the
// error each service answers a failed check with.
import type { IncomingHttpHeaders } from "node:http";
import {
  AuthFailure,
  type CredentialScope,
  type Credentials,
  decodeAwsChunked,
  sha256Hex,
  unsignedAmzHeaders,
  verifySignature,
} from "./sigv4.ts";
import { ApiError, type Service } from "./types.ts";

const STREAMING_MODES = new Set([
  "STREAMING-UNSIGNED-PAYLOAD-TRAILER",
  "STREAMING-AWS4-HMAC-SHA256-PAYLOAD",
  "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER",
]);

export interface IncomingSigned {
  method: string;
  rawPath: string;
  query: [string, string][];
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface Authenticated {
  body: Buffer;
  /** Request headers, plus any aws-chunked trailers (x-amz-checksum-*). */
  headers: IncomingHttpHeaders;
}

export function authenticate(
  service: Service,
  scope: CredentialScope | undefined,
  request: IncomingSigned,
  credentials: Credentials[],
  now: number,
): Authenticated {
  if (scope === undefined) throw new AuthFailure("missing", "Missing Authentication Token");
  if (scope.service !== service) {
    throw new AuthFailure("malformed", `Credential should be scoped to correct service: '${service}'.`);
  }
  const claimed = request.headers["x-amz-content-sha256"];
  const claimedHash = Array.isArray(claimed) ? claimed.join(",") : claimed;
  if (service !== "s3") {
    // Lambda (and CloudWatch) hash the body itself: a header that disagrees can only mean a signature over other bytes.
    const actual = sha256Hex(request.body);
    if (claimedHash !== undefined && claimedHash !== actual) {
      throw new AuthFailure("bad-signature", "x-amz-content-sha256 does not match the body");
    }
    verifySignature({ ...request, payloadHash: actual }, scope, credentials, now);
    return { body: request.body, headers: request.headers };
  }
  if (claimedHash === undefined) {
    throw new AuthFailure("missing-content-sha256", "Missing required header for this request: x-amz-content-sha256");
  }
  const unsigned = unsignedAmzHeaders(request.headers, scope.signedHeaders);
  if (unsigned.length > 0) {
    throw new AuthFailure(
      "unsigned-headers",
      "There were headers present in the request which were not signed",
      unsigned.join(", "),
    );
  }
  const verified = verifySignature({ ...request, payloadHash: claimedHash }, scope, credentials, now);
  if (/^[0-9a-f]{64}$/.test(claimedHash)) {
    if (sha256Hex(request.body) !== claimedHash) {
      throw new AuthFailure(
        "hash-mismatch",
        "The provided 'x-amz-content-sha256' header does not match what was computed.",
      );
    }
    return { body: request.body, headers: request.headers };
  }
  if (claimedHash === "UNSIGNED-PAYLOAD") return { body: request.body, headers: request.headers };
  if (!STREAMING_MODES.has(claimedHash)) {
    throw new AuthFailure(
      "bad-content-sha256",
      "x-amz-content-sha256 must be UNSIGNED-PAYLOAD, STREAMING-UNSIGNED-PAYLOAD-TRAILER, STREAMING-AWS4-HMAC-SHA256-PAYLOAD, STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER or a valid sha256 value.",
    );
  }
  const signedChunks = claimedHash.startsWith("STREAMING-AWS4-HMAC-SHA256-PAYLOAD");
  const decoded = decodeAwsChunked(request.body, signedChunks ? verified : undefined);
  if (claimedHash === "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER" && !decoded.trailerSigned) {
    throw new AuthFailure("bad-signature", "trailer signature missing");
  }
  const declaredLength = request.headers["x-amz-decoded-content-length"];
  if (declaredLength !== undefined && Number(declaredLength) !== decoded.data.length) {
    throw new AuthFailure("incomplete-body", "x-amz-decoded-content-length does not match the decoded body");
  }
  const declaredTrailers = String(request.headers["x-amz-trailer"] ?? "")
    .split(",")
    .map((t) => t.trim().toLowerCase())
    .filter((t) => t !== "");
  const missing = declaredTrailers.filter((t) => decoded.trailers[t] === undefined);
  if (missing.length > 0) throw new AuthFailure("incomplete-body", `missing trailer ${missing.join(", ")}`);
  return { body: decoded.data, headers: { ...request.headers, ...decoded.trailers } };
}

/** The answer AWS gives for a refused request, per service. */
export function authError(service: Service, failure: AuthFailure): ApiError {
  if (service !== "s3") {
    switch (failure.kind) {
      case "missing":
        return new ApiError(403, "MissingAuthenticationTokenException", "Missing Authentication Token");
      case "unknown-key":
        return new ApiError(
          403,
          "UnrecognizedClientException",
          "The security token included in the request is invalid.",
        );
      case "bad-signature":
        return new ApiError(
          403,
          "InvalidSignatureException",
          "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.",
        );
      case "expired":
        return new ApiError(403, "InvalidSignatureException", failure.message);
      default:
        return new ApiError(400, "IncompleteSignatureException", failure.message);
    }
  }
  switch (failure.kind) {
    case "missing":
      return new ApiError(403, "AccessDenied", "Access Denied");
    case "unknown-key":
      return new ApiError(
        403,
        "InvalidAccessKeyId",
        "The AWS Access Key Id you provided does not exist in our records.",
      );
    case "bad-signature":
      return new ApiError(
        403,
        "SignatureDoesNotMatch",
        "The request signature we calculated does not match the signature you provided. Check your key and signing method.",
      );
    case "expired":
      return new ApiError(
        403,
        "RequestTimeTooSkewed",
        "The difference between the request time and the current time is too large.",
      );
    case "hash-mismatch":
      return new ApiError(400, "XAmzContentSHA256Mismatch", failure.message);
    case "missing-content-sha256":
      return new ApiError(400, "InvalidRequest", failure.message);
    case "bad-content-sha256":
      return new ApiError(400, "InvalidArgument", failure.message);
    case "incomplete-body":
      return new ApiError(
        400,
        "IncompleteBody",
        "You did not provide the number of bytes specified by the Content-Length HTTP header",
      );
    case "unsigned-headers":
      return new ApiError(403, "AccessDenied", failure.message, { fields: { HeadersNotSigned: failure.detail ?? "" } });
    case "malformed":
      return new ApiError(
        400,
        "AuthorizationHeaderMalformed",
        `The authorization header is malformed; ${failure.message}`,
      );
  }
}
