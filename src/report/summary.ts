/**
 * The job summary a reviewer reads: target, lockfile, cache, each zip against Lambda's
 * limits, the distributions by size, the size change against the base branch, every
 * finding, each stage with its result and time, and what was deployed.
 *
 * Two pure steps: `summaryOf` turns what the run produced (or got through before it
 * failed) into a `SummaryOutcome`, and `renderSummary` turns that into Markdown (with
 * a little HTML GitHub renders). Each statement is derived from the stages reached, so
 * a failed run never claims a check it did not get to.
 */

import { append } from "../append.ts";
import type { BuildProgress, BuildResult } from "../build.ts";
import type { PackageMode } from "../constants.ts";
import type { CacheStatus } from "../dependencies/index.ts";
import type { DeployResult } from "../deploy/index.ts";
import type { Inputs } from "../inputs.ts";
import type { Budgets } from "../inputs-budgets.ts";
import type { Finding } from "../inspect/index.ts";
import { DIRECT_UPLOAD_LIMIT, UNZIPPED_LIMIT } from "../inspect/sizes.ts";
import { cutText } from "../redact.ts";
import type { ActionResult } from "../run.ts";
import { glibcString, makeTarget, type Target } from "../target.ts";
import { formatBytes } from "../units.ts";
import type { ColdStartOutcome } from "../verify/coldstart.ts";
import { budgetsRow } from "./budgets.ts";
import { renderColdStart } from "./coldstart.ts";
import type { SizeDiff } from "./history.ts";
import { bar, code, esc, keyValues, seconds, table } from "./markdown.ts";
import { renderOptimization } from "./optimization.ts";
import { renderDiff } from "./size-diff.ts";

/** The pipeline's stages, in the order they run (the keys of BuildResult.timings). */
export const STAGES = ["lock", "install", "source", "inspect", "zip", "verify", "budgets", "deploy"] as const;
export type StageName = (typeof STAGES)[number];

export type LockfileFacts =
  | { kind: "read"; file: string; pinned: number }
  /** no lockfile in the folder: the code was built alone */
  | { kind: "none" }
  /** the run stopped before the lockfile was read */
  | { kind: "unread"; requested?: string };

export interface SummaryOutcome {
  /** what the build is of: the function or layer name, else "Lambda package" */
  name: string;
  target: Target;
  packageMode: PackageMode;
  /** a function or layer named with deploy enabled */
  deployRequested: boolean;
  lockfile: LockfileFacts;
  installer?: string;
  cache?: CacheStatus;
  zips: { name: "function.zip" | "layer.zip"; size: number; unzippedSize: number; sha256: string }[];
  unzippedSize: number;
  distributions: { name: string; version: string; unzippedSize: number; fileCount: number }[];
  dependencySize: number;
  findings: Finding[];
  /** the stages reached, in order, with their time; on failure the last one is where it failed */
  stages: { name: StageName; ms: number }[];
  failure?: { message: string; hint?: string };
  deploy?: DeployResult;
  diff?: SizeDiff;
  artifact?: { name: string; size: number };
  optimization?: import("../optimize/index.ts").OptimizeReport;
  /** the handler's import measured, or why not; absent when the run never got to it */
  coldStart?: ColdStartOutcome;
  /** the handler's check is a stage only when a `handler` was given */
  handlerAsked?: boolean;
  /** the budgets set; their check is a stage only when one is */
  budgets?: Budgets;
  /** the wheels this run built from source (build-from-source), with each build's time */
  builtFromSource?: import("../build-source/index.ts").BuiltFromSource[];
}

export interface SummaryFacts {
  inputs: Inputs;
  result?: ActionResult;
  failure?: { message: string; hint?: string; findings: Finding[] };
  /** how far the build got: what is known when it failed */
  progress?: BuildProgress;
  diff?: SizeDiff;
  artifact?: { name: string; size: number };
}

function stagesOf(timings: Record<string, number>): SummaryOutcome["stages"] {
  return Object.entries(timings)
    .filter((e): e is [StageName, number] => (STAGES as readonly string[]).includes(e[0]))
    .map(([name, ms]) => ({ name, ms }));
}

export function summaryOf(f: SummaryFacts): SummaryOutcome {
  const { inputs, result } = f;
  const d = inputs.deploy;
  const build = result?.build;
  const lock = build?.lock ?? f.progress?.lock;
  const lockfile: LockfileFacts = lock
    ? lock.lockfile
      ? { kind: "read", file: lock.lockfile, pinned: lock.requirements.length }
      : { kind: "none" }
    : { kind: "unread", requested: inputs.lockfile };
  const zips: SummaryOutcome["zips"] = [];
  if (build?.functionZip) zips.push({ name: "function.zip", ...build.functionZip });
  if (build?.layerZip) zips.push({ name: "layer.zip", ...build.layerZip });
  return {
    name: d?.functionName ?? d?.layerName ?? "Lambda package",
    target: build?.target ?? makeTarget(inputs.runtime, inputs.architecture),
    packageMode: inputs.packageMode,
    deployRequested: Boolean(d?.enabled),
    lockfile,
    installer: build?.installer,
    cache: build?.cache,
    zips,
    unzippedSize: build?.unzippedSize ?? 0,
    distributions: build?.inspection.distributions ?? [],
    dependencySize: build?.inspection.dependencySize ?? 0,
    findings: f.failure?.findings ?? build?.findings ?? [],
    stages: stagesOf(build?.timings ?? f.progress?.timings ?? {}),
    failure: f.failure && { message: f.failure.message, hint: f.failure.hint },
    deploy: result?.deploy,
    diff: f.diff,
    artifact: f.artifact,
    optimization: build?.optimization,
    coldStart: build && coldStartOf(inputs, build),
    handlerAsked: Boolean(inputs.handler),
    budgets: inputs.budgets,
    builtFromSource: build?.builtFromSource,
  };
}

/** A build without `handler` has no import to measure: one line says so, except for a layer alone. */
function coldStartOf(inputs: Inputs, build: BuildResult): ColdStartOutcome | undefined {
  if (build.verify) return build.verify.coldStart;
  if (inputs.packageMode === "layer") return undefined;
  return { skipped: "no handler input (set it, e.g. handler: app.handler, to check and time the import)" };
}

type StageResult = "done" | "failed" | "not reached" | "not needed" | "not asked for";

/** Each stage's result, in pipeline order: the one claim the rest of the summary builds on. */
export function stageResults(s: SummaryOutcome): { name: StageName; result: StageResult; ms?: number }[] {
  const reached = new Map(s.stages.map((st) => [st.name, st.ms]));
  const last = s.stages.at(-1)?.name;
  const lastIndex = last ? STAGES.indexOf(last) : -1;
  const asked: Partial<Record<StageName, boolean>> = {
    verify: s.handlerAsked,
    budgets: Object.values(s.budgets ?? {}).some((b) => b !== undefined),
  };
  const shown = STAGES.filter((name) => !(name in asked) || asked[name] || reached.has(name));
  return shown.map((name) => {
    const i = STAGES.indexOf(name);
    const ms = reached.get(name);
    if (ms !== undefined) return { name, result: s.failure && name === last ? "failed" : "done", ms };
    if (s.failure && i > lastIndex) return { name, result: "not reached" };
    return { name, result: name === "deploy" ? "not asked for" : "not needed" };
  });
}

function stageLabel(name: StageName, s: SummaryOutcome): string {
  switch (name) {
    case "lock":
      return "Read the lockfile";
    case "install":
      return s.cache?.hit ? "Restore the dependencies from the cache" : "Install the dependencies";
    case "source":
      return "Collect the function code";
    case "inspect":
      return "Inspect (wheel tags, shared objects, collisions, layout)";
    case "zip":
      return "Write the zips, check their sizes";
    case "verify":
      return "Check the handler (defined, imports, cold start)";
    case "budgets":
      return "Check the budgets (max-unzipped-size, max-import-ms)";
    case "deploy":
      return "Deploy";
  }
}

const RESULT_TEXT: Record<StageResult, string> = {
  done: "✅ done",
  failed: "❌ failed",
  "not reached": "⏹️ not reached",
  "not needed": "➖ not needed",
  "not asked for": "➖ not asked for",
};

const SEVERITY_TEXT = { error: "❌ error", warning: "⚠️ warning", notice: "ℹ️ notice" } as const;

function statusLine(s: SummaryOutcome): string {
  if (s.failure) {
    const at = stageResults(s).find((r) => r.result === "failed");
    const where = at ? ` at “${stageLabel(at.name, s)}”` : "";
    return `**❌ Failed${where}:** ${esc(s.failure.message)}${s.failure.hint ? `<br>→ ${esc(s.failure.hint)}` : ""}`;
  }
  const deployed = s.deploy?.deployed;
  if (deployed === "updated") return "**✅ Succeeded:** built and deployed.";
  if (deployed === "unchanged")
    return "**✅ Succeeded:** built; already deployed, nothing changed, no write call made.";
  return "**✅ Succeeded:** built and checked. Nothing was deployed.";
}

function lockfileText(s: SummaryOutcome): string {
  const l = s.lockfile;
  const installer = s.installer ? ` · installer ${esc(s.installer)}` : "";
  if (l.kind === "read") return `${code(l.file)} · ${l.pinned} pinned distributions${installer}`;
  if (l.kind === "none") return "none found: the function code alone, no third-party dependencies";
  return l.requested ? `${code(l.requested)} (not read: the run stopped first)` : "not read: the run stopped first";
}

function cacheText(c: NonNullable<SummaryOutcome["cache"]>, failed: boolean): string {
  if (!c.enabled) return "off";
  if (c.hit) {
    const saved = c.savedMs ? ` (about ${(c.savedMs / 1000).toFixed(1)} s of installing saved)` : "";
    return `hit ${code(c.key)} · restored instead of installed${saved}`;
  }
  return `miss ${code(c.key)} · installed${failed ? "; not saved, the build failed" : " and saved"}`;
}

function overview(s: SummaryOutcome): string {
  const t = s.target;
  const rows: [string, string][] = [
    ["Target", `${t.runtime} on ${t.architecture} · ${esc(t.os)} · glibc ${glibcString(t)}`],
    ["Package", `${s.packageMode}`],
    ["Lockfile", lockfileText(s)],
  ];
  if (s.cache) rows.push(["Cache", cacheText(s.cache, Boolean(s.failure))]);
  const budgets = budgetsRow(s.budgets, {
    unzippedSize: s.unzippedSize,
    built: s.zips.length > 0,
    coldStart: s.coldStart,
  });
  if (budgets) rows.push(budgets);
  return keyValues(rows);
}

function packages(s: SummaryOutcome): string[] {
  if (s.zips.length === 0) return [];
  const rows = s.zips.map((z) => [
    code(z.name),
    formatBytes(z.size),
    bar(z.size, DIRECT_UPLOAD_LIMIT),
    formatBytes(z.unzippedSize),
    bar(z.unzippedSize, UNZIPPED_LIMIT),
    code(z.sha256.slice(0, 12)),
  ]);
  if (s.zips.length > 1) {
    const zipped = s.zips.reduce((a, z) => a + z.size, 0);
    rows.push([
      "**together**",
      formatBytes(zipped),
      "",
      formatBytes(s.unzippedSize),
      bar(s.unzippedSize, UNZIPPED_LIMIT),
      "",
    ]);
  }
  const head = [
    "Zip",
    "Zipped",
    "Of the 50 MB direct upload",
    "Unzipped",
    "Of the 250 MB unzipped limit (function + layers)",
    "sha256",
  ];
  return ["### Packages", table(head, rows)];
}

function builtFromSource(s: SummaryOutcome): string[] {
  const built = s.builtFromSource ?? [];
  if (built.length === 0) return [];
  const rows = built.map((b) => [esc(b.name), esc(b.version), esc(b.source), code(b.wheel), seconds(b.ms)]);
  return ["### Built from source", table(["Distribution", "Version", "From", "Wheel", "Build time"], rows)];
}

function distributions(s: SummaryOutcome): string[] {
  if (s.distributions.length === 0) return [];
  const total = s.dependencySize || 1;
  const rows = s.distributions.map((d) => [
    esc(d.name),
    esc(d.version),
    formatBytes(d.unzippedSize),
    `${((d.unzippedSize / total) * 100).toFixed(1)}%`,
    String(d.fileCount),
  ]);
  const shown = rows.slice(0, 25);
  const more = rows.length > shown.length ? `\n\n…and ${rows.length - shown.length} more` : "";
  const body = table(["Distribution", "Version", "Unzipped", "Share", "Files"], shown);
  return [
    `<details${rows.length <= 10 ? " open" : ""}><summary><b>Distributions</b> (${rows.length}, by unzipped size)</summary>\n\n${body}${more}\n\n</details>`,
  ];
}

function findings(s: SummaryOutcome): string[] {
  if (s.findings.length > 0) {
    const rows = s.findings.map((f) => [
      SEVERITY_TEXT[f.severity],
      esc(f.check),
      `${esc(f.message)}${f.file ? ` (${code(`${f.file}${f.line ? `:${f.line}` : ""}`)})` : ""}`,
      esc(f.hint ?? ""),
    ]);
    return ["### Findings", table(["Severity", "Check", "Finding", "What to do"], rows)];
  }
  const result = new Map(stageResults(s).map((r) => [r.name, r.result]));
  if (result.get("inspect") !== "done")
    return ["### Findings", "Not checked: the run stopped before the inspection (see Stages)."];
  if (result.get("zip") !== "done")
    return [
      "### Findings",
      "No findings from the inspection: wheel tags, shared objects, collisions and layout fit Lambda. The sizes were not checked: the run stopped before the zips were written.",
    ];
  return ["### Findings", "No findings: wheel tags, shared objects, collisions, layout and sizes all fit Lambda."];
}

function stages(s: SummaryOutcome): string[] {
  const results = stageResults(s);
  const rows = results.map((r) => [
    stageLabel(r.name, s),
    RESULT_TEXT[r.result],
    r.ms === undefined ? "" : seconds(r.ms),
  ]);
  rows.push(["**Total**", "", seconds(s.stages.reduce((a, st) => a + st.ms, 0))]);
  return ["### Stages", table(["Stage", "Result", "Time"], rows)];
}

function renderDeploy(s: SummaryOutcome): string {
  const d = s.deploy;
  const lines: string[] = [];
  const failedAtDeploy = s.failure && s.stages.at(-1)?.name === "deploy";
  if (failedAtDeploy) lines.push("The deploy stopped with the error above; the log lists every change made before it.");
  else if (!d || d.deployed === "skipped")
    lines.push(
      s.failure || s.deployRequested
        ? "Nothing was deployed."
        : "Nothing was deployed (no `function-name`/`layer-name`, or `deploy: false`).",
    );
  else {
    const rows: [string, string][] = [["Deployed", code(d.deployed)]];
    if (d.functionArn) rows.push(["Function", code(d.functionArn)]);
    if (d.functionVersion) rows.push(["Version", esc(d.functionVersion)]);
    if (d.aliasArn) rows.push(["Alias", code(d.aliasArn)]);
    if (d.layerVersionArn) rows.push(["Layer", code(d.layerVersionArn)]);
    for (const uri of [d.functionS3Uri, d.layerS3Uri]) if (uri) rows.push(["S3", code(uri)]);
    if (d.smoke)
      rows.push([
        "Smoke",
        `${d.smoke.passed ? "passed" : "failed"}, status ${d.smoke.status ?? "none"}: ${code(cutText(d.smoke.response, 200))}`,
      ]);
    if (d.previousVersion) rows.push(["Previous version", esc(d.previousVersion)]);
    if (d.rollout) rows.push(["Rollout", code(d.rollout)]);
    lines.push(keyValues(rows));
    if (d.timeline?.length)
      lines.push(
        `Traffic shift: ${d.timeline.map((t) => `${Math.round(t.atMs / 60_000)} min: ${esc(t.event)}`).join(" → ")}`,
      );
    if (d.changes.length > 0) lines.push(`Changes, in order: ${d.changes.map((c) => code(c)).join(" → ")}`);
  }
  if (s.artifact)
    lines.push(`Artifact **${esc(s.artifact.name)}** (${formatBytes(s.artifact.size)}) uploaded with the zips.`);
  return lines.join("\n\n");
}

export function renderSummary(s: SummaryOutcome): string {
  const parts: string[] = [
    `## 📦 ${esc(s.name)} · ${s.target.runtime} · ${s.target.architecture}`,
    statusLine(s),
    overview(s),
    ...packages(s),
  ];
  if (s.diff) parts.push(renderDiff(s.diff));
  const sections = [
    renderColdStart(s.coldStart, s.diff),
    renderOptimization(s.optimization),
    builtFromSource(s),
    distributions(s),
    findings(s),
    stages(s),
  ];
  for (const more of sections) append(parts, more);
  parts.push("### Deploy", renderDeploy(s));
  return `${parts.join("\n\n")}\n`;
}
