// S3 multipart uploads: create, upload parts, complete (with S3's part checks), abort.
import { randomBytes } from "node:crypto";
import { checksumInputs, malformedXml, requestHeader, userMetadata, xmlResponse } from "./s3-request.ts";
import { type Bucket, checksumEcho, md5Hex, type S3Store, verifyChecksums } from "./s3-store.ts";
import { ApiError, type ServiceRequest, type ServiceResponse } from "./types.ts";
import { el, xmlBlocks, xmlRoot, xmlText } from "./xml.ts";

const MIN_PART_SIZE = 5 * 1024 * 1024;

export function handleMultipart(request: ServiceRequest, store: S3Store, bucket: Bucket, key: string): ServiceResponse {
  const query = new Map(request.query);
  const header = (name: string) => requestHeader(request, name);
  switch (request.operation) {
    case "CreateMultipartUpload": {
      const id = randomBytes(24).toString("base64url");
      const checksumAlgorithm = header("x-amz-checksum-algorithm")?.toUpperCase();
      bucket.uploads.set(id, {
        id,
        key,
        checksumAlgorithm,
        contentType: header("content-type"),
        metadata: userMetadata(request),
        parts: new Map(),
      });
      return xmlResponse(
        "InitiateMultipartUploadResult",
        `${el("Bucket", bucket.name)}${el("Key", key)}${el("UploadId", id)}`,
        checksumAlgorithm ? { "x-amz-checksum-algorithm": checksumAlgorithm } : {},
      );
    }
    case "UploadPart": {
      const upload = findUpload(bucket, query.get("uploadId"), key);
      const partNumber = Number(query.get("partNumber"));
      if (!Number.isInteger(partNumber) || partNumber < 1 || partNumber > 10000) {
        throw new ApiError(400, "InvalidArgument", "Part number must be an integer between 1 and 10000, inclusive", {
          fields: { ArgumentName: "partNumber", ArgumentValue: String(query.get("partNumber")) },
        });
      }
      const checksums = verifyChecksums(checksumInputs(request), request.body);
      const etag = `"${md5Hex(request.body)}"`;
      upload.parts.set(partNumber, { body: request.body, etag, checksums });
      return { status: 200, headers: { etag, ...checksumEcho(checksums) } };
    }
    case "CompleteMultipartUpload":
      return completeUpload(store, bucket, key, query.get("uploadId"), request.body);
    case "AbortMultipartUpload":
      findUpload(bucket, query.get("uploadId"), key);
      bucket.uploads.delete(query.get("uploadId")!);
      return { status: 204 };
  }
  throw new ApiError(501, "NotImplemented", `${request.operation} is not implemented by the local emulator`);
}

function completeUpload(
  store: S3Store,
  bucket: Bucket,
  key: string,
  uploadId: string | undefined,
  body: Buffer,
): ServiceResponse {
  const upload = findUpload(bucket, uploadId, key);
  const parts = xmlBlocks(xmlRoot(body.toString("utf8"), "CompleteMultipartUpload"), "Part").map((part) => ({
    partNumber: Number(xmlText(part, "PartNumber")),
    etag: xmlText(part, "ETag") ?? "",
    checksum: upload.checksumAlgorithm ? xmlText(part, `Checksum${upload.checksumAlgorithm}`) : undefined,
  }));
  if (parts.length === 0) throw malformedXml();
  const chosen = parts.map((part, index) => {
    if (index > 0 && part.partNumber <= (parts[index - 1]?.partNumber ?? 0)) {
      throw new ApiError(
        400,
        "InvalidPartOrder",
        "The list of parts was not in ascending order. Parts must be ordered by part number.",
        { fields: { UploadId: upload.id } },
      );
    }
    const stored = upload.parts.get(part.partNumber);
    if (!stored || stored.etag.replace(/"/g, "") !== part.etag.replace(/"/g, "")) {
      throw new ApiError(
        400,
        "InvalidPart",
        "One or more of the specified parts could not be found.  The part may not have been uploaded, or the specified entity tag may not match the part's entity tag.",
        { fields: { UploadId: upload.id, PartNumber: String(part.partNumber), ETag: part.etag } },
      );
    }
    if (upload.checksumAlgorithm) {
      const expected = stored.checksums[upload.checksumAlgorithm];
      if (part.checksum === undefined) {
        throw new ApiError(
          400,
          "InvalidRequest",
          `The upload was created using a ${upload.checksumAlgorithm.toLowerCase()} checksum. The complete request must include the checksum for each part. It was missing for part ${part.partNumber} in the request.`,
        );
      }
      if (expected !== undefined && expected !== part.checksum) {
        throw new ApiError(400, "InvalidPart", `The checksum of part ${part.partNumber} does not match.`);
      }
    }
    return stored;
  });
  chosen.forEach((part, index) => {
    if (index < chosen.length - 1 && part.body.length < MIN_PART_SIZE) {
      throw new ApiError(
        400,
        "EntityTooSmall",
        "Your proposed upload is smaller than the minimum allowed object size.",
        {
          fields: { ProposedSize: String(part.body.length), MinSizeAllowed: String(MIN_PART_SIZE) },
        },
      );
    }
  });
  const combined = Buffer.concat(chosen.map((p) => p.body));
  const etagSource = Buffer.concat(chosen.map((p) => Buffer.from(p.etag.replace(/"/g, ""), "hex")));
  const object = store.put(bucket, {
    key,
    body: combined,
    etag: `"${md5Hex(etagSource)}-${chosen.length}"`,
    contentType: upload.contentType,
    metadata: upload.metadata,
    checksums: {},
  });
  bucket.uploads.delete(upload.id);
  return xmlResponse(
    "CompleteMultipartUploadResult",
    `${el("Location", `/${bucket.name}/${encodeURIComponent(key)}`)}${el("Bucket", bucket.name)}${el("Key", key)}${el("ETag", object.etag)}`,
    object.versionId === "null" ? {} : { "x-amz-version-id": object.versionId },
  );
}

function findUpload(bucket: Bucket, uploadId: string | undefined, key: string) {
  const upload = uploadId === undefined ? undefined : bucket.uploads.get(uploadId);
  if (!upload || upload.key !== key) {
    throw new ApiError(
      404,
      "NoSuchUpload",
      "The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.",
      { fields: { UploadId: uploadId ?? "" } },
    );
  }
  return upload;
}
