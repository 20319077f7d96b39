/**
 * First-party code a lockfile names (the project itself, uv workspace members, path
 * dependencies inside the project) ships as source, never fetched from an index.
 * A member's importable code is its `src/` folder when it has one (the src layout),
 * else the member's folder; it lands at the zip's root, as an installed package would.
 */
import { existsSync, statSync } from "node:fs";
import path from "node:path";
import picomatch from "picomatch";
import type { TreeFile } from "../install/types.ts";
import type { LockedSet } from "../lock/types.ts";
import { checkSymlinks, DEFAULT_EXCLUDES } from "./collect.ts";
import { refuseUnshippable, walkSource } from "./walk.ts";

/** Not importable code, even inside a member's folder. */
const MEMBER_EXCLUDES = [...DEFAULT_EXCLUDES, "setup.py", "setup.cfg", "README*", "LICENSE*", "CHANGELOG*", "*.md"];

export async function collectFirstParty(
  lock: LockedSet,
  workingDirectory: string,
): Promise<{ name: string; files: TreeFile[] }[]> {
  const excluded = picomatch(MEMBER_EXCLUDES, { dot: true });
  const members: { name: string; files: TreeFile[] }[] = [];
  for (const member of lock.firstParty) {
    const dir = path.resolve(workingDirectory, member.path);
    const src = path.join(dir, "src");
    const srcLayout = existsSync(src) && statSync(src).isDirectory();
    // The project itself without a src layout is the function code already (`source`).
    if (member.path === "." && !srcLayout) continue;
    const root = srcLayout ? src : dir;
    const walked = walkSource(root, {
      roots: [""],
      pruneDir: (rel) => excluded(rel) || rel === "__pycache__" || rel.endsWith("/__pycache__"),
    }).filter((f) => !excluded(f.path) && !f.path.endsWith(".pyc"));
    refuseUnshippable(walked);
    await checkSymlinks(walked, workingDirectory);
    members.push({ name: member.name, files: walked.map(({ special: _s, badName: _b, ...f }) => f) });
  }
  return members;
}
