import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { LambdaClient, PublishLayerVersionCommand } from "@aws-sdk/client-lambda";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LocalAws, makeZip, startLocalAws, TEST_CREDENTIALS } from "../devtools/local-aws/index.ts";
import { type LocalIndex, startIndex } from "../devtools/pypi/index-server.ts";
import { type BuiltWheel, makeWheel } from "../devtools/pypi/wheel.ts";
import { makeClients } from "../src/deploy/aws.ts";
import { inputsFrom } from "../src/inputs.ts";
import { MemoryLog } from "../src/log.ts";
import { toOutputs } from "../src/report/outputs.ts";
import { runAction } from "../src/run.ts";
import { WRITE_OPERATIONS } from "./support/action.ts";
import { pinned, writeProject } from "./support/project.ts";
import { cleanPipEnv, hostPython } from "./support/python.ts";

const REGION = "us-west-2";
let work: string;
let aws: LocalAws;
let index: LocalIndex;
let project: string;
let lib: BuiltWheel;

beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), "lpp-action-"));
  lib = await makeWheel(path.join(work, "wheels"), {
    name: "tinylib",
    version: "1.0",
    files: { "tinylib/__init__.py": "V = 1\n" },
  });
  index = await startIndex(path.join(work, "wheels"));
  aws = await startLocalAws({ updateDelayMs: 100 });
  aws.createFunction({
    name: "orders",
    region: REGION,
    runtime: "python3.12",
    architecture: "arm64",
    environment: { TABLE: "orders" },
  });
  project = await writeProject(path.join(work, "project"), {
    "app.py": "import tinylib\n\ndef handler(event, context):\n    return tinylib.V\n",
    "requirements.txt": `${pinned("tinylib", "1.0", lib)}\n`,
  });
});

afterAll(async () => {
  await index?.close();
  await aws?.close();
  await rm(work, { recursive: true, force: true });
});

const env = () =>
  cleanPipEnv(path.join(work, "home"), {
    PIP_INDEX_URL: index.url,
    AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey,
    AWS_ENDPOINT_URL: aws.endpoint,
  });

async function run(values: Record<string, string>) {
  let clientsMade = 0;
  const log = new MemoryLog();
  const inputs = inputsFrom(
    { "working-directory": project, python: hostPython(), runtime: "python3.12", architecture: "arm64", ...values },
    { AWS_REGION: REGION },
  );
  const result = await runAction(inputs, {
    log,
    env: env(),
    awsClients: (region) => {
      clientsMade++;
      return makeClients(region, env());
    },
    retryPolicy: {
      attempts: 3,
      baseMs: 5,
      maxMs: 20,
      sleep: (ms) => new Promise((r) => setTimeout(r, Math.min(ms, 20))),
      random: Math.random,
    },
  });
  return { result, outputs: toOutputs(result), log, clientsMade };
}

describe("the whole action: build, then release deploy", () => {
  const release = { package: "split", "function-name": "orders", "layer-name": "orders-deps", alias: "live" };

  it("deploys function and layer, attaches, publishes and moves the alias; a rerun is unchanged", async () => {
    const first = await run(release);
    expect(first.outputs).toMatchObject({
      deployed: "updated",
      "function-arn": `arn:aws:lambda:${REGION}:123456789012:function:orders`,
      "function-version": "1",
      "alias-arn": `arn:aws:lambda:${REGION}:123456789012:function:orders:live`,
      "layer-version": "1",
      "layer-version-arn": `arn:aws:lambda:${REGION}:123456789012:layer:orders-deps:1`,
    });
    const fn = aws.getFunction(REGION, "orders")!;
    expect(fn.codeSha256).toBe(first.outputs["function-code-sha256"]);
    expect(fn.layers).toEqual([first.outputs["layer-version-arn"]]);
    expect(fn.environment).toEqual({ TABLE: "orders" });

    const mark = aws.calls.length;
    const second = await run(release);
    expect(second.outputs).toMatchObject({ deployed: "unchanged", "function-version": "1", "layer-version": "1" });
    const writes = aws.calls.slice(mark).filter((c) => !/^(Get|List|Head)/.test(c.operation));
    expect(writes).toEqual([]);
  });

  it("deploy: false builds and reports only, with no AWS call at all", async () => {
    const mark = aws.calls.length;
    const preview = await run({ ...release, deploy: "false" });
    expect(preview.outputs.deployed).toBe("skipped");
    expect(preview.outputs["function-zip"]).toMatch(/function\.zip$/);
    expect(preview.clientsMade).toBe(0);
    expect(aws.calls.length).toBe(mark);
  });

  it("without a function or layer name nothing is deployed", async () => {
    const preview = await run({ package: "split" });
    expect(preview.outputs.deployed).toBe("skipped");
    expect(preview.clientsMade).toBe(0);
  });
});

describe("the whole action: the layer list is decided before any change", () => {
  const layerArn = (name: string) => `arn:aws:lambda:${REGION}:123456789012:layer:${name}`;
  const publish = async (name: string) => {
    const sdk = new LambdaClient({ region: REGION, endpoint: aws.endpoint, credentials: TEST_CREDENTIALS });
    const zip = makeZip([{ name: `python/${name.replace(/-/g, "_")}.py`, data: "X = 1\n" }]);
    return (await sdk.send(new PublishLayerVersionCommand({ LayerName: name, Content: { ZipFile: zip } })))
      .LayerVersionArn!;
  };

  it("takes layer-name as an ARN on a function with 5 layers, replacing our old version in place", async () => {
    const sides = [];
    for (let i = 0; i < 4; i++) sides.push(await publish(`billing-side-${i}`));
    const oldOurs = await publish("billing-deps");
    const before = [sides[0]!, sides[1]!, oldOurs, sides[2]!, sides[3]!];
    aws.createFunction({
      name: "billing",
      region: REGION,
      runtime: "python3.12",
      architecture: "arm64",
      layers: before,
    });
    const { outputs } = await run({
      package: "split",
      "function-name": "billing",
      "layer-name": layerArn("billing-deps"),
    });
    expect(outputs).toMatchObject({ deployed: "updated", "layer-version-arn": `${layerArn("billing-deps")}:2` });
    expect(aws.getFunction(REGION, "billing")?.layers).toEqual([
      sides[0],
      sides[1],
      `${layerArn("billing-deps")}:2`,
      sides[2],
      sides[3],
    ]);
  });

  it("refuses `layers` that would give a sixth layer with zero write calls", async () => {
    const four = [];
    for (let i = 0; i < 4; i++) four.push(await publish(`invoices-side-${i}`));
    const sixth = await publish("invoices-sixth");
    aws.createFunction({
      name: "invoices",
      region: REGION,
      runtime: "python3.12",
      architecture: "arm64",
      layers: four,
    });
    const mark = aws.calls.length;
    const refused = await run({
      package: "split",
      "function-name": "invoices",
      "layer-name": "invoices-deps",
      layers: sixth,
    }).then(
      () => undefined,
      (error: Error) => error,
    );
    expect(refused?.message).toMatch(/would give invoices 6 layers; Lambda allows 5/);
    expect(aws.calls.slice(mark).filter((c) => WRITE_OPERATIONS.has(c.operation))).toEqual([]);
    expect(aws.getLayerVersions(REGION, "invoices-deps")).toEqual([]);
    expect(aws.getFunction(REGION, "invoices")?.layers).toEqual(four);
  });
});
