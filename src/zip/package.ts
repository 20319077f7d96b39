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
import { copyFile } from "node:fs/promises";
import path from "node:path";
import { UserError } from "../errors.ts";
import { describeFileFolderClash, fileFolderClashes } from "../inspect/collisions.ts";
import type { TreeFile } from "../install/types.ts";
import type { ZipDirectory } from "./reader.ts";
import { copyEntries, writeZip, type ZipInput, type ZipMember, type ZipResult } from "./writer.ts";

export const PACKAGE_MODES = ["function", "layer", "split"] as const;
export type PackageMode = (typeof PACKAGE_MODES)[number];

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
}

const NONE: ReadonlySet<string> = new Set();

export function planPackages(
  mode: PackageMode,
  code: TreeFile[],
  dependencies: TreeFile[],
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
    members.push(
      ...copyEntries(dependencyZip, (name) => {
        const inTree = name.startsWith(LAYER_PREFIX) ? name.slice(LAYER_PREFIX.length) : undefined;
        return inTree && !plan.overridden.has(inTree) ? inTree : undefined;
      }),
    );
  }
  return members;
}

/** function.zip and layer.zip in outputDir, as the plan says. */
export async function writePackages(
  plan: PackagePlan,
  dependencyZip: DependencyZip,
  outputDir: string,
): Promise<{ functionZip?: ZipResult; layerZip?: ZipResult }> {
  const layer = async (): Promise<ZipResult | undefined> => {
    if (!plan.layerZip) return undefined;
    const file = path.join(outputDir, "layer.zip");
    await copyFile(dependencyZip.zip.path, file);
    return { ...dependencyZip.zip, path: file };
  };
  const [functionZip, layerZip] = await Promise.all([
    plan.functionZip
      ? writeZip(functionMembers(plan.functionZip, dependencyZip.directory), path.join(outputDir, "function.zip"))
      : undefined,
    layer(),
  ]);
  return { functionZip, layerZip };
}
