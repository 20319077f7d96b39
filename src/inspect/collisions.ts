/**
 * Collisions: two sources for one path, of which Lambda would import only one.
 * - two distributions whose RECORDs list the same path with different hashes (the
 *   second install silently overwrote the first; identical bytes are fine);
 * - the function code and the dependencies providing the same top-level module or
 *   package (in one zip one overwrites or merges into the other; with a layer the
 *   function's copy shadows the layer's, /var/task coming before /opt/python).
 * Errors, or warnings when the user allows collisions.
 */
import { posix } from "node:path";
import type { PackageMode } from "../constants.ts";
import type { DependencyListing, InstalledDistribution } from "../install/types.ts";
import type { Finding, Severity } from "./types.ts";
import { listSome } from "./util.ts";

/** A RECORD path as a tree path, or undefined when it does not name a shippable file inside the tree. */
function treePath(recordPath: string): string | undefined {
  if (recordPath.startsWith("/") || /^[A-Za-z]:[\\/]/.test(recordPath)) return undefined;
  const p = posix.normalize(recordPath.replace(/\\/g, "/"));
  if (p === ".." || p.startsWith("../")) return undefined; // layout check reports these
  if (p.includes("__pycache__/") || p.endsWith(".pyc")) return undefined; // dropped from the tree
  return p;
}

export function checkDistributionCollisions(tree: DependencyListing, allowCollisions: boolean): Finding[] {
  const present = new Set(tree.files.map((f) => f.path));
  const claims = new Map<string, { dist: InstalledDistribution; hash?: string }[]>();
  for (const dist of tree.distributions) {
    for (const entry of dist.record) {
      const p = treePath(entry.path);
      if (p === undefined || (present.size > 0 && !present.has(p))) continue;
      const list = claims.get(p) ?? [];
      if (!list.some((c) => c.dist === dist)) list.push({ dist, hash: entry.hash });
      claims.set(p, list);
    }
  }
  // group the conflicting paths by the set of distributions involved
  const groups = new Map<string, { dists: InstalledDistribution[]; paths: string[]; unhashed: boolean }>();
  for (const [p, list] of claims) {
    if (list.length < 2) continue;
    const hashes = new Set(list.map((c) => c.hash));
    if (hashes.size === 1 && !hashes.has(undefined)) continue; // identical bytes
    const dists = list.map((c) => c.dist).sort((a, b) => a.name.localeCompare(b.name));
    const key = dists.map((d) => d.name).join("\0");
    const group = groups.get(key) ?? { dists, paths: [], unhashed: false };
    group.paths.push(p);
    group.unhashed ||= hashes.has(undefined);
    groups.set(key, group);
  }
  const severity: Severity = allowCollisions ? "warning" : "error";
  const findings: Finding[] = [];
  for (const { dists, paths, unhashed } of [...groups.values()].sort((a, b) => b.paths.length - a.paths.length)) {
    paths.sort();
    const names = dists.map((d) => `${d.name} ${d.version}`);
    const who = names.length === 2 ? `${names[0]} and ${names[1]}` : names.join(", ");
    const n = paths.length;
    findings.push({
      severity,
      check: "collision",
      distribution: dists[0]?.name,
      path: paths[0],
      message:
        `${who} both install ${n} path${n > 1 ? "s" : ""} with different contents: ${listSome(paths, 10)}` +
        (unhashed ? " (a RECORD lists no hash for some of them, so they cannot be compared)" : "") +
        `; only the last one installed survives`,
      hint: allowCollisions
        ? "allowed by allow-collisions: check that the surviving copy is the one the function needs"
        : "drop one of them from the lockfile (often a fork or a renamed package), or set allow-collisions: true if the overwrite is intended",
    });
  }
  return findings;
}

interface TopLevel {
  /** importable name */
  name: string;
  /** the path or folder as listed ("yaml/", "six.py") */
  shown: string;
  isDir: boolean;
}

const MODULE_SUFFIX = /^([A-Za-z_][A-Za-z0-9_]*)(?:\.py|\.pyc|(?:\.[A-Za-z0-9_-]+)?\.so)$/;

/** What a root-relative file contributes to the top-level import namespace, if anything. */
export function topLevelOf(path: string): TopLevel | undefined {
  const p = posix.normalize(path.replace(/\\/g, "/"));
  const slash = p.indexOf("/");
  if (slash > 0) {
    const dir = p.slice(0, slash);
    if (dir === "__pycache__" || dir.endsWith(".dist-info") || dir.endsWith(".data") || dir === "..") return undefined;
    return { name: dir, shown: `${dir}/`, isDir: true };
  }
  const m = MODULE_SUFFIX.exec(p);
  return m?.[1] ? { name: m[1], shown: p, isDir: false } : undefined;
}

/**
 * Paths that are a file on one side and a folder on the other (code `casey`, a dependency's
 * `casey/__init__.py`): one zip cannot hold both, unzip and Lambda fail on it, so this is an
 * error whatever allow-collisions says. Pairs of [file path, the other side's path under it].
 */
export function fileFolderClashes(
  code: { path: string }[],
  dependencies: { path: string }[],
): { file: string; inside: string; codeIsFile: boolean }[] {
  const folders = (files: { path: string }[]) => {
    const under = new Map<string, string>();
    for (const f of files) {
      for (let end = f.path.indexOf("/"); end > 0; end = f.path.indexOf("/", end + 1)) {
        const dir = f.path.slice(0, end);
        if (!under.has(dir)) under.set(dir, f.path);
      }
    }
    return under;
  };
  const codeFolders = folders(code);
  const dependencyFolders = folders(dependencies);
  const clashes: { file: string; inside: string; codeIsFile: boolean }[] = [];
  for (const f of code) {
    const inside = dependencyFolders.get(f.path);
    if (inside) clashes.push({ file: f.path, inside, codeIsFile: true });
  }
  for (const f of dependencies) {
    const inside = codeFolders.get(f.path);
    if (inside) clashes.push({ file: f.path, inside, codeIsFile: false });
  }
  return clashes.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
}

/** A file/folder clash as users read it: which side has the file, which the folder. */
export function describeFileFolderClash(c: { file: string; inside: string; codeIsFile: boolean }): string {
  return c.codeIsFile
    ? `${c.file} is a file of the function code and a folder of the dependencies (${c.inside})`
    : `${c.file} is a file of the dependencies and a folder of the function code (${c.inside})`;
}

export function checkCodeCollisions(
  tree: DependencyListing,
  code: { path: string }[],
  packageMode: PackageMode,
  allowCollisions: boolean,
): Finding[] {
  if (packageMode === "layer" || code.length === 0) return [];
  const findings: Finding[] = [];
  const fileFolder = packageMode === "function" ? fileFolderClashes(code, tree.files) : [];
  if (fileFolder.length > 0) {
    findings.push({
      severity: "error",
      check: "collision",
      path: fileFolder[0]?.file,
      message: `one zip cannot hold a file and a folder of the same name (unzip and Lambda fail on it): ${listSome(fileFolder.map(describeFileFolderClash), 5)}`,
      hint: "rename the function's file or folder; allow-collisions cannot help here, as neither can win",
    });
  }
  const side = (paths: { path: string; distribution?: string }[]) => {
    const names = new Map<string, { shown: Set<string>; dists: Set<string>; regular: boolean; files: Set<string> }>();
    for (const f of paths) {
      let top = topLevelOf(f.path);
      // in one zip, any file at the same root path is a clash, importable or not (README.md, config.json)
      if (!top && packageMode === "function" && !f.path.includes("/"))
        top = { name: f.path, shown: f.path, isDir: false };
      if (!top) continue;
      const entry = names.get(top.name) ?? { shown: new Set(), dists: new Set(), regular: false, files: new Set() };
      entry.shown.add(top.shown);
      if (f.distribution) entry.dists.add(f.distribution);
      const p = posix.normalize(f.path);
      entry.files.add(p);
      // a folder with __init__ is a regular package: it does not merge with another copy
      if (!top.isDir || p === `${top.name}/__init__.py` || /^[^/]+\/__init__\.[^/]+\.so$/.test(p)) entry.regular = true;
      names.set(top.name, entry);
    }
    return names;
  };
  const ours = side(code);
  const theirs = side(tree.files);
  const versions = new Map(tree.distributions.map((d) => [d.name, d.version]));
  const clashes: { name: string; text: string; codePath: string; dists: string[] }[] = [];
  for (const [name, mine] of ours) {
    const dep = theirs.get(name);
    if (!dep) continue;
    const overlap = [...mine.files].filter((f) => dep.files.has(f));
    // two namespace-package portions (no __init__ on either side, no shared file) merge as PEP 420 intends
    if (!mine.regular && !dep.regular && overlap.length === 0) continue;
    const dists = [...dep.dists].sort();
    const from = dists.length
      ? ` from ${dists.map((d) => `${d}${versions.has(d) ? ` ${versions.get(d)}` : ""}`).join(", ")}`
      : "";
    const same = overlap.length ? `; same file${overlap.length > 1 ? "s" : ""}: ${listSome(overlap.sort(), 3)}` : "";
    clashes.push({
      name,
      text: `${name} (function code: ${[...mine.shown].sort().join(", ")}; dependencies: ${[...dep.shown].sort().join(", ")}${from}${same})`,
      codePath: [...mine.files].sort()[0] ?? name,
      dists,
    });
  }
  if (clashes.length === 0) return findings;
  clashes.sort((a, b) => a.name.localeCompare(b.name));
  const where =
    packageMode === "split"
      ? "the function's copy shadows the layer's (/var/task comes before /opt/python on sys.path)"
      : "both land in the function zip, where one overwrites or merges into the other";
  const allDists = [...new Set(clashes.flatMap((c) => c.dists))];
  return [
    ...findings,
    {
      severity: allowCollisions ? "warning" : "error",
      check: "collision",
      ...(allDists.length === 1 ? { distribution: allDists[0] } : {}),
      path: clashes[0]?.codePath,
      message: `the function code and the dependencies both provide ${clashes.length === 1 ? "a top-level module" : `${clashes.length} top-level names`}: ${clashes.map((c) => c.text).join("; ")}; ${where}`,
      hint: allowCollisions
        ? "allowed by allow-collisions: check that the copy that wins is the one the function needs"
        : "rename the function's module or folder, or drop the dependency from the lockfile; set allow-collisions: true if this is intended",
    },
  ];
}
