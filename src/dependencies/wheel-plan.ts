/**
 * A wheel's plan from its names and central-directory fields alone, before a byte is
 * inflated: where each member lands (wheel-layout.ts), and what pip's install of the whole
 * set would fail on or leave out. pip unpacks every wheel into one home folder (lib/python is
 * the tree; .data/data, scripts and headers around it), then moves lib/python's items and,
 * of the home's other items, those not already in the tree, into the target.
 */
import path, { posix } from "node:path";
import { UNEXTRACTABLE_HINT, unextractableReason } from "../install/tree.ts";
import { normalizeName } from "../lock/types.ts";
import { parseWheelFilename } from "../target.ts";
import type { ZipDirectory, ZipEntry } from "../zip/reader.ts";
import {
  distInfoOf,
  duplicatePaths,
  entryProblem,
  type Placement,
  placeMember,
  WheelRefused,
  WheelUnusual,
} from "./wheel-layout.ts";

export type Placed = { entry: ZipEntry; place: Placement };

export interface WheelPlan {
  distInfo: string;
  /** the members unpacked (every placement but "leave") */
  placed: Placed[];
  /** every member's placement, by name */
  placement: Map<string, Placement>;
}

/** the dist-info files pip reads on install */
const PIP_READS = new Set(["METADATA", "WHEEL", "RECORD", "entry_points.txt"]);

/** pip's lib folder in its home scheme, which is the tree pip --target moves into place */
const LIB = "lib/python";

/**
 * Every refusal or fallback that names and headers show, before a byte is inflated; the
 * members that are unpacked, and where every member lands (RECORD's rows are mapped by it).
 */
export function planWheel(directory: ZipDirectory): WheelPlan {
  const names = directory.entries.map((e) => e.name);
  const twice = duplicatePaths(names);
  if (twice.length > 0) throw new WheelUnusual(`member ${JSON.stringify(twice[0])} is in it twice`);
  const distInfo = distInfoOf(names);
  // pip install refuses a wheel whose .dist-info is another distribution's: so does this
  const named = parseWheelFilename(path.basename(directory.path));
  const infoName = distInfo.replace(/\.dist-info$/, "").split("-")[0] ?? "";
  if (!named || normalizeName(infoName) !== normalizeName(named.name)) {
    throw new WheelUnusual(`its ${distInfo} folder is not of the distribution its file name gives`);
  }
  const placed: Placed[] = [];
  const placement = new Map<string, Placement>();
  for (const entry of directory.entries) {
    const { name } = entry;
    const problem = entryProblem(entry);
    if (problem) throw new WheelUnusual(problem);
    const place = placeMember(entry.name, distInfo);
    // pip never creates a folder entry (a folder comes with the files in it): no limit to hold it to
    const unextractable = entry.name.endsWith("/")
      ? undefined
      : unextractableReason(entry.name, place.kind === "ship" ? place.path : undefined);
    if (unextractable) {
      throw new WheelRefused(
        `member ${JSON.stringify(entry.name)} cannot be unpacked: ${unextractable}`,
        UNEXTRACTABLE_HINT,
      );
    }
    // pip reads its dist-info files by name, a folder entry of that name included, and fails on it
    if (name.endsWith("/") && PIP_READS.has(name.slice(distInfo.length + 1, -1)) && name.startsWith(`${distInfo}/`)) {
      throw new WheelUnusual(`member ${JSON.stringify(name)} is a folder entry where pip reads a file`);
    }
    placement.set(entry.name, place);
    if (place.kind !== "leave") placed.push({ entry, place });
  }
  return { distInfo, placed, placement };
}

/** Where pip writes a member in its home folder (a folder entry or pip's own file: nowhere). */
function homePath(place: Placement): string | undefined {
  if (place.kind === "regenerate") return `${LIB}/${place.path}`;
  return place.recordPath === undefined ? undefined : posix.join(LIB, place.recordPath);
}

export type InstallProblem =
  /** pip fails on it: refused, naming the wheels */
  | { message: string; hint: string; wheel: string }
  /** pip decides it in its own way: the install path takes the build */
  | { unusual: string };

/**
 * What pip's install of all the wheels together fails on, or leaves out in its own way:
 * a path that is a file for one member and a folder for another (pip fails with an OSError),
 * or a .data/data item beside lib/python whose name the tree already has (pip --target warns
 * "Target directory … already exists" and leaves it behind).
 */
export function installProblem(plans: readonly { wheel: string; plan: WheelPlan }[]): InstallProblem | undefined {
  const files: { home: string; member: string; wheel: string }[] = [];
  for (const { wheel, plan } of plans) {
    for (const [member, place] of plan.placement) {
      const home = homePath(place);
      if (home !== undefined) files.push({ home, member, wheel: path.basename(wheel) });
    }
  }
  const folders = new Map<string, number>();
  files.forEach((f, i) => {
    for (let at = f.home.indexOf("/"); at >= 0; at = f.home.indexOf("/", at + 1)) {
      const folder = f.home.slice(0, at);
      if (!folders.has(folder)) folders.set(folder, i);
    }
  });
  for (const [_i, f] of files.entries()) {
    const inside = folders.get(f.home);
    if (inside !== undefined) return clash(f, files[inside]!);
  }
  const inTree = new Set(files.filter((f) => f.home.startsWith(`${LIB}/`)).map((f) => f.home.split("/")[2]));
  for (const f of files) {
    const top = f.home.split("/")[0]!;
    if (f.home.startsWith(`${LIB}/`) || LIB.startsWith(top) || !inTree.has(top)) continue;
    return {
      unusual: `${f.wheel}: member ${JSON.stringify(f.member)} would land in "${top}", which the tree already has`,
    };
  }
  return undefined;
}

function clash(file: { member: string; wheel: string }, folder: { member: string; wheel: string }): InstallProblem {
  const same = file.wheel === folder.wheel;
  const name = JSON.stringify(file.member);
  return {
    message: `the wheel ${file.wheel} installs ${name} as a file, and ${same ? "also" : `the wheel ${folder.wheel}`} installs ${JSON.stringify(folder.member)}, inside ${name} as a folder: no file system holds both`,
    hint: same
      ? "the wheel is broken (pip's own install fails on it too): pin another version of it"
      : "the two distributions cannot be installed together (pip's own install fails too): drop one of them, or pin versions that do not overlap",
    wheel: folder.wheel,
  };
}
