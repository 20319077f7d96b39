import { createRequire as __lppCreateRequire } from 'node:module'; const require = __lppCreateRequire(import.meta.url);
import {
  UNZIPPED_LIMIT,
  describeFileFolderClash,
  fileFolderClashes
} from "./chunk-CYE4DHQG.js";
import {
  UserError
} from "./chunk-LYXEWKKS.js";
import {
  append
} from "./chunk-SJ6SIYOC.js";

// src/zip/package.ts
import { randomBytes } from "node:crypto";
import { copyFile, mkdir, rename, rm, stat, writeFile } from "node:fs/promises";
import path from "node:path";

// src/zip/writer.ts
import { createHash } from "node:crypto";
import { open as open2 } from "node:fs/promises";

// src/zip/deflate.ts
import fs from "node:fs";
import zlib from "node:zlib";

// src/zip/pool.ts
import os from "node:os";
import { Worker } from "node:worker_threads";
var COLLECT_SOURCE = `
let droppedSinceCollection = 0;
function dropped(bytes) {
  droppedSinceCollection += bytes;
  if (droppedSinceCollection < ${8 * 1024 * 1024} || typeof gc !== "function") return;
  droppedSinceCollection = 0;
  gc();
}
`;
var BATCH_FILES = 64;
var BATCH_BYTES = 1024 * 1024;
var BATCHES_PER_WORKER = 2;
var WorkerPool = class {
  /**
   * `fail` turns a worker's error answer into the error its job rejects with (a refusal the
   * caller reports to the user, or a plain error).
   */
  constructor(threads, source, what, fail) {
    this.threads = threads;
    this.source = source;
    this.what = what;
    this.fail = fail;
  }
  threads;
  source;
  what;
  fail;
  slots = [];
  queue = [];
  scheduled = false;
  closed = false;
  /** `bytes` is the job's weight in the batch budget. */
  run(input, bytes) {
    return new Promise((resolve, reject) => {
      this.queue.push({ input, bytes, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        queueMicrotask(() => {
          this.scheduled = false;
          this.dispatch();
        });
      }
    });
  }
  dispatch() {
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
          bytes += this.queue[count].bytes;
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
  spawn() {
    const worker = new Worker(this.source, { eval: true });
    const slot = { worker, batches: [] };
    worker.on("message", (results) => {
      const batch = slot.batches.shift() ?? [];
      batch.forEach((job, i) => {
        const r = results[i];
        if (!r) job.reject(new Error(`no result from the ${this.what} worker`));
        else if ("error" in r && typeof r.error === "string") job.reject(this.fail(r));
        else job.resolve(r);
      });
      this.dispatch();
    });
    const fail = (error) => {
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
  async close() {
    this.closed = true;
    for (const job of this.queue.splice(0)) job.reject(new Error(`the ${this.what} pool was closed`));
    const slots = this.slots.splice(0);
    await Promise.all(slots.map((s) => s.worker.terminate()));
  }
};
function defaultThreads() {
  return Math.max(1, Math.min(os.availableParallelism(), 8));
}

// src/zip/deflate.ts
function compressBuffer(raw, level, deflateRawSync, crc322) {
  const crc = crc322(raw);
  if (raw.length > 0) {
    const deflated = deflateRawSync(raw, { level });
    if (deflated.length < raw.length) return { crc, size: raw.length, method: 8, data: deflated };
  }
  return { crc, size: raw.length, method: 0, data: raw };
}
var Refused = class extends Error {
};
function readRegular(file, maxBytes, reused, fsApi, refuse) {
  const fd = fsApi.openSync(file, fsApi.constants.O_RDONLY | fsApi.constants.O_NONBLOCK);
  try {
    const st = fsApi.fstatSync(fd);
    if (!st.isFile()) {
      const kind = st.isFIFO() ? "a FIFO (named pipe)" : st.isSocket() ? "a socket" : st.isDirectory() ? "a folder" : "a device";
      throw refuse(`${file} is ${kind}, not a regular file: a zip can only hold files`);
    }
    if (st.size > maxBytes) {
      throw refuse(
        `${file} is ${st.size} bytes: more than Lambda's unzipped limit for a function and all its layers together (${maxBytes} bytes), so no zip holding it can deploy`
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
async function compressInline(file, level, maxBytes) {
  const raw = readRegular(file, maxBytes, void 0, fs, (message) => new Refused(message));
  return compressBuffer(raw, level, zlib.deflateRawSync, zlib.crc32);
}
function compressData(raw, level) {
  return compressBuffer(raw, level, zlib.deflateRawSync, zlib.crc32);
}
var REUSED_INPUT = 4 * 1024 * 1024;
var WORKER_SOURCE = `
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
var DeflatePool = class {
  constructor(threads) {
    this.threads = threads;
    this.pool = new WorkerPool(
      threads,
      WORKER_SOURCE,
      "compression",
      (answer) => answer.refused ? new Refused(answer.error) : new Error(answer.error)
    );
  }
  threads;
  pool;
  async compress(file, level, size, maxBytes) {
    const r = await this.pool.run({ file, level, maxBytes }, size);
    return { ...r, data: Buffer.from(r.data.buffer, r.data.byteOffset, r.data.byteLength) };
  }
  close() {
    return this.pool.close();
  }
};

// src/zip/reader.ts
import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import { open } from "node:fs/promises";
import { crc32, inflateRawSync } from "node:zlib";

// src/zip/directory.ts
var EOCD_SIGNATURE = 101010256;
var CENTRAL_SIGNATURE = 33639248;
var EOCD_SIZE = 22;
var CENTRAL_SIZE = 46;
var ZIP64_LOCATOR_SIGNATURE = 117853008;
var ZIP64_LOCATOR_SIZE = 20;
var ZIP64_RECORD_SIGNATURE = 101075792;
var ZIP64_RECORD_SIZE = 56;
var FLAG_UTF8 = 2048;
function readEntries(label, size, readAt2) {
  const fail = (why) => {
    throw new Error(`${label} is not a zip this reader handles: ${why}`);
  };
  if (size < EOCD_SIZE) fail("too short");
  const tailStart = Math.max(size - ZIPFILE_TAIL, 0);
  const tail = readAt2(tailStart, size - tailStart);
  const eocd = zipfileEndRecord(tail) ?? fail("no end-of-central-directory record (zipfile finds none either)");
  if (eocd + EOCD_SIZE + tail.readUInt16LE(eocd + 20) !== tail.length) {
    fail("the end record's comment does not end the file (zipfile would read it, by other rules than this reader)");
  }
  const end = eocdFields(tail, eocd, tailStart + eocd, readAt2, fail);
  const { count, cdSize, cdOffset, cdEnd } = end;
  if (cdOffset + cdSize !== cdEnd) fail("the central directory does not end where the end record starts");
  if (count * CENTRAL_SIZE > cdSize) fail(`${count} entries cannot fit a central directory of ${cdSize} bytes`);
  const cd = readAt2(cdOffset, cdSize);
  const entries = [];
  for (let p = 0; p < cd.length; ) {
    const entry = centralEntry(cd, p, entries.length, fail);
    entries.push(entry.entry);
    p = entry.next;
  }
  if (entries.length !== count) fail(`the end record counts ${count} entries, the directory holds ${entries.length}`);
  setDataLimits(entries, cdOffset);
  return entries;
}
var ZIPFILE_TAIL = 65536 + EOCD_SIZE;
function zipfileEndRecord(tail) {
  const last = tail.length - EOCD_SIZE;
  if (last >= 0 && tail.readUInt32LE(last) === EOCD_SIGNATURE && tail.readUInt16LE(last + 20) === 0) return last;
  const at = tail.lastIndexOf(EOCD_BYTES);
  if (at < 0 || at + EOCD_SIZE > tail.length) return void 0;
  return at;
}
var EOCD_BYTES = Buffer.from([80, 75, 5, 6]);
function eocdFields(tail, eocd, eocdOffset, readAt2, fail) {
  const disk = tail.readUInt16LE(eocd + 4);
  const directoryDisk = tail.readUInt16LE(eocd + 6);
  const thisDisk = tail.readUInt16LE(eocd + 8);
  const count = tail.readUInt16LE(eocd + 10);
  if (disk !== 0 || directoryDisk !== 0 || thisDisk !== count) fail("it spans several disks");
  const cdSize = tail.readUInt32LE(eocd + 12);
  const cdOffset = tail.readUInt32LE(eocd + 16);
  const locatorAt = eocdOffset - ZIP64_LOCATOR_SIZE;
  if (locatorAt < 0 || readAt2(locatorAt, 4).readUInt32LE(0) !== ZIP64_LOCATOR_SIGNATURE) {
    if (count === 65535 || cdSize === 4294967295 || cdOffset === 4294967295) fail("ZIP64 without its end record");
    return { count, cdSize, cdOffset, cdEnd: eocdOffset };
  }
  const recordAt = locatorAt - ZIP64_RECORD_SIZE;
  const locator = readAt2(locatorAt, ZIP64_LOCATOR_SIZE);
  if (recordAt < 0 || Number(locator.readBigUInt64LE(8)) !== recordAt) {
    fail("its ZIP64 locator does not point at the record right before it");
  }
  if (locator.readUInt32LE(4) !== 0 || locator.readUInt32LE(16) > 1) fail("it spans several disks");
  const record = readAt2(recordAt, ZIP64_RECORD_SIZE);
  if (record.readUInt32LE(0) !== ZIP64_RECORD_SIGNATURE) fail("no ZIP64 end record where its locator points");
  if (record.readUInt32LE(16) !== 0 || record.readUInt32LE(20) !== 0) fail("it spans several disks");
  const entries = record.readBigUInt64LE(32);
  if (record.readBigUInt64LE(24) !== entries) fail("it spans several disks");
  return {
    count: Number(entries),
    cdSize: Number(record.readBigUInt64LE(40)),
    cdOffset: Number(record.readBigUInt64LE(48)),
    cdEnd: recordAt
  };
}
var KNOWN_FLAGS = 2 | 4 | 8 | FLAG_UTF8;
var MAX_EXTRACT_VERSION = 63;
var UTF8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
function centralEntry(cd, p, index, fail) {
  if (p + CENTRAL_SIZE > cd.length || cd.readUInt32LE(p) !== CENTRAL_SIGNATURE) fail(`bad central header ${index}`);
  const nameLength = cd.readUInt16LE(p + 28);
  const extraLength = cd.readUInt16LE(p + 30);
  const commentLength = cd.readUInt16LE(p + 32);
  const next = p + CENTRAL_SIZE + nameLength + extraLength + commentLength;
  if (next > cd.length) fail(`central header ${index} runs past the directory`);
  const nameBytes = cd.subarray(p + CENTRAL_SIZE, p + CENTRAL_SIZE + nameLength);
  const flags = cd.readUInt16LE(p + 8);
  const name = decodeName(nameBytes, flags);
  const at = `entry ${index} (${JSON.stringify(name ?? nameBytes.toString("latin1"))})`;
  if (name === void 0) fail(`${at} is flagged UTF-8 but its name is not`);
  if (nameBytes.includes(0)) fail(`${at} has a NUL in its name`);
  if (flags & ~KNOWN_FLAGS) fail(`${at} sets general-purpose flags ${(flags & ~KNOWN_FLAGS).toString(16)}`);
  if (cd[p + 6] > MAX_EXTRACT_VERSION) fail(`${at} needs zip version ${cd[p + 6] / 10}`);
  const extraProblem = centralExtraProblem(
    cd.subarray(p + CENTRAL_SIZE + nameLength, p + CENTRAL_SIZE + nameLength + extraLength)
  );
  if (extraProblem) fail(`${at} ${extraProblem}`);
  const madeBy = cd.readUInt16LE(p + 4) >> 8;
  const externalAttributes = cd.readUInt32LE(p + 38);
  const entry = {
    name,
    nameBytes,
    madeBy,
    flags,
    method: cd.readUInt16LE(p + 10),
    dosTime: cd.readUInt16LE(p + 12),
    dosDate: cd.readUInt16LE(p + 14),
    crc: cd.readUInt32LE(p + 16),
    compressedSize: cd.readUInt32LE(p + 20),
    size: cd.readUInt32LE(p + 24),
    externalAttributes,
    mode: madeBy === 3 ? externalAttributes >>> 16 : 0,
    localHeaderOffset: cd.readUInt32LE(p + 42),
    dataLimit: 0
  };
  if ([entry.size, entry.compressedSize, entry.localHeaderOffset].includes(4294967295)) {
    fail(`${entry.name} needs ZIP64 sizes (4 GiB or more)`);
  }
  return { entry, next };
}
function decodeName(bytes, flags) {
  if (flags & FLAG_UTF8) {
    try {
      return UTF8.decode(bytes);
    } catch {
      return void 0;
    }
  }
  let ascii = true;
  for (const b of bytes) if (b >= 128) ascii = false;
  if (ascii) return Buffer.from(bytes).toString("latin1");
  return Array.from(bytes, (b) => b < 128 ? String.fromCharCode(b) : CP437_HIGH[b - 128]).join("");
}
var CP437_HIGH = "\xC7\xFC\xE9\xE2\xE4\xE0\xE5\xE7\xEA\xEB\xE8\xEF\xEE\xEC\xC4\xC5\xC9\xE6\xC6\xF4\xF6\xF2\xFB\xF9\xFF\xD6\xDC\xA2\xA3\xA5\u20A7\u0192\xE1\xED\xF3\xFA\xF1\xD1\xAA\xBA\xBF\u2310\xAC\xBD\xBC\xA1\xAB\xBB\u2591\u2592\u2593\u2502\u2524\u2561\u2562\u2556\u2555\u2563\u2551\u2557\u255D\u255C\u255B\u2510\u2514\u2534\u252C\u251C\u2500\u253C\u255E\u255F\u255A\u2554\u2569\u2566\u2560\u2550\u256C\u2567\u2568\u2564\u2565\u2559\u2558\u2552\u2553\u256B\u256A\u2518\u250C\u2588\u2584\u258C\u2590\u2580\u03B1\xDF\u0393\u03C0\u03A3\u03C3\xB5\u03C4\u03A6\u0398\u03A9\u03B4\u221E\u03C6\u03B5\u2229\u2261\xB1\u2265\u2264\u2320\u2321\xF7\u2248\xB0\u2219\xB7\u221A\u207F\xB2\u25A0\xA0";
function centralExtraProblem(extra) {
  for (let p = 0; p + 4 <= extra.length; ) {
    const id = extra.readUInt16LE(p);
    const length = extra.readUInt16LE(p + 2);
    if (p + 4 + length > extra.length) return `has an extra field (${id.toString(16)}) running past its end`;
    if (id === 28789) return "has a Unicode Path extra field (newer Pythons name the member by it)";
    p += 4 + length;
  }
  return void 0;
}
function setDataLimits(entries, cdOffset) {
  const byOffset = [...entries].sort((a, b) => a.localHeaderOffset - b.localHeaderOffset);
  for (let i = 0; i < byOffset.length; i++) {
    const at = byOffset[i].localHeaderOffset;
    const shared = byOffset[i - 1]?.localHeaderOffset === at;
    byOffset[i].dataLimit = shared ? at : byOffset[i + 1]?.localHeaderOffset ?? cdOffset;
  }
}

// src/zip/reader.ts
var FLAG_ENCRYPTED = 1;
async function readInto(handle, buffer, length, position) {
  let done = 0;
  while (done < length) {
    const { bytesRead } = await handle.read(buffer, done, length - done, position + done);
    if (bytesRead === 0) break;
    done += bytesRead;
  }
  return done;
}
async function readAt(handle, position, length) {
  const buffer = Buffer.allocUnsafe(length);
  const done = await readInto(handle, buffer, length, position);
  if (done < length) throw new Error(`unexpected end of file at byte ${position + done}`);
  return buffer;
}
async function readZipDirectory(file) {
  const fd = openSync(file, "r");
  try {
    const { size } = fstatSync(fd);
    return {
      path: file,
      size,
      entries: readEntries(file, size, (position, length) => readSyncAt(fd, position, length))
    };
  } finally {
    closeSync(fd);
  }
}
function readSyncAt(fd, position, length) {
  const buffer = Buffer.allocUnsafe(length);
  let done = 0;
  while (done < length) {
    const bytesRead = readSync(fd, buffer, done, length - done, position + done);
    if (bytesRead === 0) throw new Error(`unexpected end of file at byte ${position + done}`);
    done += bytesRead;
  }
  return buffer;
}
var ZipEntryCorrupt = class extends Error {
  constructor(entry, problem) {
    super(`${entry.name} ${problem}`);
    this.entry = entry;
    this.problem = problem;
  }
  entry;
  problem;
};
function inflateEntry(entry, stored) {
  const data = inflateWithin(stored, entry.method, entry.size, entry.crc, { inflateRawSync, crc32 });
  if (typeof data === "string") throw new ZipEntryCorrupt(entry, data);
  return data;
}
function inflateWithin(stored, method, size, crc, zlib2) {
  let data;
  try {
    const chunkSize = Math.min(Math.max(size + 1, 64), 64 * 1024 * 1024);
    data = method === 0 ? Buffer.from(stored) : zlib2.inflateRawSync(stored, { maxOutputLength: Math.max(size, 1), chunkSize });
  } catch (error) {
    return `does not inflate to its size: ${error.message}`;
  }
  if (data.length !== size || zlib2.crc32(data) >>> 0 !== crc >>> 0) return "does not match its size or CRC";
  return data;
}
var localHeaderLength = (entry) => 30 + entry.nameBytes.length;
function storedDataStart(header, at, entry, fileSize) {
  const view = new DataView(header.buffer, header.byteOffset + at, 30);
  if (view.getUint32(0, true) !== 67324752) return "has no local header where its directory entry points";
  const name = entry.nameBytes;
  let sameName = view.getUint16(26, true) === name.length && ((view.getUint16(6, true) ^ entry.flags) & 2048) === 0;
  for (let i = 0; sameName && i < name.length; i++) sameName = header[at + 30 + i] === name[i];
  if (!sameName) return "has another name (or name encoding) in its local header than in the directory";
  const start = entry.localHeaderOffset + 30 + name.length + view.getUint16(28, true);
  const end = start + entry.compressedSize;
  if (end > entry.dataLimit) return "overlaps the next member or the directory";
  if (end > fileSize) return "runs past the end of the file";
  return start;
}
function entryProblem(entry) {
  if (entry.flags & FLAG_ENCRYPTED) return `${entry.name} is encrypted`;
  if (entry.method !== 0 && entry.method !== 8) return `${entry.name} uses compression method ${entry.method}`;
  return void 0;
}
var WindowPool = class {
  constructor(size = 1024 * 1024) {
    this.size = size;
  }
  size;
  free = [];
  /** windows made so far: at most one more than the readers holding one at once */
  allocated = 0;
  take() {
    const reused = this.free.pop();
    if (reused) return reused;
    this.allocated++;
    return Buffer.allocUnsafe(this.size);
  }
  give(buffer) {
    if (buffer.length === this.size) this.free.push(buffer);
  }
};
var EntryReader = class {
  constructor(directory, windows = new WindowPool()) {
    this.directory = directory;
    this.windows = windows;
  }
  directory;
  windows;
  handle;
  buffer;
  windowStart = 0;
  windowLength = 0;
  get chunkSize() {
    return this.windows.size;
  }
  /** the entry's data exactly as stored in the zip (compressed when method is 8), until the next read */
  async read(entry) {
    const start = await this.dataStart(entry);
    const [data, offset] = await this.locate(start, entry.compressedSize);
    return data.subarray(offset, offset + entry.compressedSize);
  }
  /**
   * The entry's stored data handed to `sink` in pieces of at most a window, each valid until
   * `sink` settles: a large shared object is copied through the window, not read whole.
   */
  async copy(entry, sink) {
    const start = await this.dataStart(entry);
    if (entry.compressedSize <= this.chunkSize / 2) {
      const [data, offset] = await this.locate(start, entry.compressedSize);
      return sink(data.subarray(offset, offset + entry.compressedSize));
    }
    const handle = await this.open();
    this.buffer ??= this.windows.take();
    this.windowLength = 0;
    for (let done = 0; done < entry.compressedSize; ) {
      const want = Math.min(this.chunkSize, entry.compressedSize - done);
      const got = await readInto(handle, this.buffer, want, start + done);
      if (got < want) throw new Error(`${this.directory.path}: unexpected end of file at byte ${start + done + got}`);
      await sink(this.buffer.subarray(0, want));
      done += want;
    }
  }
  async dataStart(entry) {
    const problem = entryProblem(entry);
    if (problem) throw new Error(`${this.directory.path}: ${problem}`);
    const [header, at] = await this.locate(entry.localHeaderOffset, localHeaderLength(entry));
    const start = storedDataStart(header, at, entry, this.directory.size);
    if (typeof start === "string") throw new Error(`${this.directory.path}: ${entry.name} ${start}`);
    return start;
  }
  open() {
    this.handle ??= open(this.directory.path, "r");
    return this.handle;
  }
  /** A buffer holding the bytes, and where they start in it. */
  async locate(position, length) {
    const inWindow = position >= this.windowStart && position + length <= this.windowStart + this.windowLength;
    if (this.buffer && inWindow) return [this.buffer, position - this.windowStart];
    const handle = await this.open();
    if (length > this.chunkSize / 2) return [await readAt(handle, position, length), 0];
    this.buffer ??= this.windows.take();
    const done = await readInto(
      handle,
      this.buffer,
      Math.min(this.chunkSize, this.directory.size - position),
      position
    );
    this.windowStart = position;
    this.windowLength = done;
    if (done < length) throw new Error(`${this.directory.path}: unexpected end of file at byte ${position + done}`);
    return [this.buffer, 0];
  }
  /** Drops the read window (the file stays open): a writer copying from many zips keeps few windows. */
  release() {
    if (this.buffer) this.windows.give(this.buffer);
    this.buffer = void 0;
    this.windowLength = 0;
  }
  async close() {
    const handle = this.handle;
    this.handle = void 0;
    this.release();
    if (handle) await (await handle).close();
  }
};

// src/zip/records.ts
var MODE_FILE = 33188;
var MODE_EXECUTABLE = 33261;
var MODE_DIRECTORY = 16877;
var MODE_TYPE = 61440;
var DOS_TIME = 0;
var DOS_DATE = 0 << 9 | 1 << 5 | 1;
var VERSION_MADE_BY_UNIX = 3 << 8 | 20;
var VERSION_NEEDED = 20;
var VERSION_MADE_BY_UNIX_ZIP64 = 3 << 8 | 45;
var VERSION_NEEDED_ZIP64 = 45;
var FLAG_UTF82 = 1 << 11;
var ZIP64_ENTRIES = 65535;
var MAX_OFFSET = 4294967295;
function writeLocalHeader(p, h, at) {
  h.writeUInt32LE(67324752, at);
  h.writeUInt16LE(VERSION_NEEDED, at + 4);
  h.writeUInt16LE(p.flags, at + 6);
  h.writeUInt16LE(p.method, at + 8);
  h.writeUInt16LE(DOS_TIME, at + 10);
  h.writeUInt16LE(DOS_DATE, at + 12);
  h.writeUInt32LE(p.crc >>> 0, at + 14);
  h.writeUInt32LE(p.compressedSize, at + 18);
  h.writeUInt32LE(p.size, at + 22);
  h.writeUInt16LE(p.nameBytes.length, at + 26);
  h.writeUInt16LE(0, at + 28);
  p.nameBytes.copy(h, at + 30);
}
function writeCentralHeader(p, offset, h, at) {
  h.writeUInt32LE(33639248, at);
  h.writeUInt16LE(VERSION_MADE_BY_UNIX, at + 4);
  h.writeUInt16LE(VERSION_NEEDED, at + 6);
  h.writeUInt16LE(p.flags, at + 8);
  h.writeUInt16LE(p.method, at + 10);
  h.writeUInt16LE(DOS_TIME, at + 12);
  h.writeUInt16LE(DOS_DATE, at + 14);
  h.writeUInt32LE(p.crc >>> 0, at + 16);
  h.writeUInt32LE(p.compressedSize, at + 20);
  h.writeUInt32LE(p.size, at + 24);
  h.writeUInt16LE(p.nameBytes.length, at + 28);
  h.fill(0, at + 30, at + 38);
  const external = (p.mode << 16 | (p.mode & 16384 ? 16 : 0)) >>> 0;
  h.writeUInt32LE(external, at + 38);
  h.writeUInt32LE(offset, at + 42);
  p.nameBytes.copy(h, at + 46);
}
function nameFlags(nameBytes) {
  for (const b of nameBytes) if (b < 32 || b > 126) return FLAG_UTF82;
  return 0;
}
function endOfCentralDirectory(count, size, offset) {
  const zip64 = count >= ZIP64_ENTRIES;
  const h = Buffer.alloc(zip64 ? 56 + 20 + 22 : 22);
  let at = 0;
  if (zip64) {
    h.writeUInt32LE(101075792, 0);
    h.writeBigUInt64LE(44n, 4);
    h.writeUInt16LE(VERSION_MADE_BY_UNIX_ZIP64, 12);
    h.writeUInt16LE(VERSION_NEEDED_ZIP64, 14);
    h.writeBigUInt64LE(BigInt(count), 24);
    h.writeBigUInt64LE(BigInt(count), 32);
    h.writeBigUInt64LE(BigInt(size), 40);
    h.writeBigUInt64LE(BigInt(offset), 48);
    h.writeUInt32LE(117853008, 56);
    h.writeBigUInt64LE(BigInt(offset + size), 64);
    h.writeUInt32LE(1, 72);
    at = 76;
  }
  h.writeUInt32LE(101010256, at);
  h.writeUInt16LE(Math.min(count, 65535), at + 8);
  h.writeUInt16LE(Math.min(count, 65535), at + 10);
  h.writeUInt32LE(size, at + 12);
  h.writeUInt32LE(offset, at + 16);
  return h;
}

// src/zip/writer.ts
var ZIP_LEVEL = 6;
var DEFAULT_BYTES_IN_FLIGHT = 16 * 1024 * 1024;
var INLINE_LIMIT = 1024 * 1024;
var OUTPUT_BUFFER = 2 * 1024 * 1024;
var ENTRIES_AHEAD = 512;
var READ_WINDOWS = 4;
function isCopied(member) {
  return "entry" in member;
}
function isData(member) {
  return "data" in member;
}
function copyEntries(from, rename2 = (name) => name) {
  const copied = [];
  for (const entry of from.entries) {
    if (entry.name.endsWith("/")) continue;
    const name = rename2(entry.name);
    if (name !== void 0) copied.push({ name, from, entry });
  }
  return copied;
}
function withDirectories(members) {
  const names = /* @__PURE__ */ new Map();
  for (const m of members) {
    if (m.name.endsWith("/") || m.name.startsWith("/") || m.name === "") {
      throw new Error(`zip entry "${m.name}" is not a file name`);
    }
    if (names.has(m.name)) throw new Error(`zip entry ${m.name} given twice`);
    names.set(m.name, m);
    for (let end = m.name.lastIndexOf("/"); end > 0; end = m.name.lastIndexOf("/", end - 1)) {
      const dir = m.name.slice(0, end + 1);
      if (names.has(dir)) break;
      names.set(dir, void 0);
    }
  }
  for (const [name, member] of names) {
    if (member && names.has(`${name}/`)) throw new Error(`zip entry ${name} is both a file and a folder`);
  }
  return [...names.entries()].map(([name, member]) => ({ name, member, nameBytes: Buffer.from(name, "utf8") })).sort((a, b) => Buffer.compare(a.nameBytes, b.nameBytes));
}
function copiedMode(c) {
  if (c.executable !== void 0) return c.executable ? MODE_EXECUTABLE : MODE_FILE;
  const type = c.entry.mode & MODE_TYPE;
  if (type !== 0 && type !== 32768) {
    throw new Error(`${c.from.path}: ${c.entry.name} is not a regular file (mode ${c.entry.mode.toString(8)})`);
  }
  return c.entry.mode & 73 ? MODE_EXECUTABLE : MODE_FILE;
}
var Output = class {
  constructor(handle) {
    this.handle = handle;
  }
  handle;
  hash = createHash("sha256");
  offset = 0;
  stages = [Buffer.allocUnsafe(OUTPUT_BUFFER), Buffer.allocUnsafe(OUTPUT_BUFFER)];
  current = 0;
  filled = 0;
  writing = Promise.resolve();
  /** room for `length` bytes (at most OUTPUT_BUFFER), to be written in place */
  async reserve(length) {
    if (this.filled + length > OUTPUT_BUFFER) await this.cut();
    const at = this.filled;
    this.filled += length;
    this.offset += length;
    return [this.stages[this.current], at];
  }
  async write(buf) {
    for (let done = 0; done < buf.length; ) {
      if (this.filled === OUTPUT_BUFFER) await this.cut();
      const n = buf.copy(this.stages[this.current], this.filled, done, done + OUTPUT_BUFFER - this.filled);
      this.filled += n;
      done += n;
    }
    this.offset += buf.length;
  }
  /** hands the filled stage to the file; the other one, written by now, fills next */
  async cut() {
    const chunk = this.stages[this.current].subarray(0, this.filled);
    this.hash.update(chunk);
    await this.writing;
    const writing = this.handle.write(chunk, 0, chunk.length).then(() => {
    });
    writing.catch(() => {
    });
    this.writing = writing;
    this.current ^= 1;
    this.filled = 0;
  }
  async end() {
    if (this.filled > 0) await this.cut();
    await this.writing;
  }
};
function tooLarge(outPath) {
  throw new UserError(
    `${outPath} would be larger than 4 GiB: far more than Lambda's unzipped limit for a function and its layers (${UNZIPPED_LIMIT} bytes)`,
    { hint: "ship less: leave large data out of the code and dependencies, and load it at run time from S3 or EFS" }
  );
}
async function writeZip(members, outPath, options = {}) {
  const level = options.level ?? ZIP_LEVEL;
  const budget = options.bytesInFlight ?? DEFAULT_BYTES_IN_FLIGHT;
  const maxFileBytes = options.maxFileBytes ?? UNZIPPED_LIMIT;
  const entries = withDirectories(members);
  const toCompress = members.reduce((sum, m) => sum + (isCopied(m) || isData(m) ? 0 : m.size), 0);
  const pool = toCompress < INLINE_LIMIT ? void 0 : new DeflatePool(defaultThreads());
  const compress = (f) => (pool ? pool.compress(f.absolutePath, level, f.size, maxFileBytes) : compressInline(f.absolutePath, level, maxFileBytes)).catch((error) => {
    if (!(error instanceof Refused)) throw error;
    throw new UserError(`${f.name}: ${error.message}`, {
      where: { file: f.name },
      hint: "leave the file out of the code (`exclude`), or load it at run time from S3 or EFS"
    });
  });
  const prepare = async ({ nameBytes, member }) => {
    const flags = nameFlags(nameBytes);
    if (!member) return { nameBytes, flags, mode: MODE_DIRECTORY, method: 0, crc: 0, size: 0, compressedSize: 0 };
    if (isCopied(member)) {
      const { entry } = member;
      const [method, crc, size, compressedSize] = [entry.method, entry.crc, entry.size, entry.compressedSize];
      return { nameBytes, flags, mode: copiedMode(member), method, crc, size, compressedSize, copied: member };
    }
    const compressed = isData(member) ? compressData(member.data, level) : await compress(member);
    const mode = member.executable ? MODE_EXECUTABLE : MODE_FILE;
    return { nameBytes, flags, mode, ...compressed, compressedSize: compressed.data.length };
  };
  const readers = /* @__PURE__ */ new Map();
  const windows = [];
  const windowPool = options.windows ?? new WindowPool();
  const copyInto = (c, sink) => {
    const reader = readers.get(c.from) ?? new EntryReader(c.from, windowPool);
    readers.set(c.from, reader);
    if (windows.at(-1) !== reader) {
      const at = windows.indexOf(reader);
      if (at >= 0) windows.splice(at, 1);
      windows.push(reader);
      if (windows.length > READ_WINDOWS) windows.shift()?.release();
    }
    return reader.copy(c.entry, sink);
  };
  const handle = await open2(outPath, "w");
  const out = new Output(handle);
  const central = Buffer.allocUnsafe(entries.reduce((sum, e) => sum + 46 + e.nameBytes.length, 0));
  let centralLength = 0;
  let unzippedSize = 0;
  try {
    const pending = [];
    const estimates = [];
    let next = 0;
    let inFlight = 0;
    let written = 0;
    const fill = () => {
      while (next < entries.length && (next === written || inFlight < budget && next - written < ENTRIES_AHEAD)) {
        const entry = entries[next];
        const m = entry.member;
        const estimate = !m || isCopied(m) || isData(m) ? 0 : m.size;
        inFlight += estimate;
        estimates.push(estimate);
        const prepared = prepare(entry);
        prepared.catch(() => {
        });
        pending.push(prepared);
        next++;
      }
    };
    for (let i = 0; i < entries.length; i++) {
      fill();
      const p = await pending[i];
      delete pending[i];
      inFlight -= estimates[i];
      written++;
      if (out.offset > MAX_OFFSET) tooLarge(outPath);
      writeCentralHeader(p, out.offset, central, centralLength);
      centralLength += 46 + p.nameBytes.length;
      const [stage, at] = await out.reserve(30 + p.nameBytes.length);
      writeLocalHeader(p, stage, at);
      if (p.data) await out.write(p.data);
      else if (p.copied) await copyInto(p.copied, (piece) => out.write(piece));
      unzippedSize += p.size;
    }
    const cdOffset = out.offset;
    if (cdOffset > MAX_OFFSET) tooLarge(outPath);
    await out.write(central);
    await out.write(endOfCentralDirectory(entries.length, central.length, cdOffset));
    await out.end();
  } finally {
    await out.end().catch(() => {
    });
    await pool?.close();
    await handle.close();
    await Promise.all([...readers.values()].map((r) => r.close()));
  }
  const digest = out.hash.digest();
  return {
    path: outPath,
    size: out.offset,
    unzippedSize,
    entries: entries.length,
    sha256: digest.toString("hex"),
    codeSha256: digest.toString("base64")
  };
}

// src/zip/package.ts
var LAYER_PREFIX = "python/";
var NONE = /* @__PURE__ */ new Set();
function planPackages(mode, code, dependencies, allowCollisions) {
  switch (mode) {
    case "layer":
      return { layerZip: true };
    case "split":
      return { functionZip: { code, withDependencies: false, overridden: NONE }, layerZip: true };
    case "function": {
      const fileFolder = fileFolderClashes(code, dependencies);
      if (fileFolder.length > 0) {
        throw new UserError(
          `one zip cannot hold a file and a folder of the same name: ${fileFolder.map(describeFileFolderClash).join("; ")}`,
          {
            where: fileFolder[0]?.codeIsFile ? { file: fileFolder[0].file } : {},
            hint: "rename the function's file or folder (allow-collisions cannot help: neither can win)"
          }
        );
      }
      const codePaths = new Set(code.map((f) => f.path));
      const clashing = dependencies.filter((f) => codePaths.has(f.path));
      if (clashing.length > 0 && !allowCollisions) {
        const list = clashing.map((f) => `${f.path} (code and ${f.distribution ?? "a dependency"})`).join(", ");
        throw new UserError(`the function code and the dependencies both provide ${list}`, {
          hint: "rename or remove the file in your code, or set `allow-collisions: true` to let the code's file win"
        });
      }
      const overridden = new Set(clashing.map((f) => f.path));
      return { functionZip: { code, withDependencies: true, overridden }, layerZip: false };
    }
  }
}
function dependencyMembers(files) {
  return files.map((f) => ({
    name: `${LAYER_PREFIX}${f.path}`,
    absolutePath: f.absolutePath,
    executable: f.executable,
    size: f.size
  }));
}
function functionMembers(plan, dependencyZip) {
  const members = plan.code.map((f) => ({
    name: f.path,
    absolutePath: f.absolutePath,
    executable: f.executable,
    size: f.size
  }));
  if (plan.withDependencies) {
    const copied = copyEntries(dependencyZip, (name) => {
      const inTree = name.startsWith(LAYER_PREFIX) ? name.slice(LAYER_PREFIX.length) : void 0;
      return inTree && !plan.overridden.has(inTree) ? inTree : void 0;
    });
    append(members, copied);
  }
  return members;
}
var FINAL_NAMES = { functionZip: "function.zip", layerZip: "layer.zip" };
async function writePackages(plan, dependencyZip, outputDir) {
  const suffix = `.partial-${process.pid}-${randomBytes(4).toString("hex")}.zip`;
  const temporary = (kind) => path.join(outputDir, `${FINAL_NAMES[kind]}${suffix}`);
  const final = (kind) => path.join(outputDir, FINAL_NAMES[kind]);
  const kinds = [];
  if (plan.functionZip) kinds.push("functionZip");
  if (plan.layerZip) kinds.push("layerZip");
  const discard = async () => {
    await Promise.all(kinds.map((k) => rm(temporary(k), { force: true })));
  };
  const layer = async () => {
    if (!plan.layerZip) return void 0;
    const moved = dependencyZip.ownCopy === true && !plan.functionZip?.withDependencies && await rename(dependencyZip.zip.path, temporary("layerZip")).then(
      () => true,
      () => false
    );
    if (!moved) await copyFile(dependencyZip.zip.path, temporary("layerZip"));
    return { ...dependencyZip.zip, path: final("layerZip") };
  };
  const written = await Promise.all([
    plan.functionZip ? writeZip(functionMembers(plan.functionZip, dependencyZip.directory), temporary("functionZip")).then((z) => ({
      ...z,
      path: final("functionZip")
    })) : void 0,
    layer()
  ]).catch(async (error) => {
    await discard();
    throw error;
  });
  return {
    functionZip: written[0],
    layerZip: written[1],
    staged: {
      functionZip: written[0] && temporary("functionZip"),
      layerZip: written[1] && temporary("layerZip")
    },
    publish: async () => {
      for (const k of kinds) await rename(temporary(k), final(k));
    },
    discard
  };
}
async function prepareOutputDir(outputDir) {
  const hint = "set `output-dir` to a folder the job can write (or leave it unset)";
  const existing = await stat(outputDir).catch(() => void 0);
  if (existing && !existing.isDirectory()) {
    throw new UserError(`output-dir ${outputDir} is a file, not a folder: the zips cannot be written there`, { hint });
  }
  try {
    await mkdir(outputDir, { recursive: true });
    const probe = path.join(outputDir, `.lpp-write-probe-${process.pid}-${randomBytes(4).toString("hex")}`);
    await writeFile(probe, "");
    await rm(probe, { force: true });
    for (const name of Object.values(FINAL_NAMES)) await rm(path.join(outputDir, name), { force: true });
  } catch (error) {
    const code = error.code;
    const why = code === "ENOTDIR" || code === "EEXIST" ? "a file stands where one of its folders should be" : code === "EACCES" || code === "EPERM" || code === "EROFS" ? "the job may not write there" : code === "EISDIR" || code === "ERR_FS_EISDIR" ? "a folder stands where function.zip or layer.zip goes" : error.message;
    throw new UserError(`output-dir ${outputDir} cannot hold the zips: ${why}`, { hint, cause: error });
  }
}

// src/json-syntax.ts
var VALUE = "a value (object, array, string, number, true, false or null)";
var NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
var STRING_BODY = /(?:[^"\\\0-\x1f]|\\["\\/bfnrt]|\\u[0-9A-Fa-f]{4})*/y;
var LITERAL = /true|false|null/y;
function findJsonError(text) {
  let i = 0;
  const stack = [];
  const fail = (expected) => {
    const before = text.slice(0, i);
    const line = before.split("\n").length;
    return { offset: i, line, column: i - (before.lastIndexOf("\n") + 1) + 1, expected };
  };
  const skipSpace = () => {
    while (i < text.length && " 	\n\r".includes(text[i])) i++;
  };
  const match = (pattern) => {
    pattern.lastIndex = i;
    const m = pattern.exec(text);
    if (!m || m[0].length === 0) return false;
    i += m[0].length;
    return true;
  };
  const string = () => {
    i++;
    STRING_BODY.lastIndex = i;
    i += STRING_BODY.exec(text)?.[0].length ?? 0;
    if (text[i] === '"') {
      i++;
      return void 0;
    }
    if (i >= text.length) return fail('the closing " of a string');
    return fail(
      text[i] === "\\" ? 'an escape: \\" \\\\ \\/ \\b \\f \\n \\r \\t or \\u and four hex digits' : "no control character inside a string (escape it)"
    );
  };
  const key = () => {
    if (text[i] !== '"') return fail("a property name in double quotes");
    const error = string();
    if (error) return error;
    skipSpace();
    if (text[i] !== ":") return fail('":" after the property name');
    i++;
    return void 0;
  };
  skipSpace();
  for (; ; ) {
    skipSpace();
    const c = text[i];
    let opened = false;
    if (c === "{" || c === "[") {
      i++;
      skipSpace();
      if (text[i] === (c === "{" ? "}" : "]")) i++;
      else {
        stack.push(c === "{" ? "object" : "array");
        opened = true;
        if (c === "{") {
          const error = key();
          if (error) return error;
        }
      }
    } else if (c === '"') {
      const error = string();
      if (error) return error;
    } else if (!match(c === "-" || c !== void 0 && c >= "0" && c <= "9" ? NUMBER : LITERAL)) return fail(VALUE);
    if (opened) continue;
    for (; ; ) {
      skipSpace();
      const top = stack.at(-1);
      if (top === void 0) return i < text.length ? fail("the end of the text after the value") : void 0;
      const close = top === "array" ? "]" : "}";
      if (text[i] === close) {
        i++;
        stack.pop();
        continue;
      }
      if (text[i] !== ",") return fail(`"," or "${close}"`);
      i++;
      if (top === "object") {
        skipSpace();
        const error = key();
        if (error) return error;
      }
      break;
    }
  }
}
function describeJsonError(error) {
  return `at line ${error.line}, column ${error.column}: expected ${error.expected}`;
}
function looksLikeJson(text) {
  return /^\s*[[{]/.test(text);
}

// src/verify/handler.ts
var IDENTIFIER = "[A-Za-z_][A-Za-z0-9_]*";
var HANDLER = new RegExp(`^${IDENTIFIER}(?:[./]${IDENTIFIER})*\\.${IDENTIFIER}$`);
function parseHandler(handler) {
  if (handler.length > 128 || !HANDLER.test(handler)) {
    return new UserError(`handler "${handler}" is not a Python handler (MODULE.FUNCTION, e.g. app.handler)`, {
      hint: "write the module path and the function name as Lambda's Handler setting takes them: app.handler or orders/api.main"
    });
  }
  const cut = handler.lastIndexOf(".");
  const modulePath = handler.slice(0, cut).replace(/\./g, "/");
  return { handler, module: modulePath.replace(/\//g, "."), modulePath, function: handler.slice(cut + 1) };
}
function findModule(ref, functionEntries, layerEntries) {
  const names = [`${ref.modulePath}.py`, `${ref.modulePath}/__init__.py`];
  for (const entry of names) if (functionEntries.has(entry)) return { zip: "function", entry };
  for (const entry of names)
    if (layerEntries.has(`${LAYER_PREFIX}${entry}`)) return { zip: "layer", entry: `${LAYER_PREFIX}${entry}` };
  return void 0;
}
function definitionLine(source, name) {
  const definition = new RegExp(
    `^(?:(?:async\\s+)?def\\s+${name}\\s*\\(|${name}\\s*(?::[^=]*)?=(?!=)|from\\s+\\S+\\s+import\\s+.*\\b(?:${name})\\b|import\\s+.*\\bas\\s+${name}\\b)`
  );
  const lines = source.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) if (definition.test(lines[i] ?? "")) return i + 1;
  return void 0;
}
function staticVerdict(ref, home, source, zips) {
  if (!home) {
    const looked = [
      ...zips.function ? [`${zips.function} (${ref.modulePath}.py, ${ref.modulePath}/__init__.py)`] : [],
      ...zips.layer ? [`${zips.layer} (under ${LAYER_PREFIX})`] : []
    ].join(" and ");
    return {
      refusal: new UserError(`handler ${ref.handler}: module ${ref.module} is not in ${looked || "any zip"}`, {
        hint: "check the handler's module path against the source files shipped (`source`, `exclude`), or fix `handler`"
      })
    };
  }
  const line = source === void 0 ? void 0 : definitionLine(source, ref.function);
  if (line === void 0) {
    return {
      home,
      refusal: new UserError(
        `handler ${ref.handler}: ${home.entry} defines no top-level ${ref.function} (no \`def ${ref.function}(\`, \`async def\`, assignment or import of that name)`,
        {
          where: { file: home.zip === "function" ? home.entry : void 0 },
          hint: "fix the function name in `handler`, or define it in the module"
        }
      )
    };
  }
  return { home, line };
}

export {
  findJsonError,
  describeJsonError,
  looksLikeJson,
  COLLECT_SOURCE,
  WorkerPool,
  defaultThreads,
  readZipDirectory,
  inflateEntry,
  inflateWithin,
  storedDataStart,
  entryProblem,
  EntryReader,
  MODE_FILE,
  MODE_EXECUTABLE,
  ZIP_LEVEL,
  writeZip,
  LAYER_PREFIX,
  planPackages,
  dependencyMembers,
  writePackages,
  prepareOutputDir,
  parseHandler,
  findModule,
  staticVerdict
};
