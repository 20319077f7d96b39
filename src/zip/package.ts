/**
 * What goes into which zip: the function zip holds the code at its root (and the
 * dependencies too, for `package: function`); the layer zip holds the dependencies
 * under `python/`, where Lambda puts /opt/python on the path.
 */
import { UserError } from "../errors.ts";
import type { TreeFile } from "../install/types.ts";
import type { ZipInput } from "./writer.ts";

export const PACKAGE_MODES = ["function", "layer", "split"] as const;
export type PackageMode = (typeof PACKAGE_MODES)[number];

export interface PackagePlan {
  functionZip?: ZipInput[];
  layerZip?: ZipInput[];
}

const asEntry =
  (prefix: string) =>
  (f: TreeFile): ZipInput => ({
    name: `${prefix}${f.path}`,
    absolutePath: f.absolutePath,
    executable: f.executable,
    size: f.size,
  });

export function planPackages(
  mode: PackageMode,
  code: TreeFile[],
  dependencies: TreeFile[],
  allowCollisions: boolean,
): PackagePlan {
  const codeEntries = code.map(asEntry(""));
  switch (mode) {
    case "layer":
      return { layerZip: dependencies.map(asEntry("python/")) };
    case "split":
      return { functionZip: codeEntries, layerZip: dependencies.map(asEntry("python/")) };
    case "function": {
      const codePaths = new Set(code.map((f) => f.path));
      const clashing = dependencies.filter((f) => codePaths.has(f.path));
      if (clashing.length > 0 && !allowCollisions) {
        const list = clashing.map((f) => `${f.path} (code and ${f.distribution ?? "a dependency"})`).join(", ");
        throw new UserError(`the function code and the dependencies both provide ${list}`, {
          hint: "rename or remove the file in your code, or set `allow-collisions: true` to let the code's file win",
        });
      }
      // With collisions allowed, the code's file wins, as it would on /var/task ahead of a layer.
      return { functionZip: [...codeEntries, ...dependencies.filter((f) => !codePaths.has(f.path)).map(asEntry(""))] };
    }
  }
}
