/**
 * What the optimize stage does to a tree, decided from the tree alone: which
 * distributions are left out, which files slim removes and why, which shared objects
 * are stripped, which sources are compiled. No file is read or written here.
 *
 * Slim's patterns: `tests`/`test` folders inside a package (never a top-level one, which
 * is an import name of its own; `testing` stays, numpy imports `numpy.testing`), type
 * stubs, C/C++/Cython sources and headers. Never a `.dist-info` (importlib.metadata reads
 * it) or a `.data` folder. Of what they match, keep.ts keeps back what shipped code imports.
 */
import picomatch from "picomatch";
import type { DependencyListing, TreeFile } from "../install/types.ts";
import { isSharedObjectName } from "./elf-strip.ts";
import type {
  DependencyPlan,
  DistributionSlim,
  OptimizeReport,
  OptimizeSettings,
  RemovedFile,
  SlimKind,
} from "./types.ts";

const SOURCE_EXTENSIONS = /\.(c|h|cc|cpp|cxx|hpp|hh|pyx|pxd|pxi)$/i;
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** The package's test-suite folder a file lies in (`numpy/_core/tests`); parts[0] is the import package. */
function testsFolder(file: string): string | undefined {
  const parts = file.split("/");
  const at = parts.findIndex((p, i) => i > 0 && i < parts.length - 1 && (p === "tests" || p === "test"));
  return at > 0 ? parts.slice(0, at + 1).join("/") : undefined;
}

/** The `slim-keep` line that keeps a file slim removes: its whole test suite folder, or the file. */
export function slimKeepLine(file: string): string {
  const folder = testsFolder(file);
  return folder ? `${folder}/**` : file;
}

function slimKind(file: string): SlimKind | undefined {
  if (testsFolder(file)) return "tests";
  if (file.endsWith(".pyi")) return "type stubs";
  if (SOURCE_EXTENSIONS.test(file)) return "C/Cython sources";
  return undefined;
}

/** Metadata and data folders stay whatever their names: importlib.metadata and the package read them. */
const untouchable = (file: string) => {
  const top = file.split("/")[0] ?? "";
  return top.endsWith(".dist-info") || top.endsWith(".data");
};

/**
 * What slim may leave out, before anything is read: a file its patterns match and slim-keep
 * does not (keep.ts may keep it back still). Undefined with slim off.
 */
export function slimMayRemove(settings: OptimizeSettings): ((file: string) => boolean) | undefined {
  if (!settings.slim) return undefined;
  const keep = keepMatcher(settings.slimKeep);
  return (file) => !untouchable(file) && slimKind(file) !== undefined && !keep(file);
}

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

/**
 * `keptBack`: files the patterns match that shipped code imports or reads (keep.ts): they
 * ship, and are compiled like any other module.
 */
export function planDependencies(
  tree: Pick<DependencyListing, "files" | "distributions">,
  settings: OptimizeSettings,
  compile: boolean,
  keptBack: ReadonlySet<string> = new Set(),
): DependencyPlan {
  const exclude = new Set(settings.excludePackages);
  const byName = new Map(tree.distributions.map((d) => [d.name, d]));
  const excludedFiles = new Map<string, DependencyListing["files"]>();
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
    const kind =
      settings.slim && f.distribution && !keep(f.path) && !keptBack.has(f.path) ? slimKind(f.path) : undefined;
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

/**
 * The report's figures, each the sum of what it names: per distribution the files removed
 * and their bytes (by kind), and apart from them the bytes stripping saved, so no saving is
 * counted twice.
 */
export function slimFigures(
  removed: ReadonlyMap<string, RemovedFile[]>,
  stripped: readonly { path: string; distribution?: string; saved: number }[],
): Pick<OptimizeReport, "slimmed" | "stripped" | "removed"> {
  const byDistribution = new Map<string, DistributionSlim>();
  const of = (distribution: string) => {
    let slim = byDistribution.get(distribution);
    if (!slim) {
      slim = { distribution, files: 0, bytes: 0, kinds: {}, stripped: { files: 0, bytes: 0 } };
      byDistribution.set(distribution, slim);
    }
    return slim;
  };
  for (const [distribution, files] of removed) {
    const slim = of(distribution);
    for (const f of files) {
      slim.files++;
      slim.bytes += f.bytes;
      slim.kinds[f.kind] = (slim.kinds[f.kind] ?? 0) + f.bytes;
    }
  }
  const total = { files: 0, bytes: 0 };
  for (const s of stripped) {
    total.files++;
    total.bytes += s.saved;
    if (s.distribution === undefined) continue;
    const slim = of(s.distribution);
    slim.stripped.files++;
    slim.stripped.bytes += s.saved;
  }
  const saved = (s: DistributionSlim) => s.bytes + s.stripped.bytes;
  return {
    slimmed: [...byDistribution.values()].sort(
      (a, b) => saved(b) - saved(a) || a.distribution.localeCompare(b.distribution),
    ),
    stripped: total,
    removed: [...removed.values()]
      .flat()
      .map((f) => f.path)
      .sort(),
  };
}
