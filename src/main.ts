/**
 * The Actions entry point: inputs → build and ship → outputs and report. The only
 * module that knows it runs inside GitHub Actions.
 */
import path from "node:path";
import * as core from "@actions/core";
import { Input, STAGE_TIMES_PREFIX } from "./constants.ts";
import { logText, outputValue, summaryText } from "./egress.ts";
import { UserError, UserErrors } from "./errors.ts";
import { type Inputs, loadInputs } from "./inputs.ts";
import { actionsLog, type Log } from "./log.ts";
import { addSecret, INSTALLER_URL_VARIABLES, onSecret, secretsInUrl } from "./redact.ts";
import type { Outcome } from "./report/index.ts";
import type { ActionResult } from "./run.ts";

/** Files in messages are relative to the working directory; annotations want them relative to the workspace. */
let workingDirectory = process.cwd();
/**
 * Read once, when the run starts: a cache save running beside the deploy points the toolkit's
 * GITHUB_WORKSPACE (and the working folder) elsewhere for its call (toolkit-env.ts).
 */
let workspace = process.cwd();

const log: Log = actionsLog(core, (file) => path.relative(workspace, path.resolve(workingDirectory, file)));

/**
 * Before anything is printed the runner learns every credential: the job's own, and
 * those inside index URLs (inputs, or the installers' variables); from then on each
 * secret the action finds is handed over as it is found.
 */
function registerSecrets(env: NodeJS.ProcessEnv): void {
  const told = new Set<string>();
  const tell = (secret: string) => {
    if (!told.has(secret)) core.setSecret(secret);
    told.add(secret);
  };
  onSecret(tell);
  // the access key id too, as aws-actions/configure-aws-credentials masks it
  const jobSecrets = [
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "ACTIONS_RUNTIME_TOKEN",
    "ACTIONS_ID_TOKEN_REQUEST_TOKEN",
    "GITHUB_TOKEN",
  ];
  for (const name of jobSecrets) {
    const value = env[name];
    // the runner masks any length; our own redaction skips very short values
    if (value) tell(value);
    addSecret(value);
  }
  addSecret(core.getInput(Input.GithubToken));
  const urls = [
    core.getInput(Input.IndexUrl),
    core.getInput(Input.ExtraIndexUrl),
    ...INSTALLER_URL_VARIABLES.map((name) => env[name]),
  ];
  for (const value of urls)
    for (const url of value?.split(/\s+/) ?? []) for (const secret of secretsInUrl(url)) addSecret(secret);
}

/**
 * The pipeline (build, deploy, report) with what it imports, loaded after the inputs are read
 * and the first line is out: Node starts, reads the inputs and says what it builds before it
 * parses the stages. In dist/ these are chunks of their own (scripts/build-config.mjs).
 */
async function loadPipeline() {
  const [run, reporting, outputs, build, inspection] = await Promise.all([
    import("./run.ts"),
    import("./report/index.ts"),
    import("./report/outputs.ts"),
    import("./build.ts"),
    import("./inspect/stage.ts"),
  ]);
  return { ...run, ...reporting, ...outputs, ...build, InspectionFailed: inspection.InspectionFailed };
}
type Pipeline = Awaited<ReturnType<typeof loadPipeline>>;

export async function run(): Promise<void> {
  workspace = process.env.GITHUB_WORKSPACE || process.cwd();
  registerSecrets(process.env);
  let inputs: Inputs;
  try {
    inputs = loadInputs((name: Input) => core.getInput(name), process.env);
    workingDirectory = inputs.workingDirectory;
  } catch (error) {
    fail(error);
    return;
  }
  const folder = path.relative(workspace, inputs.workingDirectory) || ".";
  log.info(
    `lambda-python-package: building ${folder} for ${inputs.runtime}/${inputs.architecture}, package: ${inputs.packageMode}`,
  );
  const pipeline = await loadPipeline();
  const outcome = await buildAndShip(inputs, pipeline);
  const reportStarted = performance.now();
  try {
    const written = await pipeline.report(inputs, outcome, { env: process.env, log });
    await core.summary.addRaw(summaryText(written.summary)).write();
    log.info(written.line);
  } catch (error) {
    log.annotate("warning", `The job summary could not be written: ${(error as Error).message}`);
  }
  const timings = outcome.result?.build.timings ?? pipeline.buildProgress(inputs)?.timings ?? {};
  log.debug(
    `${STAGE_TIMES_PREFIX}${JSON.stringify({ ...timings, report: Math.round(performance.now() - reportStarted) })}`,
  );
}

/** The run, its outputs set (those known when it failed, too), and what the report needs of it. */
async function buildAndShip(inputs: Inputs, pipeline: Pipeline): Promise<Outcome> {
  const { runAction, toOutputs } = pipeline;
  const setOutputs = (result: ActionResult) => {
    for (const [name, value] of Object.entries(toOutputs(result))) core.setOutput(name, outputValue(value));
  };
  try {
    // a cancelled job gets SIGTERM (SIGINT locally): a traffic shift in progress rolls back first
    const cancel = new AbortController();
    const onSignal = () => cancel.abort();
    process.once("SIGTERM", onSignal);
    process.once("SIGINT", onSignal);
    const result = await runAction(inputs, { log, env: process.env, signal: cancel.signal }).finally(() => {
      process.off("SIGTERM", onSignal);
      process.off("SIGINT", onSignal);
    });
    setOutputs(result);
    return { result };
  } catch (error) {
    const partial = (error as { result?: ActionResult }).result;
    if (partial) setOutputs(partial);
    // inspection findings were annotated one by one as they were found
    fail(error, error instanceof pipeline.InspectionFailed);
    return pipeline.failureOutcome(error);
  }
}

/**
 * A user error is annotated once, where it applies (not again when `annotated` already was);
 * the step fails without repeating it.
 */
function fail(error: unknown, annotated = false): void {
  if (error instanceof UserError) {
    const errors = error instanceof UserErrors ? error.errors : [error];
    if (!annotated) for (const e of errors) log.annotate("error", e.describe(), e.where);
    process.exitCode = 1; // core.ExitCode.Failure; local-action's stand-in for core has no ExitCode
  } else {
    const e = error as Error;
    core.setFailed(logText(`internal error (please report it): ${e?.stack ?? String(error)}`));
  }
}
