/**
 * The size diff a pull request shows against its base branch's latest build: what was
 * added, removed, upgraded, and which distributions grew most.
 */
import { describe, expect, it } from "vitest";
import { type BuildManifest, diffManifests } from "../src/report/history.ts";

type Dist = BuildManifest["distributions"][number];
function manifest(ref: string, distributions: Dist[], extra = 0): BuildManifest {
  return {
    version: 1,
    runtime: "python3.12",
    architecture: "x86_64",
    name: "orders-api",
    ref,
    sha: ref === "main" ? "1".repeat(40) : "2".repeat(40),
    createdAt: "2025-01-01T00:00:00.000Z",
    // the function's own code counts toward the total, not toward any distribution
    unzippedSize: distributions.reduce((sum, d) => sum + d.size, 0) + extra,
    distributions,
    zips: {},
  };
}
const d = (name: string, version: string, size: number): Dist => ({ name, version, size });

describe("diffManifests", () => {
  it("the same build: nothing added, removed, upgraded or grown", () => {
    const base = manifest("main", [d("requests", "2.32.3", 400_000), d("idna", "3.7", 300_000)], 5_000);
    expect(diffManifests(base, { ...base, ref: "feature" })).toEqual({
      baseRef: "main",
      baseSha: "1".repeat(40),
      baseTotal: 705_000,
      totalDelta: 0,
      added: [],
      removed: [],
      upgraded: [],
      grew: [],
    });
  });

  it("names added, removed and upgraded distributions with their sizes, and the total change", () => {
    const base = manifest("main", [d("requests", "2.31.0", 400_000), d("chardet", "5.2.0", 900_000)], 5_000);
    const head = manifest(
      "feature",
      [d("requests", "2.32.3", 420_000), d("charset-normalizer", "3.3.2", 200_000)],
      6_000,
    );
    const diff = diffManifests(base, head);
    expect(diff.totalDelta).toBe(626_000 - 1_305_000);
    expect(diff.added).toEqual([d("charset-normalizer", "3.3.2", 200_000)]);
    expect(diff.removed).toEqual([d("chardet", "5.2.0", 900_000)]);
    expect(diff.upgraded).toEqual([{ name: "requests", from: "2.31.0", to: "2.32.3", delta: 20_000 }]);
    expect(diff.grew).toEqual([
      { name: "charset-normalizer", delta: 200_000 },
      { name: "requests", delta: 20_000 },
      { name: "chardet", delta: -900_000 },
    ]);
  });

  it("a size change at the same version counts as growth, not as an upgrade", () => {
    const base = manifest("main", [d("numpy", "2.0.0", 30_000_000)]);
    const head = manifest("feature", [d("numpy", "2.0.0", 29_000_000)]);
    const diff = diffManifests(base, head);
    expect(diff.upgraded).toEqual([]);
    expect(diff.grew).toEqual([{ name: "numpy", delta: -1_000_000 }]);
  });

  it("keeps the five largest growths, largest first, ties by name", () => {
    const base = manifest("main", []);
    const head = manifest("feature", [
      d("g", "1", 10),
      d("b", "1", 50),
      d("a", "1", 50),
      d("f", "1", 20),
      d("e", "1", 30),
      d("c", "1", 40),
      d("h", "1", 5),
    ]);
    expect(diffManifests(base, head).grew.map((g) => g.name)).toEqual(["a", "b", "c", "e", "f"]);
    expect(diffManifests(base, head).added).toHaveLength(7);
  });
});

describe("the import figures in the manifest", () => {
  const figures = (medianMs: number): NonNullable<BuildManifest["coldStart"]> => ({
    python: "3.12.1",
    module: "app",
    import: { medianMs, minMs: medianMs - 5, maxMs: medianMs + 5, runs: 5 },
    modules: 40,
    bytecode: { fromZips: 30, withBytecode: 30 },
    packages: [],
  });

  it("a head with figures is compared with the base's; a base from before they were kept says so", () => {
    const base = { ...manifest("main", []), coldStart: figures(100) };
    const head = { ...manifest("feature", []), coldStart: figures(300) };
    expect(diffManifests(base, head).coldStart).toMatchObject({ kind: "compared", deltaMs: 200, percent: 200 });
    const { coldStart: _, ...older } = base;
    expect(diffManifests(older, head).coldStart).toEqual({ kind: "no-base-figures" });
  });

  it("a head without figures (the import not measured) shows no import change", () => {
    const base = { ...manifest("main", []), coldStart: figures(100) };
    expect(diffManifests(base, manifest("feature", []))).not.toHaveProperty("coldStart");
  });
});
