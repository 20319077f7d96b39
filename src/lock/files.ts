/**
 * Reading a lockfile (or a file it includes) from a repository the action does not trust:
 * regular files only (a FIFO would block, `/dev/zero` never ends), resolved through their
 * symlinks to a place the caller allows, and never more than MAX_LOCKFILE_BYTES.
 */
import { closeSync, fstatSync, openSync, readSync, realpathSync, statSync } from "node:fs";
import path from "node:path";
import { UserError, type Where } from "../errors.ts";

/**
 * 16 MiB. The largest real lockfiles are a few MiB (a uv.lock for a big workspace with
 * torch and its CUDA forks is ~5 MiB, lists of hashes included); four times that leaves
 * room, while a file past it is no lockfile and must not be read into memory.
 */
export const MAX_LOCKFILE_BYTES = 16 * 1024 * 1024;

export function isInside(parent: string, child: string): boolean {
  const rel = path.relative(parent, child);
  return rel === "" || (!rel.startsWith("..") && !path.isAbsolute(rel));
}

/**
 * The text of `abs` (shown to the user as `shown`). `allowedRoots`: folders its real path
 * (after symlinks) must lie in; a file elsewhere is refused before it is opened, so no
 * part of it (`/proc/self/environ`) can reach a message.
 */
export function readLockText(
  abs: string,
  shown: string,
  where: Where,
  allowedRoots: string[],
  what = "lockfile",
  missingHint = `check the path of the ${what}`,
): string {
  let real: string;
  try {
    real = realpathSync(abs);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UserError(
      code === "ENOENT" ? `${what} ${shown} does not exist` : `cannot read ${what} ${shown}: ${code}`,
      {
        where,
        hint: missingHint,
      },
    );
  }
  const roots = allowedRoots.map((r) => {
    try {
      return realpathSync(r);
    } catch {
      return path.resolve(r);
    }
  });
  if (!roots.some((root) => isInside(root, real))) {
    throw new UserError(`${what} ${shown} resolves to a file outside the project, which is not read`, {
      where,
      hint: `keep the ${what} inside \`working-directory\` (a symlink must point inside it too)`,
    });
  }
  const notRegular = () =>
    new UserError(`${what} ${shown} is not a regular file`, {
      where,
      hint: `point at the ${what} itself, not a device, pipe or folder`,
    });
  // stat before open: opening a FIFO for reading blocks until a writer comes
  if (!statSync(real).isFile()) throw notRegular();
  const tooLarge = () =>
    new UserError(
      `${what} ${shown} is larger than ${MAX_LOCKFILE_BYTES / 1024 / 1024} MiB, far beyond any real lockfile`,
      {
        where,
        hint: "point at the lockfile itself",
      },
    );
  const fd = openSync(real, "r");
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) throw notRegular();
    if (stat.size > MAX_LOCKFILE_BYTES) throw tooLarge();
    // the size a stat reports can lie (files under /proc say 0): read until the end, at most one byte past the limit
    // the first read is sized to what stat says (plus one byte, to see the end), the others 1 MiB:
    // a 200-byte requirements.txt costs 201 bytes, not a zeroed megabyte
    const chunks: Buffer[] = [];
    let total = 0;
    let want = stat.size > 0 ? stat.size + 1 : 64 * 1024;
    for (;;) {
      const chunk = Buffer.allocUnsafe(Math.min(want, 1024 * 1024, MAX_LOCKFILE_BYTES + 1 - total));
      want = 1024 * 1024;
      const n = readSync(fd, chunk, 0, chunk.length, null);
      if (n === 0) break;
      chunks.push(chunk.subarray(0, n));
      total += n;
      if (total > MAX_LOCKFILE_BYTES) throw tooLarge();
    }
    return Buffer.concat(chunks).toString("utf8");
  } finally {
    closeSync(fd);
  }
}
