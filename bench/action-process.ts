/**
 * The action as a runner runs it: a fresh `node <bundle>/index.js` per build, its inputs
 * as INPUT_* variables, its outputs read back from $GITHUB_OUTPUT. Timed from outside
 * (spawn to exit, spawn to the first line the action prints) and from inside (the stage
 * times the action prints as a debug line), so the time outside the stages (Node's start,
 * loading the bundle, reading inputs, the report) is a figure of its own.
 */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { STAGE_TIMES_PREFIX } from "../src/constants.ts";

export interface ProcessRound {
  /** spawn to exit, as the runner sees the step */
  wallMs: number;
  /** spawn to the first line the action printed (a masking command does not count: the runner shows none) */
  firstLineMs: number;
  /**
   * CPU time the process had used (all its threads, 10 ms steps) when that line arrived: what
   * the first line costs, apart from how busy the machine was; NaN where /proc is missing
   */
  firstLineCpuMs: number;
  /** the action's stage times (ms), as it reports them: lock, install (restore, download, unpack), … */
  timings: Record<string, number>;
  /** wall time outside every stage (the report included): Node's start, loading the bundle, reading inputs */
  outsideMs: number;
  outputs: Record<string, string>;
  cacheHit: boolean;
  /** whether pip (or uv) ran: a warm build must run neither */
  installerRan: boolean;
  /** the process's own peak resident set (VmHWM), bytes */
  maxRss: number;
  functionZip?: { sha256: string; size: number };
  layerZip?: { sha256: string; size: number };
  /** function and layer together, uncompressed (the unzipped-size output) */
  unzippedSize: number;
  stdout: string;
}

/**
 * The top-level stages, one after the other: install includes restore, download and unpack.
 * `save` starts with verify and runs beside it and deploy (src/build.ts), so only what it
 * takes beyond them is time of its own.
 */
export const TOP_LEVEL_STAGES = [
  "lock",
  "install",
  "source",
  "optimize",
  "inspect",
  "zip",
  "verify",
  "deploy",
  "report",
];

/** The wall time the stages account for, overlaps counted once. */
export function inStages(timings: Record<string, number>): number {
  const sequential = TOP_LEVEL_STAGES.reduce((sum, s) => sum + (timings[s] ?? 0), 0);
  const beside = (timings.verify ?? 0) + (timings.deploy ?? 0);
  return sequential + Math.max(0, (timings.save ?? 0) - beside);
}

/**
 * Preloaded with --import: on exit, the process's VmHWM (its own peak resident set, not
 * ru_maxrss, which a child made by fork keeps from its parent) goes to the file named by
 * LPP_BENCH_PEAK_RSS. A data: URL, so nothing is read from disk to load it.
 */
const PEAK_RSS_HOOK = `data:text/javascript,${encodeURIComponent(
  `import { readFileSync, writeFileSync } from "node:fs";
process.on("exit", () => {
  const m = /^VmHWM:\\s+(\\d+) kB$/m.exec(readFileSync("/proc/self/status", "utf8"));
  if (m && process.env.LPP_BENCH_PEAK_RSS) writeFileSync(process.env.LPP_BENCH_PEAK_RSS, String(Number(m[1]) * 1024));
});`,
)}`;

/** Parses `name<<DELIMITER\nvalue\nDELIMITER` blocks, as @actions/core writes $GITHUB_OUTPUT. */
export function parseOutputs(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const m = /^([^<=]+)<<(.+)$/.exec(lines[i]!);
    if (!m) continue;
    const value: string[] = [];
    for (i++; i < lines.length && lines[i] !== m[2]; i++) value.push(lines[i]!);
    outputs[m[1]!] = value.join("\n");
  }
  return outputs;
}

export async function runActionProcess(options: {
  /** the bundled entry point (index.js) */
  action: string;
  /** input name as in action.yml → value */
  inputs: Record<string, string>;
  /** the step's environment besides the inputs */
  env: NodeJS.ProcessEnv;
  /** a folder for $GITHUB_OUTPUT, the summary and the RSS figure */
  work: string;
}): Promise<ProcessRound> {
  const files = {
    output: path.join(options.work, "github-output"),
    summary: path.join(options.work, "step-summary.md"),
    rss: path.join(options.work, "peak-rss"),
  };
  await Promise.all([writeFile(files.output, ""), writeFile(files.summary, ""), rm(files.rss, { force: true })]);
  const env: NodeJS.ProcessEnv = {
    ...options.env,
    GITHUB_OUTPUT: files.output,
    GITHUB_STEP_SUMMARY: files.summary,
    LPP_BENCH_PEAK_RSS: files.rss,
    ...Object.fromEntries(Object.entries(options.inputs).map(([k, v]) => [`INPUT_${k.toUpperCase()}`, v])),
  };
  const ran = await timedProcess([`--import=${PEAK_RSS_HOOK}`, options.action], env, options.work);
  const outputs = parseOutputs(await readFile(files.output, "utf8"));
  const timings = stageTimes(ran.stdout);
  if (ran.code !== 0 || !timings) {
    const tail = `${ran.stdout}\n${ran.stderr}`.trim().split("\n").slice(-25).join("\n");
    throw new Error(`the action exited with ${ran.code}${timings ? "" : " and printed no stage times"}\n${tail}`);
  }
  const zip = (kind: "function" | "layer") =>
    outputs[`${kind}-sha256`]
      ? { sha256: outputs[`${kind}-sha256`]!, size: Number(outputs[`${kind}-size`]) }
      : undefined;
  return {
    wallMs: ran.wallMs,
    firstLineMs: ran.firstLineMs,
    firstLineCpuMs: ran.firstLineCpuMs,
    timings,
    outsideMs: Math.max(0, ran.wallMs - inStages(timings)),
    outputs,
    cacheHit: outputs["cache-hit"] === "true",
    installerRan: /^::group::(uv )?pip (install|download) for /m.test(ran.stdout),
    maxRss: Number(await readFile(files.rss, "utf8").catch(() => "0")),
    functionZip: zip("function"),
    layerZip: zip("layer"),
    unzippedSize: Number(outputs["unzipped-size"] ?? 0),
    stdout: ran.stdout,
  };
}

/** The stage times the action prints as a debug line (main.ts), or undefined. */
export function stageTimes(stdout: string): Record<string, number> | undefined {
  const line = stdout.split("\n").find((l) => l.startsWith(`::debug::${STAGE_TIMES_PREFIX}`));
  return line ? (JSON.parse(line.slice(`::debug::${STAGE_TIMES_PREFIX}`.length)) as Record<string, number>) : undefined;
}

/** utime + stime of a running process from /proc/PID/stat (clock ticks, 100 a second on Linux). */
function cpuMs(pid: number | undefined): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // the command name (field 2) is in parentheses and may hold spaces: count from its end
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return Number.NaN;
  }
}

function timedProcess(
  args: string[],
  env: NodeJS.ProcessEnv,
  cwd: string,
): Promise<{
  code: number | null;
  wallMs: number;
  firstLineMs: number;
  firstLineCpuMs: number;
  stdout: string;
  stderr: string;
}> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    let firstLineMs = Number.NaN;
    let firstLineCpuMs = Number.NaN;
    const child = spawn(process.execPath, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let pending = "";
    child.stdout.on("data", (d: Buffer) => {
      out.push(d);
      if (!Number.isNaN(firstLineMs)) return;
      pending += d.toString();
      // the masking commands come first and show nothing; the first line a reader sees counts
      const shown = pending
        .split("\n")
        .slice(0, -1)
        .find((l) => !l.startsWith("::add-mask::"));
      if (shown !== undefined) {
        firstLineMs = Math.round(performance.now() - started);
        firstLineCpuMs = cpuMs(child.pid);
      }
    });
    child.stderr.on("data", (d: Buffer) => err.push(d));
    child.on("error", reject);
    child.on("close", (code) =>
      resolve({
        code,
        wallMs: Math.round(performance.now() - started),
        firstLineMs,
        firstLineCpuMs,
        stdout: Buffer.concat(out).toString(),
        stderr: Buffer.concat(err).toString(),
      }),
    );
  });
}
