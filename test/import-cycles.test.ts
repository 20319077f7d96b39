/** No file of ours imports in a circle; the check itself finds the circles it should. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { findCycles, importGraph, importSpecifiers } from "../scripts/import-cycles.mjs";

/** all our code: the folders the rule names, and the tests and demo besides */
const DIRS = ["src", "devtools", "bench", "scripts", "test", "demo"];

describe("the import graph", () => {
  it("has no circle in src/, devtools/, bench/, scripts/, test/ or demo/", () => {
    const graph = importGraph(undefined, DIRS);
    // the graph is the real one: the bundle's entry point imports main.ts, and hundreds of files import others
    expect(graph.get("src/index.ts")).toContain("src/main.ts");
    expect([...graph.values()].flat().length).toBeGreaterThan(500);
    const circles = findCycles(graph).map((c) => c.join(" → "));
    expect(circles, "move what both files need to a third file both import, or to the lower one").toEqual([]);
  });
});

describe("findCycles", () => {
  const graph = (edges: Record<string, string[]>) => new Map(Object.entries(edges));

  it("finds a pair, a longer circle and a file importing itself, each once", () => {
    expect(
      findCycles(
        graph({
          "a.ts": ["b.ts"],
          "b.ts": ["a.ts", "c.ts"],
          "c.ts": [],
          "x.ts": ["y.ts"],
          "y.ts": ["z.ts"],
          "z.ts": ["x.ts", "c.ts"],
          "self.ts": ["self.ts"],
        }),
      ),
    ).toEqual([
      ["a.ts", "b.ts", "a.ts"],
      ["self.ts", "self.ts"],
      ["x.ts", "y.ts", "z.ts", "x.ts"],
    ]);
  });

  it("finds none where files only stand on lower ones", () => {
    expect(
      findCycles(graph({ "run.ts": ["build.ts", "ctx.ts"], "build.ts": ["ctx.ts"], "ctx.ts": [], "d.ts": ["ctx.ts"] })),
    ).toEqual([]);
  });

  it("walks a chain of 20,000 imports without running out of stack", () => {
    const edges: Record<string, string[]> = {};
    for (let i = 0; i < 20_000; i++) edges[`f${i}.ts`] = [`f${i + 1}.ts`];
    edges["f20000.ts"] = ["f0.ts"];
    const [circle, ...rest] = findCycles(graph(edges));
    expect(rest).toEqual([]);
    expect(circle).toHaveLength(20_002);
  });
});

describe("importSpecifiers", () => {
  it("reads every form of import and re-export, types included", () => {
    const text = [
      'import { a } from "./a.ts";',
      'import type { B } from "./b.ts";',
      "import {",
      "  c,",
      "  type C,",
      '} from "./c.ts";',
      'import d, { dd } from "./d.ts";',
      'import * as e from "./e.ts";',
      'export * from "./f.ts";',
      'export { g } from "./g.ts";',
      'export type { H } from "./h.ts";',
      'import "./side-effect.ts";',
      'const lazy = await import("./lazy.ts");',
      'import path from "node:path";',
      "// an import in a comment does not start a line: import { z } from './z.ts'",
    ].join("\n");
    expect(importSpecifiers(text).sort()).toEqual(
      [
        "./a.ts",
        "./b.ts",
        "./c.ts",
        "./d.ts",
        "./e.ts",
        "./f.ts",
        "./g.ts",
        "./h.ts",
        "./side-effect.ts",
        "./lazy.ts",
        "node:path",
      ].sort(),
    );
  });
});

describe("importGraph over files", () => {
  let root: string | undefined;
  afterEach(() => {
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it("finds a circle made by a type-only import, through a folder and a .js specifier", () => {
    root = mkdtempSync(path.join(os.tmpdir(), "import-cycles-"));
    const write = (file: string, text: string) => {
      const full = path.join(root!, file);
      rmSync(full, { force: true });
      writeFileSync(full, text);
    };
    mkdirSync(path.join(root, "src", "deploy"), { recursive: true });
    write("src/run.ts", 'import { build } from "./build.ts";\nexport interface RunContext { log: string }\n');
    write("src/build.ts", 'import type { RunContext } from "./run.js";\nimport { plan } from "./deploy/plan.ts";\n');
    write("src/deploy/plan.ts", 'import { readFileSync } from "node:fs";\nexport const plan = 1;\n');
    expect(findCycles(importGraph(root, ["src"]))).toEqual([["src/build.ts", "src/run.ts", "src/build.ts"]]);
    // the type moved to a file both import: no circle
    write("src/context.ts", "export interface RunContext { log: string }\n");
    write("src/run.ts", 'import { build } from "./build.ts";\nimport type { RunContext } from "./context.ts";\n');
    write(
      "src/build.ts",
      'import type { RunContext } from "./context.ts";\nimport { plan } from "./deploy/plan.ts";\n',
    );
    expect(findCycles(importGraph(root, ["src"]))).toEqual([]);
  });
});
