/**
 * uv.lock (version 1, any revision): a universal lock, so the target's set is found by
 * walking the dependency graph from the project's own package(s), following the edges
 * whose (already simplified) marker is true for the Lambda target, the optional
 * dependencies of requested extras and, only when asked, dependency groups.
 *
 * First-party packages (`editable`, `virtual`, `directory` sources inside the project:
 * the project and its workspace members) are returned as `firstParty`, not installed.
 *
 * The roots and the walk are in uv-select.ts; this file reads the lock and makes the
 * selected packages pins.
 */

import { append } from "../append.ts";
import { throwAll, UserError } from "../errors.ts";
import {
  asArray,
  asString,
  asTable,
  basename,
  checkRequiresPython,
  checkWheels,
  describeTarget,
  firstPartyPath,
  indexesFor,
  lineOf,
  localWheelDir,
  PackageLines,
  parseLockToml,
  projectPath,
  readPyprojectBeside,
  refuseDuplicateTables,
  requirementOf,
  sdistOnly,
  type TomlTable,
} from "./common.ts";
import { collectError } from "./entry.ts";
import { checkExtra, checkHash, checkIndexUrl, checkName, checkVersion, type FieldOrigin, shown } from "./grammar.ts";
import { archivePin, buildsFromSource, gitPin, parseUvGitSource, type SourceEntry, sdistPin } from "./sources.ts";
import { type LockContext, type LockedSet, normalizeName, type PinnedRequirement } from "./types.ts";
import {
  checkRequested,
  FIRST_PARTY,
  findRoots,
  RELOCK,
  type Selected,
  selectReachable,
  sourceKey,
  type UvEdge,
  type UvPackage,
} from "./uv-select.ts";

const SUPPORTED_UV = "version 1 (revisions 1–3 tested; uv 0.5 and later)";
const KNOWN_SOURCES = new Set([...FIRST_PARTY, "registry", "git", "url", "path"]);

export function readUvLock(text: string, ctx: LockContext): LockedSet {
  const doc = parseLockToml(text, ctx.file);
  checkHeader(text, doc, ctx);
  const packages = readPackages(text, doc, ctx);
  const roots = findRoots(packages, doc, ctx);
  checkAgainstPyproject(packages, ctx);
  // gathered along the way and thrown together once the pins are made, so one run shows them all
  const errors: UserError[] = [];
  checkRequested(roots, ctx, errors);
  const selected = selectReachable(packages, roots, asArray(doc.conflicts).length > 0, ctx, errors);
  return pinSelected(packages, selected, ctx, errors);
}

function checkHeader(text: string, doc: TomlTable, ctx: LockContext): void {
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
  checkRequiresPython(text, doc, "requires-python", ctx, "uv.lock");
}

function readPackages(text: string, doc: TomlTable, ctx: LockContext): UvPackage[] {
  const lines = new PackageLines(text, "[[package]]");
  const tables = asArray(doc.package);
  const packages = tables.map((raw, id) => readPackage(raw, id, tables.length, lines, ctx));
  refuseDuplicateTables(
    packages,
    (p) => `${p.name} ${p.version ?? ""} ${p.sourceKind}=${p.sourceValue}`,
    (p) => `${p.name} ${p.version ?? ""} from ${p.sourceKind} ${shown(p.sourceValue)}`,
    { file: ctx.file, lockName: "uv.lock", hint: RELOCK },
  );
  return packages;
}

interface Pins {
  requirements: PinnedRequirement[];
  firstParty: LockedSet["firstParty"];
  findLinks: Set<string>;
}

/** The selected packages as pins; every error of the read so far is thrown here, together. */
function pinSelected(packages: UvPackage[], selected: Selected, ctx: LockContext, errors: UserError[]): LockedSet {
  const pins: Pins = { requirements: [], firstParty: [], findLinks: new Set() };
  const chosenVersion = new Map<string, UvPackage>();
  for (const pkg of packages) {
    if (!selected.visited.has(`${pkg.id}`)) continue;
    const where = { file: ctx.file, line: pkg.line, distribution: pkg.name };
    collectError(errors, () => {
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
      pinPackage(pkg, selected.activeExtras.get(pkg.id), ctx, pins);
    });
  }
  throwAll(errors);
  const indexes = indexesFor(pins.requirements);
  append(indexes.findLinks, pins.findLinks);
  return {
    format: "uv",
    lockfile: ctx.file,
    requirements: pins.requirements.sort((a, b) => a.name.localeCompare(b.name)),
    indexes,
    complete: true,
    firstParty: pins.firstParty.sort((a, b) => a.path.localeCompare(b.path)),
  };
}

/** The source decision (index, local wheels, project folder, a build from source, refusal) for one package. */
function pinPackage(pkg: UvPackage, extras: Set<string> | undefined, ctx: LockContext, pins: Pins): void {
  const where = { file: ctx.file, line: pkg.line, distribution: pkg.name };
  if (FIRST_PARTY.has(pkg.sourceKind)) {
    pins.firstParty.push({
      name: pkg.name,
      path: firstPartyPath(ctx, pkg.sourceValue || ".", pkg.table, pkg.name, where),
    });
    return;
  }
  const entry: SourceEntry = {
    table: pkg.table,
    name: pkg.name,
    version: pkg.version ?? "",
    extras: [...(extras ?? [])],
    where: { file: ctx.file, line: pkg.line },
    relock: RELOCK,
  };
  const sdistHashes = pkg.sdist?.hash === undefined ? [] : [checkHash(pkg.sdist.hash, { ...where, hint: RELOCK })];
  if (pkg.sourceKind === "git") {
    const git = parseUvGitSource(pkg.sourceValue);
    pins.requirements.push(gitPin(entry, ctx, { ...git, requested: git.rev }));
    return;
  }
  if (pkg.sourceKind === "path" && !/\.whl$/i.test(pkg.sourceValue) && buildsFromSource(ctx)) {
    pins.requirements.push(archivePin(entry, ctx, { path: pkg.sourceValue }, sdistHashes));
    return;
  }
  if (pkg.sourceKind === "url") {
    const subdirectory = pkg.source.subdirectory;
    pins.requirements.push(archivePin(entry, ctx, { url: pkg.sourceValue, subdirectory }, sdistHashes));
    return;
  }
  if (!pkg.version) throw new UserError(`${pkg.table}: ${pkg.name} has no version`, { where, hint: "run `uv lock`" });
  const index = registryOf(pkg, ctx, pins);
  const filenames = pkg.wheels.map((w) => asString(w.filename) ?? basename(asString(w.url) ?? asString(w.path) ?? ""));
  const hasSdist = pkg.sdist !== undefined;
  const building = pkg.sourceKind === "registry" && sdistOnly(filenames, hasSdist) && buildsFromSource(ctx);
  const fit = building
    ? undefined
    : checkWheels({
        name: pkg.name,
        version: pkg.version,
        filenames,
        hasSdist,
        target: ctx.target,
        where,
        table: pkg.table,
      });
  if (fit) throw fit;
  const hashes = pkg.wheels
    .filter((w) => w.hash !== undefined)
    .map((w) => checkHash(w.hash, { ...where, hint: RELOCK }));
  const req: PinnedRequirement = building
    ? sdistPin(entry, sdistHashes)
    : {
        name: pkg.name,
        version: pkg.version,
        extras: [...(extras ?? [])].sort(),
        hashes: [...new Set(hashes)],
        where: { file: ctx.file, line: pkg.line, table: pkg.table },
      };
  if (index) req.index = index;
  pins.requirements.push(req);
}

/** Where a registry or path package comes from: an index URL (returned), or a folder added to find-links. */
function registryOf(pkg: UvPackage, ctx: LockContext, pins: Pins): string | undefined {
  const where = { file: ctx.file, line: pkg.line, distribution: pkg.name };
  if (pkg.sourceKind === "path") {
    pins.findLinks.add(localWheelDir(ctx, pkg.sourceValue, pkg.table, pkg.name, where));
    return undefined;
  }
  if (/^https?:\/\//.test(pkg.sourceValue)) return checkIndexUrl(pkg.sourceValue, { ...where, hint: RELOCK });
  // a flat index in a local folder (`[[tool.uv.index]] url = "./wheels"`, format = "flat")
  const local = projectPath(ctx, pkg.sourceValue);
  if (!local)
    throw new UserError(
      `${pkg.table}: ${pkg.name} comes from the local index ${pkg.sourceValue}, outside the project`,
      {
        where,
        hint: "move the folder inside `working-directory`, or serve it over HTTP",
      },
    );
  pins.findLinks.add(local.abs);
  return undefined;
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
    sdist: asTable(t.sdist),
    source,
    metadata: asTable(t.metadata),
    table,
    line,
  };
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
