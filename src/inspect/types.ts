/** The inspection stage's input and result. */
import type { PackageMode } from "../constants.ts";
import type { DependencyListing, DependencyTree } from "../install/types.ts";
import type { Target } from "../target.ts";

export type InspectInput = InspectCommon &
  (
    | { /** the installed tree, checked now */ tree: DependencyTree; treeChecks?: undefined }
    | { /** the cached dependency zip's listing */ tree: DependencyListing; treeChecks: TreeChecks }
  );

/** The tree checks' findings (checkTree), in the order inspection reports them. */
export interface TreeChecks {
  /** wheel fit, binaries */
  before: Finding[];
  /** distribution collisions without and with allow-collisions */
  collisions: { strict: Finding[]; allowed: Finding[] };
  /** layout, runtime SDK */
  after: Finding[];
}

interface InspectCommon {
  target: Target;
  /** function code files as they will sit in the function zip (relative, "/" separated) */
  code: { path: string; size: number }[];
  packageMode: PackageMode;
  allowCollisions: boolean;
  /** the lockfile, as annotations should name it; findings about a distribution point at it */
  lockfile?: string;
  /** the lockfile's text, to find the line naming a distribution; read from `lockfile` when absent */
  lockfileText?: string;
}

export type Severity = "error" | "warning" | "notice";

export type CheckName =
  | "wheel-fit"
  | "elf-machine"
  | "elf-glibc"
  | "elf-unreadable"
  | "collision"
  | "layout"
  | "permissions"
  | "size"
  | "runtime-sdk";

export interface Finding {
  severity: Severity;
  check: CheckName | (string & {});
  message: string;
  /** normalized name of the distribution responsible */
  distribution?: string;
  /**
   * where an annotation should point: the lockfile for a finding about a distribution
   * (when known), the function code file for a code finding
   */
  file?: string;
  /** the line of `file` (the distribution's line in the lockfile) */
  line?: number;
  /** the path inside the dependency tree (or function code) the finding is about */
  path?: string;
  /** what to do about it */
  hint?: string;
}

export interface DistributionReport {
  name: string;
  version: string;
  /** sum of the sizes of the tree files its RECORD owns */
  unzippedSize: number;
  fileCount: number;
  findings: Finding[];
}

export interface InspectResult {
  /** errors first, then warnings, then notices; within a severity in check order */
  findings: Finding[];
  /** sorted by unzippedSize, largest first */
  distributions: DistributionReport[];
  /** every file of the tree */
  dependencySize: number;
  codeSize: number;
}

export const SEVERITY_ORDER: Record<Severity, number> = { error: 0, warning: 1, notice: 2 };
