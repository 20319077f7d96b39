import { createHmac } from "node:crypto";
import {
  CreateAliasCommand,
  CreateFunctionCommand,
  GetAliasCommand,
  GetFunctionCommand,
  GetFunctionConfigurationCommand,
  GetLayerVersionCommand,
  LambdaClient,
  ListLayerVersionsCommand,
  PublishLayerVersionCommand,
  PublishVersionCommand,
  UpdateAliasCommand,
  UpdateFunctionCodeCommand,
  UpdateFunctionConfigurationCommand,
  waitUntilFunctionUpdatedV2,
} from "@aws-sdk/client-lambda";
import {
  CreateBucketCommand,
  GetBucketLocationCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LocalAws, makeZip, startLocalAws, TEST_CREDENTIALS } from "../devtools/local-aws/index.ts";
import { decodeAwsChunked, sha256Hex, signingKey } from "../devtools/local-aws/sigv4.ts";
import { unzippedSize } from "../devtools/local-aws/zipsize.ts";
import { makeClients } from "../src/deploy/aws.ts";

const REGION = "eu-west-1";
const ACCOUNT = "123456789012";
const ROLE = `arn:aws:iam::${ACCOUNT}:role/test`;
const WAIT = { minDelay: 0.05, maxDelay: 0.2, maxWaitTime: 5 };
const OTHER_KEY = { accessKeyId: "AKIDNOBODY", secretAccessKey: "y".repeat(40) };

type AwsError = Error & { $metadata?: { httpStatusCode?: number }; $response?: { headers: Record<string, string> } };

let local: LocalAws;

beforeAll(async () => {
  local = await startLocalAws({ updateDelayMs: 400 });
});

afterAll(async () => {
  await local.close();
});

function lambda(overrides: Partial<ConstructorParameters<typeof LambdaClient>[0]> = {}): LambdaClient {
  return new LambdaClient({ endpoint: local.endpoint, region: REGION, credentials: TEST_CREDENTIALS, ...overrides });
}

function s3(region = REGION, credentials = TEST_CREDENTIALS): S3Client {
  return new S3Client({ endpoint: local.endpoint, region, credentials, forcePathStyle: true });
}

function zipOf(text: string, claimedSize?: number): Buffer {
  return makeZip([{ name: "app.py", data: text, claimedSize }]);
}

async function failure(promise: Promise<unknown>): Promise<AwsError> {
  try {
    await promise;
  } catch (error) {
    return error as AwsError;
  }
  throw new Error("expected the call to fail");
}

async function waitUpdated(client: LambdaClient, name: string): Promise<void> {
  await waitUntilFunctionUpdatedV2({ client, ...WAIT }, { FunctionName: name });
}

function hmacHex(key: Buffer, lines: string[]): string {
  return createHmac("sha256", key).update(lines.join("\n")).digest("hex");
}

describe("authentication", () => {
  it("refuses a wrong secret, an unknown key id and a missing signature; accepts a session token", async () => {
    local.createFunction({ name: "auth-fn", region: REGION });
    const wrongSecret = { ...TEST_CREDENTIALS, secretAccessKey: "x".repeat(40) };
    const get = new GetFunctionCommand({ FunctionName: "auth-fn" });
    const bad = await failure(lambda({ credentials: wrongSecret }).send(get));
    expect(bad.name).toBe("InvalidSignatureException");
    expect(bad.$metadata?.httpStatusCode).toBe(403);
    expect((await failure(lambda({ credentials: OTHER_KEY }).send(get))).name).toBe("UnrecognizedClientException");
    const list = new ListObjectsV2Command({ Bucket: "any-bucket" });
    expect((await failure(s3(REGION, wrongSecret).send(list))).name).toBe("SignatureDoesNotMatch");
    expect((await failure(s3(REGION, OTHER_KEY).send(list))).name).toBe("InvalidAccessKeyId");
    const anonymous = await fetch(`${local.endpoint}/2015-03-31/functions/auth-fn`);
    expect(anonymous.status).toBe(403);
    expect(anonymous.headers.get("x-amzn-errortype")).toBe("MissingAuthenticationTokenException");
    const withToken = lambda({ credentials: { ...TEST_CREDENTIALS, sessionToken: "session-token" } });
    expect((await withToken.send(get)).Configuration?.FunctionName).toBe("auth-fn");
  });

  it("verifies signed aws-chunked bodies chunk by chunk", () => {
    const key = signingKey(TEST_CREDENTIALS.secretAccessKey, "20240101", REGION, "s3");
    const seed = "0".repeat(64);
    const verified = {
      scope: { accessKeyId: "a", date: "20240101", region: REGION, service: "s3", signedHeaders: [], signature: seed },
      amzDate: "20240101T000000Z",
      signature: seed,
      key,
    };
    const scope = `20240101/${REGION}/s3/aws4_request`;
    const sign = (previous: string, data: string) =>
      hmacHex(key, ["AWS4-HMAC-SHA256-PAYLOAD", verified.amzDate, scope, previous, sha256Hex(""), sha256Hex(data)]);
    const first = sign(seed, "hello ");
    const last = sign(first, "");
    const body = (text: string) =>
      Buffer.from(`6;chunk-signature=${first}\r\n${text}\r\n0;chunk-signature=${last}\r\n\r\n`);
    expect(decodeAwsChunked(body("hello "), verified).data.toString()).toBe("hello ");
    expect(() => decodeAwsChunked(body("HELLO "), verified)).toThrow(/chunk signature/);
  });
});

describe("lambda functions", () => {
  it("goes Pending → Active and InProgress → Successful, refusing other updates meanwhile", async () => {
    const client = lambda();
    const created = await client.send(
      new CreateFunctionCommand({
        FunctionName: "state-fn",
        Role: ROLE,
        Runtime: "python3.12",
        Handler: "app.handler",
        Code: { ZipFile: zipOf("v1") },
      }),
    );
    expect(created.State).toBe("Pending");
    const early = await failure(
      client.send(new UpdateFunctionCodeCommand({ FunctionName: "state-fn", ZipFile: zipOf("v2") })),
    );
    expect(early.name).toBe("ResourceConflictException");
    await waitUpdated(client, "state-fn");
    const active = await client.send(new GetFunctionConfigurationCommand({ FunctionName: "state-fn" }));
    expect(active.State).toBe("Active");
    expect(active.LastUpdateStatus).toBe("Successful");

    const updated = await client.send(
      new UpdateFunctionCodeCommand({ FunctionName: "state-fn", ZipFile: zipOf("v2") }),
    );
    expect(updated.LastUpdateStatus).toBe("InProgress");
    expect(updated.CodeSha256).toBe(local.getFunction(REGION, "state-fn")?.codeSha256);
    const conflict = await failure(
      client.send(new UpdateFunctionConfigurationCommand({ FunctionName: "state-fn", Timeout: 9 })),
    );
    expect(conflict.name).toBe("ResourceConflictException");
    expect(conflict.$metadata?.httpStatusCode).toBe(409);
    expect(conflict.message).toBe(
      `The operation cannot be performed at this time. An update is in progress for resource: arn:aws:lambda:${REGION}:${ACCOUNT}:function:state-fn`,
    );
    await waitUpdated(client, "state-fn");
    expect(local.getFunction(REGION, "state-fn")?.lastUpdateStatus).toBe("Successful");
  });

  it("answers unknown functions and code updates on image functions as AWS does", async () => {
    const client = lambda();
    const missing = await failure(client.send(new GetFunctionCommand({ FunctionName: "nope" })));
    expect(missing.name).toBe("ResourceNotFoundException");
    expect(missing.message).toBe(`Function not found: arn:aws:lambda:${REGION}:${ACCOUNT}:function:nope`);
    local.createFunction({ name: "image-fn", region: REGION, packageType: "Image" });
    const image = await failure(
      client.send(new UpdateFunctionCodeCommand({ FunctionName: "image-fn", ZipFile: zipOf("x") })),
    );
    expect(image.name).toBe("InvalidParameterValueException");
  });

  it("rejects a stale RevisionId and keeps fields that were not sent", async () => {
    const client = lambda();
    local.createFunction({ name: "rev-fn", region: REGION, environment: { KEEP: "me" } });
    const before = await client.send(new GetFunctionConfigurationCommand({ FunctionName: "rev-fn" }));
    await client.send(new UpdateFunctionConfigurationCommand({ FunctionName: "rev-fn", Description: "changed" }));
    await waitUpdated(client, "rev-fn");
    const stale = await failure(
      client.send(
        new UpdateFunctionCodeCommand({ FunctionName: "rev-fn", ZipFile: zipOf("x"), RevisionId: before.RevisionId }),
      ),
    );
    expect(stale.name).toBe("PreconditionFailedException");
    expect(stale.$metadata?.httpStatusCode).toBe(412);
    const after = await client.send(new GetFunctionConfigurationCommand({ FunctionName: "rev-fn" }));
    expect(after.RevisionId).not.toBe(before.RevisionId);
    expect(after.Environment?.Variables).toEqual({ KEEP: "me" });
    expect(after.Description).toBe("changed");
  });

  it("ends a failed update as Failed, rolls back, and the waiter reports it", async () => {
    const client = lambda();
    const seeded = local.createFunction({ name: "fail-fn", region: REGION });
    const original = seeded.codeSha256;
    local.failNextUpdate(REGION, "fail-fn", "ENI limit reached");
    await client.send(new UpdateFunctionCodeCommand({ FunctionName: "fail-fn", ZipFile: zipOf("broken") }));
    await expect(waitUpdated(client, "fail-fn")).rejects.toThrow();
    const state = local.getFunction(REGION, "fail-fn");
    expect(state?.lastUpdateStatus).toBe("Failed");
    expect(state?.lastUpdateStatusReason).toBe("ENI limit reached");
    expect(state?.codeSha256).toBe(original);
  });

  it("enforces the unzipped size over function plus layers, and the request body limit", async () => {
    const client = lambda();
    local.createFunction({ name: "size-fn", region: REGION });
    const huge = zipOf("tiny", 262_144_001);
    expect(unzippedSize(huge)).toBe(262_144_001);
    const tooBig = await failure(
      client.send(new UpdateFunctionCodeCommand({ FunctionName: "size-fn", ZipFile: huge })),
    );
    expect(tooBig.name).toBe("InvalidParameterValueException");
    expect(tooBig.message).toBe("Unzipped size must be smaller than 262144000 bytes");

    const layer = await client.send(
      new PublishLayerVersionCommand({ LayerName: "big-layer", Content: { ZipFile: zipOf("layer", 200_000_000) } }),
    );
    await client.send(new UpdateFunctionCodeCommand({ FunctionName: "size-fn", ZipFile: zipOf("code", 70_000_000) }));
    await waitUpdated(client, "size-fn");
    const combined = await failure(
      client.send(
        new UpdateFunctionConfigurationCommand({ FunctionName: "size-fn", Layers: [layer.LayerVersionArn!] }),
      ),
    );
    expect(combined.message).toBe("Unzipped size must be smaller than 262144000 bytes");

    const oversized = await failure(
      client.send(new UpdateFunctionCodeCommand({ FunctionName: "size-fn", ZipFile: Buffer.alloc(52_500_000) })),
    );
    expect(oversized.name).toBe("RequestEntityTooLargeException");
    expect(oversized.$metadata?.httpStatusCode).toBe(413);
  });

  it("publishes versions idempotently and manages aliases", async () => {
    const client = lambda();
    const fn = local.createFunction({ name: "ver-fn", region: REGION });
    const v1 = await client.send(new PublishVersionCommand({ FunctionName: "ver-fn", CodeSha256: fn.codeSha256 }));
    expect(v1.Version).toBe("1");
    expect(v1.FunctionArn).toBe(`arn:aws:lambda:${REGION}:${ACCOUNT}:function:ver-fn:1`);
    expect((await client.send(new PublishVersionCommand({ FunctionName: "ver-fn" }))).Version).toBe("1");
    const wrongSha = await failure(
      client.send(new PublishVersionCommand({ FunctionName: "ver-fn", CodeSha256: "AAAA" })),
    );
    expect(wrongSha.name).toBe("InvalidParameterValueException");
    await client.send(new UpdateFunctionCodeCommand({ FunctionName: "ver-fn", ZipFile: zipOf("v2") }));
    expect((await failure(client.send(new PublishVersionCommand({ FunctionName: "ver-fn" })))).name).toBe(
      "ResourceConflictException",
    );
    await waitUpdated(client, "ver-fn");
    expect((await client.send(new PublishVersionCommand({ FunctionName: "ver-fn" }))).Version).toBe("2");

    const alias = await client.send(
      new CreateAliasCommand({ FunctionName: "ver-fn", Name: "live", FunctionVersion: "1" }),
    );
    expect(alias.AliasArn).toBe(`arn:aws:lambda:${REGION}:${ACCOUNT}:function:ver-fn:live`);
    await client.send(new UpdateAliasCommand({ FunctionName: "ver-fn", Name: "live", FunctionVersion: "2" }));
    expect((await client.send(new GetAliasCommand({ FunctionName: "ver-fn", Name: "live" }))).FunctionVersion).toBe(
      "2",
    );
    const numeric = await failure(
      client.send(new CreateAliasCommand({ FunctionName: "ver-fn", Name: "123", FunctionVersion: "1" })),
    );
    expect(numeric.name).toBe("ValidationException");
    const unknownVersion = await failure(
      client.send(new CreateAliasCommand({ FunctionName: "ver-fn", Name: "next", FunctionVersion: "9" })),
    );
    expect(unknownVersion.name).toBe("ResourceNotFoundException");
    expect(local.getFunction(REGION, "ver-fn")?.aliases.map((a) => a.functionVersion)).toEqual(["2"]);
  });
});

describe("lambda layers", () => {
  it("publishes numbered versions, lists newest first, and checks the function's layer list", async () => {
    const client = lambda();
    const first = await client.send(
      new PublishLayerVersionCommand({
        LayerName: "deps",
        Content: { ZipFile: makeZip([{ name: "python/a.py", data: "a" }]) },
        CompatibleRuntimes: ["python3.12"],
        CompatibleArchitectures: ["arm64"],
        Description: "first",
      }),
    );
    const second = await client.send(
      new PublishLayerVersionCommand({
        LayerName: "deps",
        Content: { ZipFile: makeZip([{ name: "python/b.py", data: "b" }]) },
      }),
    );
    expect([first.Version, second.Version]).toEqual([1, 2]);
    expect(first.LayerVersionArn).toBe(`arn:aws:lambda:${REGION}:${ACCOUNT}:layer:deps:1`);
    expect(first.Content?.CodeSize).toBeGreaterThan(0);
    const listed = await client.send(new ListLayerVersionsCommand({ LayerName: "deps" }));
    expect(listed.LayerVersions?.map((v) => v.Version)).toEqual([2, 1]);
    const arm = await client.send(new ListLayerVersionsCommand({ LayerName: "deps", CompatibleArchitecture: "arm64" }));
    expect(arm.LayerVersions?.map((v) => v.Version)).toEqual([1]);
    expect((await client.send(new GetLayerVersionCommand({ LayerName: "deps", VersionNumber: 1 }))).Description).toBe(
      "first",
    );
    const tooMany = await failure(
      client.send(
        new PublishLayerVersionCommand({
          LayerName: "deps",
          Content: { ZipFile: zipOf("x") },
          CompatibleRuntimes: Array.from({ length: 16 }, () => "python3.12" as const),
        }),
      ),
    );
    expect(tooMany.name).toBe("ValidationException");
    expect(
      (
        await failure(
          client.send(new PublishLayerVersionCommand({ LayerName: "bad name!", Content: { ZipFile: zipOf("x") } })),
        )
      ).name,
    ).toBe("ValidationException");

    local.createFunction({ name: "layered-fn", region: REGION, environment: { STAY: "1" } });
    const six = Array.from({ length: 6 }, () => first.LayerVersionArn!);
    const overLimit = await failure(
      client.send(new UpdateFunctionConfigurationCommand({ FunctionName: "layered-fn", Layers: six })),
    );
    expect(overLimit.name).toBe("InvalidParameterValueException");
    const missing = `arn:aws:lambda:${REGION}:${ACCOUNT}:layer:deps:99`;
    expect(
      (
        await failure(
          client.send(new UpdateFunctionConfigurationCommand({ FunctionName: "layered-fn", Layers: [missing] })),
        )
      ).name,
    ).toBe("InvalidParameterValueException");
    await client.send(
      new UpdateFunctionConfigurationCommand({ FunctionName: "layered-fn", Layers: [second.LayerVersionArn!] }),
    );
    await waitUpdated(client, "layered-fn");
    const state = local.getFunction(REGION, "layered-fn");
    expect(state?.layers).toEqual([second.LayerVersionArn]);
    expect(state?.environment).toEqual({ STAY: "1" });
  });
});

describe("s3", () => {
  it("reports bucket regions and redirects calls signed for another region", async () => {
    const west = s3("us-west-2");
    await west.send(
      new CreateBucketCommand({
        Bucket: "west-bucket",
        CreateBucketConfiguration: { LocationConstraint: "us-west-2" },
      }),
    );
    expect((await west.send(new HeadBucketCommand({ Bucket: "west-bucket" }))).BucketRegion).toBe("us-west-2");
    expect((await s3().send(new GetBucketLocationCommand({ Bucket: "west-bucket" }))).LocationConstraint).toBe(
      "us-west-2",
    );
    const redirected = await failure(s3().send(new HeadBucketCommand({ Bucket: "west-bucket" })));
    expect(redirected.$metadata?.httpStatusCode).toBe(301);
    expect(redirected.$response?.headers["x-amz-bucket-region"]).toBe("us-west-2");
    const put = await failure(s3().send(new PutObjectCommand({ Bucket: "west-bucket", Key: "k", Body: "x" })));
    expect(put.name).toBe("PermanentRedirect");
    expect(
      (await failure(s3().send(new HeadBucketCommand({ Bucket: "no-such-bucket" })))).$metadata?.httpStatusCode,
    ).toBe(404);
    expect((await failure(s3().send(new ListObjectsV2Command({ Bucket: "no-such-bucket" })))).name).toBe(
      "NoSuchBucket",
    );
  });

  it("lists with prefix, delimiter and continuation tokens", async () => {
    const client = s3();
    local.createBucket("listing", REGION);
    for (const key of ["a/", "a/b", "a/c/d", "b/1", "c", "d/x"]) local.putObject("listing", key, Buffer.from(key));
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const page = await client.send(
        new ListObjectsV2Command({ Bucket: "listing", Delimiter: "/", MaxKeys: 2, ContinuationToken: token }),
      );
      keys.push(...(page.CommonPrefixes ?? []).map((p) => p.Prefix!), ...(page.Contents ?? []).map((c) => c.Key!));
      token = page.NextContinuationToken;
    } while (token);
    expect(keys.sort()).toEqual(["a/", "b/", "c", "d/"]);
    const underA = await client.send(new ListObjectsV2Command({ Bucket: "listing", Prefix: "a/", Delimiter: "/" }));
    expect(underA.Contents?.map((c) => c.Key)).toEqual(["a/", "a/b"]);
    expect(underA.CommonPrefixes?.map((p) => p.Prefix)).toEqual(["a/c/"]);
    const wrongConstraint = await failure(
      client.send(
        new CreateBucketCommand({
          Bucket: "elsewhere",
          CreateBucketConfiguration: { LocationConstraint: "us-west-2" },
        }),
      ),
    );
    expect(wrongConstraint.name).toBe("IllegalLocationConstraintException");
  });

  it("stores single and multipart uploads (lib-storage, 12 MB in 5 MB parts)", async () => {
    const client = s3();
    await client.send(
      new CreateBucketCommand({ Bucket: "artifacts", CreateBucketConfiguration: { LocationConstraint: REGION } }),
    );
    await client.send(new PutObjectCommand({ Bucket: "artifacts", Key: "small/a b.txt", Body: "hello" }));
    const big = Buffer.alloc(12 * 1024 * 1024);
    for (let i = 0; i < big.length; i += 4096) big[i] = i % 251;
    const callsBefore = local.calls.length;
    await new Upload({
      client,
      params: { Bucket: "artifacts", Key: "big/layer.zip", Body: big },
      partSize: 5 * 1024 * 1024,
    }).done();
    const operations = local.calls.slice(callsBefore).map((c) => c.operation);
    expect(operations.filter((o) => o === "UploadPart")).toHaveLength(3);
    expect(operations).toContain("CompleteMultipartUpload");
    const head = await client.send(new HeadObjectCommand({ Bucket: "artifacts", Key: "big/layer.zip" }));
    expect(head.ContentLength).toBe(big.length);
    expect(head.ETag).toMatch(/-3"$/);
    const got = await client.send(new GetObjectCommand({ Bucket: "artifacts", Key: "big/layer.zip" }));
    expect(Buffer.from(await got.Body!.transformToByteArray()).equals(big)).toBe(true);
    const listed = await client.send(new ListObjectsV2Command({ Bucket: "artifacts", Prefix: "small/" }));
    expect(listed.Contents?.map((c) => c.Key)).toEqual(["small/a b.txt"]);
    const missing = await failure(client.send(new HeadObjectCommand({ Bucket: "artifacts", Key: "nothing" })));
    expect(missing.$metadata?.httpStatusCode).toBe(404);
  });
});

describe("lambda code from s3", () => {
  it("reads code from the emulator's S3, refusing other regions and missing keys", async () => {
    const client = lambda();
    local.createBucket("code-eu", REGION);
    local.createBucket("code-us", "us-east-1");
    const zip = zipOf("from s3");
    await s3().send(new PutObjectCommand({ Bucket: "code-eu", Key: "fn.zip", Body: zip }));
    local.putObject("code-us", "fn.zip", zip);
    local.createFunction({ name: "s3-fn", region: REGION });
    const wrongRegion = await failure(
      client.send(new UpdateFunctionCodeCommand({ FunctionName: "s3-fn", S3Bucket: "code-us", S3Key: "fn.zip" })),
    );
    expect(wrongRegion.name).toBe("InvalidParameterValueException");
    expect(wrongRegion.message).toContain("PermanentRedirect");
    const noKey = await failure(
      client.send(new UpdateFunctionCodeCommand({ FunctionName: "s3-fn", S3Bucket: "code-eu", S3Key: "x.zip" })),
    );
    expect(noKey.message).toContain("S3 Error Code: NoSuchKey");
    const ok = await client.send(
      new UpdateFunctionCodeCommand({ FunctionName: "s3-fn", S3Bucket: "code-eu", S3Key: "fn.zip" }),
    );
    expect(ok.CodeSize).toBe(zip.length);
    expect(local.getFunction(REGION, "s3-fn")?.zip.equals(zip)).toBe(true);
  });
});

describe("faults and endpoints", () => {
  it("throttles, fails, resets and slows matching calls; the SDK retries to success", async () => {
    local.createFunction({ name: "fault-fn", region: REGION });
    const client = lambda();
    local.inject({ service: "lambda", operation: "GetFunction", kind: "throttle", times: 1 });
    local.inject({ service: "lambda", operation: "GetFunction", kind: "server-error", times: 1 });
    const start = local.calls.length;
    await client.send(new GetFunctionCommand({ FunctionName: "fault-fn" }));
    expect(local.calls.slice(start).map((c) => c.status)).toEqual([429, 500, 200]);

    local.inject({ service: "s3", operation: "PutObject", kind: "reset", times: 1 });
    local.inject({ service: "s3", operation: "PutObject", kind: "throttle", times: 1 });
    local.createBucket("faulty", REGION);
    const s3Start = local.calls.length;
    await s3().send(new PutObjectCommand({ Bucket: "faulty", Key: "k", Body: "v" }));
    expect(local.calls.slice(s3Start).map((c) => c.status)).toEqual([0, 503, 200]);

    local.inject({ operation: "*", kind: "slow", times: 1, delayMs: 200 });
    const slowStart = Date.now();
    await client.send(new GetFunctionConfigurationCommand({ FunctionName: "fault-fn" }));
    expect(Date.now() - slowStart).toBeGreaterThanOrEqual(190);
  });

  it("is reachable through AWS_ENDPOINT_URL_LAMBDA / AWS_ENDPOINT_URL_S3", async () => {
    // the action's clients, configured from an environment as a job would have it
    const viaEnv = makeClients(REGION, {
      AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey,
      AWS_ENDPOINT_URL_LAMBDA: local.endpoint,
      AWS_ENDPOINT_URL_S3: local.endpoint,
    });
    local.createFunction({ name: "env-fn", region: REGION });
    const fn = await viaEnv.lambda.send(new GetFunctionCommand({ FunctionName: "env-fn" }));
    expect(fn.Configuration?.FunctionName).toBe("env-fn");
    local.createBucket("env-bucket", REGION);
    await viaEnv.s3.send(new PutObjectCommand({ Bucket: "env-bucket", Key: "k", Body: "v" }));
    expect(local.getObject("env-bucket", "k")?.toString()).toBe("v");
  });
});
