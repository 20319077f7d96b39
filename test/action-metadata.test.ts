import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { Input, Output } from "../src/constants.ts";

const action = parse(readFileSync("action.yml", "utf8")) as {
  inputs: Record<string, { description: string; default?: string; required?: boolean }>;
  outputs: Record<string, { description: string }>;
  runs: { using: string; main: string };
};
const readme = readFileSync("README.md", "utf8");

describe("action.yml, the code and the README agree", () => {
  it("runs the bundled dist on node24", () => {
    expect(action.runs).toEqual({ using: "node24", main: "dist/index.js" });
  });

  it("declares every input the code reads, each described, and nothing else", () => {
    expect(Object.keys(action.inputs).sort()).toEqual(Object.values(Input).sort());
    for (const [name, spec] of Object.entries(action.inputs)) expect(spec.description, name).toBeTruthy();
  });

  it("declares every output the code sets", () => {
    expect(Object.keys(action.outputs).sort()).toEqual(Object.values(Output).sort());
  });

  it("documents every input and output in the README tables", () => {
    for (const name of [...Object.values(Input), ...Object.values(Output)])
      expect(readme, name).toContain(`| \`${name}\` |`);
  });
});
