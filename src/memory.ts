/**
 * The action's two V8 settings, made before any of the action's own code runs (src/index.ts
 * imports this module first; the bundle evaluates the libraries it shares between chunks
 * before it, which allocate little). An action cannot pass flags to the `node` the runner
 * starts, so they are set here; `test/memory.e2e.test.ts` holds this Node to each taking effect.
 *
 * - `--semi-space-growth-factor=1`: the young generation keeps the size it starts with.
 *   Unpacking 14,000 members keeps most of what it allocates (their listing, their
 *   checks), and V8 answers a high survival rate by doubling the young generation until
 *   it reaches 128 MB, which then stays resident: a third of a cold build's peak. Kept
 *   at its start, collections are more frequent and each is small.
 * - `--expose-gc`: contexts made from now on get a global `gc()`: the inflate and deflate
 *   workers call theirs after every few megabytes they drop (zip/pool.ts COLLECT_SOURCE),
 *   and collect.ts takes one for the main thread from a context of its own, to collect
 *   while the cache moves bytes.
 */
import { setFlagsFromString } from "node:v8";

export const V8_FLAGS = ["--semi-space-growth-factor=1", "--expose-gc"] as const;

for (const flag of V8_FLAGS) setFlagsFromString(flag);
