/**
 * A reproducible zip writer. Hand-written because no maintained npm zip library
 * combines what this needs: byte-identical output (sorted entries, one fixed time,
 * normalized modes, Unix as the creating system), entries compressed in parallel but
 * written in order, entries copied still compressed from another zip, and a streamed
 * SHA-256 of the result.
 *
 * An entry's bytes depend only on its name, mode and content (and the zlib and level
 * that compressed it), so an entry copied from a zip this writer made is the same
 * bytes as the file compressed again: the cached dependency zip can stand in for the
 * tree it was made from.
 */
import { createHash } from "node:crypto";
import { type FileHandle, open } from "node:fs/promises";
import { UserError } from "../errors.ts";
import { UNZIPPED_LIMIT } from "../inspect/sizes.ts";
import { type Compressed, compressData, compressInline, DeflatePool, defaultThreads, Refused } from "./deflate.ts";
import { EntryReader, WindowPool, type ZipDirectory, type ZipEntry } from "./reader.ts";
import {
  type EntryHeader,
  endOfCentralDirectory,
  MAX_OFFSET,
  MODE_DIRECTORY,
  MODE_EXECUTABLE,
  MODE_FILE,
  MODE_TYPE,
  nameFlags,
  writeCentralHeader,
  writeLocalHeader,
} from "./records.ts";

export { MODE_EXECUTABLE, MODE_FILE };

/** A file to compress now. */
export interface ZipInput {
  /** path inside the zip, "/" separated, no leading "/" */
  name: string;
  absolutePath: string;
  executable: boolean;
  /** bytes on disk, used to bound the memory of compression running ahead */
  size: number;
}

/** An entry copied as stored from another zip, under a name of its own. */
export interface CopiedEntry {
  name: string;
  from: ZipDirectory;
  entry: ZipEntry;
  /**
   * the mode to give it, decided by the caller (a wheel's member, by pip's rule); without it
   * the entry must be a regular file and keeps its execute bit
   */
  executable?: boolean;
}

/** Bytes already in memory (a few small files made or checked by the build), compressed now. */
export interface ZipData {
  name: string;
  data: Buffer;
  executable: boolean;
}

export type ZipMember = ZipInput | CopiedEntry | ZipData;

export interface ZipResult {
  path: string;
  /** bytes of the zip file */
  size: number;
  /** bytes of all files, uncompressed: what Lambda counts against its unzipped limit */
  unzippedSize: number;
  entries: number;
  sha256: string;
  /** base64 SHA-256: the form Lambda reports as CodeSha256 */
  codeSha256: string;
}

export interface ZipOptions {
  /** deflate level, 6 as Info-ZIP's default */
  level?: number;
  /** bytes read and compressed ahead of the writer, bounding memory */
  bytesInFlight?: number;
  /** the largest file taken; default Lambda's unzipped limit, which no larger file could ever fit */
  maxFileBytes?: number;
  /** the read windows copied entries pass through (a test counts them); default a pool of this zip's own */
  windows?: WindowPool;
}

/** The deflate level every zip of the action uses: part of what makes a copied entry equal a fresh one. */
export const ZIP_LEVEL = 6;
/**
 * Measured on 2 cores (bench/): budgets from 4 to 32 MB gave the same time and peak
 * RSS within noise (the workers' garbage dominates); 16 MB keeps both workers fed
 * through runs of large shared objects.
 */
const DEFAULT_BYTES_IN_FLIGHT = 16 * 1024 * 1024;
/** Below this many bytes to compress, starting workers costs more than it saves. */
const INLINE_LIMIT = 1024 * 1024;
const OUTPUT_BUFFER = 2 * 1024 * 1024;
/** entries prepared ahead of the writer at most: copied ones weigh nothing in the byte budget */
const ENTRIES_AHEAD = 512;
/** source zips whose read window (1 MB each, reader.ts WindowPool) is kept while copying entries */
const READ_WINDOWS = 4;

function isCopied(member: ZipMember): member is CopiedEntry {
  return "entry" in member;
}

function isData(member: ZipMember): member is ZipData {
  return "data" in member;
}

/**
 * The file entries of a zip, to copy under names of their own: `rename` gives the new
 * name (re-prefixed, or stripped of a prefix), or undefined to leave the entry out.
 * Directory entries are not copied: the writer makes them for what it writes.
 */
export function copyEntries(
  from: ZipDirectory,
  rename: (name: string) => string | undefined = (name) => name,
): CopiedEntry[] {
  const copied: CopiedEntry[] = [];
  for (const entry of from.entries) {
    if (entry.name.endsWith("/")) continue;
    const name = rename(entry.name);
    if (name !== undefined) copied.push({ name, from, entry });
  }
  return copied;
}

/** An entry ready for its headers; a copied entry's bytes are read when it is written. */
interface Prepared extends EntryHeader {
  data?: Buffer;
  copied?: CopiedEntry;
}

interface Planned {
  name: string;
  nameBytes: Buffer;
  member?: ZipMember;
}

/** Every directory that holds an entry gets its own entry, so its mode (0755) survives unzip. */
function withDirectories(members: ZipMember[]): Planned[] {
  const names = new Map<string, ZipMember | undefined>();
  for (const m of members) {
    if (m.name.endsWith("/") || m.name.startsWith("/") || m.name === "") {
      throw new Error(`zip entry "${m.name}" is not a file name`);
    }
    if (names.has(m.name)) throw new Error(`zip entry ${m.name} given twice`);
    names.set(m.name, m);
    // parents, nearest first, until one is known: its own parents are known with it
    for (let end = m.name.lastIndexOf("/"); end > 0; end = m.name.lastIndexOf("/", end - 1)) {
      const dir = m.name.slice(0, end + 1);
      if (names.has(dir)) break;
      names.set(dir, undefined);
    }
  }
  // "casey" and "casey/x" in one zip: no unzip can make both, Lambda's included
  for (const [name, member] of names) {
    if (member && names.has(`${name}/`)) throw new Error(`zip entry ${name} is both a file and a folder`);
  }
  // Byte order of the UTF-8 names, not locale order: the same on every machine.
  return [...names.entries()]
    .map(([name, member]) => ({ name, member, nameBytes: Buffer.from(name, "utf8") }))
    .sort((a, b) => Buffer.compare(a.nameBytes, b.nameBytes));
}

function copiedMode(c: CopiedEntry): number {
  if (c.executable !== undefined) return c.executable ? MODE_EXECUTABLE : MODE_FILE;
  const type = c.entry.mode & MODE_TYPE;
  if (type !== 0 && type !== 0o100000) {
    throw new Error(`${c.from.path}: ${c.entry.name} is not a regular file (mode ${c.entry.mode.toString(8)})`);
  }
  return c.entry.mode & 0o111 ? MODE_EXECUTABLE : MODE_FILE;
}

/**
 * Sequential output through two reused staging buffers: one fills while the other is
 * written, hashed on the way. Everything is copied in, so the caller may reuse what it
 * passed (the reader's window) and nothing is left for the garbage collector.
 */
class Output {
  readonly hash = createHash("sha256");
  offset = 0;
  private readonly stages = [Buffer.allocUnsafe(OUTPUT_BUFFER), Buffer.allocUnsafe(OUTPUT_BUFFER)];
  private current = 0;
  private filled = 0;
  private writing: Promise<void> = Promise.resolve();
  constructor(private readonly handle: FileHandle) {}

  /** room for `length` bytes (at most OUTPUT_BUFFER), to be written in place */
  async reserve(length: number): Promise<[Buffer, number]> {
    if (this.filled + length > OUTPUT_BUFFER) await this.cut();
    const at = this.filled;
    this.filled += length;
    this.offset += length;
    return [this.stages[this.current]!, at];
  }

  async write(buf: Buffer): Promise<void> {
    for (let done = 0; done < buf.length; ) {
      if (this.filled === OUTPUT_BUFFER) await this.cut();
      const n = buf.copy(this.stages[this.current]!, this.filled, done, done + OUTPUT_BUFFER - this.filled);
      this.filled += n;
      done += n;
    }
    this.offset += buf.length;
  }

  /** hands the filled stage to the file; the other one, written by now, fills next */
  private async cut(): Promise<void> {
    const chunk = this.stages[this.current]!.subarray(0, this.filled);
    this.hash.update(chunk);
    await this.writing;
    const writing = this.handle.write(chunk, 0, chunk.length).then(() => {});
    // a failure surfaces at the next cut or at end(); until then it is not "unhandled"
    writing.catch(() => {});
    this.writing = writing;
    this.current ^= 1;
    this.filled = 0;
  }

  async end(): Promise<void> {
    if (this.filled > 0) await this.cut();
    await this.writing;
  }
}

function tooLarge(outPath: string): never {
  throw new UserError(
    `${outPath} would be larger than 4 GiB: far more than Lambda's unzipped limit for a function and its layers (${UNZIPPED_LIMIT} bytes)`,
    { hint: "ship less: leave large data out of the code and dependencies, and load it at run time from S3 or EFS" },
  );
}

// biome-ignore lint/complexity/noExcessiveLinesPerFunction: over 80 lines on purpose: the compressions in flight, the readers of copied entries and the output stream share one byte budget and one cleanup (the finally), which split functions would have to pass back and forth
export async function writeZip(members: ZipMember[], outPath: string, options: ZipOptions = {}): Promise<ZipResult> {
  const level = options.level ?? ZIP_LEVEL;
  const budget = options.bytesInFlight ?? DEFAULT_BYTES_IN_FLIGHT;
  const maxFileBytes = options.maxFileBytes ?? UNZIPPED_LIMIT;
  const entries = withDirectories(members);
  const toCompress = members.reduce((sum, m) => sum + (isCopied(m) || isData(m) ? 0 : m.size), 0);
  // Workers for this zip only: idle workers keep tens of MB of garbage no collection
  // reclaims, which the next stage (a copy of the dependency zip) would pile onto.
  const pool = toCompress < INLINE_LIMIT ? undefined : new DeflatePool(defaultThreads());
  const compress = (f: ZipInput): Promise<Compressed> =>
    (pool
      ? pool.compress(f.absolutePath, level, f.size, maxFileBytes)
      : compressInline(f.absolutePath, level, maxFileBytes)
    ).catch((error: unknown) => {
      if (!(error instanceof Refused)) throw error;
      throw new UserError(`${f.name}: ${error.message}`, {
        where: { file: f.name },
        hint: "leave the file out of the code (`exclude`), or load it at run time from S3 or EFS",
      });
    });
  const prepare = async ({ nameBytes, member }: Planned): Promise<Prepared> => {
    const flags = nameFlags(nameBytes);
    if (!member) return { nameBytes, flags, mode: MODE_DIRECTORY, method: 0, crc: 0, size: 0, compressedSize: 0 };
    if (isCopied(member)) {
      const { entry } = member;
      const [method, crc, size, compressedSize] = [entry.method as 0 | 8, entry.crc, entry.size, entry.compressedSize];
      return { nameBytes, flags, mode: copiedMode(member), method, crc, size, compressedSize, copied: member };
    }
    const compressed: Compressed = isData(member) ? compressData(member.data, level) : await compress(member);
    const mode = member.executable ? MODE_EXECUTABLE : MODE_FILE;
    return { nameBytes, flags, mode, ...compressed, compressedSize: compressed.data.length };
  };
  const readers = new Map<ZipDirectory, EntryReader>();
  // the readers whose window is held, most recent last: copying from 50 wheels must not hold 50 windows
  const windows: EntryReader[] = [];
  const windowPool = options.windows ?? new WindowPool();
  const copyInto = (c: CopiedEntry, sink: (piece: Buffer) => Promise<void>): Promise<void> => {
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

  const handle = await open(outPath, "w");
  const out = new Output(handle);
  const central = Buffer.allocUnsafe(entries.reduce((sum, e) => sum + 46 + e.nameBytes.length, 0));
  let centralLength = 0;
  let unzippedSize = 0;
  try {
    // Start preparing entries ahead of the writer while their bytes fit the budget.
    const pending: Promise<Prepared>[] = [];
    const estimates: number[] = [];
    let next = 0;
    let inFlight = 0;
    let written = 0;
    const fill = () => {
      while (next < entries.length && (next === written || (inFlight < budget && next - written < ENTRIES_AHEAD))) {
        const entry = entries[next]!;
        const m = entry.member;
        // a copied entry holds no memory until it is written; data in memory is there already
        const estimate = !m || isCopied(m) || isData(m) ? 0 : m.size;
        inFlight += estimate;
        estimates.push(estimate);
        const prepared = prepare(entry);
        // Awaited in order below; this keeps a failure ahead of the writer from being "unhandled".
        prepared.catch(() => {});
        pending.push(prepared);
        next++;
      }
    };
    for (let i = 0; i < entries.length; i++) {
      fill();
      const p = await pending[i]!;
      delete pending[i];
      inFlight -= estimates[i]!;
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
    await out.end().catch(() => {});
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
    codeSha256: digest.toString("base64"),
  };
}
