/**
 * Pure: the handler's import as a cold start pays for it. What the measuring runs printed
 * (each run's milliseconds, one `-X importtime` listing, where each top-level package was
 * found) becomes a median with its spread and the heaviest top-level packages, each with
 * the distribution it comes from. The processes are measure.ts's.
 */
import type { DependencyFile, InstalledDistribution } from "../install/types.ts";

/** Several fresh processes' figures for one import: the median and the range around it. */
export interface RunStats {
  medianMs: number;
  minMs: number;
  maxMs: number;
  runs: number;
}

/** Where a top-level package was found: the function code, a distribution, or Python itself. */
export type PackageOrigin =
  | { kind: "code" }
  | { kind: "distribution"; name: string; version: string }
  | { kind: "python" };

export interface PackageImport {
  /** the top-level import name: `pandas`, `yaml` */
  name: string;
  origin: PackageOrigin;
  /** from entering the package to leaving it, with all it imported: what removing it would save at most */
  cumulativeMs: number;
  /** the package's own modules only: shares of these add up to the whole import */
  selfMs: number;
  modules: number;
}

export interface ColdStart {
  /** the runtime's Python that measured it, e.g. "3.12.1" */
  python: string;
  /** the module as Lambda imports it (`app`, `orders.api`) */
  module: string;
  /** the import of the zips as built */
  import: RunStats;
  /** modules the handler's import loaded */
  modules: number;
  /** of the modules loaded from the zips, how many had bytecode of this Python beside them */
  bytecode: { fromZips: number; withBytecode: number };
  /** the same import with bytecode, measured when the zips ship none (compile off) */
  withBytecode?: RunStats;
  /** heaviest first by cumulative time; the handler's own top-level package left out (it is the whole import) */
  packages: PackageImport[];
}

/** The measurement, or the one line that says why there is none. */
export type ColdStartOutcome = { measured: ColdStart } | { skipped: string };

export function runStats(values: number[]): RunStats {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  const round = (n: number) => Math.round(n * 10) / 10;
  return { medianMs: round(median), minMs: round(sorted[0]!), maxMs: round(sorted.at(-1)!), runs: sorted.length };
}

/** The run-to-run spread: how far apart the fastest and the slowest run were. */
export const spreadOf = (s: RunStats) => Math.round((s.maxMs - s.minMs) * 10) / 10;

export interface ModuleTime {
  name: string;
  selfUs: number;
  cumulativeUs: number;
  /** nesting in the import tree: 0 for what the measured statement imported itself */
  depth: number;
}

const IMPORT_TIME = /^import time:\s+(\d+) \|\s+(\d+) \| ( *)(\S+)\s*$/;

/**
 * `-X importtime` lines written after `marker` (the handler's import, not the interpreter's
 * start): `import time: self [us] | cumulative | <2 spaces per level>name`. A module is
 * listed when its import finishes, so children come before their parent.
 */
export function parseImportTime(stderr: string, marker: string): ModuleTime[] {
  const start = stderr.lastIndexOf(marker);
  const text = start < 0 ? stderr : stderr.slice(start + marker.length);
  const modules: ModuleTime[] = [];
  for (const line of text.split("\n")) {
    const m = IMPORT_TIME.exec(line);
    if (!m) continue;
    modules.push({
      name: m[4]!,
      selfUs: Number(m[1]),
      cumulativeUs: Number(m[2]),
      depth: m[3]!.length / 2,
    });
  }
  return modules;
}

const topOf = (module: string) => module.split(".")[0]!;

/**
 * Each top-level package's time. Cumulative: the times of the modules where the import
 * entered the package from outside it (its parent in the tree is another package's), so
 * numpy imported by pandas counts for both. Self: its own modules' self times only.
 */
function packageTimes(modules: ModuleTime[]): Map<string, { cumulativeUs: number; selfUs: number; modules: number }> {
  const times = new Map<string, { cumulativeUs: number; selfUs: number; modules: number }>();
  // children are listed before their parent: walking backwards meets each parent first
  const parents: string[] = [];
  for (let i = modules.length - 1; i >= 0; i--) {
    const m = modules[i]!;
    parents.length = m.depth;
    const top = topOf(m.name);
    const parent = m.depth > 0 ? parents[m.depth - 1] : undefined;
    const entry = times.get(top) ?? { cumulativeUs: 0, selfUs: 0, modules: 0 };
    if (parent === undefined || topOf(parent) !== top) entry.cumulativeUs += m.cumulativeUs;
    entry.selfUs += m.selfUs;
    entry.modules += 1;
    times.set(top, entry);
    parents[m.depth] = m.name;
  }
  return times;
}

/** Where the measuring run found each top-level package: under the code, under /opt, or elsewhere (Python's own). */
export type FoundIn = "task" | "opt" | "python";

/** Top-level import name → the distribution whose files hold it (`yaml/` → PyYAML), from the tree's records. */
export function ownersOf(
  files: readonly DependencyFile[],
  distributions: readonly InstalledDistribution[],
): Map<string, { name: string; version: string }> {
  const versions = new Map(distributions.map((d) => [d.name, d.version]));
  const owners = new Map<string, { name: string; version: string }>();
  for (const f of files) {
    if (!f.distribution) continue;
    const first = f.path.split("/")[0]!;
    // a package folder, or a module file: `six.py`, `_cffi_backend.cpython-312-x86_64-linux-gnu.so`
    const name = f.path.includes("/") ? first : first.split(".")[0]!;
    if (!name || name.endsWith("-info") || owners.has(name)) continue;
    owners.set(name, { name: f.distribution, version: versions.get(f.distribution) ?? "" });
  }
  return owners;
}

export const HEAVIEST_KEPT = 25;

/** The heaviest top-level packages, the handler's own left out: its cumulative time is the whole import. */
export function heaviestPackages(
  modules: ModuleTime[],
  handlerModule: string,
  foundIn: Record<string, FoundIn>,
  owners: ReadonlyMap<string, { name: string; version: string }>,
): PackageImport[] {
  const root = topOf(handlerModule);
  const ms = (us: number) => Math.round(us / 100) / 10;
  return [...packageTimes(modules)]
    .filter(([name]) => name !== root)
    .map(([name, t]) => {
      const where = foundIn[name] ?? "python";
      const owner = owners.get(name);
      const origin: PackageOrigin =
        where === "python" ? { kind: "python" } : owner ? { kind: "distribution", ...owner } : { kind: "code" };
      return { name, origin, cumulativeMs: ms(t.cumulativeUs), selfMs: ms(t.selfUs), modules: t.modules };
    })
    .sort((a, b) => b.cumulativeMs - a.cumulativeMs || a.name.localeCompare(b.name))
    .slice(0, HEAVIEST_KEPT);
}
