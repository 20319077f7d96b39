/**
 * Bytecode never takes a package over Lambda's unzipped limit. A pyc is often larger than
 * its source (numpy + scipy + pandas: 217 MB became 291 MB), so all of it may not fit where
 * the sources do. Then the bytecode that fits ships, chosen so cold starts keep the most:
 * modules outside test folders first (a handler never imports a test suite), each package's
 * `__init__` before its other modules (importing anything in a package runs it), then by
 * path; the rest ships as source only, compiled at import as without bytecode. Pure.
 */
import { UNZIPPED_LIMIT } from "../inspect/sizes.ts";
import { slimKeepLine } from "./plan.ts";

export interface Bytecode {
  /** the pyc's tree path */
  pyc: string;
  /** its source's tree path */
  source: string;
  bytes: number;
}

export interface BytecodeFit {
  kept: Bytecode[];
  dropped: Bytecode[];
  /** what all of it would have added, and how far over the limit that would have been */
  allBytes: number;
  over: number;
}

const inTests = (b: Bytecode) => slimKeepLine(b.source) !== b.source;
const rank = (b: Bytecode) => (inTests(b) ? 2 : 0) + (b.source.endsWith("/__init__.py") ? 0 : 1);

/** `others`: the unzipped bytes of everything else that ships with it (function, layer, sources). */
export function fitBytecode(pycs: readonly Bytecode[], others: number, limit = UNZIPPED_LIMIT): BytecodeFit {
  const allBytes = pycs.reduce((n, b) => n + b.bytes, 0);
  const over = others + allBytes - limit;
  if (over <= 0) return { kept: [...pycs], dropped: [], allBytes, over: 0 };
  const ordered = [...pycs].sort((a, b) => rank(a) - rank(b) || (a.source < b.source ? -1 : 1));
  const kept: Bytecode[] = [];
  const dropped: Bytecode[] = [];
  let room = Math.max(0, limit - others);
  for (const b of ordered) {
    if (b.bytes <= room) {
      kept.push(b);
      room -= b.bytes;
    } else dropped.push(b);
  }
  return { kept, dropped, allBytes, over };
}

/** What the warning says: by how much all of it would cross the limit, what shipped, what to do. */
export function overLimitMessage(fit: BytecodeFit, testsWithoutSlim: number): string {
  const keptBytes = fit.kept.reduce((n, b) => n + b.bytes, 0);
  const todo = [
    testsWithoutSlim > 0
      ? `\`slim: true\` (${testsWithoutSlim} bytes of test suites, stubs and C sources out, bytecode for more modules in)`
      : undefined,
    "`exclude-packages` for what the Lambda runtime provides (boto3, botocore)",
    "`compile: false` to ship no bytecode",
  ].filter(Boolean);
  return `bytecode for all ${fit.kept.length + fit.dropped.length} modules (${fit.allBytes} bytes) would take the package ${fit.over} bytes over Lambda's unzipped limit of ${UNZIPPED_LIMIT}: bytecode for ${fit.kept.length} modules (${keptBytes} bytes) ships, ${fit.dropped.length} modules ship as source only and compile at each cold start that imports them.\n  → ${todo.join(", or ")}`;
}

/**
 * Whether compile: auto would fit, from the sources alone (before any bytecode exists): a
 * pyc is taken as up to 1.5 times its source, more than numpy, scipy and pandas need (1.2).
 */
export function bytecodeWouldFit(unzipped: number, sourceBytes: number, limit = UNZIPPED_LIMIT): boolean {
  return unzipped + Math.ceil(sourceBytes * 1.5) <= limit;
}
