/**
 * How the action keeps its memory down: two V8 settings and a watch on its buffers, made
 * before any of the action's own code runs (src/index.ts imports this module first; the
 * bundle evaluates the libraries it shares between chunks before it, which allocate
 * little). An action cannot pass flags to the `node` the runner starts, so they are set here;
 * `test/memory.e2e.test.ts` holds this Node to each taking effect.
 *
 * - `--semi-space-growth-factor=1`: the young generation keeps the size it starts with.
 *   Unpacking 14,000 members keeps most of what it allocates (their listing, their
 *   checks), and V8 answers a high survival rate by doubling the young generation until
 *   it reaches 128 MB, which then stays resident: a third of a cold build's peak. Kept
 *   at its start, collections are more frequent and each is small.
 * - `--expose-gc`: contexts made from now on get a global `gc()`: the inflate and deflate
 *   workers call theirs after every few megabytes they drop (zip/pool.ts COLLECT_SOURCE),
 *   and this module takes one for the main thread from a context of its own.
 * - Buffers: V8 collects for memory outside its heap only once 64 MB more of it has piled
 *   up. Downloading the cache entry (a socket piped into a file, in `@actions/cache`)
 *   drops a 64 KB buffer per read and little else, so 40 MB of read buffers waited for a
 *   collection on a warm build of 75 MB. A timer collects once the buffers have grown by
 *   BUFFERS_BETWEEN_COLLECTIONS since the last collection.
 */
import { getHeapStatistics, setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

export const V8_FLAGS = ["--semi-space-growth-factor=1", "--expose-gc"] as const;

for (const flag of V8_FLAGS) setFlagsFromString(flag);

/** A full collection of this thread's heap: the `gc` of a context made after --expose-gc. */
const collect = runInNewContext("gc") as () => void;

const BUFFERS_BETWEEN_COLLECTIONS = 16 * 1024 * 1024;
const WATCH_EVERY_MS = 20;

let buffersAfterCollection = getHeapStatistics().external_memory;
setInterval(() => {
  const buffers = getHeapStatistics().external_memory;
  // live buffers that shrink lower the mark; growth beyond it is what a collection may free
  if (buffers < buffersAfterCollection) buffersAfterCollection = buffers;
  if (buffers - buffersAfterCollection < BUFFERS_BETWEEN_COLLECTIONS) return;
  collect();
  buffersAfterCollection = getHeapStatistics().external_memory;
}, WATCH_EVERY_MS).unref();
