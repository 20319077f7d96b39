/**
 * Which files make up the function code. By default everything in the working
 * directory except what is never code (lockfiles, virtualenvs, VCS folders,
 * caches, tests, hidden files, the output folder); `source` narrows it to files,
 * folders or globs, `exclude` removes more.
 */
import { existsSync, statSync } from "node:fs";
import path from "node:path";
import picomatch from "picomatch";
import { UserError } from "../errors.ts";
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

export async function collectSource(options: SourceOptions): Promise<TreeFile[]> {
  const { workingDirectory } = options;
  const outputRel = path.relative(workingDirectory, options.outputDir).split(path.sep).join("/");
  const outputInside = outputRel !== "" && !outputRel.startsWith("..") && !path.isAbsolute(outputRel);
  const never = picomatch(NEVER, { dot: true });
  const venvs = new Set<string>();
  const all = await listFiles(workingDirectory, (rel, isDirectory) => {
    if (never(rel) || (outputInside && (rel === outputRel || rel.startsWith(`${outputRel}/`)))) return true;
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
  return selected;
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
