/** Running the whole action (`runAction`) against the local index and the local AWS. */
import { TEST_CREDENTIALS } from "../../devtools/local-aws/index.ts";
import type { RetryPolicy } from "../../src/deploy/aws.ts";

/** Every call that changes something in Lambda or S3. */
export const WRITE_OPERATIONS: ReadonlySet<string> = new Set([
  "UpdateFunctionCode",
  "UpdateFunctionConfiguration",
  "PublishVersion",
  "CreateAlias",
  "UpdateAlias",
  "PublishLayerVersion",
  "PutObject",
  "CreateMultipartUpload",
  "UploadPart",
  "CompleteMultipartUpload",
  "CreateFunction",
  "DeleteFunction",
  "CreateBucket",
]);

/** The action's own retry policy, with the waits cut short. */
export function fastRetry(attempts = 3, sleeps: number[] = []): RetryPolicy {
  return {
    attempts,
    baseMs: 2,
    maxMs: 10,
    sleep: (ms) => {
      sleeps.push(ms);
      return new Promise((resolve) => setTimeout(resolve, Math.min(ms, 10)));
    },
    random: () => 0.5,
  };
}

/**
 * What aws-actions/configure-aws-credentials leaves in a job's environment, pointed at the
 * local AWS: the action's clients take credentials and endpoint from the environment they
 * are given (makeClients), so a test passes these in that environment.
 */
export function localAwsEnv(endpoint: string, values: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey,
    AWS_ENDPOINT_URL: endpoint,
    ...values,
  };
}
