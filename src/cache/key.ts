/**
 * The cache key: a version prefix, the runtime, the architecture, and a hash of
 * everything that changes the installed tree. The pinned set is normalized first,
 * so a comment or reordering in the lockfile does not miss while a changed pin,
 * hash or marker outcome does.
 */
import { createHash } from "node:crypto";
import type { LockedSet, SourceBuild } from "../lock/types.ts";
import type { Target } from "../target.ts";

/** Bump when the cached entry's layout or the tree's treatment changes. */
export const CACHE_FORMAT = "v2";

export interface CacheKeyInput {
  target: Target;
  lock: LockedSet;
  installer: { name: string; version: string };
  /** index URLs and other options given to the installer */
  options: Record<string, unknown>;
  /** the optimize stage's settings and compiler (optimizeKey); absent when nothing is optimized, so those keys stay as they were */
  optimize?: Record<string, unknown>;
}

export function treeFingerprint(input: CacheKeyInput): string {
  const requirements = [...input.lock.requirements]
    .map((r) => ({
      name: r.name,
      version: r.version,
      extras: [...r.extras].sort(),
      hashes: [...r.hashes].sort(),
      ...(r.build ? { build: builtFrom(r.build) } : {}),
    }))
    .sort((a, b) => a.name.localeCompare(b.name));
  const normalized = {
    format: CACHE_FORMAT,
    python: input.target.pythonVersion,
    machine: input.target.machine,
    glibc: input.target.glibcCeiling,
    platformTags: input.target.platformTags,
    complete: input.lock.complete,
    requirements,
    installer: input.installer,
    options: input.options,
    ...(input.optimize ? { optimize: input.optimize } : {}),
  };
  return createHash("sha256").update(JSON.stringify(normalized)).digest("hex");
}

/**
 * What a built wheel is made of: a git commit, an archive's hashes (in `hashes`), and the folder
 * built. Not the URL: a token in it rotates, and a `file://` archive's absolute path moves
 * with the checkout, while the commit or the hash pins the same code.
 */
function builtFrom(build: SourceBuild): object {
  const sub = build.kind !== "sdist" && build.subdirectory ? { subdirectory: build.subdirectory } : {};
  return build.kind === "git" ? { kind: build.kind, commit: build.commit, ...sub } : { kind: build.kind, ...sub };
}

export function cacheKey(input: CacheKeyInput): string {
  return `lpp-${CACHE_FORMAT}-${input.target.runtime}-${input.target.architecture}-${treeFingerprint(input).slice(0, 40)}`;
}
