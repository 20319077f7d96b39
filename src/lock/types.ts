/** What every lockfile reader returns: the exact set of distributions to install for one target. */

export type LockFormat = "requirements" | "uv" | "poetry" | "pipfile" | "pylock";

export interface PinnedRequirement {
  /** PEP 503 normalized name */
  name: string;
  version: string;
  extras: string[];
  /** "sha256:<hex>" (other algorithms kept as pip spells them) */
  hashes: string[];
  /** where it is declared, for error messages */
  where: { file: string; line?: number; table?: string };
  /** an index URL the lockfile recorded for this package, if any */
  index?: string;
  /**
   * set when no wheel is locked and the wheel is built on the runner (input
   * `build-from-source`); `hashes` are then the source's (the sdist's or archive's), and
   * `version` is "" for a git source whose lock records none (the built wheel says it)
   */
  build?: SourceBuild;
  /** once built (build-from-source): the wheel file on the runner it is installed from, not an index */
  wheel?: string;
}

/** What a pin is built from when the lock has no wheel for it. */
export type SourceBuild =
  /** the index's source distribution of name==version, checked against the pin's hashes */
  | { kind: "sdist" }
  /** a git repository at a full commit; `subdirectory` holds the project when it is not at the root */
  | { kind: "git"; url: string; commit: string; subdirectory?: string }
  /** a source archive (http(s):// or file://), checked against the pin's hashes */
  | { kind: "archive"; url: string; subdirectory?: string };

/** The values of the `build-from-source` input: which builds on the runner are allowed. */
export const BUILD_FROM_SOURCE = ["pure", "never", "any"] as const;
export type BuildFromSource = (typeof BUILD_FROM_SOURCE)[number];

export interface IndexOptions {
  indexUrl?: string;
  extraIndexUrls: string[];
  findLinks: string[];
  noIndex: boolean;
  trustedHosts: string[];
}

export interface LockedSet {
  format: LockFormat;
  /** path of the lockfile, relative to the working directory */
  lockfile: string;
  requirements: PinnedRequirement[];
  indexes: IndexOptions;
  /**
   * true when the lockfile lists the whole closure (uv.lock, poetry.lock, ...): the
   * installer must not resolve anything more (--no-deps). A requirements.txt may
   * list only top-level pins; then the installer resolves the rest and the build
   * warns about every unpinned distribution it installed.
   */
  complete: boolean;
  /** first-party code the lockfile names (the project itself, workspace members), shipped as source */
  firstParty: { name: string; path: string }[];
  /** the lockfile's text as it was read (once, with its checks), for the lines of later findings */
  text?: string;
}

export function normalizeName(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, "-");
}

export function emptyIndexOptions(): IndexOptions {
  return { extraIndexUrls: [], findLinks: [], noIndex: false, trustedHosts: [] };
}

/** What a lockfile reader needs besides the file's text. */
export interface LockContext {
  /** lockfile path relative to the working directory, for messages */
  file: string;
  /** absolute path of the lockfile */
  path: string;
  /** absolute working directory (the Lambda project's root) */
  workingDirectory: string;
  target: import("../target.ts").Target;
  /** optional dependency groups to include besides the runtime ones (input `groups`) */
  groups: string[];
  /** extras of the project to include (input `extras`) */
  extras: string[];
  /** input `build-from-source`: whether sdist-only, git and archive sources become pins to build (default "pure") */
  buildFromSource?: BuildFromSource;
}
