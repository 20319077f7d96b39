/**
 * One build by the real pipeline in a process of its own, as the action runs on a
 * runner: its peak RSS is the action's alone. Prints one JSON line (ActionRound).
 * bench/run.ts bundles it as the action is bundled, then runs: node action-child.mjs '<ActionRequest as JSON>'
 */
import { readFileSync } from "node:fs";
import { build } from "../src/build.ts";
import { inputsFrom } from "../src/inputs.ts";
import { MemoryLog } from "../src/log.ts";

export interface ActionRequest {
  project: string;
  outputDir: string;
  packageMode: "function" | "split";
  python: string;
  cache: boolean;
  env: NodeJS.ProcessEnv;
}

export interface ActionRound {
  /** build(), from reading the lockfile to the zips on disk */
  buildMs: number;
  /** process start to the end of the build: node and module loading included */
  processMs: number;
  timings: Record<string, number>;
  cacheHit: boolean;
  /** whether pip (or uv) ran, to install or to download: a warm build must run neither */
  installerRan: boolean;
  /** peak resident set of this process, bytes */
  maxRss: number;
  functionZip?: { sha256: string; size: number; unzippedSize: number; entries: number };
  layerZip?: { sha256: string; size: number; unzippedSize: number; entries: number };
  errors: string[];
}

/**
 * This process's own peak resident set. Not getrusage's ru_maxrss: a child made by fork keeps
 * its parent's figure across exec (the benchmark's parent holds a 250 MB tree at times), so
 * Linux's VmHWM, which belongs to this process image alone, where there is one.
 */
function peakRss(): number {
  try {
    const hwm = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync("/proc/self/status", "utf8"))?.[1];
    if (hwm) return Number(hwm) * 1024;
  } catch {
    // not Linux
  }
  return process.resourceUsage().maxRSS * 1024;
}

const request = JSON.parse(process.argv[2] ?? "{}") as ActionRequest;
const log = new MemoryLog();
const inputs = inputsFrom({
  "working-directory": request.project,
  runtime: "python3.12",
  architecture: "x86_64",
  package: request.packageMode,
  "output-dir": request.outputDir,
  python: request.python,
  installer: "pip",
  cache: String(request.cache),
});
const started = performance.now();
try {
  const result = await build(inputs, { log, env: request.env });
  const buildMs = Math.round(performance.now() - started);
  const zip = (z: typeof result.functionZip) =>
    z && { sha256: z.sha256, size: z.size, unzippedSize: z.unzippedSize, entries: z.entries };
  const round: ActionRound = {
    buildMs,
    processMs: Math.round(performance.now()),
    timings: result.timings,
    cacheHit: result.cache.hit,
    // the installers log their run as a group titled "pip install for …" / "pip download for …" / "uv pip install for …"
    installerRan: log.lines.some((l) => /^▸ (uv )?pip (install|download) for /.test(l)),
    maxRss: peakRss(),
    functionZip: zip(result.functionZip),
    layerZip: zip(result.layerZip),
    errors: log.annotations.filter((a) => a.level === "error").map((a) => a.message),
  };
  process.stdout.write(`${JSON.stringify(round)}\n`);
  process.exit(0);
} catch (error) {
  process.stderr.write(`${log.lines.join("\n")}\n${(error as Error).stack ?? error}\n`);
  process.exit(1);
}
