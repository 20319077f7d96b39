/**
 * The README's workflows, run the way the runner would: each job in `needs` order, each
 * matrix value, the action's `with:` block through loadInputs with its `${{ … }}`
 * expressions filled in, then the action itself against the local index and the local
 * AWS. An example that cannot work as pasted fails here. What can be read without
 * running them: workflows.test.ts.
 */
import { readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { type LocalAws, readZipEntries, startLocalAws } from "../devtools/local-aws/index.ts";
import { type LocalIndex, startIndex } from "../devtools/pypi/index-server.ts";
import { type BuiltWheel, makeWheel } from "../devtools/pypi/wheel.ts";
import { makeClients } from "../src/deploy/aws.ts";
import { loadInputs } from "../src/inputs.ts";
import { MemoryLog } from "../src/log.ts";
import { report } from "../src/report/index.ts";
import { toOutputs } from "../src/report/outputs.ts";
import { type ActionResult, runAction } from "../src/run.ts";
import { fastRetry, localAwsEnv } from "./support/action.ts";
import { pinned, writeProject } from "./support/project.ts";
import { cleanPipEnv, hostPython } from "./support/python.ts";
import { isAction, type Job, type Workflow } from "./support/workflows.ts";

let work: string;
let index: LocalIndex;
let aws: LocalAws;
const wheels: Record<string, BuiltWheel> = {};
const ACCOUNT_REGION = "eu-west-1";

beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), "lpp-workflows-"));
  const dir = path.join(work, "wheels");
  wheels.small = await makeWheel(dir, { name: "small", version: "1.0", files: { "small/__init__.py": "S = 1\n" } });
  wheels.small2 = await makeWheel(dir, {
    name: "small",
    version: "2.0",
    files: { "small/__init__.py": "S = 2\n", "small/data.txt": "d".repeat(5000) },
  });
  index = await startIndex(dir);
  aws = await startLocalAws({ updateDelayMs: 20 });
  for (const name of ["orders-api", "billing-worker", "email-sender"])
    aws.createFunction({ name, region: ACCOUNT_REGION, runtime: "python3.12", architecture: "arm64" });
  aws.createBucket("acme-lambda-artifacts-eu-west-1", ACCOUNT_REGION);
  aws.setAlarm("orders-api-p99-latency", "OK");
});

afterAll(async () => {
  await index?.close();
  await aws?.close();
  await rm(work, { recursive: true, force: true });
});

const HANDLER = "import json\n\ndef handler(event, context):\n    return {'statusCode': 200, 'ok': True}\n";

/** The repository each workflow is written for; `small` is the third-party dependency. */
async function repository(name: string, smallWheel: BuiltWheel): Promise<string> {
  const lock = `${pinned("small", smallWheel === wheels.small ? "1.0" : "2.0", smallWheel)}\n`;
  return writeProject(path.join(work, name), {
    "app.py": HANDLER,
    "requirements.txt": lock,
    "events/smoke.json": '{"path": "/health"}\n',
    "shared/requirements.txt": lock,
    "functions/orders-api/app.py": HANDLER,
    "functions/billing-worker/app.py": HANDLER,
    "functions/email-sender/app.py": HANDLER,
  });
}

interface Context {
  matrix: Record<string, unknown>;
  needs: Record<string, { outputs: Record<string, string> }>;
  steps: Record<string, { outputs: Record<string, string> }>;
}

/** `${{ … }}` as the runner fills it in, for the contexts these workflows use; anything else fails the test. */
function evaluate(value: unknown, ctx: Context): string {
  return String(value).replace(/\$\{\{\s*([^}]+?)\s*\}\}/g, (_, expr: string) => {
    const [head, ...rest] = expr.split(".");
    let found: unknown;
    if (head === "matrix") found = ctx.matrix[rest.join(".")];
    else if (head === "needs" && rest[1] === "outputs") found = ctx.needs[rest[0]!]?.outputs[rest.slice(2).join(".")];
    else if (head === "steps" && rest[1] === "outputs") found = ctx.steps[rest[0]!]?.outputs[rest.slice(2).join(".")];
    if (found === undefined || found === "") throw new Error(`\${{ ${expr} }} has no value when the step runs`);
    return String(found);
  });
}

function jobOrder(jobs: Record<string, Job>): string[] {
  const order: string[] = [];
  const visit = (name: string) => {
    if (order.includes(name)) return;
    for (const need of [jobs[name]!.needs ?? []].flat()) visit(need);
    order.push(name);
  };
  for (const name of Object.keys(jobs)) visit(name);
  return order;
}

interface Run {
  job: string;
  result: ActionResult;
  report: Awaited<ReturnType<typeof report>>;
  log: MemoryLog;
}

/** Every job and matrix value of a workflow for one event, in the runner's order. */
async function runWorkflow(file: string, repo: string, github: NodeJS.ProcessEnv): Promise<Run[]> {
  const workflow = parse(readFileSync(path.join("examples/workflows", file), "utf8")) as Workflow;
  // the runner starts a workflow only for the events (and branches) its `on:` names
  const event = github.GITHUB_EVENT_NAME!;
  if (!(event in workflow.on)) return [];
  const filter = workflow.on[event] as { branches?: string[] } | null;
  if (filter?.branches && !filter.branches.includes(github.GITHUB_REF_NAME!)) return [];
  const runs: Run[] = [];
  const needs: Context["needs"] = {};
  for (const jobName of jobOrder(workflow.jobs)) {
    const job = workflow.jobs[jobName]!;
    const matrix = job.strategy?.matrix ?? {};
    const [key, values] = Object.entries(matrix)[0] ?? ["", [undefined]];
    let lastSteps: Context["steps"] = {};
    for (const value of values as unknown[]) {
      const ctx: Context = { matrix: key ? { [key]: value } : {}, needs, steps: {} };
      let region: string | undefined;
      for (const step of job.steps) {
        if (step.uses?.startsWith("aws-actions/configure-aws-credentials")) region = String(step.with?.["aws-region"]);
        if (step.run) evaluate(step.run, ctx);
        if (!isAction(step)) continue;
        const env = cleanPipEnv(path.join(work, "home"), {
          // what actions/setup-python leaves on PATH
          PATH: `${path.dirname(hostPython())}:${process.env.PATH}`,
          PIP_INDEX_URL: index.url,
          XDG_CACHE_HOME: path.join(work, "cache"),
          RUNNER_TEMP: path.join(work, "runner-temp"),
          ...(region ? { AWS_REGION: region } : {}),
          ...localAwsEnv(aws.endpoint),
          ...github,
        });
        const values = Object.fromEntries(Object.entries(step.with ?? {}).map(([k, v]) => [k, evaluate(v, ctx)]));
        const inputs = loadInputs((name) => values[name] ?? "", env, repo);
        const log = new MemoryLog();
        const result = await runAction(inputs, {
          log,
          env,
          awsClients: (r) => makeClients(r, env),
          retryPolicy: fastRetry(),
        });
        const written = await report(inputs, { result }, { env, log });
        if (step.id) ctx.steps[step.id] = { outputs: toOutputs(result) };
        runs.push({ job: jobName, result, report: written, log });
      }
      lastSteps = ctx.steps;
    }
    const outputs = Object.fromEntries(
      Object.entries(job.outputs ?? {}).map(([k, v]) => [k, evaluate(v, { matrix: {}, needs, steps: lastSteps })]),
    );
    needs[jobName] = { outputs };
  }
  return runs;
}

const triggers = (file: string) =>
  Object.keys((parse(readFileSync(`examples/workflows/${file}`, "utf8")) as Workflow).on);

describe("the README's workflows, run as pasted", () => {
  it("pull-request preview: a push to main, then a pull request shows the size and cold-start change against it", async () => {
    const repo = await repository("preview-main", wheels.small!);
    const onMain = await runWorkflow("pr-preview.yml", repo, {
      GITHUB_EVENT_NAME: "push",
      GITHUB_REF_NAME: "main",
      GITHUB_SHA: "a".repeat(40),
    });
    expect(onMain.map((r) => r.result.deploy.deployed)).toEqual(["skipped"]);
    const prRepo = await repository("preview-pr", wheels.small2!);
    const [pr] = await runWorkflow("pr-preview.yml", prRepo, {
      GITHUB_EVENT_NAME: "pull_request",
      GITHUB_HEAD_REF: "bump-small",
      GITHUB_BASE_REF: "main",
      GITHUB_REF_NAME: "7/merge",
      GITHUB_SHA: "b".repeat(40),
    });
    expect(pr!.report.diff).toMatchObject({ baseRef: "main", upgraded: [{ name: "small", from: "1.0", to: "2.0" }] });
    expect(pr!.report.summary).toContain("Size change against");
    // the handler's import, measured on both runs: the section, and its change against main
    expect(onMain[0]!.report.summary).toContain("### Cold start");
    expect(pr!.report.summary).toMatch(/### Cold start\n\nImporting the handler's module takes \*\*[\d.]+ ms\*\*/);
    expect(pr!.report.summary).toMatch(/Change against <code>main<\/code> <sub>aaaaaaa<\/sub>: \*\*[+−±][\d.]+ ms, /);
    expect(pr!.report.diff?.coldStart).toMatchObject({ kind: "compared" });
  }, 120_000);

  it("release deploy: updates the function and its layer and moves the alias", async () => {
    expect(triggers("release-deploy.yml")).toEqual(["release"]);
    const repo = await repository("release", wheels.small!);
    const [run] = await runWorkflow("release-deploy.yml", repo, {
      GITHUB_EVENT_NAME: "release",
      GITHUB_REF_NAME: "v1.0.0",
    });
    expect(run!.result.deploy).toMatchObject({ deployed: "updated" });
    expect(run!.result.deploy.aliasArn).toMatch(/:function:orders-api:live$/);
  }, 120_000);

  it("monorepo: the layer once, then each function ships only its own code with that layer attached", async () => {
    const repo = await repository("monorepo", wheels.small!);
    const runs = await runWorkflow("monorepo.yml", repo, { GITHUB_EVENT_NAME: "push", GITHUB_REF_NAME: "main" });
    const [layer, ...functions] = runs;
    expect(layer!.job).toBe("layer");
    const layerArn = layer!.result.deploy.layerVersionArn;
    expect(layerArn).toMatch(/:layer:acme-shared-deps:\d+$/);
    expect(functions.map((r) => r.result.deploy.functionArn?.split(":").pop())).toEqual([
      "orders-api",
      "billing-worker",
      "email-sender",
    ]);
    for (const run of functions) {
      const zip = run.result.build.functionZip!;
      expect(readZipEntries(readFileSync(zip.path)).map((e) => e.name)).toEqual(["app.py"]);
      expect(run.log.lines.join("\n")).toMatch(/notice: no lockfile found in .*functions\/[a-z-]+ .*code alone/);
      const fn = aws.getFunction(ACCOUNT_REGION, run.result.deploy.functionArn!.split(":").pop()!);
      expect(fn!.layers).toContain(layerArn);
    }
  }, 180_000);
});
