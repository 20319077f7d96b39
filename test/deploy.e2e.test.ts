import { randomBytes } from "node:crypto";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { LambdaClient, PublishLayerVersionCommand, UpdateFunctionConfigurationCommand } from "@aws-sdk/client-lambda";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type LocalAws, startLocalAws, TEST_CREDENTIALS } from "../devtools/local-aws/index.ts";
import { type AwsClients, makeClients, type RetryPolicy } from "../src/deploy/aws.ts";
import { type DeployRequest, deploy } from "../src/deploy/index.ts";
import { UserError } from "../src/errors.ts";
import { MemoryLog } from "../src/log.ts";
import { makeTarget } from "../src/target.ts";
import { writeZip, type ZipResult } from "../src/zip/writer.ts";
import { localAwsEnv, WRITE_OPERATIONS } from "./support/action.ts";

const REGION = "eu-west-1";

let aws: LocalAws;
let work: string;
let clients: AwsClients;
const policy: RetryPolicy = {
  attempts: 6,
  baseMs: 10,
  maxMs: 50,
  sleep: (ms) => new Promise((r) => setTimeout(r, Math.min(ms, 30))),
  random: () => 0.5,
};
const sleeps: number[] = [];
const countingPolicy: RetryPolicy = {
  ...policy,
  sleep: (ms) => {
    sleeps.push(ms);
    return policy.sleep(ms);
  },
};
let zipCount = 0;

async function zipOf(files: Record<string, string | Buffer>, level?: number): Promise<ZipResult> {
  const dir = path.join(work, `zip-${zipCount++}`);
  const inputs = [];
  for (const [name, content] of Object.entries(files)) {
    const abs = path.join(dir, name);
    await mkdir(path.dirname(abs), { recursive: true });
    await writeFile(abs, content);
    inputs.push({ name, absolutePath: abs, executable: false, size: Buffer.byteLength(content) });
  }
  return writeZip(inputs, path.join(work, `out-${zipCount++}.zip`), { level });
}

const writes = (from = 0) => aws.calls.slice(from).filter((c) => WRITE_OPERATIONS.has(c.operation));

beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), "lpp-deploy-"));
  aws = await startLocalAws({ updateDelayMs: 150 });
  // the standard variables, as aws-actions/configure-aws-credentials leaves them
  clients = makeClients(REGION, localAwsEnv(aws.endpoint, { AWS_REGION: REGION }));
});

afterAll(async () => {
  await aws?.close();
  await rm(work, { recursive: true, force: true });
});

let fnCount = 0;
function newFunction(extra: Partial<Parameters<LocalAws["createFunction"]>[0]> = {}): string {
  const name = `fn-${fnCount++}`;
  aws.createFunction({
    name,
    region: REGION,
    runtime: "python3.12",
    architecture: "x86_64",
    handler: "app.handler",
    environment: { STAGE: "prod" },
    ...extra,
  });
  return name;
}

function request(overrides: Partial<DeployRequest>): DeployRequest {
  return {
    target: makeTarget("python3.12", "x86_64"),
    attachLayer: true,
    s3: { prefix: "builds", upload: "auto" },
    publish: false,
    cacheKey: "lpp-v1-python3.12-x86_64-0123456789abcdef0123",
    ...overrides,
  };
}

async function expectUserError(promise: Promise<unknown>, pattern: RegExp): Promise<UserError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(UserError);
  expect((error as UserError).describe()).toMatch(pattern);
  return error as UserError;
}

describe("deploy to Lambda through the real SDK and the local AWS", () => {
  let functionZip: ZipResult;
  let layerZip: ZipResult;
  beforeAll(async () => {
    functionZip = await zipOf({ "app.py": "def handler(e, c):\n    return 1\n" });
    layerZip = await zipOf({ "python/lib/__init__.py": "X = 1\n" });
  });
  beforeEach(() => {
    sleeps.length = 0;
  });

  it("updates the code with a direct upload, then an unchanged redeploy makes no write call", async () => {
    const name = newFunction();
    const log = new MemoryLog();
    const first = await deploy(request({ functionName: name, functionZip }), clients, policy, log);
    expect(first.deployed).toBe("updated");
    expect(first.functionArn).toBe(`arn:aws:lambda:${REGION}:123456789012:function:${name}`);
    expect(aws.getFunction(REGION, name)?.codeSha256).toBe(functionZip.codeSha256);
    expect(aws.getFunction(REGION, name)?.environment).toEqual({ STAGE: "prod" });

    const mark = aws.calls.length;
    const again = await deploy(request({ functionName: name, functionZip }), clients, policy, new MemoryLog());
    expect(again.deployed).toBe("unchanged");
    expect(writes(mark)).toEqual([]);
  });

  it("sends a zip over 50 MB through S3 in the function's region, multipart, content-addressed", async () => {
    aws.createBucket("artifacts-eu", REGION);
    const big = await zipOf({ "app.py": "x = 1\n", "blob.bin": randomBytes(52 * 1024 * 1024) }, 0);
    const name = newFunction();
    const mark = aws.calls.length;
    const result = await deploy(
      request({
        functionName: name,
        functionZip: big,
        s3: { bucket: "artifacts-eu", prefix: "builds", upload: "auto" },
      }),
      clients,
      policy,
      new MemoryLog(),
    );
    expect(result.functionS3Uri).toBe(`s3://artifacts-eu/builds/${name}/${big.sha256}.zip`);
    const ops = aws.calls.slice(mark).map((c) => c.operation);
    expect(ops.filter((o) => o === "UploadPart").length).toBeGreaterThanOrEqual(7);
    expect(ops.indexOf("CompleteMultipartUpload")).toBeLessThan(ops.indexOf("UpdateFunctionCode"));
    expect(aws.getFunction(REGION, name)?.codeSha256).toBe(big.codeSha256);

    // back to these bytes after another deploy: the object is there already, no upload
    await deploy(request({ functionName: name, functionZip }), clients, policy, new MemoryLog());
    const mark2 = aws.calls.length;
    await deploy(
      request({
        functionName: name,
        functionZip: big,
        s3: { bucket: "artifacts-eu", prefix: "builds", upload: "auto" },
      }),
      clients,
      policy,
      new MemoryLog(),
    );
    const ops2 = aws.calls.slice(mark2).map((c) => c.operation);
    expect(ops2).toContain("UpdateFunctionCode");
    expect(ops2.some((o) => o === "UploadPart" || o === "PutObject" || o === "CreateMultipartUpload")).toBe(false);
  }, 60_000);

  it("refuses a zip over 50 MB without a bucket, and a bucket in another region, before any write", async () => {
    const name = newFunction();
    const mark = aws.calls.length;
    const big = { ...functionZip, size: 60 * 1024 * 1024 };
    await expectUserError(
      deploy(request({ functionName: name, functionZip: big }), clients, policy, new MemoryLog()),
      /over Lambda's 50 MB limit[\s\S]*s3-bucket/,
    );
    aws.createBucket("artifacts-us", "us-east-2");
    await expectUserError(
      deploy(
        request({ functionName: name, functionZip, s3: { bucket: "artifacts-us", prefix: "", upload: "always" } }),
        clients,
        policy,
        new MemoryLog(),
      ),
      /artifacts-us is in us-east-2, but the function is in eu-west-1/,
    );
    await expectUserError(
      deploy(
        request({ functionName: name, functionZip, s3: { bucket: "no-such-bucket", prefix: "", upload: "always" } }),
        clients,
        policy,
        new MemoryLog(),
      ),
      /no-such-bucket does not exist/,
    );
    expect(writes(mark)).toEqual([]);
  });

  it("names a missing function, an image function and another architecture, without retrying a 4xx", async () => {
    const mark = aws.calls.length;
    await expectUserError(
      deploy(request({ functionName: "does-not-exist", functionZip }), clients, countingPolicy, new MemoryLog()),
      /does-not-exist does not exist in eu-west-1/,
    );
    expect(aws.calls.slice(mark).filter((c) => c.operation === "GetFunction").length).toBe(1);
    expect(sleeps).toEqual([]);
    const image = newFunction({ packageType: "Image" });
    await expectUserError(
      deploy(request({ functionName: image, functionZip }), clients, policy, new MemoryLog()),
      /container image function/,
    );
    const arm = newFunction({ architecture: "arm64" });
    await expectUserError(
      deploy(request({ functionName: arm, functionZip }), clients, policy, new MemoryLog()),
      /runs on arm64, but the packages were built for x86_64/,
    );
    expect(writes(mark)).toEqual([]);
  });

  it("waits for an update in progress, then succeeds", async () => {
    const name = newFunction();
    const sdk = clients.lambda;
    await sdk.send(new UpdateFunctionConfigurationCommand({ FunctionName: name, Description: "someone else" }));
    expect(aws.getFunction(REGION, name)?.lastUpdateStatus).toBe("InProgress");
    const result = await deploy(request({ functionName: name, functionZip }), clients, policy, new MemoryLog());
    expect(result.deployed).toBe("updated");
    expect(aws.getFunction(REGION, name)?.codeSha256).toBe(functionZip.codeSha256);
    expect(aws.calls.some((c) => c.status === 409)).toBe(false);
  });

  it("detects a concurrent deploy by RevisionId and does not overwrite it", async () => {
    aws.createBucket("artifacts-race", REGION);
    const name = newFunction();
    const sdk = clients.lambda;
    let raced = false;
    const log = new MemoryLog(async (line) => {
      // another deploy changes the function while ours uploads
      if (!raced && line.startsWith("Uploading")) {
        raced = true;
        await sdk.send(new UpdateFunctionConfigurationCommand({ FunctionName: name, Description: "concurrent" }));
      }
    });
    const zip = await zipOf({ "app.py": "race = 1\n" });
    await expectUserError(
      deploy(
        request({
          functionName: name,
          functionZip: zip,
          s3: { bucket: "artifacts-race", prefix: "", upload: "always" },
        }),
        clients,
        policy,
        log,
      ),
      /PreconditionFailedException[\s\S]*changed while this deploy ran/,
    );
    expect(aws.getFunction(REGION, name)?.codeSha256).not.toBe(zip.codeSha256);
  });

  it("reports an update that ends Failed with AWS's reason", async () => {
    const name = newFunction();
    aws.failNextUpdate(REGION, name, "Layer conflict: python/ already provides lib");
    await expectUserError(
      deploy(request({ functionName: name, functionZip }), clients, policy, new MemoryLog()),
      /failed in Lambda: Layer conflict: python\/ already provides lib/,
    );
  });

  it("publishes a layer version, reuses an identical one, and attaches it keeping the other layers", async () => {
    const sdk = clients.lambda;
    const observability = await zipOf({ "python/obs.py": "TRACE = True\n" });
    const other = await sdk.send(
      new PublishLayerVersionCommand({
        LayerName: "observability",
        Content: { ZipFile: await readFile(observability.path) },
      }),
    );
    const oldOurs = await sdk.send(
      new PublishLayerVersionCommand({ LayerName: "deps", Content: { ZipFile: await readFile(functionZip.path) } }),
    );
    const name = newFunction({ layers: [oldOurs.LayerVersionArn!, other.LayerVersionArn!] });

    const first = await deploy(
      request({ functionName: name, layerName: "deps", functionZip, layerZip }),
      clients,
      policy,
      new MemoryLog(),
    );
    expect(first.layerVersion).toBe("2");
    expect(aws.getFunction(REGION, name)?.layers).toEqual([first.layerVersionArn, other.LayerVersionArn]);
    expect(aws.getFunction(REGION, name)?.environment).toEqual({ STAGE: "prod" });
    const layer = aws.getLayerVersions(REGION, "deps").at(-1);
    expect(layer).toMatchObject({ compatibleRuntimes: ["python3.12"], compatibleArchitectures: ["x86_64"] });

    const mark = aws.calls.length;
    const second = await deploy(
      request({ functionName: name, layerName: "deps", functionZip, layerZip }),
      clients,
      policy,
      new MemoryLog(),
    );
    expect(second).toMatchObject({ deployed: "unchanged", layerVersion: "2" });
    expect(writes(mark)).toEqual([]);
  });

  it("publishes a version and creates, then moves, an alias; unchanged code moves nothing", async () => {
    const name = newFunction();
    const first = await deploy(
      request({ functionName: name, functionZip, publish: true, alias: "live" }),
      clients,
      policy,
      new MemoryLog(),
    );
    expect(first).toMatchObject({
      deployed: "updated",
      functionVersion: "1",
      aliasArn: `arn:aws:lambda:${REGION}:123456789012:function:${name}:live`,
    });

    const mark = aws.calls.length;
    const same = await deploy(
      request({ functionName: name, functionZip, publish: true, alias: "live" }),
      clients,
      policy,
      new MemoryLog(),
    );
    expect(same).toMatchObject({ deployed: "unchanged", functionVersion: "1" });
    expect(writes(mark)).toEqual([]);

    const next = await zipOf({ "app.py": "def handler(e, c):\n    return 2\n" });
    const moved = await deploy(
      request({ functionName: name, functionZip: next, publish: true, alias: "live" }),
      clients,
      policy,
      new MemoryLog(),
    );
    expect(moved).toMatchObject({ deployed: "updated", functionVersion: "2" });
    expect(aws.getFunction(REGION, name)?.aliases.find((a) => a.name === "live")?.functionVersion).toBe("2");
  });

  it("retries throttling and 5xx on Lambda and S3 to success, with backoff", async () => {
    aws.createBucket("artifacts-flaky", REGION);
    const name = newFunction();
    aws.inject({ service: "lambda", operation: "GetFunction", kind: "throttle", times: 2 });
    aws.inject({ service: "lambda", operation: "UpdateFunctionCode", kind: "server-error", times: 2 });
    aws.inject({ service: "s3", operation: "PutObject", kind: "server-error", times: 1 });
    const zip = await zipOf({ "app.py": "flaky = 1\n" });
    const result = await deploy(
      request({
        functionName: name,
        functionZip: zip,
        s3: { bucket: "artifacts-flaky", prefix: "", upload: "always" },
      }),
      clients,
      countingPolicy,
      new MemoryLog(),
    );
    expect(result.deployed).toBe("updated");
    expect(aws.getFunction(REGION, name)?.codeSha256).toBe(zip.codeSha256);
    expect(sleeps.length).toBeGreaterThanOrEqual(4);
    expect(aws.calls.filter((c) => c.operation === "UpdateFunctionCode" && c.status >= 500).length).toBe(2);
  });

  it("refuses wrong credentials with a clear error", async () => {
    const wrong = new LambdaClient({
      region: REGION,
      endpoint: aws.endpoint,
      credentials: { accessKeyId: TEST_CREDENTIALS.accessKeyId, secretAccessKey: "wrong".repeat(8) },
      maxAttempts: 1,
    });
    const name = newFunction();
    await expectUserError(
      deploy(request({ functionName: name, functionZip }), { ...clients, lambda: wrong }, policy, new MemoryLog()),
      /InvalidSignatureException[\s\S]*secret key does not match/,
    );
  });

  it("refuses a function plus layers over 262,144,000 bytes unzipped, and a sixth layer, before any write", async () => {
    const zeros = Buffer.alloc(140 * 1024 * 1024);
    const bigFunction = await zipOf({ "app.py": "x = 1\n", "data.bin": zeros });
    const bigLayer = await zipOf({ "python/data.bin": zeros });
    const name = newFunction();
    const mark = aws.calls.length;
    await expectUserError(
      deploy(
        request({ functionName: name, layerName: "huge", functionZip: bigFunction, layerZip: bigLayer }),
        clients,
        policy,
        new MemoryLog(),
      ),
      /would hold 293601\d+ bytes unzipped \(function 140\.0 MB, layer 140\.0 MB\): Lambda's limit is 262144000/,
    );
    expect(writes(mark)).toEqual([]);
    expect(aws.getLayerVersions(REGION, "huge")).toEqual([]);
    const sdk = clients.lambda;
    const five = [];
    for (let i = 0; i < 5; i++) {
      five.push(
        (
          await sdk.send(
            new PublishLayerVersionCommand({
              LayerName: `extra-${i}`,
              Content: { ZipFile: await readFile(layerZip.path) },
            }),
          )
        ).LayerVersionArn!,
      );
    }
    const full = newFunction({ layers: five });
    const mark2 = aws.calls.length;
    await expectUserError(
      deploy(
        request({ functionName: full, layerName: "deps6", functionZip, layerZip }),
        clients,
        policy,
        new MemoryLog(),
      ),
      /6 layers; Lambda allows 5/,
    );
    expect(writes(mark2)).toEqual([]);
    expect(aws.getLayerVersions(REGION, "deps6")).toEqual([]);
  }, 60_000);

  it("attaches layer versions another job published, replacing their older version and keeping the rest", async () => {
    const sdk = clients.lambda;
    const publish = async (name: string) =>
      (
        await sdk.send(
          new PublishLayerVersionCommand({ LayerName: name, Content: { ZipFile: await readFile(layerZip.path) } }),
        )
      ).LayerVersionArn!;
    const shared1 = await publish("shared");
    const monitoring = await publish("monitoring");
    const shared2 = await publish("shared");
    const name = newFunction({ layers: [shared1, monitoring] });
    const result = await deploy(
      request({ functionName: name, functionZip, layerArns: [shared2] }),
      clients,
      policy,
      new MemoryLog(),
    );
    expect(result.changes).toContain(`UpdateFunctionConfiguration ${name} Layers`);
    expect(aws.getFunction(REGION, name)?.layers).toEqual([shared2, monitoring]);
  });

  it("refuses `layers` that would pass 5 layers before any write: no layer version is published", async () => {
    const sdk = clients.lambda;
    const publish = async (name: string) =>
      (
        await sdk.send(
          new PublishLayerVersionCommand({ LayerName: name, Content: { ZipFile: await readFile(layerZip.path) } }),
        )
      ).LayerVersionArn!;
    const four = [];
    for (let i = 0; i < 4; i++) four.push(await publish(`kept-${i}`));
    const extra = await publish("extra-from-input");
    const name = newFunction({ layers: four });
    const published = aws.getLayerVersions(REGION, "deps-limit").length;
    const mark = aws.calls.length;
    await expectUserError(
      deploy(
        request({ functionName: name, layerName: "deps-limit", functionZip, layerZip, layerArns: [extra] }),
        clients,
        policy,
        new MemoryLog(),
      ),
      /6 layers; Lambda allows 5/,
    );
    expect(writes(mark)).toEqual([]);
    expect(aws.getLayerVersions(REGION, "deps-limit").length).toBe(published);
    expect(aws.getFunction(REGION, name)?.layers).toEqual(four);
  });

  it("takes `layer-name` as an ARN: the old version of our layer is replaced in place, not counted as another", async () => {
    const sdk = clients.lambda;
    const publish = async (name: string, zip: ZipResult) =>
      (
        await sdk.send(
          new PublishLayerVersionCommand({ LayerName: name, Content: { ZipFile: await readFile(zip.path) } }),
        )
      ).LayerVersionArn!;
    const others = [];
    for (let i = 0; i < 4; i++) others.push(await publish(`around-${i}`, layerZip));
    const oldOurs = await publish("deps-by-arn", functionZip);
    const layerArn = `arn:aws:lambda:${REGION}:123456789012:layer:deps-by-arn`;
    const name = newFunction({ layers: [others[0]!, others[1]!, oldOurs, others[2]!, others[3]!] });
    const result = await deploy(
      request({ functionName: name, layerName: layerArn, functionZip, layerZip }),
      clients,
      policy,
      new MemoryLog(),
    );
    expect(result.layerVersionArn).toBe(`${layerArn}:2`);
    expect(aws.getFunction(REGION, name)?.layers).toEqual([
      others[0],
      others[1],
      `${layerArn}:2`,
      others[2],
      others[3],
    ]);

    // the same deploy by name: the same layer, nothing to do
    const mark = aws.calls.length;
    const byName = await deploy(
      request({ functionName: name, layerName: "deps-by-arn", functionZip, layerZip }),
      clients,
      policy,
      new MemoryLog(),
    );
    expect(byName).toMatchObject({ deployed: "unchanged", layerVersionArn: `${layerArn}:2` });
    expect(writes(mark)).toEqual([]);
  });
});
