/**
 * Secrets never leave the action: AWS credentials, a session token and the password in a
 * private index URL must not appear in stdout, stderr, the job summary, the outputs or
 * any error, on success and on every kind of failure. Run twice: in-process through
 * `runAction` (log, annotations, error, outputs, summary), and as GitHub runs it: the
 * action bundled as dist/index.js is (same entry, same esbuild options:
 * scripts/build-config.mjs, from the current sources: test/support/bundle.ts) as a
 * child process reading INPUT_* and writing $GITHUB_OUTPUT and $GITHUB_STEP_SUMMARY.
 */
import { spawn } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LocalAws, startLocalAws } from "../devtools/local-aws/index.ts";
import { type LocalIndex, startIndex } from "../devtools/pypi/index-server.ts";
import { type BuiltWheel, makeWheel } from "../devtools/pypi/wheel.ts";
import { makeClients } from "../src/deploy/aws.ts";
import { UserError } from "../src/errors.ts";
import { inputsFrom } from "../src/inputs.ts";
import { MemoryLog } from "../src/log.ts";
import { failureOutcome, report } from "../src/report/index.ts";
import { toOutputs } from "../src/report/outputs.ts";
import { type ActionResult, runAction } from "../src/run.ts";
import { fastRetry } from "./support/action.ts";
import { bundledAction } from "./support/bundle.ts";
import { pinned, writeProject } from "./support/project.ts";
import { hostPython } from "./support/python.ts";

const REGION = "ap-southeast-2";
const ACCESS_KEY_ID = "AKIASECRETSTEST7Q2X";
const SECRET_ACCESS_KEY = "s3cr3t/Key+With/Slashes=Zq81LmXv0Pp2Rr4Tt6";
const SESSION_TOKEN = "IQoJb3JpZ2luX2VjEPr//////////wEaDmFwLXNvdXRoZWFzdC0yIkcwRQIhAOSESSIONTOKEN+tail==";
const INDEX_USER = "ci-bot";
const INDEX_PASSWORD = "hunter2-Zk9#x/Y";
const WRONG_PASSWORD = "not-the-password-Qm7";
/** an extra index whose credentials are refused: pip moves on to the main index */
const EXTRA_PASSWORD = "mirror:pa55@word";
const WRONG_SECRET = "wr0ng/Secret+Key=AAAAAAAAAAAAAAAAAAAAAAAA";
let bundle: string;

let work: string;
let index: LocalIndex;
let aws: LocalAws;
const wheels: Record<string, BuiltWheel> = {};

beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), "lpp-secrets-"));
  const dir = path.join(work, "wheels");
  wheels.tinylib = await makeWheel(dir, {
    name: "tinylib",
    version: "1.0",
    files: { "tinylib/__init__.py": "V = 1\n" },
  });
  wheels.needsold = await makeWheel(dir, {
    name: "needsold",
    version: "1.0",
    requires: ["tinylib<1.0"],
    files: { "needsold/__init__.py": "" },
  });
  index = await startIndex(dir, { auth: { user: INDEX_USER, password: INDEX_PASSWORD } });
  aws = await startLocalAws({
    updateDelayMs: 30,
    credentials: [{ accessKeyId: ACCESS_KEY_ID, secretAccessKey: SECRET_ACCESS_KEY }],
  });
  bundle = await bundledAction();
  for (const name of ["secrets-inproc", "secrets-dist"]) {
    aws.createFunction({ name, region: REGION, runtime: "python3.12", environment: { DB_PASSWORD: "kept" } });
  }
});

afterAll(async () => {
  await index?.close();
  await aws?.close();
  await rm(work, { recursive: true, force: true });
});

const indexUrl = (password: string, user = INDEX_USER) =>
  index.url.replace("http://", `http://${user}:${encodeURIComponent(password)}@`);

/** Every form a secret could take in text: as is, URL-encoded, and (for the index) as a Basic credential. */
function forms(secret: string): string[] {
  return [
    ...new Set([
      secret,
      encodeURIComponent(secret),
      Buffer.from(`${INDEX_USER}:${secret}`).toString("base64"),
      Buffer.from(`mirror:${secret}`).toString("base64"),
    ]),
  ];
}

interface Scenario {
  id: string;
  description: string;
  requirements: () => string;
  inputs: (fn: string) => Record<string, string>;
  /** the secret key the job's credentials carry (default: the right one) */
  secretAccessKey?: string;
  succeeds: boolean;
  /** what the failure must be about (it must still be reported) */
  failure?: RegExp;
}

const release = (fn: string, password = INDEX_PASSWORD) => ({
  runtime: "python3.12",
  package: "split",
  "function-name": fn,
  "layer-name": `${fn}-deps`,
  "index-url": indexUrl(password),
  "extra-index-url": indexUrl(EXTRA_PASSWORD, "mirror"),
  cache: "false",
});

/**
 * The deploy failures happen after the install, which "success" runs in full (cache off, in
 * process and bundled) with the same index URLs: they take the dependencies from one folder
 * cache that the first of them fills, so what they add is the deploy's own failure text.
 */
const AFTER_INSTALL = { cache: "true" };

const SCENARIOS: Scenario[] = [
  {
    id: "success",
    description: "a release deploy from a private index",
    requirements: () => `${pinned("tinylib", "1.0", wheels.tinylib!)}\n`,
    inputs: (fn) => release(fn),
    succeeds: true,
  },
  {
    id: "bad-index-password",
    description: "the index refuses the password in its URL",
    requirements: () => `${pinned("tinylib", "1.0", wheels.tinylib!)}\n`,
    inputs: (fn) => release(fn, WRONG_PASSWORD),
    succeeds: false,
    failure:
      /tinylib==1\.0 could not be installed: the index refused the credentials it was given: http:\/\/ci-bot:\*\*\*@127\.0\.0\.1:\d+\/simple \(HTTP 401\)/,
  },
  {
    id: "pip-failure",
    description: "pip cannot resolve the requirements (conflicting pins)",
    requirements: () => "tinylib==1.0\nneedsold==1.0\n",
    inputs: (fn) => release(fn),
    succeeds: false,
    failure: /the pinned versions conflict: The user requested tinylib==1\.0; needsold 1\.0 depends on tinylib<1\.0/,
  },
  {
    id: "deploy-failure-missing-function",
    description: "the function does not exist",
    requirements: () => `${pinned("tinylib", "1.0", wheels.tinylib!)}\n`,
    inputs: (fn) => ({ ...release(fn), "function-name": `${fn}-missing`, ...AFTER_INSTALL }),
    succeeds: false,
    failure: /does not exist/,
  },
  {
    id: "deploy-failure-signature",
    description: "the secret key is wrong: AWS refuses the signature",
    requirements: () => `${pinned("tinylib", "1.0", wheels.tinylib!)}\n`,
    inputs: (fn) => ({ ...release(fn), ...AFTER_INSTALL }),
    secretAccessKey: WRONG_SECRET,
    succeeds: false,
    failure: /InvalidSignatureException|signature/,
  },
];

function secretsOf(s: Scenario): string[] {
  return [
    SECRET_ACCESS_KEY,
    SESSION_TOKEN,
    INDEX_PASSWORD,
    WRONG_PASSWORD,
    EXTRA_PASSWORD,
    WRONG_SECRET,
    s.secretAccessKey ?? "",
  ]
    .filter(Boolean)
    .flatMap(forms);
}

/** Names each place a secret was found in: "stdout: …context…". */
function leaks(places: Record<string, string>, secrets: string[]): string[] {
  const found: string[] = [];
  for (const [place, text] of Object.entries(places)) {
    for (const secret of secrets) {
      const at = text.indexOf(secret);
      if (at >= 0) found.push(`${place}: …${text.slice(Math.max(0, at - 60), at + secret.length + 20)}…`);
    }
  }
  return found;
}

async function projectFor(name: string, requirements: string): Promise<string> {
  return writeProject(path.join(work, "projects", name), {
    "app.py": "import tinylib\n\ndef handler(event, context):\n    return tinylib.V\n",
    "requirements.txt": requirements,
  });
}

function jobEnv(home: string, secretAccessKey: string): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: home,
    PIP_CONFIG_FILE: os.devNull,
    PIP_CACHE_DIR: path.join(home, "pip-cache"),
    PIP_DISABLE_PIP_VERSION_CHECK: "1",
    RUNNER_TEMP: path.join(home, "runner-temp"),
    // one folder cache for the file (used by the scenarios with AFTER_INSTALL)
    XDG_CACHE_HOME: path.join(work, "cache"),
    AWS_ACCESS_KEY_ID: ACCESS_KEY_ID,
    AWS_SECRET_ACCESS_KEY: secretAccessKey,
    AWS_SESSION_TOKEN: SESSION_TOKEN,
    AWS_REGION: REGION,
    AWS_ENDPOINT_URL: aws.endpoint,
    AWS_EC2_METADATA_DISABLED: "true",
  };
}

it("the leak check finds a secret in any of its forms", () => {
  const text = (s: string) => ({ somewhere: `before ${s} after` });
  for (const secret of [INDEX_PASSWORD, SECRET_ACCESS_KEY]) {
    for (const form of forms(secret)) expect(leaks(text(form), forms(secret))).toHaveLength(1);
  }
  expect(leaks(text("http://ci-bot:***@127.0.0.1/simple"), forms(INDEX_PASSWORD))).toEqual([]);
});

describe("in-process: runAction, its log, annotations, errors, outputs and summary", () => {
  for (const s of SCENARIOS) {
    it(`${s.id}: ${s.description}`, async () => {
      const home = path.join(work, "home-inproc", s.id);
      await mkdir(home, { recursive: true });
      const dir = await projectFor(`inproc-${s.id}`, s.requirements());
      const env = jobEnv(home, s.secretAccessKey ?? SECRET_ACCESS_KEY);
      const log = new MemoryLog();
      const inputs = inputsFrom({ "working-directory": dir, python: hostPython(), ...s.inputs("secrets-inproc") }, env);
      let result: ActionResult | undefined;
      let error: unknown;
      try {
        result = await runAction(inputs, {
          log,
          env,
          awsClients: (region) => makeClients(region, env),
          retryPolicy: fastRetry(2),
        });
      } catch (e) {
        error = e;
      }
      const written = await report(inputs, result ? { result } : failureOutcome(error), { env, log });
      const places: Record<string, string> = {
        log: log.lines.join("\n"),
        annotations: log.annotations.map((a) => `${a.message} ${JSON.stringify(a.where ?? {})}`).join("\n"),
        error: error instanceof UserError ? `${error.describe()}\n${error.stack}` : String(error ?? ""),
        outputs: result ? JSON.stringify(toOutputs(result)) : "",
        summary: `${written.summary}\n${written.line}`,
      };
      expect(leaks(places, secretsOf(s))).toEqual([]);
      if (s.succeeds) {
        expect(error, error instanceof UserError ? error.describe() : String(error)).toBeUndefined();
        expect(result?.deploy.deployed).toBe("updated");
        expect(aws.getFunction(REGION, "secrets-inproc")?.environment).toEqual({ DB_PASSWORD: "kept" });
      } else {
        expect(error).toBeInstanceOf(UserError);
        expect((error as UserError).describe()).toMatch(s.failure!);
      }
      // the index URL is named in the log, with its password replaced
      expect(places.log).not.toContain(`${INDEX_USER}:${encodeURIComponent(INDEX_PASSWORD)}@`);
    });
  }
});

function runBundle(
  env: NodeJS.ProcessEnv,
  cwd: string,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bundle], { env, cwd, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on("data", (d: Buffer) => {
      stderr += d.toString();
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

describe("as GitHub runs it: the bundled action (node index.js) with INPUT_* variables", () => {
  for (const s of SCENARIOS) {
    it(`${s.id}: ${s.description}`, async () => {
      const home = path.join(work, "home-dist", s.id);
      await mkdir(home, { recursive: true });
      const dir = await projectFor(`dist-${s.id}`, s.requirements());
      const inputs = { "working-directory": dir, python: hostPython(), ...s.inputs("secrets-dist") };
      const env: NodeJS.ProcessEnv = {
        ...jobEnv(home, s.secretAccessKey ?? SECRET_ACCESS_KEY),
        AWS_SHARED_CREDENTIALS_FILE: path.join(home, "no-credentials"),
        AWS_CONFIG_FILE: path.join(home, "no-config"),
        GITHUB_OUTPUT: path.join(home, "github-output"),
        GITHUB_STEP_SUMMARY: path.join(home, "step-summary.md"),
        GITHUB_WORKSPACE: dir,
        ...Object.fromEntries(Object.entries(inputs).map(([name, value]) => [`INPUT_${name.toUpperCase()}`, value])),
      };
      await writeFile(env.GITHUB_OUTPUT!, "");
      await writeFile(env.GITHUB_STEP_SUMMARY!, "");
      const run = await runBundle(env, dir);
      const outputs = await readFile(env.GITHUB_OUTPUT!, "utf8");
      const summary = await readFile(env.GITHUB_STEP_SUMMARY!, "utf8");
      // `::add-mask::` lines are the runner's masking commands: the runner reads them, nobody sees them
      const masked = run.stdout.split("\n").filter((l) => l.startsWith("::add-mask::"));
      const places = {
        stdout: run.stdout
          .split("\n")
          .filter((l) => !l.startsWith("::add-mask::"))
          .join("\n"),
        stderr: run.stderr,
        $GITHUB_OUTPUT: outputs,
        $GITHUB_STEP_SUMMARY: summary,
      };
      expect(leaks(places, secretsOf(s))).toEqual([]);
      expect(masked.map((l) => l.slice("::add-mask::".length))).toEqual(
        expect.arrayContaining([s.secretAccessKey ?? SECRET_ACCESS_KEY, SESSION_TOKEN]),
      );
      const all = `${run.stdout}\n${run.stderr}`;
      if (s.succeeds) {
        expect(run.code, all).toBe(0);
        expect(outputs).toMatch(/deployed<<[\s\S]*updated/);
      } else {
        expect(run.code, all).toBe(1);
        expect(all).toMatch(s.failure!);
        expect(all).not.toMatch(/internal error/);
      }
    });
  }
});
