// In-memory S3 state: buckets, object versions, multipart uploads, and the checksums S3 verifies.
import { createHash, randomBytes } from "node:crypto";
import { crc32 } from "node:zlib";
import { ApiError } from "./types.ts";

export interface S3Object {
  key: string;
  body: Buffer;
  etag: string;
  lastModified: Date;
  /** "null" unless the bucket had versioning enabled when the object was written. */
  versionId: string;
  deleteMarker: boolean;
  contentType?: string;
  metadata: Record<string, string>;
  /** Full-object checksums keyed by algorithm (CRC32, SHA256, ...), as supplied and verified on upload. */
  checksums: Record<string, string>;
}

export interface UploadedPart {
  body: Buffer;
  etag: string;
  checksums: Record<string, string>;
}

export interface MultipartUpload {
  id: string;
  key: string;
  checksumAlgorithm?: string;
  contentType?: string;
  metadata: Record<string, string>;
  parts: Map<number, UploadedPart>;
}

export interface Bucket {
  name: string;
  region: string;
  created: Date;
  versioning?: "Enabled" | "Suspended";
  /** Versions per key, oldest first. */
  objects: Map<string, S3Object[]>;
  uploads: Map<string, MultipartUpload>;
}

const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
export const CHECKSUM_ALGORITHMS = ["CRC32", "CRC32C", "CRC64NVME", "SHA1", "SHA256"] as const;

export class S3Store {
  readonly buckets = new Map<string, Bucket>();

  createBucket(name: string, region: string): Bucket {
    if (!BUCKET_NAME.test(name) || name.includes("..") || /^\d+\.\d+\.\d+\.\d+$/.test(name)) {
      throw new ApiError(400, "InvalidBucketName", "The specified bucket is not valid.", {
        fields: { BucketName: name },
      });
    }
    if (this.buckets.has(name)) {
      throw new ApiError(
        409,
        "BucketAlreadyOwnedByYou",
        "Your previous request to create the named bucket succeeded and you already own it.",
        { fields: { BucketName: name } },
      );
    }
    const bucket: Bucket = { name, region, created: new Date(), objects: new Map(), uploads: new Map() };
    this.buckets.set(name, bucket);
    return bucket;
  }

  bucket(name: string): Bucket {
    const bucket = this.buckets.get(name);
    if (!bucket) {
      throw new ApiError(404, "NoSuchBucket", "The specified bucket does not exist", { fields: { BucketName: name } });
    }
    return bucket;
  }

  /** The current (or the given) version of a key; NoSuchKey / NoSuchVersion as S3 answers. */
  object(bucket: Bucket, key: string, versionId?: string): S3Object {
    const versions = bucket.objects.get(key) ?? [];
    if (versionId !== undefined) {
      const found = versions.find((v) => v.versionId === versionId);
      if (!found) {
        throw new ApiError(404, "NoSuchVersion", "The specified version does not exist.", {
          fields: { Key: key, VersionId: versionId },
        });
      }
      return found;
    }
    const latest = versions.at(-1);
    if (!latest || latest.deleteMarker) {
      throw new ApiError(404, "NoSuchKey", "The specified key does not exist.", { fields: { Key: key } });
    }
    return latest;
  }

  put(bucket: Bucket, object: Omit<S3Object, "versionId" | "lastModified" | "deleteMarker">): S3Object {
    const versioned = bucket.versioning === "Enabled";
    const stored: S3Object = {
      ...object,
      versionId: versioned ? randomBytes(16).toString("base64url") : "null",
      lastModified: new Date(),
      deleteMarker: false,
    };
    const versions = (bucket.objects.get(object.key) ?? []).filter((v) => versioned || v.versionId !== "null");
    versions.push(stored);
    bucket.objects.set(object.key, versions);
    return stored;
  }

  delete(bucket: Bucket, key: string, versionId?: string): void {
    const versions = bucket.objects.get(key) ?? [];
    if (versionId !== undefined) {
      bucket.objects.set(
        key,
        versions.filter((v) => v.versionId !== versionId),
      );
    } else if (bucket.versioning === undefined) {
      bucket.objects.delete(key);
    } else {
      const marker = this.put(bucket, { key, body: Buffer.alloc(0), etag: "", metadata: {}, checksums: {} });
      marker.deleteMarker = true;
    }
  }

  /** Keys whose current version is a live object, sorted as S3 lists them (UTF-8 binary order). */
  liveKeys(bucket: Bucket): string[] {
    return [...bucket.objects.entries()]
      .filter(([, versions]) => versions.length > 0 && !versions.at(-1)?.deleteMarker)
      .map(([key]) => key)
      .sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  }
}

export function md5Hex(data: Buffer): string {
  return createHash("md5").update(data).digest("hex");
}

const CRC32C_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

function crc32c(data: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of data) crc = (CRC32C_TABLE[(crc ^ byte) & 0xff] ?? 0) ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

function uint32Base64(value: number): string {
  const out = Buffer.alloc(4);
  out.writeUInt32BE(value >>> 0);
  return out.toString("base64");
}

/** base64 checksum as S3 computes it, or undefined for an algorithm this emulator cannot compute. */
export function computeChecksum(algorithm: string, data: Buffer): string | undefined {
  switch (algorithm) {
    case "CRC32":
      return uint32Base64(crc32(data));
    case "CRC32C":
      return uint32Base64(crc32c(data));
    case "SHA1":
      return createHash("sha1").update(data).digest("base64");
    case "SHA256":
      return createHash("sha256").update(data).digest("base64");
    default:
      return undefined;
  }
}

/**
 * Verifies Content-MD5 and every x-amz-checksum-* header (or trailer) against the body, as S3 does,
 * and returns the checksums to store.
 */
export function verifyChecksums(headers: Record<string, string | undefined>, body: Buffer): Record<string, string> {
  const md5 = headers["content-md5"];
  if (md5 !== undefined && createHash("md5").update(body).digest("base64") !== md5) {
    throw new ApiError(400, "BadDigest", "The Content-MD5 you specified did not match what we received.");
  }
  const checksums: Record<string, string> = {};
  for (const algorithm of CHECKSUM_ALGORITHMS) {
    const supplied = headers[`x-amz-checksum-${algorithm.toLowerCase()}`];
    if (supplied === undefined) continue;
    const actual = computeChecksum(algorithm, body);
    if (actual !== undefined && actual !== supplied) {
      throw new ApiError(400, "BadDigest", `The ${algorithm} you specified did not match the calculated checksum.`);
    }
    checksums[algorithm] = supplied;
  }
  return checksums;
}

/** x-amz-checksum-* response headers for stored checksums. */
export function checksumEcho(checksums: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(checksums).map(([a, v]) => [`x-amz-checksum-${a.toLowerCase()}`, v]));
}
