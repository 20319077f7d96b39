/**
 * What goes into which zip: the function zip holds the code at its root (and the
 * dependencies too, for `package: function`); the layer zip holds the dependencies
 * under `python/`, where Lambda puts /opt/python on the path.
 *
 * The dependencies are compressed once, into the dependency zip: the tree under
 * `python/`, which is the layer zip as it is. The function zip copies its entries as
 * stored, without the prefix. A warm build gets the dependency zip from the cache and
 * compresses nothing but the code. (Measured, bench/: kept in the layer's form, the
 * layer is a file copy, 0.08 s for 85 MB, where copying its 22,000 entries one by one
 * takes 0.25 s; the function zip costs the entry copy either way.)
 */
import { randomBytes } from "node:crypto";
import { copyFile, mkdir, rename, rm, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { append } from "../append.ts";
import type { PackageMode } from "../constants.ts";
import { UserError } from "../errors.ts";
import { describeFileFolderClash, fileFolderClashes } from "../inspect/collisions.ts";
import type { DependencyFile, TreeFile } from "../install/types.ts";
import type { ZipDirectory } from "./reader.ts";
import { copyEntries, writeZip, type ZipInput, type ZipMember, type ZipResult } from "./writer.ts";

/** Where a layer's packages go: Lambda extracts layers to /opt, and /opt/python is on the path. */
export const LAYER_PREFIX = "python/";

export interface PackagePlan {
  functionZip?: {
    /** compressed into the zip at their paths */
    code: TreeFile[];
    /** the dependencies beside the code (`package: function`) */
    withDependencies: boolean;
    /** dependency paths left out because the code has the same path and wins */
    overridden: ReadonlySet<string>;
  };
  /** the layer zip: the dependency zip as it is */
  layerZip: boolean;
}

/** The dependency zip, compressed once: its entries are the tree's files under `python/`. */
export interface DependencyZip {
  zip: ZipResult;
  directory: ZipDirectory;
  /** the file is this run's own and read by nothing after the zips are written: the layer zip may take its place */
  ownCopy?: boolean;
}

const NONE: ReadonlySet<string> = new Set();

export function planPackages(
  mode: PackageMode,
  code: TreeFile[],
  dependencies: DependencyFile[],
  allowCollisions: boolean,
): PackagePlan {
  switch (mode) {
    case "layer":
      return { layerZip: true };
    case "split":
      return { functionZip: { code, withDependencies: false, overridden: NONE }, layerZip: true };
    case "function": {
      // neither side can win a file/folder clash: unzip fails on such a zip, allowed or not
      const fileFolder = fileFolderClashes(code, dependencies);
      if (fileFolder.length > 0) {
        throw new UserError(
          `one zip cannot hold a file and a folder of the same name: ${fileFolder.map(describeFileFolderClash).join("; ")}`,
          {
            where: fileFolder[0]?.codeIsFile ? { file: fileFolder[0].file } : {},
            hint: "rename the function's file or folder (allow-collisions cannot help: neither can win)",
          },
        );
      }
      const codePaths = new Set(code.map((f) => f.path));
      const clashing = dependencies.filter((f) => codePaths.has(f.path));
      if (clashing.length > 0 && !allowCollisions) {
        const list = clashing.map((f) => `${f.path} (code and ${f.distribution ?? "a dependency"})`).join(", ");
        throw new UserError(`the function code and the dependencies both provide ${list}`, {
          hint: "rename or remove the file in your code, or set `allow-collisions: true` to let the code's file win",
        });
      }
      // With collisions allowed, the code's file wins, as it would on /var/task ahead of a layer.
      const overridden = new Set(clashing.map((f) => f.path));
      return { functionZip: { code, withDependencies: true, overridden }, layerZip: false };
    }
  }
}

/** What the dependency zip is made of: every file of the tree, under `python/`. */
export function dependencyMembers(files: TreeFile[]): ZipInput[] {
  return files.map((f) => ({
    name: `${LAYER_PREFIX}${f.path}`,
    absolutePath: f.absolutePath,
    executable: f.executable,
    size: f.size,
  }));
}

export function functionMembers(
  plan: NonNullable<PackagePlan["functionZip"]>,
  dependencyZip: ZipDirectory,
): ZipMember[] {
  const members: ZipMember[] = plan.code.map((f) => ({
    name: f.path,
    absolutePath: f.absolutePath,
    executable: f.executable,
    size: f.size,
  }));
  if (plan.withDependencies) {
    const copied = copyEntries(dependencyZip, (name) => {
      const inTree = name.startsWith(LAYER_PREFIX) ? name.slice(LAYER_PREFIX.length) : undefined;
      return inTree && !plan.overridden.has(inTree) ? inTree : undefined;
    });
    append(members, copied);
  }
  return members;
}

/**
 * The zips written and not yet in place: they sit under temporary names in outputDir until
 * the build has passed every check, so a failed build leaves no zip a later step could
 * upload. Each result's `path` is where it lands when published.
 */
export interface WrittenPackages {
  functionZip?: ZipResult;
  layerZip?: ZipResult;
  /** where each zip is until published: checks that read the zips read these */
  staged: { functionZip?: string; layerZip?: string };
  /** renames the zips into place: the build succeeded */
  publish(): Promise<void>;
  /** removes them: the build failed */
  discard(): Promise<void>;
}

const FINAL_NAMES = { functionZip: "function.zip", layerZip: "layer.zip" } as const;

/** function.zip and layer.zip in outputDir, as the plan says, under temporary names until published. */
export async function writePackages(
  plan: PackagePlan,
  dependencyZip: DependencyZip,
  outputDir: string,
): Promise<WrittenPackages> {
  // ends in .zip: a leftover (a killed run) is still recognized as output, never as code
  const suffix = `.partial-${process.pid}-${randomBytes(4).toString("hex")}.zip`;
  const temporary = (kind: keyof typeof FINAL_NAMES) => path.join(outputDir, `${FINAL_NAMES[kind]}${suffix}`);
  const final = (kind: keyof typeof FINAL_NAMES) => path.join(outputDir, FINAL_NAMES[kind]);
  const kinds: (keyof typeof FINAL_NAMES)[] = [];
  if (plan.functionZip) kinds.push("functionZip");
  if (plan.layerZip) kinds.push("layerZip");
  const discard = async () => {
    await Promise.all(kinds.map((k) => rm(temporary(k), { force: true })));
  };
  const layer = async (): Promise<ZipResult | undefined> => {
    if (!plan.layerZip) return undefined;
    // the layer zip is the dependency zip as it is: moved when it is ours alone (a warm build's
    // restored copy) and the function zip does not read it meanwhile; else (or across file
    // systems) copied
    const moved =
      dependencyZip.ownCopy === true &&
      !plan.functionZip?.withDependencies &&
      (await rename(dependencyZip.zip.path, temporary("layerZip")).then(
        () => true,
        () => false,
      ));
    if (!moved) await copyFile(dependencyZip.zip.path, temporary("layerZip"));
    return { ...dependencyZip.zip, path: final("layerZip") };
  };
  const written = await Promise.all([
    plan.functionZip
      ? writeZip(functionMembers(plan.functionZip, dependencyZip.directory), temporary("functionZip")).then((z) => ({
          ...z,
          path: final("functionZip"),
        }))
      : undefined,
    layer(),
  ]).catch(async (error: unknown) => {
    await discard();
    throw error;
  });
  return {
    functionZip: written[0],
    layerZip: written[1],
    staged: {
      functionZip: written[0] && temporary("functionZip"),
      layerZip: written[1] && temporary("layerZip"),
    },
    publish: async () => {
      for (const k of kinds) await rename(temporary(k), final(k));
    },
    discard,
  };
}

/**
 * The output folder, made and proven writable before anything is installed (a file in its
 * place or a folder the runner cannot write would otherwise surface only after the
 * install), and emptied of function.zip and layer.zip: they are this build's outputs, or nothing.
 */
export async function prepareOutputDir(outputDir: string): Promise<void> {
  const hint = "set `output-dir` to a folder the job can write (or leave it unset)";
  const existing = await stat(outputDir).catch(() => undefined);
  if (existing && !existing.isDirectory()) {
    throw new UserError(`output-dir ${outputDir} is a file, not a folder: the zips cannot be written there`, { hint });
  }
  try {
    await mkdir(outputDir, { recursive: true });
    const probe = path.join(outputDir, `.lpp-write-probe-${process.pid}-${randomBytes(4).toString("hex")}`);
    await writeFile(probe, "");
    await rm(probe, { force: true });
    // the previous build's zips go now: a build that fails leaves none for a later step to upload
    for (const name of Object.values(FINAL_NAMES)) await rm(path.join(outputDir, name), { force: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === "ENOTDIR" || code === "EEXIST"
        ? "a file stands where one of its folders should be"
        : code === "EACCES" || code === "EPERM" || code === "EROFS"
          ? "the job may not write there"
          : code === "EISDIR" || code === "ERR_FS_EISDIR"
            ? "a folder stands where function.zip or layer.zip goes"
            : (error as Error).message;
    throw new UserError(`output-dir ${outputDir} cannot hold the zips: ${why}`, { hint, cause: error });
  }
}
