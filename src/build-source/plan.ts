/**
 * The decisions of building from source (input `build-from-source`), apart from the processes
 * that carry them out: what the build's environment holds, what pip is told, and whether the
 * wheel a build made may ship: `pure` takes pure-Python wheels only; `any` also takes a platform
 * wheel the runner could build for the target (same machine, the runtime's Python), retagged for
 * the target so the inspection then judges its binaries (ELF machine, GLIBC versions).
 */

import { UserError } from "../errors.ts";
import { hasElfMagic } from "../inspect/elf.ts";
import { checkVersion, printable, shown } from "../lock/grammar.ts";
import { type BuildFromSource, normalizeName, type PinnedRequirement } from "../lock/types.ts";
import { redact } from "../redact.ts";
import { parseWheelFilename, type Target, type WheelName } from "../target.ts";

/** What one build made, for the log and the summary. */
export interface BuiltFromSource {
  name: string;
  version: string;
  /** where it was built from, as the log says it */
  source: string;
  /** the wheel shipped */
  wheel: string;
  ms: number;
}

/** 1980-01-02: the zip format's first day (plus one, so no time zone turns it into 1979). */
export const SOURCE_DATE_EPOCH = "315619200";

/**
 * The build runs code from the lockfile: it gets the runner's environment without what deploys
 * or speaks for the repository (AWS credentials, tokens, the Actions runtime, the action's own
 * inputs), and with a fixed SOURCE_DATE_EPOCH so backends write the same bytes on every build.
 */
export function buildEnvironment(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const kept: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(env)) {
    if (!keptForBuild(name)) continue;
    kept[name] = value;
  }
  return {
    ...kept,
    SOURCE_DATE_EPOCH,
    PIP_DISABLE_PIP_VERSION_CHECK: "1",
    PIP_NO_INPUT: "1",
    PYTHONDONTWRITEBYTECODE: "1",
    GIT_TERMINAL_PROMPT: "0",
    // no remote helpers (`ext::`); no local repository either, but for the lock's own file:// URL (gitEnvironment)
    GIT_ALLOW_PROTOCOL: GIT_NETWORK_PROTOCOLS,
  };
}

const GIT_NETWORK_PROTOCOLS = "https:http:ssh:git";

/**
 * What a variable's name says it holds: deploy credentials, the Actions runtime, the
 * action's inputs, a token, password or key of any tool (`NPM_TOKEN`, `PYPI_API_TOKEN`,
 * `DB_PASSWORD`), or the files through which a step sets the next steps' environment,
 * PATH and outputs (`GITHUB_ENV`…): none of it is the build's business.
 */
function keptForBuild(name: string): boolean {
  if (/^(AWS_|ACTIONS_|INPUT_)/i.test(name)) return false;
  if (/^GITHUB_(TOKEN|ENV|PATH|OUTPUT|STATE|STEP_SUMMARY)$/i.test(name)) return false;
  return !/(?:^|_)(?:TOKEN|SECRETS?|PASSWORD|PASSWD|PASSPHRASE|CREDENTIALS?|APIKEY|KEY|PAT)(?:_|$)/i.test(name);
}

/**
 * git's environment for fetching the lock's repository: a `file://` repository is allowed
 * when the lock names one, never for the submodules a repository names (git's own default
 * since 2.38.1: a local submodule can read the runner's files through symlinks).
 */
export function gitEnvironment(buildEnv: NodeJS.ProcessEnv, url: string | undefined): NodeJS.ProcessEnv {
  const local = url !== undefined && /^file:/i.test(url);
  return { ...buildEnv, GIT_ALLOW_PROTOCOL: local ? `${GIT_NETWORK_PROTOCOLS}:file` : GIT_NETWORK_PROTOCOLS };
}

/** Where a pin is built from, for the log, the summary and messages (credentials redacted). */
export function sourceLabel(pin: PinnedRequirement): string {
  const build = pin.build;
  if (!build || build.kind === "sdist") return "its source distribution on the index";
  const sub = build.subdirectory ? ` (${build.subdirectory})` : "";
  if (build.kind === "git") return redact(`git ${build.url} at ${build.commit}${sub}`);
  return redact(`the archive ${build.url}${sub}`);
}

/** How a pin reads in the log: name and version, or name alone when the lock recorded none. */
export function pinLabel(pin: { name: string; version: string }): string {
  return pin.version ? `${pin.name} ${pin.version}` : pin.name;
}

/**
 * `pip wheel` for one pin: no dependencies (the lock pins them, or the installer resolves them
 * from the built wheel), the pin's own source allowed, every build requirement binary-only.
 */
export function pipWheelArgs(name: string, requirementsFile: string, wheelDir: string): string[] {
  return [
    "-m",
    "pip",
    "wheel",
    "--no-deps",
    "--wheel-dir",
    wheelDir,
    "--only-binary=:all:",
    `--no-binary=${name}`,
    "--disable-pip-version-check",
    "--no-input",
    "--progress-bar",
    "off",
    "-r",
    requirementsFile,
  ];
}

/** The line pip reads for the pin (its fields passed the lock's grammar): by version, by URL, or a checked-out folder. */
export function pinLine(pin: PinnedRequirement, checkout?: string): string {
  const hashes = pin.hashes.map((h) => ` --hash=${h}`).join("");
  if (checkout !== undefined) return checkout;
  if (pin.build?.kind === "archive") {
    const sub = pin.build.subdirectory ? `#subdirectory=${pin.build.subdirectory}` : "";
    return `${pin.name} @ ${pin.build.url}${sub}${hashes}`;
  }
  return `${pin.name}==${pin.version}${hashes}`;
}

const OUTPUT_LINES = 40;
const OUTPUT_CHARS = 6000;

/** A failed build: the distribution, its source, and the end of the backend's output (bounded, redacted). */
export function buildFailure(pin: PinnedRequirement, code: number, output: string): UserError {
  const lines = output.trimEnd().split(/\r?\n/);
  // each line as printable text: a backend's colours, carriage returns or other controls never reach the log
  let tail = lines
    .slice(-OUTPUT_LINES)
    .map((line) => printable(line, OUTPUT_CHARS))
    .join("\n");
  if (tail.length > OUTPUT_CHARS) tail = `…${tail.slice(-OUTPUT_CHARS)}`;
  const cut = lines.length > OUTPUT_LINES ? ` (its last ${OUTPUT_LINES} lines)` : "";
  return new UserError(
    `building ${pinLabel(pin)} from ${sourceLabel(pin)} failed (exit ${code}); the build said${cut}:\n${tail}`,
    {
      where: { ...pin.where, distribution: pin.name },
      hint: "fix the build (its build requirements come from your indexes as wheels only), publish a wheel of it to your index, or set `build-from-source: never` to refuse sources",
    },
  );
}

/** A wheel file name's build tag and tags: what a backend may write there, and nothing else. */
const WHEEL_TAGS = /^[A-Za-z0-9_]+(?:\.[A-Za-z0-9_]+)*$/;

/**
 * The file a build made, read as a wheel name: it must be one (the backend chose it, so it is
 * outside text like the lock), and name the distribution the lock names, at the version the
 * lock recorded (a git source in a Pipfile.lock or requirements file records none: then a
 * PEP 440 version).
 */
export function checkBuiltWheel(pin: PinnedRequirement, filename: string): WheelName {
  const wheel = parseWheelFilename(filename);
  const where = { ...pin.where, distribution: pin.name };
  const made = `building ${pinLabel(pin)} from ${sourceLabel(pin)} made ${quotedFile(filename)}`;
  const tags = wheel ? filename.slice(0, -4).split("-").slice(2) : [];
  if (!wheel || !tags.every((t) => WHEEL_TAGS.test(t))) {
    throw new UserError(`${made}, which is not a wheel file name (name-version-python-abi-platform.whl)`, {
      where,
      hint: "fix the package's build backend, or publish a wheel of it to your index",
    });
  }
  let version: string | undefined;
  try {
    version = checkVersion(wheel.version, where);
  } catch {}
  const sameName = normalizeName(wheel.name) === pin.name;
  if (sameName && version !== undefined && (!pin.version || pin.version === version)) return wheel;
  throw new UserError(`${made}, not ${pinLabel(pin)}: another distribution or version than the lock names`, {
    where,
    hint: "lock the source again: the code at that source is another distribution or version than the lock recorded",
  });
}

/** The wheel a build made cannot be read (no zip, a member corrupt or compressed in a way wheels are not). */
export function unreadableWheel(pin: PinnedRequirement, filename: string, why: string): UserError {
  return new UserError(
    `building ${pinLabel(pin)} from ${sourceLabel(pin)} made ${quotedFile(filename)}, which is not a readable wheel: ${printable(why, 300)}`,
    {
      where: { ...pin.where, distribution: pin.name },
      hint: "fix the package's build backend, or publish a wheel of it to your index",
    },
  );
}

function quotedFile(filename: string): string {
  return `"${shown(filename, 200)}"`;
}

/** git failed at a step: the distribution, the source, and git's last lines (bounded, printable, redacted). */
export function gitFailure(pin: PinnedRequirement, what: string, output: string): UserError {
  const said = output.trim().split(/\r?\n/).slice(-5).join(" ");
  return new UserError(`cannot ${what} ${pinLabel(pin)} from ${sourceLabel(pin)}: ${printable(said, 1000)}`, {
    where: { ...pin.where, distribution: pin.name },
    hint: "check that the repository is reachable from the runner (credentials for a private one come from git's own configuration) and that the commit is in it",
  });
}

/** git could not be started at all (not installed, not on PATH). */
export function gitMissing(pin: PinnedRequirement, why: string): UserError {
  return new UserError(`cannot run git to fetch ${pinLabel(pin)} from ${sourceLabel(pin)}: ${printable(why, 300)}`, {
    where: { ...pin.where, distribution: pin.name },
    hint: "install git on the runner (or in the job's container) and put it on PATH",
  });
}

/** The machine a wheel tag names for this runner: x86_64 or aarch64. */
export function runnerMachine(arch: string = process.arch): string {
  return arch === "x64" ? "x86_64" : arch === "arm64" ? "aarch64" : arch;
}

export interface BuiltWheel {
  wheel: WheelName;
  /** members that are compiled code (isCompiled) */
  compiled: string[];
}

const COMPILED_NAME = /\.(so|pyd|dylib|dll)(\.[0-9.]+)?$/i;
const MAGICS = [
  "feedface", // Mach-O 32, big- and little-endian
  "cefaedfe",
  "feedfacf", // Mach-O 64
  "cffaedfe",
  "213c617263683e0a", // "!<arch>\n": a static library (.a, .lib)
].map((hex) => Buffer.from(hex, "hex"));

/**
 * Whether a wheel member is compiled code: by its name (.so, .pyd, .dylib, .dll), or by its
 * first bytes (ELF, Mach-O and universal Mach-O, a static library, a PE executable or DLL).
 */
export function isCompiled(name: string, data: Buffer): boolean {
  // ELF (shared objects, executables, object files, whatever their name) as the inspection knows it
  if (COMPILED_NAME.test(name) || hasElfMagic(data)) return true;
  if (MAGICS.some((m) => data.subarray(0, m.length).equals(m))) return true;
  const first = data.length >= 8 ? data.readUInt32BE(0) : 0;
  // 0xcafebabe is a universal Mach-O with a few architectures, or a Java class (its version, 45 and up, follows)
  if ((first === 0xcafebabe || first === 0xcafebabf) && data.readUInt32BE(4) < 45) return true;
  // PE: "MZ", and at the offset in 0x3c "PE\0\0"
  if (data.length >= 0x40 && data.readUInt16BE(0) === 0x4d5a) {
    const pe = data.readUInt32LE(0x3c);
    return pe + 4 <= data.length && data.readUInt32BE(pe) === 0x50450000;
  }
  return false;
}

/** What to do with a built wheel: ship it as it is, ship it retagged for the target, or refuse it. */
export type Verdict = { ship: true; retag?: string } | { ship: false; error: UserError };

/**
 * `pure`: a `none-any` wheel without compiled files. `any`: also a platform wheel built on the
 * target's machine by the runtime's Python, retagged to the target's manylinux level so the
 * inspection judges its binaries. A `none-any` wheel with compiled files is a broken build either way.
 */
export function judgeBuiltWheel(
  pin: PinnedRequirement,
  built: BuiltWheel,
  mode: BuildFromSource,
  target: Target,
  runner: { machine: string; pythonMinor: number },
): Verdict {
  const { wheel, compiled } = built;
  const where = { ...pin.where, distribution: pin.name };
  const isPure = wheel.abiTags.every((t) => t === "none") && wheel.platformTags.every((t) => t === "any");
  const files = `${compiled
    .slice(0, 5)
    .map((f) => shown(f, 120))
    .join(", ")}${compiled.length > 5 ? ` and ${compiled.length - 5} more` : ""}`;
  const made = `${pinLabel(pin)} was built from ${sourceLabel(pin)} into ${shown(wheel.filename, 200)}`;
  if (isPure && compiled.length === 0) return { ship: true };
  if (isPure) {
    return refuse(`${made}, tagged pure Python yet holding compiled files (${files}): a broken build`, where);
  }
  const wayOut = `publish a manylinux wheel of ${pin.name} for ${target.runtime} ${target.architecture} to your index`;
  if (mode !== "any") {
    const what =
      compiled.length > 0
        ? `compiled files (${files})`
        : `the platform tag ${wheel.abiTags[0]}-${wheel.platformTags[0]}`;
    return refuse(
      `${made}, which is not pure Python: it has ${what}; build-from-source: pure ships pure-Python builds only`,
      where,
      `${wayOut}, or set \`build-from-source: any\` to ship what the runner builds for the target (same architecture, Python ${target.pythonVersion}; the inspection then checks its binaries)`,
    );
  }
  const cannot: string[] = [];
  if (runner.machine !== target.machine) cannot.push(`this runner is ${runner.machine}, the target ${target.machine}`);
  if (runner.pythonMinor !== target.pythonMinor)
    cannot.push(`it was built by Python 3.${runner.pythonMinor}, the runtime is Python ${target.pythonVersion}`);
  const platforms = wheel.platformTags.filter((t) => t !== "any");
  if (platforms.some((t) => t !== `linux_${target.machine}` && !t.startsWith("manylinux")))
    cannot.push(`its platform ${platforms.join(".")} is not Linux on ${target.machine}`);
  if (cannot.length > 0) {
    return refuse(
      `${made}, a platform wheel this runner cannot build for the target: ${cannot.join("; ")}`,
      where,
      `build on a ${target.machine} runner with Python ${target.pythonVersion} (actions/setup-python), or ${wayOut}`,
    );
  }
  return { ship: true, retag: target.platformTags[0] };
}

function refuse(message: string, where: UserError["where"], hint?: string): Verdict {
  return {
    ship: false,
    error: new UserError(message, {
      where,
      hint: hint ?? "fix the build of the package, or publish a wheel of it to your index",
    }),
  };
}
