/**
 * The benchmark at its smoke size, end to end as `npm run bench -- --smoke` runs it:
 * it must finish and produce sane numbers and JSON. No timing thresholds here: the
 * targets are judged on the full size, on a quiet machine.
 */
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";

const REPO = fileURLToPath(new URL("..", import.meta.url));
let work: string | undefined;

afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

interface Range {
  median: number;
  min: number;
  max: number;
  rounds: number;
}

const sane = (r: Range | undefined, rounds: number) => {
  expect(r).toBeDefined();
  expect(r!.rounds).toBe(rounds);
  expect(r!.min).toBeGreaterThan(0);
  expect(r!.min).toBeLessThanOrEqual(r!.median);
  expect(r!.median).toBeLessThanOrEqual(r!.max);
  expect(r!.max).toBeLessThan(120_000);
};

describe("npm run bench -- --smoke", () => {
  it("runs every scenario and writes the results", { timeout: 240_000 }, async () => {
    work = await mkdtemp(path.join(os.tmpdir(), "lpp-bench-smoke-"));
    const out = path.join(work, "results.json");
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ["--import", "tsx", "bench/run.ts", "--smoke", "--dir", work, "--out", out],
      { cwd: REPO, env: { ...process.env, BENCH_SIZE: "" }, maxBuffer: 16 * 1024 * 1024 },
    );
    expect(stdout).toContain("scenario (median, min–max)");
    expect(stdout).toContain("zip step alone");
    expect(stdout).not.toContain("PROBLEM");

    const results = JSON.parse(await readFile(out, "utf8"));
    expect(results).toMatchObject({ format: 1, size: "smoke", rounds: 2, problems: [] });
    expect(results.machine.cores).toBeGreaterThanOrEqual(1);
    expect(results.machine.node).toBe(process.version);
    expect(results.dataset.files).toBeGreaterThan(300);
    expect(results.dataset.distributions).toBeGreaterThan(5);
    expect(results.dataset.sharedObjectBytes).toBeGreaterThan(0);

    sane(results.scenarios.recipe.total, 2);
    sane(results.scenarios.recipe.pip, 2);
    for (const name of ["coldSplit", "coldFunction", "warmSplit", "warmFunction"]) {
      sane(results.scenarios[name], 2);
      expect(results.ratios[name]).toBeGreaterThan(0);
      expect(results.stages[name].zip).toBeGreaterThanOrEqual(0);
      expect(results.stages[name].inspect).toBeGreaterThanOrEqual(0);
    }
    // the same tree gave the same zips in every round, warm and cold (the run checks it)
    sane(results.zipStep.ours, 2);
    sane(results.zipStep.oursCopy, 2);
    expect(results.zipStep.treeBytes).toBeGreaterThan(results.dataset.bytes * 0.9);
    expect(results.zipStep.ours.bytes).toBeGreaterThan(0);
    expect(results.zipStep.ours.bytes).toBeLessThan(results.zipStep.treeBytes);
    if (results.zipStep.infoZip) {
      sane(results.zipStep.infoZip, 2);
      expect(results.ratios.zipSize).toBeGreaterThan(0.9);
      expect(results.ratios.zipSize).toBeLessThan(1.1);
    }
    expect(results.peakRssBytes.cold).toBeGreaterThan(20 * 1024 * 1024);
    expect(results.peakRssBytes.warm).toBeGreaterThan(20 * 1024 * 1024);
    expect(results.peakRssBytes.cold).toBeLessThan(2 * 1024 * 1024 * 1024);
    for (const target of Object.values(results.targets) as { met?: boolean }[]) {
      expect([true, false, undefined]).toContain(target.met);
    }
  });
});
