/** The summary's section for compile, slim and exclude-packages: what was left out, removed and compiled. */
import { append } from "../append.ts";
import type { OptimizeReport } from "../optimize/index.ts";
import { formatBytes } from "../units.ts";
import { code, esc, table } from "./markdown.ts";

export function renderOptimization(r: OptimizeReport | undefined): string[] {
  if (!r) return [];
  const parts = ["### Optimized"];
  const c = r.compile;
  parts.push(
    c.done
      ? `Bytecode: ${c.dependencies} dependency and ${c.code} code files compiled by Python ${esc(c.python)} (${code(c.cacheTag)}, unchecked-hash)${c.failed.length > 0 ? `; ${c.failed.length} did not compile and ship as source only` : ""}.`
      : r.settings.compile === "off"
        ? "Bytecode: not asked for (`compile: false`)."
        : `Bytecode: none (${esc(c.reason)}).`,
  );
  if (c.done && c.overLimit) parts.push(`> [!WARNING]\n> ${esc(c.overLimit)}`);
  if (r.excluded.length > 0) {
    parts.push(
      `> [!WARNING]\n> Left out (exclude-packages): ${r.excluded.map((e) => `${esc(e.name)} ${esc(e.version)} (${e.notDownloaded ? "not downloaded" : formatBytes(e.bytes)})`).join(", ")}. The Lambda runtime's own versions of these are used instead, whatever versions the lockfile pins.`,
    );
  }
  if (r.notInstalled.length > 0)
    parts.push(`exclude-packages names what is not installed: ${r.notInstalled.map(esc).join(", ")}.`);
  if (r.settings.slim) {
    const rows = r.slimmed.map((s) => [
      esc(s.distribution),
      String(s.files),
      formatBytes(s.bytes),
      Object.entries(s.kinds)
        .map(([kind, bytes]) => `${kind} ${formatBytes(bytes ?? 0)}`)
        .join(", "),
      s.stripped?.files ? `${s.stripped.files} (${formatBytes(s.stripped.bytes)})` : "",
    ]);
    const files = r.slimmed.reduce((n, s) => n + s.files, 0);
    const removed = r.slimmed.reduce((n, s) => n + s.bytes, 0);
    parts.push(
      `Slim: ${files} files removed (${formatBytes(removed)}); ${r.stripped.files} shared objects stripped of debug information (${formatBytes(r.stripped.bytes)} saved); ${formatBytes(removed + r.stripped.bytes)} saved in all${r.fromCache ? ", when the cached tree was made" : ""}.`,
    );
    if (rows.length > 0)
      parts.push(table(["Distribution", "Files removed", "Bytes removed", "What", "Shared objects stripped"], rows));
    append(parts, renderKeptBack(r));
  }
  return parts;
}

const KEPT_BACK_LISTED = 50;

/** What slim's patterns matched and shipped code needs, so it ships: the user sees why each one stayed. */
function renderKeptBack(r: OptimizeReport): string[] {
  const kept = r.keptBack ?? [];
  if (kept.length === 0) return [];
  const rows = kept
    .slice(0, KEPT_BACK_LISTED)
    .map((k) => [code(k.path), `${code(`${k.by}${k.line ? `:${k.line}` : ""}`)} ${k.how} ${code(k.name)}`]);
  const more = kept.length > KEPT_BACK_LISTED ? `\n\nand ${kept.length - KEPT_BACK_LISTED} more (in the log).` : "";
  return [
    `Kept back: ${kept.length} file(s) slim's patterns match, because shipped code imports or reads them.`,
    `${table(["File", "Needed by"], rows)}${more}`,
  ];
}
