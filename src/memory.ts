/**
 * The action's two V8 settings, made before anything else is loaded (src/index.ts imports
 * this module first). An action cannot pass flags to the `node` the runner starts, so they
 * are set here; `test/memory.e2e.test.ts` holds this Node to both taking effect.
 *
 * - `--semi-space-growth-factor=1`: the young generation keeps the size it starts with.
 *   Unpacking 14,000 members keeps most of what it allocates (their listing, their
 *   checks), and V8 answers a high survival rate by doubling the young generation until
 *   it reaches 128 MB, which then stays resident: a third of a cold build's peak. Kept
 *   at its start, collections are more frequent and each is small (bench/: about 0.2 s
 *   more collection on a cold build of 14,316 files, 130 MB less peak memory).
 * - `--expose-gc`: contexts made from now on (the inflate and deflate workers', not the
 *   main thread's) get a global `gc()`, which the workers call after every few megabytes
 *   they drop (zip/pool.ts COLLECT_SOURCE).
 */
import { setFlagsFromString } from "node:v8";

export const V8_FLAGS = ["--semi-space-growth-factor=1", "--expose-gc"] as const;

for (const flag of V8_FLAGS) setFlagsFromString(flag);
