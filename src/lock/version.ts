/**
 * Versions and specifiers for lockfiles and markers: PEP 440 through @renovatebot/pep440,
 * plus Poetry's `^ ~ * ||` spellings translated into PEP 440 clauses.
 *
 * The library's exclusive ordered comparisons (`<V`, `>V`) are simplified: it refuses every
 * version with V's release segment, so `>1.0.post1` rejects 1.0.post2 and `<1.0a2` rejects
 * 1.0a1. Those two operators are written here as PEP 440 states them; every other operator,
 * the parsing and the ordering are the library's.
 */
import * as pep440 from "@renovatebot/pep440";

const MAX_SPECIFIER = 1024;

/** Orders two PEP 440 versions (epochs, pre/post/dev, local labels). Unreadable ones sort first. */
export function compareVersions(a: string, b: string): number {
  const va = pep440.valid(a) !== null;
  const vb = pep440.valid(b) !== null;
  if (!va || !vb) return va ? 1 : vb ? -1 : 0;
  return pep440.compare(a, b);
}

export function isVersion(v: string): boolean {
  return pep440.valid(v) !== null;
}

/**
 * Whether `version` satisfies a specifier: PEP 440 (`>=3.11,<4`, `~=3.11`, `==3.12.*`) or
 * Poetry's constraint syntax (`^3.11`, `~3.11`, `3.11.*`, `*`, `>=1 <2`, `a || b`).
 * undefined when the version or the specifier cannot be read: callers then do not decide on it.
 *
 * Pre-releases are admitted: the callers ask whether a version a lock already chose fits a
 * constraint, not which version an installer would choose.
 */
export function matchesSpecifier(version: string, specifier: string): boolean | undefined {
  // real specifiers are a few dozen characters; the library's regexes never see a hostile length
  if (version.length > MAX_SPECIFIER || specifier.length > MAX_SPECIFIER || !isVersion(version)) return undefined;
  let unknown = false;
  const anyOf = specifier.split(/\|\|?/).map((alternative) => {
    const clauses = poetryToPep440(alternative);
    if (clauses === undefined) {
      unknown = true;
      return false;
    }
    return clauses.every((clause) => {
      const r = clauseHolds(version, clause);
      if (r === undefined) unknown = true;
      return r ?? true;
    });
  });
  if (anyOf.some(Boolean) && !unknown) return true;
  return unknown ? undefined : false;
}

interface Clause {
  op: string;
  version: string;
}

/** One alternative of a constraint as PEP 440 clauses; undefined when a clause cannot be read. */
export function poetryToPep440(alternative: string): Clause[] | undefined {
  const tokens = alternative
    .trim()
    .replace(/(===|==|!=|<=|>=|~=|<|>|\^|~|=)\s+/g, "$1")
    .split(/[\s,]+/)
    .filter(Boolean);
  const clauses: Clause[] = [];
  for (const token of tokens) {
    if (token === "*") continue;
    const m = /^(===|==|!=|<=|>=|~=|<|>|\^|~|=)?(.+)$/.exec(token);
    if (!m?.[2]) return undefined;
    const op = m[1] === undefined || m[1] === "=" ? "==" : m[1];
    const text = m[2];
    if (op === "^" || op === "~") {
      const release = releaseOf(text);
      if (!release) return undefined;
      clauses.push({ op: ">=", version: text }, { op: "<", version: poetryUpper(op, release) });
    } else {
      if (text.endsWith(".*") ? op !== "==" && op !== "!=" : false) return undefined;
      clauses.push({ op, version: text });
    }
  }
  return clauses;
}

function releaseOf(version: string): number[] | undefined {
  return pep440.explain(version)?.release;
}

/** `^1.2.3` → 2.0.0, `^0.2.3` → 0.3.0, `^0.0.3` → 0.0.4 (the first non-zero part is kept); `~1.2.3` → 1.3.0, `~1` → 2. */
function poetryUpper(op: "^" | "~", release: number[]): string {
  let keep: number;
  if (op === "~") keep = release.length >= 2 ? 2 : 1;
  else {
    const firstNonZero = release.findIndex((n) => n !== 0);
    keep = firstNonZero === -1 ? release.length : firstNonZero + 1;
  }
  const upper = release.slice(0, keep);
  upper[keep - 1] = (upper[keep - 1] ?? 0) + 1;
  return upper.join(".");
}

function clauseHolds(version: string, clause: Clause): boolean | undefined {
  const { op, version: bound } = clause;
  if (op === "<" || op === ">") return exclusiveOrdered(version, op, bound);
  const spec = `${op}${bound}`;
  if (!pep440.validRange(spec)) return undefined;
  return pep440.satisfies(version, spec, { prereleases: true });
}

/**
 * PEP 440, exclusive ordered comparison: `<V` never admits a pre-release of V unless V is one;
 * `>V` never admits a post-release of V unless V is one, nor a local version of V.
 */
function exclusiveOrdered(version: string, op: "<" | ">", bound: string): boolean | undefined {
  const v = pep440.explain(version);
  const b = pep440.explain(bound);
  if (!v || !b || b.local !== null) return undefined;
  const c = pep440.compare(version, bound);
  const sameBase = pep440.compare(v.base_version, b.base_version) === 0;
  if (op === "<") {
    if (c >= 0) return false;
    return !(sameBase && v.is_prerelease && !b.is_prerelease);
  }
  if (c <= 0) return false;
  if (sameBase && v.is_postrelease && !b.is_postrelease) return false;
  return !(sameBase && v.local !== null);
}
