/** Content-addressed uploads to S3, in the function's region, never creating buckets. */
import { createReadStream } from "node:fs";
import { HeadBucketCommand, HeadObjectCommand, type S3ServiceException } from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import type { Log } from "../log.ts";
import { formatMB } from "../units.ts";
import type { ZipResult } from "../zip/writer.ts";
import { type AwsClients, type RetryPolicy, toUserError, withRetry } from "./aws.ts";

/** Where the bucket is, from HeadBucket: the plan refuses a missing one or one in another region. */
export async function readBucket(
  clients: AwsClients,
  bucket: string,
  policy: RetryPolicy,
): Promise<{ exists: false } | { exists: true; region?: string }> {
  try {
    const head = await withRetry(
      "HeadBucket",
      () => clients.s3.send(new HeadBucketCommand({ Bucket: bucket })),
      policy,
    );
    return { exists: true, region: head.BucketRegion };
  } catch (error) {
    const e = error as S3ServiceException & { $response?: { headers?: Record<string, string> } };
    const status = e.$metadata?.httpStatusCode;
    const region = e.$response?.headers?.["x-amz-bucket-region"];
    if (region && region !== clients.region) return { exists: true, region };
    if (status === 301) return { exists: true, region: "another region" };
    if (status === 404 || e.name === "NotFound" || e.name === "NoSuchBucket") return { exists: false };
    throw toUserError(error, `checking S3 bucket ${bucket}`);
  }
}

/** Uploads unless an object with these bytes is already there. Returns the s3:// URI. */
export async function uploadZip(
  clients: AwsClients,
  zip: ZipResult,
  bucket: string,
  key: string,
  policy: RetryPolicy,
  log: Log,
): Promise<{ uri: string; uploaded: boolean }> {
  const uri = `s3://${bucket}/${key}`;
  const existing = await withRetry(
    "HeadObject",
    () => clients.s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key })),
    policy,
  ).catch((error: { $metadata?: { httpStatusCode?: number }; name?: string }) => {
    if (error.$metadata?.httpStatusCode === 404 || error.name === "NotFound") return undefined;
    throw toUserError(error, `checking ${uri}`);
  });
  if (existing && existing.ContentLength === zip.size && existing.Metadata?.sha256 === zip.sha256) {
    log.info(`${uri} already holds these bytes: not uploaded again`);
    return { uri, uploaded: false };
  }
  log.info(`Uploading ${formatMB(zip.size)} to ${uri}`);
  // A failed multipart upload is aborted by lib-storage and started again whole.
  await withRetry(
    "Upload",
    async () => {
      const upload = new Upload({
        client: clients.s3,
        params: {
          Bucket: bucket,
          Key: key,
          Body: createReadStream(zip.path),
          ContentType: "application/zip",
          Metadata: { sha256: zip.sha256 },
        },
        partSize: 8 * 1024 * 1024,
        queueSize: 4,
        leavePartsOnError: false,
      });
      await upload.done();
    },
    policy,
    (m) => log.info(m),
  ).catch((error: unknown) => {
    throw toUserError(error, `uploading to ${uri}`);
  });
  return { uri, uploaded: true };
}
