/**
 * requirements.txt as pip writes and reads it (pip-compile, `uv pip compile`, `uv export`,
 * `pip freeze`): exact pins, `--hash` options, markers, `-r` includes and index options.
 * Markers are evaluated here, for the target; the installer gets only what applies.
 */

import path from "node:path";
import { throwAll, UserError, type UserError as UserErrorType } from "../errors.ts";
import { type Pep508, parsePep508, vcsError } from "./common.ts";
import { collectError } from "./entry.ts";
import { readLockText } from "./files.ts";
import {
  checkExtra,
  checkHash,
  checkHost,
  checkIndexUrl,
  checkName,
  checkPath,
  checkVersion,
  shown,
} from "./grammar.ts";
import { evaluateMarker, MarkerSyntaxError, targetEnvironment } from "./markers.ts";
import { archivePin, buildsFromSource, gitPin, type SourceEntry } from "./sources.ts";
import {
  emptyIndexOptions,
  type IndexOptions,
  type LockContext,
  type LockedSet,
  type PinnedRequirement,
} from "./types.ts";

interface LogicalLine {
  file: string;
  line: number;
  text: string;
}

const FIX_HINT = "fix the line: a requirements file holds one requirement or option per line, each as pip writes it";
const PIN_HINT =
  "pin every requirement exactly (name==version), e.g. with `pip-compile`, `uv pip compile` or `uv export`";

/** Join `\` continuations and drop comments, keeping the first physical line's number. */
function logicalLines(text: string, file: string): LogicalLine[] {
  const lines: LogicalLine[] = [];
  const physical = text.split(/\r?\n/);
  let buffer = "";
  let start = 0;
  physical.forEach((raw, i) => {
    // A comment starts at "#" at the start or after whitespace (URL fragments like #sha256= stay).
    const uncommented = raw.replace(/(^|\s)#.*$/, "");
    if (buffer === "") start = i + 1;
    if (/\\$/.test(uncommented)) {
      buffer += `${uncommented.slice(0, -1)} `;
      return;
    }
    buffer += uncommented;
    if (buffer.trim()) lines.push({ file, line: start, text: buffer.trim() });
    buffer = "";
  });
  if (buffer.trim()) lines.push({ file, line: start, text: buffer.trim() });
  return lines;
}

/** `--opt=value`, `--opt value` and `-o value` → [name, value, rest]. */
function takeOption(text: string): [string, string | undefined, string] | undefined {
  const m = /^(--?[A-Za-z][\w-]*)(?:[= ]\s*("[^"]*"|'[^']*'|\S+))?\s*(.*)$/.exec(text);
  if (!m?.[1]) return undefined;
  return [m[1], m[2]?.replace(/^["']|["']$/g, ""), m[3] ?? ""];
}

const FLAG_OPTIONS = new Set(["--no-index", "--require-hashes", "--pre", "--prefer-binary"]);
const VALUE_OPTIONS = new Set([
  "-r",
  "--requirement",
  "-c",
  "--constraint",
  "-i",
  "--index-url",
  "--extra-index-url",
  "-f",
  "--find-links",
  "--trusted-host",
  "--only-binary",
  "--no-binary",
  "-e",
  "--editable",
  "--use-feature",
]);

export function readRequirements(text: string, ctx: LockContext): LockedSet {
  const indexes = emptyIndexOptions();
  const requirements: PinnedRequirement[] = [];
  const errors: UserErrorType[] = [];
  const env = targetEnvironment(ctx.target);
  const seenFiles = new Set<string>();

  const visit = (fileText: string, fileRel: string, fileAbs: string) => {
    seenFiles.add(fileAbs);
    for (const l of logicalLines(fileText, fileRel)) {
      const where = { file: l.file, line: l.line };
      collectError(errors, () => {
        if (l.text.startsWith("-")) {
          handleOption(
            l,
            fileAbs,
            indexes,
            (includeRel, includeAbs) => {
              if (seenFiles.has(includeAbs)) return;
              // only a regular file inside the project: `-r /proc/self/environ` or `-r /dev/zero` is never opened
              const included = readLockText(
                includeAbs,
                includeRel,
                where,
                [ctx.workingDirectory, path.dirname(ctx.path)],
                "included requirements file",
                "fix the path after -r: it is relative to the file that includes it",
              );
              visit(included, includeRel, includeAbs);
            },
            ctx,
          );
          return;
        }
        const req = parseRequirementLine(l, env, ctx);
        if (req) requirements.push(req);
      });
    }
  };
  visit(text, ctx.file, ctx.path);

  // pip's rule: once one requirement has a hash, every one must.
  const hashed = requirements.filter((r) => r.hashes.length > 0);
  if (hashed.length > 0) {
    for (const r of requirements) {
      // a git source has no file to hash (pip refuses one in hash-checking mode): its commit pins it
      if (r.hashes.length === 0 && r.build?.kind !== "git") {
        errors.push(
          new UserError(`${r.name}==${r.version} has no --hash while other requirements do`, {
            where: { ...r.where, distribution: r.name },
            hint: "regenerate the file with hashes for every package (`pip-compile --generate-hashes`, `uv pip compile --generate-hashes`)",
          }),
        );
      }
    }
  }
  const byName = new Map<string, PinnedRequirement>();
  for (const r of requirements) {
    const previous = byName.get(r.name);
    if (previous && previous.version !== r.version) {
      errors.push(
        new UserError(
          `${r.name} is pinned twice for ${ctx.target.runtime}/${ctx.target.architecture}: ==${previous.version} (line ${previous.where.line}) and ==${r.version}`,
          {
            where: { ...r.where, distribution: r.name },
            hint: "keep one pin, or guard each with a marker that does not overlap",
          },
        ),
      );
    } else if (previous) {
      previous.extras = [...new Set([...previous.extras, ...r.extras])];
      previous.hashes = [...new Set([...previous.hashes, ...r.hashes])];
    } else {
      byName.set(r.name, r);
    }
  }
  throwAll(errors);
  return {
    format: "requirements",
    lockfile: ctx.file,
    requirements: [...byName.values()].sort((a, b) => a.name.localeCompare(b.name)),
    indexes,
    complete: false,
    firstParty: [],
  };
}

function handleOption(
  l: LogicalLine,
  fileAbs: string,
  indexes: IndexOptions,
  include: (rel: string, abs: string) => void,
  ctx: LockContext,
): void {
  const where = { file: l.file, line: l.line };
  const at = { ...where, hint: FIX_HINT };
  const taken = takeOption(l.text);
  if (!taken) throw new UserError(`cannot read option "${shown(l.text, 200)}"`, { where });
  const [name, value] = taken;
  if (!FLAG_OPTIONS.has(name) && !VALUE_OPTIONS.has(name)) {
    throw new UserError(`unsupported option ${shown(name)} in a requirements file`, {
      where,
      hint: "remove it; supported: -r, --index-url, --extra-index-url, --find-links, --trusted-host, --no-index, --require-hashes, --pre, --prefer-binary, --only-binary",
    });
  }
  if (VALUE_OPTIONS.has(name) && !value)
    throw new UserError(`${name} needs a value`, { where, hint: `write it as \`${name} VALUE\`, or remove the line` });
  switch (name) {
    case "-r":
    case "--requirement": {
      const abs = path.resolve(path.dirname(fileAbs), checkPath(value, at));
      include(shown(path.relative(ctx.workingDirectory, abs) || value!, 200), abs);
      return;
    }
    case "-c":
    case "--constraint":
      throw new UserError("constraints files (-c) are not supported: a lockfile must pin every package itself", {
        where,
        hint: "merge the constraints into exact pins in this file",
      });
    case "-i":
    case "--index-url":
      indexes.indexUrl = checkIndexUrl(value, at);
      return;
    case "--extra-index-url":
      indexes.extraIndexUrls.push(checkIndexUrl(value, at));
      return;
    case "-f":
    case "--find-links":
      indexes.findLinks.push(
        /^[a-z][a-z0-9+.-]*:/i.test(value!)
          ? checkIndexUrl(value, at)
          : path.resolve(path.dirname(fileAbs), checkPath(value, at)),
      );
      return;
    case "--trusted-host":
      indexes.trustedHosts.push(checkHost(value, at));
      return;
    case "--no-index":
      indexes.noIndex = true;
      return;
    case "--no-binary":
      throw new UserError(
        `--no-binary ${shown(value!)} asks for a source build, but Lambda packages are built from wheels only`,
        {
          where,
          hint: "remove --no-binary; build a manylinux wheel for that package and serve it from an index if there is none",
        },
      );
    case "-e":
    case "--editable":
      throw new UserError(
        `editable requirement "${shown(value!, 200)}" cannot be packaged: Lambda does not process .pth files`,
        {
          where,
          hint: "put first-party code in `source`, or pin the package from an index",
        },
      );
    default:
      // --require-hashes, --pre, --prefer-binary, --only-binary, --use-feature: implied or harmless.
      return;
  }
}

function parseRequirementLine(
  l: LogicalLine,
  env: Record<string, string>,
  ctx: LockContext,
): PinnedRequirement | undefined {
  const where = { file: l.file, line: l.line };
  const hashHint =
    "regenerate the file with hashes (`pip-compile --generate-hashes`, `uv pip compile --generate-hashes`)";
  // Split off per-requirement options: --hash=..., which always come after the requirement.
  const hashes: string[] = [];
  let body = l.text.replace(/\s--hash[= ]\s*(\S+)/g, (_m, h: string) => {
    hashes.push(h);
    return "";
  });
  const checkedHashes = hashes.map((h) => checkHash(h, { ...where, hint: hashHint }));
  body = body.trim();
  const line = shown(body, 200);
  const parsed = parsePep508(body);
  // a wheel by URL is no source to build: refused below as a direct reference
  const wheelUrl = /\.whl$/i.test(parsed?.url?.split("#")[0] ?? "");
  if (parsed?.url !== undefined && !wheelUrl && buildsFromSource(ctx) && /^[A-Za-z0-9]/.test(body)) {
    return directReference(l, body, parsed, checkedHashes, env, ctx);
  }
  if (/^(git|hg|svn|bzr)\+/.test(body) || /\s@\s*(git|hg|svn|bzr)\+/.test(body)) {
    throw new UserError(`VCS requirement "${line}" cannot be installed for a Lambda target`, {
      where,
      hint: buildsFromSource(ctx)
        ? "name it and pin its commit, `name @ git+URL@<full commit>`, to have it built; or publish a wheel of it to an index and pin it by version"
        : "set `build-from-source: pure` and write it as `name @ git+URL@<full commit>` to have it built, or publish a wheel of it to an index and pin it by version",
    });
  }
  const directHint = "serve the wheel from an index or --find-links folder and pin it as name==version";
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(body) || /^(\.{1,2}\/|\/)/.test(body) || /\.(whl|tar\.gz|zip)$/.test(body)) {
    // `name @ url` names its distribution; a bare URL or path does not
    const named = parsed?.url !== undefined ? parsed.name : undefined;
    throw new UserError(`direct reference "${line}" is not a pinned requirement`, {
      where: named ? { ...where, distribution: named } : where,
      hint: directHint,
    });
  }
  if (!parsed) throw new UserError(`cannot read requirement "${line}"`, { where, hint: PIN_HINT });
  const at = { ...where, distribution: parsed.name, hint: FIX_HINT };
  const rawName = body.trimStart().split(/[^A-Za-z0-9._-]/, 1)[0] ?? "";
  checkName(rawName, at);
  const name = parsed.name;
  const extras = parsed.extras.map((e) => checkExtra(e, at));
  if (parsed.url !== undefined) {
    throw new UserError(`direct reference "${line}" is not a pinned requirement`, {
      where: { ...where, distribution: name },
      hint: directHint,
    });
  }
  if (!markerHolds(parsed.marker, env, where, name)) return undefined;
  const rest = parsed.specifier;
  const pin = /^(===?)\s*([^\s,]+)$/.exec(rest);
  if (!pin?.[2] || pin[2].includes("*")) {
    throw new UserError(`${rawName} is not pinned to one version (${shown(rest, 200) || "no version"})`, {
      where: { ...where, distribution: name },
      hint: PIN_HINT,
    });
  }
  const version = checkVersion(pin[2], at);
  return { name, version, extras, hashes: checkedHashes, where: { file: l.file, line: l.line } };
}

function markerHolds(
  marker: string | undefined,
  env: Record<string, string>,
  where: { file: string; line: number },
  name: string,
): boolean {
  if (!marker) return true;
  try {
    return evaluateMarker(marker, env);
  } catch (e) {
    if (e instanceof MarkerSyntaxError)
      throw new UserError(`invalid marker: ${e.message}`, {
        where: { ...where, distribution: name },
        hint: 'write the marker as PEP 508 does (e.g. `; python_version < "3.11"`), or regenerate the file',
      });
    throw e;
  }
}

/**
 * `name @ git+URL@<commit>[#subdirectory=…]` or `name @ https://…/name-1.0.tar.gz --hash=…`: a
 * source the runner builds (build-from-source). Another vcs, or a git URL without a commit, is refused.
 */
function directReference(
  l: LogicalLine,
  body: string,
  parsed: Pep508,
  hashes: string[],
  env: Record<string, string>,
  ctx: LockContext,
): PinnedRequirement | undefined {
  const where = { file: l.file, line: l.line };
  const at = { ...where, distribution: parsed.name, hint: FIX_HINT };
  checkName(body.trimStart().split(/[^A-Za-z0-9._-]/, 1)[0] ?? "", at);
  const extras = parsed.extras.map((e) => checkExtra(e, at));
  if (!markerHolds(parsed.marker, env, where, parsed.name)) return undefined;
  const entry: SourceEntry = {
    table: `"${shown(body, 200)}"`,
    name: parsed.name,
    version: "",
    extras,
    where,
    relock: FIX_HINT,
  };
  const url = parsed.url ?? "";
  const hash = url.indexOf("#");
  const fragment = new URLSearchParams(hash >= 0 ? url.slice(hash + 1) : "");
  const subdirectory = fragment.get("subdirectory") ?? undefined;
  const location = hash >= 0 ? url.slice(0, hash) : url;
  if (/^git\+/i.test(location)) {
    const lastSlash = location.lastIndexOf("/");
    const at = location.indexOf("@", lastSlash);
    const repository = at >= 0 ? location.slice(0, at) : location;
    const commit = at >= 0 ? location.slice(at + 1) : undefined;
    return gitPin(entry, ctx, { url: repository, commit, subdirectory });
  }
  if (/^(hg|svn|bzr)\+/i.test(location)) throw vcsError(entry.table, parsed.name, shown(location, 200), where);
  return archivePin(entry, ctx, { url: location, subdirectory }, hashes);
}
