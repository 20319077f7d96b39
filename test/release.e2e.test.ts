/** Release deploys against the local AWS: handler checks, smoke invocation, traffic shift and rollback. */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { InvokeCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LocalAws, startLocalAws, TEST_CREDENTIALS } from "../devtools/local-aws/index.ts";
import { type LocalIndex, startIndex } from "../devtools/pypi/index-server.ts";
import { type BuiltWheel, makeWheel } from "../devtools/pypi/wheel.ts";
import { makeClients } from "../src/deploy/aws.ts";
import type { ShiftClock } from "../src/deploy/shift.ts";
import { inputsFrom } from "../src/inputs.ts";
import { MemoryLog } from "../src/log.ts";
import { toOutputs } from "../src/report/outputs.ts";
import { type ActionResult, runAction } from "../src/run.ts";
import { fastRetry, WRITE_OPERATIONS } from "./support/action.ts";
import { pinned, writeProject } from "./support/project.ts";
import { cleanPipEnv, pythonFor } from "./support/python.ts";

const REGION = "us-west-2";
const python312 = pythonFor(12);
let work: string;
let aws: LocalAws;
let index: LocalIndex;
let project: string;
let lib: BuiltWheel;
let seed = 1;

// the handler fails on events that carry "order", passes a smoke event without it
const app = (version: string, extra = "") =>
  `import tinylib\n${extra}\nVERSION = "${version}"\n\ndef handler(event, context):\n    print("handling", event)\n    if event.get("order") and VERSION.startswith("bad"):\n        raise ValueError("cannot take order " + str(event["order"]))\n    return {"ok": True, "version": VERSION, "lib": tinylib.V}\n`;

beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), "lpp-release-"));
  lib = await makeWheel(path.join(work, "wheels"), {
    name: "tinylib",
    version: "1.0",
    files: { "tinylib/__init__.py": "V = 1\n" },
  });
  index = await startIndex(path.join(work, "wheels"));
  // a seeded choice between an alias's versions: the same runs every time
  aws = await startLocalAws({
    updateDelayMs: 50,
    random: () => {
      seed = (seed * 16807) % 2147483647;
      return seed / 2147483647;
    },
  });
  for (const name of ["orders", "legacy"]) {
    aws.createFunction({
      name,
      region: REGION,
      runtime: "python3.12",
      architecture: "x86_64",
      handler: name === "orders" ? "app.handler" : "service.handler",
    });
  }
  project = await writeProject(path.join(work, "project"), {
    "app.py": app("1"),
    "requirements.txt": `${pinned("tinylib", "1.0", lib)}\n`,
  });
});

// run() puts the credentials in process.env, which outlives this file (the worker runs the next one): put it back
const savedEnv = { ...process.env };

afterAll(async () => {
  for (const name of ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_ENDPOINT_URL"]) {
    if (savedEnv[name] === undefined) delete process.env[name];
    else process.env[name] = savedEnv[name];
  }
  await index?.close();
  await aws?.close();
  await rm(work, { recursive: true, force: true });
});

const credentials = {
  AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId,
  AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey,
};

/** A clock whose waits take no time; `during` runs at each wait, as traffic would arrive. */
function fakeClock(during: (minute: number) => Promise<void>): ShiftClock & { waited: number } {
  const clock = {
    waited: 0,
    now: () => Date.now() + clock.waited,
    sleep: async (ms: number) => {
      clock.waited += ms;
      await during(clock.waited / 60_000);
    },
  };
  return clock;
}

async function run(values: Record<string, string>, extra: { clock?: ShiftClock; signal?: AbortSignal } = {}) {
  const log = new MemoryLog();
  const env = cleanPipEnv(path.join(work, "home"), {
    PIP_INDEX_URL: index.url,
    ...credentials,
    AWS_ENDPOINT_URL: aws.endpoint,
  });
  const inputs = inputsFrom(
    { "working-directory": project, python: python312 ?? "", runtime: "python3.12", architecture: "x86_64", ...values },
    { AWS_REGION: REGION },
  );
  const mark = aws.calls.length;
  const writes = () => aws.calls.slice(mark).filter((c) => WRITE_OPERATIONS.has(c.operation));
  try {
    const result = await runAction(inputs, {
      log,
      env,
      retryPolicy: fastRetry(),
      ...extra,
      awsClients: (region) => {
        Object.assign(process.env, { ...credentials, AWS_ENDPOINT_URL: aws.endpoint });
        return makeClients(region, env);
      },
    });
    return { result, outputs: toOutputs(result), log, writes: writes() };
  } catch (error) {
    const partial = (error as { result?: ActionResult }).result;
    return { error: error as Error, outputs: partial && toOutputs(partial), log, writes: writes() };
  }
}

async function invokeAlias(times: number, event: object) {
  const sdk = new LambdaClient({ region: REGION, endpoint: aws.endpoint, credentials: TEST_CREDENTIALS });
  for (let i = 0; i < times; i++)
    await sdk.send(new InvokeCommand({ FunctionName: "orders", Qualifier: "live", Payload: JSON.stringify(event) }));
}

const alias = () => aws.getFunction(REGION, "orders")!.aliases.find((a) => a.name === "live")!;
const release = { "function-name": "orders", alias: "live", handler: "app.handler" };

describe.skipIf(!python312)("release deploys against the local AWS", () => {
  it("an ImportError is caught at build: nothing is deployed", async () => {
    await writeFile(path.join(project, "app.py"), app("1", "import yamlish_missing"));
    const run1 = await run(release);
    expect(run1.error?.message).toContain("no module named yamlish_missing");
    expect(run1.writes).toEqual([]);
  });

  it("a function whose configured handler module is not in the new zip is refused before any change", async () => {
    await writeFile(path.join(project, "app.py"), app("1"));
    const refused = await run({ "function-name": "legacy" });
    expect(refused.error?.message).toMatch(
      /runs handler service\.handler, but module service\.py is not in the new function zip/,
    );
    expect(refused.writes).toEqual([]);
    const mismatch = await run({ "function-name": "legacy", handler: "app.handler" });
    expect(mismatch.error?.message).toContain(
      "configured with handler service.handler, but the build checked handler app.handler",
    );
    expect(mismatch.writes).toEqual([]);
  });

  it("a smoke event that passes lets the alias move; the first deploy creates it", async () => {
    const first = await run({ ...release, "smoke-event": '{"ping": 1}', "smoke-expect": '{"ok": true}' });
    expect(first.error).toBeUndefined();
    expect(first.outputs).toMatchObject({ "function-version": "1", rollout: "skipped", "previous-version": "" });
    expect(first.result?.deploy.smoke).toMatchObject({ passed: true, status: 200 });
    expect(first.result?.deploy.smoke?.logTail).toContain("handling {'ping': 1}");
    expect(alias().functionVersion).toBe("1");
  });

  it("a smoke event that fails leaves the alias where it was: no traffic to the new version", async () => {
    await writeFile(path.join(project, "app.py"), app("bad-2"));
    const failed = await run({ ...release, "smoke-event": '{"order": 9}', "traffic-shift": "canary 10 5" });
    expect(failed.error?.message).toContain("smoke invocation of version 2 failed");
    expect(failed.error?.message).toContain("no traffic reached version 2");
    expect(failed.error?.message).toContain("handling {'order': 9}");
    expect(failed.writes.map((w) => w.operation)).toEqual(["UpdateFunctionCode", "PublishVersion"]);
    expect(alias()).toMatchObject({ functionVersion: "1" });
    expect(aws.invocations.filter((i) => i.resource === "orders:live" && i.executedVersion === "2")).toEqual([]);
  });

  it("a canary that completes ends with all traffic on the new version and no additional weight", async () => {
    await writeFile(path.join(project, "app.py"), app("3"));
    const clock = fakeClock(() => invokeAlias(6, { order: 1 }));
    const done = await run({ ...release, "smoke-event": '{"ping": 1}', "traffic-shift": "canary 50 2" }, { clock });
    expect(done.error).toBeUndefined();
    expect(done.outputs).toMatchObject({ rollout: "completed", "previous-version": "1", "function-version": "3" });
    expect(alias().functionVersion).toBe("3");
    expect(alias().routingConfig).toEqual({ AdditionalVersionWeights: {} });
    expect(done.result?.deploy.timeline?.map((t) => t.weight)).toEqual([0.5, 1]);
    expect(clock.waited).toBe(120_000);
  });

  it("errors of the new version during a canary roll it back, with the figures", async () => {
    await writeFile(path.join(project, "app.py"), app("bad-4"));
    const before = aws.invocations.length;
    const clock = fakeClock(() => invokeAlias(10, { order: 2 }));
    const rolled = await run({ ...release, "smoke-event": '{"ping": 1}', "traffic-shift": "canary 50 5" }, { clock });
    const onNew = aws.invocations
      .slice(before)
      .filter((i) => i.executedVersion === "4" && i.resource === "orders:live");
    expect(onNew.length).toBeGreaterThan(0);
    expect(rolled.error?.message).toContain(
      `version 4 had ${onNew.length} error(s) and 0 throttle(s) in ${onNew.length} invocation(s) at 50 %`,
    );
    expect(rolled.outputs).toMatchObject({ rollout: "rolled-back", "previous-version": "3" });
    expect(alias().functionVersion).toBe("3");
    expect(alias().routingConfig).toEqual({ AdditionalVersionWeights: {} });
    expect(clock.waited).toBe(60_000);
  });

  it("an alarm in state ALARM during the shift rolls back; one firing before is refused", async () => {
    aws.setAlarm("orders-p99", "OK");
    await writeFile(path.join(project, "app.py"), app("5"));
    const clock = fakeClock(async (minute) => {
      if (minute >= 2) aws.setAlarm("orders-p99", "ALARM", "Threshold Crossed: p99 > 800 ms");
    });
    const rolled = await run(
      { ...release, "traffic-shift": "linear 20 1", "rollback-alarms": "orders-p99" },
      { clock },
    );
    expect(rolled.error?.message).toContain(
      "alarm in state ALARM at 40 % of the traffic: orders-p99 (Threshold Crossed: p99 > 800 ms)",
    );
    expect(alias()).toMatchObject({ functionVersion: "3", routingConfig: { AdditionalVersionWeights: {} } });
    const refused = await run({ ...release, "traffic-shift": "linear 20 1", "rollback-alarms": "orders-p99" });
    expect(refused.error?.message).toContain("rollback alarm orders-p99 is in state ALARM already");
    expect(refused.writes).toEqual([]);
    aws.setAlarm("orders-p99", "OK");
  });

  it("cancellation mid-shift puts the alias back on the previous version", async () => {
    await writeFile(path.join(project, "app.py"), app("6"));
    const cancel = new AbortController();
    const clock = fakeClock(async (minute) => {
      expect(alias().routingConfig).toMatchObject({
        AdditionalVersionWeights: { "6": 0.1 },
      });
      if (minute >= 1) cancel.abort();
    });
    const cancelled = await run({ ...release, "traffic-shift": "canary 10 3" }, { clock, signal: cancel.signal });
    expect(cancelled.error?.message).toContain("the job was cancelled");
    expect(cancelled.outputs).toMatchObject({ rollout: "rolled-back" });
    expect(alias()).toMatchObject({ functionVersion: "3", routingConfig: { AdditionalVersionWeights: {} } });
  });
});
