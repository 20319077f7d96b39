// The summary's "Size change" section: this build's manifest against the base branch's.
import { formatBytes } from "../units.ts";
import type { SizeDiff } from "./history.ts";
import { code, esc, signed } from "./markdown.ts";

export function renderDiff(d: SizeDiff): string {
  const sha = d.baseSha ? ` <sub>${esc(d.baseSha.slice(0, 7))}</sub>` : "";
  const percent = d.baseTotal
    ? ` (${d.totalDelta >= 0 ? "+" : ""}${((d.totalDelta / d.baseTotal) * 100).toFixed(1)}%)`
    : "";
  const lines = [
    `### Size change against ${code(d.baseRef)}${sha}`,
    `Unzipped total **${signed(d.totalDelta)}**${percent}.`,
  ];
  const list = (label: string, items: string[]) =>
    items.length > 0 && lines.push(`- **${label}:** ${items.join(", ")}`);
  list(
    "added",
    d.added.map((a) => `${esc(a.name)} ${esc(a.version)} (${formatBytes(a.size)})`),
  );
  list(
    "removed",
    d.removed.map((r) => `${esc(r.name)} ${esc(r.version)} (${formatBytes(r.size)})`),
  );
  list(
    "upgraded",
    d.upgraded.map((u) => `${esc(u.name)} ${esc(u.from)} → ${esc(u.to)} (${signed(u.delta)})`),
  );
  list(
    "grew most",
    d.grew.filter((g) => g.delta > 0).map((g) => `${esc(g.name)} ${signed(g.delta)}`),
  );
  if (d.added.length + d.removed.length + d.upgraded.length === 0) lines.push("- same distributions and versions");
  return lines.join("\n");
}
