/**
 * One zip, one reading: the reader accepts a zip only when Python's zipfile (pip's reader)
 * necessarily sees the same members with the same bytes. One test per rule of
 * docs/internals.md ("One wheel, one reading"); each zip here was read otherwise by the
 * reader before the rule (or read where zipfile refuses), and is refused now, which hands a
 * wheel to pip's install path. The wheel fuzzer (wheel-fuzz.e2e.test.ts) runs pip itself.
 */
import zlib from "node:zlib";
import { describe, expect, it } from "vitest";
import { decodeName } from "../src/zip/directory.ts";
import { storedDataStart, type ZipEntry, zipDirectoryOf } from "../src/zip/reader.ts";
import { baseWheel, layoutOf, rngOf, serialize } from "./support/wheel-fuzz/model.ts";
import { withSecondView } from "./support/wheel-fuzz/mutate-zip.ts";
import type { ZipLayout } from "./support/wheel-fuzz/types.ts";

/** A small wheel's layout, to change before it is written. */
function wheelLayout(seed = 7): ZipLayout {
  return layoutOf(baseWheel(rngOf(seed)));
}

const read = (bytes: Buffer) => zipDirectoryOf(bytes, "w.whl").entries;
const refused = (bytes: Buffer) => () => read(bytes);

/** What zipfile would give for an entry: its data as the local header places it (no overlap bound). */
function memberData(bytes: Buffer, entry: ZipEntry): Buffer | string {
  const start = storedDataStart(bytes, entry.localHeaderOffset, entry, bytes.length);
  if (typeof start === "string") return start;
  const stored = bytes.subarray(start, start + entry.compressedSize);
  return entry.method === 8 ? zlib.inflateRawSync(stored) : stored;
}

/** The wheel: the end record's comment holds a second directory and end record, whose comment overruns. */
function twoViews(innerCommentLength: number): Buffer {
  const layout = wheelLayout();
  const init = layout.entries.find((e) => e.centralName.toString().endsWith("__init__.py"))!;
  return withSecondView(serialize(layout), [{ entry: init, data: Buffer.from("VIEW = 'pip'\n") }], innerCommentLength);
}

describe("where the directory is", () => {
  it("reads a careful writer's wheel", () => {
    const entries = read(serialize(wheelLayout()).bytes);
    expect(entries.filter((e) => e.name.endsWith("/__init__.py"))).toHaveLength(1);
  });

  it("refuses a second end record in the comment that zipfile would take (the issue's example)", () => {
    // zipfile takes the last signature: the inner directory, whose view says 'pip'
    expect(refused(twoViews(0xffff))).toThrow(/comment does not end the file/);
  });

  it("reads the view zipfile reads when the inner record ends the file exactly", () => {
    const bytes = twoViews(0);
    const init = read(bytes).find((e) => e.name.endsWith("__init__.py"))!;
    expect(String(memberData(bytes, init))).toBe("VIEW = 'pip'\n");
  });

  it("refuses bytes after the comment, and a comment length that is not the comment's", () => {
    const layout = wheelLayout();
    layout.suffix = Buffer.from("trailing");
    expect(refused(serialize(layout).bytes)).toThrow(/comment does not end the file/);
    const short = wheelLayout();
    short.end.comment = Buffer.from("a comment");
    short.end.commentLength = 3;
    expect(refused(serialize(short).bytes)).toThrow(/comment does not end the file/);
  });

  it("refuses a cut signature after the end record (zipfile finds that one and no zip)", () => {
    const layout = wheelLayout();
    layout.end.comment = Buffer.from([0x50, 0x4b, 0x05, 0x06, 1, 2]);
    expect(refused(serialize(layout).bytes)).toThrow(/no end-of-central-directory record/);
  });

  it("refuses bytes between the directory and the end record (zipfile shifts every offset by them)", () => {
    // [members][directory A][directory B][end record giving A's offset and size]: zipfile
    // reads B at A's offset shifted by |B| ("concat"), and B's offsets shifted the same way;
    // B could name any members, the reader as it was read A
    const layout = wheelLayout();
    layout.prefix = Buffer.alloc(2000, 0x20);
    const { bytes, directoryOffset, directorySize, endOffset } = serialize(layout);
    const a = bytes.subarray(directoryOffset, directoryOffset + directorySize);
    const b = Buffer.from(a);
    for (let p = 0; p < b.length; p += 46 + b.readUInt16LE(p + 28) + b.readUInt16LE(p + 30) + b.readUInt16LE(p + 32))
      b.writeUInt32LE(b.readUInt32LE(p + 42) - b.length, p + 42);
    const end = Buffer.from(bytes.subarray(endOffset));
    const twice = Buffer.concat([bytes.subarray(0, directoryOffset), a, b, end]);
    expect(refused(twice)).toThrow(/does not end where the end record starts/);
    // and the self-extracting stub, whose offsets zipfile shifts back
    const stub = wheelLayout();
    stub.prefix = Buffer.alloc(64, 0x20);
    for (const e of stub.entries) e.offsetDelta = -64;
    stub.end.directoryOffsetDelta = -64;
    expect(refused(serialize(stub).bytes)).toThrow(/does not end where the end record starts/);
  });

  it("refuses a ZIP64 locator whose record is not right before it, and several disks", () => {
    const moved = wheelLayout();
    moved.end.zip64 = { offsetDelta: 0, gap: Buffer.alloc(8), disk: 0, disks: 1 };
    expect(refused(serialize(moved).bytes)).toThrow(/locator does not point at the record right before it/);
    const disks = wheelLayout();
    disks.end.zip64 = { offsetDelta: 0, gap: Buffer.alloc(0), disk: 0, disks: 2 };
    expect(refused(serialize(disks).bytes)).toThrow(/spans several disks/);
    const fine = wheelLayout();
    fine.end.zip64 = { offsetDelta: 0, gap: Buffer.alloc(0), disk: 0, disks: 1 };
    expect(read(serialize(fine).bytes).length).toBe(fine.entries.length);
  });
});

describe("how many entries, and which", () => {
  it("refuses an end record counting fewer entries than the directory holds (zipfile reads them all)", () => {
    const layout = wheelLayout();
    // the last entry (RECORD) is left out of the count: zipfile reads it, the reader as it was did not
    layout.end.entriesTotal = layout.entries.length - 1;
    layout.end.entriesThisDisk = layout.entries.length - 1;
    expect(refused(serialize(layout).bytes)).toThrow(/counts \d+ entries, the directory holds/);
  });

  it("refuses a directory size that cuts an entry", () => {
    const layout = wheelLayout();
    layout.end.directorySizeDelta = -10;
    expect(refused(serialize(layout).bytes)).toThrow(/not a zip this reader handles/);
  });
});

describe("names", () => {
  it("decodes a name without the UTF-8 flag as code page 437, as zipfile does", () => {
    expect(decodeName(Buffer.from([0x63, 0x61, 0x66, 0x82]), 0)).toBe("café");
    expect(decodeName(Buffer.from("café"), 0x800)).toBe("café");
    expect(decodeName(Buffer.from("café"), 0)).toBe("caf├⌐");
    const layout = wheelLayout();
    layout.entries[0]!.centralName = layout.entries[0]!.localName = Buffer.from([0x78, 0x82, 0x2e, 0x70, 0x79]);
    expect(read(serialize(layout).bytes)[0]!.name).toBe("xé.py");
  });

  it("refuses a name flagged UTF-8 that is not, and keeps a BOM zipfile keeps", () => {
    expect(decodeName(Buffer.from([0x61, 0xc0, 0xaf]), 0x800)).toBeUndefined();
    expect(decodeName(Buffer.from([0xed, 0xa0, 0x80]), 0x800)).toBeUndefined();
    expect(decodeName(Buffer.from("\ufeffa.py"), 0x800)).toBe("\ufeffa.py");
    const layout = wheelLayout();
    layout.entries[0]!.centralName = Buffer.from([0x61, 0xff]);
    layout.entries[0]!.flags = 0x800;
    expect(refused(serialize(layout).bytes)).toThrow(/flagged UTF-8 but its name is not/);
  });

  it("refuses a NUL in a name (zipfile cuts the name there)", () => {
    const layout = wheelLayout();
    layout.entries[0]!.centralName = Buffer.from("pkg/a.py\0.txt");
    expect(refused(serialize(layout).bytes)).toThrow(/NUL in its name/);
  });

  it("refuses a Unicode Path extra field (CPython 3.12+ names the member by it) and a cut extra field", () => {
    const unicode = wheelLayout();
    const field = Buffer.alloc(9);
    field.writeUInt16LE(0x7075, 0);
    field.writeUInt16LE(5, 2);
    unicode.entries[0]!.centralExtra = field;
    expect(refused(serialize(unicode).bytes)).toThrow(/Unicode Path/);
    const cut = wheelLayout();
    cut.entries[0]!.centralExtra = Buffer.from([0x0a, 0x00, 0x20, 0x00, 1, 2]);
    expect(refused(serialize(cut).bytes)).toThrow(/running past its end/);
  });
});

describe("what zipfile refuses to open", () => {
  it("refuses flags zipfile stops at (patched data, strong encryption) and unknown ones", () => {
    for (const bit of [0x20, 0x40, 0x1000]) {
      const layout = wheelLayout();
      layout.entries[1]!.flags |= bit;
      expect(refused(serialize(layout).bytes)).toThrow(/general-purpose flags/);
    }
  });

  it("refuses a version needed above 6.3", () => {
    const layout = wheelLayout();
    layout.entries[1]!.versionNeeded = 64;
    expect(refused(serialize(layout).bytes)).toThrow(/needs zip version 6.4/);
  });
});

describe("each member's local header", () => {
  it("refuses a local name other than the directory's (zipfile raises), by bytes and by flag", () => {
    const layout = wheelLayout();
    layout.entries[1]!.localName = Buffer.from("elsewhere.py");
    const bytes = serialize(layout).bytes;
    expect(memberData(bytes, read(bytes)[1]!)).toMatch(/another name/);
    const flag = wheelLayout();
    flag.entries[1]!.localFlags |= 0x800;
    const flagged = serialize(flag).bytes;
    expect(memberData(flagged, read(flagged)[1]!)).toMatch(/another name/);
  });

  it("refuses a member whose data runs into the next local header (CPython 3.13's overlapped entries)", () => {
    const layout = wheelLayout();
    const first = layout.entries[0]!;
    const span = 30 + first.localName.length + first.stored.length;
    // the second directory entry points at the first local record, under the first's name
    layout.entries[1]!.offsetDelta = -span;
    layout.entries[1]!.centralName = first.localName;
    const bytes = serialize(layout).bytes;
    const entries = read(bytes);
    expect([entries[0], entries[1]].map((e) => memberData(bytes, e!))).toContain(
      "overlaps the next member or the directory",
    );
  });

  it("refuses every member sharing a local header with another, a folder entry listed first included", () => {
    // zipfile 3.13 bounds the later of the two by the shared offset: the file, never opened
    // if the folder had been the one bounded
    const layout = wheelLayout();
    const file = layout.entries[0]!;
    layout.entries.unshift({ ...file, centralName: Buffer.from("pkg/"), noLocal: true, offsetDelta: 0 });
    const written = serialize(layout);
    // the folder's directory entry points at the file's local header
    const bytes = Buffer.from(written.bytes);
    bytes.writeUInt32LE(written.localOffsets[1]!, written.directoryOffset + 42);
    const entries = read(bytes);
    expect(entries[0]!.name).toBe("pkg/");
    expect(memberData(bytes, entries[1]!)).toBe("overlaps the next member or the directory");
  });

  it("reads a member with a data descriptor and a local extra field as zipfile does", () => {
    const layout = wheelLayout();
    const e = layout.entries[0]!;
    e.flags |= 8;
    e.localFlags |= 8;
    e.localCrc = e.localCompressedSize = e.localSize = 0;
    e.localExtra = Buffer.from([0x55, 0x54, 0x01, 0x00, 0x07]);
    e.after = Buffer.alloc(16);
    const bytes = serialize(layout).bytes;
    const entry = read(bytes)[0]!;
    expect(zlib.crc32(memberData(bytes, entry) as Buffer) >>> 0).toBe(entry.crc);
  });
});
