/** Find the lockfile and read it with the reader for its format. */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { UserError } from "../errors.ts";
import { readRequirements } from "./requirements.ts";
import type { LockContext, LockedSet, LockFormat } from "./types.ts";

type Reader = (text: string, ctx: LockContext) => LockedSet;

interface FormatSpec {
  format: LockFormat;
  matches: (basename: string) => boolean;
  reader: Reader;
}

/** Detection order: the first one present wins. */
const FORMATS: FormatSpec[] = [
  {
    format: "requirements",
    matches: (f) => f === "requirements.txt" || /^requirements.*\.txt$/.test(f),
    reader: readRequirements,
  },
];

/** Names detection looks for, in order (exact names first; patterns after). */
const DETECTED_NAMES = ["requirements.txt"];

export interface LockfileChoice {
  format: LockFormat;
  /** relative to the working directory */
  file: string;
  /** other lockfiles present that were not chosen */
  ignored: string[];
}

export function chooseLockfile(workingDirectory: string, requested: string | undefined): LockfileChoice {
  if (requested) {
    const abs = path.resolve(workingDirectory, requested);
    if (!existsSync(abs)) {
      throw new UserError(`lockfile ${requested} does not exist in ${workingDirectory}`, {
        where: { file: requested },
        hint: "check the `lockfile` input: it is relative to `working-directory`",
      });
    }
    const spec =
      FORMATS.find((f) => f.matches(path.basename(abs))) ?? FORMATS.find((f) => f.format === "requirements")!;
    return { format: spec.format, file: requested, ignored: [] };
  }
  const present = readdirSync(workingDirectory);
  const found = DETECTED_NAMES.filter((name) => present.includes(name));
  const first = found[0];
  if (!first) {
    throw new UserError(`no lockfile found in ${workingDirectory} (looked for ${DETECTED_NAMES.join(", ")})`, {
      hint: "set `lockfile` to your lockfile's path relative to `working-directory`, or set `working-directory` to the Lambda project's root",
    });
  }
  const spec = FORMATS.find((f) => f.matches(first))!;
  return { format: spec.format, file: first, ignored: found.slice(1) };
}

export function readLockfile(choice: LockfileChoice, ctx: Omit<LockContext, "file" | "path">): LockedSet {
  const abs = path.resolve(ctx.workingDirectory, choice.file);
  const spec = FORMATS.find((f) => f.format === choice.format)!;
  let text: string;
  try {
    text = readFileSync(abs, "utf8");
  } catch (e) {
    throw new UserError(`cannot read lockfile ${choice.file}: ${(e as Error).message}`, {
      where: { file: choice.file },
    });
  }
  return spec.reader(text, { ...ctx, file: choice.file, path: abs });
}
