/**
 * From the rounds' measurements to the benchmark's figures: medians per scenario, stage
 * times, the zip step's throughput, peak RSS, the ratios ours / recipe and the targets;
 * and the tables bench/run.ts prints.
 */
import { megabytes, range, ratio, type Summary, seconds, summarize, table } from "./report.ts";
import type { actionRound, RecipeRound, ZipStepRound } from "./scenarios.ts";

export type ActionRun = Awaited<ReturnType<typeof actionRound>>;
export const KINDS = [
  "coldSplit",
  "coldFunction",
  "warmSplit",
  "warmFunction",
  "coldActions",
  "warmActions",
  "coldPipUnpack",
] as const;
export type Kind = (typeof KINDS)[number];
const COLD_KINDS = KINDS.filter((k) => k.startsWith("cold"));
const WARM_KINDS = KINDS.filter((k) => k.startsWith("warm"));
/** Issue 29's memory limits: no higher than before the bundle was split (about 290 MB cold, 150 MB warm). */
export const PEAK_RSS_LIMITS = { cold: 290e6, warm: 150e6 };
/**
 * install includes restore (asking the cache) and, when the wheels are unpacked here, download
 * (pip download) and unpack (the wheels checked and laid out); save is the entry's upload or
 * publish, beside verify and deploy when there are any; report is the size history, the summary
 * and the outputs. What no stage accounts for (Node's start, loading the bundle, reading the
 * inputs) is `outside`.
 */
const STAGE_NAMES = [
  "lock",
  "install",
  "restore",
  "download",
  "unpack",
  "source",
  "inspect",
  "zip",
  "save",
  "report",
  "outside",
] as const;
type StageName = (typeof STAGE_NAMES)[number];
const stageOf = (a: ActionRun, name: StageName) => (name === "outside" ? a.outsideMs : a.timings[name]);

/** What the rounds measured, each list in round order. */
export interface Measured {
  recipe: RecipeRound[];
  /** *Actions: package: split with the Actions cache protocol (the local service), as on a runner */
  action: Record<Kind, ActionRun[]>;
  zipStep: ZipStepRound[];
}

export const mebibytes = (bytes: number) => `${(bytes / 1048576).toFixed(1)} MiB (${megabytes(bytes)})`;

const times = <T>(list: T[], pick: (t: T) => number | undefined): Summary | undefined => {
  const values = list.map(pick).filter((v): v is number => v !== undefined);
  return values.length > 0 ? summarize(values) : undefined;
};

/** The figures of a run; datasetBytes stands in for the tree's size when no layer zip says it. */
export function figures({ recipe, action, zipStep }: Measured, datasetBytes: number) {
  const recipeTotal = times(recipe, (r) => r.ms)!;
  const scenarios = {
    recipe: { total: recipeTotal, pip: times(recipe, (r) => r.pipMs)!, zip: times(recipe, (r) => r.zipMs) },
    coldSplit: times(action.coldSplit, (a) => a.wallMs)!,
    coldFunction: times(action.coldFunction, (a) => a.wallMs)!,
    warmSplit: times(action.warmSplit, (a) => a.wallMs)!,
    warmFunction: times(action.warmFunction, (a) => a.wallMs)!,
    coldActions: times(action.coldActions, (a) => a.wallMs)!,
    coldPipUnpack: times(action.coldPipUnpack, (a) => a.wallMs)!,
    warmActions: times(action.warmActions, (a) => a.wallMs)!,
  };
  const stage = (list: ActionRun[], name: StageName) => times(list, (a) => stageOf(a, name));
  const stages = Object.fromEntries(
    KINDS.map((k) => [k, Object.fromEntries(STAGE_NAMES.map((s) => [s, stage(action[k], s)?.median]))]),
  ) as Record<Kind, Record<StageName, number | undefined>>;
  /** spawn to the first line the action printed: Node's start and loading what the first stage needs */
  const firstLine = Object.fromEntries(KINDS.map((k) => [k, times(action[k], (a) => a.firstLineMs)!])) as Record<
    Kind,
    Summary
  >;
  const firstLineWorst = Math.max(...KINDS.map((k) => firstLine[k].median));
  /** the CPU the process had used by then: the first line's cost apart from the machine's load */
  const firstLineCpu = Object.fromEntries(
    KINDS.map((k) => [k, times(action[k], (a) => (Number.isNaN(a.firstLineCpuMs) ? undefined : a.firstLineCpuMs))]),
  ) as Record<Kind, Summary | undefined>;
  const treeBytes = action.coldSplit[0]?.unzippedSize || datasetBytes;
  const zipOurs = times(zipStep, (z) => z.oursMs)!;
  const zipCopy = times(zipStep, (z) => z.copyMs)!;
  const zipInfo = times(zipStep, (z) => z.infoZipMs);
  const oursSize = zipStep[0]!.oursSize;
  const infoZipSize = zipStep[0]!.infoZipSize;
  const peak = (list: ActionRun[]) => Math.max(...list.map((a) => a.maxRss));
  // every cold build (through the Actions cache, with pip's unpacking) and every warm one
  const peakRss = {
    cold: Math.max(...COLD_KINDS.map((k) => peak(action[k]))),
    warm: Math.max(...WARM_KINDS.map((k) => peak(action[k]))),
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
      target: "≤ 0.05 × recipe",
      value: ratio(warmWorst, recipeTotal.median),
      met: warmWorst <= 0.05 * recipeTotal.median,
    },
    cold: {
      target: "≤ 0.2 × recipe",
      value: ratio(coldWorst, recipeTotal.median),
      met: coldWorst <= 0.2 * recipeTotal.median,
    },
    firstLine: {
      target: "≤ 150 ms",
      value: firstLineWorst,
      met: firstLineWorst <= 150,
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
    // in MB (10^6 bytes), as the issue gives them: the peaks before the split bundle
    peakRssCold: {
      target: "≤ 290 MB",
      value: peakRss.cold,
      met: peakRss.cold <= PEAK_RSS_LIMITS.cold,
    },
    peakRssWarm: {
      target: "≤ 150 MB",
      value: peakRss.warm,
      met: peakRss.warm <= PEAK_RSS_LIMITS.warm,
    },
  };

  return {
    scenarios,
    stages,
    firstLine,
    firstLineCpu,
    treeBytes,
    zip: { ours: zipOurs, copy: zipCopy, infoZip: zipInfo, oursSize, infoZipSize },
    peakRss,
    ratios,
    targets,
    /** the zip step as the results file keeps it */
    zipStep: {
      treeBytes,
      ours: { ...zipOurs, bytes: oursSize, mbPerSecond: Number(throughput(zipOurs.median).toFixed(1)) },
      oursCopy: { ...zipCopy, mbPerSecond: Number(throughput(zipCopy.median).toFixed(1)) },
      infoZip:
        zipInfo && infoZipSize
          ? { ...zipInfo, bytes: infoZipSize, mbPerSecond: Number(throughput(zipInfo.median).toFixed(1)) }
          : undefined,
    },
  };
}
export type Figures = ReturnType<typeof figures>;

const SCENARIO_TITLES: Record<Kind, string> = {
  coldSplit: "action cold, package: split",
  coldFunction: "action cold, package: function",
  warmSplit: "action warm, package: split",
  warmFunction: "action warm, package: function",
  coldActions: "cold, split, Actions cache protocol",
  warmActions: "warm, split, Actions cache protocol",
  coldPipUnpack: "cold, split, pip unpacks (LPP_UNPACK=pip)",
};
const SHORT_TITLES: Record<Kind, string> = {
  coldSplit: "cold split",
  coldFunction: "cold function",
  warmSplit: "warm split",
  warmFunction: "warm function",
  coldActions: "cold Actions",
  warmActions: "warm Actions",
  coldPipUnpack: "cold pip unpacks",
};
const STAGE_TITLES: Partial<Record<StageName, string>> = {
  restore: "  restore (of install)",
  download: "  download (of install)",
  unpack: "  unpack (of install)",
  outside: "outside the stages",
};

/** The scenario table, the per-stage table, the zip-step table and the targets, as lines. */
export function printFigures(f: Figures, { action }: Measured, log: (line: string) => void): void {
  const { scenarios, stages, treeBytes, ratios, targets, peakRss } = f;
  const recipeTotal = scenarios.recipe.total;
  const { ours: zipOurs, copy: zipCopy, infoZip: zipInfo, oursSize, infoZipSize } = f.zip;
  const throughput = (ms: number) => treeBytes / 1e6 / (ms / 1000);
  const x = (v: number | undefined) => (v === undefined ? "" : `${v.toFixed(3)}×`);
  const first = (k: Kind) => `${f.firstLine[k].median} ms`;
  const firstCpu = (k: Kind) => (f.firstLineCpu[k] ? `${f.firstLineCpu[k]!.median} ms` : "n/a");
  const rows: string[][] = [
    ["recipe: pip install --target + zip -r", range(recipeTotal), "1.000×", ""],
    ["  of which pip install (byte-compiles)", range(scenarios.recipe.pip), "", ""],
    ...(scenarios.recipe.zip ? [["  of which zip -r -q", range(scenarios.recipe.zip), "", ""]] : []),
    ...KINDS.map((k) => [SCENARIO_TITLES[k], range(scenarios[k]), x(ratios[k]), first(k), firstCpu(k)]),
  ];
  // one column per scenario, one row per stage, then what no stage accounts for and the whole step
  const shown = STAGE_NAMES.filter((s) => KINDS.some((k) => stages[k][s] !== undefined));
  const cell = (ms: number | undefined) => (ms === undefined ? "" : seconds(ms));
  const stageRows: string[][] = [
    ...shown.map((s) => [STAGE_TITLES[s] ?? s, ...KINDS.map((k) => cell(stages[k][s]))]),
    ["the whole step (wall)", ...KINDS.map((k) => cell(scenarios[k].median))],
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
      return [
        `the action's inspect stage, ${kind}`,
        range(inspect),
        `${throughput(inspect.median).toFixed(1)} MB/s`,
        "",
      ];
    }),
  ];

  log("");
  log(table(["scenario (median, min–max)", "time", "ours / recipe", "first line", "its CPU"], rows));
  log("");
  log(table(["stage (median)", ...KINDS.map((k) => SHORT_TITLES[k])], stageRows));
  log("");
  log(table([`zip step alone, ${megabytes(treeBytes)} tree`, "time", "throughput", "size"], zipRows));
  log("");
  for (const [name, t] of Object.entries(targets)) {
    const value = name.startsWith("peakRss")
      ? mebibytes(Number(t.value))
      : name === "firstLine"
        ? `${t.value} ms`
        : t.value === undefined
          ? "n/a"
          : `${t.value}`;
    log(
      `${t.met === undefined ? "n/a " : t.met ? "met " : "MISS"}  ${name.padEnd(14)} ${t.target.padEnd(18)} measured ${value}`,
    );
  }
  log(`peak RSS of the action: cold ${mebibytes(peakRss.cold)}, warm ${mebibytes(peakRss.warm)}`);
}
