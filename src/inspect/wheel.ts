/** Checks on the distributions' metadata: wheel tags that fit the target, and a mix with the SDK the runtime provides. */

import { append } from "../append.ts";
import type { InstalledDistribution } from "../install/types.ts";
import { normalizeName } from "../lock/types.ts";
import { glibcString, parseWheelFilename, type Target, type WheelName, wheelFits } from "../target.ts";
import type { Finding } from "./types.ts";

/**
 * The file the installer chose for a distribution, when it said which (pip's --report):
 * pip and uv select a wheel by its file name, so that name is what fits or not. A name
 * that is not a wheel of this distribution and version is ignored.
 */
function chosenFile(dist: InstalledDistribution, chosen: Record<string, string>): WheelName | undefined {
  const file = chosen[dist.name];
  const parsed = file === undefined ? undefined : parseWheelFilename(file);
  if (!parsed || normalizeName(parsed.name) !== normalizeName(dist.name)) return undefined;
  return parsed.version === dist.version ? parsed : undefined;
}

/** "cp311-cp311-manylinux2014_x86_64" for each triple a wheel name stands for */
function expandName(w: WheelName): string[] {
  return w.pythonTags.flatMap((py) => w.abiTags.flatMap((abi) => w.platformTags.map((plat) => `${py}-${abi}-${plat}`)));
}

export function checkWheelFit(
  distributions: InstalledDistribution[],
  target: Target,
  chosen: Record<string, string> = {},
): Finding[] {
  const findings: Finding[] = [];
  const on = `${target.runtime} ${target.architecture}`;
  for (const dist of distributions) {
    const label = `${dist.name} ${dist.version}`;
    const file = chosenFile(dist, chosen);
    if (file) {
      append(findings, judgeChosenFile(dist, file, target));
      continue;
    }
    if (dist.wheelTags.length === 0) {
      findings.push({
        severity: "warning",
        check: "wheel-fit",
        distribution: dist.name,
        path: `${dist.distInfo}/WHEEL`,
        message: `${label} has no Tag lines in ${dist.distInfo}/WHEEL: cannot tell which platform it was built for`,
        hint: "the shared-object checks below still apply; reinstall it from a wheel to have its tags checked",
      });
      continue;
    }
    const reasons = new Map<string, string[]>(); // reason → the tags that failed for it
    let fits = false;
    for (const tag of dist.wheelTags) {
      const parts = tag.split("-");
      let reason: string;
      if (parts.length !== 3 || parts.some((p) => p === "")) {
        reason = "malformed tag";
      } else {
        const [py, abi, plat] = parts as [string, string, string];
        const fit = wheelFits(
          { pythonTags: py.split("."), abiTags: abi.split("."), platformTags: plat.split(".") },
          target,
        );
        if (fit.fits) {
          fits = true;
          break;
        }
        reason = fit.reason;
      }
      reasons.set(reason, [...(reasons.get(reason) ?? []), tag]);
    }
    if (fits) continue;
    // the installer did not say which file it installed: only the WHEEL file speaks, and no file name is made up
    findings.push({
      severity: "error",
      check: "wheel-fit",
      distribution: dist.name,
      path: `${dist.distInfo}/WHEEL`,
      message: `${label}'s ${dist.distInfo}/WHEEL says it was built for ${dist.wheelTags.join(", ")}, which does not fit ${on}: ${[...reasons].map(([r, tags]) => `${r} (${tags.join(", ")})`).join("; ")}`,
      hint: wheelHint(dist, [...reasons.keys()].join(" "), target),
    });
  }
  return findings;
}

/** The chosen file's name decides; a WHEEL file that says otherwise is worth a note, no more. */
function judgeChosenFile(dist: InstalledDistribution, file: WheelName, target: Target): Finding[] {
  const label = `${dist.name} ${dist.version}`;
  const fit = wheelFits(file, target);
  if (!fit.fits) {
    return [
      {
        severity: "error",
        check: "wheel-fit",
        distribution: dist.name,
        path: `${dist.distInfo}/WHEEL`,
        message: `${label} was installed from ${file.filename}, which does not fit ${target.runtime} ${target.architecture}: ${fit.reason}`,
        hint: wheelHint(dist, fit.reason, target),
      },
    ];
  }
  const named = new Set(expandName(file));
  const disagree = dist.wheelTags.length > 0 && dist.wheelTags.some((t) => !named.has(t));
  if (!disagree) return [];
  return [
    {
      severity: "notice",
      check: "wheel-fit",
      distribution: dist.name,
      path: `${dist.distInfo}/WHEEL`,
      message:
        `${label} was installed from ${file.filename}, whose ${dist.distInfo}/WHEEL says Tag: ${dist.wheelTags.join(", ")}: ` +
        `the file name is what pip and uv choose by, and it fits ${target.runtime} ${target.architecture}`,
      hint: "the shared-object checks still apply to its files; the package's WHEEL metadata is wrong, which its maintainers may want to know",
    },
  ];
}

function wheelHint(dist: InstalledDistribution, reasons: string, target: Target): string {
  const glibc = glibcString(target);
  if (/needs glibc/.test(reasons)) {
    const al2 = target.glibcCeiling[1] < 34;
    return (
      `pin ${dist.name} to an older version that publishes a manylinux_${glibc.replace(".", "_")} (or older) wheel for ${target.machine}` +
      (al2 ? ", or move the function to python3.12 or newer (Amazon Linux 2023, glibc 2.34)" : "")
    );
  }
  if (/target architecture/.test(reasons)) {
    return `reinstall for the target architecture: the installer must be given the ${target.machine} platform tags`;
  }
  if (/linux_/.test(reasons) && /particular Linux distribution/.test(reasons)) {
    return `it was built from source on the runner; pin ${dist.name} to a version that publishes a manylinux wheel for ${target.machine}`;
  }
  if (/musl|macOS|Windows/.test(reasons)) return `reinstall for Linux (manylinux, ${target.machine})`;
  return `reinstall for CPython ${target.pythonVersion}: the installer must be given --python-version ${target.pythonVersion}`;
}

/**
 * botocore or urllib3 shipped without boto3: the runtime's own boto3 then imports the
 * function's botocore/urllib3 (the function's directories come first on sys.path), a
 * combination AWS does not test.
 */
export function checkRuntimeSdk(distributions: InstalledDistribution[], target: Target): Finding[] {
  const byName = new Map(distributions.map((d) => [normalizeName(d.name), d]));
  if (byName.has("boto3")) return [];
  const findings: Finding[] = [];
  for (const name of ["botocore", "urllib3"]) {
    const dist = byName.get(name);
    if (!dist) continue;
    const role = name === "botocore" ? "" : " (botocore's HTTP library)";
    findings.push({
      severity: "warning",
      check: "runtime-sdk",
      distribution: dist.name,
      message:
        `${dist.name} ${dist.version}${role} is packaged without boto3: the boto3 that ${target.runtime} provides ` +
        `will import this ${dist.name} instead of its own, a mix AWS does not test`,
      hint:
        name === "botocore"
          ? "add boto3 to the lockfile (it pins a matching botocore), or drop botocore if only boto3 uses it"
          : "add boto3 to the lockfile so boto3, botocore and urllib3 come as one tested set, or make sure this urllib3 satisfies the runtime botocore's range",
    });
  }
  return findings;
}
