/**
 * The Actions entry point: inputs → build and ship → outputs and report. The only
 * module that knows it runs inside GitHub Actions.
 */
import path from "node:path";
import * as core from "@actions/core";
import { InspectionFailed } from "./build.ts";
import { Input } from "./constants.ts";
import { logText, outputValue, summaryText } from "./egress.ts";
import { UserError, UserErrors } from "./errors.ts";
import { type Inputs, loadInputs } from "./inputs.ts";
import { actionsLog, type Log } from "./log.ts";
import { addSecret, INSTALLER_URL_VARIABLES, onSecret, secretsInUrl } from "./redact.ts";
import { failureOutcome, type Outcome, report } from "./report/index.ts";
import { toOutputs } from "./report/outputs.ts";
import { type ActionResult, runAction } from "./run.ts";

/** Files in messages are relative to the working directory; annotations want them relative to the workspace. */
let workingDirectory = process.cwd();

const log: Log = actionsLog(core, (file) =>
  path.relative(process.env.GITHUB_WORKSPACE || process.cwd(), path.resolve(workingDirectory, file)),
);

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

export async function run(): Promise<void> {
  registerSecrets(process.env);
  let inputs: Inputs;
  try {
    inputs = loadInputs((name: Input) => core.getInput(name), process.env);
    workingDirectory = inputs.workingDirectory;
  } catch (error) {
    fail(error);
    return;
  }
  let outcome: Outcome;
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
    outcome = { result };
  } catch (error) {
    const partial = (error as { result?: ActionResult }).result;
    if (partial) setOutputs(partial);
    fail(error);
    outcome = failureOutcome(error);
  }
  try {
    const written = await report(inputs, outcome, { env: process.env, log });
    await core.summary.addRaw(summaryText(written.summary)).write();
    log.info(written.line);
  } catch (error) {
    log.annotate("warning", `The job summary could not be written: ${(error as Error).message}`);
  }
}

function setOutputs(result: ActionResult): void {
  for (const [name, value] of Object.entries(toOutputs(result))) core.setOutput(name, outputValue(value));
}

/** A user error is annotated once, where it applies; the step fails without repeating it. */
function fail(error: unknown): void {
  if (error instanceof UserError) {
    const errors = error instanceof UserErrors ? error.errors : [error];
    // inspection findings were annotated one by one as they were found
    if (!(error instanceof InspectionFailed)) for (const e of errors) log.annotate("error", e.describe(), e.where);
    process.exitCode = 1; // core.ExitCode.Failure; local-action's stand-in for core has no ExitCode
  } else {
    const e = error as Error;
    core.setFailed(logText(`internal error (please report it): ${e?.stack ?? String(error)}`));
  }
}
