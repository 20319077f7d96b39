/**
 * `npm start`: the whole action on the bundled example project, locally, with no
 * network: its dependencies are built into wheels and served from a PEP 503 index
 * on 127.0.0.1, then the action builds function and layer zips for Lambda.
 */
import { execFileSync } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { buildDemoWheels } from "../devtools/pypi/demo-packages.ts";
import { startIndex } from "../devtools/pypi/index-server.ts";
import { extractZip } from "../devtools/zipread.ts";
import { UserError } from "../src/errors.ts";
import { inputsFrom } from "../src/inputs.ts";
import { MemoryLog } from "../src/log.ts";
import { toOutputs } from "../src/report/outputs.ts";
import { runAction } from "../src/run.ts";

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const project = path.join(root, "examples", "demo");

async function main(): Promise<void> {
  const scratch = await mkdtemp(path.join(os.tmpdir(), "lpp-demo-"));
  const wheels = await buildDemoWheels(path.join(root, "examples", "demo-packages"), path.join(scratch, "wheels"));
  const index = await startIndex(path.join(scratch, "wheels"));
  console.log(`Local package index: ${index.url} (${wheels.map((w) => w.filename).join(", ")})\n`);
  try {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      // the machine's own pip configuration must not decide what the demo installs
      PIP_CONFIG_FILE: os.devNull,
      PIP_FIND_LINKS: "",
      PIP_EXTRA_INDEX_URL: "",
      PIP_INDEX_URL: index.url,
      RUNNER_TEMP: scratch,
    };
    const log = new MemoryLog((line) => console.log(`  ${line}`));
    const inputs = inputsFrom(
      {
        runtime: "python3.12",
        architecture: "arm64",
        package: "split",
        "working-directory": project,
        python: process.env.DEMO_PYTHON ?? "",
      },
      {},
    );
    console.log("Building examples/demo for python3.12 on arm64 (package: split)");
    const result = await runAction(inputs, { log, env });
    console.log("\nOutputs:");
    for (const [name, value] of Object.entries(toOutputs(result))) console.log(`  ${name.padEnd(22)} ${value}`);
    invokeLocally(result.build.functionZip?.path, result.build.layerZip?.path, scratch);
  } finally {
    await index.close();
    await rm(scratch, { recursive: true, force: true });
  }
}

/** Unzip the packages the way Lambda does (/var/task, /opt/python) and call the handler once. */
function invokeLocally(functionZip: string | undefined, layerZip: string | undefined, scratch: string): void {
  if (!functionZip || !layerZip) return;
  const python = ["python3.12", path.join(os.homedir(), ".pyenv/versions/3.12.1/bin/python3")].find((p) => {
    try {
      execFileSync(p, ["--version"], { stdio: "ignore" });
      return true;
    } catch {
      return false;
    }
  });
  if (!python) return;
  const task = path.join(scratch, "var-task");
  const opt = path.join(scratch, "opt");
  extractZip(functionZip, task);
  extractZip(layerZip, opt);
  const event = {
    httpMethod: "POST",
    path: "/orders",
    body: JSON.stringify({ sku: "A-1", quantity: 3, unit_price_cents: 1999 }),
  };
  const out = execFileSync(
    python,
    ["-c", `import json, app; print(json.dumps(app.handler(${JSON.stringify(event)}, None)))`],
    {
      cwd: task,
      env: { PATH: process.env.PATH, PYTHONPATH: `${task}:${path.join(opt, "python")}` },
    },
  );
  console.log(`\nInvoked app.handler from the unzipped packages with ${python}:\n  ${out.toString().trim()}`);
}

main().catch((error: unknown) => {
  console.error(error instanceof UserError ? `error: ${error.describe()}` : error);
  process.exitCode = 1;
});
