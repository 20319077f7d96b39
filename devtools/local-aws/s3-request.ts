// Request helpers shared by the S3 handlers.
import { CHECKSUM_ALGORITHMS } from "./s3-store.ts";
import { ApiError, type ServiceRequest, type ServiceResponse } from "./types.ts";
import { xmlDocument } from "./xml.ts";

export function requestHeader(request: ServiceRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value.join(",") : value;
}

/** Content-MD5 and x-amz-checksum-* values, from headers or aws-chunked trailers. */
export function checksumInputs(request: ServiceRequest): Record<string, string | undefined> {
  const inputs: Record<string, string | undefined> = { "content-md5": requestHeader(request, "content-md5") };
  for (const algorithm of CHECKSUM_ALGORITHMS) {
    const name = `x-amz-checksum-${algorithm.toLowerCase()}`;
    inputs[name] = requestHeader(request, name);
  }
  return inputs;
}

export function userMetadata(request: ServiceRequest): Record<string, string> {
  const metadata: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (name.startsWith("x-amz-meta-") && typeof value === "string") metadata[name.slice("x-amz-meta-".length)] = value;
  }
  return metadata;
}

export function malformedXml(): ApiError {
  return new ApiError(
    400,
    "MalformedXML",
    "The XML you provided was not well-formed or did not validate against our published schema",
  );
}

export function xmlResponse(root: string, inner: string, headers: Record<string, string> = {}): ServiceResponse {
  return { status: 200, headers: { "content-type": "application/xml", ...headers }, body: xmlDocument(root, inner) };
}
