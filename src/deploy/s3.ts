/** Content-addressed uploads to S3, in the function's region, never creating buckets. */
import { createReadStream } from "node:fs";
import { HeadBucketCommand, HeadObjectCommand, type S3ServiceException } from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import { UserError } from "../errors.ts";
import type { Log } from "../log.ts";
import type { ZipResult } from "../zip/writer.ts";
import { type AwsClients, type RetryPolicy, toUserError, withRetry } from "./aws.ts";
import { formatMB } from "./plan.ts";

export async function checkBucket(clients: AwsClients, bucket: string, policy: RetryPolicy): Promise<void> {
  try {
    const head = await withRetry(
      "HeadBucket",
      () => clients.s3.send(new HeadBucketCommand({ Bucket: bucket })),
      policy,
    );
    const region = head.BucketRegion;
    if (region && region !== clients.region) throw bucketRegionError(bucket, region, clients.region);
  } catch (error) {
    if (error instanceof UserError) throw error;
    const e = error as S3ServiceException & { $response?: { headers?: Record<string, string> } };
    const status = e.$metadata?.httpStatusCode;
    const region = e.$response?.headers?.["x-amz-bucket-region"];
    if (status === 301 || (region && region !== clients.region))
      throw bucketRegionError(bucket, region ?? "another region", clients.region);
    if (status === 404 || e.name === "NotFound" || e.name === "NoSuchBucket") {
      throw new UserError(`S3 bucket ${bucket} does not exist`, {
        hint: `create it in ${clients.region} (this action never creates buckets), or fix \`s3-bucket\``,
      });
    }
    throw toUserError(error, `checking S3 bucket ${bucket}`);
  }
}

function bucketRegionError(bucket: string, bucketRegion: string, region: string): UserError {
  return new UserError(
    `S3 bucket ${bucket} is in ${bucketRegion}, but the function is in ${region}: Lambda reads code only from a bucket in its own region`,
    {
      hint: `use a bucket in ${region}`,
    },
  );
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
