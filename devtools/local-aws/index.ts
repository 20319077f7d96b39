// A strict local Lambda + S3 emulator for tests: real SDK clients talk to it over HTTP with SigV4.
import { type AlarmState, CloudWatchStore } from "./cloudwatch.ts";
import { FaultQueue } from "./faults.ts";
import { seedFunction } from "./lambda-functions.ts";
import { LambdaStore } from "./lambda-store.ts";
import { md5Hex, S3Store } from "./s3-store.ts";
import { startServer } from "./server.ts";
import type { Fault, FunctionSpec, FunctionState, Invocation, LayerVersionState, RecordedCall } from "./types.ts";

export type {
  AliasState,
  Fault,
  FunctionContent,
  FunctionSpec,
  FunctionState,
  FunctionVersionState,
  LayerVersionState,
  RecordedCall,
} from "./types.ts";
export { makeZip, readZipEntries, unzippedSize } from "./zipsize.ts";

export interface LocalAwsOptions {
  credentials?: { accessKeyId: string; secretAccessKey: string }[];
  /** How long LastUpdateStatus/State stay InProgress/Pending after a change (default 300 ms). */
  updateDelayMs?: number;
  accountId?: string;
  /** the weighted choice between an alias's versions on Invoke; seed it for repeatable tests */
  random?: () => number;
}

export const TEST_CREDENTIALS: { accessKeyId: string; secretAccessKey: string } = {
  accessKeyId: "AKIDLOCALTEST",
  secretAccessKey: "localtestsecretlocaltestsecretlocaltest0",
};

export interface LocalAws {
  endpoint: string;
  calls: RecordedCall[];
  inject(fault: Fault): void;
  createBucket(name: string, region: string): void;
  createFunction(spec: FunctionSpec): FunctionState;
  getFunction(region: string, name: string): FunctionState | undefined;
  failNextUpdate(region: string, name: string, reason: string): void;
  /** Extra seeding/assertion helpers that bypass HTTP. */
  putObject(bucket: string, key: string, body: Buffer): void;
  getObject(bucket: string, key: string): Buffer | undefined;
  getLayerVersions(region: string, name: string): LayerVersionState[];
  /** test hook: an alarm DescribeAlarms reports, created or changed */
  setAlarm(name: string, state: AlarmState["state"], reason?: string, type?: AlarmState["type"]): void;
  /** every Invoke run so far, with the version that ran */
  invocations: Invocation[];
  close(): Promise<void>;
}

export async function startLocalAws(options: LocalAwsOptions = {}): Promise<LocalAws> {
  const accountId = options.accountId ?? "123456789012";
  const s3 = new S3Store();
  const lambda = new LambdaStore(accountId, options.updateDelayMs ?? 300, s3);
  if (options.random) lambda.random = options.random;
  const cloudwatch = new CloudWatchStore();
  const faults = new FaultQueue();
  const calls: RecordedCall[] = [];
  const server = await startServer({
    credentials: options.credentials ?? [TEST_CREDENTIALS],
    accountId,
    lambda,
    s3,
    cloudwatch,
    faults,
    calls,
  });
  return {
    endpoint: server.endpoint,
    calls,
    inject: (fault) => faults.add(fault),
    createBucket: (name, region) => {
      s3.createBucket(name, region);
    },
    createFunction: (spec) => seedFunction(lambda, spec),
    getFunction: (region, name) => lambda.find(region, name)?.fn,
    failNextUpdate: (region, name, reason) => {
      const record = lambda.find(region, name);
      if (!record) throw new Error(`no function ${name} in ${region}`);
      record.failNext = reason;
    },
    putObject: (bucketName, key, body) => {
      s3.put(s3.bucket(bucketName), { key, body, etag: `"${md5Hex(body)}"`, metadata: {}, checksums: {} });
    },
    getObject: (bucketName, key) => {
      const bucket = s3.buckets.get(bucketName);
      const latest = bucket?.objects.get(key)?.at(-1);
      return latest && !latest.deleteMarker ? latest.body : undefined;
    },
    getLayerVersions: (region, name) => lambda.layerVersions(region, name),
    setAlarm: (name, state, reason, type = "MetricAlarm") => {
      cloudwatch.alarms.set(name, { name, state, reason: reason ?? `set by a test: ${state}`, type });
    },
    invocations: lambda.invocations,
    close: () => server.close(),
  };
}
