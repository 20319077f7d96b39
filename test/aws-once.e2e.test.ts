/**
 * AWS calls with side effects or limits, against the local AWS through the real SDK:
 * the smoke Invoke runs the function, so it is sent once (a throttle, refused before
 * the function runs, may be sent again); DescribeAlarms is asked for both alarm types,
 * in calls of at most 100 names, and a name it does not report is named as missing.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LocalAws, startLocalAws } from "../devtools/local-aws/index.ts";
import { type AwsClients, makeClients } from "../src/deploy/aws.ts";
import { type DeployRequest, deploy } from "../src/deploy/index.ts";
import { UserError } from "../src/errors.ts";
import { MemoryLog } from "../src/log.ts";
import { makeTarget } from "../src/target.ts";
import { writeZip, type ZipResult } from "../src/zip/writer.ts";
import { fastRetry, localAwsEnv } from "./support/action.ts";

const REGION = "eu-north-1";
let aws: LocalAws;
let work: string;
let clients: AwsClients;
let functionZip: ZipResult;
let count = 0;

beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), "lpp-aws-once-"));
  aws = await startLocalAws({ updateDelayMs: 20 });
  clients = makeClients(REGION, localAwsEnv(aws.endpoint, { AWS_REGION: REGION }));
  const app = path.join(work, "app.py");
  await writeFile(app, 'def handler(event, context):\n    print("ran")\n    return {"ok": True}\n');
  functionZip = await writeZip(
    [{ name: "app.py", absolutePath: app, executable: false, size: 60 }],
    path.join(work, "function.zip"),
  );
});

afterAll(async () => {
  await aws?.close();
  await rm(work, { recursive: true, force: true });
});

function newFunction(): string {
  const name = `once-${count++}`;
  aws.createFunction({ name, region: REGION, runtime: "python3.12", architecture: "x86_64", handler: "app.handler" });
  return name;
}

function request(functionName: string, overrides: Partial<DeployRequest> = {}): DeployRequest {
  return {
    target: makeTarget("python3.12", "x86_64"),
    functionName,
    functionZip,
    attachLayer: false,
    s3: { prefix: "builds", upload: "auto" },
    publish: true,
    alias: "live",
    cacheKey: "lpp-v1-python3.12-x86_64-0123456789abcdef0123",
    ...overrides,
  };
}

const smoke = { event: '{"ping": 1}', source: "smoke-event", expect: '{"ok": true}' };
const callsOf = (operation: string, from: number) => aws.calls.slice(from).filter((c) => c.operation === operation);

async function failure(promise: Promise<unknown>): Promise<UserError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(UserError);
  return error as UserError;
}

describe("the smoke invocation runs the function once", () => {
  it("an HTTP 500 is not retried: one Invoke, the step fails naming the status, the alias is not created", async () => {
    const name = newFunction();
    const mark = aws.calls.length;
    aws.inject({ service: "lambda", operation: "Invoke", kind: "server-error", times: 1 });
    const error = await failure(deploy(request(name, { smoke }), clients, fastRetry(6), new MemoryLog()));
    expect(error.describe()).toMatch(/smoke invocation of once-\d+:1 failed: Lambda answered HTTP 500/);
    expect(error.describe()).toMatch(/sent once and not retried/);
    expect(callsOf("Invoke", mark)).toHaveLength(1);
    expect(callsOf("CreateAlias", mark)).toHaveLength(0);
  });

  it("a throttle (429 TooManyRequestsException) is waited out and sent again", async () => {
    const name = newFunction();
    const mark = aws.calls.length;
    aws.inject({ service: "lambda", operation: "Invoke", kind: "throttle", times: 2 });
    const log = new MemoryLog();
    const result = await deploy(request(name, { smoke }), clients, fastRetry(6), log);
    expect(result.smoke?.passed).toBe(true);
    expect(callsOf("Invoke", mark).map((c) => c.status)).toEqual([429, 429, 200]);
    expect(log.lines.filter((l) => /^Invoke failed \(TooManyRequestsException/.test(l))).toHaveLength(2);
  });
});

describe("rollback alarms as CloudWatch holds them", () => {
  it("a composite alarm is found (DescribeAlarms without AlarmTypes reports metric alarms only)", async () => {
    aws.setAlarm("orders-composite", "OK", undefined, "CompositeAlarm");
    aws.setAlarm("orders-errors", "OK");
    const result = await deploy(
      request(newFunction(), { rollbackAlarms: ["orders-composite", "orders-errors"] }),
      clients,
      fastRetry(),
      new MemoryLog(),
    );
    expect(result.aliasArn).toMatch(/:live$/);
  });

  it("150 names are asked in calls of at most 100; each missing one is named", async () => {
    const names = Array.from({ length: 150 }, (_, i) => `many-${String(i).padStart(3, "0")}`);
    for (const n of names) if (n !== "many-007" && n !== "many-142") aws.setAlarm(n, "OK");
    const mark = aws.calls.length;
    const error = await failure(
      deploy(request(newFunction(), { rollbackAlarms: names }), clients, fastRetry(), new MemoryLog()),
    );
    const missing = [...error.describe().matchAll(/rollback alarm (\S+) does not exist/g)].map((m) => m[1]);
    expect(missing).toEqual(["many-007", "many-142"]);
    expect(callsOf("DescribeAlarms", mark).map((c) => c.status)).toEqual([200, 200]);
  });
});
