// S3 REST-XML front end: path-style routing, bucket-region enforcement, objects and multipart uploads.
import { handleMultipart } from "./s3-multipart.ts";
import { checksumInputs, malformedXml, requestHeader, userMetadata, xmlResponse } from "./s3-request.ts";
import { type Bucket, checksumEcho, md5Hex, type S3Object, type S3Store, verifyChecksums } from "./s3-store.ts";
import { ApiError, type ServiceRequest, type ServiceResponse } from "./types.ts";
import { el, escapeXml, xmlRoot, xmlText } from "./xml.ts";

const BUCKET_SUBRESOURCES = new Set(["versioning", "location", "list-type", "x-id"]);
const LISTING_PARAMS = ["prefix", "delimiter", "max-keys", "continuation-token", "start-after", "encoding-type"];

export interface S3Target {
  bucket?: string;
  key?: string;
}

export function s3Target(rawPath: string): S3Target {
  const path = rawPath.replace(/^\//, "");
  if (path === "") return {};
  const slash = path.indexOf("/");
  if (slash < 0) return { bucket: decode(path) };
  const rest = path.slice(slash + 1);
  return rest === ""
    ? { bucket: decode(path.slice(0, slash)) }
    : { bucket: decode(path.slice(0, slash)), key: decode(rest) };
}

function decode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/** The S3 API operation a request addresses, named as in the API reference. */
export function s3Operation(method: string, rawPath: string, query: [string, string][]): string {
  const { bucket, key } = s3Target(rawPath);
  const has = (name: string) => query.some(([k]) => k === name);
  if (bucket === undefined) return method === "GET" ? "ListBuckets" : "Unsupported";
  if (key === undefined) {
    const unknown = query.some(([k]) => !BUCKET_SUBRESOURCES.has(k) && !LISTING_PARAMS.includes(k));
    if (unknown) return "Unsupported";
    if (method === "PUT") return has("versioning") ? "PutBucketVersioning" : "CreateBucket";
    if (method === "HEAD") return "HeadBucket";
    if (method === "DELETE") return "DeleteBucket";
    if (method === "GET") {
      if (has("location")) return "GetBucketLocation";
      if (has("versioning")) return "GetBucketVersioning";
      return query.some(([k, v]) => k === "list-type" && v === "2") ? "ListObjectsV2" : "ListObjects";
    }
    return "Unsupported";
  }
  if (method === "PUT") {
    if (has("uploadId") && has("partNumber")) return "UploadPart";
    return has("tagging") || has("acl") ? "Unsupported" : "PutObject";
  }
  if (method === "GET") return has("uploadId") ? "ListParts" : "GetObject";
  if (method === "HEAD") return "HeadObject";
  if (method === "POST") {
    if (has("uploads")) return "CreateMultipartUpload";
    if (has("uploadId")) return "CompleteMultipartUpload";
    return "Unsupported";
  }
  if (method === "DELETE") return has("uploadId") ? "AbortMultipartUpload" : "DeleteObject";
  return "Unsupported";
}

export function handleS3(request: ServiceRequest, store: S3Store, accountId: string): ServiceResponse {
  const { bucket: bucketName, key } = s3Target(request.rawPath);
  const query = new Map(request.query);
  const header = (name: string) => requestHeader(request, name);
  const expectedOwner = header("x-amz-expected-bucket-owner");
  if (expectedOwner !== undefined && expectedOwner !== accountId) {
    throw new ApiError(403, "AccessDenied", "Access Denied");
  }
  switch (request.operation) {
    case "ListBuckets":
      return xmlResponse(
        "ListAllMyBucketsResult",
        `<Owner>${el("ID", accountId)}</Owner><Buckets>${[...store.buckets.values()]
          .map(
            (b) =>
              `<Bucket>${el("Name", b.name)}${el("CreationDate", b.created.toISOString())}${el("BucketRegion", b.region)}</Bucket>`,
          )
          .join("")}</Buckets>`,
      );
    case "CreateBucket":
      return createBucket(store, bucketName!, request);
    case "GetBucketLocation": {
      const bucket = store.bucket(bucketName!);
      return xmlResponse("LocationConstraint", escapeXml(bucket.region === "us-east-1" ? "" : bucket.region));
    }
    case "Unsupported":
      throw new ApiError(501, "NotImplemented", "A header you provided implies functionality that is not implemented");
  }
  const bucket = store.bucket(bucketName!);
  if (bucket.region !== request.region) {
    throw new ApiError(
      301,
      "PermanentRedirect",
      "The bucket you are attempting to access must be addressed using the specified endpoint. Please send all future requests to this endpoint.",
      {
        headers: { "x-amz-bucket-region": bucket.region },
        fields: { Endpoint: `s3.${bucket.region}.amazonaws.com`, Bucket: bucket.name },
      },
    );
  }
  switch (request.operation) {
    case "HeadBucket":
      return { status: 200, headers: { "x-amz-bucket-region": bucket.region, "x-amz-access-point-alias": "false" } };
    case "DeleteBucket":
      if (store.liveKeys(bucket).length > 0 || bucket.uploads.size > 0) {
        throw new ApiError(409, "BucketNotEmpty", "The bucket you tried to delete is not empty", {
          fields: { BucketName: bucket.name },
        });
      }
      store.buckets.delete(bucket.name);
      return { status: 204 };
    case "PutBucketVersioning": {
      const status = xmlText(xmlRoot(request.body.toString("utf8"), "VersioningConfiguration"), "Status");
      if (status !== "Enabled" && status !== "Suspended") throw malformedXml();
      bucket.versioning = status;
      return { status: 200 };
    }
    case "GetBucketVersioning":
      return xmlResponse("VersioningConfiguration", el("Status", bucket.versioning));
    case "ListObjectsV2":
      return listObjectsV2(store, bucket, query);
    case "ListObjects":
    case "ListParts":
      throw new ApiError(501, "NotImplemented", `${request.operation} is not implemented by the local emulator`);
    case "PutObject": {
      const checksums = verifyChecksums(checksumInputs(request), request.body);
      const object = store.put(bucket, {
        key: key!,
        body: request.body,
        etag: `"${md5Hex(request.body)}"`,
        contentType: header("content-type"),
        metadata: userMetadata(request),
        checksums,
      });
      return { status: 200, headers: { ...writeHeaders(bucket, object), ...checksumEcho(checksums) } };
    }
    case "GetObject":
    case "HeadObject":
      return readObject(request, store, bucket, key!, query);
    case "DeleteObject":
      store.delete(bucket, key!, query.get("versionId"));
      return { status: 204 };
    case "CreateMultipartUpload":
    case "UploadPart":
    case "CompleteMultipartUpload":
    case "AbortMultipartUpload":
      return handleMultipart(request, store, bucket, key!);
  }
  throw new ApiError(501, "NotImplemented", `${request.operation} is not implemented by the local emulator`);
}

function createBucket(store: S3Store, name: string, request: ServiceRequest): ServiceResponse {
  const body = request.body.toString("utf8").trim();
  const constraint =
    body === "" ? undefined : xmlText(xmlRoot(body, "CreateBucketConfiguration"), "LocationConstraint");
  if (request.region === "us-east-1") {
    if (constraint !== undefined && constraint !== "") {
      throw new ApiError(400, "InvalidLocationConstraint", "The specified location-constraint is not valid", {
        fields: { LocationConstraint: constraint },
      });
    }
  } else if (constraint !== request.region) {
    const which = constraint === undefined ? "unspecified" : constraint;
    throw new ApiError(
      400,
      "IllegalLocationConstraintException",
      `The ${which} location constraint is incompatible for the region specific endpoint this request was sent to.`,
    );
  }
  store.createBucket(name, request.region);
  return { status: 200, headers: { location: `/${name}` } };
}

function readObject(
  request: ServiceRequest,
  store: S3Store,
  bucket: Bucket,
  key: string,
  query: Map<string, string>,
): ServiceResponse {
  const object = store.object(bucket, key, query.get("versionId"));
  const headers: Record<string, string> = {
    ...writeHeaders(bucket, object),
    "last-modified": object.lastModified.toUTCString(),
    "accept-ranges": "bytes",
    "content-type": object.contentType ?? "binary/octet-stream",
  };
  for (const [name, value] of Object.entries(object.metadata)) headers[`x-amz-meta-${name}`] = value;
  const range = request.headers.range;
  if (range !== undefined) {
    const [start, end] = parseRange(range, object.body.length);
    const slice = object.body.subarray(start, end + 1);
    headers["content-range"] = `bytes ${start}-${end}/${object.body.length}`;
    headers["content-length"] = String(slice.length);
    return { status: 206, headers, body: request.operation === "GetObject" ? slice : undefined };
  }
  if (request.headers["x-amz-checksum-mode"] === "ENABLED") Object.assign(headers, checksumEcho(object.checksums));
  headers["content-length"] = String(object.body.length);
  return { status: 200, headers, body: request.operation === "GetObject" ? object.body : undefined };
}

function parseRange(range: string, size: number): [number, number] {
  const match = /^bytes=(\d*)-(\d*)$/.exec(range.trim());
  let start = match?.[1] ? Number(match[1]) : undefined;
  let end = match?.[2] ? Number(match[2]) : undefined;
  if (start === undefined && end !== undefined) {
    start = Math.max(0, size - end);
    end = size - 1;
  }
  if (!match || start === undefined || start >= size) {
    throw new ApiError(416, "InvalidRange", "The requested range is not satisfiable", {
      fields: { RangeRequested: range, ActualObjectSize: String(size) },
    });
  }
  return [start, Math.min(end ?? size - 1, size - 1)];
}

function listObjectsV2(store: S3Store, bucket: Bucket, query: Map<string, string>): ServiceResponse {
  const prefix = query.get("prefix") ?? "";
  const delimiter = query.get("delimiter") || undefined;
  const maxKeys = Number(query.get("max-keys") ?? 1000);
  if (!Number.isInteger(maxKeys) || maxKeys < 0) {
    throw new ApiError(400, "InvalidArgument", "Provided max-keys not an integer or within integer range", {
      fields: { ArgumentName: "max-keys", ArgumentValue: String(query.get("max-keys")) },
    });
  }
  // The continuation token is "k:<last key>" or "p:<last common prefix>" (everything under it was rolled up).
  const token = query.get("continuation-token");
  let after = query.get("start-after") ?? "";
  let afterPrefix = false;
  if (token !== undefined) {
    const decoded = Buffer.from(token, "base64url").toString("utf8");
    if (!/^[kp]:/.test(decoded)) {
      throw new ApiError(400, "InvalidArgument", "The continuation token provided is incorrect", {
        fields: { ArgumentName: "continuation-token" },
      });
    }
    after = decoded.slice(2);
    afterPrefix = decoded.startsWith("p:");
  }
  const encode = query.get("encoding-type") === "url" ? (v: string) => encodeURIComponent(v) : (v: string) => v;
  const contents: S3Object[] = [];
  const prefixes: string[] = [];
  let truncated = false;
  let last = "k:";
  for (const key of store.liveKeys(bucket)) {
    if (!key.startsWith(prefix) || (after !== "" && (key <= after || (afterPrefix && key.startsWith(after))))) continue;
    const cut = delimiter === undefined ? -1 : key.indexOf(delimiter, prefix.length);
    const commonPrefix = cut < 0 ? undefined : key.slice(0, cut + delimiter!.length);
    if (commonPrefix !== undefined && prefixes.at(-1) === commonPrefix) continue;
    if (contents.length + prefixes.length >= maxKeys) {
      truncated = true;
      break;
    }
    if (commonPrefix !== undefined) {
      prefixes.push(commonPrefix);
      last = `p:${commonPrefix}`;
    } else {
      contents.push(store.object(bucket, key));
      last = `k:${key}`;
    }
  }
  const items = contents
    .map(
      (o) =>
        `<Contents>${el("Key", encode(o.key))}${el("LastModified", o.lastModified.toISOString())}${el("ETag", o.etag)}${Object.keys(
          o.checksums,
        )
          .map((a) => el("ChecksumAlgorithm", a))
          .join("")}${el("Size", o.body.length)}${el("StorageClass", "STANDARD")}</Contents>`,
    )
    .join("");
  const common = prefixes.map((p) => `<CommonPrefixes>${el("Prefix", encode(p))}</CommonPrefixes>`).join("");
  return xmlResponse(
    "ListBucketResult",
    `${el("Name", bucket.name)}${el("Prefix", encode(prefix))}${el("Delimiter", delimiter && encode(delimiter))}${el("MaxKeys", maxKeys)}${el("KeyCount", contents.length + prefixes.length)}${el("IsTruncated", truncated)}${el("ContinuationToken", token)}${el("NextContinuationToken", truncated ? Buffer.from(last).toString("base64url") : undefined)}${el("StartAfter", query.get("start-after"))}${el("EncodingType", query.get("encoding-type"))}${items}${common}`,
  );
}

function writeHeaders(bucket: Bucket, object: S3Object): Record<string, string> {
  const headers: Record<string, string> = { etag: object.etag };
  if (bucket.versioning !== undefined) headers["x-amz-version-id"] = object.versionId;
  return headers;
}
