/**
 * Collections the action asks for where V8 would wait too long: `gc` of a context made after
 * `--expose-gc` (src/memory.ts sets it when the action starts). Where the flag was not set
 * (tests that import a stage, local-action) they do nothing, and `work` just runs.
 *
 * V8 collects for memory outside its heap only once 64 MB more of it has piled up. A cache
 * download (`@actions/cache` pipes the response into a file) drops a 64 KB buffer per socket
 * read and allocates little else, so 35–40 MB of written reads waited for a collection on a
 * warm build of 75 MB, and the malloc heap kept their pages afterwards (the stream's own
 * buffers never held more than 130 KB). A cache save and the zips' writing drop buffers the
 * same way.
 */
import { getHeapStatistics } from "node:v8";
import { runInNewContext } from "node:vm";

/**
 * Growth of the buffers outside the heap that calls for a collection while work drops them.
 * bench/ (a warm build through the Actions cache, a 75 MB entry): 8 MB took 11-13
 * collections of 10 ms each during the download, 12 MB 8 (peak 122-126 MiB), 16 MB 6-7
 * (134-147 MiB).
 */
const BUFFERS_BETWEEN_COLLECTIONS = 12 * 1024 * 1024;
const WATCH_EVERY_MS = 10;

let gc: (() => void) | undefined;
let looked = false;

function findGc(): (() => void) | undefined {
  if (!looked) {
    looked = true;
    gc = runInNewContext("typeof gc === 'function' ? gc : undefined") as (() => void) | undefined;
  }
  return gc;
}

/** A full collection of this thread's heap, now. */
export function collectGarbage(): void {
  findGc()?.();
}

/**
 * `work` with a collection whenever the buffers outside the heap have grown by
 * BUFFERS_BETWEEN_COLLECTIONS since the last: what it drops is freed as it goes, not when
 * V8's limit is reached. For work whose buffers are dropped as soon as used: a cache restore
 * or save, the zips' writing (each entry it compresses). Not around the unpacking: there the
 * buffers that grow are alive (small members kept for the zip), and a collection of a large
 * heap would free nothing at a cost.
 */
export async function collectingDroppedBuffers<T>(work: () => Promise<T>): Promise<T> {
  if (!findGc()) return work();
  let mark = getHeapStatistics().external_memory;
  const watch = setInterval(() => {
    const buffers = getHeapStatistics().external_memory;
    // buffers freed meanwhile lower the mark; growth beyond it is what a collection may free
    if (buffers < mark) mark = buffers;
    if (buffers - mark < BUFFERS_BETWEEN_COLLECTIONS) return;
    collectGarbage();
    mark = getHeapStatistics().external_memory;
  }, WATCH_EVERY_MS);
  try {
    return await work();
  } finally {
    clearInterval(watch);
  }
}
