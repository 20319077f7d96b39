/** The staged dependency tree: what the installer produced, after cleaning, as the later stages see it. */

export interface InstalledDistribution {
  /** PEP 503 normalized name */
  name: string;
  version: string;
  /** the `.dist-info` folder, relative to the tree root */
  distInfo: string;
  /** `Tag:` lines of the dist-info's WHEEL file, e.g. ["cp312-cp312-manylinux_2_17_x86_64"] */
  wheelTags: string[];
  /** files its RECORD lists, relative to the tree root, with the RECORD's "sha256=..." hash when given */
  record: { path: string; hash?: string; size?: number }[];
}

export interface TreeFile {
  /** relative path, "/" separated */
  path: string;
  absolutePath: string;
  size: number;
  /** true when any execute bit is set (stored as 0755 in the zip) */
  executable: boolean;
  /** a symbolic link (stored as the file it points to when inside the tree; see inspect) */
  symlink?: string;
  /** normalized name of the distribution whose RECORD lists it */
  distribution?: string;
}

export interface DependencyTree {
  /** absolute path of the staged tree (installer --target) */
  root: string;
  distributions: InstalledDistribution[];
  /** every regular file (and symlink) under root, sorted by path */
  files: TreeFile[];
  /**
   * normalized name → the wheel file the installer chose (e.g. from pip's --report),
   * when it said: the wheel-fit check judges that name, as the installer did
   */
  chosenWheels?: Record<string, string>;
}

export interface InstallRequest {
  lock: import("../lock/types.ts").LockedSet;
  target: import("../target.ts").Target;
  /** the (empty) folder to install into */
  directory: string;
  /** a folder for the installer's own temporary files */
  scratch: string;
  /** the interpreter that runs pip */
  python: string;
  env: NodeJS.ProcessEnv;
  /** the indexes to ask (effectiveIndexes): written into the requirements file */
  indexes: import("./indexes.ts").IndexPlan;
  log: import("../log.ts").Log;
}
