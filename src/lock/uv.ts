/**
 * uv.lock (version 1, any revision): a universal lock, so the target's set is found by
 * walking the dependency graph from the project's own package(s), following the edges
 * whose (already simplified) marker is true for the Lambda target, the optional
 * dependencies of requested extras and, only when asked, dependency groups.
 *
 * First-party packages (`editable`, `virtual`, `directory` sources inside the project:
 * the project and its workspace members) are returned as `firstParty`, not installed.
 * Roots: the first-party package whose folder is the working directory; else every
 * `[manifest] members` package; else every first-party package.
 */
import path from "node:path";
import { throwAll, UserError } from "../errors.ts";
import {
  asArray,
  asString,
  asTable,
  basename,
  checkRequiresPython,
  checkWheels,
  describeTarget,
  directUrlError,
  firstPartyPath,
  indexesFor,
  lineOf,
  listOrNone,
  localWheelDir,
  markerTrue,
  PackageLines,
  parseLockToml,
  projectPath,
  readPyprojectBeside,
  refuseDuplicateTables,
  requirementOf,
  type TomlTable,
  vcsError,
} from "./common.ts";
import { checkExtra, checkHash, checkIndexUrl, checkName, checkVersion, type FieldOrigin, shown } from "./grammar.ts";
import { targetEnvironment } from "./markers.ts";
import { type LockContext, type LockedSet, normalizeName, type PinnedRequirement } from "./types.ts";

const SUPPORTED_UV = "version 1 (revisions 1–3 tested; uv 0.5 and later)";
const FIRST_PARTY = new Set(["editable", "virtual", "workspace", "directory"]);
const KNOWN_SOURCES = new Set([...FIRST_PARTY, "registry", "git", "url", "path"]);
const RELOCK = "run `uv lock` to regenerate uv.lock; uv never writes this value";

interface UvEdge {
  name: string;
  version?: string;
  source?: string;
  marker?: string;
  extras: string[];
}

interface UvPackage {
  id: number;
  name: string;
  rawName: string;
  version?: string;
  sourceKind: string;
  sourceValue: string;
  resolutionMarkers: string[];
  dependencies: UvEdge[];
  optional: Map<string, UvEdge[]>;
  groups: Map<string, UvEdge[]>;
  wheels: TomlTable[];
  hasSdist: boolean;
  metadata?: TomlTable;
  table: string;
  line?: number;
}

export function readUvLock(text: string, ctx: LockContext): LockedSet {
  const doc = parseLockToml(text, ctx.file);
  const version = doc.version;
  if (version !== 1) {
    throw new UserError(
      `unsupported uv.lock version ${JSON.stringify(version ?? "(missing)")}: this action reads uv.lock ${SUPPORTED_UV}`,
      {
        where: { file: ctx.file, line: lineOf(text, /^version\s*=/m) },
        hint: "update this action, or lock with a uv release that writes version 1",
      },
    );
  }
  checkRequiresPython(
    asString(doc["requires-python"]),
    ctx,
    { file: ctx.file, line: lineOf(text, /^requires-python\s*=/m) },
    "uv.lock",
  );

  const lines = new PackageLines(text, "[[package]]");
  const tables = asArray(doc.package);
  const packages = tables.map((raw, id) => readPackage(raw, id, tables.length, lines, ctx));
  refuseDuplicateTables(
    packages,
    (p) => `${p.name} ${p.version ?? ""} ${p.sourceKind}=${p.sourceValue}`,
    (p) => `${p.name} ${p.version ?? ""} from ${p.sourceKind} ${shown(p.sourceValue)}`,
    { file: ctx.file, lockName: "uv.lock", hint: RELOCK },
  );
  const byName = new Map<string, UvPackage[]>();
  for (const p of packages) byName.set(p.name, [...(byName.get(p.name) ?? []), p]);

  const roots = findRoots(packages, doc, ctx);
  checkAgainstPyproject(packages, ctx);

  const env = targetEnvironment(ctx.target);
  // uv encodes conflicting extras and groups as `extra == 'extra-<len>-<package>-<name>'` / `'group-…'`.
  const conflictExtras = roots.flatMap((r) => [
    ...ctx.extras.map((e) => conflictExtra(r.name, e)),
    ...ctx.groups.map((g) => `group-${r.name.length}-${r.name}-${normalizeName(g)}`),
  ]);
  const errors: UserError[] = [];
  checkRequested(roots, ctx, errors);

  // uv's conflict markers (`extra == 'extra-3-lib-tasks'`) count every extra an edge switches on
  // anywhere in the graph, not only the ones requested at the root: like uv, a first walk learns
  // them (an edge's own extras count while its marker is evaluated), the second walk selects.
  const activated = new Set(conflictExtras);
  const walk = (learn: boolean) => {
    const visited = new Set<string>();
    const activeExtras = new Map<number, Set<string>>();
    const queue: { pkg: UvPackage; extra?: string }[] = [];
    const enqueue = (pkg: UvPackage, extra?: string) => {
      const key = extra === undefined ? `${pkg.id}` : `${pkg.id}[${extra}]`;
      if (visited.has(key)) return;
      visited.add(key);
      if (extra !== undefined) activeExtras.set(pkg.id, new Set([...(activeExtras.get(pkg.id) ?? []), extra]));
      queue.push({ pkg, extra });
    };
    const follow = (from: UvPackage, edges: UvEdge[]) => {
      for (const edge of edges) {
        const where = { file: ctx.file, line: from.line, distribution: from.name };
        const own = learn ? edge.extras.map((e) => conflictExtra(edge.name, e)).filter((k) => !activated.has(k)) : [];
        if (edge.marker && !markerTrue(edge.marker, env, [...activated, ...own], [], where)) continue;
        for (const k of own) activated.add(k);
        const target = resolveEdge(edge, from, byName, env, [...activated], ctx);
        enqueue(target);
        for (const e of edge.extras) enqueue(target, e);
      }
    };
    for (const root of roots) {
      enqueue(root);
      for (const e of ctx.extras) if (root.optional.has(normalizeName(e))) enqueue(root, normalizeName(e));
    }
    while (queue.length > 0) {
      const { pkg, extra } = queue.shift()!;
      try {
        if (extra === undefined) {
          follow(pkg, pkg.dependencies);
          if (roots.includes(pkg)) for (const g of ctx.groups) follow(pkg, pkg.groups.get(normalizeName(g)) ?? []);
        } else {
          follow(pkg, pkg.optional.get(normalizeName(extra)) ?? []);
        }
      } catch (e) {
        // the learning walk only gathers extras: the selecting walk reports every error
        if (!(e instanceof UserError)) throw e;
        if (!learn) errors.push(e);
      }
    }
    return { visited, activeExtras };
  };
  if (asArray(doc.conflicts).length > 0) walk(true);
  const { visited, activeExtras } = walk(false);

  const requirements: PinnedRequirement[] = [];
  const firstParty: LockedSet["firstParty"] = [];
  const findLinks = new Set<string>();
  const chosenVersion = new Map<string, UvPackage>();
  for (const pkg of packages) {
    if (!visited.has(`${pkg.id}`)) continue;
    const where = { file: ctx.file, line: pkg.line, distribution: pkg.name };
    try {
      const twin = chosenVersion.get(pkg.name);
      if (twin) {
        throw new UserError(
          `${pkg.table}: uv.lock selects two versions of ${pkg.name} (${twin.version} and ${pkg.version}) for ${describeTarget(ctx.target)}`,
          {
            where,
            hint: "run `uv lock` again; report it if the lock stays so",
          },
        );
      }
      chosenVersion.set(pkg.name, pkg);
      if (FIRST_PARTY.has(pkg.sourceKind)) {
        firstParty.push({
          name: pkg.name,
          path: firstPartyPath(ctx, pkg.sourceValue || ".", pkg.table, pkg.name, where),
        });
        continue;
      }
      if (pkg.sourceKind === "git") throw vcsError(pkg.table, pkg.name, pkg.sourceValue, where);
      if (pkg.sourceKind === "url") throw directUrlError(pkg.table, pkg.name, pkg.sourceValue, where);
      if (!pkg.version)
        throw new UserError(`${pkg.table}: ${pkg.name} has no version`, { where, hint: "run `uv lock`" });
      const filenames = pkg.wheels.map(
        (w) => asString(w.filename) ?? basename(asString(w.url) ?? asString(w.path) ?? ""),
      );
      let index: string | undefined;
      if (pkg.sourceKind === "path") {
        findLinks.add(localWheelDir(ctx, pkg.sourceValue, pkg.table, pkg.name, where));
      } else if (/^https?:\/\//.test(pkg.sourceValue)) {
        index = checkIndexUrl(pkg.sourceValue, { ...where, hint: RELOCK });
      } else {
        // a flat index in a local folder (`[[tool.uv.index]] url = "./wheels"`, format = "flat")
        const local = projectPath(ctx, pkg.sourceValue);
        if (!local)
          throw new UserError(
            `${pkg.table}: ${pkg.name} comes from the local index ${pkg.sourceValue}, outside the project`,
            { where, hint: "move the folder inside `working-directory`, or serve it over HTTP" },
          );
        findLinks.add(local.abs);
      }
      const fit = checkWheels({
        name: pkg.name,
        version: pkg.version,
        filenames,
        hasSdist: pkg.hasSdist,
        target: ctx.target,
        where,
        table: pkg.table,
      });
      if (fit) throw fit;
      const hashes = [
        ...new Set(
          pkg.wheels.filter((w) => w.hash !== undefined).map((w) => checkHash(w.hash, { ...where, hint: RELOCK })),
        ),
      ];
      const req: PinnedRequirement = {
        name: pkg.name,
        version: pkg.version,
        extras: [...(activeExtras.get(pkg.id) ?? [])].sort(),
        hashes,
        where: { file: ctx.file, line: pkg.line, table: pkg.table },
      };
      if (index) req.index = index;
      requirements.push(req);
    } catch (e) {
      if (e instanceof UserError) errors.push(e);
      else throw e;
    }
  }
  throwAll(errors);
  const indexes = indexesFor(requirements);
  indexes.findLinks.push(...findLinks);
  return {
    format: "uv",
    lockfile: ctx.file,
    requirements: requirements.sort((a, b) => a.name.localeCompare(b.name)),
    indexes,
    complete: true,
    firstParty: firstParty.sort((a, b) => a.path.localeCompare(b.path)),
  };
}

/** Edges name packages of the lock and extras that reach the installer: both checked here. */
function readEdges(value: unknown, at: FieldOrigin): UvEdge[] {
  return asArray(value)
    .map(asTable)
    .filter((t): t is TomlTable => !!t && typeof t.name === "string")
    .map((t) => ({
      name: normalizeName(checkName(t.name, at)),
      version: asString(t.version),
      source: t.source === undefined ? undefined : sourceKey(asTable(t.source)),
      marker: asString(t.marker),
      extras: asArray(t.extra).map((e) => normalizeName(checkExtra(e, at))),
    }));
}

function readGroups(value: unknown, at: FieldOrigin): Map<string, UvEdge[]> {
  const table = asTable(value) ?? {};
  return new Map(Object.entries(table).map(([k, v]) => [normalizeName(k), readEdges(v, at)]));
}

function sourceKey(source: TomlTable | undefined): string {
  const [kind, value] = Object.entries(source ?? {})[0] ?? ["", ""];
  return `${kind}=${String(value)}`;
}

function readPackage(raw: unknown, id: number, count: number, lines: PackageLines, ctx: LockContext): UvPackage {
  const t = asTable(raw) ?? {};
  const rawName = asString(t.name);
  if (!rawName)
    throw new UserError("a [[package]] table has no name", { where: { file: ctx.file }, hint: "run `uv lock`" });
  const line = lines.at(id, count, normalizeName(rawName), asString(t.version));
  checkName(rawName, { file: ctx.file, line, hint: RELOCK });
  const name = normalizeName(rawName);
  const at = { file: ctx.file, line, distribution: name, hint: RELOCK };
  const version = t.version === undefined ? undefined : checkVersion(t.version, at);
  const table = `[[package]] name = "${rawName}"`;
  const source = asTable(t.source) ?? {};
  const [sourceKind, sourceValue] = Object.entries(source)[0] ?? ["", ""];
  if (!KNOWN_SOURCES.has(sourceKind)) {
    throw new UserError(`${table}: unknown source ${shown(JSON.stringify(source), 200)}`, {
      where: { file: ctx.file, line, distribution: name },
      hint: `supported sources: ${[...KNOWN_SOURCES].join(", ")}`,
    });
  }
  return {
    id,
    name,
    rawName,
    version,
    sourceKind,
    sourceValue: typeof sourceValue === "string" ? sourceValue : "",
    resolutionMarkers: asArray(t["resolution-markers"])
      .map(asString)
      .filter((m): m is string => !!m),
    dependencies: readEdges(t.dependencies, at),
    optional: readGroups(t["optional-dependencies"], at),
    groups: readGroups(t["dev-dependencies"], at),
    wheels: asArray(t.wheels)
      .map(asTable)
      .filter((w): w is TomlTable => !!w),
    hasSdist: asTable(t.sdist) !== undefined,
    metadata: asTable(t.metadata),
    table,
    line,
  };
}

function findRoots(packages: UvPackage[], doc: TomlTable, ctx: LockContext): UvPackage[] {
  const firstParty = packages.filter((p) => FIRST_PARTY.has(p.sourceKind));
  const lockDir = path.dirname(ctx.path);
  const here = firstParty.filter(
    (p) => path.resolve(lockDir, p.sourceValue || ".") === path.resolve(ctx.workingDirectory),
  );
  if (here.length > 0) return here;
  const members = asArray(asTable(doc.manifest)?.members)
    .map(asString)
    .filter((m): m is string => !!m)
    .map(normalizeName);
  const memberPackages = firstParty.filter((p) => members.includes(p.name));
  if (memberPackages.length > 0) return memberPackages;
  if (firstParty.length > 0) return firstParty;
  throw new UserError("uv.lock has no package for the project itself (no editable, virtual or workspace source)", {
    where: { file: ctx.file },
    hint: "run `uv lock` in the project's folder; a lock made by `uv pip compile` is a requirements file or a pylock.toml instead",
  });
}

function checkRequested(roots: UvPackage[], ctx: LockContext, errors: UserError[]): void {
  const where = { file: ctx.file, line: roots[0]?.line };
  const extras = new Set(
    roots.flatMap((r) => [
      ...r.optional.keys(),
      ...asArray(r.metadata?.["provides-extras"]).map((e) => normalizeName(String(e))),
    ]),
  );
  const groups = new Set(
    roots.flatMap((r) => [
      ...r.groups.keys(),
      ...Object.keys(asTable(r.metadata?.["requires-dev"]) ?? {}).map(normalizeName),
    ]),
  );
  for (const e of ctx.extras) {
    if (!extras.has(normalizeName(e))) {
      errors.push(
        new UserError(
          `extra "${e}" is not defined by ${roots.map((r) => r.name).join(", ")} in uv.lock (extras: ${listOrNone([...extras])})`,
          { where, hint: "remove it from `extras`, or add it to the project and run `uv lock`" },
        ),
      );
    }
  }
  for (const g of ctx.groups) {
    if (!groups.has(normalizeName(g))) {
      errors.push(
        new UserError(
          `dependency group "${g}" is not defined by ${roots.map((r) => r.name).join(", ")} in uv.lock (groups: ${listOrNone([...groups])})`,
          { where, hint: "remove it from `groups`, or add it to the project and run `uv lock`" },
        ),
      );
    }
  }
}

/** How uv names an extra in conflict markers: `extra-<length of the name>-<name>-<extra>`. */
function conflictExtra(pkg: string, extra: string): string {
  return `extra-${pkg.length}-${pkg}-${normalizeName(extra)}`;
}

function resolveEdge(
  edge: UvEdge,
  from: UvPackage,
  byName: Map<string, UvPackage[]>,
  env: Record<string, string>,
  extras: string[],
  ctx: LockContext,
): UvPackage {
  let candidates = (byName.get(edge.name) ?? []).filter(
    (p) =>
      (edge.version === undefined || p.version === edge.version) &&
      (edge.source === undefined || sourceKey({ [p.sourceKind]: p.sourceValue }) === edge.source),
  );
  const where = { file: ctx.file, line: from.line, distribution: from.name };
  if (candidates.length > 1) {
    // Several versions guarded by resolution-markers: the one whose fork includes the target.
    const fitting = candidates.filter(
      (p) => p.resolutionMarkers.length === 0 || p.resolutionMarkers.some((m) => markerTrue(m, env, extras, [], where)),
    );
    if (fitting.length > 0) candidates = fitting;
  }
  if (candidates.length > 1) {
    // uv names the version (and source) in an edge whenever the lock holds more than one
    throw new UserError(
      `${from.table}: the dependency on ${edge.name} matches ${candidates.length} tables of uv.lock (lines ${candidates.map((c) => c.line ?? "?").join(", ")}) for ${describeTarget(ctx.target)}`,
      { where, hint: RELOCK },
    );
  }
  const chosen = candidates[0];
  if (!chosen) {
    throw new UserError(
      `${from.table}: depends on ${edge.name}${edge.version ? ` ${edge.version}` : ""}, which uv.lock does not contain`,
      {
        where,
        hint: "the lock is damaged or was edited by hand: run `uv lock`",
      },
    );
  }
  return chosen;
}

/** Names only: a dependency added to (or dropped from) pyproject.toml without `uv lock` since. */
function checkAgainstPyproject(packages: UvPackage[], ctx: LockContext): void {
  const pyproject = readPyprojectBeside(ctx);
  const project = asTable(pyproject?.doc.project);
  const projectName = asString(project?.name);
  if (!pyproject || !project || !projectName || asArray(project.dynamic).includes("dependencies")) return;
  const hint = "run `uv lock` (or `uv sync`) and commit the updated uv.lock";
  const root = packages.find((p) => p.name === normalizeName(projectName) && FIRST_PARTY.has(p.sourceKind));
  if (!root) {
    throw new UserError(
      `uv.lock does not match pyproject.toml: run \`uv lock\` (the project ${projectName} is not in the lock)`,
      { where: { file: ctx.file }, hint },
    );
  }
  const wanted = new Set(asArray(project.dependencies).map((d) => requirementOf(d, { file: pyproject.file }).name));
  const requiresDist = asArray(root.metadata?.["requires-dist"])
    .map(asTable)
    .filter((t): t is TomlTable => !!t);
  const locked = new Set(requiresDist.map((t) => normalizeName(String(t.name))));
  const lockedMain = new Set(
    requiresDist
      .filter((t) => !/\bextra\s*==/.test(asString(t.marker) ?? ""))
      .map((t) => normalizeName(String(t.name))),
  );
  const added = [...wanted].filter((n) => !locked.has(n));
  const dropped = [...lockedMain].filter((n) => !wanted.has(n));
  if (added.length > 0 || dropped.length > 0) {
    const parts = [
      added.length ? `pyproject.toml requires ${added.join(", ")}, which the lock does not` : "",
      dropped.length ? `the lock still requires ${dropped.join(", ")}, which pyproject.toml no longer does` : "",
    ].filter(Boolean);
    throw new UserError(`uv.lock does not match pyproject.toml: run \`uv lock\` (${parts.join("; ")})`, {
      where: { file: ctx.file, line: root.line, distribution: root.name },
      hint,
    });
  }
}
