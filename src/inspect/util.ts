/** Small helpers shared by the checks. */
import { readFileSync } from "node:fs";
import { normalizeName } from "../lock/types.ts";
import type { Finding, InspectInput } from "./types.ts";

/** Runs fn over items with at most `limit` in flight; results in input order. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** Attaches the lockfile (and the distribution's line in it) to findings about distributions. */
export class LockfileLocator {
  private lines: string[] | undefined;
  private readonly cache = new Map<string, number | undefined>();

  constructor(private readonly input: Pick<InspectInput, "lockfile" | "lockfileText">) {
    let text = input.lockfileText;
    if (text === undefined && input.lockfile) {
      try {
        text = readFileSync(input.lockfile, "utf8");
      } catch {
        text = undefined; // best effort: the finding still names the lockfile
      }
    }
    this.lines = text?.split(/\r?\n/);
  }

  /** the 1-based line that names the distribution: `numpy==…`, `name = "numpy"`, `"numpy": {` */
  lineOf(distribution: string): number | undefined {
    if (!this.lines) return undefined;
    if (this.cache.has(distribution)) return this.cache.get(distribution);
    let found: number | undefined;
    const wanted = normalizeName(distribution);
    for (let i = 0; i < this.lines.length; i++) {
      const m = /^\s*(?:name\s*=\s*)?["']?([A-Za-z0-9][A-Za-z0-9._-]*)/.exec(this.lines[i] ?? "");
      if (m?.[1] && normalizeName(m[1]) === wanted) {
        found = i + 1;
        break;
      }
    }
    this.cache.set(distribution, found);
    return found;
  }

  /** a finding about a distribution points at the lockfile */
  locate(finding: Finding): Finding {
    if (finding.file !== undefined || !finding.distribution || !this.input.lockfile) return finding;
    const line = this.lineOf(finding.distribution);
    return { ...finding, file: this.input.lockfile, ...(line !== undefined ? { line } : {}) };
  }
}

/** "a, b, c and 4 more" */
export function listSome(items: string[], max = 5): string {
  if (items.length <= max) return items.join(", ");
  return `${items.slice(0, max).join(", ")} and ${items.length - max} more`;
}
