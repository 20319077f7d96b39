/**
 * Which packages of a uv.lock the target needs: the roots (the project's own packages),
 * then the graph walked from them along the edges whose marker is true for the target,
 * the optional dependencies of requested extras and, only when asked, dependency groups.
 */
import path from "node:path";
import { UserError } from "../errors.ts";
import { asArray, asString, asTable, describeTarget, listOrNone, markerTrue, type TomlTable } from "./common.ts";
import { type MarkerEnvironment, targetEnvironment } from "./markers.ts";
import { type LockContext, normalizeName } from "./types.ts";

export const FIRST_PARTY = new Set(["editable", "virtual", "workspace", "directory"]);
export const RELOCK = "run `uv lock` to regenerate uv.lock; uv never writes this value";

export interface UvEdge {
  name: string;
  version?: string;
  source?: string;
  marker?: string;
  extras: string[];
}

export interface UvPackage {
  id: number;
  name: string;
  rawName: string;
  version?: string;
  sourceKind: string;
  sourceValue: string;
  resolutionMarkers: string[];
  dependencies: UvEdge[];
  optional: Map<string, UvEdge[]>;
  groups: Map<string, UvEdge[]>;
  wheels: TomlTable[];
  /** the `sdist` table: its `hash` is what a build from source checks */
  sdist?: TomlTable;
  /** the whole `source` table (a `url` source may name a `subdirectory`) */
  source: TomlTable;
  metadata?: TomlTable;
  table: string;
  line?: number;
}

export interface Selected {
  /** `<id>` for every package reached, `<id>[<extra>]` for every extra of it reached */
  visited: Set<string>;
  /** the extras asked of each package reached, by id */
  activeExtras: Map<number, Set<string>>;
}

export function sourceKey(source: TomlTable | undefined): string {
  const [kind, value] = Object.entries(source ?? {})[0] ?? ["", ""];
  return `${kind}=${String(value)}`;
}

/**
 * The first-party package whose folder is the working directory; else every
 * `[manifest] members` package; else every first-party package.
 */
export function findRoots(packages: UvPackage[], doc: TomlTable, ctx: LockContext): UvPackage[] {
  const firstParty = packages.filter((p) => FIRST_PARTY.has(p.sourceKind));
  const lockDir = path.dirname(ctx.path);
  const here = firstParty.filter(
    (p) => path.resolve(lockDir, p.sourceValue || ".") === path.resolve(ctx.workingDirectory),
  );
  if (here.length > 0) return here;
  const members = asArray(asTable(doc.manifest)?.members)
    .map(asString)
    .filter((m): m is string => !!m)
    .map(normalizeName);
  const memberPackages = firstParty.filter((p) => members.includes(p.name));
  if (memberPackages.length > 0) return memberPackages;
  if (firstParty.length > 0) return firstParty;
  throw new UserError("uv.lock has no package for the project itself (no editable, virtual or workspace source)", {
    where: { file: ctx.file },
    hint: "run `uv lock` in the project's folder; a lock made by `uv pip compile` is a requirements file or a pylock.toml instead",
  });
}

export function checkRequested(roots: UvPackage[], ctx: LockContext, errors: UserError[]): void {
  const where = { file: ctx.file, line: roots[0]?.line };
  const extras = new Set(
    roots.flatMap((r) => [
      ...r.optional.keys(),
      ...asArray(r.metadata?.["provides-extras"]).map((e) => normalizeName(String(e))),
    ]),
  );
  const groups = new Set(
    roots.flatMap((r) => [
      ...r.groups.keys(),
      ...Object.keys(asTable(r.metadata?.["requires-dev"]) ?? {}).map(normalizeName),
    ]),
  );
  for (const e of ctx.extras) {
    if (!extras.has(normalizeName(e))) {
      errors.push(
        new UserError(
          `extra "${e}" is not defined by ${roots.map((r) => r.name).join(", ")} in uv.lock (extras: ${listOrNone([...extras])})`,
          { where, hint: "remove it from `extras`, or add it to the project and run `uv lock`" },
        ),
      );
    }
  }
  for (const g of ctx.groups) {
    if (!groups.has(normalizeName(g))) {
      errors.push(
        new UserError(
          `dependency group "${g}" is not defined by ${roots.map((r) => r.name).join(", ")} in uv.lock (groups: ${listOrNone([...groups])})`,
          { where, hint: "remove it from `groups`, or add it to the project and run `uv lock`" },
        ),
      );
    }
  }
}

/** What both walks share; `activated` grows during the learning walk, `errors` during the selecting one. */
interface Graph {
  ctx: LockContext;
  roots: UvPackage[];
  byName: Map<string, UvPackage[]>;
  env: MarkerEnvironment;
  activated: Set<string>;
  errors: UserError[];
}

/**
 * uv's conflict markers (`extra == 'extra-3-lib-tasks'`) count every extra an edge switches on
 * anywhere in the graph, not only the ones requested at the root: like uv, a first walk learns
 * them (an edge's own extras count while its marker is evaluated), the second walk selects.
 */
export function selectReachable(
  packages: UvPackage[],
  roots: UvPackage[],
  hasConflicts: boolean,
  ctx: LockContext,
  errors: UserError[],
): Selected {
  const byName = new Map<string, UvPackage[]>();
  for (const p of packages) byName.set(p.name, [...(byName.get(p.name) ?? []), p]);
  // uv encodes conflicting extras and groups as `extra == 'extra-<len>-<package>-<name>'` / `'group-…'`.
  const activated = new Set(
    roots.flatMap((r) => [
      ...ctx.extras.map((e) => conflictExtra(r.name, e)),
      ...ctx.groups.map((g) => `group-${r.name.length}-${r.name}-${normalizeName(g)}`),
    ]),
  );
  const graph: Graph = { ctx, roots, byName, env: targetEnvironment(ctx.target), activated, errors };
  if (hasConflicts) new Walk(graph, true).run();
  return new Walk(graph, false).run();
}

/** Breadth first from the roots; a package, and each extra of it, is walked once. */
class Walk {
  private readonly visited = new Set<string>();
  private readonly activeExtras = new Map<number, Set<string>>();
  private readonly queue: { pkg: UvPackage; extra?: string }[] = [];

  constructor(
    private readonly graph: Graph,
    private readonly learn: boolean,
  ) {}

  run(): Selected {
    const { roots, ctx } = this.graph;
    for (const root of roots) {
      this.enqueue(root);
      for (const e of ctx.extras) if (root.optional.has(normalizeName(e))) this.enqueue(root, normalizeName(e));
    }
    while (this.queue.length > 0) {
      const { pkg, extra } = this.queue.shift()!;
      try {
        if (extra === undefined) {
          this.follow(pkg, pkg.dependencies);
          if (roots.includes(pkg)) for (const g of ctx.groups) this.follow(pkg, pkg.groups.get(normalizeName(g)) ?? []);
        } else {
          this.follow(pkg, pkg.optional.get(normalizeName(extra)) ?? []);
        }
      } catch (e) {
        // the learning walk only gathers extras: the selecting walk reports every error
        if (!(e instanceof UserError)) throw e;
        if (!this.learn) this.graph.errors.push(e);
      }
    }
    return { visited: this.visited, activeExtras: this.activeExtras };
  }

  private enqueue(pkg: UvPackage, extra?: string): void {
    const key = extra === undefined ? `${pkg.id}` : `${pkg.id}[${extra}]`;
    if (this.visited.has(key)) return;
    this.visited.add(key);
    if (extra !== undefined) this.activeExtras.set(pkg.id, new Set([...(this.activeExtras.get(pkg.id) ?? []), extra]));
    this.queue.push({ pkg, extra });
  }

  private follow(from: UvPackage, edges: UvEdge[]): void {
    const { ctx, env, activated } = this.graph;
    for (const edge of edges) {
      const where = { file: ctx.file, line: from.line, distribution: from.name };
      const own = this.learn
        ? edge.extras.map((e) => conflictExtra(edge.name, e)).filter((k) => !activated.has(k))
        : [];
      if (edge.marker && !markerTrue(edge.marker, env, [...activated, ...own], [], where)) continue;
      for (const k of own) activated.add(k);
      const target = resolveEdge(edge, from, this.graph);
      this.enqueue(target);
      for (const e of edge.extras) this.enqueue(target, e);
    }
  }
}

/** How uv names an extra in conflict markers: `extra-<length of the name>-<name>-<extra>`. */
function conflictExtra(pkg: string, extra: string): string {
  return `extra-${pkg.length}-${pkg}-${normalizeName(extra)}`;
}

function resolveEdge(edge: UvEdge, from: UvPackage, graph: Graph): UvPackage {
  const { ctx, env } = graph;
  let candidates = (graph.byName.get(edge.name) ?? []).filter(
    (p) =>
      (edge.version === undefined || p.version === edge.version) &&
      (edge.source === undefined || sourceKey({ [p.sourceKind]: p.sourceValue }) === edge.source),
  );
  const where = { file: ctx.file, line: from.line, distribution: from.name };
  if (candidates.length > 1) {
    // Several versions guarded by resolution-markers: the one whose fork includes the target.
    const extras = [...graph.activated];
    const fitting = candidates.filter(
      (p) => p.resolutionMarkers.length === 0 || p.resolutionMarkers.some((m) => markerTrue(m, env, extras, [], where)),
    );
    if (fitting.length > 0) candidates = fitting;
  }
  if (candidates.length > 1) {
    // uv names the version (and source) in an edge whenever the lock holds more than one
    throw new UserError(
      `${from.table}: the dependency on ${edge.name} matches ${candidates.length} tables of uv.lock (lines ${candidates.map((c) => c.line ?? "?").join(", ")}) for ${describeTarget(ctx.target)}`,
      { where, hint: RELOCK },
    );
  }
  const chosen = candidates[0];
  if (!chosen) {
    throw new UserError(
      `${from.table}: depends on ${edge.name}${edge.version ? ` ${edge.version}` : ""}, which uv.lock does not contain`,
      {
        where,
        hint: "the lock is damaged or was edited by hand: run `uv lock`",
      },
    );
  }
  return chosen;
}
