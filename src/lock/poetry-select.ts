/**
 * Which packages of a poetry.lock the target needs. A 2.1 lock says itself which group
 * needs a package and under which marker; older locks record neither, so the graph is
 * walked from the dependencies declared in the pyproject.toml beside the lock, following
 * `[package.dependencies]` whose markers hold for the target.
 */

import { UserError } from "../errors.ts";
import { asString, asTable, listOrNone, markerTrue, type TomlTable } from "./common.ts";
import { collectError } from "./entry.ts";
import type { MarkerEnvironment } from "./markers.ts";
import { type LockContext, normalizeName } from "./types.ts";
import { compareVersions, matchesSpecifier } from "./version.ts";

export const RELOCK = "run `poetry lock` and commit the updated poetry.lock";

export interface PoetryEdge {
  name: string;
  constraint?: string;
  marker?: string;
  python?: string;
  platform?: string;
  optional: boolean;
  extras: string[];
}

export interface PoetryPackage {
  id: number;
  name: string;
  version: string;
  optional: boolean;
  pythonVersions?: string;
  groups?: string[];
  markers?: string | TomlTable;
  files: { file: string; hash: string }[];
  dependencies: PoetryEdge[];
  extras: Map<string, string[]>;
  source?: TomlTable;
  table: string;
  line?: number;
}

/** What the pyproject.toml beside the lock asks for. */
export interface Roots {
  /** the pyproject.toml, relative to the working directory */
  file: string;
  edges: PoetryEdge[];
  groupNames: Set<string>;
  /** packages that requested extras of the project turn on */
  extraPackages: string[];
}

type Where = { file: string; line?: number; distribution?: string };

/** The lock's packages and what the selecting phases have decided so far, errors included. */
export class PoetrySelection {
  /** selected packages by id, with the extras asked of them */
  readonly extras = new Map<number, Set<string>>();
  /** reported together at the end, so that one run shows every problem of the lock */
  readonly errors: UserError[] = [];
  private readonly byName = new Map<string, PoetryPackage[]>();

  constructor(
    readonly packages: PoetryPackage[],
    readonly env: MarkerEnvironment,
    readonly ctx: LockContext,
  ) {
    for (const p of packages) this.byName.set(p.name, [...(this.byName.get(p.name) ?? []), p]);
  }

  select(p: PoetryPackage, extras: string[] = []): void {
    this.extras.set(p.id, new Set([...(this.extras.get(p.id) ?? []), ...extras]));
  }

  contains(name: string): boolean {
    return this.byName.has(name);
  }

  /** Runs one step; its UserError joins the others, anything else is a bug and ends the read. */
  collect(step: () => void): void {
    collectError(this.errors, step);
  }

  edgeApplies(edge: PoetryEdge, extras: readonly string[], where: Where): boolean {
    return (
      (!edge.marker || markerTrue(edge.marker, this.env, extras, [], where)) &&
      (!edge.python || matchesSpecifier(`${this.ctx.target.pythonVersion}.0`, edge.python) !== false) &&
      (!edge.platform || edge.platform === "linux")
    );
  }

  pick(edge: PoetryEdge): PoetryPackage | undefined {
    let candidates = this.byName.get(edge.name) ?? [];
    if (candidates.length > 1 && edge.constraint) {
      const fitting = candidates.filter((p) => matchesSpecifier(p.version, edge.constraint!) !== false);
      if (fitting.length > 0) candidates = fitting;
    }
    if (candidates.length > 1) {
      const python = `${this.ctx.target.pythonVersion}.0`;
      const fitting = candidates.filter(
        (p) => !p.pythonVersions || matchesSpecifier(python, p.pythonVersions) !== false,
      );
      if (fitting.length > 0) candidates = fitting;
    }
    // Poetry installs the newest locked version that fits the constraint and the target's Python
    return candidates.reduce<PoetryPackage | undefined>(
      (best, p) => (best === undefined || compareVersions(p.version, best.version) > 0 ? p : best),
      undefined,
    );
  }
}

/** lock-version 2.1: every package in `main` (or a requested group) whose marker is true for the target. */
export function selectByGroups(sel: PoetrySelection, roots: Roots | undefined): void {
  const { ctx, packages } = sel;
  const known = new Set(packages.flatMap((p) => p.groups ?? []).map(normalizeName));
  for (const g of ctx.groups) {
    if (!known.has(normalizeName(g)) && !roots?.groupNames.has(normalizeName(g))) {
      sel.errors.push(
        new UserError(`dependency group "${g}" is not in poetry.lock (groups: ${listOrNone([...known])})`, {
          where: { file: ctx.file },
          hint: "remove it from `groups`, or add the group to pyproject.toml and run `poetry lock`",
        }),
      );
    }
  }
  const wanted = ["main", ...ctx.groups].map(normalizeName);
  const optionalWanted = roots ? new Set(roots.extraPackages) : new Set<string>();
  for (const p of packages) {
    const where = { file: ctx.file, line: p.line, distribution: p.name };
    sel.collect(() => {
      const applies = (p.groups ?? []).some((g) => {
        if (!wanted.includes(normalizeName(g))) return false;
        const marker = typeof p.markers === "string" ? p.markers : asString(asTable(p.markers)?.[g]);
        return !marker || markerTrue(marker, sel.env, ctx.extras, [], where);
      });
      if (!applies) return;
      // An optional package is there for an extra: its marker names the extra, or pyproject.toml does.
      const markerText = typeof p.markers === "string" ? p.markers : JSON.stringify(p.markers ?? "");
      if (p.optional && !/\bextra\b/.test(markerText) && !optionalWanted.has(p.name)) return;
      sel.select(p);
    });
  }
  // pyproject.toml beside the lock: a runtime dependency missing from the lock means a stale lock.
  if (roots) {
    for (const edge of roots.edges) {
      if (!sel.edgeApplies(edge, ctx.extras, { file: roots.file })) continue;
      if (!sel.contains(edge.name)) sel.errors.push(staleLock(edge.name, roots.file, ctx));
    }
  }
}

/** Older locks: the packages reachable from pyproject.toml's dependencies on the target. */
export function selectByWalk(sel: PoetrySelection, roots: Roots | undefined, lockVersion: string): void {
  const { ctx } = sel;
  if (!roots) {
    throw new UserError(
      `poetry.lock lock-version ${lockVersion} does not record which packages are runtime dependencies: the pyproject.toml beside it is needed, and there is none`,
      {
        where: { file: ctx.file },
        hint: "keep poetry.lock next to its pyproject.toml, or relock with Poetry 2 (lock-version 2.1)",
      },
    );
  }
  for (const g of ctx.groups) {
    if (!roots.groupNames.has(normalizeName(g))) {
      sel.errors.push(
        new UserError(
          `dependency group "${g}" is not in ${roots.file} (groups: ${listOrNone([...roots.groupNames])})`,
          { where: { file: roots.file }, hint: "remove it from `groups`" },
        ),
      );
    }
  }
  new DependencyWalk(sel, roots).run();
}

/** Breadth first from the roots; a package is walked once per set of extras asked of it. */
class DependencyWalk {
  private readonly queue: { pkg: PoetryPackage; extras: string[] }[] = [];
  private readonly seen = new Set<string>();

  constructor(
    private readonly sel: PoetrySelection,
    private readonly roots: Roots,
  ) {}

  run(): void {
    const { sel, roots } = this;
    for (const edge of roots.edges) {
      sel.collect(() => this.visit(edge, roots.file, sel.ctx.extras, { file: roots.file }, true));
    }
    while (this.queue.length > 0) {
      const { pkg, extras } = this.queue.shift()!;
      const activated = new Set(extras.flatMap((e) => pkg.extras.get(normalizeName(e)) ?? []));
      for (const edge of pkg.dependencies) {
        if (edge.optional && !activated.has(edge.name)) continue;
        const where = { file: sel.ctx.file, line: pkg.line, distribution: pkg.name };
        sel.collect(() => this.visit(edge, pkg.table, extras, where, false));
      }
    }
  }

  private visit(edge: PoetryEdge, from: string, fromExtras: readonly string[], where: Where, isRoot: boolean): void {
    const { sel } = this;
    if (!sel.edgeApplies(edge, fromExtras, where)) return;
    const pkg = sel.pick(edge);
    if (!pkg) {
      throw isRoot
        ? staleLock(edge.name, this.roots.file, sel.ctx)
        : new UserError(`${from}: depends on ${edge.name}, which poetry.lock does not contain`, {
            where,
            hint: `the lock is damaged or was edited by hand: ${RELOCK}`,
          });
    }
    const key = `${pkg.id}[${[...edge.extras].sort().join(",")}]`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    sel.select(pkg, edge.extras);
    this.queue.push({ pkg, extras: edge.extras });
  }
}

function staleLock(name: string, pyprojectFile: string, ctx: LockContext): UserError {
  return new UserError(
    `poetry.lock does not match pyproject.toml: ${pyprojectFile} requires ${name}, which poetry.lock does not contain`,
    {
      where: { file: ctx.file, distribution: name },
      hint: RELOCK,
    },
  );
}
