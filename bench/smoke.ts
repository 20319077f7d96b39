/**
 * npm run bench:smoke — the benchmark at its smoke size, end to end as
 * `npm run bench -- --smoke` runs it, then checks what its numbers claim: each warm
 * build hit the cache, ran no installer and asked the index nothing; cold and warm
 * builds gave byte-identical zips in every round; every ratio is the quotient of the
 * medians it names. No timing thresholds: the targets are judged on the full size, on
 * a quiet machine. Exits non-zero on the first failed check.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { PEAK_RSS_LIMITS } from "./figures.ts";

const REPO = fileURLToPath(new URL("..", import.meta.url));
const ROUNDS = 2;

interface Summary {
  median: number;
  min: number;
  max: number;
  rounds: number;
}

function sane(what: string, r: Summary | undefined): Summary {
  assert.ok(r, `${what}: missing`);
  assert.equal(r.rounds, ROUNDS, `${what}: rounds`);
  assert.ok(
    r.min > 0 && r.min <= r.median && r.median <= r.max,
    `${what}: not 0 < min ≤ median ≤ max: ${JSON.stringify(r)}`,
  );
  return r;
}

/** The printed ratio is ours / theirs to three places (bench/report.ts `ratio`). */
function isRatioOf(what: string, value: unknown, ours: number, theirs: number) {
  assert.ok(
    typeof value === "number" && Number.isFinite(value) && value > 0,
    `${what}: ${value} is not a positive number`,
  );
  assert.equal(value, Number((ours / theirs).toFixed(3)), `${what}: not ${ours} / ${theirs}`);
}

const work = await mkdtemp(path.join(os.tmpdir(), "lpp-bench-smoke-"));
try {
  const out = path.join(work, "results.json");
  const stdout = await new Promise<string>((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ["--import", "tsx", "bench/run.ts", "--smoke", "--rounds", String(ROUNDS), "--dir", work, "--out", out],
      { cwd: REPO, env: { ...process.env, BENCH_SIZE: "" }, stdio: ["ignore", "pipe", "inherit"] },
    );
    let text = "";
    child.stdout.on("data", (chunk: Buffer) => {
      process.stdout.write(chunk);
      text += chunk.toString();
    });
    child.on("error", reject);
    child.on("close", (code) => (code === 0 ? resolve(text) : reject(new Error(`bench/run.ts exited with ${code}`))));
  });
  assert.match(stdout, /scenario \(median, min–max\)/);
  assert.match(stdout, /zip step alone/);
  assert.doesNotMatch(stdout, /PROBLEM/);

  const results = JSON.parse(await readFile(out, "utf8"));
  assert.equal(results.format, 1);
  assert.equal(results.size, "smoke");
  assert.equal(results.rounds, ROUNDS);
  assert.deepEqual(results.problems, []);
  assert.equal(results.machine.node, process.version);
  assert.ok(results.dataset.files > 300 && results.dataset.distributions > 5 && results.dataset.sharedObjectBytes > 0);

  // every round built both modes cold, then warm from the cache the cold build left
  assert.deepEqual(
    results.builds.map((b: { round: number; mode: string }) => `${b.round} ${b.mode}`),
    Array.from({ length: ROUNDS }, (_, i) => [`${i + 1} split`, `${i + 1} function`]).flat(),
  );
  const zipsOf: Record<string, string> = {};
  for (const b of results.builds) {
    const at = `round ${b.round} ${b.mode}`;
    assert.equal(b.cold.cacheHit, false, `${at}: the cold build hit a cache`);
    assert.equal(b.cold.installerRan, true, `${at}: the cold build ran no installer`);
    assert.equal(b.warm.cacheHit, true, `${at}: the warm build missed the cache`);
    assert.equal(b.warm.installerRan, false, `${at}: the warm build ran the installer`);
    assert.equal(b.warmIndexRequests, 0, `${at}: the warm build asked the index`);
    assert.match(b.cold.functionZip ?? "", /^[0-9a-f]{64}$/, `${at}: no function zip`);
    assert.equal(b.cold.layerZip !== undefined, b.mode === "split", `${at}: a layer zip only for split`);
    assert.equal(b.warm.functionZip, b.cold.functionZip, `${at}: the warm function zip differs from the cold one`);
    assert.equal(b.warm.layerZip, b.cold.layerZip, `${at}: the warm layer zip differs from the cold one`);
    const zips = JSON.stringify([b.cold.functionZip, b.cold.layerZip]);
    zipsOf[b.mode] ??= zips;
    assert.equal(zips, zipsOf[b.mode], `${at}: the zips differ from round 1`);
  }

  const recipe = sane("recipe", results.scenarios.recipe.total);
  sane("recipe pip", results.scenarios.recipe.pip);
  for (const name of ["coldSplit", "coldFunction", "warmSplit", "warmFunction"]) {
    const s = sane(name, results.scenarios[name]);
    isRatioOf(`ratio ${name}`, results.ratios[name], s.median, recipe.median);
    for (const stage of ["install", "inspect", "zip"]) {
      const ms = results.stages[name][stage];
      assert.ok(Number.isFinite(ms) && ms >= 0 && ms <= s.max, `${name} ${stage}: ${ms} ms is not within the build`);
    }
  }
  for (const name of ["coldActions", "warmActions", "coldPipUnpack"]) {
    const s = sane(name, results.scenarios[name]);
    isRatioOf(`ratio ${name}`, results.ratios[name], s.median, recipe.median);
  }
  // the default cold path downloads and unpacks; LPP_UNPACK=pip installs, with no unpack stage of ours
  for (const stage of ["download", "unpack"]) {
    const ms = results.stages.coldSplit[stage];
    assert.ok(Number.isFinite(ms) && ms > 0, `coldSplit ${stage}: ${ms} ms, the wheels were not unpacked here`);
    assert.equal(results.stages.coldPipUnpack[stage], undefined, `coldPipUnpack has a ${stage} stage`);
  }
  // warm is judged at its slowest, through the Actions cache protocol included
  const warmWorst = Math.max(
    results.scenarios.warmSplit.median,
    results.scenarios.warmFunction.median,
    results.scenarios.warmActions.median,
  );
  const coldWorst = Math.max(results.scenarios.coldSplit.median, results.scenarios.coldFunction.median);
  isRatioOf("target warm", results.targets.warm.value, warmWorst, recipe.median);
  isRatioOf("target cold", results.targets.cold.value, coldWorst, recipe.median);
  assert.equal(
    results.targets.warm.met,
    warmWorst <= 0.05 * recipe.median,
    "target warm: met disagrees with the times",
  );
  assert.equal(results.targets.cold.met, coldWorst <= 0.2 * recipe.median, "target cold: met disagrees with the times");
  // each build ran as a fresh process: its first line came after its start and before its end, and
  // the time outside the stages (Node's start, loading the bundle) is a figure of its own
  for (const name of ["coldSplit", "coldFunction", "warmSplit", "warmFunction", "coldActions", "warmActions"]) {
    const first = sane(`first line ${name}`, results.firstLine[name]);
    if (process.platform === "linux") sane(`first line's CPU ${name}`, results.firstLineCpu[name]);
    assert.ok(first.max < results.scenarios[name].max, `${name}: the first line came after the build ended`);
    const outside = results.stages[name].outside;
    assert.ok(Number.isFinite(outside) && outside > 0, `${name}: ${outside} ms outside the stages`);
    assert.ok(outside < results.scenarios[name].max, `${name}: more time outside the stages than in the build`);
  }
  const firstWorst = Math.max(...Object.values(results.firstLine as Record<string, Summary>).map((s) => s.median));
  assert.equal(results.targets.firstLine.value, firstWorst);
  assert.equal(results.targets.firstLine.met, firstWorst <= 150);
  const { floor } = results;
  assert.ok(floor.entryBytes > 0 && floor.zipBytes > 0, `floor: ${JSON.stringify(floor)}`);
  assert.equal(floor.totalMs, floor.nodeStartMs + floor.downloadMs + floor.writeMs);

  const zipStep = results.zipStep;
  const ours = sane("zip step ours", zipStep.ours);
  sane("zip step copy", zipStep.oursCopy);
  assert.ok(zipStep.treeBytes > results.dataset.bytes * 0.9, "the zip step zipped less than the tree");
  assert.ok(zipStep.ours.bytes > 0 && zipStep.ours.bytes < zipStep.treeBytes, "our zip is not smaller than the tree");
  if (zipStep.infoZip) {
    const info = sane("zip step Info-ZIP", zipStep.infoZip);
    isRatioOf("ratio zipThroughput", results.ratios.zipThroughput, info.median, ours.median);
    isRatioOf("ratio zipSize", results.ratios.zipSize, zipStep.ours.bytes, zipStep.infoZip.bytes);
    // the same deflate level as zip -6: within a few per cent of Info-ZIP's size
    assert.ok(results.ratios.zipSize > 0.9 && results.ratios.zipSize < 1.1, `zip size ratio ${results.ratios.zipSize}`);
  } else {
    assert.equal(results.ratios.zipThroughput, undefined);
  }
  const peak = results.peakRssBytes;
  for (const [what, bytes] of [
    ["cold", peak.cold],
    ["warm", peak.warm],
  ] as const)
    assert.ok(bytes > 20 * 1024 * 1024 && bytes < 2 * 1024 * 1024 * 1024, `peak RSS ${what}: ${bytes} bytes`);
  // every cold and every warm build counts, the Actions cache's included
  const byScenario = Object.entries(peak.byScenario as Record<string, number>);
  assert.equal(peak.cold, Math.max(...byScenario.filter(([k]) => k.startsWith("cold")).map(([, v]) => v)));
  assert.equal(peak.warm, Math.max(...byScenario.filter(([k]) => k.startsWith("warm")).map(([, v]) => v)));
  assert.equal(results.targets.peakRssCold.value, peak.cold);
  assert.equal(results.targets.peakRssCold.met, peak.cold <= PEAK_RSS_LIMITS.cold);
  assert.equal(results.targets.peakRssWarm.value, peak.warm);
  assert.equal(results.targets.peakRssWarm.met, peak.warm <= PEAK_RSS_LIMITS.warm);
  process.stdout.write("bench:smoke: every check passed\n");
} finally {
  await rm(work, { recursive: true, force: true });
}
