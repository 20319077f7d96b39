/** The function's own code: the files selected in the working directory, and first-party members. */
import type { Inputs } from "../inputs.ts";
import type { TreeFile } from "../install/types.ts";
import type { LockedSet } from "../lock/types.ts";
import type { Log } from "../log.ts";
import { collectSource } from "./collect.ts";
import { collectFirstParty } from "./firstparty.ts";

/** The code files, with first-party packages the lockfile names added at the root. */
export async function functionCode(inputs: Inputs, lock: LockedSet, log: Log): Promise<TreeFile[]> {
  const members = await collectFirstParty(lock, inputs.workingDirectory);
  // Members ship mapped to the zip's root, so the default selection leaves their folders
  // out; a src-layout project ships src/<package> as <package>, not under src/ too.
  const shipped = new Set(members.map((m) => m.name));
  const defaultExcludes = lock.firstParty
    .filter((m) => shipped.has(m.name))
    .map((m) => `${m.path === "." ? "src" : m.path.replace(/^\.\/|\/+$/g, "")}/**`);
  const code = await collectSource({
    workingDirectory: inputs.workingDirectory,
    source: inputs.source,
    exclude: inputs.source.length === 0 ? [...inputs.exclude, ...defaultExcludes] : inputs.exclude,
    outputDir: inputs.outputDir,
  });
  const byPath = new Map(code.map((f) => [f.path, f]));
  for (const member of members) {
    log.info(`First-party ${member.name}: ${member.files.length} files shipped as source`);
    for (const f of member.files) if (!byPath.has(f.path)) byPath.set(f.path, f);
  }
  return [...byPath.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
