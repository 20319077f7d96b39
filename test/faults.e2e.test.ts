/**
 * Faults during a deploy, through the whole action (`runAction`) against the local AWS:
 * throttling and 5xx on every kind of call are retried to success; a connection reset
 * in the middle of a multipart upload ends with the right bytes; an update that ends
 * Failed is reported with AWS's reason; a concurrent deploy is caught by RevisionId;
 * an upload that is never followed by its update leaves the function on its previous
 * code, and a rerun completes without uploading again.
 */
import { randomBytes } from "node:crypto";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { PublishLayerVersionCommand, UpdateFunctionConfigurationCommand } from "@aws-sdk/client-lambda";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LocalAws, makeZip, startLocalAws } from "../devtools/local-aws/index.ts";
import { type LocalIndex, startIndex } from "../devtools/pypi/index-server.ts";
import { type BuiltWheel, makeWheel } from "../devtools/pypi/wheel.ts";
import { makeClients, type RetryPolicy } from "../src/deploy/aws.ts";
import { UserError } from "../src/errors.ts";
import { inputsFrom } from "../src/inputs.ts";
import { MemoryLog } from "../src/log.ts";
import { type ActionResult, runAction } from "../src/run.ts";
import { fastRetry, localAwsEnv, WRITE_OPERATIONS } from "./support/action.ts";
import { pinned, writeProject } from "./support/project.ts";
import { cleanPipEnv, hostPython } from "./support/python.ts";

const REGION = "us-east-2";
const BUCKET = "lpp-fault-artifacts";
let work: string;
let index: LocalIndex;
let aws: LocalAws;
const wheels: Record<string, BuiltWheel> = {};

beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), "lpp-faults-"));
  wheels.tinylib = await makeWheel(path.join(work, "wheels"), {
    name: "tinylib",
    version: "1.0",
    files: { "tinylib/__init__.py": "V = 1\n" },
  });
  wheels.extralib = await makeWheel(path.join(work, "wheels"), {
    name: "extralib",
    version: "2.0",
    files: { "extralib/__init__.py": "W = 2\n" },
  });
  index = await startIndex(path.join(work, "wheels"));
  aws = await startLocalAws({ updateDelayMs: 40 });
  aws.createBucket(BUCKET, REGION);
});

afterAll(async () => {
  await index?.close();
  await aws?.close();
  await rm(work, { recursive: true, force: true });
});

const HANDLER = (n: number) => `import tinylib\n\ndef handler(event, context):\n    return tinylib.V + ${n}\n`;

async function project(name: string, files: Record<string, string | Buffer>): Promise<string> {
  const dir = path.join(work, "projects", name);
  await mkdir(dir, { recursive: true });
  for (const [file, content] of Object.entries(files)) {
    if (Buffer.isBuffer(content)) await writeFile(path.join(dir, file), content);
    else await writeProject(dir, { [file]: content });
  }
  return dir;
}

const requirements = (...names: string[]) =>
  `${names.map((n) => pinned(n, wheels[n]!.filename.split("-")[1]!, wheels[n]!)).join("\n")}\n`;

interface Run {
  result?: ActionResult;
  error?: unknown;
  log: MemoryLog;
  /** index into aws.calls where this run started */
  mark: number;
}

async function run(
  dir: string,
  values: Record<string, string>,
  policy: RetryPolicy = fastRetry(),
  log = new MemoryLog(),
) {
  const mark = aws.calls.length;
  const outcome: Run = { log, mark };
  try {
    const inputs = inputsFrom(
      { "working-directory": dir, python: hostPython(), runtime: "python3.12", region: REGION, ...values },
      {},
    );
    const env = cleanPipEnv(path.join(work, "home"), { PIP_INDEX_URL: index.url });
    outcome.result = await runAction(inputs, {
      log,
      env,
      awsClients: (region) => makeClients(region, { ...env, ...localAwsEnv(aws.endpoint) }),
      retryPolicy: policy,
    });
  } catch (error) {
    outcome.error = error;
  }
  return outcome;
}

function ok(r: Run): ActionResult {
  if (r.error !== undefined) {
    const e = r.error as Error;
    throw new Error(`the run failed: ${e instanceof UserError ? e.describe() : e?.stack}\n${r.log.lines.join("\n")}`);
  }
  return r.result!;
}

function userError(r: Run): UserError {
  expect(r.error, `the run should fail; log:\n${r.log.lines.join("\n")}`).toBeInstanceOf(UserError);
  return r.error as UserError;
}

const callsOf = (r: Run) => aws.calls.slice(r.mark);

/** Every kind of call a release deploy makes through S3: function, layer, other layers, alias. */
const OPERATIONS = [
  ["lambda", "GetFunction"],
  ["lambda", "GetFunctionConfiguration"],
  ["lambda", "GetLayerVersionByArn"],
  ["lambda", "ListLayerVersions"],
  ["lambda", "GetLayerVersion"],
  ["lambda", "PublishLayerVersion"],
  ["lambda", "UpdateFunctionCode"],
  ["lambda", "UpdateFunctionConfiguration"],
  ["lambda", "GetAlias"],
  ["lambda", "PublishVersion"],
  ["lambda", "CreateAlias"],
  ["lambda", "UpdateAlias"],
  ["s3", "HeadBucket"],
  ["s3", "HeadObject"],
  ["s3", "PutObject"],
  ["s3", "CreateMultipartUpload"],
  ["s3", "UploadPart"],
  ["s3", "CompleteMultipartUpload"],
] as const;

describe("throttling and 5xx on every kind of call are retried to success", () => {
  for (const kind of ["throttle", "server-error"] as const) {
    it(`${kind}: every Lambda and S3 call fails once, and the release still lands`, async () => {
      const name = `faults-${kind}`;
      const layerName = `${name}-deps`;
      const sdk = makeClients(REGION, localAwsEnv(aws.endpoint)).lambda;
      const other = await sdk.send(
        new PublishLayerVersionCommand({
          LayerName: `${name}-observability`,
          Content: { ZipFile: makeZip([{ name: "python/obs.py", data: "TRACE = 1\n" }]) },
        }),
      );
      // an older version of our layer exists: its bytes are compared before a new one is published
      await sdk.send(
        new PublishLayerVersionCommand({
          LayerName: layerName,
          Content: { ZipFile: makeZip([{ name: "python/old.py", data: "OLD = 1\n" }]) },
        }),
      );
      aws.createFunction({
        name,
        region: REGION,
        runtime: "python3.12",
        layers: [other.LayerVersionArn!],
        environment: { STAGE: "prod" },
      });
      const release = {
        package: "split",
        "function-name": name,
        "layer-name": layerName,
        alias: "live",
        "s3-bucket": BUCKET,
        "s3-prefix": "faults",
      };
      for (const [service, operation] of OPERATIONS) aws.inject({ service, operation, kind, times: 1 });

      // first release: creates the alias; the code is over one 8 MB part, so it goes multipart
      const dir1 = await project(`${name}-1`, {
        "app.py": HANDLER(1),
        "model.bin": randomBytes(9 * 1024 * 1024),
        "requirements.txt": requirements("tinylib"),
      });
      const first = ok(await run(dir1, release));
      expect(first.deploy).toMatchObject({ deployed: "updated", functionVersion: "1" });
      // second release: new code and a new layer; the alias moves
      const dir2 = await project(`${name}-2`, {
        "app.py": HANDLER(2),
        "requirements.txt": requirements("tinylib", "extralib"),
      });
      const second = ok(await run(dir2, release));
      expect(second.deploy).toMatchObject({ deployed: "updated", functionVersion: "2" });

      const fn = aws.getFunction(REGION, name)!;
      expect(fn.codeSha256).toBe(second.build.functionZip!.codeSha256);
      // the user's layer stays where it was; ours was added after it and is swapped in place
      expect(fn.layers).toEqual([other.LayerVersionArn, second.deploy.layerVersionArn]);
      expect(fn.environment).toEqual({ STAGE: "prod" });
      expect(fn.aliases.find((a) => a.name === "live")?.functionVersion).toBe("2");
      expect(aws.getLayerVersions(REGION, layerName).at(-1)?.codeSha256).toBe(second.build.layerZip!.codeSha256);

      // each kind of call was refused once, then succeeded
      const faultStatus = (service: string) => (kind === "server-error" ? 500 : service === "s3" ? 503 : 429);
      const calls = aws.calls.slice(0);
      for (const [service, operation] of OPERATIONS) {
        const mine = calls.filter((c) => c.operation === operation && c.region === REGION);
        const failed = mine.findIndex((c) => c.status === faultStatus(service));
        expect(failed, `${operation} got the injected ${kind}`).toBeGreaterThanOrEqual(0);
        // a real answer came after it (HeadObject and GetAlias may answer 404: nothing there yet)
        const answered = (status: number) =>
          (status >= 200 && status < 300) || (status === 404 && /^(HeadObject|GetAlias)$/.test(operation));
        expect(
          mine.slice(failed + 1).some((c) => answered(c.status)),
          `${operation} succeeded after the ${kind}`,
        ).toBe(true);
      }
    }, 60_000);
  }
});

describe("a connection reset in the middle of a multipart upload", () => {
  it("ends with the right bytes in S3 and the right CodeSha256 on the function", async () => {
    const name = "faults-reset";
    aws.createFunction({ name, region: REGION, runtime: "python3.12" });
    const dir = await project(name, {
      "app.py": HANDLER(3),
      // random bytes do not compress: the zip stores them, over 50 MB, so it goes through S3 in parts
      "weights.bin": randomBytes(52 * 1024 * 1024),
      "requirements.txt": requirements("tinylib"),
    });
    aws.inject({ service: "s3", operation: "UploadPart", kind: "reset", times: 1 });
    const r = await run(dir, { "function-name": name, "s3-bucket": BUCKET, "s3-prefix": "reset" });
    const result = ok(r);
    const zip = result.build.functionZip!;
    expect(zip.size).toBeGreaterThan(52_428_800);

    const calls = callsOf(r);
    const parts = calls.filter((c) => c.operation === "UploadPart");
    expect(parts.filter((c) => c.status === 0).length, "one part's connection was reset").toBe(1);
    // resumed, not restarted: the same multipart upload, the reset part sent again
    expect(calls.filter((c) => c.operation === "CreateMultipartUpload").length).toBe(1);
    expect(parts.length).toBe(Math.ceil(zip.size / (8 * 1024 * 1024)) + 1);
    expect(calls.filter((c) => c.operation === "CompleteMultipartUpload" && c.status === 200).length).toBe(1);
    expect(calls.findIndex((c) => c.operation === "CompleteMultipartUpload")).toBeLessThan(
      calls.findIndex((c) => c.operation === "UpdateFunctionCode"),
    );

    const key = `reset/${name}/${zip.sha256}.zip`;
    expect(result.deploy.functionS3Uri).toBe(`s3://${BUCKET}/${key}`);
    const stored = aws.getObject(BUCKET, key);
    expect(stored?.length).toBe(zip.size);
    expect(stored?.equals(await readFile(zip.path))).toBe(true);
    expect(aws.getFunction(REGION, name)?.codeSha256).toBe(zip.codeSha256);
  }, 60_000);
});

describe("an update that ends Failed", () => {
  it("is reported with AWS's reason, the function keeps its code, and a rerun completes", async () => {
    const name = "faults-failed-update";
    const before = aws.createFunction({ name, region: REGION, runtime: "python3.12" }).codeSha256;
    const dir = await project(name, { "app.py": HANDLER(4), "requirements.txt": requirements("tinylib") });
    aws.failNextUpdate(REGION, name, "Lambda was unable to configure access to your environment variables");
    const failed = await run(dir, { "function-name": name });
    const error = userError(failed);
    expect(error.message).toMatch(
      /the code update of faults-failed-update failed in Lambda: Lambda was unable to configure access to your environment variables/,
    );
    expect(error.hint).toMatch(/keeps its previous working code/);
    expect(aws.getFunction(REGION, name)?.codeSha256).toBe(before);

    // LastUpdateStatus stays Failed until the next successful update: the rerun is that update
    const again = await run(dir, { "function-name": name });
    const rerun = ok(again);
    expect(rerun.deploy.deployed).toBe("updated");
    expect(again.log.annotations.map((a) => a.message)).toContainEqual(
      expect.stringMatching(/the last update of faults-failed-update had failed in Lambda \(Lambda was unable/),
    );
    expect(aws.getFunction(REGION, name)?.codeSha256).toBe(rerun.build.functionZip!.codeSha256);
  });
});

describe("a concurrent deploy to the same function", () => {
  it("is detected by RevisionId: ours stops, the other one's change stays", async () => {
    const name = "faults-concurrent";
    const before = aws.createFunction({ name, region: REGION, runtime: "python3.12" }).codeSha256;
    const dir = await project(name, { "app.py": HANDLER(5), "requirements.txt": requirements("tinylib") });
    const sdk = makeClients(REGION, localAwsEnv(aws.endpoint)).lambda;
    let other: Promise<unknown> | undefined;
    // the other deploy lands while ours uploads (the upload is held back long enough for it)
    aws.inject({ service: "s3", operation: "PutObject", kind: "slow", delayMs: 400, times: 1 });
    const log = new MemoryLog((line) => {
      if (!other && line.startsWith("Uploading")) {
        other = sdk.send(new UpdateFunctionConfigurationCommand({ FunctionName: name, Description: "deployed by B" }));
      }
    });
    const r = await run(dir, { "function-name": name, "s3-bucket": BUCKET }, fastRetry(), log);
    await other;
    const error = userError(r);
    expect(error.describe()).toMatch(/UpdateFunctionCode: PreconditionFailedException \(HTTP 412\)/);
    expect(error.hint).toMatch(/the function changed while this deploy ran/);
    const fn = aws.getFunction(REGION, name)!;
    expect(fn.codeSha256).toBe(before);
    expect(fn.description).toBe("deployed by B");
    expect(
      callsOf(r)
        .filter((c) => c.operation === "UpdateFunctionCode")
        .map((c) => c.status),
    ).toEqual([412]);
  });
});

describe("a crash between upload and update", () => {
  it("leaves the function on its previous code, and a rerun completes without uploading again", async () => {
    const name = "faults-crash";
    const before = aws.createFunction({ name, region: REGION, runtime: "python3.12" }).codeSha256;
    const dir = await project(name, { "app.py": HANDLER(6), "requirements.txt": requirements("tinylib") });
    const values = { "function-name": name, "s3-bucket": BUCKET, "s3-prefix": "crash" };
    const policy = fastRetry(3);
    // more server errors than the retry policy allows: the update never happens
    aws.inject({ service: "lambda", operation: "UpdateFunctionCode", kind: "server-error", times: policy.attempts });

    const crashed = await run(dir, values, policy);
    const error = userError(crashed);
    expect(error.message).toMatch(/UpdateFunctionCode: ServiceException \(HTTP 500\)/);
    expect(error.hint).toMatch(/run the deploy again; what is already uploaded or published is reused/);
    const crashedCalls = callsOf(crashed);
    expect(crashedCalls.filter((c) => c.operation === "UpdateFunctionCode").map((c) => c.status)).toEqual([
      500, 500, 500,
    ]);
    expect(crashedCalls.some((c) => c.operation === "PutObject" && c.status === 200)).toBe(true);
    expect(aws.getFunction(REGION, name)?.codeSha256).toBe(before);

    const rerun = await run(dir, values, policy);
    const result = ok(rerun);
    const zip = result.build.functionZip!;
    expect(aws.getObject(BUCKET, `crash/${name}/${zip.sha256}.zip`)?.length).toBe(zip.size);
    expect(aws.getFunction(REGION, name)?.codeSha256).toBe(zip.codeSha256);
    const writes = callsOf(rerun)
      .filter((c) => WRITE_OPERATIONS.has(c.operation))
      .map((c) => c.operation);
    expect(writes, "the uploaded object is reused: the rerun only updates the function").toEqual([
      "UpdateFunctionCode",
    ]);
    expect(rerun.log.lines.some((l) => /already holds these bytes: not uploaded again/.test(l))).toBe(true);
  });
});
