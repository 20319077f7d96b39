/** Running the whole action (`runAction`) against the local index and the local AWS. */
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

const AWS_VARIABLES = [
  "AWS_ACCESS_KEY_ID",
  "AWS_SECRET_ACCESS_KEY",
  "AWS_SESSION_TOKEN",
  "AWS_PROFILE",
  "AWS_ENDPOINT_URL",
  "AWS_EC2_METADATA_DISABLED",
  "AWS_SHARED_CREDENTIALS_FILE",
  "AWS_CONFIG_FILE",
  "AWS_REGION",
  "AWS_DEFAULT_REGION",
];

/**
 * The SDK reads the standard credential chain from process.env, as it does in Actions.
 * Sets exactly these AWS variables (nothing else can supply credentials: no profile
 * files, no instance metadata) and returns a function that puts the old ones back.
 */
export function setAwsEnvironment(values: Record<string, string>, noFilesIn: string): () => void {
  const saved = Object.fromEntries(AWS_VARIABLES.map((name) => [name, process.env[name]]));
  for (const name of AWS_VARIABLES) delete process.env[name];
  Object.assign(process.env, {
    AWS_EC2_METADATA_DISABLED: "true",
    AWS_SHARED_CREDENTIALS_FILE: `${noFilesIn}/no-aws-credentials`,
    AWS_CONFIG_FILE: `${noFilesIn}/no-aws-config`,
    ...values,
  });
  return () => {
    for (const name of AWS_VARIABLES) {
      const value = saved[name];
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  };
}
