import path from "node:path";
import { pathToFileURL } from "node:url";
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
  listOrNone,
  localWheelDir,
  markerTrue,
  PackageLines,
  parseLockToml,
  projectPath,
  sdistOnly,
  type TomlTable,
  vcsError,
} from "./common.ts";
import { collectError, type EntryOrigin, entryOrigin } from "./entry.ts";
import { checkHash, checkIndexUrl, checkPath, checkVersion, type FieldOrigin, quoted, shown } from "./grammar.ts";
import { type MarkerEnvironment, targetEnvironment } from "./markers.ts";
import { archivePin, buildsFromSource, gitPin, type SourceEntry, sdistPin } from "./sources.ts";
import { type LockContext, type LockedSet, normalizeName, type PinnedRequirement } from "./types.ts";
import { matchesSpecifier } from "./version.ts";

const SUPPORTED_PYLOCK = "1.x (PEP 751)";
const RELOCK = "regenerate pylock.toml with the tool that wrote it (`pip lock`, `uv export --format pylock.toml`)";

export function readPylock(text: string, ctx: LockContext): LockedSet {
  const doc = parsePylock(text, ctx);
  const lines = new PackageLines(text, "[[packages]]");
  const env = targetEnvironment(ctx.target);
  checkHeader(doc, text, ctx, env);
  const errors: UserError[] = [];
  const groups = selectGroups(doc, ctx, errors);
  const entries = new PylockEntries(ctx, env, groups, errors);
  const tables = asArray(doc.packages);
  for (const [i, raw] of tables.entries())
    entries.read(raw, (name, version) => lines.at(i, tables.length, name, version));
  throwAll(errors);
  return entries.lockedSet();
}

/** The lock's TOML; a requirements file under a pylock name (older `uv export -o pylock.toml`) is said to be one. */
function parsePylock(text: string, ctx: LockContext): TomlTable {
  try {
    return parseLockToml(text, ctx.file);
  } catch (e) {
    if (!(e instanceof UserError) || !looksLikeRequirements(text)) throw e;
    const name = path.basename(ctx.file);
    throw new UserError(
      `${name} is a requirements file (name==version lines), not a PEP 751 lock: older \`uv export -o ${name}\` wrote this format, which is not TOML`,
      {
        where: { file: ctx.file },
        hint: `rename it to requirements.txt (or give it another name and set \`lockfile\` to it), or export a real lock with \`uv export --format pylock.toml -o ${name}\``,
        cause: e,
      },
    );
  }
}

/** Every line that says something is a requirement, an option or a continuation, as pip writes them. */
function looksLikeRequirements(text: string): boolean {
  const lines = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith("#"));
  const requirement = /^(?:[A-Za-z0-9][A-Za-z0-9._-]*(?:\[[^\]]*\])?\s*(?:===?|@|;|\\$|$)|--?[a-z]|\\$)/;
  return lines.length > 0 && lines.some((l) => /==|--hash/.test(l)) && lines.every((l) => requirement.test(l));
}

/** The document-level refusals, each thrown at once: lock-version, requires-python, environments. */
function checkHeader(doc: TomlTable, text: string, ctx: LockContext, env: MarkerEnvironment): void {
  const lockVersion = asString(doc["lock-version"]);
  if (!lockVersion || !/^1(\.\d+)*$/.test(lockVersion)) {
    throw new UserError(
      `unsupported ${path.basename(ctx.file)} lock-version ${quoted(String(doc["lock-version"] ?? "(missing)"))}: this action reads lock-version ${SUPPORTED_PYLOCK}`,
      {
        where: { file: ctx.file, line: lineOf(text, /^lock-version\s*=/m) },
        hint: "write the lock with a tool that follows PEP 751 (`pip lock`, `uv export --format pylock.toml`)",
      },
    );
  }
  checkRequiresPython(text, doc, "requires-python", ctx, path.basename(ctx.file));

  const environments = strings(doc.environments);
  if (environments.length > 0) {
    const where = { file: ctx.file, line: lineOf(text, /^environments\s*=/m) };
    if (!environments.some((m) => markerTrue(m, env, [], [], where))) {
      throw new UserError(
        `${path.basename(ctx.file)} was locked for the environments ${environments.map((e) => quoted(e, 200)).join(", ")}, and none of them is ${describeTarget(ctx.target)}`,
        {
          where,
          hint: "lock for the Lambda target too (add its environment to the locker's environments)",
        },
      );
    }
  }
}

/**
 * The groups that markers may name: the lock's default-groups plus the `groups` input. An extra or
 * group the lock does not know is an error, collected into `errors`.
 */
function selectGroups(doc: TomlTable, ctx: LockContext, errors: UserError[]): string[] {
  const lockExtras = strings(doc.extras);
  const lockGroups = strings(doc["dependency-groups"]);
  const defaultGroups = strings(doc["default-groups"]);
  for (const extra of ctx.extras) {
    if (!lockExtras.some((e) => normalizeName(e) === normalizeName(extra))) {
      errors.push(
        new UserError(`extra "${extra}" is not in the lock's extras (${listOrNone(lockExtras)})`, {
          where: { file: ctx.file },
          hint: "remove it from `extras`, or lock with it",
        }),
      );
    }
  }
  for (const group of ctx.groups) {
    if (![...lockGroups, ...defaultGroups].some((g) => normalizeName(g) === normalizeName(group))) {
      errors.push(
        new UserError(
          `dependency group "${group}" is not in the lock's dependency-groups (${listOrNone([...lockGroups, ...defaultGroups])})`,
          { where: { file: ctx.file }, hint: "remove it from `groups`, or lock with it" },
        ),
      );
    }
  }
  return [...defaultGroups, ...ctx.groups];
}

/** The non-empty strings of a TOML array (anything else is left out). */
function strings(value: unknown): string[] {
  return asArray(value)
    .map(asString)
    .filter((s): s is string => !!s);
}

/** One `[[packages]]` entry: where it is, and its checked version. */
interface Entry extends EntryOrigin {
  version: string | undefined;
}

/**
 * The `[[packages]]` entries that apply to the target, turned into pins, first-party paths and
 * find-links directories. An entry's error is collected into `errors` and the next entry read.
 */
class PylockEntries {
  private readonly requirements: PinnedRequirement[] = [];
  private readonly firstParty: LockedSet["firstParty"] = [];
  private readonly findLinks: string[] = [];
  private readonly chosen = new Map<string, { version: string; line?: number }>();

  constructor(
    private readonly ctx: LockContext,
    private readonly env: MarkerEnvironment,
    private readonly groups: string[],
    private readonly errors: UserError[],
  ) {}

  read(raw: unknown, lineOfEntry: (name: string, version: string | undefined) => number | undefined): void {
    const pkg = asTable(raw);
    const rawName = asString(pkg?.name);
    if (!pkg || !rawName) {
      this.errors.push(new UserError("a [[packages]] table has no name", { where: { file: this.ctx.file } }));
      return;
    }
    const origin = entryOrigin(
      {
        rawName,
        table: `[[packages]] name = "${rawName}"`,
        file: this.ctx.file,
        line: lineOfEntry(rawName, asString(pkg.version)),
        hint: RELOCK,
      },
      this.errors,
    );
    if (!origin) return;
    collectError(this.errors, () => {
      const version = pkg.version === undefined ? undefined : checkVersion(pkg.version, origin.at);
      const entry: Entry = { ...origin, version };
      if (this.applies(pkg, entry)) this.place(pkg, entry);
    });
  }

  lockedSet(): LockedSet {
    const indexes = indexesFor(this.requirements);
    append(indexes.findLinks, new Set(this.findLinks));
    return {
      format: "pylock",
      lockfile: this.ctx.file,
      requirements: this.requirements.sort((a, b) => a.name.localeCompare(b.name)),
      indexes,
      complete: true,
      firstParty: this.firstParty,
    };
  }

  /** Whether the entry's marker holds for the target; a second applying entry or a Python the runtime lacks is an error. */
  private applies(pkg: TomlTable, { name, version, table, where }: Entry): boolean {
    const marker = asString(pkg.marker);
    if (marker && !markerTrue(marker, this.env, this.ctx.extras, this.groups, where)) return false;
    const previous = this.chosen.get(name);
    if (previous !== undefined) {
      throw new UserError(
        `${table}: two entries of ${name} (${previous.version || "no version"} at line ${previous.line ?? "?"} and ${version ?? "no version"} at line ${where.line ?? "?"}) apply to ${describeTarget(this.ctx.target)}`,
        {
          where,
          hint: "PEP 751 allows one entry per package and environment: regenerate the lock",
        },
      );
    }
    this.chosen.set(name, { version: version ?? "", line: where.line });
    const pkgPython = asString(pkg["requires-python"]);
    if (pkgPython && matchesSpecifier(`${this.ctx.target.pythonVersion}.0`, pkgPython) === false) {
      throw new UserError(
        `${table}: ${name} ${version ?? ""} requires Python ${pkgPython}, the runtime ${this.ctx.target.runtime} is Python ${this.ctx.target.pythonVersion}`,
        {
          where,
          hint: "lock for the Lambda runtime's Python version",
        },
      );
    }
    return true;
  }

  /** The source decision: git and archives are built, a directory is first-party, a local wheel or the wheels are pinned. */
  private place(pkg: TomlTable, entry: Entry): void {
    const { name, version, table, where, at } = entry;
    const source = this.sourceEntry(entry);
    const vcs = asTable(pkg.vcs);
    if (vcs) {
      const kind = asString(vcs.type) ?? "vcs";
      if (kind !== "git")
        throw vcsError(table, name, `${kind} ${asString(vcs.url) ?? asString(vcs.path) ?? ""}`.trim(), where);
      const url = vcs.url ?? (typeof vcs.path === "string" ? this.localRepository(vcs.path, entry) : undefined);
      const git = {
        url,
        commit: vcs["commit-id"],
        requested: vcs["requested-revision"],
        subdirectory: vcs.subdirectory,
      };
      this.requirements.push(gitPin(source, this.ctx, git));
      return;
    }
    const directory = asTable(pkg.directory);
    if (directory) {
      this.firstParty.push({
        name,
        path: firstPartyPath(this.ctx, asString(directory.path) ?? ".", table, name, where),
      });
      return;
    }
    const archive = asTable(pkg.archive);
    if (archive) {
      const archiveUrl = asString(archive.url);
      const archivePath = asString(archive.path);
      const hashes = hashesOf(archive.hashes, at);
      if (archiveUrl !== undefined || (archivePath !== undefined && !archivePath.endsWith(".whl"))) {
        const located = { url: archiveUrl, path: archivePath, subdirectory: archive.subdirectory };
        this.requirements.push(archivePin(source, this.ctx, located, hashes));
        return;
      }
      this.findLinks.push(localWheelDir(this.ctx, archivePath ?? "", table, name, where));
      this.requirements.push(pin(name, version, hashes, where, table, undefined));
      return;
    }
    this.placeWheels(pkg, entry);
  }

  private sourceEntry({ name, version, table, where }: Entry): SourceEntry {
    return { table, name, version: version ?? "", where: { file: this.ctx.file, line: where.line }, relock: RELOCK };
  }

  /** A `vcs.path` repository: a folder inside the project, cloned over file://. */
  private localRepository(recorded: string, { name, table, where }: Entry): string {
    const inside = projectPath(this.ctx, checkPath(recorded, { ...where, hint: RELOCK }));
    if (!inside) {
      throw new UserError(`${table}: ${name} comes from the repository ${shown(recorded)}, outside the project`, {
        where,
        hint: "use the repository's URL in the lock, or keep it inside `working-directory`",
      });
    }
    return pathToFileURL(inside.abs).href;
  }

  /** Wheels (and an sdist) from an index or local paths: one must fit the target. */
  private placeWheels(pkg: TomlTable, entry: Entry): void {
    const { name, version, table, where, at } = entry;
    const wheels = asArray(pkg.wheels)
      .map(asTable)
      .filter((w): w is Record<string, unknown> => !!w);
    const sdist = asTable(pkg.sdist);
    const filenames = wheels.map((w) => asString(w.name) ?? basename(asString(w.url) ?? asString(w.path) ?? ""));
    if (sdist && sdistOnly(filenames, true) && buildsFromSource(this.ctx)) {
      this.placeSdist(pkg, sdist, entry);
      return;
    }
    const fit = checkWheels({
      name,
      version: version ?? "",
      filenames,
      hasSdist: !!sdist,
      target: this.ctx.target,
      where,
      table,
    });
    if (fit) throw fit;
    const wheelPaths = wheels.map((w) => asString(w.path)).filter((p): p is string => !!p);
    for (const p of wheelPaths) this.findLinks.push(localWheelDir(this.ctx, p, table, name, where));
    this.requirements.push(
      pin(
        name,
        version,
        wheels.flatMap((w) => hashesOf(w.hashes, at)),
        where,
        table,
        pkg.index === undefined ? undefined : checkIndexUrl(pkg.index, at),
      ),
    );
  }

  /** A release with only its sdist: from the index (by name and version) or a file inside the project. */
  private placeSdist(pkg: TomlTable, sdist: TomlTable, entry: Entry): void {
    const source = this.sourceEntry(entry);
    const hashes = hashesOf(sdist.hashes, entry.at);
    const sdistPath = asString(sdist.path);
    if (sdistPath !== undefined) {
      this.requirements.push(archivePin(source, this.ctx, { path: sdistPath }, hashes));
      return;
    }
    if (!entry.version) throw pinWithoutVersion(entry.name, entry.table, entry.where);
    const req = sdistPin(source, hashes);
    if (pkg.index !== undefined) req.index = checkIndexUrl(pkg.index, entry.at);
    this.requirements.push(req);
  }
}

function pin(
  name: string,
  version: string | undefined,
  hashes: string[],
  where: { file?: string; line?: number },
  table: string,
  index: string | undefined,
): PinnedRequirement {
  if (!version) throw pinWithoutVersion(name, table, where);
  const req: PinnedRequirement = {
    name,
    version,
    extras: [],
    hashes: [...new Set(hashes)],
    where: { file: where.file ?? "", line: where.line, table },
  };
  if (index) req.index = index;
  return req;
}

function pinWithoutVersion(name: string, table: string, where: { file?: string; line?: number }): UserError {
  return new UserError(`${table}: ${name} has no version`, {
    where: { ...where, distribution: name },
    hint: "an installable entry needs `version`: regenerate the lock",
  });
}

/** PEP 751 `hashes = { sha256 = "…" }`, each checked as pip will read it. */
function hashesOf(value: unknown, at: FieldOrigin): string[] {
  const table = asTable(value);
  if (!table) return [];
  return Object.entries(table).map(([algorithm, hex]) =>
    checkHash(`${algorithm.toLowerCase()}:${typeof hex === "string" ? hex : JSON.stringify(hex)}`, at),
  );
}
