/**
 * pip, installing for the Lambda target rather than the host: binary wheels only
 * (a source build would compile for the runner, not for Lambda), the runtime's Python
 * version and ABI, and every manylinux level the runtime's glibc can load.
 */
import { readdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { UserError, type Where } from "../errors.ts";
import { hasControl, PIP_VARIABLE, shown } from "../lock/grammar.ts";
import { type IndexOptions, type LockedSet, normalizeName } from "../lock/types.ts";
import { parseWheelFilename, type Target } from "../target.ts";
import { diagnoseInstallFailure } from "./diagnose.ts";
import { runProcess } from "./process.ts";
import { readChosenWheels } from "./tree.ts";
import type { InstallRequest } from "./types.ts";

/**
 * The pinned set as pip reads it: markers already decided, one line per distribution.
 * The readers checked every field against its grammar; this refuses once more any field
 * that could start a line or an option (whitespace, a control or line break of Python's
 * splitlines, a leading "-", a trailing "\\" that joins the next line, pip's `${VAR}`).
 */
export function renderRequirements(lock: LockedSet, indexes: IndexOptions): string {
  const lines: string[] = [];
  const option = (name: string, value: string) => lines.push(`${name} ${safeField(value, name, lock)}`);
  if (indexes.noIndex) lines.push("--no-index");
  if (indexes.indexUrl) option("--index-url", indexes.indexUrl);
  for (const url of indexes.extraIndexUrls) option("--extra-index-url", url);
  for (const link of indexes.findLinks) option("--find-links", link);
  for (const host of indexes.trustedHosts) option("--trusted-host", host);
  for (const r of lock.requirements) {
    const field = (value: string, what: string) => safeField(value, `${what} of ${shown(r.name)}`, lock, r.where);
    const extras = r.extras.length ? `[${r.extras.map((e) => field(e, "extra")).join(",")}]` : "";
    const hashes = r.hashes.map((h) => ` --hash=${field(h, "hash")}`).join("");
    // a wheel built on the runner (build-from-source) is installed from its file, never from an index
    if (r.wheel)
      lines.push(`${field(r.name, "name")}${extras} @ ${field(pathToFileURL(r.wheel).href, "wheel")}${hashes}`);
    else lines.push(`${field(r.name, "name")}${extras}==${field(r.version, "version")}${hashes}`);
  }
  return `${lines.join("\n")}\n`;
}

function safeField(value: string, what: string, lock: LockedSet, where?: Where): string {
  const unsafe =
    value === "" ||
    value.startsWith("-") ||
    value.endsWith("\\") ||
    value.includes(PIP_VARIABLE) ||
    /\s/.test(value) ||
    hasControl(value);
  if (unsafe) {
    throw new UserError(
      `refusing to pass ${what} "${shown(value)}" to the installer: it could start a new line or option`,
      {
        where: where ?? { file: lock.lockfile },
        hint: "fix or regenerate the lockfile (and check the index inputs): names, versions, hashes and URLs never hold spaces, line breaks or a leading -",
      },
    );
  }
  return value;
}

/** What makes pip choose wheels for the Lambda target rather than the host: install and download share it. */
function targetOptions(target: Target): string[] {
  return [
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
  ];
}

const QUIET_OPTIONS = ["--disable-pip-version-check", "--no-input", "--progress-bar", "off"];

export function pipArgs(
  target: Target,
  requirementsFile: string,
  directory: string,
  lock: LockedSet,
  reportFile?: string,
): string[] {
  const args = [
    "-m",
    "pip",
    "install",
    "--target",
    directory,
    ...targetOptions(target),
    "--no-compile",
    "--no-warn-script-location",
    ...QUIET_OPTIONS,
  ];
  if (lock.complete) args.push("--no-deps");
  // which file pip chose for each distribution: the wheel-fit check judges that file's name
  if (reportFile) args.push("--report", reportFile);
  args.push("-r", requirementsFile);
  return args;
}

/**
 * The same choice as pipArgs, downloaded rather than installed (pip checks the requirements
 * file's hashes either way); the folder, empty before, then holds exactly the chosen wheels.
 */
export function pipDownloadArgs(
  target: Target,
  requirementsFile: string,
  directory: string,
  lock: LockedSet,
): string[] {
  const args = ["-m", "pip", "download", "-d", directory, ...targetOptions(target), ...QUIET_OPTIONS];
  if (lock.complete) args.push("--no-deps");
  args.push("-r", requirementsFile);
  return args;
}

/** pip 22.2 added `install --report`. */
export function pipHasReport(version: string | undefined): boolean {
  const [major = 0, minor = 0] = (version ?? "").split(".").map((n) => Number.parseInt(n, 10) || 0);
  return major > 22 || (major === 22 && minor >= 2);
}

/**
 * Writes the pinned set as pip reads it, runs pip with the arguments made for that file,
 * and on a failure names every pin that cannot be installed.
 */
async function runPip(
  request: InstallRequest,
  verb: "install" | "download",
  args: (requirementsFile: string) => string[],
  env: NodeJS.ProcessEnv,
): Promise<void> {
  const { lock, target, python, log } = request;
  const requirementsFile = path.join(request.scratch, "requirements.lambda.txt");
  await writeFile(requirementsFile, renderRequirements(lock, request.indexes.written));
  const result = await log.group(`pip ${verb} for ${target.runtime} ${target.architecture}`, () =>
    runProcess(python, args(requirementsFile), { env, log }),
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

/** Installs; returns normalized name → the wheel file pip chose, when this pip can say. */
export async function pipInstall(request: InstallRequest & { pipVersion?: string }): Promise<Record<string, string>> {
  const { lock, target, directory } = request;
  const env: NodeJS.ProcessEnv = {
    ...request.env,
    PIP_DISABLE_PIP_VERSION_CHECK: "1",
    PIP_NO_INPUT: "1",
    PIP_ROOT_USER_ACTION: "ignore",
    PYTHONDONTWRITEBYTECODE: "1",
  };
  // in scratch, never in the cache entry: its download URLs may carry the index's credentials
  const reportFile = pipHasReport(request.pipVersion) ? path.join(request.scratch, "pip-report.json") : undefined;
  await runPip(request, "install", (file) => pipArgs(target, file, directory, lock, reportFile), env);
  return reportFile ? readChosenWheels(reportFile) : {};
}

/**
 * Downloads the chosen wheels into `directory` (empty), checked against the lock's hashes by
 * pip; returns their paths in name order and normalized name → wheel file, as pipInstall does.
 */
export async function pipDownload(
  request: InstallRequest,
): Promise<{ wheels: string[]; chosenWheels: Record<string, string> }> {
  const { lock, target, directory } = request;
  const env: NodeJS.ProcessEnv = { ...request.env, PIP_DISABLE_PIP_VERSION_CHECK: "1", PIP_NO_INPUT: "1" };
  await runPip(request, "download", (file) => pipDownloadArgs(target, file, directory, lock), env);
  const chosenWheels: Record<string, string> = {};
  const wheels: string[] = [];
  for (const file of (await readdir(directory)).sort()) {
    const parsed = parseWheelFilename(file);
    if (!parsed) continue;
    chosenWheels[normalizeName(parsed.name)] = file;
    wheels.push(path.join(directory, file));
  }
  return { wheels, chosenWheels };
}
