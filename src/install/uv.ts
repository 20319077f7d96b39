/**
 * uv, when the user has it (e.g. after astral-sh/setup-uv): the same pinned set and
 * target as pip, so a build does not depend on which installer the runner has. `--python-platform <arch>-manylinux_2_N` includes every
 * lower level and the legacy aliases; its valid N are 2014, 2_17, 2_28, 2_31…, so the
 * Amazon Linux 2 runtimes (glibc 2.26) use manylinux2014 (there is no 2_26 value).
 */
import { writeFile } from "node:fs/promises";
import path from "node:path";
import type { LockedSet } from "../lock/types.ts";
import type { Target } from "../target.ts";
import { diagnoseInstallFailure } from "./diagnose.ts";
import { renderRequirements } from "./pip.ts";
import { runProcess } from "./process.ts";
import type { InstallRequest } from "./types.ts";

export function uvPythonPlatform(target: Target): string {
  const [, minor] = target.glibcCeiling;
  return minor >= 34 ? `${target.machine}-manylinux_2_34` : `${target.machine}-manylinux2014`;
}

export function uvArgs(
  target: Target,
  requirementsFile: string,
  directory: string,
  lock: LockedSet,
  python?: string,
): string[] {
  const args = [
    "pip",
    "install",
    "--target",
    directory,
    "--python-version",
    target.pythonVersion,
    "--python-platform",
    uvPythonPlatform(target),
    "--only-binary",
    ":all:",
    "--no-installer-metadata",
    "--no-compile-bytecode",
    "--link-mode",
    "copy",
  ];
  if (python) args.push("--python", python);
  if (lock.requirements.some((r) => r.hashes.length > 0)) args.push("--require-hashes");
  if (lock.complete) args.push("--no-deps");
  args.push("-r", requirementsFile);
  return args;
}

export async function uvInstall(request: InstallRequest & { uv: string }): Promise<void> {
  const { lock, target, directory, log } = request;
  const { written, asked, unset } = request.indexes;
  const requirementsFile = path.join(request.scratch, "requirements.lambda.txt");
  await writeFile(requirementsFile, renderRequirements(lock, written));
  // uv lets its index variables beat the file's options: the file already says what they said
  const env: NodeJS.ProcessEnv = { ...request.env, UV_NO_PROGRESS: "1", PYTHONDONTWRITEBYTECODE: "1" };
  for (const name of unset) delete env[name];
  const result = await log.group(`uv pip install for ${target.runtime} ${target.architecture}`, () =>
    runProcess(request.uv, uvArgs(target, requirementsFile, directory, lock, request.python || undefined), {
      env,
      log,
    }),
  );
  if (result.code !== 0)
    throw await diagnoseInstallFailure(result.output, { lock, target, indexes: asked, env, installer: "uv" });
}
