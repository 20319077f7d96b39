/** The example workflows as the runner reads them: the parts the tests look at. */
import { readdirSync } from "node:fs";

export interface Step {
  id?: string;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
}
export interface Job {
  needs?: string | string[];
  outputs?: Record<string, string>;
  strategy?: { matrix?: Record<string, unknown[]> };
  steps: Step[];
}
export interface Workflow {
  on: Record<string, unknown>;
  jobs: Record<string, Job>;
}

const ACTION = /^org\/lambda-python-package@v1$/;
export const isAction = (s: Step) => ACTION.test(s.uses ?? "");

export const EXAMPLES = readdirSync("examples/workflows").filter((f) => f.endsWith(".yml"));
