/**
 * Mutations of a wheel's zip structure: the end record and its comment, the ZIP64 records,
 * the central directory (counts, sizes, order, duplicates, offsets), local headers (names,
 * flags, extra fields), data descriptors, compressed sizes and methods, flags, name
 * encodings, and bytes before, between and after. Each is a way Python's zipfile and the
 * action's reader could read one file two ways.
 */
import zlib from "node:zlib";
import type { LayoutEntry, Mutation, Rng, Written, ZipLayout } from "./types.ts";

const EOCD = Buffer.from([0x50, 0x4b, 0x05, 0x06]);
const CENTRAL = Buffer.from([0x50, 0x4b, 0x01, 0x02]);
const LOCAL = Buffer.from([0x50, 0x4b, 0x03, 0x04]);

/** A file entry (not a folder), or the first one. */
const someEntry = (zip: ZipLayout, rng: Rng): LayoutEntry => rng.pick(zip.entries);
const small = (rng: Rng) => rng.pick([1, 2, 3, 4, 8, 12, 16, 22, 46, 100]);
const signed = (rng: Rng) => (rng.chance(0.5) ? 1 : -1) * small(rng);

/** Random bytes, now and then holding a zip signature. */
function junk(rng: Rng, length: number): Buffer {
  const data = rng.bytes(length);
  if (length >= 4 && rng.chance(0.4)) rng.pick([EOCD, CENTRAL, LOCAL]).copy(data, rng.int(length - 3));
  return data;
}

function setName(e: LayoutEntry, name: Buffer, where: "both" | "local" | "central"): void {
  if (where !== "central") e.localName = name;
  if (where !== "local") e.centralName = name;
}

/** A name's bytes changed: another byte, a byte added, a case changed, a NUL, high bytes. */
function changedName(rng: Rng, name: Buffer): Buffer {
  const out = Buffer.from(name);
  switch (rng.int(6)) {
    case 0:
      out[rng.int(out.length)] = 0x41 + rng.int(26);
      return out;
    case 1:
      return Buffer.concat([out, Buffer.from(rng.pick(["x", "/", "\0", " "]))]);
    case 2:
      return Buffer.from(out.toString("latin1").toUpperCase(), "latin1");
    case 3:
      return Buffer.concat([out.subarray(0, out.length - 3), Buffer.from([0]), out.subarray(out.length - 3)]);
    case 4:
      return Buffer.concat([
        out.subarray(0, out.length - 3),
        Buffer.from([rng.pick([0x80, 0xe9, 0xff, 0xc3])]),
        out.subarray(out.length - 3),
      ]);
    default:
      return out.subarray(0, Math.max(1, out.length - 1));
  }
}

/** An extra field: well formed, cut short, or one zipfile reads (ZIP64 0x0001, Unicode path 0x7075). */
function extraField(rng: Rng, e: LayoutEntry): Buffer {
  const field = (id: number, data: Buffer) => {
    const h = Buffer.alloc(4);
    h.writeUInt16LE(id, 0);
    h.writeUInt16LE(data.length, 2);
    return Buffer.concat([h, data]);
  };
  switch (rng.int(6)) {
    case 0:
      return field(0x5455, rng.bytes(5));
    case 1: {
      const f = field(0x000a, rng.bytes(32));
      return f.subarray(0, f.length - 1 - rng.int(8));
    }
    case 2: {
      const sizes = Buffer.alloc(16);
      sizes.writeBigUInt64LE(BigInt(e.size), 0);
      sizes.writeBigUInt64LE(BigInt(e.compressedSize), 8);
      return field(0x0001, sizes);
    }
    case 3: {
      // a Unicode path field naming another file (CPython 3.12+ honours it when the CRC matches)
      const other = Buffer.from(`${e.centralName.toString("latin1")}.other`);
      const body = Buffer.alloc(5);
      body.writeUInt8(1, 0);
      body.writeUInt32LE(zlib.crc32(e.centralName) >>> 0, 1);
      return field(0x7075, Buffer.concat([body, rng.chance(0.8) ? other : Buffer.from([0xff])]));
    }
    case 4:
      return rng.bytes(1 + rng.int(3));
    default:
      return Buffer.concat([field(0xcafe, Buffer.alloc(0)), field(0x7855, rng.bytes(4))]);
  }
}

function descriptor(e: LayoutEntry, rng: Rng): Buffer {
  const d = Buffer.alloc(16);
  d.writeUInt32LE(0x08074b50, 0);
  d.writeUInt32LE(rng.chance(0.8) ? e.crc >>> 0 : rng.int(0xffffffff), 4);
  d.writeUInt32LE(e.compressedSize, 8);
  d.writeUInt32LE(e.size, 12);
  return rng.chance(0.5) ? d : d.subarray(4);
}

const layout = (name: string, apply: (zip: ZipLayout, rng: Rng) => void): Mutation => ({
  stage: "layout",
  name,
  apply,
});

const LAYOUT: Mutation[] = [
  layout("end-comment", (zip, rng) => {
    zip.end.comment = junk(rng, rng.pick([1, 10, 100, 1000]));
  }),
  layout("end-comment-length", (zip, rng) => {
    zip.end.comment = junk(rng, rng.int(40));
    zip.end.commentLength = Math.max(0, zip.end.comment.length + signed(rng));
  }),
  layout("trailing-bytes", (zip, rng) => {
    zip.suffix = junk(rng, rng.pick([1, 3, 18, 21, 22, 40, 500]));
  }),
  layout("prefix-absolute", (zip, rng) => {
    zip.prefix = junk(rng, rng.pick([1, 30, 200]));
  }),
  layout("prefix-relative", (zip, rng) => {
    // a self-extracting stub: offsets written as if the zip started after it (zipfile shifts them)
    zip.prefix = junk(rng, rng.pick([1, 30, 200]));
    for (const e of zip.entries) e.offsetDelta -= zip.prefix.length;
    zip.end.directoryOffsetDelta = -zip.prefix.length;
  }),
  layout("entry-count", (zip, rng) => {
    const count = zip.entries.length + signed(rng);
    if (rng.chance(0.5)) zip.end.entriesTotal = Math.max(0, count);
    else zip.end.entriesThisDisk = Math.max(0, count);
  }),
  layout("directory-size", (zip, rng) => {
    zip.end.directorySizeDelta = signed(rng);
  }),
  layout("directory-offset", (zip, rng) => {
    zip.end.directoryOffsetDelta = signed(rng);
  }),
  layout("end-disks", (zip, rng) => {
    if (rng.chance(0.5)) zip.end.diskNumber = 1 + rng.int(3);
    else zip.end.directoryDisk = 1 + rng.int(3);
  }),
  layout("zip64-end", (zip, rng) => {
    zip.end.zip64 = { offsetDelta: 0, gap: Buffer.alloc(0), disk: 0, disks: 1 };
    const z = zip.end.zip64;
    switch (rng.int(8)) {
      case 0:
        break;
      case 1:
        z.gap = junk(rng, small(rng));
        break;
      case 2:
        z.offsetDelta = signed(rng);
        break;
      case 3:
        z.disk = 1;
        break;
      case 4:
        z.disks = rng.pick([0, 2]);
        break;
      case 5:
        z.entries = zip.entries.length + signed(rng);
        break;
      case 6:
        z.signature = 0x06064b51;
        break;
      default:
        zip.end.entriesTotal = 0xffff;
        zip.end.entriesThisDisk = 0xffff;
    }
  }),
  layout("duplicate-central", (zip, rng) => {
    const order = zip.centralOrder ?? zip.entries.map((_, i) => i);
    order.splice(rng.int(order.length + 1), 0, rng.int(zip.entries.length));
    zip.centralOrder = order;
  }),
  layout("reorder-central", (zip, rng) => {
    const order = zip.entries.map((_, i) => i);
    for (let i = order.length - 1; i > 0; i--) {
      const j = rng.int(i + 1);
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    zip.centralOrder = order;
  }),
  layout("central-missing", (zip, rng) => {
    someEntry(zip, rng).noCentral = true;
  }),
  layout("same-name-twice", (zip, rng) => {
    const a = someEntry(zip, rng);
    const b = someEntry(zip, rng);
    if (a !== b) setName(b, Buffer.from(a.centralName), "both");
  }),
  layout("local-name", (zip, rng) => {
    const e = someEntry(zip, rng);
    e.localName = changedName(rng, e.localName);
  }),
  layout("central-name", (zip, rng) => {
    const e = someEntry(zip, rng);
    setName(e, changedName(rng, e.centralName), rng.chance(0.5) ? "both" : "central");
  }),
  layout("utf8-flag", (zip, rng) => {
    const e = someEntry(zip, rng);
    const where = rng.int(3);
    if (where !== 1) e.flags ^= 0x800;
    if (where !== 0) e.localFlags ^= 0x800;
  }),
  layout("name-encoding", (zip, rng) => {
    const e = someEntry(zip, rng);
    const dot = e.centralName.lastIndexOf(".");
    const at = dot > 0 ? dot : e.centralName.length;
    const high = rng.pick([
      Buffer.from("é", "utf8"),
      Buffer.from([0xe9]),
      Buffer.from([0x82]),
      Buffer.from([0xef, 0xbb, 0xbf]),
      Buffer.from([0xed, 0xa0, 0x80]),
      Buffer.from([0xc0, 0xaf]),
    ]);
    const name = Buffer.concat([e.centralName.subarray(0, at), high, e.centralName.subarray(at)]);
    setName(e, name, "both");
    const flag = rng.chance(0.5) ? 0x800 : 0;
    e.flags = (e.flags & ~0x800) | flag;
    e.localFlags = (e.localFlags & ~0x800) | flag;
  }),
  layout("local-extra", (zip, rng) => {
    const e = someEntry(zip, rng);
    e.localExtra = extraField(rng, e);
  }),
  layout("central-extra", (zip, rng) => {
    const e = someEntry(zip, rng);
    e.centralExtra = extraField(rng, e);
  }),
  layout("entry-comment", (zip, rng) => {
    someEntry(zip, rng).comment = junk(rng, rng.pick([1, 20, 46]));
  }),
  layout("data-descriptor", (zip, rng) => {
    const e = someEntry(zip, rng);
    e.flags |= 8;
    e.localFlags |= 8;
    if (rng.chance(0.7)) {
      e.localCrc = 0;
      e.localCompressedSize = 0;
      e.localSize = 0;
    }
    e.after = rng.chance(0.8) ? descriptor(e, rng) : Buffer.alloc(0);
  }),
  layout("local-sizes", (zip, rng) => {
    const e = someEntry(zip, rng);
    e.localCompressedSize = Math.max(0, e.localCompressedSize + signed(rng));
    if (rng.chance(0.5)) e.localSize += small(rng);
    if (rng.chance(0.3)) e.localCrc ^= 1;
  }),
  layout("compressed-size", (zip, rng) => {
    const e = someEntry(zip, rng);
    e.compressedSize = Math.max(0, e.compressedSize + signed(rng));
  }),
  layout("size", (zip, rng) => {
    const e = someEntry(zip, rng);
    e.size = Math.max(0, e.size + signed(rng));
  }),
  layout("crc", (zip, rng) => {
    const e = someEntry(zip, rng);
    e.crc = (e.crc ^ (1 << rng.int(32))) >>> 0;
  }),
  layout("stored-tail", (zip, rng) => {
    // the stored bytes run on past the member: zipfile stops at the size, or at the deflate stream's end
    const e = someEntry(zip, rng);
    const tail = junk(rng, small(rng));
    e.stored = Buffer.concat([e.stored, tail]);
    e.compressedSize += tail.length;
    e.localCompressedSize += tail.length;
  }),
  layout("deflate-cut", (zip, rng) => {
    const e = zip.entries.find((x) => x.method === 8 && x.stored.length > 4) ?? someEntry(zip, rng);
    const keep = Math.max(0, e.stored.length - small(rng));
    e.stored = e.stored.subarray(0, keep);
    e.compressedSize = keep;
    e.localCompressedSize = keep;
  }),
  layout("method", (zip, rng) => {
    const e = someEntry(zip, rng);
    const method = rng.pick([0, 8, 1, 9, 12, 14, 93, 99]);
    if (rng.chance(0.7)) e.method = method;
    if (rng.chance(0.5)) e.localMethod = method;
  }),
  layout("flags", (zip, rng) => {
    const e = someEntry(zip, rng);
    const bit = 1 << rng.pick([0, 1, 2, 4, 5, 6, 7, 12, 13, 14, 15]);
    if (rng.chance(0.8)) e.flags ^= bit;
    if (rng.chance(0.5)) e.localFlags ^= bit;
  }),
  layout("version-needed", (zip, rng) => {
    someEntry(zip, rng).versionNeeded = rng.pick([0, 45, 63, 64, 0x0114, 0x3f00, 0xffff]);
  }),
  layout("made-by", (zip, rng) => {
    const e = someEntry(zip, rng);
    e.madeBy = rng.pick([0, 3, 10, 19]);
    if (rng.chance(0.5)) e.externalAttributes = rng.int(0xffffffff);
  }),
  layout("gap-after", (zip, rng) => {
    someEntry(zip, rng).after = junk(rng, rng.pick([1, 12, 16, 30, 200]));
  }),
  layout("before-directory", (zip, rng) => {
    zip.beforeDirectory = junk(rng, rng.pick([1, 16, 100]));
  }),
  layout("offset", (zip, rng) => {
    someEntry(zip, rng).offsetDelta += signed(rng);
  }),
  layout("overlap", (zip, rng) => {
    // one directory entry points at another's local header (or into its data)
    const a = rng.int(zip.entries.length);
    const b = rng.int(zip.entries.length);
    if (a === b) return;
    let delta = 0;
    const lo = Math.min(a, b);
    const hi = Math.max(a, b);
    for (let i = lo; i < hi; i++) {
      const e = zip.entries[i]!;
      delta += 30 + e.localName.length + e.localExtra.length + e.stored.length + e.after.length;
    }
    zip.entries[b]!.offsetDelta += a < b ? -delta : delta;
    if (rng.chance(0.5)) setName(zip.entries[b]!, Buffer.from(zip.entries[a]!.localName), "central");
  }),
  layout("folder-shares-header", (zip, rng) => {
    // a folder entry (never opened) listed before a file, pointing at the file's local header
    const at = rng.int(zip.entries.length);
    const file = zip.entries[at]!;
    const folder = { ...file, centralName: Buffer.from(`${rng.pick(["pkg", "x", "a/b"])}/`), noLocal: true };
    let delta = 0;
    for (let i = 0; i < at; i++) {
      const e = zip.entries[i]!;
      delta += 30 + e.localName.length + e.localExtra.length + e.stored.length + e.after.length;
    }
    // a noLocal entry's offset is the archive's start plus its delta
    folder.offsetDelta = zip.prefix.length + delta;
    zip.entries.splice(rng.chance(0.7) ? at : at + 1, 0, folder);
  }),
  layout("no-local", (zip, rng) => {
    someEntry(zip, rng).noLocal = true;
  }),
  layout("directory-member", (zip, rng) => {
    const e = someEntry(zip, rng);
    setName(e, Buffer.concat([e.centralName, Buffer.from("/")]), rng.chance(0.7) ? "both" : "central");
  }),
  layout("disk-start", (zip, rng) => {
    someEntry(zip, rng).diskStart = 1 + rng.int(3);
  }),
];

/**
 * A second directory and end record hidden in the first end record's comment (the issue's
 * example and kin): the second directory is the first with some members pointing at local
 * records of other bytes in the comment; the inner end record's comment length is
 * `innerCommentLength` (0xffff overruns the file: the reader as it was skipped that record,
 * zipfile takes it), followed by `tail`.
 */
export function withSecondView(
  written: Written,
  replaced: readonly { entry: LayoutEntry; data: Buffer }[],
  innerCommentLength: number,
  tail: Buffer = Buffer.alloc(0),
): Buffer {
  const { bytes, directoryOffset, directorySize, endOffset } = written;
  const directory = Buffer.from(bytes.subarray(directoryOffset, directoryOffset + directorySize));
  const records: Buffer[] = [];
  let at = endOffset + 22;
  for (const { entry, data } of replaced) {
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(entry.localFlags, 6);
    local.writeUInt32LE(zlib.crc32(data) >>> 0, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(entry.localName.length, 26);
    for (let p = 0; p + 46 <= directory.length; ) {
      const n = directory.readUInt16LE(p + 28);
      if (directory.subarray(p + 46, p + 46 + n).equals(entry.centralName)) {
        directory.writeUInt16LE(0, p + 10);
        directory.writeUInt32LE(zlib.crc32(data) >>> 0, p + 16);
        directory.writeUInt32LE(data.length, p + 20);
        directory.writeUInt32LE(data.length, p + 24);
        directory.writeUInt32LE(at, p + 42);
        break;
      }
      p += 46 + n + directory.readUInt16LE(p + 30) + directory.readUInt16LE(p + 32);
    }
    const record = Buffer.concat([local, entry.localName, data]);
    records.push(record);
    at += record.length;
  }
  const inner = Buffer.from(bytes.subarray(endOffset, endOffset + 22));
  inner.writeUInt32LE(directory.length, 12);
  inner.writeUInt32LE(at, 16);
  inner.writeUInt16LE(innerCommentLength, 20);
  const comment = Buffer.concat([...records, directory, inner, tail]);
  const outer = Buffer.from(bytes.subarray(0, endOffset + 22));
  outer.writeUInt16LE(comment.length, endOffset + 20);
  return Buffer.concat([outer, comment]);
}

function secondEnd(written: Written, rng: Rng, zip: ZipLayout): Buffer {
  // an earlier bytes mutation cut the file short: nothing to hide a second view in
  if (written.endOffset + 22 > written.bytes.length) return written.bytes;
  const data = Buffer.from(`VIEW = 'other' # ${rng.int(1000)}\n`);
  const tail = junk(rng, rng.pick([0, 0, 5]));
  return withSecondView(written, [{ entry: rng.pick(zip.entries), data }], rng.pick([0xffff, 100, 0, 1]), tail);
}

const BYTES: Mutation[] = [
  { stage: "bytes", name: "second-end-in-comment", apply: secondEnd },
  {
    stage: "bytes",
    name: "flip-byte",
    apply: ({ bytes, directoryOffset, localOffsets }, rng) => {
      const out = Buffer.from(bytes);
      const region = rng.int(3);
      const starts = localOffsets.filter((o) => o >= 0);
      const at =
        region === 0
          ? directoryOffset + rng.int(Math.max(1, out.length - directoryOffset))
          : region === 1 && starts.length > 0
            ? rng.pick(starts) + rng.int(30)
            : rng.int(out.length);
      out[Math.min(at, out.length - 1)]! ^= 1 << rng.int(8);
      return out;
    },
  },
  {
    stage: "bytes",
    name: "truncate",
    apply: ({ bytes }, rng) => bytes.subarray(0, Math.max(0, bytes.length - small(rng))),
  },
  {
    stage: "bytes",
    name: "fake-end-after",
    apply: ({ bytes, endOffset }, rng) => {
      // an end record's signature after the real one, with fewer than 22 bytes or a whole record
      const fake = Buffer.from(bytes.subarray(endOffset, endOffset + 22));
      const cut = rng.chance(0.5) ? fake : fake.subarray(0, 4 + rng.int(18));
      return Buffer.concat([bytes, cut]);
    },
  },
];

export const ZIP_MUTATIONS: readonly Mutation[] = [...LAYOUT, ...BYTES];
