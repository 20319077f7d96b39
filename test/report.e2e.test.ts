import { mkdtemp, rm, writeFile } from "node:fs/promises";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { marked } from "marked";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LocalAws, startLocalAws, TEST_CREDENTIALS } from "../devtools/local-aws/index.ts";
import { type LocalIndex, startIndex } from "../devtools/pypi/index-server.ts";
import { type BuiltWheel, makeWheel } from "../devtools/pypi/wheel.ts";
import { makeClients } from "../src/deploy/aws.ts";
import { UserError } from "../src/errors.ts";
import { type Inputs, inputsFrom } from "../src/inputs.ts";
import { MemoryLog } from "../src/log.ts";
import { failureOutcome, type Outcome as ReportOutcome, report } from "../src/report/index.ts";
import { runAction } from "../src/run.ts";
import { localAwsEnv } from "./support/action.ts";
import { pinned, writeProject } from "./support/project.ts";
import { cleanPipEnv, hostPython } from "./support/python.ts";
import { tableWithHead, textOf, valuesOf } from "./support/summary-html.ts";

const REGION = "eu-central-1";
let work: string;
let index: LocalIndex;
let aws: LocalAws;
const w: Record<string, BuiltWheel> = {};

beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), "lpp-report-"));
  const dir = path.join(work, "wheels");
  w.small = await makeWheel(dir, { name: "small", version: "1.0", files: { "small/__init__.py": "S = 1\n" } });
  w.big = await makeWheel(dir, {
    name: "big",
    version: "1.0",
    files: { "big/__init__.py": "", "big/data.txt": "b".repeat(20_000) },
  });
  w.big2 = await makeWheel(dir, {
    name: "big",
    version: "2.0",
    files: { "big/__init__.py": "", "big/data.txt": "b".repeat(60_000) },
  });
  w.extra = await makeWheel(dir, { name: "extra", version: "0.3", files: { "extra.py": "E = 1\n" } });
  index = await startIndex(dir);
  aws = await startLocalAws({ updateDelayMs: 50 });
  aws.createFunction({ name: "orders", region: REGION, runtime: "python3.12", architecture: "x86_64" });
});

afterAll(async () => {
  await index?.close();
  await aws?.close();
  await rm(work, { recursive: true, force: true });
});

const home = () => path.join(work, "home");
const gitEnv = (extra: NodeJS.ProcessEnv = {}) =>
  cleanPipEnv(home(), {
    PIP_INDEX_URL: index.url,
    AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey,
    AWS_ENDPOINT_URL: aws.endpoint,
    ...extra,
  });

/** Inputs that only the report reads: a build with or without them is the same build. */
const REPORT_ONLY = ["comment", "github-token", "upload-artifact"];
/** Each distinct build runs once; every call writes its own report from it. */
const builds = new Map<string, Promise<Outcome>>();

async function runAndReport(requirements: string, values: Record<string, string>, env: NodeJS.ProcessEnv = gitEnv()) {
  const inputsFor = (dir: string) =>
    inputsFrom(
      {
        "working-directory": dir,
        python: hostPython(),
        runtime: "python3.12",
        package: "split",
        cache: "false",
        ...values,
      },
      { AWS_REGION: REGION },
    );
  const buildValues = Object.entries(values).filter(([name]) => !REPORT_ONLY.includes(name));
  const key = JSON.stringify([requirements, buildValues, env.GITHUB_REF_NAME, env.GITHUB_HEAD_REF]);
  let built = builds.get(key);
  if (!built) {
    built = (async () => {
      const dir = await writeProject(path.join(work, `p-${builds.size}`), {
        "app.py": "import small\n",
        "requirements.txt": requirements,
      });
      return buildOutcome(inputsFor(dir), env);
    })();
    builds.set(key, built);
  }
  const outcome = await built;
  const log = new MemoryLog();
  // the report finds the stages the build reached by its inputs object: keep that one,
  // with this call's report settings (the build never read them)
  const inputs = outcome.inputs;
  inputs.report = inputsFor(outcome.dir).report;
  const written = await report(inputs, outcome.outcome, { env, log, now: new Date("2026-11-23T12:00:00Z") });
  const html = await marked.parse(written.summary);
  return { written, html, log, outcome: outcome.outcome };
}

interface Outcome {
  dir: string;
  inputs: Inputs;
  outcome: ReportOutcome;
}

async function buildOutcome(inputs: Inputs, env: NodeJS.ProcessEnv): Promise<Outcome> {
  const log = new MemoryLog();
  try {
    const result = await runAction(inputs, {
      log,
      env,
      awsClients: (region) => makeClients(region, { ...env, ...localAwsEnv(aws.endpoint) }),
      retryPolicy: {
        attempts: 3,
        baseMs: 5,
        maxMs: 10,
        sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
        random: Math.random,
      },
    });
    return { dir: inputs.workingDirectory, inputs, outcome: { result } };
  } catch (error) {
    if (!(error instanceof UserError)) throw error;
    return { dir: inputs.workingDirectory, inputs, outcome: failureOutcome(error) };
  }
}

const base = () => `${pinned("small", "1.0", w.small!)}\n${pinned("big", "1.0", w.big!)}\n`;

describe("the job summary, rendered", () => {
  it("a preview: target, cache, zips against the limits, distributions, no findings, nothing deployed", async () => {
    const { html, written } = await runAndReport(base(), { "function-name": "orders", deploy: "false" });
    const text = textOf(html);
    expect(text).toContain("📦 orders · python3.12 · x86_64");
    expect(text).toContain("✅ Succeeded: built and checked. Nothing was deployed.");
    const items = valuesOf(tableWithHead(html, ["Item", "Value"]));
    expect(items.get("Target")).toBe("python3.12 on x86_64 · Amazon Linux 2023 · glibc 2.34");
    expect(items.get("Lockfile")).toMatch(/^requirements\.txt · 2 pinned distributions · installer pip /);
    expect(html).toMatch(
      /<td><code>layer\.zip<\/code><\/td>\s*<td>[\d.]+ KB<\/td>\s*<td>▰*▱+ 0%<\/td>\s*<td>[\d.]+ KB<\/td>\s*<td>▰*▱+ 0%<\/td>/,
    );
    expect(html).toMatch(/<td>big<\/td>\s*<td>1\.0<\/td>\s*<td>20\.\d KB<\/td>/);
    expect(text).toContain("No findings: wheel tags, shared objects, collisions, layout and sizes all fit Lambda.");
    expect(tableWithHead(html, ["Stage", "Result", "Time"]).rows.map((r) => r.slice(0, 2))).toEqual([
      ["Read the lockfile", "✅ done"],
      ["Install the dependencies", "✅ done"],
      ["Collect the function code", "✅ done"],
      ["Inspect (wheel tags, shared objects, collisions, layout)", "✅ done"],
      ["Write the zips, check their sizes", "✅ done"],
      ["Deploy", "➖ not asked for"],
      ["Total", ""],
    ]);
    expect(written.line).toMatch(
      /^lambda-python-package: python3\.12\/x86_64 built \(function \d+ B, layer \d+ B; \d+ B unzipped; cache miss\), deploy skipped$/,
    );
  });

  it("a pin with no wheel for the target: the failure, what was known, and no claim past the install", async () => {
    const { html, outcome, written } = await runAndReport(
      `${pinned("small", "1.0", w.small!)}\norjson==3.12.0 --hash=sha256:${"0".repeat(64)}\n`,
      {
        "function-name": "orders",
      },
    );
    expect(outcome.failure).toBeDefined();
    const text = textOf(html);
    expect(text).toMatch(/❌ Failed at “Install the dependencies”: .*orjson/);
    expect(text).not.toMatch(/No findings:|all fit Lambda|Succeeded/);
    expect(text).toContain("Not checked: the run stopped before the inspection");
    const items = valuesOf(tableWithHead(html, ["Item", "Value"]));
    expect(items.get("Lockfile")).toBe("requirements.txt · 2 pinned distributions");
    expect(items.get("Target")).toMatch(/^python3\.12 on x86_64/);
    const stages = Object.fromEntries(tableWithHead(html, ["Stage", "Result", "Time"]).rows.map((r) => [r[0], r[1]]));
    expect(stages).toMatchObject({
      "Read the lockfile": "✅ done",
      "Install the dependencies": "❌ failed",
      "Inspect (wheel tags, shared objects, collisions, layout)": "⏹️ not reached",
      Deploy: "⏹️ not reached",
    });
    expect(text).toContain("Nothing was deployed.");
    expect(written.line).toMatch(/^lambda-python-package: failed for python3\.12\/x86_64: /);
  });

  it("shows the size change against the base branch's latest build", async () => {
    const onMain = gitEnv({ GITHUB_REF_NAME: "main", GITHUB_SHA: "a".repeat(40) });
    await runAndReport(base(), { "function-name": "diffdemo", deploy: "false" }, onMain);
    const onPr = gitEnv({
      GITHUB_HEAD_REF: "bump-big",
      GITHUB_BASE_REF: "main",
      GITHUB_REF_NAME: "42/merge",
      GITHUB_SHA: "b".repeat(40),
    });
    const { html, written } = await runAndReport(
      `${pinned("small", "1.0", w.small!)}\n${pinned("big", "2.0", w.big2!)}\n${pinned("extra", "0.3", w.extra!)}\n`,
      { "function-name": "diffdemo", deploy: "false" },
      onPr,
    );
    expect(written.diff).toMatchObject({
      baseRef: "main",
      added: [{ name: "extra", version: "0.3" }],
      upgraded: [{ name: "big", from: "1.0", to: "2.0" }],
    });
    expect(html).toContain("Size change against <code>main</code>");
    expect(html).toMatch(/<strong>upgraded:<\/strong> big 1\.0 → 2\.0 \(\+39\.\d KB\)/);
    expect(html).toMatch(/<strong>grew most:<\/strong> big \+39\.\d KB, extra/);
  });
});

describe("the pull-request comment", () => {
  it("is created once and updated in place; a refused token is a warning", async () => {
    const comments: { id: number; body: string }[] = [];
    let refuse = false;
    const requests: string[] = [];
    const server = http.createServer((req, res) => {
      let body = "";
      req.on("data", (c) => {
        body += c;
      });
      req.on("end", () => {
        requests.push(`${req.method} ${req.url}`);
        if (refuse || req.headers.authorization !== "Bearer ghs_test_token") {
          res
            .writeHead(403, { "Content-Type": "application/json" })
            .end('{"message":"Resource not accessible by integration"}');
        } else if (req.method === "GET")
          res.writeHead(200, { "Content-Type": "application/json" }).end(JSON.stringify(comments));
        else if (req.method === "POST") {
          comments.push({ id: comments.length + 1, body: JSON.parse(body).body });
          res.writeHead(201).end("{}");
        } else if (req.method === "PATCH") {
          const id = Number(req.url?.split("/").pop());
          comments.find((c) => c.id === id)!.body = JSON.parse(body).body;
          res.writeHead(200).end("{}");
        }
      });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    try {
      const eventPath = path.join(work, "event.json");
      await writeFile(eventPath, JSON.stringify({ pull_request: { number: 7 } }));
      const prEnv = gitEnv({
        GITHUB_EVENT_NAME: "pull_request",
        GITHUB_EVENT_PATH: eventPath,
        GITHUB_REPOSITORY: "acme/orders",
        GITHUB_API_URL: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        GITHUB_JOB: "preview",
      });
      const values = { "function-name": "orders", deploy: "false", comment: "true", "github-token": "ghs_test_token" };
      expect((await runAndReport(base(), values, prEnv)).written.comment).toBe("created");
      expect((await runAndReport(base(), values, prEnv)).written.comment).toBe("updated");
      expect(comments).toHaveLength(1);
      expect(comments[0]!.body).toContain("<!-- lambda-python-package:/preview/orders/python3.12/x86_64 -->");
      expect(requests).toContain("PATCH /repos/acme/orders/issues/comments/1");
      refuse = true;
      const refused = await runAndReport(base(), values, prEnv);
      expect(refused.written.comment).toBeUndefined();
      expect(refused.log.annotations.map((a) => a.message).join("\n")).toMatch(/HTTP 403.*pull-requests: write/);
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });
});

describe("pull-request previews as workflow artifacts", () => {
  it("uploads the zips through the real client and names the artifact in the summary", async () => {
    const { startLocalArtifactService } = await import("../devtools/local-artifact-service/index.ts");
    const service = await startLocalArtifactService();
    try {
      const { written, html } = await runAndReport(
        base(),
        { "function-name": "orders", deploy: "false", "upload-artifact": "true" },
        { ...gitEnv(), ...service.env() },
      );
      expect(written.artifact?.name).toBe("lambda-orders-python3.12-x86_64");
      const stored = service.artifacts();
      expect(stored).toHaveLength(1);
      expect(stored[0]).toMatchObject({ name: "lambda-orders-python3.12-x86_64", finalized: true });
      expect(stored[0]!.files.sort()).toEqual(["function.zip", "layer.zip"]);
      expect(html).toContain("Artifact <strong>lambda-orders-python3.12-x86_64</strong>");
    } finally {
      await service.close();
    }
  });
});
