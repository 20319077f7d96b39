/**
 * The tree made on a cache miss: unpacked here from the wheels pip downloaded (transplant.ts),
 * or installed by pip or uv and read back, both held to the same rules.
 */
import { mkdir, rm } from "node:fs/promises";
import path from "node:path";
import { UserError, type Where } from "../errors.ts";
import type { ScannedFile } from "../inspect/scan.ts";
import type { Installer } from "../install/index.ts";
import { checkInstalledRecords } from "../install/record.ts";
import { checkInstalledPaths, cleanTree, readTree, UNEXTRACTABLE_HINT } from "../install/tree.ts";
import type { DependencyListing, DependencyTree, InstallRequest } from "../install/types.ts";
import { type LockedSet, normalizeName } from "../lock/types.ts";
import { parseWheelFilename } from "../target.ts";
import type { ZipMember } from "../zip/writer.ts";
import { type Scanner, transplantWheels } from "./transplant.ts";

/** Undefined when a wheel needs the install path (said in the debug log). */
export async function fromDownloadedWheels(
  installer: Installer,
  request: Omit<InstallRequest, "python">,
  scanner: Scanner<ScannedFile>,
  optimize: { exclude: ReadonlySet<string>; mayLeaveOut?: (path: string) => boolean },
): Promise<
  | {
      listing: DependencyListing;
      members: ZipMember[];
      scanned: ScannedFile[];
      downloadMs: number;
      unpackMs: number;
      notDownloaded: { name: string; version: string }[];
      unchecked: string[];
    }
  | undefined
> {
  if (!installer.download) return undefined;
  const wheels = path.join(request.scratch, "wheels");
  const unpackedFiles = path.join(request.scratch, "unpacked");
  for (const dir of [wheels, unpackedFiles]) {
    await rm(dir, { recursive: true, force: true });
    await mkdir(dir, { recursive: true });
  }
  const started = performance.now();
  const left = (r: { name: string }) => optimize.exclude.has(normalizeName(r.name));
  const notDownloaded = request.lock.requirements
    .filter(left)
    .map((r) => ({ name: normalizeName(r.name), version: r.version }));
  const lock = { ...request.lock, requirements: request.lock.requirements.filter((r) => !left(r)) };
  const downloaded =
    lock.requirements.length > 0
      ? await installer.download({ ...request, lock, directory: wheels })
      : { wheels: [], chosenWheels: {} };
  const downloadMs = Math.round(performance.now() - started);
  const result = await transplantWheels(
    downloaded.wheels,
    unpackedFiles,
    scanner,
    (wheelFile) => pinOf(request.lock, parseWheelFilename(wheelFile)?.name ?? ""),
    { mayLeaveOut: optimize.mayLeaveOut },
  );
  const unpackMs = Math.round(performance.now() - started) - downloadMs;
  if ("unusual" in result) {
    request.log.debug(`Unpacking the wheels here is not possible (${result.unusual}): pip installs them instead`);
    return undefined;
  }
  const listing = { ...result.listing, chosenWheels: downloaded.chosenWheels };
  const { members, scanned, unchecked } = result;
  return { listing, members, scanned, downloadMs, unpackMs, notDownloaded, unchecked };
}

/**
 * pip's or uv's install, cleaned and read, and held to the rules the wheels unpacked here are:
 * one lockfile, one verdict, whatever the path.
 */
export async function installedTree(installer: Installer | undefined, request: Omit<InstallRequest, "python">) {
  const chosenWheels = installer ? await installer.install(request) : {};
  const tree = { ...(await cleanAndRead(request.directory)), chosenWheels };
  const origin = (name: string | undefined) =>
    name === undefined ? {} : { wheel: chosenWheels[name], where: pinOf(request.lock, name) };
  checkInstalledPaths(tree, origin);
  checkInstalledRecords(tree, (d) => origin(d.name));
  return tree;
}

/** The installed tree cleaned and read; a path too long for this runner's folders is the wheel's problem. */
async function cleanAndRead(directory: string): Promise<DependencyTree> {
  try {
    await cleanTree(directory);
    return await readTree(directory);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENAMETOOLONG") throw error;
    const where = (error as NodeJS.ErrnoException).path ?? directory;
    throw new UserError(
      `an installed file's path is too long for Linux (${Buffer.byteLength(where)} bytes with the folders it is in): ${JSON.stringify(path.relative(directory, where))}`,
      { hint: UNEXTRACTABLE_HINT },
    );
  }
}

/** Where a distribution is pinned in the lockfile (file, line), for a refusal that names it. */
function pinOf(lock: LockedSet, distribution: string): Where | undefined {
  const name = normalizeName(distribution);
  const pin = lock.requirements.find((r) => normalizeName(r.name) === name);
  return pin ? { file: pin.where.file, line: pin.where.line, distribution: name } : undefined;
}
