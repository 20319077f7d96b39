/** The optimize stage's settings, plan and report. */
import type { KeptBack } from "./keep.ts";

/** `auto`: compile when the runtime's Python is on the runner; `required`: fail without it; `off`: never. */
export type CompileMode = "auto" | "required" | "off";

export interface OptimizeSettings {
  compile: CompileMode;
  slim: boolean;
  /** globs (tree paths, e.g. `scipy/**\/tests/**`) slim keeps anyway */
  slimKeep: string[];
  /** normalized distribution names left out of the package */
  excludePackages: string[];
}

/** The interpreter that writes the bytecode: always the runtime's own minor version. */
export type { RuntimePython } from "../runtime-python.ts";

export type SlimKind = "tests" | "type stubs" | "C/Cython sources";

export interface RemovedFile {
  path: string;
  bytes: number;
  kind: SlimKind;
}

export interface DependencyPlan {
  excluded: { name: string; version: string; files: string[]; bytes: number }[];
  /** names in exclude-packages that are not in the tree */
  notInstalled: string[];
  /** distribution name → files slim removes */
  removed: Map<string, RemovedFile[]>;
  /** shared objects to strip (tree paths) */
  strip: string[];
  /** .py files to compile (tree paths) */
  compile: string[];
}

export interface DistributionSlim {
  distribution: string;
  /** files removed, and their bytes (the sum of `kinds`) */
  files: number;
  bytes: number;
  /** bytes removed by kind */
  kinds: Partial<Record<SlimKind, number>>;
  /** shared objects of it stripped, and the bytes that saved: not part of `bytes` */
  stripped: { files: number; bytes: number };
}

/** What the stage did, for the log and the summary; kept in the cache entry for warm builds. */
export interface OptimizeReport {
  settings: OptimizeSettings;
  compile:
    | {
        done: true;
        python: string;
        cacheTag: string;
        dependencies: number;
        code: number;
        failed: string[];
        /** all of the bytecode would have crossed Lambda's unzipped limit: what shipped instead, and what to do */
        overLimit?: string;
      }
    | { done: false; reason: string };
  /** `bytes` unpacked; 0 and `notDownloaded` when the fast path never downloaded it */
  excluded: { name: string; version: string; bytes: number; notDownloaded?: true }[];
  notInstalled: string[];
  slimmed: DistributionSlim[];
  /** the sum of the distributions' `stripped` */
  stripped: { files: number; bytes: number };
  /** the files slim removed (tree paths): the import check names slim when one is missing */
  removed: string[];
  /** what slim's patterns matched but shipped code imports or reads */
  keptBack: KeptBack[];
  /** the dependency part came from the cache entry, optimized when it was made */
  fromCache: boolean;
}
