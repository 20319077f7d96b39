import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";

const action = parse(readFileSync("action.yml", "utf8")) as { inputs: Record<string, { required?: boolean }> };
const readme = readFileSync("README.md", "utf8");
const examples = readdirSync("examples/workflows").filter((f) => f.endsWith(".yml"));

interface Step {
  uses?: string;
  with?: Record<string, unknown>;
}

describe.each(examples)("examples/workflows/%s", (file) => {
  const text = readFileSync(path.join("examples/workflows", file), "utf8");
  const workflow = parse(text) as { on: unknown; jobs: Record<string, { steps: Step[] }> };

  it("uses only inputs action.yml declares, and every required one", () => {
    const steps = Object.values(workflow.jobs)
      .flatMap((j) => j.steps)
      .filter((s) => s.uses?.includes("lambda-python-package"));
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
});
