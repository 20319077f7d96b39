/** Inputs as a workflow's `with:` block gives them, through the action's own validation. */
import type { Input } from "../../src/constants.ts";
import { UserError } from "../../src/errors.ts";
import { type Inputs, inputsFrom } from "../../src/inputs.ts";

export type InputValues = Partial<Record<`${Input}`, string>>;

/** A working directory no test writes to: loadInputs only resolves paths. */
export const WORKSPACE = "/home/runner/work/app";

/** `runtime: python3.12` and nothing else unless overridden, as the smallest valid workflow step. */
export function createInputs(overrides: InputValues = {}, env: NodeJS.ProcessEnv = {}, cwd = WORKSPACE): Inputs {
  return inputsFrom({ runtime: "python3.12", ...overrides }, env, cwd);
}

/** The message a user reads for inputs that are refused; throws when they are accepted. */
export function refusal(overrides: InputValues, env: NodeJS.ProcessEnv = {}): string {
  try {
    createInputs(overrides, env);
  } catch (error) {
    if (error instanceof UserError) return error.describe();
    throw error;
  }
  throw new Error(`accepted: ${JSON.stringify(overrides)}`);
}
