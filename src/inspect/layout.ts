/**
 * Layouts Lambda cannot use.
 * - `.pth` files: Lambda puts /var/task and /opt/python on PYTHONPATH, which is not a
 *   site dir, so .pth files are never processed → warning naming the package; legacy
 *   `*-nspkg.pth` namespace packages will not import.
 * - editable-install leftovers (`__editable__*`, `*.egg-link`, direct_url.json saying
 *   editable) → error: they point at the runner's checkout.
 * - RECORD entries that are absolute or climb out with `..`, tree files outside the
 *   root, symlinks that resolve outside the tree or nowhere → error: a wheel cannot
 *   smuggle files out of the zip's root (or leave them behind).
 * - setuid/setgid and world-writable files → warning: the zip stores every file as
 *   0644 or 0755, so the bits never reach Lambda, but a wheel has no reason to carry them.
 */
import { posix } from "node:path";
import { append } from "../append.ts";
import type { DependencyListing, InstalledDistribution } from "../install/types.ts";
import type { ScannedFile } from "./scan.ts";
import type { Finding } from "./types.ts";
import { listSome } from "./util.ts";

const S_ISUID = 0o4000;
const S_ISGID = 0o2000;
const S_IWOTH = 0o002;

/** Pure over the listing and what the scan read (scan.ts): the same for a tree on disk and for wheels. */
export function checkLayout(tree: DependencyListing, scanned: ScannedFile[]): Finding[] {
  const byName = new Map(tree.distributions.map((d) => [d.name, d]));
  const label = (dist: string | undefined) => {
    const d = dist === undefined ? undefined : byName.get(dist);
    return d ? ` (from ${d.name} ${d.version})` : dist ? ` (from ${dist})` : "";
  };
  const findings: Finding[] = [];
  const present = new Set(tree.files.map((f) => f.path));
  const heads = new Map<string, string | undefined>(scanned.map((s) => [s.file.path, s.head]));

  for (const file of tree.files) {
    const base = posix.basename(file.path);
    if (base.startsWith("__editable__") || base.endsWith(".egg-link")) {
      findings.push({
        severity: "error",
        check: "layout",
        distribution: file.distribution,
        path: file.path,
        message: `${file.path}${label(file.distribution)} is left over from an editable install: it points at a checkout on the build machine, which is not in the zip`,
        hint: "install the project as a regular (non-editable) wheel: drop `-e`/editable entries from the lockfile",
      });
    } else if (base.endsWith(".pth")) {
      findings.push(pthFinding(heads.get(file.path) ?? "", file.path, file.distribution, label(file.distribution)));
    }
  }

  for (const dist of tree.distributions) {
    append(findings, editableDirectUrl(dist, present, heads));
    append(findings, recordEscapes(dist, present));
  }

  append(findings, outsideTree(tree, scanned, label));
  append(findings, permissionFindings(scanned));
  return findings;
}

/** `text`: the file's first bytes as the scan read them ("" when unreadable: the message then names no namespace). */
function pthFinding(text: string, path: string, dist: string | undefined, from: string): Finding {
  if (path.endsWith("-nspkg.pth")) {
    const namespaces = [...text.matchAll(/\*\(\s*((?:'[^']*'\s*,?\s*)+)\)/g)].map((m) =>
      [...(m[1] ?? "").matchAll(/'([^']*)'/g)].map((n) => n[1]).join("."),
    );
    const ns = [...new Set(namespaces)].sort();
    const what = ns.length ? `namespace package ${ns.join(", ")}` : "the namespace package it declares";
    return {
      severity: "warning",
      check: "layout",
      distribution: dist,
      path,
      message: `${path}${from} is a legacy namespace-package .pth file; Lambda does not process .pth files, so the ${what} will not import through it`,
      hint: "use a release of the package that ships a native (PEP 420) namespace package, without -nspkg.pth",
    };
  }
  return {
    severity: "warning",
    check: "layout",
    distribution: dist,
    path,
    message: `${path}${from} is a .pth file; Lambda does not process .pth files (its package directories are on PYTHONPATH, not site directories), so whatever it adds to sys.path or imports will not happen`,
    hint: "make sure the package works without it, or add the path it names to sys.path in the handler",
  };
}

function editableDirectUrl(
  dist: InstalledDistribution,
  present: Set<string>,
  heads: Map<string, string | undefined>,
): Finding[] {
  const path = `${dist.distInfo}/direct_url.json`;
  if (!present.has(path)) return [];
  try {
    const info = JSON.parse(heads.get(path) ?? "") as {
      dir_info?: { editable?: boolean };
    };
    if (info.dir_info?.editable !== true) return [];
  } catch {
    return [];
  }
  return [
    {
      severity: "error",
      check: "layout",
      distribution: dist.name,
      path,
      message: `${dist.name} ${dist.version} is an editable install (${path} says so): its code stays in a checkout on the build machine`,
      hint: "install it as a regular wheel: drop `-e`/editable from the lockfile entry",
    },
  ];
}

/**
 * RECORD entries that are absolute or leave the root. `pip install --target` installs
 * through a home scheme and records scripts, headers and data as `../../bin/x`,
 * `../../include/...`, `../../share/...` (relative to lib/python), then moves those
 * folders into the target: such an entry is fine when the file sits at that place in
 * the tree, or is a script or header (dropped from the tree, never needed at runtime).
 * Data the wheel puts in `lib/` (`../libgmsh.so`) is never moved: pip skips the
 * home's lib/ folder, which holds lib/python. The user meets that as a missing
 * library at import, so the finding says so.
 */
function recordEscapes(dist: InstalledDistribution, present: Set<string>): Finding[] {
  const absolute: string[] = [];
  const escaping: string[] = [];
  const leftOut: string[] = [];
  for (const { path } of dist.record) {
    const p = path.replace(/\\/g, "/");
    if (p.startsWith("/") || /^[A-Za-z]:\//.test(p)) {
      absolute.push(path);
      continue;
    }
    const norm = posix.normalize(p);
    if (norm !== ".." && !norm.startsWith("../")) continue;
    // where the file went in pip's home scheme (RECORD paths are relative to <home>/lib/python)
    const home = posix.normalize(posix.join("lib/python", p));
    if (!p.startsWith("../") || home === ".." || home.startsWith("../") || home === ".") {
      escaping.push(path);
      continue;
    }
    if (present.has(home) || /^(bin|include)\//.test(home)) continue;
    // the wheel's <name>.data/data/ files that land in <home>/lib: pip --target moves lib/python, never lib/
    leftOut.push(home);
  }
  const findings: Finding[] = [];
  const who = `${dist.name} ${dist.version}`;
  if (absolute.length) {
    findings.push({
      severity: "error",
      check: "layout",
      distribution: dist.name,
      path: absolute[0],
      message: `${who}'s RECORD lists absolute paths, outside the package root: ${listSome(absolute)}`,
      hint: "those files are not in the zip; a wheel must install under its root only: use another version or build of it",
    });
  }
  if (leftOut.length) {
    const data = `${dist.distInfo.replace(/\.dist-info$/, "")}.data/data/`;
    const libraries = leftOut.filter((p) => /\.so(\.[0-9]+)*$/.test(p)).map((p) => posix.basename(p));
    findings.push({
      severity: "error",
      check: "layout",
      distribution: dist.name,
      path: leftOut[0],
      message:
        `${who} installs files through ${data} that are not in the package: ${listSome(leftOut)}; ` +
        `the installer puts them outside the import path (pip --target leaves them out of the target folder), ` +
        (libraries.length
          ? `so the library the package loads (${listSome(libraries)}) is missing in Lambda and importing it fails`
          : "so the package will not find them in Lambda"),
      hint: `use a version or build of ${dist.name} that keeps these files inside its package folder, or add them to the function code yourself and point the package at them`,
    });
  }
  if (escaping.length) {
    findings.push({
      severity: "error",
      check: "layout",
      distribution: dist.name,
      path: escaping[0],
      message: `${who}'s RECORD lists paths with '..' that leave the package root: ${listSome(escaping)}`,
      hint: "those files are not in the zip; a wheel must install under its root only: use another version or build of it",
    });
  }
  return findings;
}

/** Tree files whose path leaves the root, and symlinks that resolve outside the tree or nowhere. */
function outsideTree(
  tree: DependencyListing,
  scanned: ScannedFile[],
  label: (d: string | undefined) => string,
): Finding[] {
  const findings: Finding[] = [];
  const links = new Map(scanned.map((s) => [s.file.path, s.link]));
  for (const file of tree.files) {
    const norm = posix.normalize(file.path);
    if (file.path.startsWith("/") || norm === ".." || norm.startsWith("../")) {
      findings.push({
        severity: "error",
        check: "layout",
        distribution: file.distribution,
        path: file.path,
        message: `${file.path}${label(file.distribution)} lies outside the package root`,
        hint: "a wheel must install under its root only: use another version or build of it",
      });
      continue;
    }
    if (file.symlink === undefined) continue;
    const link = links.get(file.path);
    const target = link?.resolved;
    if (target === undefined) {
      findings.push({
        severity: "error",
        check: "layout",
        distribution: file.distribution,
        path: file.path,
        message: `${file.path}${label(file.distribution)} is a symbolic link to ${file.symlink}, which does not exist`,
        hint: "a dangling link cannot be stored in the zip: the package is incomplete; reinstall it or use another version",
      });
    } else if (!link?.inside) {
      findings.push({
        severity: "error",
        check: "layout",
        distribution: file.distribution,
        path: file.path,
        message: `${file.path}${label(file.distribution)} is a symbolic link to ${file.symlink}, outside the dependency tree (${target})`,
        hint: "a wheel cannot bring files from outside its root into the zip: the target would be missing in Lambda",
      });
    }
  }
  return findings;
}

function permissionFindings(scanned: ScannedFile[]): Finding[] {
  const special: ScannedFile[] = [];
  const writable: ScannedFile[] = [];
  const failed: ScannedFile[] = [];
  for (const s of scanned) {
    if (s.error) failed.push(s);
    if (s.mode === undefined || s.file.symlink !== undefined) continue;
    if (s.mode & (S_ISUID | S_ISGID)) special.push(s);
    if (s.mode & S_IWOTH) writable.push(s);
  }
  const findings: Finding[] = [];
  const describe = (s: ScannedFile) =>
    `${s.file.path}${s.file.distribution ? ` (${s.file.distribution})` : ""} ${(s.mode ?? 0).toString(8).slice(-4)}`;
  // a bit the zip drops (it stores 0644/0755): a warning naming the files, their distribution when they share one
  const bitDropped = (list: ScannedFile[], what: string) => {
    if (list.length === 0) return;
    const dists = new Set(list.map((s) => s.file.distribution));
    findings.push({
      severity: "warning",
      check: "permissions",
      distribution: dists.size === 1 ? [...dists][0] : undefined,
      path: list[0]?.file.path,
      message: `${list.length} file${list.length > 1 ? "s" : ""} ${what}: ${listSome(list.map(describe))}`,
      hint: "the zip stores files as 0644/0755, so the bit is dropped; a wheel has no reason to carry it: check where the package came from",
    });
  };
  bitDropped(special, special.length > 1 ? "have the setuid or setgid bit" : "has the setuid or setgid bit");
  bitDropped(writable, writable.length > 1 ? "are world-writable" : "is world-writable");
  for (const s of failed) {
    findings.push({
      severity: "warning",
      check: "layout",
      distribution: s.file.distribution,
      path: s.file.path,
      message: `${s.file.path} could not be read (${s.error}), so it was not checked`,
    });
  }
  return findings;
}
