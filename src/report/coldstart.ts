/**
 * The summary's Cold start section: the handler's import as measured on the runner, its
 * spread, where the time goes, whether bytecode shipped, and the change against the base
 * branch with the spread beside it. When there is no measurement, one line says why.
 */
import { append } from "../append.ts";
import {
  type ColdStart,
  type ColdStartOutcome,
  type PackageImport,
  type RunStats,
  spreadOf,
} from "../verify/coldstart.ts";
import type { SizeDiff } from "./history.ts";
import type { ImportChange } from "./import-change.ts";
import { code, esc, table } from "./markdown.ts";

/** Milliseconds as a reader compares them: whole above 10 ms, a tenth below. */
export function ms(value: number): string {
  const abs = Math.abs(value);
  return `${abs >= 10 ? Math.round(abs) : abs.toFixed(1)} ms`;
}

export function signedMs(value: number): string {
  const sign = value > 0 ? "+" : value < 0 ? "−" : "±";
  return `${sign}${ms(value)}`;
}

const signedPercent = (p: number) =>
  `${p > 0 ? "+" : p < 0 ? "−" : "±"}${Math.abs(p).toFixed(Math.abs(p) >= 10 ? 0 : 1)} %`;

/** "312 ms (296–331 ms, 5 runs)": a figure never goes without its spread. */
export function withSpread(s: RunStats): string {
  return `${ms(s.medianMs)} (${ms(s.minMs).replace(" ms", "")}–${ms(s.maxMs)}, ${s.runs} runs)`;
}

const HEAVIEST_SHOWN = 10;

function origin(p: PackageImport): string {
  switch (p.origin.kind) {
    case "distribution":
      return `${esc(p.origin.name)} ${esc(p.origin.version)}`;
    case "code":
      return "the function code";
    case "python":
      return "Python's standard library";
  }
}

function bytecodeText(c: ColdStart): string {
  const { fromZips, withBytecode } = c.bytecode;
  if (fromZips === 0) return "no Python module imported from the zips";
  if (withBytecode === fromZips) return `shipped for all ${fromZips} modules imported from the zips`;
  const shipped =
    withBytecode === 0
      ? `not shipped: each cold start compiles the ${fromZips} modules it imports from the zips`
      : `shipped for ${withBytecode} of the ${fromZips} modules imported from the zips; each cold start compiles the others`;
  const measured = c.withBytecode ? `; with bytecode the import measured ${withSpread(c.withBytecode)}` : "";
  return `${shipped} (\`compile: auto\` ships it)${measured}`;
}

function changeText(change: ImportChange, diff: SizeDiff): string[] {
  const against = `${code(diff.baseRef)}${diff.baseSha ? ` <sub>${esc(diff.baseSha.slice(0, 7))}</sub>` : ""}`;
  if (change.kind === "no-base-figures")
    return [
      `Change against ${against}: its build has no import figures to compare with (measured from this build on).`,
    ];
  const verdict = change.noise
    ? `within the run-to-run spread of ${ms(change.spreadMs)}: noise, not a change`
    : `beyond the run-to-run spread of ${ms(change.spreadMs)}`;
  const python = change.python
    ? ` Measured with Python ${esc(change.python.base)} there and ${esc(change.python.head)} here.`
    : "";
  const lines = [
    `Change against ${against}: **${signedMs(change.deltaMs)}, ${signedPercent(change.percent)}** (${withSpread(change.base)} → ${withSpread(change.head)}), ${verdict}.${python}`,
  ];
  if (change.packages.length > 0)
    lines.push("Packages that moved more than that (one <code>-X importtime</code> run on each side):");
  for (const p of change.packages) {
    const d = p.distribution;
    const versions =
      d?.from && d.to && d.from !== d.to
        ? ` (${esc(d.name)} ${esc(d.from)} → ${esc(d.to)})`
        : d?.to && !d.from
          ? ` (${esc(d.name)} ${esc(d.to)}, new)`
          : "";
    lines.push(`- ${esc(p.name)}${versions}: ${signedMs(p.deltaMs)}`);
  }
  return [lines.join("\n")];
}

function caveat(c: ColdStart): string {
  return `<sub>The runner's time, not Lambda's: Python ${esc(c.python)} on this runner, importing ${code(c.module)} from the zips unpacked as Lambda lays them out (the code, then /opt/python), read-only, with <code>-S -I</code>, a fresh process per run. It leaves out Lambda's own start (creating the sandbox, the runtime's init and bootstrap), the network, reading the files from Lambda's storage (here they were in memory) and the CPU share Lambda's memory setting gives. Where the time goes is one <code>-X importtime</code> run; a package's cumulative time includes what it imports, so those overlap.</sub>`;
}

/** The section, or nothing when the run never got to the handler's import. */
export function renderColdStart(c: ColdStartOutcome | undefined, diff: SizeDiff | undefined): string[] {
  if (!c) return [];
  if ("skipped" in c) return ["### Cold start", `Not measured: ${esc(c.skipped.replace(/\.$/, ""))}.`];
  const m = c.measured;
  const parts = [
    "### Cold start",
    `Importing the handler's module takes **${ms(m.import.medianMs)}** on this runner: the median of ${m.import.runs} runs, from ${ms(m.import.minMs)} to ${ms(m.import.maxMs)} (spread ${ms(spreadOf(m.import))}); ${m.modules} modules loaded. Bytecode: ${bytecodeText(m)}.`,
  ];
  if (diff?.coldStart) append(parts, changeText(diff.coldStart, diff));
  const heaviest = m.packages.slice(0, HEAVIEST_SHOWN);
  if (heaviest.length > 0) {
    const rows = heaviest.map((p) => [esc(p.name), origin(p), ms(p.cumulativeMs), ms(p.selfMs), String(p.modules)]);
    const which =
      m.packages.length > HEAVIEST_SHOWN
        ? `the ${HEAVIEST_SHOWN} heaviest top-level packages`
        : "every top-level package it loaded besides the handler's own";
    parts.push(
      `Where the time goes, ${which}, by cumulative import time:\n\n${table(["Package", "From", "Cumulative", "Own modules", "Modules"], rows)}`,
    );
  }
  parts.push(caveat(m));
  return parts;
}
