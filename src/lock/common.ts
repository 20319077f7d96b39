/** Helpers every lockfile reader shares: TOML parsing with line numbers, markers, specifiers, files and sources. */
import { existsSync } from "node:fs";
import path from "node:path";
import { parse, TomlError } from "smol-toml";
import { throwAll, UserError } from "../errors.ts";
import { parseWheelFilename, type Target, wheelFits } from "../target.ts";
import { isInside, readLockText } from "./files.ts";
import { checkExtra, checkName, checkPath, type FieldOrigin, hasControl, quoted, shown } from "./grammar.ts";
import { evaluateMarker, type MarkerEnvironment, MarkerSyntaxError } from "./markers.ts";
import {
  emptyIndexOptions,
  type IndexOptions,
  type LockContext,
  normalizeName,
  type PinnedRequirement,
} from "./types.ts";
import { matchesSpecifier } from "./version.ts";

export type TomlTable = Record<string, unknown>;
type At = { file?: string; line?: number; distribution?: string };

/** Parse a TOML lockfile; a syntax error becomes a UserError at the line smol-toml reports. */
export function parseLockToml(text: string, file: string): TomlTable {
  try {
    return parse(text) as TomlTable;
  } catch (e) {
    if (e instanceof TomlError) {
      const first = e.message.split("\n")[0]?.replace(/^Invalid TOML document:\s*/, "") ?? e.message;
      throw new UserError(`malformed TOML: ${first} (column ${e.column})`, {
        where: { file, line: e.line },
        hint: "fix the file or regenerate it with the tool that wrote it",
        cause: e,
      });
    }
    throw e;
  }
}

/** The pyproject.toml beside the lockfile, parsed, or undefined when there is none. */
export function readPyprojectBeside(ctx: LockContext): { doc: TomlTable; file: string } | undefined {
  const abs = path.join(path.dirname(ctx.path), "pyproject.toml");
  if (!existsSync(abs)) return undefined;
  const file = path.relative(ctx.workingDirectory, abs) || "pyproject.toml";
  const text = readLockText(abs, file, { file }, [ctx.workingDirectory, path.dirname(ctx.path)], "pyproject.toml");
  return { doc: parseLockToml(text, file), file };
}

export function asTable(v: unknown): TomlTable | undefined {
  return v !== null && typeof v === "object" && !Array.isArray(v) && !(v instanceof Date)
    ? (v as TomlTable)
    : undefined;
}

export function asArray(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

export function asString(v: unknown): string | undefined {
  return typeof v === "string" ? v : undefined;
}

/** 1-based line of the first match, for messages. */
export function lineOf(text: string, re: RegExp): number | undefined {
  const m = re.exec(text);
  return m ? text.slice(0, m.index).split("\n").length : undefined;
}

/** Where each `[[package]]` / `[[packages]]` table starts, by name (and version), found once per file. */
export class PackageLines {
  private readonly byName = new Map<string, { version?: string; line: number }[]>();
  /** the line of every table header, named or not, in file order */
  private readonly headers: number[] = [];
  constructor(text: string, header: "[[package]]" | "[[packages]]") {
    const lines = text.split(/\r?\n/);
    let current: { name?: string; version?: string; line: number } | undefined;
    const flush = () => {
      if (!current?.name) return;
      const list = this.byName.get(current.name) ?? [];
      list.push({ version: current.version, line: current.line });
      this.byName.set(current.name, list);
    };
    lines.forEach((raw, i) => {
      const line = raw.trim();
      if (line === header) {
        flush();
        current = { line: i + 1 };
        this.headers.push(i + 1);
      } else if (line.startsWith("[")) {
        // a sub-table ([package.metadata], [[packages.wheels]]) keeps the current package open
        if (!line.startsWith(`${header.slice(0, -2)}.`) && !line.startsWith(`[${header.slice(2, -2)}.`)) {
          flush();
          current = undefined;
        }
      } else if (current) {
        const m = /^(name|version)\s*=\s*"([^"]*)"/.exec(line);
        if (m?.[1] === "name" && current.name === undefined) current.name = normalizeName(m[2] ?? "");
        if (m?.[1] === "version" && current.version === undefined) current.version = m[2];
      }
    });
    flush();
  }

  find(name: string, version?: string): number | undefined {
    const entries = this.byName.get(normalizeName(name)) ?? [];
    return (entries.find((e) => version === undefined || e.version === version) ?? entries[0])?.line;
  }

  /**
   * The line of the `index`-th table (the parser's array order), when every table of the
   * array is written as a `[[…]]` header; else the first table of that name and version.
   */
  at(index: number, count: number, name: string, version?: string): number | undefined {
    return this.headers.length === count ? this.headers[index] : this.find(name, version);
  }
}

/** Evaluate a lockfile marker for the target; a marker this action cannot read is the user's error. */
export function markerTrue(
  marker: string,
  env: MarkerEnvironment,
  extras: readonly string[],
  groups: readonly string[],
  where: At,
): boolean {
  try {
    return evaluateMarker(marker, env, extras, groups);
  } catch (e) {
    if (e instanceof MarkerSyntaxError) {
      throw new UserError(`cannot evaluate the marker ${quoted(marker, 200)}: ${e.message}`, {
        where,
        hint: "regenerate the lockfile; report it if the tool wrote it this way",
      });
    }
    throw e;
  }
}

export function describeTarget(target: Target): string {
  return `${target.runtime} ${target.architecture} (Python ${target.pythonVersion}, ${target.machine}, glibc ${target.glibcCeiling.join(".")})`;
}

export function listOrNone(items: readonly string[]): string {
  return items.length ? items.join(", ") : "none";
}

export interface Pep508 {
  name: string;
  extras: string[];
  specifier: string;
  url?: string;
  marker?: string;
}

/**
 * A PEP 508 requirement string: `name[extra,...] (specifier) ; marker` (or `name @ url`).
 * A scanner rather than one regex: every character is looked at a bounded number of times,
 * whatever the input (a single regex with optional spaces around optional parts backtracks
 * cubically on a long run of spaces).
 */
export function parsePep508(requirement: string): Pep508 | undefined {
  const text = requirement;
  let pos = 0;
  const skipSpace = () => {
    while (pos < text.length && /\s/.test(text[pos]!)) pos++;
  };
  skipSpace();
  const nameStart = pos;
  while (pos < text.length && /[A-Za-z0-9._-]/.test(text[pos]!)) pos++;
  const name = text.slice(nameStart, pos);
  if (!/^[A-Za-z0-9]/.test(name) || !/[A-Za-z0-9]$/.test(name)) return undefined;
  skipSpace();
  let extras: string[] = [];
  if (text[pos] === "[") {
    const close = text.indexOf("]", pos);
    if (close < 0) return undefined;
    extras = text
      .slice(pos + 1, close)
      .split(",")
      .map((e) => e.trim())
      .filter(Boolean);
    pos = close + 1;
  }
  const semicolon = text.indexOf(";", pos);
  const rest = (semicolon < 0 ? text.slice(pos) : text.slice(pos, semicolon)).trim();
  const marker = semicolon < 0 ? undefined : text.slice(semicolon + 1).trim() || undefined;
  const url = rest.startsWith("@") ? rest.slice(1).trim() : undefined;
  let specifier = url ? "" : rest;
  if (specifier.startsWith("(") && specifier.endsWith(")")) specifier = specifier.slice(1, -1).trim();
  return { name: normalizeName(name), extras: extras.map(normalizeName), specifier, url, marker };
}

/**
 * A dependency string from pyproject.toml or a lockfile, checked: a string that is no
 * requirement (or holds an invalid name or extra) is the user's error, never skipped.
 */
export function requirementOf(value: unknown, at: FieldOrigin): Pep508 {
  const text = typeof value === "string" ? value : undefined;
  const parsed = text === undefined ? undefined : parsePep508(text);
  if (!parsed || hasControl(text ?? "", true)) {
    throw new UserError(`"${shown(text ?? JSON.stringify(value) ?? "", 200)}" is not a requirement (PEP 508)`, {
      where: at,
      hint: at.hint ?? "write it as PEP 508 does, e.g. \"requests[socks]>=2.31; python_version < '3.13'\"",
    });
  }
  const where = { ...at, distribution: parsed.name };
  checkName(parsed.name, where);
  for (const extra of parsed.extras) checkExtra(extra, where);
  return parsed;
}

/** A lock made for Pythons that exclude the runtime's cannot be installed as locked. */
/**
 * The lock's Python range (the string at `key` in `table`, written `key = ...` at the start
 * of a line of `text`) must hold the runtime's Python; a lock for other Pythons is refused
 * at that line.
 */
export function checkRequiresPython(text: string, table: TomlTable, key: string, ctx: LockContext, what: string): void {
  const specifier = asString(table[key]);
  if (!specifier) return;
  if (matchesSpecifier(`${ctx.target.pythonVersion}.0`, specifier) === false) {
    throw new UserError(
      `${what} was locked for Python ${specifier}, which excludes the runtime ${ctx.target.runtime} (Python ${ctx.target.pythonVersion})`,
      {
        where: { file: ctx.file, line: lineOf(text, new RegExp(`^${key}\\s*=`, "m")) },
        hint: "choose a runtime inside that range, or widen the project's requires-python and relock",
      },
    );
  }
}

// --- files and sources ---

export function basename(urlOrPath: string): string {
  const last = urlOrPath.split(/[?#]/)[0]?.split("/").pop() ?? "";
  try {
    return decodeURIComponent(last);
  } catch {
    return last;
  }
}

/** No wheel, but a source distribution: what `build-from-source` builds on the runner. */
export function sdistOnly(filenames: string[], hasSdist: boolean): boolean {
  return !filenames.some((f) => f.endsWith(".whl")) && (hasSdist || filenames.length > 0);
}

/**
 * Lambda installs wheels only. Of the files a lock lists for a release, one wheel must run on
 * the target: say so here, naming the package, rather than fail later inside the installer.
 */
export function checkWheels(a: {
  name: string;
  version: string;
  filenames: string[];
  hasSdist: boolean;
  target: Target;
  where: At;
  table: string;
}): UserError | undefined {
  const where = { ...a.where, distribution: a.name };
  const wheels = a.filenames.filter((f) => f.endsWith(".whl"));
  if (wheels.length === 0) {
    if (a.hasSdist || a.filenames.length > 0) {
      return new UserError(
        `${a.table}: only a source distribution of ${a.name} ${a.version} is locked, and build-from-source is never`,
        {
          where,
          hint: "set `build-from-source: pure` (the default) to build it on the runner, use a version that publishes wheels, or build a manylinux wheel of it and serve it from your index",
        },
      );
    }
    return new UserError(
      `${a.table}: ${a.name} ${a.version} has neither wheels nor a source distribution in the lock`,
      { where, hint: "regenerate the lockfile" },
    );
  }
  const parsed = wheels.map((f) => parseWheelFilename(f)).filter((w) => w !== undefined);
  if (parsed.length === 0) return undefined;
  const reasons: string[] = [];
  for (const wheel of parsed) {
    const fit = wheelFits(wheel, a.target);
    if (fit.fits) return undefined;
    reasons.push(`${wheel.filename}: ${fit.reason}`);
  }
  const shown = reasons
    .slice(0, 4)
    .map((r) => `\n    ${r}`)
    .join("");
  return new UserError(
    `${a.table}: none of the ${parsed.length} wheel(s) locked for ${a.name} ${a.version} runs on ${describeTarget(a.target)}:${shown}${reasons.length > 4 ? `\n    … and ${reasons.length - 4} more` : ""}`,
    {
      where,
      hint: "the lock lists no wheel for this runtime and architecture: pin a version that publishes one (AL2 runtimes need manylinux2014/manylinux_2_17 or older) and relock, or lock on/for the Lambda platform",
    },
  );
}

/** A path the lockfile records (relative to the lockfile's folder) if it stays inside the project. */
export function projectPath(ctx: LockContext, recorded: string): { abs: string; rel: string } | undefined {
  const abs = path.resolve(path.dirname(ctx.path), recorded);
  if (!isInside(ctx.workingDirectory, abs) && !isInside(path.dirname(ctx.path), abs)) return undefined;
  return { abs, rel: path.relative(ctx.workingDirectory, abs).split(path.sep).join("/") || "." };
}

/** First-party source (the project, a workspace member, a path dependency inside the project). */
export function firstPartyPath(ctx: LockContext, recorded: string, table: string, name: string, where: At): string {
  checkPath(recorded, { ...where, distribution: name });
  const inside = projectPath(ctx, recorded);
  if (!inside) {
    throw new UserError(`${table}: ${name} comes from the directory ${recorded}, outside the project`, {
      where: { ...where, distribution: name },
      hint: "move it inside `working-directory`, or publish a wheel of it to an index and depend on it by version",
    });
  }
  return inside.rel;
}

/** A wheel file inside the project: its folder becomes a find-links source. */
export function localWheelDir(ctx: LockContext, recorded: string, table: string, name: string, where: At): string {
  checkPath(recorded, { ...where, distribution: name });
  const inside = projectPath(ctx, recorded);
  if (!inside) {
    throw new UserError(`${table}: ${name} comes from the local file ${recorded}, outside the project`, {
      where: { ...where, distribution: name },
      hint: "put the wheel inside `working-directory`, or serve it from an index and depend on it by version",
    });
  }
  if (!inside.abs.endsWith(".whl")) {
    throw new UserError(
      `${table}: ${name} comes from the source archive ${recorded}, and Lambda packages are installed from wheels only`,
      {
        where: { ...where, distribution: name },
        hint: "build a manylinux wheel of it and lock that instead",
      },
    );
  }
  return path.dirname(inside.abs);
}

/** A repository of another kind than git (hg, svn, bzr): only git sources are built. */
export function vcsError(table: string, name: string, source: string, where: At): UserError {
  return new UserError(
    `${table}: ${name} comes from the repository ${source}, which this action does not build (git sources at a full commit are built)`,
    {
      where: { ...where, distribution: name },
      hint: "publish a wheel of it to an index (or vendor its code into the project) and depend on it by version",
    },
  );
}

export function directUrlError(table: string, name: string, url: string, where: At): UserError {
  return new UserError(`${table}: ${name} comes from the direct URL ${url}, not from an index`, {
    where: { ...where, distribution: name },
    hint: "serve the wheel from an index (or a folder inside the project) and depend on it by version",
  });
}

/**
 * The indexes a lockfile recorded, for when the user configured none: PyPI (or else the first
 * recorded index) as the index URL, every other one as an extra index.
 */
export function indexesFor(requirements: PinnedRequirement[], usesDefaultIndex = false): IndexOptions {
  const indexes = emptyIndexOptions();
  const recorded = [...new Set(requirements.map((r) => r.index).filter((i): i is string => !!i))];
  const pypi = recorded.find((u) => /^https:\/\/pypi\.org\/simple\/?$/.test(u));
  const primary = usesDefaultIndex ? undefined : (pypi ?? recorded[0]);
  if (primary) indexes.indexUrl = primary;
  indexes.extraIndexUrls = recorded.filter((u) => u !== primary && !(usesDefaultIndex && u === pypi));
  return indexes;
}

/**
 * The tools write one table per name, version and source; a second one would let the first
 * win silently (with its hashes). Refuses every repeat, naming both lines.
 */
export function refuseDuplicateTables<T extends { name: string; line?: number }>(
  tables: T[],
  sameTable: (t: T) => string,
  describe: (t: T) => string,
  ctx: { file: string; lockName: string; hint: string },
): void {
  const seen = new Map<string, T>();
  const errors: UserError[] = [];
  for (const t of tables) {
    const key = sameTable(t);
    const first = seen.get(key);
    if (!first) {
      seen.set(key, t);
      continue;
    }
    errors.push(
      new UserError(
        `${describe(t)} is in ${ctx.lockName} twice (line ${first.line ?? "?"} and line ${t.line ?? "?"})`,
        { where: { file: ctx.file, line: t.line, distribution: t.name }, hint: ctx.hint },
      ),
    );
  }
  throwAll(errors);
}
