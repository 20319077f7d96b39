/**
 * The job summary a reviewer reads: target, lockfile, cache, each zip against Lambda's
 * limits, the distributions by size, the size change against the base branch, every
 * finding, timings per stage, and what was deployed. Pure: Markdown (with a little
 * HTML GitHub renders) from a result; main.ts writes it with core.summary.
 */
import type { Inputs } from "../inputs.ts";
import type { Finding } from "../inspect/index.ts";
import { DIRECT_UPLOAD_LIMIT, UNZIPPED_LIMIT } from "../inspect/sizes.ts";
import type { ActionResult } from "../run.ts";
import { glibcString, makeTarget } from "../target.ts";
import type { SizeDiff } from "./history.ts";

export interface SummaryInput {
  inputs: Inputs;
  result?: ActionResult;
  failure?: { message: string; hint?: string; findings: Finding[] };
  diff?: SizeDiff;
  artifact?: { name: string; size: number };
}

export function formatBytes(bytes: number): string {
  const abs = Math.abs(bytes);
  if (abs >= 1024 * 1024) return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
  if (abs >= 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${bytes} B`;
}

function signed(bytes: number): string {
  return `${bytes > 0 ? "+" : bytes < 0 ? "−" : "±"}${formatBytes(Math.abs(bytes))}`;
}

/** A ten-cell bar and the percentage: "▰▰▱▱▱▱▱▱▱▱ 23%". */
export function bar(value: number, limit: number): string {
  const fraction = Math.min(1, value / limit);
  const filled = Math.round(fraction * 10);
  return `${"▰".repeat(filled)}${"▱".repeat(10 - filled)} ${Math.floor((value / limit) * 100)}%`;
}

const cell = (text: string) => text.replace(/\|/g, "\\|").replace(/\r?\n/g, "<br>");
const ICON = { error: "❌", warning: "⚠️", notice: "ℹ️" } as const;

function title(s: SummaryInput): string {
  const d = s.inputs.deploy;
  const what = d?.functionName ?? d?.layerName ?? "Lambda package";
  return `## 📦 ${what} · ${s.inputs.runtime} · ${s.inputs.architecture}`;
}

function outcome(s: SummaryInput): string {
  if (s.failure)
    return `**❌ Failed:** ${cell(s.failure.message)}${s.failure.hint ? `<br>→ ${cell(s.failure.hint)}` : ""}`;
  const deployed = s.result?.deploy.deployed;
  if (deployed === "updated") return "**✅ Built and deployed.**";
  if (deployed === "unchanged") return "**✅ Built; already deployed: nothing changed, no write call made.**";
  return "**✅ Built and checked.** Nothing was deployed.";
}

export function renderSummary(s: SummaryInput): string {
  const parts: string[] = [title(s), outcome(s)];
  const target = makeTarget(s.inputs.runtime, s.inputs.architecture);
  const build = s.result?.build;
  const rows: [string, string][] = [
    ["Target", `${target.runtime} on ${target.architecture} · ${target.os} · glibc ${glibcString(target)}`],
  ];
  if (build) {
    rows.push([
      "Lockfile",
      `\`${build.lock.lockfile}\` · ${build.lock.requirements.length} pinned distributions · installer ${build.installer}`,
    ]);
    const c = build.cache;
    rows.push([
      "Cache",
      !c.enabled
        ? "off"
        : c.hit
          ? `hit \`${c.key}\` · install skipped${c.savedMs ? ` (about ${(c.savedMs / 1000).toFixed(1)} s saved)` : ""}`
          : `miss \`${c.key}\` · installed and saved`,
    ]);
  }
  parts.push(keyValues(rows));

  if (build) {
    const zips = [
      ["function.zip", build.functionZip],
      ["layer.zip", build.layerZip],
    ] as const;
    const zipRows = zips
      .filter(([, z]) => z)
      .map(([name, z]) => [
        `\`${name}\``,
        formatBytes(z!.size),
        bar(z!.size, DIRECT_UPLOAD_LIMIT),
        formatBytes(z!.unzippedSize),
        bar(z!.unzippedSize, UNZIPPED_LIMIT),
        `<code>${z!.sha256.slice(0, 12)}</code>`,
      ]);
    if (zipRows.length > 1) {
      zipRows.push([
        "**together**",
        formatBytes((build.functionZip?.size ?? 0) + (build.layerZip?.size ?? 0)),
        "",
        formatBytes(build.unzippedSize),
        bar(build.unzippedSize, UNZIPPED_LIMIT),
        "",
      ]);
    }
    parts.push(
      "### Packages",
      table(
        [
          "zip",
          "zipped",
          "of the 50 MB direct upload",
          "unzipped",
          "of the 250 MB unzipped limit (function + layers)",
          "sha256",
        ],
        zipRows,
      ),
    );
  }

  if (s.diff) parts.push(renderDiff(s.diff));

  if (build && build.inspection.distributions.length > 0) {
    const total = build.inspection.dependencySize || 1;
    const rows = build.inspection.distributions.map((d) => [
      d.name,
      d.version,
      formatBytes(d.unzippedSize),
      `${((d.unzippedSize / total) * 100).toFixed(1)}%`,
      String(d.fileCount),
    ]);
    const shown = rows.slice(0, 25);
    parts.push(
      `<details${rows.length <= 10 ? " open" : ""}><summary><b>Distributions</b> (${rows.length}, by unzipped size)</summary>\n\n${table(["distribution", "version", "unzipped", "share", "files"], shown)}${rows.length > shown.length ? `\n\n…and ${rows.length - shown.length} more` : ""}\n\n</details>`,
    );
  }

  const findings = s.failure?.findings ?? build?.findings ?? [];
  parts.push("### Findings");
  parts.push(
    findings.length === 0
      ? "No findings: wheel tags, shared objects, collisions, layout and sizes all fit Lambda."
      : table(
          ["", "check", "finding", "what to do"],
          findings.map((f) => [
            ICON[f.severity],
            f.check,
            cell(`${f.message}${f.file ? ` (${f.file}${f.line ? `:${f.line}` : ""})` : ""}`),
            cell(f.hint ?? ""),
          ]),
        ),
  );

  if (build) {
    const stages = Object.entries(build.timings);
    const total = stages.reduce((a, [, ms]) => a + ms, 0);
    parts.push(
      "### Timings",
      table([...stages.map(([k]) => k), "total"], [[...stages.map(([, ms]) => seconds(ms)), seconds(total)]]),
    );
  }

  parts.push("### Deploy", renderDeploy(s));
  return `${parts.join("\n\n")}\n`;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(2)} s`;
}

function renderDiff(d: SizeDiff): string {
  const lines = [
    `### Size change against \`${d.baseRef}\` <sub>${d.baseSha.slice(0, 7)}</sub>`,
    `Unzipped total **${signed(d.totalDelta)}**${d.baseTotal ? ` (${d.totalDelta >= 0 ? "+" : ""}${((d.totalDelta / d.baseTotal) * 100).toFixed(1)}%)` : ""}.`,
  ];
  const list = (label: string, items: string[]) =>
    items.length > 0 && lines.push(`- **${label}:** ${items.join(", ")}`);
  list(
    "added",
    d.added.map((a) => `${a.name} ${a.version} (${formatBytes(a.size)})`),
  );
  list(
    "removed",
    d.removed.map((r) => `${r.name} ${r.version} (${formatBytes(r.size)})`),
  );
  list(
    "upgraded",
    d.upgraded.map((u) => `${u.name} ${u.from} → ${u.to} (${signed(u.delta)})`),
  );
  list(
    "grew most",
    d.grew.filter((g) => g.delta > 0).map((g) => `${g.name} ${signed(g.delta)}`),
  );
  if (d.added.length + d.removed.length + d.upgraded.length === 0) lines.push("- same distributions and versions");
  return lines.join("\n");
}

function renderDeploy(s: SummaryInput): string {
  const d = s.result?.deploy;
  const lines: string[] = [];
  if (!d || d.deployed === "skipped")
    lines.push(
      s.failure
        ? "Nothing was deployed."
        : "Nothing was deployed (no `function-name`/`layer-name`, or `deploy: false`).",
    );
  else {
    const rows: [string, string][] = [["Deployed", `\`${d.deployed}\``]];
    if (d.functionArn) rows.push(["Function", `\`${d.functionArn}\``]);
    if (d.functionVersion) rows.push(["Version", d.functionVersion]);
    if (d.aliasArn) rows.push(["Alias", `\`${d.aliasArn}\``]);
    if (d.layerVersionArn) rows.push(["Layer", `\`${d.layerVersionArn}\``]);
    for (const uri of [d.functionS3Uri, d.layerS3Uri]) if (uri) rows.push(["S3", `\`${uri}\``]);
    lines.push(keyValues(rows));
    if (d.changes.length > 0) lines.push(`Changes, in order: ${d.changes.map((c) => `\`${c}\``).join(" → ")}`);
  }
  if (s.artifact)
    lines.push(`Artifact **${s.artifact.name}** (${formatBytes(s.artifact.size)}) uploaded with the zips.`);
  return lines.join("\n\n");
}

/** A two-column table whose first pair is the header row: no empty header on GitHub. */
function keyValues(rows: [string, string][]): string {
  const [first, ...rest] = rows.map(([k, v]): string[] => [`**${k}**`, v]);
  return table(first ?? ["", ""], rest);
}

function table(head: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(" | ")} |`;
  return [line(head), line(head.map(() => "---")), ...rows.map(line)].join("\n");
}
