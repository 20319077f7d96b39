/**
 * poetry.lock: lock-version 1.1 (Poetry 1.0–1.2, `category` and `[metadata.files]`),
 * 2.0 (Poetry 1.3–1.8, `files` per package) and 2.1 (Poetry 2.x, `groups` and `markers`
 * per package).
 *
 * With 2.1 the lock says itself which group needs a package and under which marker, so
 * the set is: every package in `main` (or a requested group) whose marker is true for
 * the target. Older locks record neither: the graph is walked from the dependencies
 * declared in the pyproject.toml beside the lock (`[project]` and `[tool.poetry]`),
 * following `[package.dependencies]` whose markers hold for the target.
 *
 * The selection is in poetry-select.ts; this file reads the lock and pyproject.toml and
 * makes the selected packages pins.
 */

import { append } from "../append.ts";
import { throwAll, UserError } from "../errors.ts";
import {
  asArray,
  asString,
  asTable,
  checkRequiresPython,
  checkWheels,
  firstPartyPath,
  indexesFor,
  lineOf,
  localWheelDir,
  PackageLines,
  parseLockToml,
  readPyprojectBeside,
  refuseDuplicateTables,
  requirementOf,
  sdistOnly,
  type TomlTable,
} from "./common.ts";
import { checkExtra, checkHash, checkIndexUrl, checkName, checkVersion, type FieldOrigin } from "./grammar.ts";
import { targetEnvironment } from "./markers.ts";
import {
  type PoetryEdge,
  type PoetryPackage,
  PoetrySelection,
  RELOCK,
  type Roots,
  selectByGroups,
  selectByWalk,
} from "./poetry-select.ts";
import { archivePin, buildsFromSource, gitPin, type SourceEntry, sdistPin } from "./sources.ts";
import { type LockContext, type LockedSet, normalizeName, type PinnedRequirement } from "./types.ts";

const SUPPORTED_POETRY = ["1.1", "2.0", "2.1"];

export function readPoetryLock(text: string, ctx: LockContext): LockedSet {
  const doc = parseLockToml(text, ctx.file);
  const metadata = asTable(doc.metadata) ?? {};
  const lockVersion = checkHeader(text, metadata, ctx);
  const packages = readPackages(text, doc, metadata, ctx);
  const env = targetEnvironment(ctx.target);
  const pyproject = readPyprojectBeside(ctx);
  const roots = pyproject ? rootEdges(pyproject.doc, pyproject.file, ctx) : undefined;
  const sel = new PoetrySelection(packages, env, ctx);
  if (lockVersion === "2.1" && packages.some((p) => p.groups !== undefined)) selectByGroups(sel, roots);
  else selectByWalk(sel, roots, lockVersion);
  return pinSelected(sel);
}

/** The lock-version this reader knows, and the lock's Python range against the target's; returns the version. */
function checkHeader(text: string, metadata: TomlTable, ctx: LockContext): string {
  const lockVersion = asString(metadata["lock-version"]);
  if (!lockVersion || !SUPPORTED_POETRY.includes(lockVersion)) {
    throw new UserError(
      `unsupported poetry.lock lock-version ${JSON.stringify(metadata["lock-version"] ?? "(missing)")}: this action reads lock-version ${SUPPORTED_POETRY.join(", ")} (Poetry 1.0 to 2.x)`,
      {
        where: { file: ctx.file, line: lineOf(text, /^lock-version\s*=/m) },
        hint: "relock with Poetry 1.x or 2.x (`poetry lock`)",
      },
    );
  }
  checkRequiresPython(text, metadata, "python-versions", ctx, "poetry.lock");
  return lockVersion;
}

function readPackages(text: string, doc: TomlTable, metadata: TomlTable, ctx: LockContext): PoetryPackage[] {
  const lines = new PackageLines(text, "[[package]]");
  const legacyFiles = asTable(metadata.files) ?? {};
  const legacyByName = new Map(Object.entries(legacyFiles).map(([k, v]) => [normalizeName(k), v]));
  const tables = asArray(doc.package);
  const packages = tables.map((raw, id) => readPackage(raw, id, tables.length, lines, legacyByName, ctx));
  refuseDuplicateTables(
    packages,
    (p) => `${p.name} ${p.version} ${asString(p.source?.type) ?? ""} ${asString(p.source?.url) ?? ""}`,
    (p) => `${p.name} ${p.version}`,
    { file: ctx.file, lockName: "poetry.lock", hint: RELOCK },
  );
  return packages;
}

interface Pins {
  requirements: PinnedRequirement[];
  firstParty: LockedSet["firstParty"];
  findLinks: Set<string>;
  fromPypi: boolean;
}

/** The selected packages as pins; every error of the read so far is thrown here, together. */
function pinSelected(sel: PoetrySelection): LockedSet {
  const { ctx } = sel;
  const pins: Pins = { requirements: [], firstParty: [], findLinks: new Set(), fromPypi: false };
  const chosen = new Map<string, PoetryPackage>();
  for (const p of sel.packages) {
    const extras = sel.extras.get(p.id);
    if (!extras) continue;
    sel.collect(() => {
      const twin = chosen.get(p.name);
      if (twin) {
        throw new UserError(
          `${p.table}: poetry.lock selects two versions of ${p.name} (${twin.version} and ${p.version}) for this target`,
          { where: { file: ctx.file, line: p.line, distribution: p.name }, hint: RELOCK },
        );
      }
      chosen.set(p.name, p);
      pinPackage(p, extras, ctx, pins);
    });
  }
  throwAll(sel.errors);
  const indexes = indexesFor(pins.requirements, pins.fromPypi);
  append(indexes.findLinks, pins.findLinks);
  return {
    format: "poetry",
    lockfile: ctx.file,
    requirements: pins.requirements.sort((a, b) => a.name.localeCompare(b.name)),
    indexes,
    complete: true,
    firstParty: pins.firstParty.sort((a, b) => a.path.localeCompare(b.path)),
  };
}

/** The source decision (index, local wheel, project folder, a build from source, refusal) for one package. */
function pinPackage(p: PoetryPackage, extras: Set<string>, ctx: LockContext, pins: Pins): void {
  const where = { file: ctx.file, line: p.line, distribution: p.name };
  const type = asString(p.source?.type);
  const url = asString(p.source?.url) ?? "";
  const entry: SourceEntry = {
    table: p.table,
    name: p.name,
    version: p.version,
    extras: [...extras],
    where: { file: ctx.file, line: p.line },
    relock: RELOCK,
  };
  const archives = p.files.filter((f) => !f.file.endsWith(".whl"));
  const source = { subdirectory: p.source?.subdirectory };
  if (type === "git") {
    const git = { url, commit: p.source?.resolved_reference, requested: p.source?.reference, ...source };
    pins.requirements.push(gitPin(entry, ctx, git));
    return;
  }
  if (type === "url") {
    pins.requirements.push(
      archivePin(
        entry,
        ctx,
        { url, ...source },
        archives.map((f) => f.hash),
      ),
    );
    return;
  }
  if (type === "directory") {
    pins.firstParty.push({ name: p.name, path: firstPartyPath(ctx, url, p.table, p.name, where) });
    return;
  }
  if (type === "file" && !url.endsWith(".whl") && buildsFromSource(ctx)) {
    pins.requirements.push(
      archivePin(
        entry,
        ctx,
        { path: url, ...source },
        p.files.map((f) => f.hash),
      ),
    );
    return;
  }
  if (type === "file") pins.findLinks.add(localWheelDir(ctx, url, p.table, p.name, where));
  else if (type !== undefined && type !== "legacy") {
    throw new UserError(`${p.table}: unknown [package.source] type "${type}"`, {
      where,
      hint: "supported: legacy (an index), file and directory inside the project, git, url",
    });
  }
  const filenames = p.files.map((f) => f.file);
  const building = type !== "file" && sdistOnly(filenames, false) && buildsFromSource(ctx);
  const fit = building
    ? undefined
    : checkWheels({
        name: p.name,
        version: p.version,
        filenames,
        hasSdist: false,
        target: ctx.target,
        where,
        table: p.table,
      });
  if (fit) throw fit;
  const req: PinnedRequirement = building
    ? sdistPin(
        entry,
        archives.map((f) => f.hash),
      )
    : {
        name: p.name,
        version: p.version,
        extras: [...extras].sort(),
        hashes: [...new Set(p.files.filter((f) => f.file.endsWith(".whl") || type === "file").map((f) => f.hash))],
        where: { file: ctx.file, line: p.line, table: p.table },
      };
  if (type === "legacy") req.index = checkIndexUrl(url, { ...where, hint: RELOCK });
  else if (type === undefined) pins.fromPypi = true;
  pins.requirements.push(req);
}

function readPackage(
  raw: unknown,
  id: number,
  count: number,
  lines: PackageLines,
  legacyFiles: Map<string, unknown>,
  ctx: LockContext,
): PoetryPackage {
  const t = asTable(raw) ?? {};
  const rawName = asString(t.name);
  const rawVersion = asString(t.version);
  if (!rawName || !rawVersion)
    throw new UserError("a [[package]] table has no name or version", { where: { file: ctx.file }, hint: RELOCK });
  const line = lines.at(id, count, rawName, rawVersion);
  checkName(rawName, { file: ctx.file, line, hint: RELOCK });
  const name = normalizeName(rawName);
  const at = { file: ctx.file, line, distribution: name, hint: RELOCK };
  const version = checkVersion(rawVersion, at);
  const files = asArray(t.files ?? legacyFiles.get(name))
    .map(asTable)
    .filter((f): f is TomlTable => !!f && typeof f.file === "string" && typeof f.hash === "string")
    .map((f) => ({ file: f.file as string, hash: checkHash(f.hash, at) }));
  const extras = new Map(
    Object.entries(asTable(t.extras) ?? {}).map(([extra, reqs]) => [
      normalizeName(extra),
      asArray(reqs).map((r) => requirementOf(r, at).name),
    ]),
  );
  return {
    id,
    name,
    version,
    optional: t.optional === true,
    pythonVersions: asString(t["python-versions"]),
    groups: Array.isArray(t.groups) ? t.groups.map(String) : asString(t.category) ? [String(t.category)] : undefined,
    markers: typeof t.markers === "string" ? t.markers : asTable(t.markers),
    files,
    dependencies: Object.entries(asTable(t.dependencies) ?? {}).flatMap(([dep, spec]) => poetryEdges(dep, spec, at)),
    extras,
    source: asTable(t.source),
    table: `[[package]] name = "${rawName}"`,
    line,
  };
}

/** `name = "^1.2"`, `name = {version, markers, python, optional, extras}`, or a list of those. */
function poetryEdges(dep: string, spec: unknown, at: FieldOrigin): PoetryEdge[] {
  const name = normalizeName(checkName(dep, at));
  if (typeof spec === "string") return [{ name, constraint: spec, optional: false, extras: [] }];
  if (Array.isArray(spec)) return spec.flatMap((s) => poetryEdges(dep, s, at));
  const t = asTable(spec);
  if (!t) return [];
  return [
    {
      name,
      constraint: asString(t.version),
      marker: asString(t.markers),
      python: asString(t.python),
      platform: asString(t.platform),
      optional: t.optional === true,
      extras: asArray(t.extras).map((e) => normalizeName(checkExtra(e, { ...at, distribution: name }))),
    },
  ];
}

/** The project's runtime dependencies (plus requested extras and groups) from pyproject.toml. */
function rootEdges(doc: TomlTable, pyprojectFile: string, ctx: LockContext): Roots {
  const project = asTable(doc.project);
  const poetry = asTable(asTable(doc.tool)?.poetry) ?? {};
  const requested = new Set(ctx.extras.map(normalizeName));
  const edges: PoetryEdge[] = [];
  const at = { file: pyprojectFile };
  const fromPep508 = (r: unknown): PoetryEdge => {
    const parsed = requirementOf(r, at);
    return {
      name: parsed.name,
      constraint: parsed.specifier || undefined,
      marker: parsed.marker,
      optional: false,
      extras: parsed.extras,
    };
  };
  const fromPoetryTable = (table: unknown) =>
    Object.entries(asTable(table) ?? {})
      .filter(([n]) => n.toLowerCase() !== "python")
      .flatMap(([n, spec]) => poetryEdges(n, spec, at));

  append(edges, asArray(project?.dependencies).map(fromPep508));
  const optionalDeps = asTable(project?.["optional-dependencies"]) ?? {};
  const extraPackages: string[] = [];
  for (const [extra, reqs] of Object.entries(optionalDeps)) {
    if (!requested.has(normalizeName(extra))) continue;
    const e = asArray(reqs).map(fromPep508);
    append(edges, e);
    append(
      extraPackages,
      e.map((x) => x.name),
    );
  }
  const poetryExtras = asTable(poetry.extras) ?? {};
  const extraNames = new Set(
    Object.entries(poetryExtras)
      .filter(([extra]) => requested.has(normalizeName(extra)))
      .flatMap(([, names]) => asArray(names).map((n) => normalizeName(String(n)))),
  );
  append(extraPackages, extraNames);
  for (const edge of fromPoetryTable(poetry.dependencies)) {
    if (!edge.optional || extraNames.has(edge.name)) edges.push({ ...edge, optional: false });
  }

  // poetry-core merges the legacy [tool.poetry.dev-dependencies] into the group "dev"
  const groupTables = new Map<string, unknown[]>();
  const addGroupTable = (g: string, table: unknown) => {
    if (table !== undefined) groupTables.set(g, [...(groupTables.get(g) ?? []), table]);
  };
  for (const [g, t] of Object.entries(asTable(poetry.group) ?? {}))
    addGroupTable(normalizeName(g), asTable(t)?.dependencies ?? {});
  addGroupTable("dev", poetry["dev-dependencies"]);
  const pep735 = asTable(doc["dependency-groups"]) ?? {};
  const groupNames = new Set([...groupTables.keys(), ...Object.keys(pep735).map(normalizeName)]);
  const pep735Edges = (g: string, depth = 0): PoetryEdge[] => {
    const entry = Object.entries(pep735).find(([k]) => normalizeName(k) === g)?.[1];
    return asArray(entry).flatMap((item) => {
      const include = asString(asTable(item)?.["include-group"]);
      if (include) return depth < 10 ? pep735Edges(normalizeName(include), depth + 1) : [];
      return [fromPep508(item)];
    });
  };
  for (const g of ctx.groups.map(normalizeName)) {
    append(edges, (groupTables.get(g) ?? []).flatMap(fromPoetryTable));
    append(edges, pep735Edges(g));
  }
  return { file: pyprojectFile, edges, groupNames, extraPackages };
}
