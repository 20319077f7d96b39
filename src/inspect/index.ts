/**
 * The inspection stage: catch on the runner what would fail in Lambda, where the
 * failure would show only at the first invocation.
 * Pure with respect to the tree: it reads files, never changes them.
 */

import type { DependencyListing } from "../install/types.ts";
import type { Target } from "../target.ts";
import { checkBinaries } from "./binaries.ts";
import { checkCodeCollisions, checkDistributionCollisions } from "./collisions.ts";
import { checkLayout } from "./layout.ts";
import { type ScannedFile, scanTree } from "./scan.ts";
import { checkSizes } from "./sizes.ts";
import type { DistributionReport, Finding, InspectInput, InspectResult } from "./types.ts";
import { SEVERITY_ORDER, type TreeChecks } from "./types.ts";
import { LockfileLocator } from "./util.ts";
import { checkRuntimeSdk, checkWheelFit } from "./wheel.ts";

export { compareVersions, type ElfInfo, EM_AARCH64, EM_X86_64, parseElfBytes, readElf } from "./elf.ts";
export { type ScannedFile, scanBytes, scanKeeps, scanTree } from "./scan.ts";
export {
  checkSizes,
  DIRECT_UPLOAD_LIMIT,
  largestDistributions,
  type SizeInput,
  UNZIPPED_LIMIT,
  WARN_FRACTION,
} from "./sizes.ts";
export * from "./types.ts";

/**
 * The checks that read the installed tree and nothing else: their results belong to that
 * exact tree (and target), so a cache entry keeps them and a hit does not run them again.
 * Unlocated (the lockfile's lines may move without changing the key); the one check that
 * depends on an input, allow-collisions, is kept both ways. `scanned` is what was read of
 * each file: from the tree on disk (scanTree) or from the wheels as they were checked.
 */
export function checkTree(tree: DependencyListing, target: Target, scanned: ScannedFile[]): TreeChecks {
  return {
    before: [
      ...checkWheelFit(tree.distributions, target, tree.chosenWheels),
      ...checkBinaries(scanned, tree.distributions, target),
    ],
    collisions: { strict: checkDistributionCollisions(tree, false), allowed: checkDistributionCollisions(tree, true) },
    after: [...checkLayout(tree, scanned), ...checkRuntimeSdk(tree.distributions, target)],
  };
}

export async function inspectTree(input: InspectInput): Promise<InspectResult> {
  const { target, tree } = input;
  const checks =
    input.treeChecks === undefined ? checkTree(input.tree, target, await scanTree(input.tree)) : input.treeChecks;
  const raw: Finding[] = [
    ...checks.before,
    ...(input.allowCollisions ? checks.collisions.allowed : checks.collisions.strict),
    ...checkCodeCollisions(tree, input.code, input.packageMode, input.allowCollisions),
    ...checks.after,
  ];
  const locator = new LockfileLocator(input);
  const findings = raw
    .map((f) => locator.locate(f))
    .map((f, i) => ({ f, i }))
    .sort((a, b) => SEVERITY_ORDER[a.f.severity] - SEVERITY_ORDER[b.f.severity] || a.i - b.i)
    .map(({ f }) => f);

  const sizes = new Map<string, { size: number; count: number }>();
  let dependencySize = 0;
  for (const file of tree.files) {
    dependencySize += file.size;
    if (file.distribution === undefined) continue;
    const s = sizes.get(file.distribution) ?? { size: 0, count: 0 };
    s.size += file.size;
    s.count += 1;
    sizes.set(file.distribution, s);
  }
  const distributions: DistributionReport[] = tree.distributions
    .map((d) => ({
      name: d.name,
      version: d.version,
      unzippedSize: sizes.get(d.name)?.size ?? 0,
      fileCount: sizes.get(d.name)?.count ?? 0,
      findings: findings.filter((f) => f.distribution === d.name),
    }))
    .sort((a, b) => b.unzippedSize - a.unzippedSize || a.name.localeCompare(b.name));

  const codeSize = input.code.reduce((sum, f) => sum + f.size, 0);
  // the unzipped limit is known from the files' sizes: a tree over it (a zip-bomb wheel) stops
  // here, before the zip stage reads a byte of it; warnings wait for the zips' real numbers
  const oversize = checkSizes({
    target,
    ...unzippedParts(input.packageMode, codeSize, dependencySize),
    s3Configured: true,
    distributions,
  }).filter((f) => f.severity === "error");
  return { findings: [...oversize, ...findings], distributions, dependencySize, codeSize };
}

/** What each zip will hold unzipped, as the package mode splits code and dependencies. */
function unzippedParts(mode: InspectInput["packageMode"], code: number, dependencies: number) {
  if (mode === "layer") return { unzippedFunction: 0, unzippedLayer: dependencies };
  if (mode === "split") return { unzippedFunction: code, unzippedLayer: dependencies };
  return { unzippedFunction: code + dependencies, unzippedLayer: 0 };
}
