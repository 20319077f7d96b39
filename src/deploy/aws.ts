/**
 * AWS access: clients configured from the environment the action was given (the
 * standard credential and endpoint variables),
 * and one retry policy (backoff with full jitter, through an injectable sleep) for
 * throttling, 5xx and dropped connections. A 4xx that is the user's to fix is never
 * retried: it becomes a clear error.
 */
import { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import { LambdaClient } from "@aws-sdk/client-lambda";
import { S3Client } from "@aws-sdk/client-s3";
import { UserError } from "../errors.ts";
import { redact } from "../redact.ts";

export interface AwsClients {
  region: string;
  lambda: LambdaClient;
  s3: S3Client;
  /** read during a traffic shift: the new version's metrics and the rollback alarms */
  cloudwatch: CloudWatchClient;
}

export interface RetryPolicy {
  attempts: number;
  baseMs: number;
  maxMs: number;
  sleep: (ms: number) => Promise<void>;
  random: () => number;
}

export const defaultRetryPolicy: RetryPolicy = {
  attempts: 6,
  baseMs: 500,
  maxMs: 20_000,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  random: Math.random,
};

interface AwsCredentialIdentity {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  expiration?: Date;
}

/**
 * Credentials as the SDK's fromEnv reads them, but from the given environment. Without
 * keys there, undefined: the SDK's own chain then looks further (shared profile files,
 * web identity, the instance role), which is what a self-hosted runner may rely on; that
 * chain reads the process's environment, which is the same object in Actions (main.ts).
 */
export function credentialsFrom(env: NodeJS.ProcessEnv): (() => Promise<AwsCredentialIdentity>) | undefined {
  const accessKeyId = env.AWS_ACCESS_KEY_ID;
  const secretAccessKey = env.AWS_SECRET_ACCESS_KEY;
  if (!accessKeyId || !secretAccessKey) return undefined;
  const expiration = env.AWS_CREDENTIAL_EXPIRATION ? new Date(env.AWS_CREDENTIAL_EXPIRATION) : undefined;
  const identity: AwsCredentialIdentity = {
    accessKeyId,
    secretAccessKey,
    ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}),
    ...(expiration && !Number.isNaN(expiration.getTime()) ? { expiration } : {}),
  };
  return async () => identity;
}

/** The service's endpoint variable, then the general one (AWS_ENDPOINT_URL_<SERVICE>, AWS_ENDPOINT_URL). */
export function endpointFrom(env: NodeJS.ProcessEnv, service: "LAMBDA" | "S3" | "CLOUDWATCH"): string | undefined {
  return env[`AWS_ENDPOINT_URL_${service}`] || env.AWS_ENDPOINT_URL || undefined;
}

export function makeClients(region: string, env: NodeJS.ProcessEnv): AwsClients {
  const credentials = credentialsFrom(env);
  const lambdaEndpoint = endpointFrom(env, "LAMBDA");
  const s3Endpoint = endpointFrom(env, "S3");
  const cloudwatchEndpoint = endpointFrom(env, "CLOUDWATCH");
  return {
    region,
    // Our own retry wraps every Lambda call (injectable sleep, one policy): the SDK makes one attempt.
    lambda: new LambdaClient({
      region,
      maxAttempts: 1,
      ...(credentials ? { credentials } : {}),
      ...(lambdaEndpoint ? { endpoint: lambdaEndpoint } : {}),
    }),
    // lib-storage's multipart upload relies on the client's retry per part; ours restarts a failed upload.
    // With a custom endpoint (a local emulator, a VPC endpoint) S3 must use path-style addressing.
    s3: new S3Client({
      region,
      maxAttempts: 4,
      ...(credentials ? { credentials } : {}),
      ...(s3Endpoint ? { endpoint: s3Endpoint, forcePathStyle: true } : { forcePathStyle: false }),
    }),
    cloudwatch: new CloudWatchClient({
      region,
      maxAttempts: 1,
      ...(credentials ? { credentials } : {}),
      ...(cloudwatchEndpoint ? { endpoint: cloudwatchEndpoint } : {}),
    }),
  };
}

interface AwsErrorShape {
  name?: string;
  code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
  $retryable?: unknown;
}

export function isRetryable(error: unknown): boolean {
  const e = error as AwsErrorShape;
  const status = e?.$metadata?.httpStatusCode;
  if (e?.$retryable) return true;
  if (status === 429 || (status !== undefined && status >= 500)) return true;
  if (
    [
      "TooManyRequestsException",
      "ThrottlingException",
      "Throttling",
      "SlowDown",
      "ServiceException",
      "InternalError",
    ].includes(e?.name ?? "")
  ) {
    return true;
  }
  const code = e?.code ?? (e as { cause?: { code?: string } })?.cause?.code ?? e?.name;
  return ["ECONNRESET", "EPIPE", "ETIMEDOUT", "ECONNREFUSED", "TimeoutError", "RequestTimeout", "socket hang up"].some(
    (c) => code === c || (e?.message ?? "").includes(c),
  );
}

/** A throttle: the call was refused before it ran, so it may be sent again (even one that runs code). */
export function isThrottle(error: unknown): boolean {
  const e = error as AwsErrorShape;
  return (
    e?.$metadata?.httpStatusCode === 429 || ["TooManyRequestsException", "ThrottlingException"].includes(e?.name ?? "")
  );
}

export async function withRetry<T>(
  operation: string,
  fn: () => Promise<T>,
  policy: RetryPolicy,
  onRetry?: (message: string) => void,
  retryable: (error: unknown) => boolean = isRetryable,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (error) {
      if (attempt >= policy.attempts || !retryable(error)) throw error;
      const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** (attempt - 1));
      const delay = Math.round(policy.random() * ceiling);
      onRetry?.(
        `${operation} failed (${describeAwsError(error)}); retry ${attempt} of ${policy.attempts - 1} in ${delay} ms`,
      );
      await policy.sleep(delay);
    }
  }
}

export function describeAwsError(error: unknown): string {
  const e = error as AwsErrorShape;
  const status = e?.$metadata?.httpStatusCode;
  return redact(`${e?.name ?? "Error"}${status ? ` (HTTP ${status})` : ""}: ${e?.message ?? String(error)}`);
}

/** AWS errors that are the user's to fix, in the user's terms. */
export function toUserError(error: unknown, context: string): Error {
  if (error instanceof UserError) return error;
  const e = error as AwsErrorShape;
  const name = e?.name ?? "";
  const detail = describeAwsError(error);
  const hints: Record<string, string> = {
    CredentialsProviderError: "configure credentials before this step, e.g. with aws-actions/configure-aws-credentials",
    UnrecognizedClientException: "the access key is not valid: check the credentials this job uses",
    InvalidSignatureException: "the secret key does not match the access key: check the credentials this job uses",
    InvalidAccessKeyId: "the access key is not valid: check the credentials this job uses",
    SignatureDoesNotMatch: "the secret key does not match the access key: check the credentials this job uses",
    ExpiredTokenException: "the session credentials expired: request them again before this step",
    AccessDeniedException: "give the deploy role the Lambda permission named in the message",
    AccessDenied: "give the deploy role the S3 permission it needs (s3:PutObject, s3:GetObject, s3:ListBucket)",
    ResourceNotFoundException: "check the name and the region",
    PreconditionFailedException:
      "the function changed while this deploy ran (another deploy?): nothing of ours was applied after that point; run the deploy again",
    ResourceConflictException:
      "another update of the function is in progress: run the deploy again when it has finished",
    RequestEntityTooLargeException: "upload through S3: set `s3-bucket`",
    CodeStorageExceededException: "delete old function or layer versions to free code storage",
  };
  if (name === "CredentialsProviderError" || /Could not load credentials/.test(e?.message ?? "")) {
    return new UserError(`${context}: no AWS credentials found`, { hint: hints.CredentialsProviderError });
  }
  // Throttling, 5xx and dropped connections were retried already: say what state that leaves.
  const exhausted = isRetryable(error)
    ? "AWS kept failing after every retry, so this call did not take effect and nothing after it was done: run the deploy again; what is already uploaded or published is reused"
    : undefined;
  return new UserError(`${context}: ${detail}`, { hint: hints[name] ?? exhausted, cause: error });
}
