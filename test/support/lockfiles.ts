/** Reading the lockfile fixtures under test/fixtures/lockfiles/ the way the action reads a lockfile. */
import { readFileSync } from "node:fs";
import path from "node:path";
import { UserError } from "../../src/errors.ts";
import type { BuildFromSource, LockContext, LockedSet } from "../../src/lock/types.ts";
import { type Architecture, makeTarget, type Runtime } from "../../src/target.ts";

export interface LockOptions {
  runtime?: Runtime;
  arch?: Architecture;
  groups?: string[];
  extras?: string[];
  /** the working directory, relative to the lockfile's folder (default: the lockfile's folder) */
  cwd?: string;
  buildFromSource?: BuildFromSource;
}

export function lockContext(fixtures: string, lockfile: string, o: LockOptions = {}): LockContext {
  const abs = path.join(fixtures, lockfile);
  const workingDirectory = path.resolve(path.dirname(abs), o.cwd ?? ".");
  return {
    file: path.relative(workingDirectory, abs),
    path: abs,
    workingDirectory,
    target: makeTarget(o.runtime ?? "python3.11", o.arch ?? "x86_64"),
    groups: o.groups ?? [],
    extras: o.extras ?? [],
    ...(o.buildFromSource ? { buildFromSource: o.buildFromSource } : {}),
  };
}

export function lockReader(fixtures: string, reader: (text: string, ctx: LockContext) => LockedSet) {
  return (lockfile: string, o: LockOptions = {}): LockedSet =>
    reader(readFileSync(path.join(fixtures, lockfile), "utf8"), lockContext(fixtures, lockfile, o));
}

export function pins(set: LockedSet): string[] {
  return set.requirements.map((r) => `${r.name}==${r.version}`);
}

export function failure(fn: () => unknown): UserError {
  try {
    fn();
  } catch (e) {
    if (e instanceof UserError) return e;
    throw e;
  }
  throw new Error("expected a UserError");
}
