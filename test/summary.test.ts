/**
 * The job summary as a pure function of what the run got through: every case rendered
 * with marked and read back as a reader sees it (tables with real header cells, one
 * statement per fact). No pip, no servers.
 */
import { describe, expect, it } from "vitest";
import type { BuildResult } from "../src/build.ts";
import { inputsFrom } from "../src/inputs.ts";
import type { Finding } from "../src/inspect/index.ts";
import type { SizeDiff } from "../src/report/history.ts";
import { renderSummary, type SummaryOutcome, summaryOf } from "../src/report/summary.ts";
import { makeTarget } from "../src/target.ts";
import type { ColdStart } from "../src/verify/coldstart.ts";
import { render, tablesOf, tableWithHead, textOf, valuesOf } from "./support/summary-html.ts";

const ITEM_VALUE = ["Item", "Value"];
const STAGES_HEAD = ["Stage", "Result", "Time"];

function outcome(overrides: Partial<SummaryOutcome> = {}): SummaryOutcome {
  return {
    name: "orders",
    target: makeTarget("python3.12", "x86_64"),
    packageMode: "split",
    deployRequested: false,
    lockfile: { kind: "read", file: "requirements.txt", pinned: 2 },
    installer: "pip 25.3",
    cache: { enabled: true, key: "v1-abc", hit: false },
    zips: [
      { name: "function.zip", size: 900, unzippedSize: 2_000, sha256: "f".repeat(64) },
      { name: "layer.zip", size: 30_000, unzippedSize: 80_000, sha256: "a".repeat(64) },
    ],
    unzippedSize: 82_000,
    distributions: [
      { name: "big", version: "1.0", unzippedSize: 60_000, fileCount: 2 },
      { name: "small", version: "1.0", unzippedSize: 20_000, fileCount: 1 },
    ],
    dependencySize: 80_000,
    findings: [],
    stages: [
      { name: "lock", ms: 10 },
      { name: "install", ms: 2_100 },
      { name: "source", ms: 5 },
      { name: "inspect", ms: 40 },
      { name: "zip", ms: 30 },
    ],
    ...overrides,
  };
}

/** What the failing run knew: the lockfile and target, the stages reached; no zips, no distributions. */
function failed(stages: SummaryOutcome["stages"], message: string, extra: Partial<SummaryOutcome> = {}) {
  return outcome({ stages, failure: { message }, zips: [], distributions: [], dependencySize: 0, ...extra });
}

const stageResults = (html: string) =>
  Object.fromEntries(tableWithHead(html, STAGES_HEAD).rows.map((r) => [r[0]!, r[1]!]));

/** Every table has a header row of real <th> cells, and no header cell holds data. */
function expectRealHeaders(html: string): void {
  const tables = tablesOf(html);
  expect(tables.length).toBeGreaterThan(0);
  for (const t of tables) {
    expect(
      t.head.every((h) => h.length > 0),
      `header ${t.head.join(" | ")}`,
    ).toBe(true);
    expect(t.rows.length, `table ${t.head.join(" | ")} has body rows`).toBeGreaterThan(0);
    for (const row of t.rows) expect(row).toHaveLength(t.head.length);
  }
  expect(html).not.toContain("<sub></sub>");
}

describe("the job summary of a successful build", () => {
  const html = render(renderSummary(outcome()));

  it("puts the target, lockfile and cache in a table headed Item | Value", () => {
    expectRealHeaders(html);
    const items = valuesOf(tableWithHead(html, ITEM_VALUE));
    expect(items.get("Target")).toBe("python3.12 on x86_64 · Amazon Linux 2023 · glibc 2.34");
    expect(items.get("Lockfile")).toBe("requirements.txt · 2 pinned distributions · installer pip 25.3");
    expect(items.get("Cache")).toBe("miss v1-abc · installed and saved");
    expect(html).not.toMatch(/<th>[^<]*python3\.12 on x86_64/);
  });

  it("says every check passed, and every stage is done", () => {
    expect(textOf(html)).toContain("✅ Succeeded: built and checked. Nothing was deployed.");
    expect(textOf(html)).toContain(
      "No findings: wheel tags, shared objects, collisions, layout and sizes all fit Lambda.",
    );
    expect(stageResults(html)).toMatchObject({
      "Read the lockfile": "✅ done",
      "Install the dependencies": "✅ done",
      "Inspect (wheel tags, shared objects, collisions, layout)": "✅ done",
      "Write the zips, check their sizes": "✅ done",
      Deploy: "➖ not asked for",
    });
    const zips = tableWithHead(html, tablesOf(html)[1]!.head);
    expect(zips.head[0]).toBe("Zip");
    expect(zips.rows.map((r) => r[0])).toEqual(["function.zip", "layer.zip", "together"]);
  });
});

describe("a cache hit", () => {
  const html = render(
    renderSummary(
      outcome({
        cache: { enabled: true, key: "v1-abc", hit: true, savedMs: 2_500 },
        stages: [
          { name: "lock", ms: 10 },
          { name: "install", ms: 2_100 },
          { name: "inspect", ms: 40 },
          { name: "zip", ms: 30 },
        ],
      }),
    ),
  );

  it("names the time spent restoring, not installing", () => {
    expect(valuesOf(tableWithHead(html, ITEM_VALUE)).get("Cache")).toBe(
      "hit v1-abc · restored instead of installed (about 2.5 s of installing saved)",
    );
    const stages = tableWithHead(html, STAGES_HEAD).rows;
    expect(stages).toContainEqual(["Restore the dependencies from the cache", "✅ done", "2.10 s"]);
    expect(textOf(html)).not.toContain("Install the dependencies");
  });
});

describe("a failure before the install finished", () => {
  const html = render(
    renderSummary(
      failed(
        [
          { name: "lock", ms: 10 },
          { name: "install", ms: 900 },
        ],
        "no wheel of orjson==3.12.0 fits python3.12 on x86_64",
      ),
    ),
  );

  it("keeps what was known and claims no check it did not reach", () => {
    expectRealHeaders(html);
    const text = textOf(html);
    expect(text).toContain("❌ Failed at “Install the dependencies”: no wheel of orjson==3.12.0");
    expect(text).not.toMatch(/No findings|all fit Lambda|Succeeded/);
    expect(text).toContain("Not checked: the run stopped before the inspection");
    const items = valuesOf(tableWithHead(html, ITEM_VALUE));
    expect(items.get("Lockfile")).toMatch(/^requirements\.txt · 2 pinned/);
    expect(items.get("Target")).toMatch(/^python3\.12 on x86_64/);
    expect(items.get("Cache")).toBe("miss v1-abc · installed; not saved, the build failed");
    expect(stageResults(html)).toEqual({
      "Read the lockfile": "✅ done",
      "Install the dependencies": "❌ failed",
      "Collect the function code": "⏹️ not reached",
      "Inspect (wheel tags, shared objects, collisions, layout)": "⏹️ not reached",
      "Write the zips, check their sizes": "⏹️ not reached",
      Deploy: "⏹️ not reached",
      Total: "",
    });
    expect(text).toContain("Nothing was deployed.");
  });

  it("before the lockfile was read, names the lockfile input if there was one", () => {
    const s = summaryOf({
      inputs: inputsFrom({ runtime: "python3.12", lockfile: "req/prod.txt" }),
      failure: { message: "lockfile req/prod.txt does not exist", findings: [] },
      progress: { timings: { lock: 1 } },
    });
    const items = valuesOf(tableWithHead(render(renderSummary(s)), ITEM_VALUE));
    expect(items.get("Lockfile")).toBe("req/prod.txt (not read: the run stopped first)");
  });
});

describe("a failure at inspection", () => {
  const finding: Finding = {
    severity: "error",
    check: "elf-machine",
    message: "fastjson/_speedups.so is built for aarch64 (fastjson 1.0)",
    file: "requirements.txt",
    line: 1,
    hint: "pin a wheel built for x86_64",
  };
  const html = render(
    renderSummary(
      failed(
        [
          { name: "lock", ms: 10 },
          { name: "install", ms: 900 },
          { name: "source", ms: 2 },
          { name: "inspect", ms: 30 },
        ],
        "1 problem(s) found by inspection would fail in Lambda (listed above); nothing was deployed",
        { findings: [finding] },
      ),
    ),
  );

  it("lists each finding with its severity in words and what to do", () => {
    expectRealHeaders(html);
    expect(tableWithHead(html, ["Severity", "Check", "Finding", "What to do"]).rows).toEqual([
      [
        "❌ error",
        "elf-machine",
        "fastjson/_speedups.so is built for aarch64 (fastjson 1.0) (requirements.txt:1)",
        "pin a wheel built for x86_64",
      ],
    ]);
    expect(stageResults(html)).toMatchObject({
      "Inspect (wheel tags, shared objects, collisions, layout)": "❌ failed",
      "Write the zips, check their sizes": "⏹️ not reached",
    });
    expect(textOf(html)).not.toMatch(/No findings/);
  });

  it("when the inspection passed but the zips were never written, does not claim the sizes fit", () => {
    const s = failed(
      [
        { name: "lock", ms: 1 },
        { name: "install", ms: 1 },
        { name: "source", ms: 1 },
        { name: "inspect", ms: 1 },
        { name: "zip", ms: 1 },
      ],
      "cannot write the output folder",
    );
    const text = textOf(render(renderSummary(s)));
    expect(text).not.toMatch(/No findings:|sizes all fit/);
    expect(text).toContain("No findings from the inspection");
    expect(text).toContain("The sizes were not checked");
  });
});

describe("a deploy", () => {
  const deployStages = [...outcome().stages, { name: "deploy" as const, ms: 300 }];

  it("that updated: what was deployed in an Item | Value table, and the changes in order", () => {
    const html = render(
      renderSummary(
        outcome({
          deployRequested: true,
          stages: deployStages,
          deploy: {
            deployed: "updated",
            functionArn: "arn:aws:lambda:eu-central-1:123456789012:function:orders",
            functionVersion: "1",
            aliasArn: "arn:aws:lambda:eu-central-1:123456789012:function:orders:live",
            changes: ["UpdateFunctionCode orders", "PublishVersion orders:1"],
          },
        }),
      ),
    );
    expectRealHeaders(html);
    expect(textOf(html)).toContain("✅ Succeeded: built and deployed.");
    const deployed = valuesOf(tablesOf(html).filter((t) => t.head.join() === ITEM_VALUE.join())[1]!);
    expect(deployed.get("Deployed")).toBe("updated");
    expect(deployed.get("Alias")).toBe("arn:aws:lambda:eu-central-1:123456789012:function:orders:live");
    expect(textOf(html)).toContain("Changes, in order: UpdateFunctionCode orders → PublishVersion orders:1");
    expect(stageResults(html).Deploy).toBe("✅ done");
  });

  it("that changed nothing says so once", () => {
    const html = render(
      renderSummary(
        outcome({ deployRequested: true, stages: deployStages, deploy: { deployed: "unchanged", changes: [] } }),
      ),
    );
    const text = textOf(html);
    expect(text).toContain("✅ Succeeded: built; already deployed, nothing changed, no write call made.");
    expect(text).not.toContain("Changes, in order");
    expect(text).not.toContain("Nothing was deployed");
  });

  it("that failed does not say nothing was deployed", () => {
    const html = render(
      renderSummary({
        ...outcome({ deployRequested: true, stages: deployStages }),
        failure: { message: "AccessDenied" },
      }),
    );
    const text = textOf(html);
    expect(text).toContain("❌ Failed at “Deploy”: AccessDenied");
    expect(text).toContain("The deploy stopped with the error above");
    expect(text).not.toContain("Nothing was deployed");
  });
});

describe("outside text in the summary", () => {
  const evil = "evil|pkg<script>alert(1)</script>`x`*y*";
  const html = render(
    renderSummary(
      outcome({
        name: "<img src=x onerror=alert(1)>",
        lockfile: { kind: "read", file: "req`|`s.txt", pinned: 1 },
        distributions: [{ name: evil, version: "1.0|2", unzippedSize: 1, fileCount: 1 }],
        findings: [
          { severity: "warning", check: "layout", message: `file ${evil}`, file: "a|b`.py", hint: "[x](javascript:1)" },
        ],
        failure: { message: "AWS said: <b>no</b> | `denied`" },
        diff: {
          baseRef: "main|<i>x</i>",
          baseSha: "",
          totalDelta: 1,
          baseTotal: 1,
          added: [{ name: evil, version: "1", size: 1 }],
          removed: [],
          upgraded: [],
          grew: [],
        },
      }),
    ),
  );

  it("is shown as written: no HTML element, no broken table, no link", () => {
    expect(html).not.toMatch(/<(script|img|i)[\s>]|<b>no/);
    expect(html).not.toMatch(/<a /);
    expect(html).not.toContain("<sub></sub>");
    expectRealHeaders(html);
    expect(tableWithHead(html, ["Distribution", "Version", "Unzipped", "Share", "Files"]).rows[0]!.slice(0, 2)).toEqual(
      [evil, "1.0|2"],
    );
    expect(valuesOf(tableWithHead(html, ITEM_VALUE)).get("Lockfile")).toMatch(/^req`\|`s\.txt · 1 pinned/);
    expect(tableWithHead(html, ["Severity", "Check", "Finding", "What to do"]).rows[0]).toEqual([
      "⚠️ warning",
      "layout",
      `file ${evil} (a|b\`.py)`,
      "[x](javascript:1)",
    ]);
    const text = textOf(html);
    expect(text).toContain("📦 <img src=x onerror=alert(1)> · python3.12");
    expect(text).toContain("AWS said: <b>no</b> | `denied`");
    expect(text).toContain("Size change against main|<i>x</i>");
  });
});

describe("a build without a lockfile", () => {
  it("says the code was built alone", () => {
    const html = render(
      renderSummary(outcome({ lockfile: { kind: "none" }, distributions: [], installer: undefined })),
    );
    expect(valuesOf(tableWithHead(html, ITEM_VALUE)).get("Lockfile")).toBe(
      "none found: the function code alone, no third-party dependencies",
    );
  });
});

describe("the Cold start section", () => {
  const measured: ColdStart = {
    python: "3.12.1",
    module: "app",
    import: { medianMs: 1_466, minMs: 1_450, maxMs: 1_490, runs: 5 },
    modules: 812,
    bytecode: { fromZips: 790, withBytecode: 0 },
    withBytecode: { medianMs: 402, minMs: 398, maxMs: 415, runs: 5 },
    packages: [
      {
        name: "pandas",
        origin: { kind: "distribution", name: "pandas", version: "2.3.3" },
        cumulativeMs: 860,
        selfMs: 410,
        modules: 400,
      },
      { name: "orders", origin: { kind: "code" }, cumulativeMs: 40, selfMs: 12, modules: 9 },
      { name: "decimal", origin: { kind: "python" }, cumulativeMs: 2.4, selfMs: 0.4, modules: 2 },
    ],
  };
  const diff = (change: NonNullable<SizeDiff["coldStart"]>): SizeDiff => ({
    baseRef: "main",
    baseSha: "1".repeat(40),
    totalDelta: 0,
    baseTotal: 82_000,
    added: [],
    removed: [],
    upgraded: [],
    grew: [],
    coldStart: change,
  });
  const compared = {
    kind: "compared" as const,
    base: { medianMs: 1_286, minMs: 1_270, maxMs: 1_300, runs: 5 },
    head: measured.import,
    deltaMs: 180,
    percent: 14,
    spreadMs: 40,
    noise: false,
    packages: [{ name: "pandas", deltaMs: 160, distribution: { name: "pandas", from: "2.2.3", to: "2.3.3" } }],
  };
  const section = (html: string) => {
    const text = textOf(html);
    const start = text.indexOf("Cold start");
    expect(start, text).toBeGreaterThan(0);
    return text.slice(start, text.indexOf("Distributions", start));
  };

  it("gives the median with its spread, the modules, the bytecode, the ten heaviest packages and what it leaves out", () => {
    const html = render(renderSummary(outcome({ coldStart: { measured } })));
    expectRealHeaders(html);
    const text = section(html);
    expect(text).toContain(
      "Importing the handler's module takes 1466 ms on this runner: the median of 5 runs, from 1450 ms to 1490 ms (spread 40 ms); 812 modules loaded.",
    );
    expect(text).toContain(
      "Bytecode: not shipped: each cold start compiles the 790 modules it imports from the zips (compile: auto ships it); with bytecode the import measured 402 ms (398–415 ms, 5 runs).",
    );
    expect(tableWithHead(html, ["Package", "From", "Cumulative", "Own modules", "Modules"]).rows).toEqual([
      ["pandas", "pandas 2.3.3", "860 ms", "410 ms", "400"],
      ["orders", "the function code", "40 ms", "12 ms", "9"],
      ["decimal", "Python's standard library", "2.4 ms", "0.4 ms", "2"],
    ]);
    expect(text).toMatch(/The runner's time, not Lambda's: Python 3\.12\.1 on this runner, importing app/);
    expect(text).toMatch(/read-only, with -S -I, a fresh process per run/);
    expect(text).toMatch(/It leaves out Lambda's own start .*, the network,/);
    expect(text).not.toContain("Change against");
  });

  it("shows the change against the base with the spread beside it, and the package that moved", () => {
    const html = render(renderSummary(outcome({ coldStart: { measured }, diff: diff(compared) })));
    const text = section(html);
    expect(text).toContain(
      "Change against main 1111111: +180 ms, +14 % (1286 ms (1270–1300 ms, 5 runs) → 1466 ms (1450–1490 ms, 5 runs)), beyond the run-to-run spread of 40 ms.",
    );
    expect(text).toContain("pandas (pandas 2.2.3 → 2.3.3): +160 ms");
  });

  it("labels a change within the spread as noise", () => {
    const noise = { ...compared, deltaMs: -12, percent: -0.8, noise: true, packages: [] };
    const text = section(render(renderSummary(outcome({ coldStart: { measured }, diff: diff(noise) }))));
    expect(text).toContain("−12 ms, −0.8 %");
    expect(text).toContain("within the run-to-run spread of 40 ms: noise, not a change");
  });

  it("says when the base build has no import figures", () => {
    const text = section(
      render(renderSummary(outcome({ coldStart: { measured }, diff: diff({ kind: "no-base-figures" }) }))),
    );
    expect(text).toContain("Change against main 1111111: its build has no import figures to compare with");
  });

  it("when the import check cannot run: one line that says why", () => {
    const skipped = "the target is arm64 and this runner is x86_64: its compiled dependencies cannot load here";
    const html = render(renderSummary(outcome({ coldStart: { skipped } })));
    const after = html.slice(html.indexOf("<h3>Cold start</h3>"));
    expect(after).toMatch(/^<h3>Cold start<\/h3>\n<p>[^<]*<\/p>\n<details/);
    expect(section(html).trim()).toBe(`Cold start\nNot measured: ${skipped}.`);
  });

  it("shows the figures of a build over a budget, with the budget as the failure", () => {
    const html = render(
      renderSummary(
        outcome({
          coldStart: { measured },
          budgets: { maxImportMs: 800, maxUnzippedSize: 100_000 },
          stages: [
            { name: "lock", ms: 10 },
            { name: "zip", ms: 30 },
            { name: "budgets", ms: 0 },
          ],
          failure: { message: "budget max-import-ms exceeded: the handler's import takes 1466 ms" },
        }),
      ),
    );
    expect(textOf(html)).toContain(
      "❌ Failed at “Check the budgets (max-unzipped-size, max-import-ms)”: budget max-import-ms exceeded",
    );
    expect(stageResults(html)["Check the budgets (max-unzipped-size, max-import-ms)"]).toBe("❌ failed");
    // each budget beside its figure: the headroom, or how far over
    expect(valuesOf(tableWithHead(html, ITEM_VALUE)).get("Budgets")).toBe(
      "max-unzipped-size 97.7 KB: 80.1 KB, 82 % · max-import-ms 800 ms: 1466 ms, 183 %",
    );
    expect(section(html)).toContain("1466 ms");
  });

  it("shows package names as written", () => {
    const evil = { ...measured.packages[1]!, name: "x|<img src=y>`" };
    const html = render(renderSummary(outcome({ coldStart: { measured: { ...measured, packages: [evil] } } })));
    expect(html).not.toMatch(/<img/);
    expect(tableWithHead(html, ["Package", "From", "Cumulative", "Own modules", "Modules"]).rows[0]![0]).toBe(
      "x|<img src=y>`",
    );
  });

  it("a function built without `handler`: one line that says what to set; a layer alone: no section", () => {
    const build = {
      target: makeTarget("python3.12", "x86_64"),
      inspection: { distributions: [], dependencySize: 0, codeSize: 1, findings: [] },
      findings: [],
      timings: { lock: 1, zip: 1 },
      unzippedSize: 1,
    } as unknown as BuildResult;
    const result = { build, deploy: { deployed: "skipped" as const, changes: [] } };
    const of = (mode: string) =>
      textOf(
        render(renderSummary(summaryOf({ inputs: inputsFrom({ runtime: "python3.12", package: mode }), result }))),
      );
    expect(of("function")).toContain(
      "Cold start\nNot measured: no handler input (set it, e.g. handler: app.handler, to check and time the import).",
    );
    expect(of("layer")).not.toContain("Cold start");
  });
});
