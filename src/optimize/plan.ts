/**
 * What the optimize stage does to a tree, decided from the tree alone: which
 * distributions are left out, which files slim removes and why, which shared objects
 * are stripped, which sources are compiled. No file is read or written here.
 *
 * Slim removes only what no import can reach in Lambda: `tests`/`test` folders inside
 * a package (never a top-level one, which is an import name of its own; `testing`
 * stays, numpy imports `numpy.testing`), type stubs, C/C++/Cython sources and headers.
 * Never a `.dist-info` (importlib.metadata reads it) or a `.data` folder.
 */
import picomatch from "picomatch";
import type { DependencyTree, TreeFile } from "../install/types.ts";
import { isSharedObjectName } from "./elf-strip.ts";
import type { DependencyPlan, OptimizeSettings, RemovedFile, SlimKind } from "./types.ts";

const SOURCE_EXTENSIONS = /\.(c|h|cc|cpp|cxx|hpp|hh|pyx|pxd|pxi)$/i;
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

function slimKind(file: string): SlimKind | undefined {
  const parts = file.split("/");
  // parts[0] is the import package; a tests folder below it is the package's test suite
  if (parts.slice(1, -1).some((p) => p === "tests" || p === "test")) return "tests";
  if (file.endsWith(".pyi")) return "type stubs";
  if (SOURCE_EXTENSIONS.test(file)) return "C/Cython sources";
  return undefined;
}

/** Metadata and data folders stay whatever their names: importlib.metadata and the package read them. */
const untouchable = (file: string) => {
  const top = file.split("/")[0] ?? "";
  return top.endsWith(".dist-info") || top.endsWith(".data");
};

/** A source file an import statement can reach: every folder and the stem are identifiers. */
export function importable(file: string): boolean {
  if (!file.endsWith(".py")) return false;
  const parts = file.slice(0, -3).split("/");
  return parts.every((p) => IDENTIFIER.test(p));
}

export function keepMatcher(globs: string[]): (file: string) => boolean {
  if (globs.length === 0) return () => false;
  const match = picomatch(globs, { dot: true });
  return (file) => match(file);
}

export function planDependencies(tree: DependencyTree, settings: OptimizeSettings, compile: boolean): DependencyPlan {
  const exclude = new Set(settings.excludePackages);
  const byName = new Map(tree.distributions.map((d) => [d.name, d]));
  const excludedFiles = new Map<string, TreeFile[]>();
  for (const f of tree.files) {
    if (f.distribution && exclude.has(f.distribution)) {
      const list = excludedFiles.get(f.distribution) ?? [];
      list.push(f);
      excludedFiles.set(f.distribution, list);
    }
  }
  const excluded = [...exclude]
    .filter((name) => byName.has(name))
    .sort()
    .map((name) => {
      const files = excludedFiles.get(name) ?? [];
      return {
        name,
        version: byName.get(name)?.version ?? "",
        files: files.map((f) => f.path),
        bytes: files.reduce((n, f) => n + f.size, 0),
      };
    });
  const notInstalled = [...exclude].filter((name) => !byName.has(name)).sort();

  const keep = keepMatcher(settings.slimKeep);
  const removed = new Map<string, RemovedFile[]>();
  const strip: string[] = [];
  const sources: string[] = [];
  for (const f of tree.files) {
    if (f.distribution && exclude.has(f.distribution)) continue;
    if (f.symlink !== undefined || untouchable(f.path)) continue;
    const kind = settings.slim && f.distribution && !keep(f.path) ? slimKind(f.path) : undefined;
    if (kind && f.distribution) {
      const list = removed.get(f.distribution) ?? [];
      list.push({ path: f.path, bytes: f.size, kind });
      removed.set(f.distribution, list);
      continue;
    }
    if (settings.slim && isSharedObjectName(f.path) && !keep(f.path)) strip.push(f.path);
    if (compile && importable(f.path)) sources.push(f.path);
  }
  return { excluded, notInstalled, removed, strip, compile: sources };
}

/** The function code's files to compile. */
export function planCode(code: TreeFile[], compile: boolean): TreeFile[] {
  return compile ? code.filter((f) => f.symlink === undefined && importable(f.path)) : [];
}

/** Where a source's bytecode goes, as Python looks for it: `pkg/__pycache__/mod.<cache tag>.pyc`. */
export function pycPath(source: string, cacheTag: string): string {
  const slash = source.lastIndexOf("/");
  const dir = slash < 0 ? "" : source.slice(0, slash + 1);
  const stem = source.slice(slash + 1, -".py".length);
  return `${dir}__pycache__/${stem}.${cacheTag}.pyc`;
}
