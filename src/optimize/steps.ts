/**
 * The optimize steps both dependency paths share, whatever holds the files (a tree pip
 * installed, or the wheels' members as they are unpacked): the empty report, what slim
 * keeps back, and the bytecode that fits with the report of it.
 */
import { readFile } from "node:fs/promises";
import type { DependencyListing, TreeFile } from "../install/types.ts";
import type { Log } from "../log.ts";
import { type Bytecode, type BytecodeFit, fitBytecode, overLimitMessage } from "./budget.ts";
import { type KeptBack, keptByImports } from "./keep.ts";
import { importable, planDependencies } from "./plan.ts";
import type { OptimizeReport, OptimizeSettings, RuntimePython } from "./types.ts";

/** What the optimize stage is given (index.ts's optimize). */
export interface OptimizeInput {
  settings: OptimizeSettings;
  compiler?: RuntimePython;
  /** the cache entry's folder: the first run's report is kept there for later ones */
  entryDir: string;
  code: TreeFile[];
  scratch: string;
  env: NodeJS.ProcessEnv;
  log: Log;
}

export function emptyReport(
  settings: OptimizeSettings,
  compiler: RuntimePython | undefined,
  reason: string,
): OptimizeReport {
  return {
    settings,
    compile: compiler
      ? { done: true, python: compiler.version, cacheTag: compiler.cacheTag, dependencies: 0, code: 0, failed: [] }
      : { done: false, reason },
    excluded: [],
    notInstalled: [],
    slimmed: [],
    stripped: { files: 0, bytes: 0 },
    removed: [],
    keptBack: [],
    fromCache: false,
  };
}

export const reasonWithoutCompiler = (settings: OptimizeSettings) =>
  settings.compile === "off" ? "compile: false" : "no Python of the runtime's version on this runner";

/**
 * What slim's patterns match that the shipped dependencies and the function code import or
 * read: `read` gives a dependency file's text.
 */
export async function slimKeptBack(
  listing: Pick<DependencyListing, "files" | "distributions">,
  settings: OptimizeSettings,
  code: TreeFile[],
  read: (file: string) => Promise<string | undefined>,
): Promise<KeptBack[]> {
  const matched = planDependencies(listing, settings, false);
  const candidates = new Set([...matched.removed.values()].flat().map((f) => f.path));
  if (candidates.size === 0) return [];
  const excluded = new Set(matched.excluded.flatMap((e) => e.files));
  const codePaths = new Map(code.filter((f) => f.symlink === undefined).map((f) => [f.path, f.absolutePath]));
  const files = listing.files.filter((f) => f.symlink === undefined && !excluded.has(f.path)).map((f) => f.path);
  return keptByImports({
    files: [...new Set([...files, ...codePaths.keys()])],
    candidates,
    read: (file) => {
      const own = codePaths.get(file);
      return own ? readFile(own, "utf8").catch(() => undefined) : read(file);
    },
  });
}

/**
 * The bytecode that fits under Lambda's unzipped limit with everything else that ships
 * (`shipped`: the dependencies after slim; plus the function code, and its bytecode taken
 * at 1.5 times its sources), and the report of it.
 */
export function fitCompiled(
  input: OptimizeInput,
  compiler: RuntimePython,
  listing: Pick<DependencyListing, "files" | "distributions">,
  compiled: { written: Bytecode[]; failed: string[]; shipped: number },
): { fit: BytecodeFit; compile: OptimizeReport["compile"] } {
  const sources = input.code.filter((f) => importable(f.path)).reduce((n, f) => n + f.size, 0);
  const code = input.code.reduce((n, f) => n + f.size, 0);
  const fit = fitBytecode(compiled.written, compiled.shipped + code + Math.ceil(sources * 1.5));
  const slimmable = input.settings.slim
    ? 0
    : [...planDependencies(listing, { ...input.settings, slim: true }, false).removed.values()]
        .flat()
        .reduce((n, f) => n + f.bytes, 0);
  return {
    fit,
    compile: {
      done: true,
      python: compiler.version,
      cacheTag: compiler.cacheTag,
      dependencies: fit.kept.length,
      code: 0,
      failed: compiled.failed,
      ...(fit.dropped.length > 0 ? { overLimit: overLimitMessage(fit, slimmable) } : {}),
    },
  };
}
