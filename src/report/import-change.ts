/**
 * Pure: the handler's import against the base branch's build, from the figures both
 * manifests keep. A change no larger than the run-to-run spread (the wider of the two
 * builds') is labelled noise; packages are named only where they moved more than that.
 */
import { type ColdStart, type PackageImport, type RunStats, spreadOf } from "../verify/coldstart.ts";

export interface PackageChange {
  name: string;
  deltaMs: number;
  /** the distribution it comes from, with its version in each build when both are known */
  distribution?: { name: string; from?: string; to?: string };
}

export type ImportChange =
  | {
      kind: "compared";
      base: RunStats;
      head: RunStats;
      deltaMs: number;
      /** the change as a share of the base's median, in percent */
      percent: number;
      /** the run-to-run spread the change is judged against, in ms */
      spreadMs: number;
      noise: boolean;
      /** the Python that measured each, when they differ */
      python?: { base: string; head: string };
      /** the packages that moved more than the spread, largest change first */
      packages: PackageChange[];
    }
  /** the base build has no import figures (built before they were kept, or not measured there) */
  | { kind: "no-base-figures" };

const finite = (n: unknown): n is number => typeof n === "number" && Number.isFinite(n);
const isStats = (s: unknown): s is RunStats => {
  const r = s as RunStats | undefined;
  return Boolean(r) && finite(r?.medianMs) && finite(r?.minMs) && finite(r?.maxMs) && finite(r?.runs);
};

/** A manifest's figures as read back from the cache: outside data, used only when their shape holds. */
export function coldStartOf(value: unknown): ColdStart | undefined {
  const c = value as ColdStart | undefined;
  if (!c || typeof c !== "object" || !isStats(c.import) || typeof c.python !== "string") return undefined;
  const packages = Array.isArray(c.packages)
    ? c.packages
        .filter((p) => p && typeof p.name === "string" && finite(p.cumulativeMs))
        .map((p) => ({ ...p, origin: originOf(p.origin) }))
    : [];
  return { ...c, packages };
}

function originOf(o: PackageImport["origin"] | undefined): PackageImport["origin"] {
  if (o?.kind === "distribution" && typeof o.name === "string" && typeof o.version === "string") return o;
  return o?.kind === "code" ? { kind: "code" } : { kind: "python" };
}

const round = (n: number) => Math.round(n * 10) / 10;

export function importChange(base: unknown, head: ColdStart): ImportChange {
  const before = coldStartOf(base);
  if (!before) return { kind: "no-base-figures" };
  const deltaMs = round(head.import.medianMs - before.import.medianMs);
  const spreadMs = Math.max(spreadOf(head.import), spreadOf(before.import));
  return {
    kind: "compared",
    base: before.import,
    head: head.import,
    deltaMs,
    percent: before.import.medianMs > 0 ? round((deltaMs / before.import.medianMs) * 100) : 0,
    spreadMs,
    noise: Math.abs(deltaMs) <= spreadMs,
    python: before.python !== head.python ? { base: before.python, head: head.python } : undefined,
    packages: packageChanges(before.packages, head.packages, spreadMs),
  };
}

const distributionOf = (p: PackageImport | undefined) =>
  p?.origin?.kind === "distribution" ? { name: p.origin.name, version: p.origin.version } : undefined;

/** A package missing from one build's heaviest list counts as 0 ms there: not imported, or lighter than all kept. */
function packageChanges(base: PackageImport[], head: PackageImport[], spreadMs: number): PackageChange[] {
  const before = new Map(base.map((p) => [p.name, p]));
  const after = new Map(head.map((p) => [p.name, p]));
  const changes: PackageChange[] = [];
  for (const name of new Set([...after.keys(), ...before.keys()])) {
    const b = before.get(name);
    const a = after.get(name);
    const deltaMs = round((a?.cumulativeMs ?? 0) - (b?.cumulativeMs ?? 0));
    if (Math.abs(deltaMs) <= spreadMs) continue;
    const from = distributionOf(b);
    const to = distributionOf(a);
    const dist = to ?? from;
    changes.push({
      name,
      deltaMs,
      distribution: dist && { name: dist.name, from: from?.version, to: to?.version },
    });
  }
  return changes.sort((x, y) => Math.abs(y.deltaMs) - Math.abs(x.deltaMs) || x.name.localeCompare(y.name)).slice(0, 5);
}
