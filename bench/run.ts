/**
 * npm run bench [-- --smoke] [--rounds N] [--out FILE] [--dir DIR]
 *
 * Side by side, several rounds each, on a generated ~250 MB / 10,000+ file dependency
 * set (bench/dataset.ts; no network): AWS's documented recipe (pip install --target,
 * zip -r), this action cold and warm (package: split and function), the zip step alone
 * against Info-ZIP, and the action's peak RSS. Every build of the action is a fresh
 * `node index.js` of the bundle as dist/ ships it, its inputs as INPUT_* variables, as a
 * runner starts it (bench/action-process.ts): its time is the whole step's, the time outside
 * the stages and the first line's are figures of their own. Prints medians (min–max), the
 * ratios ours / recipe, a table of stage times, the floor of a warm build (bench/floor.ts),
 * and writes them to bench/results/latest.json (full size).
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
import { type ActionRun, figures, KINDS, type Measured, printFigures } from "./figures.ts";
import { measureFloor } from "./floor.ts";
import { describeMachine, megabytes, seconds } from "./report.ts";
import {
  actionRound,
  bundleAction,
  hasCommand,
  type RecipeRound,
  recipeRound,
  writeProject,
  type ZipStepRound,
  zipStepRound,
} from "./scenarios.ts";

const REPO = fileURLToPath(new URL("..", import.meta.url));
const log = (line: string) => process.stdout.write(`${line}\n`);

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
const bundle = await bundleAction(path.join(work, "action"));

const recipe: RecipeRound[] = [];
const action = Object.fromEntries(KINDS.map((k) => [k, [] as ActionRun[]])) as Measured["action"];
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
let entryBytes = 0;

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
        action: bundle,
        project,
        packageMode: mode,
        python,
        cacheHome,
        indexUrl: index.url,
        pipCache: path.join(round, `pip-${mode}`),
      };
      const cold = await actionRound({ ...common, outputDir: path.join(round, `out-cold-${mode}`) });
      say(`action cold, ${mode}`, cold.wallMs);
      const requestsBefore = index.requests.length;
      const warm = await actionRound({ ...common, outputDir: path.join(round, `out-warm-${mode}`) });
      say(`action warm, ${mode}`, warm.wallMs);
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
        say("cold, Actions cache", coldA.wallMs);
        const warmA = await actionRound({ ...viaService, outputDir: path.join(round, "out-warm-actions") });
        say("warm, Actions cache", warmA.wallMs);
        if (coldA.cacheHit || !warmA.cacheHit) problems.push(`round ${r} Actions cache: expected a miss then a hit`);
        if (warmA.layerZip?.sha256 !== cold.layerZip?.sha256 || warmA.functionZip?.sha256 !== cold.functionZip?.sha256)
          problems.push(`round ${r} Actions cache: the warm zips differ from the cold ones`);
        action.coldActions.push(coldA);
        action.warmActions.push(warmA);
        // the dependency entry's size as the service stores it: what a warm build must download
        entryBytes = cacheService.entries().find((e) => e.key.startsWith("lpp-v"))?.size ?? entryBytes;
        await cacheService.close();
        // pip's own unpacking (uv's path, and the path with compile/slim), side by side
        const coldP = await actionRound({
          ...common,
          cacheHome: path.join(round, "cache-pip-unpack"),
          outputDir: path.join(round, "out-cold-pip-unpack"),
          env: { LPP_UNPACK: "pip" },
        });
        say("cold, pip unpacks", coldP.wallMs);
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

const measured: Measured = { recipe, action, zipStep };
const f = figures(measured, dataset.bytes);
printFigures(f, measured, log);
const warmA = action.warmActions[0];
const floor = await measureFloor({
  dir: root,
  entryBytes,
  zipBytes: (warmA?.layerZip?.size ?? 0) + (warmA?.functionZip?.size ?? 0),
});
log(
  `Floor of a warm build through the Actions cache here: Node's start ${floor.nodeStartMs} ms + the entry ` +
    `(${megabytes(floor.entryBytes)}) over the loopback ${floor.downloadMs} ms + the zips (${megabytes(floor.zipBytes)}) ` +
    `written ${floor.writeMs} ms = ${floor.totalMs} ms; the warm build took ${seconds(f.scenarios.warmActions.median)}, ` +
    `${(f.scenarios.warmActions.median / floor.totalMs).toFixed(1)}× the floor`,
);
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
  scenarios: f.scenarios,
  stages: f.stages,
  /** spawn to the first line each build printed, and the CPU the process had used by then */
  firstLine: f.firstLine,
  firstLineCpu: f.firstLineCpu,
  zipStep: f.zipStep,
  peakRssBytes: f.peakRss,
  ratios: f.ratios,
  targets: f.targets,
  /** what a warm build through the Actions cache cannot avoid here (bench/floor.ts) */
  floor,
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
