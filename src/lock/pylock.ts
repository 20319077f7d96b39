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
  vcsError,
} from "./common.ts";
import { checkHash, checkIndexUrl, checkName, checkVersion, type FieldOrigin } from "./grammar.ts";
import { targetEnvironment } from "./markers.ts";
import { type LockContext, type LockedSet, normalizeName, type PinnedRequirement } from "./types.ts";
import { matchesSpecifier } from "./version.ts";

const SUPPORTED_PYLOCK = "1.x (PEP 751)";
const RELOCK = "regenerate pylock.toml with the tool that wrote it (`pip lock`, `uv export --format pylock.toml`)";

export function readPylock(text: string, ctx: LockContext): LockedSet {
  const doc = parseLockToml(text, ctx.file);
  const lines = new PackageLines(text, "[[packages]]");
  const env = targetEnvironment(ctx.target);
  const lockVersion = asString(doc["lock-version"]);
  if (!lockVersion || !/^1(\.\d+)*$/.test(lockVersion)) {
    throw new UserError(
      `unsupported pylock.toml lock-version ${JSON.stringify(doc["lock-version"] ?? "(missing)")}: this action reads lock-version ${SUPPORTED_PYLOCK}`,
      {
        where: { file: ctx.file, line: lineOf(text, /^lock-version\s*=/m) },
        hint: "write the lock with a tool that follows PEP 751 (`pip lock`, `uv export --format pylock.toml`)",
      },
    );
  }
  checkRequiresPython(
    asString(doc["requires-python"]),
    ctx,
    { file: ctx.file, line: lineOf(text, /^requires-python\s*=/m) },
    "pylock.toml",
  );

  const environments = asArray(doc.environments)
    .map(asString)
    .filter((m): m is string => !!m);
  if (environments.length > 0) {
    const where = { file: ctx.file, line: lineOf(text, /^environments\s*=/m) };
    if (!environments.some((m) => markerTrue(m, env, [], [], where))) {
      throw new UserError(
        `pylock.toml was locked for the environments ${environments.map((e) => `"${e}"`).join(", ")}, and none of them is ${describeTarget(ctx.target)}`,
        {
          where,
          hint: "lock for the Lambda target too (add its environment to the locker's environments)",
        },
      );
    }
  }

  const lockExtras = asArray(doc.extras)
    .map(asString)
    .filter((e): e is string => !!e);
  const lockGroups = asArray(doc["dependency-groups"])
    .map(asString)
    .filter((g): g is string => !!g);
  const defaultGroups = asArray(doc["default-groups"])
    .map(asString)
    .filter((g): g is string => !!g);
  const errors: UserError[] = [];
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
  const groups = [...defaultGroups, ...ctx.groups];

  const requirements: PinnedRequirement[] = [];
  const firstParty: LockedSet["firstParty"] = [];
  const findLinks: string[] = [];
  const chosen = new Map<string, { version: string; line?: number }>();
  const tables = asArray(doc.packages);
  for (const [i, raw] of tables.entries()) {
    const pkg = asTable(raw);
    const rawName = asString(pkg?.name);
    if (!pkg || !rawName) {
      errors.push(new UserError("a [[packages]] table has no name", { where: { file: ctx.file } }));
      continue;
    }
    const line = lines.at(i, tables.length, rawName, asString(pkg.version));
    try {
      checkName(rawName, { file: ctx.file, line, hint: RELOCK });
    } catch (e) {
      errors.push(e as UserError);
      continue;
    }
    const name = normalizeName(rawName);
    const table = `[[packages]] name = "${rawName}"`;
    const where = { file: ctx.file, line, distribution: name };
    const at = { ...where, hint: RELOCK };
    try {
      const version = pkg.version === undefined ? undefined : checkVersion(pkg.version, at);
      const marker = asString(pkg.marker);
      if (marker && !markerTrue(marker, env, ctx.extras, groups, where)) continue;
      const previous = chosen.get(name);
      if (previous !== undefined) {
        throw new UserError(
          `${table}: two entries of ${name} (${previous.version || "no version"} at line ${previous.line ?? "?"} and ${version ?? "no version"} at line ${line ?? "?"}) apply to ${describeTarget(ctx.target)}`,
          {
            where,
            hint: "PEP 751 allows one entry per package and environment: regenerate the lock",
          },
        );
      }
      chosen.set(name, { version: version ?? "", line });
      const pkgPython = asString(pkg["requires-python"]);
      if (pkgPython && matchesSpecifier(`${ctx.target.pythonVersion}.0`, pkgPython) === false) {
        throw new UserError(
          `${table}: ${name} ${version ?? ""} requires Python ${pkgPython}, the runtime ${ctx.target.runtime} is Python ${ctx.target.pythonVersion}`,
          {
            where,
            hint: "lock for the Lambda runtime's Python version",
          },
        );
      }
      const vcs = asTable(pkg.vcs);
      if (vcs) {
        throw vcsError(
          table,
          name,
          `${asString(vcs.type) ?? "vcs"} ${asString(vcs.url) ?? asString(vcs.path) ?? ""}`.trim(),
          where,
        );
      }
      const directory = asTable(pkg.directory);
      if (directory) {
        firstParty.push({ name, path: firstPartyPath(ctx, asString(directory.path) ?? ".", table, name, where) });
        continue;
      }
      const archive = asTable(pkg.archive);
      if (archive) {
        const archiveUrl = asString(archive.url);
        const archivePath = asString(archive.path);
        if (archiveUrl || !archivePath) throw directUrlError(table, name, archiveUrl ?? "(no url)", where);
        findLinks.push(localWheelDir(ctx, archivePath, table, name, where));
        requirements.push(pin(name, version, hashesOf(archive.hashes, at), where, table, undefined));
        continue;
      }
      const wheels = asArray(pkg.wheels)
        .map(asTable)
        .filter((w): w is Record<string, unknown> => !!w);
      const sdist = asTable(pkg.sdist);
      const filenames = wheels.map((w) => asString(w.name) ?? basename(asString(w.url) ?? asString(w.path) ?? ""));
      const fit = checkWheels({
        name,
        version: version ?? "",
        filenames,
        hasSdist: !!sdist,
        target: ctx.target,
        where,
        table,
      });
      if (fit) throw fit;
      const wheelPaths = wheels.map((w) => asString(w.path)).filter((p): p is string => !!p);
      for (const p of wheelPaths) findLinks.push(localWheelDir(ctx, p, table, name, where));
      requirements.push(
        pin(
          name,
          version,
          wheels.flatMap((w) => hashesOf(w.hashes, at)),
          where,
          table,
          pkg.index === undefined ? undefined : checkIndexUrl(pkg.index, at),
        ),
      );
    } catch (e) {
      if (e instanceof UserError) errors.push(e);
      else throw e;
    }
  }
  throwAll(errors);
  const indexes = indexesFor(requirements);
  indexes.findLinks.push(...new Set(findLinks));
  return {
    format: "pylock",
    lockfile: ctx.file,
    requirements: requirements.sort((a, b) => a.name.localeCompare(b.name)),
    indexes,
    complete: true,
    firstParty,
  };
}

function pin(
  name: string,
  version: string | undefined,
  hashes: string[],
  where: { file?: string; line?: number },
  table: string,
  index: string | undefined,
): PinnedRequirement {
  if (!version) {
    throw new UserError(`${table}: ${name} has no version`, {
      where: { ...where, distribution: name },
      hint: "an installable entry needs `version`: regenerate the lock",
    });
  }
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

/** PEP 751 `hashes = { sha256 = "…" }`, each checked as pip will read it. */
function hashesOf(value: unknown, at: FieldOrigin): string[] {
  const table = asTable(value);
  if (!table) return [];
  return Object.entries(table).map(([algorithm, hex]) =>
    checkHash(`${algorithm.toLowerCase()}:${typeof hex === "string" ? hex : JSON.stringify(hex)}`, at),
  );
}
