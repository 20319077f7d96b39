/**
 * `npm start`: the whole action on the bundled example project, locally and with no
 * network. The example's dependencies are built into wheels and served from a PEP 503
 * index on 127.0.0.1; a strict local AWS (Lambda + S3 on 127.0.0.1, real SDK, real
 * signatures) stands in for the account. The action builds function and layer zips
 * for python3.12 on arm64, inspects them, deploys both, attaches the layer, publishes
 * a version and points the `live` alias at it; then runs again to show that an
 * unchanged deploy writes nothing, and invokes the function through the Lambda API (the
 * local AWS runs it with the machine's Python). The job summary is written next to the zips.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { InvokeCommand, type LambdaClient } from "@aws-sdk/client-lambda";
import { marked } from "marked";
import { startLocalAws, TEST_CREDENTIALS } from "../devtools/local-aws/index.ts";
import { startDemoIndex } from "../devtools/pypi/demo-packages.ts";
import { makeClients } from "../src/deploy/aws.ts";
import { UserError } from "../src/errors.ts";
import { inputsFrom } from "../src/inputs.ts";
import { MemoryLog } from "../src/log.ts";
import { report } from "../src/report/index.ts";
import { toOutputs } from "../src/report/outputs.ts";
import { type ActionResult, runAction } from "../src/run.ts";

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const project = path.join(root, "examples", "demo");
const REGION = "eu-west-1";

async function main(): Promise<void> {
  const scratch = await mkdtemp(path.join(os.tmpdir(), "lpp-demo-"));
  const index = await startDemoIndex();
  const aws = await startLocalAws({ updateDelayMs: 300 });
  aws.createFunction({
    name: "orders-api",
    region: REGION,
    runtime: "python3.12",
    architecture: "arm64",
    handler: "app.handler",
    environment: { TABLE: "orders" },
  });
  console.log(`Local package index: ${index.url} (${index.wheels.map((w) => w.filename).join(", ")})`);
  console.log(`Local AWS (Lambda + S3): ${aws.endpoint}, function orders-api in ${REGION}\n`);
  try {
    // like main.ts, the demo owns the process's environment and hands the action a copy
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      // as aws-actions/configure-aws-credentials leaves them, pointed at the local AWS
      AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey,
      AWS_ENDPOINT_URL: aws.endpoint,
      AWS_REGION: REGION,
      // the machine's own pip configuration must not decide what the demo installs
      PIP_CONFIG_FILE: os.devNull,
      PIP_FIND_LINKS: "",
      PIP_EXTRA_INDEX_URL: "",
      PIP_INDEX_URL: index.url,
      RUNNER_TEMP: scratch,
    };
    const inputs = inputsFrom(
      {
        runtime: "python3.12",
        architecture: "arm64",
        package: "split",
        "working-directory": project,
        "function-name": "orders-api",
        "layer-name": "orders-api-deps",
        alias: "live",
        handler: "app.handler",
        "smoke-event": JSON.stringify({ httpMethod: "GET", path: "/health" }),
        python: process.env.DEMO_PYTHON ?? "",
      },
      // the outputs stay beside the example (no RUNNER_TEMP), as outside Actions
      { ...process.env, AWS_REGION: REGION },
    );
    let last: ActionResult | undefined;
    for (const round of [1, 2]) {
      console.log(`━━ Run ${round}: build, inspect, deploy (python3.12, arm64, package: split)`);
      const log = new MemoryLog((line) => console.log(`  ${line}`));
      last = await runAction(inputs, { log, env });
      const written = await report(inputs, { result: last }, { env, log });
      console.log(`  ${written.line}\n`);
      const summaryPath = path.join(inputs.outputDir, "summary.md");
      await writeFile(summaryPath, written.summary);
      await writeFile(path.join(inputs.outputDir, "summary.html"), summaryPage(await marked.parse(written.summary)));
      if (round === 2) console.log(`Job summary: ${summaryPath} (and summary.html)\n`);
    }
    console.log("Outputs of the second run:");
    for (const [name, value] of Object.entries(toOutputs(last!))) console.log(`  ${name.padEnd(22)} ${value}`);
    const fn = aws.getFunction(REGION, "orders-api")!;
    console.log(
      `\nIn the local Lambda: orders-api CodeSha256 ${fn.codeSha256}, layers ${fn.layers.join(", ")}, environment kept: ${JSON.stringify(fn.environment)}`,
    );
    await invokeAlias(makeClients(REGION, env).lambda);
  } finally {
    await index.close();
    await aws.close();
    await rm(scratch, { recursive: true, force: true });
  }
}

/** The summary as GitHub shows it, close enough for a look in a browser. */
function summaryPage(body: string): string {
  return `<!DOCTYPE html><html><head><meta charset="utf-8"><title>lambda-python-package summary</title><style>
body{font-family:-apple-system,BlinkMacSystemFont,"Segoe UI",Helvetica,Arial,sans-serif;font-size:14px;line-height:1.5;color:#1f2328;max-width:1012px;margin:24px auto;padding:0 24px}
table{border-collapse:collapse;margin:8px 0 16px}th,td{border:1px solid #d1d9e0;padding:6px 13px}tr:nth-child(2n){background:#f6f8fa}
code{background:#eff1f3;border-radius:6px;padding:.2em .4em;font-size:85%}h2{border-bottom:1px solid #d1d9e0;padding-bottom:.3em}summary{cursor:pointer}
</style></head><body>${body}</body></html>`;
}

/** The deployed function, invoked through the Lambda API on its alias: the local AWS runs it. */
async function invokeAlias(lambda: LambdaClient): Promise<void> {
  const event = {
    httpMethod: "POST",
    path: "/orders",
    body: JSON.stringify({ sku: "A-1", quantity: 3, unit_price_cents: 1999 }),
  };
  const answer = await lambda.send(
    new InvokeCommand({
      FunctionName: "orders-api",
      Qualifier: "live",
      Payload: JSON.stringify(event),
      LogType: "Tail",
    }),
  );
  const payload = Buffer.from(answer.Payload ?? new Uint8Array()).toString("utf8");
  console.log(
    `\nInvoke orders-api:live (executed version ${answer.ExecutedVersion}, status ${answer.StatusCode}${answer.FunctionError ? `, ${answer.FunctionError}` : ""}):\n  ${payload}`,
  );
}

main().catch((error: unknown) => {
  console.error(error instanceof UserError ? `error: ${error.describe()}` : error);
  process.exitCode = 1;
});
