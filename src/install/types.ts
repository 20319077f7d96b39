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

/**
 * A dependency file as the stages after the dependency stage see it: a name, a size, a
 * mode and an owner. After an install it is a file of the tree on disk (TreeFile); on a
 * cache hit it is an entry of the cached dependency zip, read from its central directory.
 */
export interface DependencyFile {
  /** relative path, "/" separated */
  path: string;
  size: number;
  /** true when any execute bit is set (stored as 0755 in the zip) */
  executable: boolean;
  /** a symbolic link (stored as the file it points to when inside the tree; see inspect) */
  symlink?: string;
  /** normalized name of the distribution whose RECORD lists it */
  distribution?: string;
}

export interface TreeFile extends DependencyFile {
  absolutePath: string;
}

/**
 * The dependencies as packaging and the checks on the function code see them, wherever
 * their bytes are: the installed tree (a miss) or the cached dependency zip (a hit, where
 * each distribution's `record` is empty: what needed it ran when the entry was made).
 */
export interface DependencyListing {
  distributions: InstalledDistribution[];
  /** sorted by path */
  files: DependencyFile[];
  /**
   * normalized name → the wheel file the installer chose (e.g. from pip's --report),
   * when it said: the wheel-fit check judges that name, as the installer did
   */
  chosenWheels?: Record<string, string>;
}

/** The staged tree on disk, as installed. */
export interface DependencyTree extends DependencyListing {
  /** absolute path of the staged tree (installer --target) */
  root: string;
  /** every regular file (and symlink) under root, sorted by path */
  files: TreeFile[];
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
