/**
 * The Actions entry point: inputs → build → outputs. The only module that knows it
 * runs inside GitHub Actions.
 */
import path from "node:path";
import * as core from "@actions/core";
import type { Input } from "./constants.ts";
import { UserError, UserErrors } from "./errors.ts";
import { loadInputs } from "./inputs.ts";
import type { AnnotationLevel, Log } from "./log.ts";
import { addSecret, redact } from "./redact.ts";
import { toOutputs } from "./report/outputs.ts";
import { runAction } from "./run.ts";

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
  for (const name of ["AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "ACTIONS_RUNTIME_TOKEN", "GITHUB_TOKEN"]) {
    const value = env[name];
    if (value) {
      core.setSecret(value);
      addSecret(value);
    }
  }
}

export async function main(): Promise<void> {
  try {
    maskEnvironmentSecrets(process.env);
    const inputs = loadInputs((name: Input) => core.getInput(name), process.env);
    workingDirectory = inputs.workingDirectory;
    const result = await runAction(inputs, { log: actionsLog, env: process.env });
    for (const [name, value] of Object.entries(toOutputs(result))) core.setOutput(name, value);
  } catch (error) {
    fail(error);
  }
}

/** A user error is annotated once, where it applies; the step fails without repeating it. */
function fail(error: unknown): void {
  if (error instanceof UserError) {
    const errors = error instanceof UserErrors ? error.errors : [error];
    for (const e of errors) actionsLog.annotate("error", e.describe(), e.where);
    core.info(
      `lambda-python-package failed: ${errors.length === 1 ? redact(error.message) : `${errors.length} problems, listed above`}`,
    );
    process.exitCode = core.ExitCode.Failure;
  } else {
    const e = error as Error;
    core.setFailed(redact(`internal error (please report it): ${e?.stack ?? String(error)}`));
  }
}

await main();
