/**
 * Bytecode never takes a package over Lambda's unzipped limit: what ships when all of it
 * would not fit, what the warning says, and when the log suggests `compile: auto` at all.
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { UNZIPPED_LIMIT } from "../src/inspect/sizes.ts";
import { MemoryLog } from "../src/log.ts";
import { bytecodeWouldFit, fitBytecode, overLimitMessage } from "../src/optimize/budget.ts";
import { adviseCompile } from "../src/optimize/index.ts";
import { makeTarget } from "../src/target.ts";

const pyc = (source: string, bytes: number) => ({ source, pyc: `${source}c`, bytes });
const PYCS = [
  pyc("numpy/_core/tests/test_umath.py", 400),
  pyc("numpy/linalg/linalg.py", 300),
  pyc("numpy/linalg/__init__.py", 100),
  pyc("numpy/__init__.py", 50),
  pyc("scipy/stats/_stats_py.py", 200),
];

describe("bytecode that fits", () => {
  it("ships all of it when it fits", () => {
    const fit = fitBytecode(PYCS, 1000, 2050);
    expect(fit.dropped).toEqual([]);
    expect(fit.over).toBe(0);
  });

  it("ships what fits, test suites last and each package's __init__ first, and says by how much all of it is over", () => {
    const fit = fitBytecode(PYCS, 1000, 1700);
    expect(fit.allBytes).toBe(1050);
    expect(fit.over).toBe(350);
    expect(fit.kept.map((b) => b.source)).toEqual([
      "numpy/__init__.py",
      "numpy/linalg/__init__.py",
      "numpy/linalg/linalg.py",
      "scipy/stats/_stats_py.py",
    ]);
    expect(fit.dropped.map((b) => b.source)).toEqual(["numpy/_core/tests/test_umath.py"]);
    expect(1000 + fit.kept.reduce((n, b) => n + b.bytes, 0)).toBeLessThanOrEqual(1700);
    const message = overLimitMessage(fit, 75_000_000);
    expect(message).toMatch(
      new RegExp(
        `^bytecode for all 5 modules \\(1050 bytes\\) would take the package 350 bytes over Lambda's unzipped limit of ${UNZIPPED_LIMIT}: bytecode for 4 modules \\(650 bytes\\) ships, 1 modules ship as source only`,
      ),
    );
    expect(message).toMatch(/→ `slim: true` \(75000000 bytes of test suites.*`exclude-packages`.*`compile: false`/);
  });

  it("ships none when the sources alone fill the limit", () => {
    const fit = fitBytecode(PYCS, 5000, 5000);
    expect(fit.kept).toEqual([]);
    expect(fit.over).toBe(1050);
  });

  it("suggests compile: auto only when the package with bytecode would still fit", () => {
    expect(bytecodeWouldFit(UNZIPPED_LIMIT - 150, 100)).toBe(true);
    expect(bytecodeWouldFit(UNZIPPED_LIMIT - 149, 100)).toBe(false);
    const bin = path.join(os.tmpdir(), `lpp-budget-${process.pid}`);
    mkdirSync(bin, { recursive: true });
    writeFileSync(path.join(bin, "python3.12"), "");
    const target = makeTarget("python3.12", "x86_64");
    const settings = { compile: "off" as const, slim: false, slimKeep: [], excludePackages: [] };
    const advise = (unzipped: number) => {
      const log = new MemoryLog();
      const files = [{ path: "pkg/mod.py", size: 70_000_000 }];
      adviseCompile(settings, target, { unzipped, files }, { PATH: bin }, log);
      return log.lines.filter((l) => l.includes("compile: auto"));
    };
    // the real set: 217 MB, of which about 70 MB of sources
    expect(advise(217_000_000)).toEqual([]);
    expect(advise(100_000_000)).toHaveLength(1);
    rmSync(bin, { recursive: true, force: true });
  });
});
