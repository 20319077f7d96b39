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
import { listFiles } from "../install/tree.ts";
import type { TreeFile } from "../install/types.ts";

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
  const venvs = new Set<string>();
  const all = await listFiles(workingDirectory, (rel, isDirectory) => {
    if (never(rel)) return true;
    // any folder with a pyvenv.cfg is a virtualenv, whatever its name
    if (isDirectory && existsSync(path.join(workingDirectory, rel, "pyvenv.cfg"))) {
      venvs.add(rel);
      return true;
    }
    return false;
  });

  let selected: TreeFile[];
  if (options.source.length === 0) {
    const excluded = picomatch(DEFAULT_EXCLUDES, { dot: true });
    selected = all.filter((f) => !excluded(f.path));
  } else {
    const chosen = new Set<TreeFile>();
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
    const excluded = picomatch(options.exclude, { dot: true });
    selected = selected.filter(
      (f) => !excluded(f.path) && !f.path.split("/").some((_, i, parts) => excluded(parts.slice(0, i + 1).join("/"))),
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
  await checkSymlinks(selected, workingDirectory);
  return selected;
}

/**
 * A code file that is a symbolic link goes into the zip as the file it points to (zips for
 * Lambda hold no links). Only a file inside the working directory qualifies: a link out of
 * it would ship whatever it points at on the runner, a link to a folder is not followed,
 * and a dangling link has nothing to ship.
 */
export async function checkSymlinks(files: TreeFile[], workingDirectory: string): Promise<void> {
  const links = files.filter((f) => f.symlink !== undefined);
  if (links.length === 0) return;
  const root = await realpath(workingDirectory).catch(() => workingDirectory);
  const errors: UserError[] = [];
  for (const f of links) {
    const where = { file: f.path };
    const target = await realpath(f.absolutePath).catch(() => undefined);
    if (target === undefined) {
      errors.push(
        new UserError(`${f.path} is a symbolic link to ${f.symlink}, which does not exist`, {
          where,
          hint: "create the file it points to, or remove the link (or leave it out with `exclude`)",
        }),
      );
    } else if (target !== root && !target.startsWith(`${root}${path.sep}`)) {
      errors.push(
        new UserError(`${f.path} is a symbolic link to ${f.symlink}, outside the working directory (${target})`, {
          where,
          hint: "copy the file into the project, or leave the link out with `exclude`: only files inside `working-directory` are shipped",
        }),
      );
    } else if ((await stat(target)).isDirectory()) {
      errors.push(
        new UserError(`${f.path} is a symbolic link to the folder ${f.symlink}: links to folders are not followed`, {
          where,
          hint: "list the real folder in `source` (or move the code there), or leave the link out with `exclude`",
        }),
      );
    }
  }
  throwAll(errors);
}

function matchSource(pattern: string, workingDirectory: string, all: TreeFile[]): TreeFile[] {
  const clean = pattern.replace(/^\.\//, "").replace(/\/+$/, "");
  if (clean === "" || clean === ".") return all;
  const abs = path.resolve(workingDirectory, clean);
  const rel = path.relative(workingDirectory, abs).split(path.sep).join("/");
  if (rel.startsWith("..")) {
    throw new UserError(`source "${pattern}" lies outside the working directory ${workingDirectory}`, {
      hint: "set `working-directory` to a folder that holds all of the function code",
    });
  }
  if (existsSync(abs) && statSync(abs).isDirectory()) return all.filter((f) => f.path.startsWith(`${rel}/`));
  if (existsSync(abs)) return all.filter((f) => f.path === rel);
  const isMatch = picomatch(clean, { dot: true });
  return all.filter((f) => isMatch(f.path));
}
