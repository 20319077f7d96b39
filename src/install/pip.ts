/**
 * pip, installing for the Lambda target rather than the host (REFERENCE §2): binary
 * wheels only, the runtime's Python version and ABI, every manylinux level that fits.
 */
import { writeFile } from "node:fs/promises";
import path from "node:path";
import type { IndexOptions, LockedSet } from "../lock/types.ts";
import type { Target } from "../target.ts";
import { diagnoseInstallFailure } from "./diagnose.ts";
import { runProcess } from "./process.ts";
import type { InstallRequest } from "./types.ts";

/** The pinned set as pip reads it: markers already decided, one line per distribution. */
export function renderRequirements(lock: LockedSet, indexes: IndexOptions): string {
  const lines: string[] = [];
  if (indexes.noIndex) lines.push("--no-index");
  if (indexes.indexUrl) lines.push(`--index-url ${indexes.indexUrl}`);
  for (const url of indexes.extraIndexUrls) lines.push(`--extra-index-url ${url}`);
  for (const link of indexes.findLinks) lines.push(`--find-links ${link}`);
  for (const host of indexes.trustedHosts) lines.push(`--trusted-host ${host}`);
  for (const r of lock.requirements) {
    const extras = r.extras.length ? `[${r.extras.join(",")}]` : "";
    const hashes = r.hashes.map((h) => ` --hash=${h}`).join("");
    lines.push(`${r.name}${extras}==${r.version}${hashes}`);
  }
  return `${lines.join("\n")}\n`;
}

export function pipArgs(target: Target, requirementsFile: string, directory: string, lock: LockedSet): string[] {
  const args = [
    "-m",
    "pip",
    "install",
    "--target",
    directory,
    "--only-binary=:all:",
    "--implementation",
    "cp",
    "--python-version",
    target.pythonVersion,
    "--abi",
    `cp3${target.pythonMinor}`,
    "--abi",
    "abi3",
    "--abi",
    "none",
    ...target.platformTags.flatMap((tag) => ["--platform", tag]),
    "--no-compile",
    "--no-warn-script-location",
    "--disable-pip-version-check",
    "--no-input",
    "--progress-bar",
    "off",
  ];
  if (lock.complete) args.push("--no-deps");
  args.push("-r", requirementsFile);
  return args;
}

export async function pipInstall(request: InstallRequest): Promise<void> {
  const { lock, target, directory, python, log } = request;
  const requirementsFile = path.join(request.scratch, "requirements.lambda.txt");
  await writeFile(requirementsFile, renderRequirements(lock, request.indexes.written));
  const env: NodeJS.ProcessEnv = {
    ...request.env,
    PIP_DISABLE_PIP_VERSION_CHECK: "1",
    PIP_NO_INPUT: "1",
    PIP_ROOT_USER_ACTION: "ignore",
    PYTHONDONTWRITEBYTECODE: "1",
  };
  const result = await log.group(`pip install for ${target.runtime} ${target.architecture}`, () =>
    runProcess(python, pipArgs(target, requirementsFile, directory, lock), { env, log }),
  );
  if (result.code !== 0) {
    throw await diagnoseInstallFailure(result.output, {
      lock,
      target,
      indexes: request.indexes.asked,
      env,
      installer: "pip",
    });
  }
}
