/**
 * When the installer fails, say why in the user's terms: which package, which
 * wheels exist for that version and why none fits the target, or which hash did
 * not match. The index is asked directly (PEP 503 simple pages) to find out.
 */
import { readdir } from "node:fs/promises";
import { UserError } from "../errors.ts";
import type { IndexOptions, LockedSet } from "../lock/types.ts";
import { normalizeName } from "../lock/types.ts";
import { compareVersions } from "../lock/version.ts";
import { redact } from "../redact.ts";
import { glibcString, parseWheelFilename, type Target, wheelFits } from "../target.ts";

export interface DiagnoseContext {
  lock: LockedSet;
  target: Target;
  indexes: IndexOptions;
  env: NodeJS.ProcessEnv;
  installer: "pip" | "uv";
}

const DEFAULT_INDEX = "https://pypi.org/simple";

export async function diagnoseInstallFailure(output: string, ctx: DiagnoseContext): Promise<UserError> {
  const clean = redact(output);
  const missing =
    /No matching distribution found for ([A-Za-z0-9._-]+)(?:\[[^\]]*\])?\s*(?:===?\s*([^\s;,]+))?/.exec(clean) ??
    /Because (?:only )?([A-Za-z0-9._-]+)==(\S+) (?:has no wheels|is unavailable|has no usable wheels)/.exec(clean);
  if (missing?.[1]) return explainMissing(normalizeName(missing[1]), missing[2], ctx);

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

/** indexes that refused the credentials they were given (HTTP 401/403), redacted for messages */
type Refusals = { url: string; status: number }[];

/** All distribution files the configured indexes and find-links folders offer for a project. */
async function listProjectFiles(name: string, ctx: DiagnoseContext, refused: Refusals): Promise<string[] | undefined> {
  const { indexes, env } = ctx;
  const indexUrls = indexes.noIndex
    ? []
    : [
        indexes.indexUrl ?? env.PIP_INDEX_URL ?? DEFAULT_INDEX,
        ...indexes.extraIndexUrls,
        ...(env.PIP_EXTRA_INDEX_URL?.split(/\s+/).filter(Boolean) ?? []),
      ];
  const files: string[] = [];
  let answered = false;
  for (const index of indexUrls) {
    const listed = await fetchSimplePage(index, name);
    if (listed && !Array.isArray(listed)) {
      refused.push({ url: redact(index), status: listed.refused });
    } else if (listed) {
      answered = true;
      files.push(...listed);
    }
  }
  for (const link of [...indexes.findLinks, ...(env.PIP_FIND_LINKS?.split(/\s+/).filter(Boolean) ?? [])]) {
    if (/^[a-z]+:\/\//i.test(link) && !link.startsWith("file:")) continue;
    try {
      const names = await readdir(link.replace(/^file:\/\//, ""));
      answered = true;
      files.push(...names.filter((n) => normalizeName(n.split("-")[0] ?? "") === name));
    } catch {
      // an unreadable find-links folder says nothing about the package
    }
  }
  return answered ? [...new Set(files)] : undefined;
}

async function fetchSimplePage(index: string, name: string): Promise<string[] | { refused: number } | undefined> {
  try {
    const url = new URL(`${index.replace(/\/+$/, "")}/${name}/`);
    const headers: Record<string, string> = { Accept: "text/html" };
    if (url.username) {
      headers.Authorization = `Basic ${Buffer.from(`${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`).toString("base64")}`;
      url.username = "";
      url.password = "";
    }
    const response = await fetch(url, { headers, signal: AbortSignal.timeout(10_000) });
    if (response.status === 404) return [];
    if (response.status === 401 || response.status === 403) return { refused: response.status };
    if (!response.ok) return undefined;
    const html = await response.text();
    return [...html.matchAll(/<a\s[^>]*>([^<]+)<\/a>/gi)].map((m) => (m[1] ?? "").trim());
  } catch {
    return undefined;
  }
}

function versionOf(file: string): string | undefined {
  const wheel = parseWheelFilename(file);
  if (wheel) return wheel.version;
  const sdist = /^(.+)-([^-]+)\.(tar\.gz|zip|tar\.bz2)$/.exec(file);
  return sdist?.[2];
}

async function explainMissing(name: string, version: string | undefined, ctx: DiagnoseContext): Promise<UserError> {
  const { target } = ctx;
  const req = ctx.lock.requirements.find((r) => r.name === name);
  const where = { ...req?.where, distribution: name };
  const label = version ? `${name}==${version}` : name;
  const forTarget = `${target.runtime} (CPython ${target.pythonVersion}, ${target.architecture}, glibc ${glibcString(target)})`;
  const refused: Refusals = [];
  const files = await listProjectFiles(name, ctx, refused);
  // pip says only "from versions: none" when an index refuses its credentials
  if (
    refused.length > 0 &&
    (files === undefined || (version ? !files.some((f) => versionOf(f) === version) : files.length === 0))
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
  const ofVersion = version ? files.filter((f) => versionOf(f) === version) : files;
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
    return new UserError(
      `${label} has only a source distribution (${ofVersion.join(", ")}): Lambda packages are built from wheels only`,
      {
        where,
        hint: `build a manylinux wheel for ${forTarget} and serve it from your index, or pin a version that publishes wheels`,
      },
    );
  }
  const reasons = wheels.map((w) => {
    const fit = wheelFits(w, target);
    return `  ${w.filename}: ${fit.fits ? "fits" : fit.reason}`;
  });
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
