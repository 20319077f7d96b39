/** A central-directory entry for tests of decisions made from names and headers alone. */
import type { ZipEntry } from "../../src/zip/reader.ts";

export const zipEntry = (over: Partial<ZipEntry>): ZipEntry => ({
  name: "a.py",
  madeBy: 3,
  method: 8,
  flags: 0,
  dosTime: 0,
  dosDate: 33,
  crc: 0,
  compressedSize: 1,
  size: 1,
  externalAttributes: 0,
  mode: 0o100644,
  localHeaderOffset: 0,
  nameBytes: Buffer.from(over.name ?? "a.py"),
  dataLimit: 100,
  ...over,
});
