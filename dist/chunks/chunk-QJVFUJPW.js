import { createRequire as __lppCreateRequire } from 'node:module'; const require = __lppCreateRequire(import.meta.url);

// src/target.ts
var RUNTIMES = {
  "python3.9": { minor: 9, glibc: [2, 26], os: "Amazon Linux 2", deprecated: true },
  "python3.10": { minor: 10, glibc: [2, 26], os: "Amazon Linux 2", deprecated: false },
  "python3.11": { minor: 11, glibc: [2, 26], os: "Amazon Linux 2", deprecated: false },
  "python3.12": { minor: 12, glibc: [2, 34], os: "Amazon Linux 2023", deprecated: false },
  "python3.13": { minor: 13, glibc: [2, 34], os: "Amazon Linux 2023", deprecated: false },
  "python3.14": { minor: 14, glibc: [2, 34], os: "Amazon Linux 2023", deprecated: false }
};
var ARCHITECTURES = ["x86_64", "arm64"];
function isRuntime(value) {
  return Object.hasOwn(RUNTIMES, value);
}
function isArchitecture(value) {
  return ARCHITECTURES.includes(value);
}
function makeTarget(runtime, architecture) {
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
    platformTags: manylinuxTags(r.glibc[1], machine)
  };
}
function glibcString(target) {
  return target.glibcCeiling.join(".");
}
function compareDotted(a, b) {
  const pa = a.split(".").map(Number);
  const pb = b.split(".").map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}
var LEGACY_MANYLINUX = { manylinux1: 5, manylinux2010: 12, manylinux2014: 17 };
var OLDEST_GLIBC_MINOR = { x86_64: 5, aarch64: 17 };
function manylinuxTags(glibcMinor, machine) {
  const tags = [];
  for (let minor = glibcMinor; minor >= OLDEST_GLIBC_MINOR[machine]; minor--) {
    tags.push(`manylinux_2_${minor}_${machine}`);
    for (const [legacy, legacyMinor] of Object.entries(LEGACY_MANYLINUX)) {
      if (legacyMinor === minor) tags.push(`${legacy}_${machine}`);
    }
  }
  return tags;
}
function parseWheelFilename(filename) {
  if (!filename.endsWith(".whl")) return void 0;
  const parts = filename.slice(0, -4).split("-");
  if (parts.length !== 5 && parts.length !== 6) return void 0;
  const [name, version] = parts;
  const [py, abi, plat] = parts.slice(-3);
  if (!name || !version || !py || !abi || !plat) return void 0;
  return {
    filename,
    name,
    version,
    pythonTags: py.split("."),
    abiTags: abi.split("."),
    platformTags: plat.split(".")
  };
}
function wheelFits(wheel, target) {
  const reasons = [];
  for (const plat of wheel.platformTags) {
    const platReason = platformReason(plat, target);
    for (const abi of wheel.abiTags) {
      for (const py of wheel.pythonTags) {
        const reason = platReason ?? interpreterReason(py, abi, target);
        if (reason === void 0) return { fits: true, tag: `${py}-${abi}-${plat}` };
        reasons.push(reason);
      }
    }
  }
  return { fits: false, reason: [...new Set(reasons)].join("; ") };
}
function interpreterReason(py, abi, target) {
  const minor = target.pythonMinor;
  const cp = /^cp3(\d+)$/.exec(py);
  const pyGeneric = /^py3(\d*)$/.exec(py);
  if (abi === `cp3${minor}`) {
    if (py === `cp3${minor}`) return void 0;
    return `python tag ${py} with ABI ${abi} does not match CPython ${target.pythonVersion}`;
  }
  const variant = /^cp3(\d+)([dmut]+)$/.exec(abi);
  if (variant) {
    const kind = variant[2].includes("t") ? "free-threaded" : variant[2].includes("d") ? "debug" : "pymalloc (Python \u2264 3.7)";
    return `ABI ${abi} is for a ${kind} build of CPython 3.${variant[1]}; Lambda runs the standard ABI cp3${minor}`;
  }
  if (/^cp3\d+$/.test(abi)) {
    return `ABI ${abi} is for ${describeCp(abi)}, the runtime ${target.runtime} is CPython ${target.pythonVersion}`;
  }
  if (abi === "abi3") {
    if (cp && Number(cp[1]) <= minor) return void 0;
    return `${py}-abi3 needs ${cp ? `CPython \u2265 3.${cp[1]}` : "CPython"}, the runtime is ${target.pythonVersion}`;
  }
  if (abi === "none") {
    if (py === "py2") return "python tag py2 is for Python 2";
    if (pyGeneric) {
      if (pyGeneric[1] !== "" && Number(pyGeneric[1]) > minor) {
        return `python tag ${py} needs Python \u2265 3.${pyGeneric[1]}, the runtime is ${target.pythonVersion}`;
      }
      return void 0;
    }
    if (cp) {
      if (Number(cp[1]) === minor) return void 0;
      return `python tag ${py} is for CPython 3.${cp[1]}, the runtime is ${target.pythonVersion}`;
    }
    return `python tag ${py} is not CPython 3`;
  }
  return `ABI ${abi} is not CPython's`;
}
function describeCp(abi) {
  const m = /^cp3(\d+)/.exec(abi);
  return m ? `CPython 3.${m[1]}` : abi;
}
function platformReason(plat, target) {
  if (plat === "any") return void 0;
  const glibc = glibcString(target);
  const m = /^(manylinux_(\d+)_(\d+)|manylinux1|manylinux2010|manylinux2014)_(.+)$/.exec(plat);
  if (m) {
    const arch = m[4];
    if (arch !== target.machine) {
      return `platform ${plat} is for ${arch}, the target architecture is ${target.architecture} (${target.machine})`;
    }
    const [major, minorGlibc] = m[2] !== void 0 ? [Number(m[2]), Number(m[3])] : [2, LEGACY_MANYLINUX[m[1] ?? ""] ?? 0];
    const [ceilMajor, ceilMinor] = target.glibcCeiling;
    if (major < ceilMajor || major === ceilMajor && minorGlibc <= ceilMinor) return void 0;
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

export {
  RUNTIMES,
  ARCHITECTURES,
  isRuntime,
  isArchitecture,
  makeTarget,
  glibcString,
  compareDotted,
  parseWheelFilename,
  wheelFits
};
