/**
 * npm run bench [-- --smoke] [--rounds N] [--out FILE] [--dir DIR]
 *
 * Side by side, several rounds each, on a generated ~250 MB / 10,000+ file dependency
 * set (bench/dataset.ts; no network): AWS's documented recipe (pip install --target,
 * zip -r), this action cold and warm (package: split and function), the zip step alone
 * against Info-ZIP, and the action's peak RSS. Prints medians (min–max), the ratios
 * ours / recipe, and writes them to bench/results/latest.json (full size).
 * BENCH_SIZE=smoke, BENCH_ROUNDS and BENCH_DIR do what the flags do.
 */
import { existsSync, readdirSync, statfsSync } from "node:fs";
import { mkdir, mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { startLocalCacheService } from "../devtools/local-actions-cache/index.ts";
import { startIndex } from "../devtools/pypi/index-server.ts";
import { extractZip } from "../devtools/zipread.ts";
import { type BenchSize, prepareDataset } from "./dataset.ts";
import { describeMachine, megabytes, range, ratio, type Summary, seconds, summarize, table } from "./report.ts";
import {
  actionRound,
  bundleActionChild,
  hasCommand,
  type RecipeRound,
  recipeRound,
  writeProject,
  type ZipStepRound,
  zipStepRound,
} from "./scenarios.ts";

const REPO = fileURLToPath(new URL("..", import.meta.url));
const log = (line: string) => process.stdout.write(`${line}\n`);
const mebibytes = (bytes: number) => `${(bytes / 1048576).toFixed(1)} MiB (${megabytes(bytes)})`;

const { values: flags } = parseArgs({
  options: {
    smoke: { type: "boolean", default: false },
    rounds: { type: "string" },
    out: { type: "string" },
    dir: { type: "string" },
  },
});
const size: BenchSize = flags.smoke || process.env.BENCH_SIZE === "smoke" ? "smoke" : "full";
const rounds = Number(flags.rounds ?? process.env.BENCH_ROUNDS ?? (size === "smoke" ? 2 : 3));
if (!Number.isInteger(rounds) || rounds < 1)
  throw new Error(`--rounds must be a whole number ≥ 1, got ${flags.rounds}`);

/** tmpfs when there is room, as the figures were taken; the disk otherwise. */
function defaultRoot(): string {
  try {
    const fs = statfsSync("/dev/shm");
    if (fs.bavail * fs.bsize > 4e9) return "/dev/shm/lpp-bench";
  } catch {
    // no /dev/shm
  }
  return path.join(os.tmpdir(), "lpp-bench");
}

/** Python 3.12 as the recipe names it when the machine has it (pip installs for the target whatever runs it). */
function benchPython(): string {
  for (const dir of (process.env.PATH ?? "").split(path.delimiter)) {
    const candidate = path.join(dir, "python3.12");
    if (dir && !dir.includes(".pyenv/shims") && existsSync(candidate)) return candidate;
  }
  const pyenv = path.join(os.homedir(), ".pyenv", "versions");
  if (existsSync(pyenv)) {
    for (const minor of ["3.12.", "3.13.", "3.11.", "3.10."]) {
      const version = readdirSync(pyenv)
        .filter((v) => v.startsWith(minor))
        .sort()
        .pop();
      const bin = version && path.join(pyenv, version, "bin", "python3");
      if (bin && existsSync(bin)) return bin;
    }
  }
  return "python3";
}

/**
 * The tree the cold build installed, unpacked from its cache entry's dependency zip (the
 * entry keeps the zip, not the tree): the zip step's input.
 */
async function cachedTree(cacheHome: string, into: string): Promise<string> {
  const root = path.join(cacheHome, "xdg", "lambda-python-package");
  // the store keeps its half-written entries in dot folders (.staging): the entry is the key
  const key = (await readdir(root)).find((name) => name.startsWith("lpp-"));
  if (!key) throw new Error(`no cache entry in ${root}`);
  await rm(into, { recursive: true, force: true });
  extractZip(path.join(root, key, "dependencies.zip"), into);
  return path.join(into, "python");
}

const root = path.resolve(flags.dir ?? process.env.BENCH_DIR ?? defaultRoot());
await mkdir(root, { recursive: true });
const python = benchPython();
const infoZip = hasCommand("zip");
const machine = describeMachine(python, root);
log(`lambda-python-package benchmark, ${size} size, ${rounds} round(s)`);
log(
  `Machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGB} GB, node ${machine.node} (zlib ${machine.zlib}), ${machine.python}, pip ${machine.pip}, ${machine.infoZip}`,
);
log(`Work folder: ${root}${machine.tmpfs ? " (tmpfs)" : ""}; load average ${machine.loadAverage}`);
if (!infoZip)
  log(
    "Info-ZIP `zip` is not installed: the recipe is timed without its zip step and the zip-step comparison is skipped",
  );

const dataset = await prepareDataset(root, size, log);
log(
  `Dataset: ${dataset.distributions} distributions, ${dataset.files} files, ${megabytes(dataset.bytes)} unzipped ` +
    `(${megabytes(dataset.sharedObjectBytes)} shared objects), ${megabytes(dataset.wheelBytes)} of wheels` +
    (dataset.generatedMs !== undefined ? `, generated in ${seconds(dataset.generatedMs)}` : ", reused"),
);

const index = await startIndex(dataset.wheelsDir);
const work = await mkdtemp(path.join(root, "run-"));
const project = path.join(work, "project");
await writeProject(project, dataset.requirements);
const requirements = path.join(project, "requirements.txt");
const child = await bundleActionChild(path.join(work, "action-child.mjs"));

type ActionRun = Awaited<ReturnType<typeof actionRound>>;
const recipe: RecipeRound[] = [];
const KINDS = [
  "coldSplit",
  "coldFunction",
  "warmSplit",
  "warmFunction",
  "coldActions",
  "warmActions",
  "coldPipUnpack",
] as const;
/** *Actions: package: split with the Actions cache protocol (the local service), as on a runner */
const action = Object.fromEntries(KINDS.map((k) => [k, [] as ActionRun[]])) as Record<
  (typeof KINDS)[number],
  ActionRun[]
>;
const zipStep: ZipStepRound[] = [];
const problems: string[] = [];
/** each cold/warm pair as it ran: what bench:smoke checks besides the times */
const builds: {
  round: number;
  mode: "split" | "function";
  cold: BuildFacts;
  warm: BuildFacts;
  /** index requests while the warm build ran: a cache hit needs none */
  warmIndexRequests: number;
}[] = [];
interface BuildFacts {
  cacheHit: boolean;
  installerRan: boolean;
  functionZip?: string;
  layerZip?: string;
}
const facts = (a: ActionRun): BuildFacts => ({
  cacheHit: a.cacheHit,
  installerRan: a.installerRan,
  functionZip: a.functionZip?.sha256,
  layerZip: a.layerZip?.sha256,
});
const started = performance.now();

try {
  for (let r = 1; r <= rounds; r++) {
    const round = path.join(work, `round-${r}`);
    const say = (what: string, ms: number) => log(`  round ${r}/${rounds}: ${what.padEnd(22)} ${seconds(ms)}`);
    // interleaved, so a slow spell on a shared machine does not land on one scenario
    const rec = await recipeRound({
      work: path.join(round, "recipe"),
      python,
      requirements,
      indexUrl: index.url,
      withZip: infoZip,
    });
    recipe.push(rec);
    say("recipe", rec.ms);
    for (const mode of ["split", "function"] as const) {
      const cacheHome = path.join(round, `cache-${mode}`);
      const common = {
        child,
        project,
        packageMode: mode,
        python,
        cacheHome,
        indexUrl: index.url,
        pipCache: path.join(round, `pip-${mode}`),
      };
      const cold = await actionRound({ ...common, outputDir: path.join(round, `out-cold-${mode}`) });
      say(`action cold, ${mode}`, cold.buildMs);
      const requestsBefore = index.requests.length;
      const warm = await actionRound({ ...common, outputDir: path.join(round, `out-warm-${mode}`) });
      say(`action warm, ${mode}`, warm.buildMs);
      builds.push({
        round: r,
        mode,
        cold: facts(cold),
        warm: facts(warm),
        warmIndexRequests: index.requests.length - requestsBefore,
      });
      if (cold.cacheHit || !warm.cacheHit) problems.push(`round ${r} ${mode}: expected a miss then a hit`);
      for (const zip of ["functionZip", "layerZip"] as const) {
        if (cold[zip]?.sha256 !== warm[zip]?.sha256)
          problems.push(`round ${r} ${mode}: the warm ${zip} differs from the cold one`);
        const first = (mode === "split" ? action.coldSplit : action.coldFunction)[0]?.[zip]?.sha256;
        if (first !== undefined && first !== cold[zip]?.sha256)
          problems.push(`round ${r} ${mode}: ${zip} differs from round 1`);
      }
      (mode === "split" ? action.coldSplit : action.coldFunction).push(cold);
      (mode === "split" ? action.warmSplit : action.warmFunction).push(warm);
      if (mode === "split") {
        // the same build through the Actions cache protocol: a miss saves to the service, a hit downloads
        // a service per round: every round's cold build must miss
        const cacheService = await startLocalCacheService();
        const viaService = {
          ...common,
          cacheHome: path.join(round, "cache-actions"),
          actionsCache: cacheService.env(),
        };
        const coldA = await actionRound({ ...viaService, outputDir: path.join(round, "out-cold-actions") });
        say("cold, Actions cache", coldA.buildMs);
        const warmA = await actionRound({ ...viaService, outputDir: path.join(round, "out-warm-actions") });
        say("warm, Actions cache", warmA.buildMs);
        if (coldA.cacheHit || !warmA.cacheHit) problems.push(`round ${r} Actions cache: expected a miss then a hit`);
        if (warmA.layerZip?.sha256 !== cold.layerZip?.sha256 || warmA.functionZip?.sha256 !== cold.functionZip?.sha256)
          problems.push(`round ${r} Actions cache: the warm zips differ from the cold ones`);
        action.coldActions.push(coldA);
        action.warmActions.push(warmA);
        await cacheService.close();
        // pip's own unpacking (uv's path, and the path with compile/slim), side by side
        const coldP = await actionRound({
          ...common,
          cacheHome: path.join(round, "cache-pip-unpack"),
          outputDir: path.join(round, "out-cold-pip-unpack"),
          env: { LPP_UNPACK: "pip" },
        });
        say("cold, pip unpacks", coldP.buildMs);
        action.coldPipUnpack.push(coldP);
        const tree = await cachedTree(cacheHome, path.join(round, "tree"));
        const step = await zipStepRound(tree, path.join(round, "zip-step"), infoZip);
        zipStep.push(step);
        say("zip step, ours", step.oursMs);
        if (step.infoZipMs !== undefined) say("zip step, Info-ZIP", step.infoZipMs);
      }
      await rm(cacheHome, { recursive: true, force: true });
    }
    await rm(round, { recursive: true, force: true });
  }
} finally {
  await index.close();
  await rm(work, { recursive: true, force: true });
}

const times = <T>(list: T[], pick: (t: T) => number | undefined): Summary | undefined => {
  const values = list.map(pick).filter((v): v is number => v !== undefined);
  return values.length > 0 ? summarize(values) : undefined;
};
const recipeTotal = times(recipe, (r) => r.ms)!;
const scenarios = {
  recipe: { total: recipeTotal, pip: times(recipe, (r) => r.pipMs)!, zip: times(recipe, (r) => r.zipMs) },
  coldSplit: times(action.coldSplit, (a) => a.buildMs)!,
  coldFunction: times(action.coldFunction, (a) => a.buildMs)!,
  warmSplit: times(action.warmSplit, (a) => a.buildMs)!,
  warmFunction: times(action.warmFunction, (a) => a.buildMs)!,
  coldActions: times(action.coldActions, (a) => a.buildMs)!,
  coldPipUnpack: times(action.coldPipUnpack, (a) => a.buildMs)!,
  warmActions: times(action.warmActions, (a) => a.buildMs)!,
};
const stage = (list: ActionRun[], name: string) => times(list, (a) => a.timings[name]);
/**
 * install includes restore (asking the cache) and, when the wheels are unpacked here, download
 * (pip download) and unpack (the wheels checked and laid out); save is the entry's upload or publish
 */
const STAGE_NAMES = ["lock", "restore", "install", "download", "unpack", "inspect", "zip", "save"] as const;
const stages = Object.fromEntries(
  KINDS.map((k) => [k, Object.fromEntries(STAGE_NAMES.map((s) => [s, stage(action[k], s)?.median]))]),
) as Record<(typeof KINDS)[number], Record<(typeof STAGE_NAMES)[number], number | undefined>>;
const stageText = (k: (typeof KINDS)[number]) =>
  STAGE_NAMES.filter((s) => stages[k][s] !== undefined)
    .map((s) => `${s} ${seconds(stages[k][s] ?? 0)}`)
    .join(", ");
const treeBytes = action.coldSplit[0]?.layerZip?.unzippedSize ?? dataset.bytes;
const zipOurs = times(zipStep, (z) => z.oursMs)!;
const zipCopy = times(zipStep, (z) => z.copyMs)!;
const zipInfo = times(zipStep, (z) => z.infoZipMs);
const oursSize = zipStep[0]!.oursSize;
const infoZipSize = zipStep[0]!.infoZipSize;
const peak = (list: ActionRun[]) => Math.max(...list.map((a) => a.maxRss));
const peakRss = {
  cold: Math.max(peak(action.coldSplit), peak(action.coldFunction)),
  warm: Math.max(peak(action.warmSplit), peak(action.warmFunction)),
  byScenario: Object.fromEntries(Object.entries(action).map(([k, list]) => [k, peak(list)])),
};
const throughput = (ms: number) => treeBytes / 1e6 / (ms / 1000);
const warmWorst = Math.max(scenarios.warmSplit.median, scenarios.warmFunction.median, scenarios.warmActions.median);
const coldWorst = Math.max(scenarios.coldSplit.median, scenarios.coldFunction.median);
const ratios = {
  coldSplit: ratio(scenarios.coldSplit.median, recipeTotal.median),
  coldFunction: ratio(scenarios.coldFunction.median, recipeTotal.median),
  warmSplit: ratio(scenarios.warmSplit.median, recipeTotal.median),
  warmFunction: ratio(scenarios.warmFunction.median, recipeTotal.median),
  coldActions: ratio(scenarios.coldActions.median, recipeTotal.median),
  coldPipUnpack: ratio(scenarios.coldPipUnpack.median, recipeTotal.median),
  warmActions: ratio(scenarios.warmActions.median, recipeTotal.median),
  zipThroughput: zipInfo ? ratio(zipInfo.median, zipOurs.median) : undefined,
  zipSize: infoZipSize ? ratio(oursSize, infoZipSize) : undefined,
};
const targets = {
  warm: {
    target: "≤ 0.1 × recipe",
    value: ratio(warmWorst, recipeTotal.median),
    met: warmWorst <= 0.1 * recipeTotal.median,
  },
  cold: {
    target: "≤ 0.25 × recipe",
    value: ratio(coldWorst, recipeTotal.median),
    met: coldWorst <= 0.25 * recipeTotal.median,
  },
  zipThroughput: {
    target: "≥ 1.6 × zip -r",
    value: ratios.zipThroughput,
    met: ratios.zipThroughput !== undefined ? ratios.zipThroughput >= 1.6 : undefined,
  },
  zipSize: {
    target: "≤ 1.01 × zip -r",
    value: ratios.zipSize,
    met: ratios.zipSize !== undefined ? ratios.zipSize <= 1.01 : undefined,
  },
  peakRss: {
    // in MiB (1,048,576 bytes), as the limit was set; printed in both units
    target: "≤ 300 MiB",
    value: Math.max(peakRss.cold, peakRss.warm),
    met: Math.max(peakRss.cold, peakRss.warm) <= 300 * 1024 * 1024,
  },
};

const x = (v: number | undefined) => (v === undefined ? "" : `${v.toFixed(3)}×`);
const rows: string[][] = [
  ["recipe: pip install --target + zip -r", range(recipeTotal), "1.000×", ""],
  ["  of which pip install (byte-compiles)", range(scenarios.recipe.pip), "", ""],
  ...(scenarios.recipe.zip ? [["  of which zip -r -q", range(scenarios.recipe.zip), "", ""]] : []),
  ["action cold, package: split", range(scenarios.coldSplit), x(ratios.coldSplit), stageText("coldSplit")],
  ["action cold, package: function", range(scenarios.coldFunction), x(ratios.coldFunction), stageText("coldFunction")],
  ["action warm, package: split", range(scenarios.warmSplit), x(ratios.warmSplit), stageText("warmSplit")],
  ["action warm, package: function", range(scenarios.warmFunction), x(ratios.warmFunction), stageText("warmFunction")],
  [
    "cold, split, pip unpacks (LPP_UNPACK=pip)",
    range(scenarios.coldPipUnpack),
    x(ratios.coldPipUnpack),
    stageText("coldPipUnpack"),
  ],
  [
    "cold, split, Actions cache protocol",
    range(scenarios.coldActions),
    x(ratios.coldActions),
    stageText("coldActions"),
  ],
  [
    "warm, split, Actions cache protocol",
    range(scenarios.warmActions),
    x(ratios.warmActions),
    stageText("warmActions"),
  ],
];
const zipRows: string[][] = [
  ["ours, compressing (cold)", range(zipOurs), `${throughput(zipOurs.median).toFixed(1)} MB/s`, megabytes(oursSize)],
  ["ours, copying its entries (warm, function)", range(zipCopy), `${throughput(zipCopy.median).toFixed(1)} MB/s`, ""],
  ...(zipInfo && infoZipSize
    ? [
        [
          "Info-ZIP zip -r -q -6",
          range(zipInfo),
          `${throughput(zipInfo.median).toFixed(1)} MB/s`,
          megabytes(infoZipSize),
        ],
      ]
    : []),
  ...(["cold", "warm"] as const).map((kind) => {
    const inspect = times([...action[`${kind}Split`], ...action[`${kind}Function`]], (a) => a.timings.inspect)!;
    return [`the action's inspect stage, ${kind}`, range(inspect), `${throughput(inspect.median).toFixed(1)} MB/s`, ""];
  }),
];

log("");
log(table(["scenario (median, min–max)", "time", "ours / recipe", "stages (median)"], rows));
log("");
log(table([`zip step alone, ${megabytes(treeBytes)} tree`, "time", "throughput", "size"], zipRows));
log("");
for (const [name, t] of Object.entries(targets)) {
  const value = name === "peakRss" ? mebibytes(Number(t.value)) : t.value === undefined ? "n/a" : `${t.value}`;
  log(
    `${t.met === undefined ? "n/a " : t.met ? "met " : "MISS"}  ${name.padEnd(14)} ${t.target.padEnd(18)} measured ${value}`,
  );
}
log(`peak RSS of the action: cold ${mebibytes(peakRss.cold)}, warm ${mebibytes(peakRss.warm)}`);
log(`benchmark took ${seconds(performance.now() - started)}; load average ${os.loadavg()[0]!.toFixed(2)} at the end`);
for (const p of problems) log(`PROBLEM: ${p}`);

const results = {
  format: 1,
  date: new Date().toISOString(),
  size,
  rounds,
  machine: { ...machine, loadAverageAtEnd: Number(os.loadavg()[0]!.toFixed(2)) },
  dataset: {
    distributions: dataset.distributions,
    files: dataset.files,
    bytes: dataset.bytes,
    sharedObjectBytes: dataset.sharedObjectBytes,
    wheelBytes: dataset.wheelBytes,
    sources: dataset.sources,
  },
  /** milliseconds */
  scenarios,
  stages,
  zipStep: {
    treeBytes,
    ours: { ...zipOurs, bytes: oursSize, mbPerSecond: Number(throughput(zipOurs.median).toFixed(1)) },
    oursCopy: { ...zipCopy, mbPerSecond: Number(throughput(zipCopy.median).toFixed(1)) },
    infoZip:
      zipInfo && infoZipSize
        ? { ...zipInfo, bytes: infoZipSize, mbPerSecond: Number(throughput(zipInfo.median).toFixed(1)) }
        : undefined,
  },
  peakRssBytes: peakRss,
  ratios,
  targets,
  builds,
  problems,
};
const out = path.resolve(
  flags.out ??
    (size === "full" ? path.join(REPO, "bench", "results", "latest.json") : path.join(root, "smoke-latest.json")),
);
await mkdir(path.dirname(out), { recursive: true });
await writeFile(out, `${JSON.stringify(results, null, 2)}\n`);
log(`Results: ${out}`);
if (problems.length > 0) process.exitCode = 1;
