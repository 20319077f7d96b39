/**
 * Runs the bad-input corpus (test/corpus/cases.ts) through the whole action: inputs,
 * lockfile, pip against a local index, inspection, zips, and deploy against the local
 * AWS. Every case must end in a UserError that says what is wrong, where and what to do,
 * and no write call may reach AWS: a bad input never leaves anything half-deployed.
 */
import { execFileSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { mkdir, mkdtemp, rm, symlink, truncate, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { PublishLayerVersionCommand } from "@aws-sdk/client-lambda";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LocalAws, makeZip, startLocalAws, TEST_CREDENTIALS } from "../devtools/local-aws/index.ts";
import { type LocalIndex, startIndex } from "../devtools/pypi/index-server.ts";
import { readZip } from "../devtools/zipread.ts";
import { makeClients } from "../src/deploy/aws.ts";
import { UserError, UserErrors, type Where } from "../src/errors.ts";
import { inputsFrom } from "../src/inputs.ts";
import { MemoryLog } from "../src/log.ts";
import { type ActionResult, runAction } from "../src/run.ts";
import {
  type AcceptedExpectation,
  CASES,
  type CorpusCase,
  type CorpusContext,
  type ErrorExpectation,
  HANDLER,
  type ProjectFile,
  REGION,
  REGRESSIONS,
} from "./corpus/cases.ts";
import { buildCorpusWheels, type CorpusWheel, type WheelKey } from "./corpus/wheels.ts";
import { WRITE_OPERATIONS } from "./support/action.ts";
import { cleanPipEnv, hostPython } from "./support/python.ts";

const AWS_ENV = [
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

let work: string;
let index: LocalIndex;
let aws: LocalAws;
let wheels: Record<WheelKey, CorpusWheel>;
let otherLayers: string[] = [];
const savedEnv: Record<string, string | undefined> = {};

beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), "lpp-corpus-"));
  for (const name of AWS_ENV) savedEnv[name] = process.env[name];
  wheels = await buildCorpusWheels(path.join(work, "wheels"));
  index = await startIndex(path.join(work, "wheels"));
  aws = await startLocalAws({ updateDelayMs: 30 });
  isolateSdkChain();
  const sdk = makeClients(REGION, credentialsEnv("valid")).lambda;
  const layerZip = makeZip([{ name: "python/other.py", data: "X = 1\n" }]);
  otherLayers = [];
  for (let i = 0; i < 5; i++) {
    const published = await sdk.send(
      new PublishLayerVersionCommand({ LayerName: `corpus-other-${i}`, Content: { ZipFile: layerZip } }),
    );
    otherLayers.push(published.LayerVersionArn!);
  }
}, 120_000);

afterAll(async () => {
  restoreEnv();
  await index?.close();
  await aws?.close();
  await rm(work, { recursive: true, force: true });
});

function restoreEnv(): void {
  for (const name of AWS_ENV) {
    if (savedEnv[name] === undefined) delete process.env[name];
    else process.env[name] = savedEnv[name];
  }
}

/**
 * Without keys in the environment it is given, the action leaves credentials to the SDK's
 * own chain (profile files, instance metadata), which reads process.env: for the file's
 * duration nothing outside the test may supply them there.
 */
function isolateSdkChain(): void {
  for (const name of AWS_ENV) delete process.env[name];
  Object.assign(process.env, {
    AWS_EC2_METADATA_DISABLED: "true",
    AWS_SHARED_CREDENTIALS_FILE: path.join(work, "no-credentials"),
    AWS_CONFIG_FILE: path.join(work, "no-config"),
  });
}

/** The job's AWS variables as the case says, pointed at the local AWS. */
function credentialsEnv(kind: NonNullable<CorpusCase["credentials"]>): NodeJS.ProcessEnv {
  if (kind === "missing") return { AWS_ENDPOINT_URL: aws.endpoint };
  return {
    AWS_ENDPOINT_URL: aws.endpoint,
    AWS_ACCESS_KEY_ID: kind === "unknown-key" ? "AKIDNOBODYKNOWS00000" : TEST_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY:
      kind === "wrong-secret" ? "wrong-secret-wrong-secret-wrong-secret00" : TEST_CREDENTIALS.secretAccessKey,
  };
}

async function writeFiles(dir: string, files: Record<string, ProjectFile>): Promise<void> {
  for (const [name, content] of Object.entries(files)) {
    const abs = path.join(dir, name);
    await mkdir(path.dirname(abs), { recursive: true });
    if (typeof content === "string" || Buffer.isBuffer(content)) await writeFile(abs, content);
    else if ("symlink" in content) await symlink(content.symlink, abs);
    else if ("fifo" in content) execFileSync("mkfifo", [abs]);
    else if ("sparse" in content) {
      await writeFile(abs, "");
      await truncate(abs, content.sparse);
    } else await writeFile(Buffer.from(abs, "latin1"), content.content);
  }
}

interface Report {
  source: "thrown" | "annotation";
  message: string;
  where: Where;
  hint?: string;
}

interface Outcome {
  error?: unknown;
  result?: ActionResult;
  log: MemoryLog;
  dir: string;
  writes: string[];
  /** the files the case wrote, relative to dir */
  written: string[];
}

/** Every zip under the project that the case did not write itself. */
function zipsLeft(outcome: Outcome): string[] {
  const found: string[] = [];
  const walk = (rel: string): void => {
    for (const entry of readdirSync(path.join(outcome.dir, rel), { withFileTypes: true })) {
      const p = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(p);
      else if (p.endsWith(".zip") && !outcome.written.includes(p)) found.push(p);
    }
  };
  walk("");
  return found;
}

async function runCase(c: CorpusCase): Promise<Outcome> {
  const ctx: CorpusContext = { wheels, indexUrl: index.url, fn: `corpus-${c.id}` };
  const dir = path.join(work, "projects", c.id);
  await mkdir(dir, { recursive: true });
  const files = c.files?.(ctx) ?? { "app.py": HANDLER, "requirements.txt": "" };
  await writeFiles(dir, files);
  const seed = c.aws?.(ctx) ?? {};
  for (const b of seed.buckets ?? []) aws.createBucket(b.name, b.region);
  for (const f of seed.functions ?? [])
    aws.createFunction({ ...f, layers: c.layers ? otherLayers.slice(0, c.layers) : f.layers });
  const before = seed.functions?.map((f) => aws.getFunction(f.region, f.name)?.codeSha256);

  const home = path.join(work, "home");
  const env = cleanPipEnv(home, { PIP_INDEX_URL: index.url });
  const inputEnv: NodeJS.ProcessEnv = c.regionEnv === false ? {} : { AWS_REGION: REGION };
  const log = new MemoryLog();
  const mark = aws.calls.length;
  let error: unknown;
  let result: ActionResult | undefined;
  try {
    const inputs = inputsFrom(
      { runtime: "python3.12", cache: "false", python: hostPython(), "working-directory": dir, ...c.inputs?.(ctx) },
      inputEnv,
    );
    result = await runAction(inputs, {
      log,
      env,
      awsClients: (region) => makeClients(region, { ...env, ...credentialsEnv(c.credentials ?? "valid") }),
      retryPolicy: {
        attempts: 3,
        baseMs: 1,
        maxMs: 5,
        sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
        random: () => 0.5,
      },
    });
  } catch (e) {
    error = e;
  }
  const writes = aws.calls
    .slice(mark)
    .filter((call) => WRITE_OPERATIONS.has(call.operation))
    .map((call) => `${call.operation} ${call.status}`);
  // nothing half-deployed: every seeded function still runs the code it had
  seed.functions?.forEach((f, i) => {
    expect(aws.getFunction(f.region, f.name)?.codeSha256, `${f.name} kept its code`).toBe(before?.[i]);
  });
  return { error, result, log, dir, writes, written: Object.keys(files) };
}

const INSPECTION_FAILED = /problem\(s\) found by inspection would fail in Lambda.*nothing was deployed/;

function reportsOf(outcome: Outcome): Report[] {
  const thrown =
    outcome.error instanceof UserErrors
      ? outcome.error.errors
      : outcome.error instanceof UserError
        ? [outcome.error]
        : [];
  const annotations = outcome.log.annotations
    .filter((a) => a.level === "error")
    .map((a): Report => {
      const [message = "", hint] = a.message.split("\n  → ");
      return { source: "annotation", message, where: a.where ?? {}, hint };
    });
  return [
    ...thrown.map((e): Report => ({ source: "thrown", message: e.message, where: e.where, hint: e.hint })),
    ...annotations,
  ];
}

function show(reports: Report[]): string {
  return reports
    .map(
      (r) =>
        `  [${r.source}] ${r.where.file ?? ""}${r.where.line ? `:${r.where.line}` : ""}${r.where.distribution ? ` (${r.where.distribution})` : ""} ${r.message}${r.hint ? `\n      → ${r.hint}` : ""}`,
    )
    .join("\n");
}

function checkError(outcome: Outcome, want: ErrorExpectation): void {
  const { error } = outcome;
  // a UserError, never an internal error (a stack trace is not an answer)
  if (!(error instanceof UserError)) {
    throw new Error(
      `expected a UserError, got ${error === undefined ? "success" : String((error as Error)?.stack ?? error)}`,
    );
  }
  const reports = reportsOf(outcome);
  // inspection reports every problem as an annotation where it applies, then stops the build with one error
  const thrown = want.thrown ?? (want.stage === "inspect" ? INSPECTION_FAILED : undefined);
  if (thrown) expect(error.message).toMatch(thrown);
  const candidates = reports.filter((r) =>
    want.stage === "inspect" ? r.source === "annotation" : r.source === "thrown",
  );
  const found = candidates.find((r) => want.message.test(r.message));
  expect(found, `no ${want.stage} error matches ${want.message}; reported:\n${show(reports)}`).toBeDefined();
  if (!found) return;
  if (want.file !== undefined) expect(found.where.file, "where: file").toBe(want.file);
  if (want.line !== undefined) expect(found.where.line, "where: line").toBe(want.line);
  if (want.distribution !== undefined) expect(found.where.distribution, "where: distribution").toBe(want.distribution);
  if (want.hint !== undefined) {
    expect(found.hint, `what to do, for: ${found.message}`).toBeDefined();
    expect(found.hint).toMatch(want.hint);
  }
  for (const also of want.alsoReported ?? []) {
    expect(
      reports.some((r) => also.test(r.message)),
      `also reported: ${also}; reported:\n${show(reports)}`,
    ).toBe(true);
  }
  expect(error.describe()).not.toMatch(/internal error|\n\s+at .*\(.*:\d+:\d+\)/);
}

async function checkAccepted(outcome: Outcome, want: AcceptedExpectation): Promise<void> {
  if (outcome.error !== undefined) {
    const e = outcome.error as Error;
    throw new Error(`expected success, got ${e instanceof UserError ? e.describe() : e?.stack}`);
  }
  if (want.log) {
    const pattern = want.log;
    expect(
      outcome.log.lines.some((l) => pattern.test(l)),
      `a log line matching ${pattern}`,
    ).toBe(true);
  }
  const zip = outcome.result?.build.functionZip;
  if (want.zipEntries || want.zipLacks) {
    expect(zip, "a function zip").toBeDefined();
    const entries = readZip(zip!.path);
    for (const [name, spec] of Object.entries(want.zipEntries ?? {})) {
      const entry = entries.find((e) => e.name === name);
      expect(entry, `zip entry ${name}`).toBeDefined();
      expect(entry!.mode.toString(8), `mode of ${name}`).toBe(spec.mode.toString(8));
      if (typeof spec.content === "string") expect(entry!.data().toString("utf8")).toBe(spec.content);
      else if (spec.content) expect(entry!.data().toString("utf8")).toMatch(spec.content);
    }
    if (want.zipLacks) {
      const lacks = want.zipLacks;
      expect(entries.map((e) => e.name).filter((n) => lacks.test(n))).toEqual([]);
    }
  }
}

describe("the bad-input corpus", () => {
  it("has at least 40 distinct cases, each with a unique id", () => {
    const ids = CASES.map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
    const errors = CASES.filter((c) => c.expect.outcome !== "ok");
    expect(errors.length).toBeGreaterThanOrEqual(40);
    // every error says what to do
    expect(errors.filter((c) => (c.expect as ErrorExpectation).hint === undefined).map((c) => c.id)).toEqual([]);
  });

  for (const c of [...CASES, ...REGRESSIONS]) {
    it(`${c.id}: ${c.description}`, async () => {
      const outcome = await runCase(c);
      // CORPUS_PRINT=1 prints every error as a user reads it
      if (process.env.CORPUS_PRINT) console.log(`\n### ${c.id}\n${show(reportsOf(outcome))}`);
      expect(outcome.writes, "write calls that reached AWS").toEqual([]);
      if (c.expect.outcome === "ok") await checkAccepted(outcome, c.expect);
      else {
        checkError(outcome, c.expect);
        // a failed build leaves no package behind that a later step could upload (a failed deploy built them fine)
        if (c.expect.stage !== "deploy") expect(zipsLeft(outcome), "zips left by a failed build").toEqual([]);
      }
    });
  }
});
