/**
 * When the installer fails, say why in the user's terms: which package, which
 * wheels exist for that version and why none fits the target, or which hash did
 * not match. The index is asked directly (PEP 503 simple pages) to find out.
 */
import { readdir } from "node:fs/promises";
import { UserError } from "../errors.ts";
import type { IndexOptions, LockedSet } from "../lock/types.ts";
import { normalizeName } from "../lock/types.ts";
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
  const tail = clean.trim().split("\n").slice(-12).join("\n");
  return new UserError(`${ctx.installer} failed to install the dependencies:\n${tail}`, {
    where: { file: ctx.lock.lockfile },
    hint: "see the installer's log above",
  });
}

function fileName(url: string): string {
  return decodeURIComponent(url.split("#")[0]?.split("/").pop() ?? url);
}

/** All distribution files the configured indexes and find-links folders offer for a project. */
async function listProjectFiles(name: string, ctx: DiagnoseContext): Promise<string[] | undefined> {
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
    if (listed) {
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

async function fetchSimplePage(index: string, name: string): Promise<string[] | undefined> {
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
  const files = await listProjectFiles(name, ctx);
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

function compareVersions(a: string, b: string): number {
  const pa = a.split(/[.+-]/).map((x) => Number.parseInt(x, 10) || 0);
  const pb = b.split(/[.+-]/).map((x) => Number.parseInt(x, 10) || 0);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}
