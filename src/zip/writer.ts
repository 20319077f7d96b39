/**
 * A reproducible zip writer. Hand-written because no maintained npm zip library
 * combines what this needs: byte-identical output (sorted entries, one fixed time,
 * normalized modes, Unix as the creating system), entries compressed in parallel on
 * the thread pool but written in order, and a streamed SHA-256 of the result.
 */
import { createHash } from "node:crypto";
import { open, readFile } from "node:fs/promises";
import { promisify } from "node:util";
import zlib from "node:zlib";

const deflateRaw = promisify(zlib.deflateRaw);

export interface ZipInput {
  /** path inside the zip, "/" separated, no leading "/" */
  name: string;
  absolutePath: string;
  executable: boolean;
  /** bytes on disk, used to bound the memory of compression running ahead */
  size: number;
}

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
}

const MODE_FILE = 0o100644;
const MODE_EXECUTABLE = 0o100755;
const MODE_DIRECTORY = 0o040755;
/** 1980-01-01 00:00:00, the earliest DOS time: the same for every entry on every build */
const DOS_TIME = 0;
const DOS_DATE = (0 << 9) | (1 << 5) | 1;
const VERSION_MADE_BY_UNIX = (3 << 8) | 20;
const VERSION_NEEDED = 20;
const FLAG_UTF8 = 1 << 11;
const MAX_ENTRIES = 0xffff;
const MAX_OFFSET = 0xffffffff;

interface Prepared {
  name: string;
  nameBytes: Buffer;
  mode: number;
  method: 0 | 8;
  crc: number;
  size: number;
  data: Buffer;
}

/** Every directory that holds an entry gets its own entry, so its mode (0755) survives unzip. */
function withDirectories(files: ZipInput[]): { name: string; file?: ZipInput }[] {
  const names = new Map<string, ZipInput | undefined>();
  for (const f of files) {
    if (names.has(f.name)) throw new Error(`zip entry ${f.name} given twice`);
    names.set(f.name, f);
    const parts = f.name.split("/");
    for (let i = 1; i < parts.length; i++) {
      const dir = `${parts.slice(0, i).join("/")}/`;
      if (!names.has(dir)) names.set(dir, undefined);
    }
  }
  // Byte order of the UTF-8 names, not locale order: the same on every machine.
  return [...names.entries()]
    .sort(([a], [b]) => Buffer.compare(Buffer.from(a), Buffer.from(b)))
    .map(([name, file]) => ({ name, file }));
}

async function prepare(entry: { name: string; file?: ZipInput }, level: number): Promise<Prepared> {
  const nameBytes = Buffer.from(entry.name, "utf8");
  if (!entry.file) {
    return { name: entry.name, nameBytes, mode: MODE_DIRECTORY, method: 0, crc: 0, size: 0, data: Buffer.alloc(0) };
  }
  const raw = await readFile(entry.file.absolutePath);
  const crc = zlib.crc32(raw);
  const mode = entry.file.executable ? MODE_EXECUTABLE : MODE_FILE;
  if (raw.length > 0) {
    const deflated = await deflateRaw(raw, { level });
    if (deflated.length < raw.length)
      return { name: entry.name, nameBytes, mode, method: 8, crc, size: raw.length, data: deflated };
  }
  return { name: entry.name, nameBytes, mode, method: 0, crc, size: raw.length, data: raw };
}

function localHeader(p: Prepared): Buffer {
  const h = Buffer.alloc(30);
  h.writeUInt32LE(0x04034b50, 0);
  h.writeUInt16LE(VERSION_NEEDED, 4);
  h.writeUInt16LE(flags(p), 6);
  h.writeUInt16LE(p.method, 8);
  h.writeUInt16LE(DOS_TIME, 10);
  h.writeUInt16LE(DOS_DATE, 12);
  h.writeUInt32LE(p.crc >>> 0, 14);
  h.writeUInt32LE(p.data.length, 18);
  h.writeUInt32LE(p.size, 22);
  h.writeUInt16LE(p.nameBytes.length, 26);
  h.writeUInt16LE(0, 28);
  return Buffer.concat([h, p.nameBytes]);
}

function centralHeader(p: Prepared, offset: number): Buffer {
  const h = Buffer.alloc(46);
  h.writeUInt32LE(0x02014b50, 0);
  h.writeUInt16LE(VERSION_MADE_BY_UNIX, 4);
  h.writeUInt16LE(VERSION_NEEDED, 6);
  h.writeUInt16LE(flags(p), 8);
  h.writeUInt16LE(p.method, 10);
  h.writeUInt16LE(DOS_TIME, 12);
  h.writeUInt16LE(DOS_DATE, 14);
  h.writeUInt32LE(p.crc >>> 0, 16);
  h.writeUInt32LE(p.data.length, 20);
  h.writeUInt32LE(p.size, 24);
  h.writeUInt16LE(p.nameBytes.length, 28);
  // extra length, comment length, disk number, internal attributes: all 0
  const external = ((p.mode << 16) | (p.mode & 0o040000 ? 0x10 : 0)) >>> 0;
  h.writeUInt32LE(external, 38);
  h.writeUInt32LE(offset, 42);
  return Buffer.concat([h, p.nameBytes]);
}

function flags(p: Prepared): number {
  return /[^\x20-\x7e]/.test(p.name) ? FLAG_UTF8 : 0;
}

function endOfCentralDirectory(count: number, size: number, offset: number): Buffer {
  const h = Buffer.alloc(22);
  h.writeUInt32LE(0x06054b50, 0);
  h.writeUInt16LE(count, 8);
  h.writeUInt16LE(count, 10);
  h.writeUInt32LE(size, 12);
  h.writeUInt32LE(offset, 16);
  return h;
}

export async function writeZip(files: ZipInput[], outPath: string, options: ZipOptions = {}): Promise<ZipResult> {
  const level = options.level ?? 6;
  const budget = options.bytesInFlight ?? 64 * 1024 * 1024;
  const entries = withDirectories(files);
  if (entries.length >= MAX_ENTRIES) {
    throw new Error(`${entries.length} zip entries: more than a zip without ZIP64 holds (${MAX_ENTRIES - 1})`);
  }
  const handle = await open(outPath, "w");
  const hash = createHash("sha256");
  let offset = 0;
  const write = async (buf: Buffer) => {
    hash.update(buf);
    await handle.write(buf);
    offset += buf.length;
  };
  const central: Buffer[] = [];
  let unzippedSize = 0;
  try {
    // Start compressing entries ahead of the writer while their input bytes fit the budget.
    const pending: Promise<Prepared>[] = [];
    const estimates: number[] = [];
    let next = 0;
    let inFlight = 0;
    let written = 0;
    const fill = () => {
      while (next < entries.length && (next === written || inFlight < budget)) {
        const entry = entries[next]!;
        const estimate = entry.file?.size ?? 0;
        inFlight += estimate;
        estimates.push(estimate);
        const prepared = prepare(entry, level);
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
      if (offset > MAX_OFFSET)
        throw new Error("zip larger than 4 GiB: ZIP64 is not supported (Lambda's limits are far below)");
      central.push(centralHeader(p, offset));
      await write(localHeader(p));
      await write(p.data);
      unzippedSize += p.size;
    }
    const cdOffset = offset;
    const cd = Buffer.concat(central);
    await write(cd);
    await write(endOfCentralDirectory(entries.length, cd.length, cdOffset));
  } finally {
    await handle.close();
  }
  const digest = hash.digest();
  return {
    path: outPath,
    size: offset,
    unzippedSize,
    entries: entries.length,
    sha256: digest.toString("hex"),
    codeSha256: digest.toString("base64"),
  };
}
