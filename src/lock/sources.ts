/**
 * Pins the runner builds a wheel for (input `build-from-source`): a release locked with only
 * its source distribution, a git repository at a full commit, a source archive with a hash.
 * Every reader makes them here, so each field is checked once, where it enters; with
 * `never` each is refused as before, naming the way out.
 */
import { fileURLToPath, pathToFileURL } from "node:url";
import { UserError } from "../errors.ts";
import { projectPath } from "./common.ts";
import {
  checkArchiveUrl,
  checkGitUrl,
  checkPath,
  checkSubdirectory,
  type FieldOrigin,
  isFullCommit,
  shown,
} from "./grammar.ts";
import type { LockContext, PinnedRequirement, SourceBuild } from "./types.ts";

/** One lock entry, as its messages name it. */
export interface SourceEntry {
  table: string;
  /** normalized */
  name: string;
  /** "" when the lock records none (a git source in a Pipfile.lock or requirements file) */
  version: string;
  extras?: string[];
  where: { file: string; line?: number };
  /** the hint for a field that fails its grammar */
  relock: string;
}

const NEVER_HINT = "set `build-from-source: pure` (the default) to build it on the runner";

export function buildsFromSource(ctx: LockContext): boolean {
  return (ctx.buildFromSource ?? "pure") !== "never";
}

function origin(entry: SourceEntry): FieldOrigin {
  return { ...entry.where, distribution: entry.name, hint: entry.relock };
}

function pinOf(entry: SourceEntry, hashes: string[], build: SourceBuild): PinnedRequirement {
  return {
    name: entry.name,
    version: entry.version,
    extras: [...(entry.extras ?? [])].sort(),
    hashes: [...new Set(hashes)],
    where: { ...entry.where, table: entry.table },
    build,
  };
}

/** A release with a source distribution and no wheel: built from the index's sdist, checked against `hashes`. */
export function sdistPin(entry: SourceEntry, hashes: string[]): PinnedRequirement {
  return pinOf(entry, hashes, { kind: "sdist" });
}

/** The refusal of a source when building is off, or of one this action does not build. */
export function sourceRefused(entry: SourceEntry, what: string, hint = NEVER_HINT): UserError {
  return new UserError(`${entry.table}: ${entry.name} comes from ${what}, and build-from-source is never`, {
    where: { ...entry.where, distribution: entry.name },
    hint: `${hint}, or publish a wheel of it to an index and depend on it by version`,
  });
}

/**
 * A git source: the URL (a leading `git+` dropped) and the commit the lock resolved. A branch,
 * a tag or an abbreviated hash does not pin the code, so only a full commit is built.
 */
export function gitPin(
  entry: SourceEntry,
  ctx: LockContext,
  source: { url: unknown; commit: unknown; requested?: unknown; subdirectory?: unknown },
): PinnedRequirement {
  const rawUrl = typeof source.url === "string" ? source.url.replace(/^git\+/, "") : source.url;
  if (!buildsFromSource(ctx)) {
    const label = typeof rawUrl === "string" ? shown(rawUrl, 200) : "a git repository";
    throw sourceRefused(entry, `the git repository ${label}`);
  }
  const at = origin(entry);
  const checkedUrl = checkGitUrl(rawUrl, at);
  const url = /^file:/i.test(checkedUrl)
    ? insideProject(localFile(checkedUrl, entry), entry, ctx, "git repository")
    : checkedUrl;
  if (!isFullCommit(source.commit)) {
    const named =
      typeof source.commit === "string" && source.commit
        ? `"${shown(source.commit)}"`
        : typeof source.requested === "string"
          ? `only the revision "${shown(source.requested)}"`
          : "no commit";
    throw new UserError(
      `${entry.table}: the git source of ${entry.name} names ${named}, not a full commit: a branch or tag name, or an abbreviated hash, does not pin the code`,
      {
        where: { ...entry.where, distribution: entry.name },
        hint: "lock it again so the lock records the full 40-hex commit (uv lock, poetry lock, pipenv lock), or write `name @ git+URL@<full commit>`",
      },
    );
  }
  const subdirectory = source.subdirectory === undefined ? undefined : checkSubdirectory(source.subdirectory, at);
  return pinOf(entry, [], { kind: "git", url, commit: source.commit, ...(subdirectory ? { subdirectory } : {}) });
}

/**
 * A source archive at a URL (or a path inside the project): built only when the lock pins its
 * hash, which is checked before the build. A wheel at a URL is no source: refused as before.
 */
export function archivePin(
  entry: SourceEntry,
  ctx: LockContext,
  source: { url?: string; path?: string; subdirectory?: unknown },
  hashes: string[],
): PinnedRequirement {
  const shownSource = shown(source.url ?? source.path ?? "(no url)", 200);
  const location = source.url ?? source.path ?? "";
  if (!buildsFromSource(ctx) || /\.whl$/i.test(location.split(/[?#]/)[0] ?? "")) {
    throw new UserError(`${entry.table}: ${entry.name} comes from the direct URL ${shownSource}, not from an index`, {
      where: { ...entry.where, distribution: entry.name },
      hint: /\.whl$/i.test(location)
        ? "serve the wheel from an index (or a folder inside the project) and depend on it by version"
        : `${NEVER_HINT}, or serve a wheel of it from an index and depend on it by version`,
    });
  }
  if (hashes.length === 0) {
    throw new UserError(
      `${entry.table}: the archive ${shownSource} of ${entry.name} has no hash in the lock, so what would be built is not pinned`,
      {
        where: { ...entry.where, distribution: entry.name },
        hint: "lock it with its sha256 (`--hash=sha256:…` in a requirements file; uv, Poetry and pylock record it themselves)",
      },
    );
  }
  const at = origin(entry);
  let url: string;
  const fileUrl = source.url !== undefined && /^file:/i.test(source.url);
  if (source.url !== undefined && !fileUrl) url = checkArchiveUrl(source.url, at);
  else {
    const local = fileUrl ? localFile(checkArchiveUrl(source.url, at), entry) : checkPath(source.path, at);
    url = insideProject(local, entry, ctx, "archive");
  }
  const subdirectory = source.subdirectory === undefined ? undefined : checkSubdirectory(source.subdirectory, at);
  return pinOf(entry, hashes, { kind: "archive", url, ...(subdirectory ? { subdirectory } : {}) });
}

/**
 * A file on the runner (a `file://` URL or a path) is read only inside the project, however
 * the lock names it: returned as the file:// URL of its absolute path.
 */
function insideProject(local: string, entry: SourceEntry, ctx: LockContext, what: string): string {
  const inside = projectPath(ctx, local);
  if (!inside) {
    throw new UserError(
      `${entry.table}: ${entry.name} comes from the ${what} ${shown(local, 200)}, outside the project`,
      {
        where: { ...entry.where, distribution: entry.name },
        hint: `put the ${what} inside \`working-directory\`, or serve it from an index (a repository over https or ssh)`,
      },
    );
  }
  return pathToFileURL(inside.abs).href;
}

/** The path of a `file://` URL; one naming another host, or no absolute path, is refused. */
function localFile(url: string, entry: SourceEntry): string {
  try {
    return fileURLToPath(url);
  } catch {
    throw new UserError(`${entry.table}: the source ${shown(url, 200)} of ${entry.name} is no file on this runner`, {
      where: { ...entry.where, distribution: entry.name },
      hint: "write it as file:///absolute/path inside the project, or as a path relative to the lockfile",
    });
  }
}

/** `URL?subdirectory=…&rev=…#<commit>` as uv writes a git source. */
export function parseUvGitSource(value: string): { url: string; commit: string; subdirectory?: string; rev?: string } {
  const hash = value.indexOf("#");
  const commit = hash >= 0 ? value.slice(hash + 1) : "";
  const beforeHash = hash >= 0 ? value.slice(0, hash) : value;
  const query = beforeHash.indexOf("?");
  const url = query >= 0 ? beforeHash.slice(0, query) : beforeHash;
  const params = new URLSearchParams(query >= 0 ? beforeHash.slice(query + 1) : "");
  const rev = params.get("rev") ?? params.get("tag") ?? params.get("branch") ?? undefined;
  const subdirectory = params.get("subdirectory") ?? undefined;
  return { url, commit, ...(subdirectory ? { subdirectory } : {}), ...(rev ? { rev } : {}) };
}
