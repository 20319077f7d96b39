/** Checks on the distributions' metadata: wheel tags (check 1) and the runtime-provided SDK mix (check 6). */
import type { InstalledDistribution } from "../install/types.ts";
import { glibcString, type Target, wheelFits } from "../target.ts";
import type { Finding } from "./types.ts";
import { normalizeName } from "./util.ts";

/** The wheel's file name as the installer saw it, rebuilt from the name, version and WHEEL tags. */
export function wheelFilename(dist: Pick<InstalledDistribution, "name" | "version">, tags: string[]): string {
  const parts: [string[], string[], string[]] = [[], [], []];
  for (const tag of tags) {
    tag.split("-").forEach((part, i) => {
      const bucket = parts[i];
      if (bucket) for (const p of part.split(".")) if (!bucket.includes(p)) bucket.push(p);
    });
  }
  const name = dist.name.replace(/[-.]+/g, "_");
  return `${name}-${dist.version}-${parts.map((p) => p.join(".")).join("-")}.whl`;
}

export function checkWheelFit(distributions: InstalledDistribution[], target: Target): Finding[] {
  const findings: Finding[] = [];
  const on = `${target.runtime} ${target.architecture}`;
  for (const dist of distributions) {
    const label = `${dist.name} ${dist.version}`;
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
    const wheel = wheelFilename(dist, dist.wheelTags);
    findings.push({
      severity: "error",
      check: "wheel-fit",
      distribution: dist.name,
      path: `${dist.distInfo}/WHEEL`,
      message: `${label} was installed from ${wheel}, which does not fit ${on}: ${[...reasons].map(([r, tags]) => `${r} (${tags.join(", ")})`).join("; ")}`,
      hint: wheelHint(dist, [...reasons.keys()].join(" "), target),
    });
  }
  return findings;
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
