/**
 * The README's workflows and the examples, read as the runner reads them: only inputs
 * the action declares, copy-paste ready, one deploying trigger, current action majors.
 * Running them against the local index and AWS: workflows.e2e.test.ts.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { EXAMPLES as examples, isAction, type Workflow } from "./support/workflows.ts";

const action = parse(readFileSync("action.yml", "utf8")) as { inputs: Record<string, { required?: boolean }> };
const readme = readFileSync("README.md", "utf8");

/** The majors current in late 2026 (each runs on Node 24). */
const CURRENT_MAJOR: Record<string, number> = {
  "actions/checkout": 6,
  "actions/setup-python": 6,
  "actions/setup-node": 6,
  "aws-actions/configure-aws-credentials": 6,
};

describe.each(examples)("examples/workflows/%s", (file) => {
  const text = readFileSync(path.join("examples/workflows", file), "utf8");
  const workflow = parse(text) as Workflow;

  it("uses only inputs action.yml declares, and every required one", () => {
    const steps = Object.values(workflow.jobs)
      .flatMap((j) => j.steps)
      .filter(isAction);
    expect(steps.length).toBeGreaterThan(0);
    for (const step of steps) {
      for (const key of Object.keys(step.with ?? {}))
        expect(Object.keys(action.inputs), `${file}: ${key}`).toContain(key);
      for (const [name, spec] of Object.entries(action.inputs))
        if (spec.required) expect(step.with, `${file}: ${name}`).toHaveProperty(name);
    }
  });

  it("is in the README, copy-paste ready", () => {
    expect(readme).toContain(text.trim());
  });

  it("deploys on one trigger only, so an event never deploys twice", () => {
    const deploys = Object.values(workflow.jobs)
      .flatMap((j) => j.steps)
      .some((s) => isAction(s) && String(s.with?.deploy ?? "true") !== "false");
    if (deploys) expect(Object.keys(workflow.on), file).toHaveLength(1);
  });
});

describe("the actions the README and the examples call", () => {
  it("are at their current major version", () => {
    const texts = [readme, ...examples.map((f) => readFileSync(path.join("examples/workflows", f), "utf8"))];
    const uses = texts.flatMap((t) => [...t.matchAll(/uses:\s*([\w.-]+\/[\w.-]+)@v(\d+)/g)]);
    expect(uses.length).toBeGreaterThan(0);
    for (const [, name, major] of uses) {
      if (name === "org/lambda-python-package") continue;
      expect(CURRENT_MAJOR[name!], `${name} is a known action`).toBeDefined();
      expect(Number(major), `${name}@v${major}`).toBeGreaterThanOrEqual(CURRENT_MAJOR[name!]!);
    }
  });
});
