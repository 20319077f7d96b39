/**
 * The cold-start figures as pure functions: `-X importtime` read into top-level packages
 * with their distributions, medians with their spread, the change against a base
 * manifest (noise labelled), and the budgets. The processes are coldstart.e2e's.
 */
import { describe, expect, it } from "vitest";
import { checkBudgets } from "../src/budgets.ts";
import { importChange } from "../src/report/import-change.ts";
import {
  type ColdStart,
  heaviestPackages,
  ownersOf,
  type PackageImport,
  parseImportTime,
  runStats,
} from "../src/verify/coldstart.ts";

const MARK = "@@mark@@";
/** As CPython writes it: children before their parent, two spaces per level after "| ". */
const LISTING = `import time: self [us] | cumulative | imported package
import time:       900 |        900 | encodings
${MARK}
import time:       500 |        500 |       numpy.core
import time:      1000 |       1500 |     numpy
import time:      2000 |       3500 |   pandas
import time:       300 |        300 |     yaml.reader
import time:       200 |        500 |   yaml
import time:        50 |         50 |     numpy.linalg
import time:        70 |         70 |     mylib
import time:       100 |        220 |   app.helpers
import time:        80 |         80 |   decimal
import time:       400 |       4880 | app
`;

const files = [
  { path: "pandas/__init__.py", size: 1, executable: false, distribution: "pandas" },
  { path: "numpy/core/_multiarray.cpython-312-x86_64-linux-gnu.so", size: 1, executable: false, distribution: "numpy" },
  { path: "yaml/__init__.py", size: 1, executable: false, distribution: "pyyaml" },
  { path: "PyYAML-6.0.2.dist-info/RECORD", size: 1, executable: false, distribution: "pyyaml" },
  { path: "_yaml.cpython-312-x86_64-linux-gnu.so", size: 1, executable: false, distribution: "pyyaml" },
];
const distributions = [
  { name: "pandas", version: "2.3.3", distInfo: "", wheelTags: [], record: [] },
  { name: "numpy", version: "2.2.6", distInfo: "", wheelTags: [], record: [] },
  { name: "pyyaml", version: "6.0.2", distInfo: "", wheelTags: [], record: [] },
];

describe("where the import's time goes", () => {
  const owners = ownersOf(files, distributions);
  const packages = heaviestPackages(
    parseImportTime(LISTING, MARK),
    "app",
    { pandas: "opt", numpy: "opt", yaml: "task", mylib: "task", decimal: "python" },
    owners,
  );

  it("maps each top-level import name to the distribution whose files hold it (a module file too, never the dist-info)", () => {
    expect(Object.fromEntries(owners)).toEqual({
      pandas: { name: "pandas", version: "2.3.3" },
      numpy: { name: "numpy", version: "2.2.6" },
      yaml: { name: "pyyaml", version: "6.0.2" },
      _yaml: { name: "pyyaml", version: "6.0.2" },
    });
  });

  it("counts a package's cumulative time at each entry from outside it, its own modules' self time, heaviest first", () => {
    expect(packages).toEqual<PackageImport[]>([
      // numpy entered twice from outside: under pandas (1.5 ms) and from app.helpers (0.05 ms)
      {
        name: "pandas",
        origin: { kind: "distribution", name: "pandas", version: "2.3.3" },
        cumulativeMs: 3.5,
        selfMs: 2,
        modules: 1,
      },
      {
        name: "numpy",
        origin: { kind: "distribution", name: "numpy", version: "2.2.6" },
        cumulativeMs: 1.6,
        selfMs: 1.6,
        modules: 3,
      },
      {
        name: "yaml",
        origin: { kind: "distribution", name: "pyyaml", version: "6.0.2" },
        cumulativeMs: 0.5,
        selfMs: 0.5,
        modules: 2,
      },
      { name: "decimal", origin: { kind: "python" }, cumulativeMs: 0.1, selfMs: 0.1, modules: 1 },
      { name: "mylib", origin: { kind: "code" }, cumulativeMs: 0.1, selfMs: 0.1, modules: 1 },
    ]);
  });

  it("leaves out the handler's own package (its cumulative time is the whole import) and what ran before the marker", () => {
    expect(packages.map((p) => p.name)).not.toContain("app");
    expect(packages.map((p) => p.name)).not.toContain("encodings");
  });

  it("a handler in a package: everything under its top-level package is the handler's", () => {
    const nested = heaviestPackages(parseImportTime(LISTING, MARK), "app.helpers", {}, owners);
    expect(nested.map((p) => p.name)).toEqual(["pandas", "numpy", "yaml", "decimal", "mylib"]);
    // nothing found under the code or /opt: Python's own, whatever a distribution's files say
    expect(nested.every((p) => p.origin.kind === "python")).toBe(true);
  });
});

describe("runStats", () => {
  it("the median of an odd and an even count, with the fastest and the slowest", () => {
    expect(runStats([312, 296, 331, 305, 318])).toEqual({ medianMs: 312, minMs: 296, maxMs: 331, runs: 5 });
    expect(runStats([10.04, 10.2, 9.9, 12])).toEqual({ medianMs: 10.1, minMs: 9.9, maxMs: 12, runs: 4 });
  });
});

function coldStart(medianMs: number, minMs: number, maxMs: number, packages: PackageImport[] = []): ColdStart {
  return {
    python: "3.12.1",
    module: "app",
    import: { medianMs, minMs, maxMs, runs: 5 },
    modules: 800,
    bytecode: { fromZips: 700, withBytecode: 0 },
    packages,
  };
}
const pandas = (version: string, cumulativeMs: number): PackageImport => ({
  name: "pandas",
  origin: { kind: "distribution", name: "pandas", version },
  cumulativeMs,
  selfMs: cumulativeMs / 2,
  modules: 400,
});

describe("the import against the base branch's", () => {
  it("a change beyond the spread: its size, its share, and the package that moved with its versions", () => {
    const base = coldStart(1_286, 1_270, 1_300, [pandas("2.2.3", 700)]);
    const head = coldStart(1_466, 1_450, 1_490, [pandas("2.3.3", 860)]);
    expect(importChange(base, head)).toEqual({
      kind: "compared",
      base: base.import,
      head: head.import,
      deltaMs: 180,
      percent: 14,
      spreadMs: 40,
      noise: false,
      python: undefined,
      packages: [{ name: "pandas", deltaMs: 160, distribution: { name: "pandas", from: "2.2.3", to: "2.3.3" } }],
    });
  });

  it("a change no larger than the wider spread is noise, and no package is named for it", () => {
    const change = importChange(
      coldStart(300, 280, 330, [pandas("2.3.3", 200)]),
      coldStart(320, 310, 325, [pandas("2.3.3", 230)]),
    );
    expect(change).toMatchObject({ kind: "compared", deltaMs: 20, spreadMs: 50, noise: true, packages: [] });
  });

  it("says when the base has no figures, or figures of another shape, rather than comparing with nothing", () => {
    expect(importChange(undefined, coldStart(300, 290, 310))).toEqual({ kind: "no-base-figures" });
    expect(importChange({ import: { medianMs: "fast" } }, coldStart(300, 290, 310))).toEqual({
      kind: "no-base-figures",
    });
  });

  it("reads the base's packages as outside data: a malformed one is dropped or loses its distribution", () => {
    const base = {
      ...coldStart(300, 290, 310),
      packages: [
        { name: 7, cumulativeMs: 100 },
        { name: "pandas", cumulativeMs: 700, origin: { kind: "distribution", name: { evil: 1 }, version: 2 } },
      ],
    };
    const change = importChange(base, coldStart(300, 290, 310, [pandas("2.3.3", 900)]));
    expect(change).toMatchObject({
      packages: [{ name: "pandas", deltaMs: 200, distribution: { name: "pandas", from: undefined, to: "2.3.3" } }],
    });
  });

  it("names the Python when base and head were measured by different ones", () => {
    const base = { ...coldStart(300, 290, 310), python: "3.12.1" };
    const head = { ...coldStart(300, 290, 310), python: "3.12.8" };
    expect(importChange(base, head)).toMatchObject({ python: { base: "3.12.1", head: "3.12.8" } });
  });
});

describe("budgets", () => {
  const sizes = [
    { name: "numpy 2.2.6", bytes: 40_000_000 },
    { name: "pandas 2.3.3", bytes: 70_000_000 },
    { name: "the function code", bytes: 2_000 },
    { name: "scipy 1.16.3", bytes: 60_000_000 },
  ];
  const measured = { measured: coldStart(912, 890, 940, [pandas("2.3.3", 700)]) };
  const facts = { unzippedSize: 170_002_000, sizes, coldStart: measured };

  it("unset: nothing is checked, whatever the figures", () => {
    expect(checkBudgets({}, facts)).toEqual({ exceeded: [], unchecked: [] });
  });

  it("within both: passes", () => {
    expect(checkBudgets({ maxUnzippedSize: 170_002_000, maxImportMs: 912 }, facts)).toEqual({
      exceeded: [],
      unchecked: [],
    });
  });

  it("over max-unzipped-size: names the budget, the figure and the three largest contributors", () => {
    const { exceeded } = checkBudgets({ maxUnzippedSize: 200 * 1_048_576 - 100_000_000 }, facts);
    expect(exceeded.map((e) => e.message)).toEqual([
      "budget max-unzipped-size exceeded: the package is 162.1 MB unzipped (170,002,000 bytes), over 104.6 MB (109,715,200 bytes); largest: pandas 2.3.3 66.8 MB, scipy 1.16.3 57.2 MB, numpy 2.2.6 38.1 MB",
    ]);
    expect(exceeded[0]!.hint).toMatch(/slim: true.*or raise max-unzipped-size/);
  });

  it("over max-import-ms: names the budget, the median with its spread and the heaviest packages", () => {
    const { exceeded } = checkBudgets({ maxImportMs: 800 }, facts);
    expect(exceeded.map((e) => e.message)).toEqual([
      "budget max-import-ms exceeded: the handler's import takes 912 ms on this runner (median of 5 runs, 890 ms–940 ms), over 800 ms; heaviest: pandas 700 ms (cumulative)",
    ]);
  });

  it("max-import-ms without a measurement: not checked, and says why (a warning, not a pass in silence)", () => {
    const skipped = { skipped: "the target is arm64 and this runner is x86_64" };
    expect(checkBudgets({ maxImportMs: 800 }, { ...facts, coldStart: skipped })).toEqual({
      exceeded: [],
      unchecked: [
        "max-import-ms not checked: the import was not measured (the target is arm64 and this runner is x86_64)",
      ],
    });
    expect(checkBudgets({ maxImportMs: 800 }, { ...facts, coldStart: undefined }).unchecked).toEqual([
      "max-import-ms not checked: no `handler` input, so the import is not measured",
    ]);
  });
});
