/** Numbers for the benchmark: summaries of rounds, the machine they came from, and the printed table. */
import { execFileSync } from "node:child_process";
import { statfsSync } from "node:fs";
import os from "node:os";

export interface Summary {
  median: number;
  min: number;
  max: number;
  rounds: number;
}

export function summarize(values: number[]): Summary {
  if (values.length === 0) throw new Error("no rounds to summarize");
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { median: Math.round(median), min: sorted[0]!, max: sorted[sorted.length - 1]!, rounds: values.length };
}

export interface Machine {
  cpu: string;
  cores: number;
  memoryGB: number;
  os: string;
  node: string;
  zlib: string;
  python: string;
  pip: string;
  infoZip: string;
  /** where the trees and zips were written */
  workDir: string;
  tmpfs: boolean;
  /** 1-minute load average when the run started: other work on the machine skews the figures */
  loadAverage: number;
}

const TMPFS_MAGIC = 0x01021994;

function output(command: string, args: string[]): string | undefined {
  try {
    return execFileSync(command, args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  } catch {
    return undefined;
  }
}

const firstLine = (command: string, args: string[]) => output(command, args)?.split("\n")[0]?.trim() ?? "not found";

export function describeMachine(python: string, workDir: string): Machine {
  let tmpfs = false;
  try {
    tmpfs = statfsSync(workDir).type === TMPFS_MAGIC;
  } catch {
    // unknown file system: reported as not tmpfs
  }
  const zipVersion = /This is Zip (\S+)/.exec(output("zip", ["-v"]) ?? "")?.[1];
  return {
    cpu: os.cpus()[0]?.model.trim() ?? "unknown",
    cores: os.availableParallelism(),
    memoryGB: Math.round(os.totalmem() / 1e9),
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    zlib: process.versions.zlib ?? "unknown",
    python: firstLine(python, ["--version"]),
    pip: firstLine(python, ["-m", "pip", "--version"]).replace(/ from .*\(/, " ("),
    infoZip: zipVersion ? `Info-ZIP Zip ${zipVersion}` : "not found",
    workDir,
    tmpfs,
    loadAverage: Number(os.loadavg()[0]!.toFixed(2)),
  };
}

export const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
export const megabytes = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;
export const ratio = (ours: number, theirs: number) => Number((ours / theirs).toFixed(3));

export function range(s: Summary): string {
  return `${seconds(s.median)} (${(s.min / 1000).toFixed(2)}–${(s.max / 1000).toFixed(2)})`;
}

/** A plain text table: first column left-aligned, the others right-aligned. */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ");
  return [line(header), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)].join("\n");
}
