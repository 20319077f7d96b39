/**
 * Which files make up the function code. By default everything in the working
 * directory except what is never code (lockfiles, virtualenvs, VCS folders,
 * caches, tests, hidden files, the output folder); `source` narrows it to files,
 * folders or globs, `exclude` removes more.
 */
import { existsSync, statSync } from "node:fs";
import { realpath, stat } from "node:fs/promises";
import path from "node:path";
import picomatch from "picomatch";
import { throwAll, UserError } from "../errors.ts";
import type { TreeFile } from "../install/types.ts";
import { refuseUnshippable, type WalkedFile, walkSource } from "./walk.ts";

/** Never code, whatever `source` says. */
const NEVER = [
  "**/__pycache__",
  "**/__pycache__/**",
  "**/*.pyc",
  "**/*.pyo",
  ".git/**",
  ".hg/**",
  ".svn/**",
  ".lambda-python-package/**",
];

/** Left out of the default selection (when `source` is not given). */
export const DEFAULT_EXCLUDES = [
  // lockfiles and project metadata
  "requirements*.txt",
  "requirements*.in",
  "uv.lock",
  "poetry.lock",
  "Pipfile",
  "Pipfile.lock",
  "pylock.toml",
  "pylock.*.toml",
  "pyproject.toml",
  // hidden files and folders: .venv, .github, .env, .pytest_cache, .mypy_cache, ...
  "**/.*",
  "**/.*/**",
  // virtualenvs without a dot, tool caches, build output
  "venv/**",
  "env/**",
  "node_modules/**",
  "**/*.egg-info/**",
  "build/**",
  "dist/**",
  // tests
  "test/**",
  "tests/**",
  "**/test_*.py",
  "**/*_test.py",
  "**/conftest.py",
];

export interface SourceOptions {
  workingDirectory: string;
  /** lines of the `source` input; empty = default selection */
  source: string[];
  exclude: string[];
  /** absolute output folder, left out when it lies inside the working directory */
  outputDir: string;
}

/** What the action writes into the output folder (function.zip, layer.zip; zips of earlier builds): never code. */
const OUTPUT_FILES = /\.zip$/;
const OWN_FOLDER_HINT =
  "give the zips a folder of their own: leave `output-dir` unset, or use a folder that holds no code (e.g. `output-dir: .lambda-python-package`, or one outside `working-directory`)";

export async function collectSource(options: SourceOptions): Promise<TreeFile[]> {
  const { workingDirectory } = options;
  const outputRel = path.relative(workingDirectory, options.outputDir).split(path.sep).join("/");
  if (outputRel === "") {
    throw new UserError(
      `output-dir is the working directory itself (${workingDirectory}): function.zip and layer.zip would be written among the function code, and the next build would ship them inside the new zip`,
      { hint: OWN_FOLDER_HINT },
    );
  }
  const outputInside = !outputRel.startsWith("..") && !path.isAbsolute(outputRel);
  const inOutput = (rel: string) => outputInside && (rel === outputRel || rel.startsWith(`${outputRel}/`));
  const never = picomatch(NEVER, { dot: true });
  const defaultExcluded = picomatch(DEFAULT_EXCLUDES, { dot: true });
  const userExcluded = options.exclude.length > 0 ? picomatch(options.exclude, { dot: true }) : () => false;
  // A folder is left unread when everything in it is left out anyway: a pattern "X/**" leaves out
  // all of a folder matching X, and `exclude` leaves out a matching folder with its content.
  const neverDir = picomatch(folderPatterns(NEVER), { dot: true });
  const defaultDir = picomatch(folderPatterns(DEFAULT_EXCLUDES), { dot: true });
  const useDefault = options.source.length === 0;
  const pruneDir = (rel: string): boolean => {
    if (neverDir(rel) || userExcluded(rel) || (useDefault && defaultDir(rel))) return true;
    // any folder with a pyvenv.cfg is a virtualenv, whatever its name
    return existsSync(path.join(workingDirectory, rel, "pyvenv.cfg"));
  };
  const roots = useDefault ? [""] : options.source.map((p) => sourceRoot(p, workingDirectory));
  const all: WalkedFile[] = walkSource(workingDirectory, { roots, pruneDir }).filter((f) => !never(f.path));

  let selected: WalkedFile[];
  if (options.source.length === 0) {
    selected = all.filter((f) => !defaultExcluded(f.path));
  } else {
    const chosen = new Set<WalkedFile>();
    for (const pattern of options.source) {
      const matched = matchSource(pattern, workingDirectory, all);
      if (matched.length === 0) {
        throw new UserError(`source "${pattern}" matches no file in ${workingDirectory}`, {
          hint: "source lines are files, folders or globs relative to `working-directory`",
        });
      }
      for (const f of matched) chosen.add(f);
    }
    selected = all.filter((f) => chosen.has(f));
  }
  if (options.exclude.length > 0) {
    selected = selected.filter(
      (f) =>
        !userExcluded(f.path) &&
        !f.path.split("/").some((_, i, parts) => userExcluded(parts.slice(0, i + 1).join("/"))),
    );
  }
  // The output folder is left out of the code: code inside it would silently go missing.
  const stranded = selected.filter((f) => inOutput(f.path) && !OUTPUT_FILES.test(path.posix.basename(f.path)));
  if (stranded.length > 0) {
    const shown = stranded.slice(0, 5).map((f) => f.path);
    throw new UserError(
      `output-dir ${outputRel} holds files of the function code (${shown.join(", ")}${stranded.length > 5 ? ` and ${stranded.length - 5} more` : ""}): the output folder is left out of the code, so they would be missing from the zip`,
      { hint: OWN_FOLDER_HINT },
    );
  }
  selected = selected.filter((f) => !inOutput(f.path));
  refuseUnshippable(selected);
  await checkSymlinks(selected, workingDirectory);
  return selected.map(({ special: _s, badName: _b, ...file }) => file);
}

/**
 * A code file that is a symbolic link goes into the zip as the file it points to (zips for
 * Lambda hold no links). Only a regular file inside the working directory qualifies, and
 * only one the selection would ship itself: a link out of it, or to `.env`, `.git/config`
 * or a lockfile, would ship what the selection leaves out on purpose. A link to a folder
 * is not followed, a dangling or looping link has nothing to ship.
 */
export async function checkSymlinks(files: TreeFile[], workingDirectory: string): Promise<void> {
  const links = files.filter((f) => f.symlink !== undefined);
  if (links.length === 0) return;
  const root = await realpath(workingDirectory).catch(() => workingDirectory);
  const shipped = new Set(
    files.filter((f) => f.symlink === undefined).map((f) => path.relative(workingDirectory, f.absolutePath)),
  );
  const errors: UserError[] = [];
  for (const f of links) {
    const problem = await linkProblem(f, root, shipped);
    if (problem) errors.push(new UserError(problem.message, { where: { file: f.path }, hint: problem.hint }));
  }
  throwAll(errors);
}

const NEVER_TARGET = picomatch([...NEVER, ...DEFAULT_EXCLUDES], { dot: true });

async function linkProblem(
  f: TreeFile,
  root: string,
  shipped: ReadonlySet<string>,
): Promise<{ message: string; hint: string } | undefined> {
  const link = `${f.path} is a symbolic link to ${f.symlink}`;
  const failure = await realpath(f.absolutePath).then(
    () => undefined,
    (error: NodeJS.ErrnoException) => error.code ?? "unknown",
  );
  if (failure === "ELOOP") {
    return {
      message: `${link}, which loops back on itself`,
      hint: "point the link at a real file, or remove it (or leave it out with `exclude`)",
    };
  }
  if (failure !== undefined) {
    return {
      message: `${link}, which does not exist`,
      hint: "create the file it points to, or remove the link (or leave it out with `exclude`)",
    };
  }
  const target = await realpath(f.absolutePath);
  if (target !== root && !target.startsWith(`${root}${path.sep}`)) {
    return {
      message: `${link}, outside the working directory (${target})`,
      hint: "copy the file into the project, or leave the link out with `exclude`: only files inside `working-directory` are shipped",
    };
  }
  const info = await stat(target);
  if (info.isDirectory()) {
    return {
      message: `${f.path} is a symbolic link to the folder ${f.symlink}: links to folders are not followed`,
      hint: "list the real folder in `source` (or move the code there), or leave the link out with `exclude`",
    };
  }
  if (!info.isFile()) {
    return {
      message: `${link}, which is not a regular file (a FIFO, socket or device): a zip can only hold files`,
      hint: "point the link at a regular file, or leave it out with `exclude`",
    };
  }
  const rel = path.relative(root, target).split(path.sep).join("/");
  const inVenv = rel
    .split("/")
    .some((_, i, parts) => i > 0 && existsSync(path.join(root, parts.slice(0, i).join("/"), "pyvenv.cfg")));
  if ((NEVER_TARGET(rel) || inVenv) && !shipped.has(path.relative(root, target))) {
    return {
      message: `${link}, a file that is never shipped (hidden files such as .env or .git/config, lockfiles, virtualenvs, tests): the link would ship its content`,
      hint: "link to a file that is part of the code, or copy what the function needs into one; or leave the link out with `exclude`",
    };
  }
  return undefined;
}

/** "dir/**" → "dir": a folder matching the result has all of its content matched by the pattern. */
function folderPatterns(patterns: string[]): string[] {
  return patterns.filter((p) => p.endsWith("/**")).map((p) => p.slice(0, -3));
}

function relativeSource(pattern: string, workingDirectory: string): { clean: string; abs: string; rel: string } {
  const clean = pattern.replace(/^\.\//, "").replace(/\/+$/, "");
  const abs = path.resolve(workingDirectory, clean === "" ? "." : clean);
  const rel = path.relative(workingDirectory, abs).split(path.sep).join("/");
  if (rel.startsWith("..") || path.isAbsolute(rel)) {
    throw new UserError(`source "${pattern}" lies outside the working directory ${workingDirectory}`, {
      hint: "set `working-directory` to a folder that holds all of the function code",
    });
  }
  return { clean, abs, rel };
}

/** The one folder (or file) a `source` line can match inside: the path itself, or a glob's static prefix. */
function sourceRoot(pattern: string, workingDirectory: string): string {
  const { clean, abs, rel } = relativeSource(pattern, workingDirectory);
  if (clean === "" || clean === "." || existsSync(abs)) return rel;
  return relativeSource(picomatch.scan(clean).base, workingDirectory).rel;
}

function matchSource<F extends TreeFile>(pattern: string, workingDirectory: string, all: F[]): F[] {
  const { clean, abs, rel } = relativeSource(pattern, workingDirectory);
  if (clean === "" || clean === ".") return all;
  if (existsSync(abs) && statSync(abs).isDirectory()) return all.filter((f) => f.path.startsWith(`${rel}/`));
  if (existsSync(abs)) return all.filter((f) => f.path === rel);
  const isMatch = picomatch(clean, { dot: true });
  return all.filter((f) => isMatch(f.path));
}
