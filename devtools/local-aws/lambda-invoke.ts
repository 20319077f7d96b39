// Invoke, run for real: the stored code and layers unpacked as Lambda lays them out (a task
// folder for /var/task, an opt folder for /opt) and the handler run by the machine's Python of
// the runtime's version, with -S, the event on stdin and a small bootstrap that prints the result.
import { randomUUID } from "node:crypto";
import { mkdir, mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { runBounded } from "../../src/install/process.ts";
import { extractZip } from "../zipread.ts";
import { parseFunctionRef } from "./lambda-input.ts";
import { type FunctionRecord, type LambdaStore, lambdaError } from "./lambda-store.ts";
import type { FunctionContent, ServiceResponse } from "./types.ts";

const LOG_TAIL = 4096;
const MARK = "@@local-aws-result@@";
// argv: task, opt, python minor, module, function; the event on stdin; prints go to stderr (the log)
const BOOTSTRAP = `
import sys, json, importlib, traceback
task, opt, minor, module, name = sys.argv[1:6]
sys.path[:0] = [task, opt + "/python/lib/python" + minor + "/site-packages", opt + "/python"]
out, sys.stdout = sys.stdout, sys.stderr
class Context:
    function_name = "local"
    aws_request_id = "local"
    def get_remaining_time_in_millis(self): return 3000
try:
    event = json.loads(sys.stdin.read() or "null")
    result = {"ok": getattr(importlib.import_module(module), name)(event, Context())}
except BaseException as e:
    tb = traceback.extract_tb(e.__traceback__)
    result = {"error": {"errorMessage": str(e), "errorType": type(e).__name__,
                        "stackTrace": [l for l in traceback.format_list(tb)]}}
    print("[ERROR] %s: %s" % (type(e).__name__, e), file=sys.stderr)
out.write("\\n${MARK}" + json.dumps(result, default=str) + "\\n")
`;

/** Which version runs: the qualifier's, or for an alias a weighted choice between its two versions. */
function chooseVersion(record: FunctionRecord, qualifier: string | undefined, random: () => number): string {
  if (qualifier === undefined || qualifier === "$LATEST") return "$LATEST";
  const alias = record.fn.aliases.find((a) => a.name === qualifier);
  if (!alias) return qualifier;
  const weights = (alias.routingConfig as { AdditionalVersionWeights?: Record<string, number> } | undefined)
    ?.AdditionalVersionWeights;
  let roll = random();
  for (const [version, weight] of Object.entries(weights ?? {})) {
    if (roll < weight) return version;
    roll -= weight;
  }
  return alias.functionVersion;
}

async function findPython(version: string): Promise<string> {
  const versions = path.join(os.homedir(), ".pyenv", "versions");
  const names = (await readdir(versions).catch(() => [] as string[])).filter(
    (n) => n === version || n.startsWith(`${version}.`),
  );
  if (names[0]) return path.join(versions, names.sort().at(-1) ?? names[0], "bin", "python3");
  return `python${version}`;
}

export async function invoke(
  store: LambdaStore,
  region: string,
  rawName: string,
  query: Map<string, string>,
  headers: Record<string, string | string[] | undefined>,
  body: Buffer,
): Promise<ServiceResponse> {
  const ref = parseFunctionRef(store, region, rawName, query.get("Qualifier"));
  const record = store.require(region, ref.name, ref.qualifier);
  if (ref.qualifier !== undefined) store.resolveVersion(record, ref.qualifier);
  const executedVersion = chooseVersion(record, ref.qualifier, store.random);
  const content: FunctionContent =
    executedVersion === "$LATEST"
      ? record.fn
      : (record.fn.versions.find((v) => v.version === executedVersion) ?? record.fn);
  if (content.packageType !== "Zip" || !content.runtime?.startsWith("python") || !content.handler) {
    throw lambdaError("InvalidParameterValueException", "local-aws runs only Python zip functions");
  }
  if (headers["x-amz-invocation-type"] && headers["x-amz-invocation-type"] !== "RequestResponse") {
    throw lambdaError("InvalidParameterValueException", "local-aws runs only RequestResponse invocations");
  }
  try {
    JSON.parse(body.toString("utf8") || "null");
  } catch {
    throw lambdaError("InvalidRequestContentException", "Could not parse request body into json");
  }
  const outcome = await runHandler(store, region, content, body.toString("utf8"));
  store.invocations.push({
    region,
    functionName: ref.name,
    resource: ref.qualifier === undefined ? undefined : `${ref.name}:${ref.qualifier}`,
    executedVersion,
    at: Date.now(),
    error: outcome.error,
  });
  const requestId = randomUUID();
  const log = `START RequestId: ${requestId} Version: ${executedVersion}\n${outcome.log}END RequestId: ${requestId}\nREPORT RequestId: ${requestId}\tDuration: ${outcome.ms} ms\n`;
  const responseHeaders: Record<string, string> = {
    "content-type": "application/json",
    "X-Amz-Executed-Version": executedVersion,
  };
  if (outcome.error) responseHeaders["X-Amz-Function-Error"] = "Unhandled";
  if (headers["x-amz-log-type"] === "Tail") {
    const bytes = Buffer.from(log);
    responseHeaders["X-Amz-Log-Result"] = bytes.subarray(Math.max(0, bytes.length - LOG_TAIL)).toString("base64");
  }
  return { status: 200, headers: responseHeaders, body: outcome.payload };
}

async function runHandler(
  store: LambdaStore,
  region: string,
  content: FunctionContent,
  event: string,
): Promise<{ payload: string; error: boolean; log: string; ms: number }> {
  const minor = content.runtime?.replace(/^python/, "") ?? "";
  const handler = content.handler ?? "";
  const cut = handler.lastIndexOf(".");
  const module = handler.slice(0, cut).replace(/\//g, ".");
  const name = handler.slice(cut + 1);
  const root = await mkdtemp(path.join(os.tmpdir(), "local-aws-invoke-"));
  const task = path.join(root, "task");
  const opt = path.join(root, "opt");
  const started = Date.now();
  try {
    await mkdir(task);
    await mkdir(opt);
    const unpack = async (zip: Buffer, into: string) => {
      const file = path.join(root, "code.zip");
      await writeFile(file, zip);
      extractZip(file, into);
      await rm(file);
    };
    await unpack(content.zip, task);
    for (const arn of content.layers) {
      const [, , , , , , layerName = "", version = ""] = arn.split(":");
      const layer = store.layerVersion(region, layerName, Number(version));
      if (layer) await unpack(layer.zip, opt);
    }
    const ran = await runBounded(
      await findPython(minor),
      ["-S", "-B", "-c", BOOTSTRAP, task, opt, minor, module, name],
      {
        env: { PATH: process.env.PATH ?? "", LANG: "C.UTF-8", HOME: root, ...(content.environment ?? {}) },
        cwd: task,
        stdin: event,
        timeoutMs: content.timeout * 1000,
      },
    );
    const ms = Date.now() - started;
    if (ran.code === null) {
      const message = `Task timed out after ${content.timeout.toFixed(2)} seconds`;
      return {
        payload: JSON.stringify({ errorMessage: message, errorType: "Sandbox.Timedout" }),
        error: true,
        log: `${ran.stderr}${message}\n`,
        ms,
      };
    }
    const marked = ran.stdout.lastIndexOf(MARK);
    if (marked < 0) {
      const message = `Runtime exited with error: exit status ${ran.code}`;
      return {
        payload: JSON.stringify({ errorMessage: message, errorType: "Runtime.ExitError" }),
        error: true,
        log: `${ran.stderr}${message}\n`,
        ms,
      };
    }
    const result = JSON.parse(ran.stdout.slice(marked + MARK.length)) as { ok?: unknown; error?: unknown };
    return {
      payload: JSON.stringify(result.error ?? result.ok ?? null),
      error: result.error !== undefined,
      log: ran.stderr,
      ms,
    };
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}
