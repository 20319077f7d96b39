/**
 * Checking the members of other zips (the wheels) on worker threads: each member read from
 * its file, inflated within its declared size, held to its CRC, and hashed with SHA-256 as
 * a wheel's RECORD gives it, then dropped, unless the caller asked for its bytes (a shared
 * object's, for its ELF headers; a small text's). On 2 cores this halves the 1.9 s one
 * thread spends on the ~250 MB of a large data-science set (inflate 1.3 s, read 0.4 s,
 * hash 0.2 s).
 */

import { COLLECT_SOURCE, defaultThreads, WorkerPool } from "./pool.ts";
import { inflateWithin, type LocalHeaderCheck, storedDataStart, type ZipEntry } from "./reader.ts";

/** Which bytes come back: none, the whole member when it starts with the ELF magic, or its first `limit` bytes. */
export type Keep = { kind: "none" } | { kind: "elf" } | { kind: "head"; limit: number };

export interface InflatedMember {
  /** "sha256=" and the URL-safe base64 digest, as RECORD writes it */
  hash: string;
  /** what `keep` asked for, when it applies */
  bytes?: Buffer;
  /**
   * a large ELF member kept on disk rather than moved to the main thread (the caller reads
   * the few blocks it needs, then deletes the file): 130 MB of shared objects in flight
   * would otherwise sit in memory until a collection
   */
  spilled?: string;
}

/** ELF members above this size are written to the spill folder instead of being moved in memory. */
const SPILL_OVER = 64 * 1024;

/** What the worker refused about a member: damaged or lying (size, CRC, layout), said about the member. */
export class MemberCorrupt extends Error {}

/** One member to check, as the worker gets it. */
interface MemberJob extends LocalHeaderCheck {
  size: number;
  method: number;
  crc: number;
  keep: Keep;
}

/** Members of one zip checked in one go: a message per member would cost the main thread more than the work. */
interface Group {
  file: string;
  members: MemberJob[];
  spillDir: string;
  spillOver: number;
}

type MemberAnswer = { hash: string; bytes?: Uint8Array; spilled?: string } | { corrupt: string };

// Kept free of outside names: sent to the workers as source text.
const WORKER_SOURCE = `
const { parentPort, threadId } = require("node:worker_threads");
let spills = 0;
${COLLECT_SOURCE}
const { crc32, inflateRawSync } = require("node:zlib");
const { createHash } = require("node:crypto");
const fs = require("node:fs");
const inflateWithin = ${inflateWithin.toString()};
const storedDataStart = ${storedDataStart.toString()};
class Corrupt extends Error {}
// one read buffer for the compressed bytes, garbage once inflated; a larger member gets its own
const reused = Buffer.allocUnsafeSlow(4 * 1024 * 1024);
function readExactly(fd, length, position) {
  const buffer = length <= reused.length ? reused.subarray(0, length) : Buffer.allocUnsafeSlow(length);
  let done = 0;
  while (done < length) {
    const n = fs.readSync(fd, buffer, done, length - done, position + done);
    if (n === 0) throw new Corrupt("runs past the end of the file");
    done += n;
  }
  return buffer;
}
function check(fd, fileSize, job, group) {
  const start = storedDataStart(readExactly(fd, 30 + job.nameBytes.length, job.localHeaderOffset), 0, job, fileSize);
  if (typeof start === "string") throw new Corrupt(start);
  const stored = readExactly(fd, job.compressedSize, start);
  const data = inflateWithin(stored, job.method, job.size, job.crc, { inflateRawSync, crc32 });
  if (typeof data === "string") throw new Corrupt(data);
  const hash = "sha256=" + createHash("sha256").update(data).digest("base64url");
  dropped(data.length + (job.compressedSize > reused.length ? job.compressedSize : 0));
  const keep = job.keep;
  let bytes;
  if (keep.kind === "elf" && data.length >= 4 && data[0] === 0x7f && data[1] === 0x45 && data[2] === 0x4c && data[3] === 0x46) {
    if (data.length <= group.spillOver) bytes = data;
    else {
      spills += 1;
      const spilled = group.spillDir + "/" + threadId + "-" + spills + ".elf";
      fs.writeFileSync(spilled, data, { flag: "wx" });
      return { hash, spilled };
    }
  } else if (keep.kind === "head") bytes = data.subarray(0, keep.limit);
  if (!bytes) return { hash };
  // moved to the main thread without a copy when the bytes own their memory (a large member's do)
  const own = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength;
  return { hash, bytes: own ? new Uint8Array(bytes.buffer) : new Uint8Array(bytes) };
}
parentPort.on("message", (batch) => {
  const transfer = [];
  const results = batch.map((group) => {
    let fd;
    try {
      fd = fs.openSync(group.file, "r");
      const size = fs.fstatSync(fd).size;
      return group.members.map((job) => {
        try {
          const result = check(fd, size, job, group);
          if (result.bytes) transfer.push(result.bytes.buffer);
          return result;
        } catch (error) {
          if (error instanceof Corrupt) return { corrupt: error.message };
          throw error;
        }
      });
    } catch (error) {
      return { error: String(error && error.message ? error.message : error) };
    } finally {
      if (fd !== undefined) fs.closeSync(fd);
    }
  });
  parentPort.postMessage(results, transfer);
});
`;

/** Members per group, and declared bytes per group, before a group is cut. */
const GROUP_MEMBERS = 256;
const GROUP_BYTES = 4 * 1024 * 1024;

export class InflatePool {
  private readonly pool: WorkerPool<Group, MemberAnswer[]>;

  /** `spillDir`: an empty folder of the caller's for large ELF members (see InflatedMember.spilled) */
  constructor(
    private readonly spillDir: string,
    threads = defaultThreads(),
  ) {
    this.pool = new WorkerPool(threads, WORKER_SOURCE, "inflate", (answer) => new Error(answer.error));
  }

  /**
   * The members of `file` checked, in groups on the workers: per member its RECORD hash and
   * the bytes `keep` asks for, or a MemberCorrupt saying what is wrong with it.
   */
  checkAll(file: string, members: { entry: ZipEntry; keep: Keep }[]): Promise<InflatedMember | MemberCorrupt>[] {
    const { spillDir } = this;
    const answers: Promise<InflatedMember | MemberCorrupt>[] = [];
    for (let start = 0; start < members.length; ) {
      let end = start;
      let bytes = 0;
      while (end < members.length && end - start < GROUP_MEMBERS && (end === start || bytes < GROUP_BYTES)) {
        bytes += members[end]!.entry.size;
        end++;
      }
      const slice = members.slice(start, end).map(({ entry, keep }) => {
        const { localHeaderOffset, compressedSize, size, method, crc, flags, dataLimit } = entry;
        // a copy of the name alone: the directory's view would send its whole buffer with every group
        const nameBytes = new Uint8Array(entry.nameBytes);
        return { localHeaderOffset, compressedSize, size, method, crc, flags, nameBytes, dataLimit, keep };
      });
      const group = this.pool.run({ file, members: slice, spillDir, spillOver: SPILL_OVER }, bytes);
      for (let i = 0; i < slice.length; i++) answers.push(group.then((results) => member(results[i])));
      start = end;
    }
    return answers;
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}

function member(answer: MemberAnswer | undefined): InflatedMember | MemberCorrupt {
  if (!answer) return new MemberCorrupt("was not checked");
  if ("corrupt" in answer) return new MemberCorrupt(answer.corrupt);
  const { hash, bytes, spilled } = answer;
  if (spilled) return { hash, spilled };
  return bytes ? { hash, bytes: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) } : { hash };
}
