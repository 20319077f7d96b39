/**
 * What a wheel's RECORD claims against what its files hold: pip installs a wheel whose RECORD
 * contradicts a member unchecked, the action does not, on either path (the wheels unpacked
 * here, and the tree pip or uv installed), with one comparison: the digest as bytes, whatever
 * encoding the builder wrote it in (PEP 376's URL-safe base64, padded base64, hex).
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { UserError, type Where } from "../errors.ts";
import type { DependencyTree, InstalledDistribution } from "./types.ts";

/** What the user is told to do about a RECORD that contradicts its wheel. */
export const RECORD_CONTRADICTS_HINT =
  "the wheel's RECORD contradicts its own contents (damaged or forged, though pip would install it): check the index, and pin the lockfile's hashes for it";

/**
 * A RECORD digest's 32 bytes, whichever way a builder wrote them: PEP 376's URL-safe base64
 * without padding, base64 with padding, or hex (gmsh's wheels). Undefined for another
 * algorithm or a value that decodes to no SHA-256.
 */
export function recordSha256(hash: string | undefined): Buffer | undefined {
  const at = hash?.indexOf("=") ?? -1;
  if (!hash || at < 0 || hash.slice(0, at).toLowerCase() !== "sha256") return undefined;
  const value = hash.slice(at + 1);
  if (/^[0-9a-fA-F]{64}$/.test(value)) return Buffer.from(value, "hex");
  if (/^[A-Za-z0-9_-]{43}$/.test(value)) return Buffer.from(value, "base64url");
  if (/^[A-Za-z0-9+/]{43}=$/.test(value)) return Buffer.from(value, "base64");
  return undefined;
}

/**
 * A RECORD row against the file's digest and size: a lie (refused), or a row this code cannot
 * check (no row, no SHA-256 in an encoding it reads, a size that is no number: the wheel path
 * leaves it to pip, which installs it unchecked). A digest is compared as bytes, so hex or
 * padded base64 (which pip accepts, as it accepts anything there) is no lie.
 */
export function recordMismatch(
  name: string,
  row: { hash?: string; size?: number } | undefined,
  found: { sha256: Buffer; size: number },
): { refuse: string } | { unusual: string } | undefined {
  if (!row) return { unusual: `${name} is not listed in its RECORD` };
  const claimed = recordSha256(row.hash);
  if (!claimed) return { unusual: `${name} has no sha256 in its RECORD` };
  if (!claimed.equals(found.sha256)) return { refuse: `${name} does not match the sha256 its RECORD gives` };
  if (row.size !== undefined && !Number.isSafeInteger(row.size))
    return { unusual: `${name} has a size in its RECORD that is no number` };
  if (row.size !== undefined && row.size !== found.size)
    return { refuse: `${name} is ${found.size} bytes, its RECORD says ${row.size}` };
  return undefined;
}

/**
 * A file against every RECORD row naming it (a wheel may give a path twice, or keep the row
 * of a member pip skipped beside the row of the one it installed there): a lie when any row
 * that can be checked contradicts it; left to pip when none can be checked.
 */
export function recordVerdict(
  name: string,
  rows: readonly { hash?: string; size?: number }[],
  found: { sha256: Buffer; size: number },
): { refuse: string } | { unusual: string } | undefined {
  const verdicts = (rows.length > 0 ? rows : [undefined]).map((row) => recordMismatch(name, row, found));
  const refused = verdicts.find((v) => v !== undefined && "refuse" in v);
  if (refused) return refused;
  return verdicts.every((v) => v !== undefined) ? verdicts[0] : undefined;
}

/** The rows of a RECORD by the path they name. */
export function rowsByPath<R extends { path: string }>(rows: readonly R[]): Map<string, R[]> {
  const byPath = new Map<string, R[]>();
  for (const row of rows) {
    const list = byPath.get(row.path);
    if (list) list.push(row);
    else byPath.set(row.path, [row]);
  }
  return byPath;
}

/** The refusal of a wheel the action will not ship, as both paths word it. */
export function wheelRefusal(wheelLabel: string, message: string, where: Where | undefined, hint: string): UserError {
  return new UserError(`the wheel ${wheelLabel} is not safe to install: ${message}`, {
    where: where ?? { file: wheelLabel },
    hint,
  });
}

/**
 * The installed tree's files against the RECORD rows that name them (pip keeps each wheel
 * row's digest, and writes its own for what it changed): the first contradiction, refused as
 * the wheel path refuses it. Rows it cannot check are passed, as pip passed them; so are the
 * rows of .data/data files (`../../…`), whose place differs between installers. Synchronous
 * reads: one read per file through the thread pool cost several times as much.
 */
export function checkInstalledRecords(
  tree: DependencyTree,
  /** the wheel file a distribution came from, and where it is pinned */
  origin: (distribution: InstalledDistribution) => { wheel?: string; where?: Where },
): void {
  const files = new Map(tree.files.filter((f) => f.symlink === undefined).map((f) => [f.path, f]));
  for (const distribution of tree.distributions) {
    for (const [rowPath, rows] of rowsByPath(distribution.record)) {
      // rows outside the lib folder (.data/data, scripts) name files by the installer's own
      // layout, which another installer lays out otherwise: only the tree's own rows are held
      const file = rowPath.startsWith("../") ? undefined : files.get(rowPath);
      if (!file || !rows.some((row) => recordSha256(row.hash))) continue;
      const data = readFileSync(path.join(tree.root, rowPath));
      const found = { sha256: createHash("sha256").update(data).digest(), size: data.length };
      const mismatch = recordVerdict(rowPath, rows, found);
      if (mismatch && "refuse" in mismatch) {
        const { wheel, where } = origin(distribution);
        throw wheelRefusal(wheel ?? distribution.distInfo, mismatch.refuse, where, RECORD_CONTRADICTS_HINT);
      }
    }
  }
}
