/** The summary's section for compile, slim and exclude-packages: what was left out, removed and compiled. */
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
  if (r.excluded.length > 0) {
    parts.push(
      `> [!WARNING]\n> Left out (exclude-packages): ${r.excluded.map((e) => `${esc(e.name)} ${esc(e.version)} (${formatBytes(e.bytes)})`).join(", ")}. The Lambda runtime's own versions of these are used instead, whatever versions the lockfile pins.`,
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
    ]);
    const total = r.slimmed.reduce((n, s) => n + s.bytes, 0);
    parts.push(
      `Slim: ${formatBytes(total)} removed; ${r.stripped.files} shared objects stripped of debug information (${formatBytes(r.stripped.bytes)})${r.fromCache ? ", when the cached tree was made" : ""}.`,
    );
    if (rows.length > 0) parts.push(table(["Distribution", "Files removed", "Bytes saved", "What"], rows));
  }
  return parts;
}
