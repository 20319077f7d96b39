/**
 * A small manifest of each build (distributions, versions, sizes, zip hashes), kept
 * where a later run can find it, so a pull request can show what changed in size and
 * dependencies against its base branch's latest build.
 */
import type { ActionResult } from "../run.ts";
import type { ColdStart } from "../verify/coldstart.ts";
import { type ImportChange, importChange } from "./import-change.ts";

export interface BuildManifest {
  version: 1;
  runtime: string;
  architecture: string;
  /** function or layer name, or the working directory: what the build is of */
  name: string;
  ref: string;
  sha: string;
  createdAt: string;
  unzippedSize: number;
  distributions: { name: string; version: string; size: number }[];
  zips: Partial<Record<"function" | "layer", { size: number; unzippedSize: number; sha256: string }>>;
  /** the handler's import, when it was measured; older manifests have none */
  coldStart?: ColdStart;
}

export function manifestOf(
  result: ActionResult,
  meta: { name: string; ref: string; sha: string; now: Date },
): BuildManifest {
  const { build } = result;
  const coldStart = build.verify?.coldStart;
  const zip = (z: typeof build.functionZip) =>
    z ? { size: z.size, unzippedSize: z.unzippedSize, sha256: z.sha256 } : undefined;
  return {
    version: 1,
    runtime: build.target.runtime,
    architecture: build.target.architecture,
    name: meta.name,
    ref: meta.ref,
    sha: meta.sha,
    createdAt: meta.now.toISOString(),
    unzippedSize: build.unzippedSize,
    distributions: build.inspection.distributions.map((d) => ({
      name: d.name,
      version: d.version,
      size: d.unzippedSize,
    })),
    zips: { function: zip(build.functionZip), layer: zip(build.layerZip) },
    coldStart: coldStart && "measured" in coldStart ? coldStart.measured : undefined,
  };
}

export interface SizeDiff {
  baseRef: string;
  baseSha: string;
  totalDelta: number;
  baseTotal: number;
  added: { name: string; version: string; size: number }[];
  removed: { name: string; version: string; size: number }[];
  upgraded: { name: string; from: string; to: string; delta: number }[];
  /** distributions whose size changed most, largest growth first */
  grew: { name: string; delta: number }[];
  /** the handler's import against the base's, when this build measured it */
  coldStart?: ImportChange;
}

export function diffManifests(base: BuildManifest, head: BuildManifest): SizeDiff {
  const before = new Map(base.distributions.map((d) => [d.name, d]));
  const after = new Map(head.distributions.map((d) => [d.name, d]));
  const added = head.distributions.filter((d) => !before.has(d.name));
  const removed = base.distributions.filter((d) => !after.has(d.name));
  const upgraded: SizeDiff["upgraded"] = [];
  const grew: SizeDiff["grew"] = [];
  for (const d of head.distributions) {
    const old = before.get(d.name);
    if (!old) continue;
    if (old.version !== d.version)
      upgraded.push({ name: d.name, from: old.version, to: d.version, delta: d.size - old.size });
    if (d.size !== old.size) grew.push({ name: d.name, delta: d.size - old.size });
  }
  for (const d of added) grew.push({ name: d.name, delta: d.size });
  for (const d of removed) grew.push({ name: d.name, delta: -d.size });
  grew.sort((a, b) => b.delta - a.delta || a.name.localeCompare(b.name));
  return {
    baseRef: base.ref,
    baseSha: base.sha,
    baseTotal: base.unzippedSize,
    totalDelta: head.unzippedSize - base.unzippedSize,
    added,
    removed,
    upgraded,
    grew: grew.slice(0, 5),
    ...(head.coldStart && { coldStart: importChange(base.coldStart, head.coldStart) }),
  };
}
