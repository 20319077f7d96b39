/**
 * No secret leaves by any exit. A dozen secrets, each in a form a user gives it (index
 * URLs with the token as the user and an empty password, the token alone, user:pass
 * percent-encoded; in inputs, PIP_*, UV_* and pip.conf; AWS keys, a GitHub token, the
 * runner's token), and a function that echoes them back in its smoke response in every
 * encoding (raw, percent-encoded, HTML references, a Basic header, wrapped across lines).
 * The action runs as GitHub runs it (the bundle, INPUT_* variables) against the local
 * index, AWS, artifact service and GitHub API; then every exit is searched (stdout,
 * stderr, $GITHUB_STEP_SUMMARY, $GITHUB_OUTPUT, the PR comment as the API received it,
 * the artifact's name) for any 6-character piece of any secret in any of those encodings.
 */
import { spawn } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { type LocalArtifactService, startLocalArtifactService } from "../devtools/local-artifact-service/index.ts";
import { type LocalAws, startLocalAws } from "../devtools/local-aws/index.ts";
import { type LocalGitHub, startLocalGitHub } from "../devtools/local-github/index.ts";
import { type LocalIndex, startIndex } from "../devtools/pypi/index-server.ts";
import { makeWheel } from "../devtools/pypi/wheel.ts";
import { esc } from "../src/report/markdown.ts";
import { bundledAction } from "./support/bundle.ts";
import { pinned, writeProject } from "./support/project.ts";
import { pythonFor } from "./support/python.ts";

const REGION = "eu-west-3";
const S = {
  indexToken: "idxTok3n-AsUser-4Rz9",
  extraPassword: "m1rror:pa55@word/Yq",
  tokenAlone: "ghp-tokenAlone-8Wv2Lp",
  pipIndexPassword: "p1p+idx/pw@Kx3",
  uvIndexPassword: "uvN4med-Secret-Jt6",
  uvDefaultToken: "uvDef-T0ken-Hs5Qe",
  pipConfToken: "c0nfTok-Dwnl0ad-Vb7",
  accessKeyId: "AKIAEXITS7Q2XLM9ZP3K",
  secretAccessKey: "ex1ts/Key+With/Slashes=Zq81LmXv0Pp2",
  sessionToken: "IQoJb3JpZ2luX2VjEXITS//////////wEaDmFw+tail==",
  githubToken: "ghs-x1tsT0ken-Pq4Rz8Lm2",
};
/** user:password pairs a client sends in a Basic header */
const BASIC: [string, string][] = [
  [S.indexToken, ""],
  ["mirror", S.extraPassword],
  [S.tokenAlone, ""],
  ["ci", S.pipIndexPassword],
  ["uv", S.uvIndexPassword],
  [S.uvDefaultToken, ""],
  [S.pipConfToken, ""],
];

const python312 = pythonFor(12);
let work: string;
let index: LocalIndex;
let aws: LocalAws;
let artifacts: LocalArtifactService;
let github: LocalGitHub;

/** Every encoding a secret may leave in: what a reader could decode it from. */
function encodings(secret: string): string[] {
  const strict = encodeURIComponent(secret).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return [
    secret,
    encodeURIComponent(secret),
    strict,
    [...secret].map((c) => `&#${c.codePointAt(0)};`).join(""),
    esc(secret),
    JSON.stringify(secret).slice(1, -1),
    ...BASIC.filter(([user, password]) => user === secret || password === secret).map(([user, password]) =>
      Buffer.from(`${user}:${password}`).toString("base64"),
    ),
  ];
}

/** The event the function echoes: every secret, each in a different encoding, one wrapped across lines. */
function smokeEvent(runtimeToken: string): string {
  const all = [...Object.values(S), runtimeToken];
  const forms = all.map((secret, i) => {
    const shown = [
      secret,
      encodeURIComponent(secret),
      [...secret].map((c) => `&#${c.codePointAt(0)};`).join(""),
      `${secret.slice(0, 7)}\n${secret.slice(7)}`,
    ];
    return shown[i % shown.length]!;
  });
  const basic = BASIC.map(([u, p]) => Buffer.from(`${u}:${p}`).toString("base64"));
  return JSON.stringify({ first: S.githubToken, forms, basic });
}

function runBundle(
  bundle: string,
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

interface Scenario {
  name: string;
  /** the function the run deploys (one per scenario: an unchanged version would skip the smoke invocation) */
  functionName: string;
  smokeExpect: string;
  succeeds: boolean;
}

const SCENARIOS: Scenario[] = [
  { name: "the smoke invocation passes", functionName: "orders", smokeExpect: '{"lib": 1}', succeeds: true },
  {
    name: "the smoke invocation fails: its response and log tail in the error, the summary and the comment",
    functionName: "orders-failing",
    smokeExpect: '{"lib": 2}',
    succeeds: false,
  },
];

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  summary: string;
  outputs: string;
}
const runs = new Map<Scenario, Run>();

beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), "lpp-all-exits-"));
  const wheels = path.join(work, "wheels");
  const lib = await makeWheel(wheels, { name: "tinylib", version: "1.0", files: { "tinylib/__init__.py": "V = 1\n" } });
  index = await startIndex(wheels, { auth: { user: S.indexToken, password: "" } });
  aws = await startLocalAws({
    updateDelayMs: 20,
    credentials: [{ accessKeyId: S.accessKeyId, secretAccessKey: S.secretAccessKey }],
  });
  for (const s of SCENARIOS)
    aws.createFunction({ name: s.functionName, region: REGION, runtime: "python3.12", handler: "app.handler" });
  artifacts = await startLocalArtifactService();
  github = await startLocalGitHub({ token: S.githubToken, repository: "acme/orders" });
  // the function prints the event (its log tail) and echoes it (its response)
  const project = await writeProject(path.join(work, "project"), {
    "app.py":
      "import json, tinylib\n\ndef handler(event, context):\n    print(json.dumps(event))\n    return {'echo': event, 'lib': tinylib.V}\n",
    "requirements.txt": `${pinned("tinylib", "1.0", lib)}\n`,
  });
  const local = (userinfo: string) => index.url.replace("http://", `http://${userinfo}@`);
  const home = path.join(work, "home");
  await mkdir(home, { recursive: true });
  const pipConf = path.join(home, "pip.conf");
  await writeFile(pipConf, `[download]\nindex-url = ${local(`${S.pipConfToken}:`)}\n`);
  const eventPath = path.join(work, "event.json");
  await writeFile(eventPath, JSON.stringify({ pull_request: { number: 7 } }));
  const runtimeToken = artifacts.env().ACTIONS_RUNTIME_TOKEN!;
  const bundle = await bundledAction();
  for (const s of SCENARIOS) {
    const inputs: Record<string, string> = {
      "working-directory": project,
      python: python312 ?? "",
      runtime: "python3.12",
      "function-name": s.functionName,
      alias: "live",
      "index-url": local(`${S.indexToken}:`),
      "extra-index-url": local(`mirror:${encodeURIComponent(S.extraPassword)}`),
      "smoke-event": smokeEvent(runtimeToken),
      "smoke-expect": s.smokeExpect,
      "upload-artifact": "true",
      "artifact-name": `lambda-${s.functionName}-${S.pipConfToken}`,
      comment: "true",
      "github-token": S.githubToken,
      cache: "false",
    };
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: home,
      PIP_CONFIG_FILE: pipConf,
      PIP_CACHE_DIR: path.join(home, "pip-cache"),
      PIP_DISABLE_PIP_VERSION_CHECK: "1",
      PIP_INDEX_URL: local(`ci:${encodeURIComponent(S.pipIndexPassword)}`),
      PIP_EXTRA_INDEX_URL: local(S.tokenAlone),
      UV_INDEX: `internal=https://uv:${S.uvIndexPassword}@pkgs.example.com/simple`,
      UV_DEFAULT_INDEX: `https://${S.uvDefaultToken}:@pkgs.example.com/simple`,
      RUNNER_TEMP: path.join(home, "runner-temp"),
      AWS_ACCESS_KEY_ID: S.accessKeyId,
      AWS_SECRET_ACCESS_KEY: S.secretAccessKey,
      AWS_SESSION_TOKEN: S.sessionToken,
      AWS_REGION: REGION,
      AWS_ENDPOINT_URL: aws.endpoint,
      AWS_EC2_METADATA_DISABLED: "true",
      AWS_SHARED_CREDENTIALS_FILE: path.join(home, "no-credentials"),
      AWS_CONFIG_FILE: path.join(home, "no-config"),
      ...artifacts.env(),
      GITHUB_API_URL: github.url,
      GITHUB_REPOSITORY: "acme/orders",
      GITHUB_EVENT_NAME: "pull_request",
      GITHUB_EVENT_PATH: eventPath,
      GITHUB_JOB: "exits",
      GITHUB_OUTPUT: path.join(home, `github-output-${s.functionName}`),
      GITHUB_STEP_SUMMARY: path.join(home, `step-summary-${s.functionName}.md`),
      GITHUB_WORKSPACE: project,
      ...Object.fromEntries(Object.entries(inputs).map(([name, value]) => [`INPUT_${name.toUpperCase()}`, value])),
    };
    await writeFile(env.GITHUB_OUTPUT!, "");
    await writeFile(env.GITHUB_STEP_SUMMARY!, "");
    const child = await runBundle(bundle, env, project);
    runs.set(s, {
      ...child,
      summary: await readFile(env.GITHUB_STEP_SUMMARY!, "utf8"),
      outputs: await readFile(env.GITHUB_OUTPUT!, "utf8"),
    });
  }
}, 240_000);

afterAll(async () => {
  await index?.close();
  await aws?.close();
  await artifacts?.close();
  await github?.close();
  await rm(work, { recursive: true, force: true });
});

const ADD_MASK = "::add-mask::";

it.skipIf(!python312)(
  "the runs got through every exit: deployed, smoke checked, summary, comments, outputs, artifacts",
  () => {
    const [passes, fails] = SCENARIOS.map((s) => runs.get(s)!);
    expect(passes!.code, `${passes!.stdout}\n${passes!.stderr}`).toBe(0);
    expect(passes!.outputs).toMatch(/deployed<<[\s\S]*updated/);
    expect(passes!.summary).toContain("Smoke");
    expect(fails!.code, `${fails!.stdout}\n${fails!.stderr}`).toBe(1);
    expect(fails!.stdout).toMatch(/::error ::smoke invocation of version 1 failed[^\n]*%0A[^\n]*log tail:%0A/);
    expect(fails!.summary).toMatch(/Failed at “Deploy”/);
    expect(github.comments).toHaveLength(2);
    // a failed build uploads no artifact; the passing run's name had the pip.conf token
    expect(artifacts.artifacts().map((a) => a.name)).toEqual(["lambda-orders-redacted"]);
  },
);

for (const s of SCENARIOS)
  it.skipIf(!python312)(`${s.name}: no exit holds any 6-character piece of any secret, in any encoding`, () => {
    const run = runs.get(s)!;
    const secrets = [...Object.values(S), artifacts.env().ACTIONS_RUNTIME_TOKEN!];
    const exits: Record<string, string> = {
      stdout: run.stdout
        .split("\n")
        .filter((line) => !line.startsWith(ADD_MASK))
        .join("\n"),
      stderr: run.stderr,
      $GITHUB_STEP_SUMMARY: run.summary,
      $GITHUB_OUTPUT: run.outputs,
      "PR comments (request bodies)": github.requests.map((r) => r.body).join("\n"),
      "PR comments (stored)": github.comments.map((c) => c.body).join("\n"),
      "artifact names": artifacts
        .artifacts()
        .map((a) => a.name)
        .join("\n"),
    };
    const found: string[] = [];
    for (const secret of secrets)
      for (const form of new Set(encodings(secret)))
        for (let at = 0; at + 6 <= form.length; at++) {
          const piece = form.slice(at, at + 6);
          for (const [exit, text] of Object.entries(exits)) {
            const where = text.indexOf(piece);
            if (where >= 0)
              found.push(`${exit}: ${JSON.stringify(piece)} in …${text.slice(Math.max(0, where - 40), where + 40)}…`);
          }
        }
    expect(found).toEqual([]);
  });

it.skipIf(!python312)("each credential is registered with the runner before the first line that could show it", () => {
  const lines = runs.get(SCENARIOS[0]!)!.stdout.split("\n");
  const masked = (value: string) => lines.indexOf(`${ADD_MASK}${value}`);
  const firstIndexLine = lines.findIndex((line) => line.startsWith("Indexes:"));
  expect(firstIndexLine).toBeGreaterThan(0);
  for (const secret of [
    S.indexToken,
    S.extraPassword,
    S.tokenAlone,
    S.pipIndexPassword,
    S.uvIndexPassword,
    S.uvDefaultToken,
    S.pipConfToken,
  ]) {
    const at = masked(secret);
    expect(at, secret).toBeGreaterThanOrEqual(0);
    expect(at, secret).toBeLessThan(firstIndexLine);
  }
  // the job's own credentials, before the action prints anything at all
  const firstLine = lines.findIndex((line) => line !== "" && !line.startsWith(ADD_MASK));
  for (const secret of [S.accessKeyId, S.secretAccessKey, S.sessionToken, S.githubToken]) {
    expect(masked(secret), secret).toBeGreaterThanOrEqual(0);
    expect(masked(secret), secret).toBeLessThan(firstLine);
  }
});
