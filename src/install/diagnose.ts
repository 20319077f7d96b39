/**
 * When the installer fails, say why in the user's terms: which package, which
 * wheels exist for that version and why none fits the target, or which hash did
 * not match. The index is asked directly (PEP 503 simple pages) to find out.
 */
import { UserError, UserErrors } from "../errors.ts";
import type { IndexOptions, LockedSet } from "../lock/types.ts";
import { normalizeName } from "../lock/types.ts";
import { compareVersions } from "../lock/version.ts";
import { redact } from "../redact.ts";
import { glibcString, parseWheelFilename, type Target, wheelFits } from "../target.ts";
import { type Listing, listProjectFiles, projectOfFile } from "./listing.ts";

export interface DiagnoseContext {
  lock: LockedSet;
  target: Target;
  indexes: IndexOptions;
  env: NodeJS.ProcessEnv;
  installer: "pip" | "uv";
}

/** A pin whose index has only a source distribution of its version: build-from-source builds it and installs again. */
export class SdistOnly extends UserError {}

export async function diagnoseInstallFailure(output: string, ctx: DiagnoseContext): Promise<UserError> {
  const clean = redact(output);
  const missing =
    /No matching distribution found for ([A-Za-z0-9._-]+)(?:\[[^\]]*\])?\s*(?:===?\s*([^\s;,]+))?/.exec(clean) ??
    /Because (?:only )?([A-Za-z0-9._-]+)==(\S+) (?:has no wheels|is unavailable|has no usable wheels)/.exec(clean);
  if (missing?.[1]) return explainEveryPin(normalizeName(missing[1]), missing[2], ctx);

  if (/DO NOT MATCH THE HASHES/.test(clean)) {
    const m = /^\s+([A-Za-z0-9._-]+)==(\S+) from (\S+)/m.exec(clean);
    const expected = /Expected sha256 (\S+)/.exec(clean)?.[1];
    const got = /Got\s+(\S+)/.exec(clean)?.[1];
    const name = m?.[1] ? normalizeName(m[1]) : undefined;
    const req = ctx.lock.requirements.find((r) => r.name === name);
    return new UserError(
      `hash mismatch for ${m?.[1] ?? "a package"}${m?.[2] ? `==${m[2]}` : ""}: the file ${m?.[3] ? fileName(m[3]) : ""} has sha256 ${got ?? "?"}, the lockfile expects ${expected ?? "another hash"}`,
      {
        where: { ...req?.where, distribution: name },
        hint: "the file on the index is not the one that was locked: if the change is expected, regenerate the lockfile; otherwise check the index you install from",
      },
    );
  }
  if (/Hashes are required in --require-hashes mode/.test(clean)) {
    const lines = clean
      .split("\n")
      .filter((l) => /^\s+\S+==\S+ --hash=/.test(l))
      .map((l) => l.trim().split(" ")[0]);
    return new UserError(
      `the lockfile has hashes, but these dependencies are not pinned in it: ${lines.join(", ") || "(see the installer's log)"}`,
      {
        where: { file: ctx.lock.lockfile },
        hint: "regenerate the lockfile so that it pins every dependency with its hashes",
      },
    );
  }
  const hostile = badWheel(clean, ctx);
  if (hostile) return hostile;
  const conflict = /The conflict is caused by:\n((?:[ \t]+\S.*\n?)+)/.exec(clean);
  if (/ResolutionImpossible/.test(clean) && conflict?.[1]) {
    const causes = conflict[1]
      .split("\n")
      .map((l) => l.trim())
      .filter(Boolean);
    return new UserError(`the pinned versions conflict: ${causes.join("; ")}`, {
      where: { file: ctx.lock.lockfile },
      hint: "relock (pip-compile, uv pip compile, uv lock, poetry lock): a lockfile tool pins a set that fits together",
    });
  }
  const tail = clean.trim().split("\n").slice(-12).join("\n");
  return new UserError(`${ctx.installer} failed to install the dependencies:\n${tail}`, {
    where: { file: ctx.lock.lockfile },
    hint: "see the installer's log above",
  });
}

/**
 * A wheel pip refused to unpack: an entry that would land outside the install folder
 * (`../` or an absolute name: a "zip slip"), or a damaged file (bad CRC, cut short).
 */
function badWheel(output: string, ctx: DiagnoseContext): UserError | undefined {
  const at = (name: string | undefined, version?: string) => {
    const n = name ? normalizeName(name) : undefined;
    const req = ctx.lock.requirements.find((r) => r.name === n);
    return {
      req,
      where: { ...(req?.where ?? { file: ctx.lock.lockfile }), distribution: n },
      version: version ?? req?.version,
    };
  };
  const slip =
    /For req: ([A-Za-z0-9._-]+)(?:\[[^\]]*\])?==(\S+?)\. The wheel '([^']+)' has a file '([^']+)' trying to install outside the target directory '([^']+)'/.exec(
      output,
    );
  if (slip) {
    const [, name = "", version = "", wheel = "", file = "", targetDir = ""] = slip;
    const entry = file.startsWith(`${targetDir}/`) ? file.slice(targetDir.length + 1) : file;
    const { where } = at(name, version);
    return new UserError(
      `the wheel ${fileName(wheel)} of ${name} ${version} has a file that would be written outside the install folder: ${entry} (a "zip slip"); the installer refused it and nothing was packaged`,
      {
        where,
        hint: `do not use this wheel: a wheel may only install under its own root. Pin another version or build of ${name}, and find out where this one came from`,
      },
    );
  }
  const invalid = /Wheel '([^']+)' located at (\S+) is invalid/.exec(output);
  const badZip = /BadZipFile: (.+)/.exec(output);
  if (!invalid && !badZip) return undefined;
  const downloaded = [...output.matchAll(/([A-Za-z0-9_.+-]+\.whl)\b/g)].map((m) => fileName(m[1] ?? ""));
  let wheel = invalid ? fileName(invalid[2] ?? "") : undefined;
  if (!wheel && badZip) {
    // "Bad CRC-32 for file 'pkg/mod.py'": the entry's top folder names the distribution
    const entryTop = /for file '([^'/]+)/.exec(badZip[1] ?? "")?.[1]?.replace(/\.(py|so)$/, "");
    const top = entryTop ? normalizeName(entryTop) : undefined;
    wheel =
      downloaded.find((w) => top !== undefined && normalizeName(parseWheelFilename(w)?.name ?? "") === top) ??
      (new Set(downloaded).size === 1 ? downloaded[0] : undefined);
  }
  const parsed = wheel ? parseWheelFilename(wheel) : undefined;
  const name = parsed?.name ?? invalid?.[1];
  const { where, version } = at(name, parsed?.version);
  const detail = badZip?.[1]?.trim() ?? "not a readable zip archive";
  return new UserError(
    `${wheel ? `the wheel ${wheel}${name ? ` of ${normalizeName(name)}${version ? ` ${version}` : ""}` : ""}` : "a wheel"} is corrupt (${detail}): the installer could not unpack it`,
    {
      where,
      hint: "publish the wheel again (the file on the index is damaged), or pin another version; when its hash is in the lockfile, the damaged file was locked: relock once the index has a good one",
    },
  );
}

function fileName(url: string): string {
  return decodeURIComponent(url.split("#")[0]?.split("/").pop() ?? url);
}

const PARALLEL_PAGES = 8;
const DIAGNOSIS_DEADLINE_MS = 60_000;

/**
 * After the installer stopped at one package, every pin is checked against the same
 * indexes and find-links, so one run names every package that has no fitting wheel.
 * Checked after a failure rather than before every install: a build that succeeds
 * costs no extra request, and the installer's own message confirms there is a problem.
 */
async function explainEveryPin(name: string, version: string | undefined, ctx: DiagnoseContext): Promise<UserError> {
  const deadline = AbortSignal.timeout(DIAGNOSIS_DEADLINE_MS);
  // a wheel built on the runner comes from its file: the index has nothing to say about it
  const pins = ctx.lock.requirements.filter((r) => r.wheel === undefined);
  const explained: (UserError | undefined)[] = new Array(pins.length);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < pins.length; i = next++) {
      const pin = pins[i]!;
      const listing = await listProjectFiles(pin.name, ctx.indexes, deadline);
      // a pin the indexes could not be asked about is left to the installer's own message
      explained[i] = listing.files ? explainPin(pin.name, pin.version, listing, ctx) : undefined;
    }
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL_PAGES, pins.length) }, worker));
  // in the lockfile's order, which a reader may not keep
  const errors = explained
    .filter((e): e is UserError => e !== undefined)
    .sort((a, b) => (a.where.line ?? 0) - (b.where.line ?? 0));
  if (!errors.some((e) => e.where.distribution === name)) {
    const listing = await listProjectFiles(name, ctx.indexes, deadline);
    const named = explainPin(name, version, listing, ctx);
    if (named) errors.unshift(named);
  }
  if (errors.length === 0) {
    return new UserError(
      `${ctx.installer} found no wheel of ${version ? `${name}==${version}` : name} to install, yet the index lists one that fits`,
      {
        where: { ...pins.find((r) => r.name === name)?.where, distribution: name },
        hint: "see the installer's log above: the index may have changed while the build ran",
      },
    );
  }
  return errors.length === 1 ? errors[0]! : new UserErrors(errors);
}

const sameVersion = (a: string, b: string) => {
  try {
    return a === b || compareVersions(a, b) === 0;
  } catch {
    return false;
  }
};

/** Why one pin cannot be installed for the target, or undefined when a wheel of it fits. */
function explainPin(
  name: string,
  version: string | undefined,
  listing: Listing,
  ctx: DiagnoseContext,
): UserError | undefined {
  const { target } = ctx;
  const req = ctx.lock.requirements.find((r) => r.name === name);
  const where = { ...req?.where, distribution: name };
  const label = version ? `${name}==${version}` : name;
  const forTarget = `${target.runtime} (CPython ${target.pythonVersion}, ${target.architecture}, glibc ${glibcString(target)})`;
  const { files, refused } = listing;
  const versionOf = (f: string) => projectOfFile(f)?.version;
  // pip says only "from versions: none" when an index refuses its credentials
  if (
    refused.length > 0 &&
    (files === undefined ||
      (version ? !files.some((f) => sameVersion(versionOf(f) ?? "", version)) : files.length === 0))
  ) {
    const which = refused.map((r) => `${r.url} (HTTP ${r.status})`).join(", ");
    return new UserError(`${label} could not be installed: the index refused the credentials it was given: ${which}`, {
      where,
      hint: "check the user and password or token in `index-url` / `extra-index-url` (or PIP_INDEX_URL, netrc): they may be wrong or expired",
    });
  }
  if (files === undefined) {
    return new UserError(`no wheel of ${label} fits ${forTarget}, and the index could not be asked why`, {
      where,
      hint: "check that the package and version exist on your index and publish manylinux wheels for this runtime and architecture",
    });
  }
  const ofVersion = version ? files.filter((f) => sameVersion(versionOf(f) ?? "", version)) : files;
  if (ofVersion.length === 0) {
    const versions = [...new Set(files.map(versionOf).filter(Boolean))];
    return new UserError(
      `${label} is not on the index${versions.length ? ` (versions there: ${versions.slice(-10).join(", ")})` : ""}`,
      {
        where,
        hint: "fix the pin, or point `index-url` at the index that has it",
      },
    );
  }
  const wheels = ofVersion.map(parseWheelFilename).filter((w) => w !== undefined);
  if (wheels.length === 0) {
    return new SdistOnly(
      `${label} has only a source distribution (${ofVersion.join(", ")}), and build-from-source is never`,
      {
        where,
        hint: `set \`build-from-source: pure\` (the default) to build it on the runner, build a manylinux wheel for ${forTarget} and serve it from your index, or pin a version that publishes wheels`,
      },
    );
  }
  if (wheels.some((w) => wheelFits(w, target).fits)) return undefined;
  const reasons = wheels.map((w) => `  ${w.filename}: ${(wheelFits(w, target) as { reason: string }).reason}`);
  const newest = newestFitting(files, target, version);
  return new UserError(`no wheel of ${label} fits ${forTarget}:\n${reasons.join("\n")}`, {
    where,
    hint: newest
      ? `${name} ${newest} has a wheel that fits: pin it, or choose a runtime/architecture the wheels support`
      : "choose a runtime and architecture these wheels support, or build a wheel for this one",
  });
}

function newestFitting(files: string[], target: Target, exclude: string | undefined): string | undefined {
  const fitting = files
    .map(parseWheelFilename)
    .filter((w) => w !== undefined && w.version !== exclude && wheelFits(w, target).fits)
    .map((w) => w!.version);
  return fitting.sort(compareVersions).pop();
}
