/**
 * The inspection as a build stage: the tree judged before packaging, the zips against Lambda's
 * size limits after, each finding an annotation; an error stops the build with the findings.
 */
import { UserError } from "../errors.ts";
import type { Inputs } from "../inputs.ts";
import type { DependencyListing, TreeFile } from "../install/types.ts";
import type { LockedSet } from "../lock/types.ts";
import type { Log } from "../log.ts";
import type { Target } from "../target.ts";
import type { WrittenPackages } from "../zip/package.ts";
import { checkSizes, type Finding, type InspectResult, inspectTree } from "./index.ts";
import type { TreeChecks } from "./types.ts";

/** Stops before packaging: nothing is zipped for deploy from a tree that would fail in Lambda. */
export async function inspect(
  inputs: Inputs,
  target: Target,
  lock: LockedSet,
  dependencies: { tree: DependencyListing; treeChecks: TreeChecks },
  code: TreeFile[],
  log: Log,
): Promise<InspectResult> {
  const inspection = await inspectTree({
    target,
    ...dependencies,
    code,
    packageMode: inputs.packageMode,
    allowCollisions: inputs.allowCollisions,
    lockfile: lock.lockfile,
    lockfileText: lock.text ?? "",
  });
  reportFindings(inspection.findings, log);
  const errors = inspection.findings.filter((f) => f.severity === "error").length;
  if (errors > 0) throw new InspectionFailed(errors, inspection.findings, lock.lockfile);
  return inspection;
}

/** The zips against Lambda's size limits: every finding so far, or a failure when one is an error. */
export function checkPackageSizes(
  zips: WrittenPackages,
  inputs: Inputs,
  target: Target,
  lock: LockedSet,
  inspection: InspectResult,
  log: Log,
): Finding[] {
  for (const z of [zips.functionZip, zips.layerZip]) {
    if (z)
      log.info(
        `Built ${z.path}: ${z.size} bytes zipped, ${z.unzippedSize} unzipped, ${z.entries} entries, sha256 ${z.sha256}`,
      );
  }
  const sizeFindings = checkSizes({
    target,
    unzippedFunction: zips.functionZip?.unzippedSize ?? 0,
    unzippedLayer: zips.layerZip?.unzippedSize ?? 0,
    zippedFunction: zips.functionZip?.size,
    zippedLayer: zips.layerZip?.size,
    s3Configured: Boolean(inputs.deploy?.s3Bucket),
    distributions: inspection.distributions,
  });
  reportFindings(sizeFindings, log);
  const findings = [...inspection.findings, ...sizeFindings];
  const errors = findings.filter((f) => f.severity === "error");
  if (errors.length > 0) throw new InspectionFailed(errors.length, findings, lock.lockfile);
  return findings;
}

/** The build found what would fail in Lambda: the findings travel with the error to the report. */
export class InspectionFailed extends UserError {
  constructor(
    count: number,
    readonly findings: Finding[],
    lockfile: string,
  ) {
    super(`${count} problem(s) found by inspection would fail in Lambda (listed above); nothing was deployed`, {
      where: { file: lockfile },
      hint: "fix them, or relax a check with its input where you have a reason",
    });
  }
}

function reportFindings(findings: Finding[], log: Log): void {
  for (const f of findings) {
    const text = f.hint ? `${f.message}\n  → ${f.hint}` : f.message;
    log.annotate(f.severity, text, { file: f.file, line: f.line, distribution: f.distribution });
  }
}

/** A requirements.txt may pin only the top level: say which installed distributions it did not pin. */
export function warnUnpinned(tree: DependencyListing, lock: LockedSet, log: Log): void {
  const pinned = new Set(lock.requirements.map((r) => r.name));
  const unpinned = tree.distributions.filter((d) => !pinned.has(d.name));
  if (unpinned.length > 0) {
    log.annotate(
      "warning",
      `not pinned in ${lock.lockfile}, resolved by the installer: ${unpinned.map((d) => `${d.name}==${d.version}`).join(", ")}. Pin them so every build installs the same versions.`,
      { file: lock.lockfile },
    );
  }
}
