/**
 * The Actions entry point: inputs → build and ship → outputs and report. The only
 * module that knows it runs inside GitHub Actions.
 */
import path from "node:path";
import * as core from "@actions/core";
import type { Input } from "./constants.ts";
import { UserError, UserErrors } from "./errors.ts";
import { type Inputs, loadInputs } from "./inputs.ts";
import type { AnnotationLevel, Log } from "./log.ts";
import { addSecret, redact, registeredSecrets } from "./redact.ts";
import { type Outcome, report } from "./report/index.ts";
import { toOutputs } from "./report/outputs.ts";
import { InspectionFailed, runAction } from "./run.ts";

/** Files in messages are relative to the working directory; annotations want them relative to the workspace. */
let workingDirectory = process.cwd();

const actionsLog: Log = {
  info: (m) => core.info(redact(m)),
  debug: (m) => core.debug(redact(m)),
  annotate: (level: AnnotationLevel, message, where) => {
    const file =
      where?.file &&
      path.relative(process.env.GITHUB_WORKSPACE || process.cwd(), path.resolve(workingDirectory, where.file));
    const props = { file, startLine: where?.line, title: where?.distribution };
    const text = redact(message);
    if (level === "error") core.error(text, props);
    else if (level === "warning") core.warning(text, props);
    else core.notice(text, props);
  },
  group: (title, fn) => core.group(title, fn),
};

function maskEnvironmentSecrets(env: NodeJS.ProcessEnv): void {
  for (const name of [
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "ACTIONS_RUNTIME_TOKEN",
    "GITHUB_TOKEN",
    "INPUT_GITHUB-TOKEN",
  ]) {
    const value = env[name];
    if (value) {
      core.setSecret(value);
      addSecret(value);
    }
  }
}

export async function main(): Promise<void> {
  maskEnvironmentSecrets(process.env);
  let inputs: Inputs;
  try {
    inputs = loadInputs((name: Input) => core.getInput(name), process.env);
    workingDirectory = inputs.workingDirectory;
    // index-URL passwords found while reading inputs: the runner masks them too
    for (const secret of registeredSecrets()) core.setSecret(secret);
  } catch (error) {
    fail(error);
    return;
  }
  let outcome: Outcome;
  try {
    const result = await runAction(inputs, { log: actionsLog, env: process.env });
    for (const [name, value] of Object.entries(toOutputs(result))) core.setOutput(name, value);
    outcome = { result };
  } catch (error) {
    fail(error);
    const e = error as UserError;
    outcome = {
      failure: {
        message:
          error instanceof UserError ? e.message : `internal error: ${(error as Error)?.message ?? String(error)}`,
        hint: error instanceof UserError ? e.hint : "please report it, with the log",
        findings: error instanceof InspectionFailed ? error.findings : [],
      },
    };
  }
  try {
    const written = await report(inputs, outcome, { env: process.env, log: actionsLog });
    await core.summary.addRaw(redact(written.summary)).write();
    core.info(redact(written.line));
  } catch (error) {
    core.warning(redact(`The job summary could not be written: ${(error as Error).message}`));
  }
}

/** A user error is annotated once, where it applies; the step fails without repeating it. */
function fail(error: unknown): void {
  if (error instanceof UserError) {
    const errors = error instanceof UserErrors ? error.errors : [error];
    // inspection findings were annotated one by one as they were found
    if (!(error instanceof InspectionFailed))
      for (const e of errors) actionsLog.annotate("error", e.describe(), e.where);
    process.exitCode = core.ExitCode.Failure;
  } else {
    const e = error as Error;
    core.setFailed(redact(`internal error (please report it): ${e?.stack ?? String(error)}`));
  }
}

await main();
