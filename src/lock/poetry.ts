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
 */
import { throwAll, UserError } from "../errors.ts";
import {
  asArray,
  asString,
  asTable,
  checkRequiresPython,
  checkWheels,
  directUrlError,
  firstPartyPath,
  indexesFor,
  lineOf,
  listOrNone,
  localWheelDir,
  markerTrue,
  PackageLines,
  parseLockToml,
  readPyprojectBeside,
  refuseDuplicateTables,
  requirementOf,
  type TomlTable,
  vcsError,
} from "./common.ts";
import { checkExtra, checkHash, checkIndexUrl, checkName, checkVersion, type FieldOrigin } from "./grammar.ts";
import { targetEnvironment } from "./markers.ts";
import { type LockContext, type LockedSet, normalizeName, type PinnedRequirement } from "./types.ts";
import { compareVersions, matchesSpecifier } from "./version.ts";

const SUPPORTED_POETRY = ["1.1", "2.0", "2.1"];
const RELOCK = "run `poetry lock` and commit the updated poetry.lock";

interface PoetryEdge {
  name: string;
  constraint?: string;
  marker?: string;
  python?: string;
  platform?: string;
  optional: boolean;
  extras: string[];
}

interface PoetryPackage {
  id: number;
  name: string;
  version: string;
  optional: boolean;
  pythonVersions?: string;
  groups?: string[];
  markers?: string | TomlTable;
  files: { file: string; hash: string }[];
  dependencies: PoetryEdge[];
  extras: Map<string, string[]>;
  source?: TomlTable;
  table: string;
  line?: number;
}

export function readPoetryLock(text: string, ctx: LockContext): LockedSet {
  const doc = parseLockToml(text, ctx.file);
  const metadata = asTable(doc.metadata) ?? {};
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
  checkRequiresPython(
    asString(metadata["python-versions"]),
    ctx,
    { file: ctx.file, line: lineOf(text, /^python-versions\s*=/m) },
    "poetry.lock",
  );

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
  const byName = new Map<string, PoetryPackage[]>();
  for (const p of packages) byName.set(p.name, [...(byName.get(p.name) ?? []), p]);

  const env = targetEnvironment(ctx.target);
  const pyproject = readPyprojectBeside(ctx);
  const roots = pyproject ? rootEdges(pyproject.doc, pyproject.file, ctx) : undefined;
  const errors: UserError[] = [];
  const selected = new Map<number, Set<string>>();
  const select = (p: PoetryPackage, extras: string[] = []) =>
    selected.set(p.id, new Set([...(selected.get(p.id) ?? []), ...extras]));

  const edgeApplies = (
    edge: PoetryEdge,
    extras: readonly string[],
    where: { file: string; line?: number; distribution?: string },
  ) =>
    (!edge.marker || markerTrue(edge.marker, env, extras, [], where)) &&
    (!edge.python || matchesSpecifier(`${ctx.target.pythonVersion}.0`, edge.python) !== false) &&
    (!edge.platform || edge.platform === "linux");

  const pick = (edge: PoetryEdge): PoetryPackage | undefined => {
    let candidates = byName.get(edge.name) ?? [];
    if (candidates.length > 1 && edge.constraint) {
      const fitting = candidates.filter((p) => matchesSpecifier(p.version, edge.constraint!) !== false);
      if (fitting.length > 0) candidates = fitting;
    }
    if (candidates.length > 1) {
      const fitting = candidates.filter(
        (p) => !p.pythonVersions || matchesSpecifier(`${ctx.target.pythonVersion}.0`, p.pythonVersions) !== false,
      );
      if (fitting.length > 0) candidates = fitting;
    }
    // Poetry installs the newest locked version that fits the constraint and the target's Python
    return candidates.reduce<PoetryPackage | undefined>(
      (best, p) => (best === undefined || compareVersions(p.version, best.version) > 0 ? p : best),
      undefined,
    );
  };

  const groupsInLock = packages.some((p) => p.groups !== undefined);
  if (lockVersion === "2.1" && groupsInLock) {
    const known = new Set(packages.flatMap((p) => p.groups ?? []).map(normalizeName));
    for (const g of ctx.groups) {
      if (!known.has(normalizeName(g)) && !roots?.groupNames.has(normalizeName(g))) {
        errors.push(
          new UserError(`dependency group "${g}" is not in poetry.lock (groups: ${listOrNone([...known])})`, {
            where: { file: ctx.file },
            hint: "remove it from `groups`, or add the group to pyproject.toml and run `poetry lock`",
          }),
        );
      }
    }
    const wanted = ["main", ...ctx.groups].map(normalizeName);
    const optionalWanted = roots ? new Set(roots.extraPackages) : new Set<string>();
    for (const p of packages) {
      const where = { file: ctx.file, line: p.line, distribution: p.name };
      try {
        const applies = (p.groups ?? []).some((g) => {
          if (!wanted.includes(normalizeName(g))) return false;
          const marker = typeof p.markers === "string" ? p.markers : asString(asTable(p.markers)?.[g]);
          return !marker || markerTrue(marker, env, ctx.extras, [], where);
        });
        if (!applies) continue;
        // An optional package is there for an extra: its marker names the extra, or pyproject.toml does.
        const markerText = typeof p.markers === "string" ? p.markers : JSON.stringify(p.markers ?? "");
        if (p.optional && !/\bextra\b/.test(markerText) && !optionalWanted.has(p.name)) continue;
        select(p);
      } catch (e) {
        if (e instanceof UserError) errors.push(e);
        else throw e;
      }
    }
    // pyproject.toml beside the lock: a runtime dependency missing from the lock means a stale lock.
    if (roots && pyproject) {
      for (const edge of roots.edges) {
        if (!edgeApplies(edge, ctx.extras, { file: pyproject.file })) continue;
        if (!byName.has(edge.name)) errors.push(staleLock(edge.name, pyproject.file, ctx));
      }
    }
  } else {
    if (!roots || !pyproject) {
      throw new UserError(
        `poetry.lock lock-version ${lockVersion} does not record which packages are runtime dependencies: the pyproject.toml beside it is needed, and there is none`,
        {
          where: { file: ctx.file },
          hint: "keep poetry.lock next to its pyproject.toml, or relock with Poetry 2 (lock-version 2.1)",
        },
      );
    }
    for (const g of ctx.groups) {
      if (!roots.groupNames.has(normalizeName(g))) {
        errors.push(
          new UserError(
            `dependency group "${g}" is not in ${pyproject.file} (groups: ${listOrNone([...roots.groupNames])})`,
            { where: { file: pyproject.file }, hint: "remove it from `groups`" },
          ),
        );
      }
    }
    const queue: { pkg: PoetryPackage; extras: string[] }[] = [];
    const seen = new Set<string>();
    const visit = (
      edge: PoetryEdge,
      from: string,
      fromExtras: readonly string[],
      where: { file: string; line?: number; distribution?: string },
      isRoot: boolean,
    ) => {
      if (!edgeApplies(edge, fromExtras, where)) return;
      const pkg = pick(edge);
      if (!pkg) {
        throw isRoot
          ? staleLock(edge.name, pyproject.file, ctx)
          : new UserError(`${from}: depends on ${edge.name}, which poetry.lock does not contain`, {
              where,
              hint: `the lock is damaged or was edited by hand: ${RELOCK}`,
            });
      }
      const key = `${pkg.id}[${[...edge.extras].sort().join(",")}]`;
      if (seen.has(key)) return;
      seen.add(key);
      select(pkg, edge.extras);
      queue.push({ pkg, extras: edge.extras });
    };
    for (const edge of roots.edges) {
      try {
        visit(edge, pyproject.file, ctx.extras, { file: pyproject.file }, true);
      } catch (e) {
        if (e instanceof UserError) errors.push(e);
        else throw e;
      }
    }
    while (queue.length > 0) {
      const { pkg, extras } = queue.shift()!;
      const activated = new Set(extras.flatMap((e) => pkg.extras.get(normalizeName(e)) ?? []));
      for (const edge of pkg.dependencies) {
        if (edge.optional && !activated.has(edge.name)) continue;
        try {
          visit(edge, pkg.table, extras, { file: ctx.file, line: pkg.line, distribution: pkg.name }, false);
        } catch (e) {
          if (e instanceof UserError) errors.push(e);
          else throw e;
        }
      }
    }
  }

  const requirements: PinnedRequirement[] = [];
  const firstParty: LockedSet["firstParty"] = [];
  const findLinks = new Set<string>();
  let fromPypi = false;
  const chosen = new Map<string, PoetryPackage>();
  for (const p of packages) {
    const extras = selected.get(p.id);
    if (!extras) continue;
    const where = { file: ctx.file, line: p.line, distribution: p.name };
    try {
      const twin = chosen.get(p.name);
      if (twin) {
        throw new UserError(
          `${p.table}: poetry.lock selects two versions of ${p.name} (${twin.version} and ${p.version}) for this target`,
          { where, hint: RELOCK },
        );
      }
      chosen.set(p.name, p);
      const type = asString(p.source?.type);
      const url = asString(p.source?.url) ?? "";
      if (type === "git")
        throw vcsError(
          p.table,
          p.name,
          `${url}${p.source?.reference ? ` (${String(p.source.reference)})` : ""}`,
          where,
        );
      if (type === "url") throw directUrlError(p.table, p.name, url, where);
      if (type === "directory") {
        firstParty.push({ name: p.name, path: firstPartyPath(ctx, url, p.table, p.name, where) });
        continue;
      }
      if (type === "file") findLinks.add(localWheelDir(ctx, url, p.table, p.name, where));
      else if (type !== undefined && type !== "legacy") {
        throw new UserError(`${p.table}: unknown [package.source] type "${type}"`, {
          where,
          hint: "supported: legacy (an index), file and directory inside the project",
        });
      }
      const fit = checkWheels({
        name: p.name,
        version: p.version,
        filenames: p.files.map((f) => f.file),
        hasSdist: false,
        target: ctx.target,
        where,
        table: p.table,
      });
      if (fit) throw fit;
      const req: PinnedRequirement = {
        name: p.name,
        version: p.version,
        extras: [...extras].sort(),
        hashes: [...new Set(p.files.filter((f) => f.file.endsWith(".whl") || type === "file").map((f) => f.hash))],
        where: { file: ctx.file, line: p.line, table: p.table },
      };
      if (type === "legacy") req.index = checkIndexUrl(url, { ...where, hint: RELOCK });
      else if (type === undefined) fromPypi = true;
      requirements.push(req);
    } catch (e) {
      if (e instanceof UserError) errors.push(e);
      else throw e;
    }
  }
  throwAll(errors);
  const indexes = indexesFor(requirements, fromPypi);
  indexes.findLinks.push(...findLinks);
  return {
    format: "poetry",
    lockfile: ctx.file,
    requirements: requirements.sort((a, b) => a.name.localeCompare(b.name)),
    indexes,
    complete: true,
    firstParty: firstParty.sort((a, b) => a.path.localeCompare(b.path)),
  };
}

function staleLock(name: string, pyprojectFile: string, ctx: LockContext): UserError {
  return new UserError(
    `poetry.lock does not match pyproject.toml: ${pyprojectFile} requires ${name}, which poetry.lock does not contain`,
    {
      where: { file: ctx.file, distribution: name },
      hint: RELOCK,
    },
  );
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

interface Roots {
  edges: PoetryEdge[];
  groupNames: Set<string>;
  /** packages that requested extras of the project turn on */
  extraPackages: string[];
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

  edges.push(...asArray(project?.dependencies).map(fromPep508));
  const optionalDeps = asTable(project?.["optional-dependencies"]) ?? {};
  const extraPackages: string[] = [];
  for (const [extra, reqs] of Object.entries(optionalDeps)) {
    if (!requested.has(normalizeName(extra))) continue;
    const e = asArray(reqs).map(fromPep508);
    edges.push(...e);
    extraPackages.push(...e.map((x) => x.name));
  }
  const poetryExtras = asTable(poetry.extras) ?? {};
  const extraNames = new Set(
    Object.entries(poetryExtras)
      .filter(([extra]) => requested.has(normalizeName(extra)))
      .flatMap(([, names]) => asArray(names).map((n) => normalizeName(String(n)))),
  );
  extraPackages.push(...extraNames);
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
    edges.push(...(groupTables.get(g) ?? []).flatMap(fromPoetryTable), ...pep735Edges(g));
  }
  return { edges, groupNames, extraPackages };
}
