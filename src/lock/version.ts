/**
 * Versions and specifiers, one implementation for the whole action: PEP 440 (and
 * Poetry's ^ ~ * || spellings) for lockfiles and markers, dotted numbers for glibc.
 */

export interface ParsedVersion {
  release: number[];
  /** -1 dev, 0..2 a/b/rc, 3 final; then its number */
  pre: [number, number];
  post: number;
}

export function parseVersion(v: string): ParsedVersion | undefined {
  const m =
    /^\s*v?(?:\d+!)?(\d+(?:\.\d+)*)(?:[-_.]?(a|alpha|b|beta|c|rc|pre|preview)[-_.]?(\d*))?(?:[-_.]?(post|rev|r)[-_.]?(\d*)|-(\d+))?(?:[-_.]?dev[-_.]?(\d*))?(?:\+[a-z0-9.]+)?\s*$/i.exec(
      v,
    );
  if (!m?.[1]) return undefined;
  const preKind = m[2]?.toLowerCase();
  const pre: [number, number] = preKind
    ? [preKind.startsWith("a") ? 0 : preKind.startsWith("b") ? 1 : 2, Number(m[3] || 0)]
    : m[7] !== undefined && !m[4] && !m[6]
      ? [-1, Number(m[7] || 0)]
      : [3, 0];
  const post = m[4] ? Number(m[5] || 0) : m[6] ? Number(m[6]) : -1;
  return { release: m[1].split(".").map(Number), pre, post };
}

export function compareParsed(a: ParsedVersion, b: ParsedVersion): number {
  for (let i = 0; i < Math.max(a.release.length, b.release.length); i++) {
    const d = (a.release[i] ?? 0) - (b.release[i] ?? 0);
    if (d !== 0) return d;
  }
  return a.pre[0] - b.pre[0] || a.pre[1] - b.pre[1] || a.post - b.post;
}

/**
 * Whether `version` satisfies a specifier: PEP 440 (`>=3.11,<4`, `~=3.11`, `==3.12.*`) or
 * Poetry's constraint syntax (`^3.11`, `~3.11`, `3.11.*`, `*`, `>=1 <2`, `a || b`).
 * undefined when the specifier cannot be read: callers then do not decide on it.
 */
export function matchesSpecifier(version: string, specifier: string): boolean | undefined {
  const v = parseVersion(version);
  if (!v) return undefined;
  let unknown = false;
  const anyOf = specifier.split(/\|\|?/).map((alternative) => {
    const clauses = alternative
      .trim()
      .replace(/(===|==|!=|<=|>=|~=|<|>|\^|~)\s+/g, "$1")
      .split(/[\s,]+/)
      .filter(Boolean);
    return clauses.every((clause) => {
      const r = matchClause(v, clause);
      if (r === undefined) unknown = true;
      return r ?? true;
    });
  });
  if (anyOf.some(Boolean)) return unknown ? undefined : true;
  return unknown ? undefined : false;
}

function matchClause(v: ParsedVersion, clause: string): boolean | undefined {
  if (clause === "*" || clause === "") return true;
  const m = /^(===|==|!=|<=|>=|~=|<|>|\^|~|=)?(.+)$/.exec(clause);
  if (!m?.[2]) return undefined;
  const op = m[1] ?? "==";
  const text = m[2];
  if (text.endsWith(".*")) {
    const prefix = text.slice(0, -2).split(".").map(Number);
    if (prefix.some(Number.isNaN)) return undefined;
    const same = prefix.every((n, i) => (v.release[i] ?? 0) === n);
    if (op === "==" || op === "=") return same;
    if (op === "!=") return !same;
    return undefined;
  }
  const b = parseVersion(text);
  if (!b) return undefined;
  const c = compareParsed(v, b);
  switch (op) {
    case "==":
    case "=":
    case "===":
      return c === 0;
    case "!=":
      return c !== 0;
    case "<":
      return c < 0;
    case "<=":
      return c <= 0;
    case ">":
      return c > 0;
    case ">=":
      return c >= 0;
    case "~=": {
      const upper = b.release.slice(0, Math.max(1, b.release.length - 1));
      return c >= 0 && upper.every((n, i) => (v.release[i] ?? 0) === n);
    }
    case "~": {
      // ~1.2.3 → >=1.2.3,<1.3; ~1 → >=1,<2
      const keep = b.release.length >= 2 ? 2 : 1;
      return c >= 0 && b.release.slice(0, keep).every((n, i) => (v.release[i] ?? 0) === n);
    }
    case "^": {
      // ^1.2.3 → <2; ^0.2.3 → <0.3; ^0.0.3 → <0.0.4: the first non-zero part stays
      const firstNonZero = b.release.findIndex((n) => n !== 0);
      const keep = firstNonZero === -1 ? b.release.length : firstNonZero + 1;
      return c >= 0 && b.release.slice(0, keep).every((n, i) => (v.release[i] ?? 0) === n);
    }
  }
  return undefined;
}

/** Orders two version strings (PEP 440; plain dotted numbers such as glibc's "2.28" too). Unreadable ones sort first. */
export function compareVersions(a: string, b: string): number {
  const pa = parseVersion(a);
  const pb = parseVersion(b);
  if (!pa || !pb) return pa ? 1 : pb ? -1 : 0;
  return compareParsed(pa, pb);
}
