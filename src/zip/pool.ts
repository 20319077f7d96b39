/**
 * Worker threads fed in batches, the machinery the deflate and inflate pools share. A
 * worker runs source text (not a file: the bundled action, tsx and vitest all run it as
 * is), takes an array of jobs per message and answers with an array of results in the
 * same order, moving ArrayBuffers rather than copying them. Two batches in flight per
 * worker hide the round trip; a batch is cut at a file count or a byte budget.
 */
import os from "node:os";
import { Worker } from "node:worker_threads";

/**
 * Worker source text: `dropped(bytes)` counts what a worker allocated and let go (an inflated
 * member, a compressed file) and runs a full collection after every 8 MB of it, where the
 * main thread exposed `gc` (memory.ts). Left to itself V8 collects a worker only once 64 MB
 * of such buffers have piled up, and the thread's malloc arena keeps that much resident
 * after the collection: two workers held 105 MB of a cold build's 330 MB peak (bench/).
 * A collection of a worker's small heap takes a few milliseconds.
 */
export const COLLECT_SOURCE = `
let droppedSinceCollection = 0;
function dropped(bytes) {
  droppedSinceCollection += bytes;
  if (droppedSinceCollection < ${8 * 1024 * 1024} || typeof gc !== "function") return;
  droppedSinceCollection = 0;
  gc();
}
`;

/** A worker's answer for one job: its result, or the message of what it threw. */
export type WorkerAnswer<Out> = Out | { error: string; refused?: boolean };

interface Job<In, Out> {
  input: In;
  bytes: number;
  resolve(result: Out): void;
  reject(error: Error): void;
}

interface Slot<In, Out> {
  worker: Worker;
  /** batches sent and not answered yet, oldest first */
  batches: Job<In, Out>[][];
}

const BATCH_FILES = 64;
const BATCH_BYTES = 1024 * 1024;
const BATCHES_PER_WORKER = 2;

export class WorkerPool<In, Out extends object> {
  private readonly slots: Slot<In, Out>[] = [];
  private queue: Job<In, Out>[] = [];
  private scheduled = false;
  private closed = false;

  /**
   * `fail` turns a worker's error answer into the error its job rejects with (a refusal the
   * caller reports to the user, or a plain error).
   */
  constructor(
    readonly threads: number,
    private readonly source: string,
    private readonly what: string,
    private readonly fail: (answer: { error: string; refused?: boolean }) => Error,
  ) {}

  /** `bytes` is the job's weight in the batch budget. */
  run(input: In, bytes: number): Promise<Out> {
    return new Promise<Out>((resolve, reject) => {
      this.queue.push({ input, bytes, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        // jobs queued in one synchronous run go out as one batch
        queueMicrotask(() => {
          this.scheduled = false;
          this.dispatch();
        });
      }
    });
  }

  private dispatch(): void {
    if (this.closed) return;
    while (this.slots.length < this.threads && this.queue.length > this.slots.length) this.slots.push(this.spawn());
    let progressed = true;
    while (this.queue.length > 0 && progressed) {
      progressed = false;
      for (const slot of this.slots) {
        if (this.queue.length === 0 || slot.batches.length >= BATCHES_PER_WORKER) continue;
        let bytes = 0;
        let count = 0;
        while (count < this.queue.length && count < BATCH_FILES && (count === 0 || bytes < BATCH_BYTES)) {
          bytes += this.queue[count]!.bytes;
          count++;
        }
        const batch = this.queue.slice(0, count);
        this.queue = this.queue.slice(count);
        slot.batches.push(batch);
        slot.worker.postMessage(batch.map((j) => j.input));
        progressed = true;
      }
    }
  }

  private spawn(): Slot<In, Out> {
    const worker = new Worker(this.source, { eval: true });
    const slot: Slot<In, Out> = { worker, batches: [] };
    worker.on("message", (results: WorkerAnswer<Out>[]) => {
      const batch = slot.batches.shift() ?? [];
      batch.forEach((job, i) => {
        const r = results[i];
        if (!r) job.reject(new Error(`no result from the ${this.what} worker`));
        else if ("error" in r && typeof r.error === "string") job.reject(this.fail(r));
        else job.resolve(r as Out);
      });
      this.dispatch();
    });
    const fail = (error: Error) => {
      const index = this.slots.indexOf(slot);
      if (index >= 0) this.slots.splice(index, 1);
      for (const job of slot.batches.flat()) job.reject(error);
      slot.batches = [];
      void worker.terminate();
      this.dispatch();
    };
    worker.on("error", fail);
    worker.on("exit", (code) => fail(new Error(`${this.what} worker exited with code ${code}`)));
    return slot;
  }

  /** Ends the workers: their heaps, and the garbage they hold until a collection, go with them. */
  async close(): Promise<void> {
    this.closed = true;
    for (const job of this.queue.splice(0)) job.reject(new Error(`the ${this.what} pool was closed`));
    const slots = this.slots.splice(0);
    await Promise.all(slots.map((s) => s.worker.terminate()));
  }
}

/** As many workers as cores: the main thread mostly waits on them. */
export function defaultThreads(): number {
  return Math.max(1, Math.min(os.availableParallelism(), 8));
}
