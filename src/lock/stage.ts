/**
 * The build's first stage: the target logged, the lockfile found (or given) and read for it,
 * or the function code alone when there is no lockfile.
 */
import { UserError } from "../errors.ts";
import type { Inputs } from "../inputs.ts";
import type { Log } from "../log.ts";
import { glibcString, type Target } from "../target.ts";
import { chooseLockfile, DETECTED_LOCKFILES, readLockfile } from "./index.ts";
import { emptyIndexOptions, type LockedSet } from "./types.ts";

export function logTarget(target: Target, log: Log): void {
  log.info(`Target: ${target.runtime} on ${target.architecture} (${target.os}, glibc ${glibcString(target)})`);
  if (target.deprecated) {
    log.annotate(
      "warning",
      `${target.runtime} is deprecated by AWS Lambda: it still deploys, but plan the move to a newer runtime`,
    );
  }
}

/** The lockfile found (or given) and read for the target; none at all is allowed for code alone. */
export async function lockedSet(inputs: Inputs, target: Target, log: Log): Promise<LockedSet> {
  const choice = chooseLockfile(inputs.workingDirectory, inputs.lockfile);
  let lock: LockedSet;
  if (!choice) lock = codeWithoutLockfile(inputs, log);
  else {
    if (choice.ignored.length > 0) {
      log.info(
        `Lockfile: ${choice.file} (also present, not used: ${choice.ignored.join(", ")}; set \`lockfile\` to choose)`,
      );
    } else log.info(`Lockfile: ${choice.file}`);
    lock = await readLockfile(choice, {
      workingDirectory: inputs.workingDirectory,
      target,
      groups: inputs.groups,
      extras: inputs.extras,
      buildFromSource: inputs.buildFromSource,
    });
  }
  log.info(`${lock.requirements.length} pinned distributions for ${target.runtime}/${target.architecture}`);
  const members = lock.firstParty.filter((m) => m.path !== ".").map((m) => m.name);
  if (inputs.packageMode === "layer" && members.length > 0) {
    log.annotate(
      "warning",
      `first-party packages ${members.join(", ")} are code, not in the layer: use package: split, or publish them as wheels and pin them`,
      { file: lock.lockfile },
    );
  }
  return lock;
}

/**
 * A handler with no third-party dependencies needs no lockfile: the code is built alone.
 * A layer holds dependencies only, so `layer` and `split` still need one.
 */
function codeWithoutLockfile(inputs: Inputs, log: Log): LockedSet {
  const where = `${inputs.workingDirectory} (looked for ${DETECTED_LOCKFILES})`;
  if (inputs.packageMode !== "function") {
    throw new UserError(`no lockfile found in ${where}; package: ${inputs.packageMode} needs one for the layer`, {
      hint: "set `lockfile` to your lockfile's path relative to `working-directory`, or use `package: function` to ship code without dependencies",
    });
  }
  log.annotate(
    "notice",
    `no lockfile found in ${where}: building the function code alone, with no third-party dependencies`,
  );
  // An empty lockfile name marks "no lockfile" for the report.
  return {
    format: "requirements",
    lockfile: "",
    requirements: [],
    indexes: emptyIndexOptions(),
    complete: true,
    firstParty: [],
  };
}
