/** Find the lockfile and read it with the reader for its format. */
import { existsSync, readdirSync } from "node:fs";
import path from "node:path";
import { UserError } from "../errors.ts";
import { readLockText } from "./files.ts";
import { readPipfileLock } from "./pipfile.ts";
import { readPoetryLock } from "./poetry.ts";
import { readPylock } from "./pylock.ts";
import { readRequirements } from "./requirements.ts";
import type { LockContext, LockedSet, LockFormat } from "./types.ts";
import { readUvLock } from "./uv.ts";

type Reader = (text: string, ctx: LockContext) => LockedSet;

interface FormatSpec {
  format: LockFormat;
  matches: (basename: string) => boolean;
  reader: Reader;
}

/** Which reader reads a file, by its name; anything else is read as a requirements file. */
const FORMATS: FormatSpec[] = [
  { format: "uv", matches: (f) => f === "uv.lock", reader: readUvLock },
  { format: "poetry", matches: (f) => f === "poetry.lock", reader: readPoetryLock },
  { format: "pipfile", matches: (f) => f === "Pipfile.lock", reader: readPipfileLock },
  { format: "pylock", matches: (f) => /^pylock(\.[^.]+)?\.toml$/.test(f), reader: readPylock },
  { format: "requirements", matches: () => true, reader: readRequirements },
];

/** Detection order: the first one present wins (pylock.<name>.toml files in name order). */
function detectedNames(present: string[]): string[] {
  const named = present.filter((f) => /^pylock\.[^.]+\.toml$/.test(f)).sort();
  return ["uv.lock", "poetry.lock", "Pipfile.lock", "pylock.toml", ...named, "requirements.txt"];
}
/** The names looked for, for messages. */
export const DETECTED_LOCKFILES = [
  "uv.lock",
  "poetry.lock",
  "Pipfile.lock",
  "pylock.toml",
  "pylock.*.toml",
  "requirements.txt",
].join(", ");

export interface LockfileChoice {
  format: LockFormat;
  /** relative to the working directory */
  file: string;
  /** other lockfiles present that were not chosen */
  ignored: string[];
}

/** The lockfile to read; undefined when none was requested and none is present (code without dependencies). */
export function chooseLockfile(workingDirectory: string, requested: string | undefined): LockfileChoice | undefined {
  if (requested) {
    const abs = path.resolve(workingDirectory, requested);
    if (!existsSync(abs)) {
      throw new UserError(`lockfile ${requested} does not exist in ${workingDirectory}`, {
        where: { file: requested },
        hint: "check the `lockfile` input: it is relative to `working-directory`",
      });
    }
    const spec = FORMATS.find((f) => f.matches(path.basename(abs)))!;
    return { format: spec.format, file: requested, ignored: [] };
  }
  const present = readdirSync(workingDirectory);
  const found = detectedNames(present).filter((name) => present.includes(name));
  const first = found[0];
  if (!first) return undefined;
  const spec = FORMATS.find((f) => f.matches(first))!;
  return { format: spec.format, file: first, ignored: found.slice(1) };
}

export function readLockfile(choice: LockfileChoice, ctx: Omit<LockContext, "file" | "path">): LockedSet {
  const abs = path.resolve(ctx.workingDirectory, choice.file);
  const spec = FORMATS.find((f) => f.format === choice.format)!;
  // its real path must stay in the folder it is named in: a committed `requirements.txt`
  // symlink to /proc/self/environ (or any file outside) is not read
  const text = readLockText(abs, choice.file, { file: choice.file }, [path.dirname(abs), ctx.workingDirectory]);
  return { ...spec.reader(text, { ...ctx, file: choice.file, path: abs }), text };
}
