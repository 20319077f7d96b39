/**
 * Compressing files for the zip writer on worker threads. Node's async zlib runs on
 * the libuv pool but costs a stream object, a native deflate state and a round trip
 * to the main thread per 16 KB of output: on a 12,800-file, 250 MB tree the writer
 * built on it took 9-10 s on 2 cores and peaked at 1.3 GB of RSS. Here a worker reads
 * each file into a reused buffer and deflates it in one synchronous call, in batches,
 * and hands the result over without a copy: 2 workers compress that tree in 3.5-4 s
 * (one thread: 5.5 s), adding about 100 MB of RSS, most of it the workers' own
 * heaps and the garbage they hold until V8 collects it (bench/, "zip step").
 *
 * The same `compressBuffer` runs in the workers and inline for small jobs, so an
 * entry's bytes never depend on where it was compressed.
 */
import fs from "node:fs";
import zlib from "node:zlib";
import { COLLECT_SOURCE, WorkerPool } from "./pool.ts";

export { defaultThreads } from "./pool.ts";

export interface Compressed {
  crc: number;
  /** uncompressed bytes */
  size: number;
  /** 8 when deflating made it smaller, else 0 (stored) */
  method: 0 | 8;
  data: Buffer;
}

/**
 * Kept free of outside names: it is also sent to the workers as source text.
 * Deflate is deterministic for a given zlib and level, which makes the zips reproducible.
 */
function compressBuffer(
  raw: Buffer,
  level: number,
  deflateRawSync: (data: Buffer, options: { level: number }) => Buffer,
  crc32: (data: Buffer) => number,
): Compressed {
  const crc = crc32(raw);
  if (raw.length > 0) {
    const deflated = deflateRawSync(raw, { level });
    if (deflated.length < raw.length) return { crc, size: raw.length, method: 8, data: deflated };
  }
  return { crc, size: raw.length, method: 0, data: raw };
}

/** What the reader refused (not a regular file, too large), said so a user can act on it. */
export class Refused extends Error {}

/**
 * Reads a regular file of at most maxBytes, refusing anything else before reading a byte:
 * a FIFO opened plainly would block forever, a device never ends, and no file above
 * Lambda's unzipped limit can ever deploy. O_NONBLOCK makes the open of a FIFO return at
 * once; fstat then says what was opened. Kept free of outside names: it is also sent to
 * the workers as source text; `refuse` returns the error to throw.
 */
function readRegular(
  file: string,
  maxBytes: number,
  reused: Buffer | undefined,
  fsApi: Pick<typeof fs, "openSync" | "fstatSync" | "readSync" | "closeSync" | "constants">,
  refuse: (message: string) => Error,
): Buffer {
  const fd = fsApi.openSync(file, fsApi.constants.O_RDONLY | fsApi.constants.O_NONBLOCK);
  try {
    const st = fsApi.fstatSync(fd);
    if (!st.isFile()) {
      const kind = st.isFIFO()
        ? "a FIFO (named pipe)"
        : st.isSocket()
          ? "a socket"
          : st.isDirectory()
            ? "a folder"
            : "a device";
      throw refuse(`${file} is ${kind}, not a regular file: a zip can only hold files`);
    }
    if (st.size > maxBytes) {
      throw refuse(
        `${file} is ${st.size} bytes: more than Lambda's unzipped limit for a function and all its layers together (${maxBytes} bytes), so no zip holding it can deploy`,
      );
    }
    const input = reused && st.size <= reused.length ? reused : Buffer.allocUnsafeSlow(st.size);
    let done = 0;
    while (done < st.size) {
      const n = fsApi.readSync(fd, input, done, st.size - done, done);
      if (n === 0) break;
      done += n;
    }
    return input.subarray(0, done);
  } finally {
    fsApi.closeSync(fd);
  }
}

export async function compressInline(file: string, level: number, maxBytes: number): Promise<Compressed> {
  const raw = readRegular(file, maxBytes, undefined, fs, (message) => new Refused(message));
  return compressBuffer(raw, level, zlib.deflateRawSync, zlib.crc32);
}

/** Bytes already in memory, compressed here: the same entry as a file of those bytes. */
export function compressData(raw: Buffer, level: number): Compressed {
  return compressBuffer(raw, level, zlib.deflateRawSync, zlib.crc32);
}

/** Files up to this size are read into one buffer per worker; bigger ones get their own. */
const REUSED_INPUT = 4 * 1024 * 1024;

// Source text rather than a file: the bundled action (dist/index.js), tsx and vitest all run it as is.
const WORKER_SOURCE = `
const { parentPort } = require("node:worker_threads");
const { crc32, deflateRawSync } = require("node:zlib");
const compressBuffer = ${compressBuffer.toString()};
const readRegular = ${readRegular.toString()};
const fsApi = require("node:fs");
const reused = Buffer.allocUnsafeSlow(${REUSED_INPUT});
${COLLECT_SOURCE}
class Refused extends Error {}
parentPort.on("message", (batch) => {
  const transfer = [];
  const results = batch.map(({ file, level, maxBytes }) => {
    try {
      const raw = readRegular(file, maxBytes, reused, fsApi, (message) => new Refused(message));
      const result = compressBuffer(raw, level, deflateRawSync, crc32);
      // moved, not copied, to the main thread; a stored entry's bytes still sit in the reused buffer
      const data = new Uint8Array(result.data.length);
      data.set(result.data);
      transfer.push(data.buffer);
      dropped(result.data.length + (raw.length > reused.length ? raw.length : 0));
      return { ...result, data };
    } catch (error) {
      return { error: String(error && error.message ? error.message : error), refused: error instanceof Refused };
    }
  });
  parentPort.postMessage(results, transfer);
});
`;

type WorkerResult = { crc: number; size: number; method: 0 | 8; data: Uint8Array };

/** Compresses files on worker threads; an entry's bytes are the same as compressInline's. */
export class DeflatePool {
  private readonly pool: WorkerPool<{ file: string; level: number; maxBytes: number }, WorkerResult>;

  constructor(readonly threads: number) {
    this.pool = new WorkerPool(threads, WORKER_SOURCE, "compression", (answer) =>
      answer.refused ? new Refused(answer.error) : new Error(answer.error),
    );
  }

  async compress(file: string, level: number, size: number, maxBytes: number): Promise<Compressed> {
    const r = await this.pool.run({ file, level, maxBytes }, size);
    return { ...r, data: Buffer.from(r.data.buffer, r.data.byteOffset, r.data.byteLength) };
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}
