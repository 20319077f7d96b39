/**
 * Runtime + architecture → everything that decides which wheels fit: the Python
 * version, the glibc ceiling, the platform tags pip must be told about, and the
 * wheel-tag fit rules: a wheel fits when Lambda's Python can import it and the
 * runtime's glibc and architecture can load its binaries.
 */

export const RUNTIMES = {
  "python3.9": { minor: 9, glibc: [2, 26], os: "Amazon Linux 2", deprecated: true },
  "python3.10": { minor: 10, glibc: [2, 26], os: "Amazon Linux 2", deprecated: false },
  "python3.11": { minor: 11, glibc: [2, 26], os: "Amazon Linux 2", deprecated: false },
  "python3.12": { minor: 12, glibc: [2, 34], os: "Amazon Linux 2023", deprecated: false },
  "python3.13": { minor: 13, glibc: [2, 34], os: "Amazon Linux 2023", deprecated: false },
  "python3.14": { minor: 14, glibc: [2, 34], os: "Amazon Linux 2023", deprecated: false },
} as const;

export type Runtime = keyof typeof RUNTIMES;
export const ARCHITECTURES = ["x86_64", "arm64"] as const;
export type Architecture = (typeof ARCHITECTURES)[number];

export interface Target {
  runtime: Runtime;
  architecture: Architecture;
  /** "3.12" */
  pythonVersion: string;
  pythonMinor: number;
  /** [major, minor] of the runtime's glibc */
  glibcCeiling: readonly [number, number];
  /** the machine name wheels and `platform_machine` use: x86_64 or aarch64 */
  machine: "x86_64" | "aarch64";
  os: string;
  deprecated: boolean;
  /** every manylinux platform tag that runs on the target, best first */
  platformTags: string[];
}

export function isRuntime(value: string): value is Runtime {
  return Object.hasOwn(RUNTIMES, value);
}

export function isArchitecture(value: string): value is Architecture {
  return (ARCHITECTURES as readonly string[]).includes(value);
}

export function makeTarget(runtime: Runtime, architecture: Architecture): Target {
  const r = RUNTIMES[runtime];
  const machine = architecture === "arm64" ? "aarch64" : "x86_64";
  return {
    runtime,
    architecture,
    pythonVersion: `3.${r.minor}`,
    pythonMinor: r.minor,
    glibcCeiling: r.glibc,
    machine,
    os: r.os,
    deprecated: r.deprecated,
    platformTags: manylinuxTags(r.glibc[1], machine),
  };
}

export function glibcString(target: Target): string {
  return target.glibcCeiling.join(".");
}

/** Orders dotted numbers such as glibc's symbol versions ("2.2.5" < "2.14" < "2.28" = "2.28.0"). */
export function compareDotted(a: string, b: string): number {
  const pa = a.split(".").map(Number);
  const pb = b.split(".").map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** Legacy manylinux names and the glibc minor each stands for. */
const LEGACY_MANYLINUX: Record<string, number> = { manylinux1: 5, manylinux2010: 12, manylinux2014: 17 };
/** aarch64 wheels start at manylinux2014 (glibc 2.17); x86_64 at manylinux1 (2.5). */
const OLDEST_GLIBC_MINOR = { x86_64: 5, aarch64: 17 } as const;

/**
 * pip does not expand perennial tags (manylinux_2_34 does not imply 2_28), so every
 * level is listed, best first, with the legacy alias placed at its glibc level.
 */
function manylinuxTags(glibcMinor: number, machine: "x86_64" | "aarch64"): string[] {
  const tags: string[] = [];
  for (let minor = glibcMinor; minor >= OLDEST_GLIBC_MINOR[machine]; minor--) {
    tags.push(`manylinux_2_${minor}_${machine}`);
    for (const [legacy, legacyMinor] of Object.entries(LEGACY_MANYLINUX)) {
      if (legacyMinor === minor) tags.push(`${legacy}_${machine}`);
    }
  }
  return tags;
}

export interface WheelName {
  filename: string;
  name: string;
  version: string;
  pythonTags: string[];
  abiTags: string[];
  platformTags: string[];
}

/** `name-version(-build)?-py-abi-plat.whl`, each tag part possibly dotted (compressed tag sets). */
export function parseWheelFilename(filename: string): WheelName | undefined {
  if (!filename.endsWith(".whl")) return undefined;
  const parts = filename.slice(0, -4).split("-");
  if (parts.length !== 5 && parts.length !== 6) return undefined;
  const [name, version] = parts;
  const [py, abi, plat] = parts.slice(-3);
  if (!name || !version || !py || !abi || !plat) return undefined;
  return {
    filename,
    name,
    version,
    pythonTags: py.split("."),
    abiTags: abi.split("."),
    platformTags: plat.split("."),
  };
}

export type FitResult = { fits: true; tag: string } | { fits: false; reason: string };

/**
 * Whether a wheel (given its tags) installs and runs on the target. The wheel fits if
 * any one of its tag triples fits; otherwise the reason names the part that failed.
 */
export function wheelFits(
  wheel: Pick<WheelName, "pythonTags" | "abiTags" | "platformTags">,
  target: Target,
): FitResult {
  const reasons: string[] = [];
  for (const plat of wheel.platformTags) {
    const platReason = platformReason(plat, target);
    for (const abi of wheel.abiTags) {
      for (const py of wheel.pythonTags) {
        const reason = platReason ?? interpreterReason(py, abi, target);
        if (reason === undefined) return { fits: true, tag: `${py}-${abi}-${plat}` };
        reasons.push(reason);
      }
    }
  }
  // The platform reason is the most useful one when every platform failed; else the first.
  return { fits: false, reason: [...new Set(reasons)].join("; ") };
}

function interpreterReason(py: string, abi: string, target: Target): string | undefined {
  const minor = target.pythonMinor;
  const cp = /^cp3(\d+)$/.exec(py);
  const pyGeneric = /^py3(\d*)$/.exec(py);
  if (abi === `cp3${minor}`) {
    if (py === `cp3${minor}`) return undefined;
    return `python tag ${py} with ABI ${abi} does not match CPython ${target.pythonVersion}`;
  }
  const variant = /^cp3(\d+)([dmut]+)$/.exec(abi);
  if (variant) {
    const kind = variant[2]!.includes("t")
      ? "free-threaded"
      : variant[2]!.includes("d")
        ? "debug"
        : "pymalloc (Python ≤ 3.7)";
    return `ABI ${abi} is for a ${kind} build of CPython 3.${variant[1]}; Lambda runs the standard ABI cp3${minor}`;
  }
  if (/^cp3\d+$/.test(abi)) {
    return `ABI ${abi} is for ${describeCp(abi)}, the runtime ${target.runtime} is CPython ${target.pythonVersion}`;
  }
  if (abi === "abi3") {
    if (cp && Number(cp[1]) <= minor) return undefined;
    return `${py}-abi3 needs ${cp ? `CPython ≥ 3.${cp[1]}` : "CPython"}, the runtime is ${target.pythonVersion}`;
  }
  if (abi === "none") {
    if (py === "py2") return "python tag py2 is for Python 2";
    if (pyGeneric) {
      if (pyGeneric[1] !== "" && Number(pyGeneric[1]) > minor) {
        return `python tag ${py} needs Python ≥ 3.${pyGeneric[1]}, the runtime is ${target.pythonVersion}`;
      }
      return undefined;
    }
    if (cp) {
      if (Number(cp[1]) === minor) return undefined;
      return `python tag ${py} is for CPython 3.${cp[1]}, the runtime is ${target.pythonVersion}`;
    }
    return `python tag ${py} is not CPython 3`;
  }
  return `ABI ${abi} is not CPython's`;
}

function describeCp(abi: string): string {
  const m = /^cp3(\d+)/.exec(abi);
  return m ? `CPython 3.${m[1]}` : abi;
}

function platformReason(plat: string, target: Target): string | undefined {
  if (plat === "any") return undefined;
  const glibc = glibcString(target);
  const m = /^(manylinux_(\d+)_(\d+)|manylinux1|manylinux2010|manylinux2014)_(.+)$/.exec(plat);
  if (m) {
    const arch = m[4];
    if (arch !== target.machine) {
      return `platform ${plat} is for ${arch}, the target architecture is ${target.architecture} (${target.machine})`;
    }
    const [major, minorGlibc] =
      m[2] !== undefined ? [Number(m[2]), Number(m[3])] : [2, LEGACY_MANYLINUX[m[1] ?? ""] ?? 0];
    const [ceilMajor, ceilMinor] = target.glibcCeiling;
    if (major < ceilMajor || (major === ceilMajor && minorGlibc <= ceilMinor)) return undefined;
    return `platform ${plat} needs glibc ${major}.${minorGlibc}, ${target.runtime} has glibc ${glibc}`;
  }
  if (plat.startsWith("musllinux")) return `platform ${plat} is for musl libc; Lambda runs glibc ${glibc}`;
  if (plat.startsWith("macosx")) return `platform ${plat} is for macOS`;
  if (plat.startsWith("win")) return `platform ${plat} is for Windows`;
  if (plat.startsWith("linux_")) {
    return `platform ${plat} was built for one particular Linux distribution, not manylinux: it is not safe on Lambda`;
  }
  return `platform ${plat} is not a Linux platform Lambda runs`;
}
