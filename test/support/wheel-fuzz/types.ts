/**
 * The wheel fuzzer's vocabulary: a wheel in three stages (its files; its zip layout, every
 * header field separately; its bytes), and a mutation as a change to one stage. A case is a
 * seed: the same seed builds the same bytes, so any disagreement is replayed from its id.
 *
 * Mutation modules (mutate-zip.ts: end record, directory, local headers, descriptors, flags,
 * names' bytes; mutate-content.ts: RECORD, WHEEL, entry points, .data, names) export a list
 * of mutations; index.ts registers them.
 */

/** A seeded source of choices (mulberry32): the same seed gives the same case. */
export interface Rng {
  /** in [0, 1) */
  next(): number;
  /** an integer in [0, n) */
  int(n: number): number;
  pick<T>(items: readonly T[]): T;
  chance(p: number): boolean;
  bytes(n: number): Buffer;
}

/** One file of a wheel before it is zipped. */
export interface ModelFile {
  name: string;
  data: Buffer;
  /** the full Unix mode (0o100644 a file, 0o100755 executable, 0o120777 a link) */
  mode: number;
  /** deflated (8) or stored (0) */
  method: 0 | 8;
}

/** A wheel's files: content mutations change these (RECORD is one of them: refreshRecord rewrites it). */
export interface WheelModel {
  /** the distribution's name as the file name gives it (`fuzz_pkg`) */
  name: string;
  version: string;
  /** `py3-none-any` */
  tag: string;
  /** `<name>-<version>.dist-info` */
  distInfo: string;
  /** in zip order; METADATA, WHEEL and RECORD among them (RECORD last, until a mutation moves it) */
  files: ModelFile[];
}

/** One member's headers, local and central apart, as the zip will hold them. */
export interface LayoutEntry {
  /** the name's bytes in the local header and in the central directory */
  localName: Buffer;
  centralName: Buffer;
  /** the stored bytes (compressed for method 8) */
  stored: Buffer;
  /** both headers' fields unless the local one is given apart */
  versionNeeded: number;
  /** high byte of "version made by": 3 is Unix */
  madeBy: number;
  madeByVersion: number;
  flags: number;
  localFlags: number;
  method: number;
  localMethod: number;
  dosTime: number;
  dosDate: number;
  crc: number;
  compressedSize: number;
  size: number;
  /** what the local header says (0 with a data descriptor) */
  localCrc: number;
  localCompressedSize: number;
  localSize: number;
  localExtra: Buffer;
  centralExtra: Buffer;
  comment: Buffer;
  externalAttributes: number;
  internalAttributes: number;
  diskStart: number;
  /** written after the stored bytes (a data descriptor, or junk between entries) */
  after: Buffer;
  /**
   * where the directory says the local header is, relative to where it was written
   * (0: the truth); set by mutations that point entries elsewhere
   */
  offsetDelta: number;
  /** left out of the local part (a directory entry with no local header at all) */
  noLocal?: boolean;
  /** left out of the central directory (a local record no directory entry names) */
  noCentral?: boolean;
}

/** The zip around the entries: what comes before, the directory's order, the end records. */
export interface ZipLayout {
  entries: LayoutEntry[];
  /** bytes before the first local header (a self-extracting stub) */
  prefix: Buffer;
  /** bytes between the last local record and the central directory */
  beforeDirectory: Buffer;
  /** indexes into entries: the central directory's order (default: the local order) */
  centralOrder?: number[];
  end: {
    /** the counts as written; undefined: the true count */
    entriesThisDisk?: number;
    entriesTotal?: number;
    /** added to the directory's true size and offset as written */
    directorySizeDelta?: number;
    directoryOffsetDelta?: number;
    diskNumber: number;
    directoryDisk: number;
    comment: Buffer;
    /** the comment length field, when it is not the comment's length */
    commentLength?: number;
    /** a ZIP64 end record and locator before the end record */
    zip64?: {
      /** the locator's pointer, relative to the record's true position */
      offsetDelta: number;
      /** bytes between the record and the locator (extensible data) */
      gap: Buffer;
      disk: number;
      disks: number;
      /** the record's fields; undefined: the true value */
      entries?: number;
      directorySize?: number;
      directoryOffset?: number;
      signature?: number;
    };
  };
  /** bytes after the end record's comment */
  suffix: Buffer;
}

/** Where the serialized parts landed: bytes mutations aim with these. */
export interface Written {
  bytes: Buffer;
  /** each entry's local header offset (-1 without one) */
  localOffsets: number[];
  directoryOffset: number;
  directorySize: number;
  endOffset: number;
}

export type Mutation =
  | { stage: "content"; name: string; apply(wheel: WheelModel, rng: Rng): void }
  | { stage: "layout"; name: string; apply(zip: ZipLayout, rng: Rng, wheel: WheelModel): void }
  | { stage: "bytes"; name: string; apply(written: Written, rng: Rng, layout: ZipLayout): Buffer };

/** What one path made of a wheel. */
export type Outcome =
  /** the files shipped: path → mode (octal) and sha256 of the bytes */
  | { kind: "tree"; files: Record<string, { mode: string; sha256: string }> }
  /** refused: what the user is told (one line) */
  | { kind: "refused"; message: string }
  /** the action's own reader handed the wheel to pip (the build takes pip's path: pip's outcome) */
  | { kind: "handed"; reason: string };

/** A generated case: its id replays it (`--seed S --case I`). */
export interface FuzzCase {
  id: string;
  seed: number;
  index: number;
  mutations: string[];
  /** the wheel's file name (a valid one for its .dist-info unless a mutation said otherwise) */
  filename: string;
  bytes: Buffer;
}
