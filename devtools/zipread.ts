/** A zip's entries with their data, to check what the writer produced: the directory is src/zip/reader.ts's. */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import zlib from "node:zlib";
import { zipDirectoryOf } from "../src/zip/reader.ts";

export interface ZipEntryInfo {
  name: string;
  method: number;
  madeBy: number;
  mode: number;
  dosTime: number;
  dosDate: number;
  crc: number;
  compressedSize: number;
  size: number;
  data(): Buffer;
}

export function readZip(file: string): ZipEntryInfo[] {
  const buf = readFileSync(file);
  return zipDirectoryOf(buf, file).entries.map((e) => ({
    name: e.name,
    madeBy: e.madeBy,
    method: e.method,
    dosTime: e.dosTime,
    dosDate: e.dosDate,
    crc: e.crc,
    compressedSize: e.compressedSize,
    size: e.size,
    // as stored, whatever system made the zip: tests look at what the writer put there
    mode: e.externalAttributes >>> 16,
    data: () => {
      const at = e.localHeaderOffset;
      const start = at + 30 + buf.readUInt16LE(at + 26) + buf.readUInt16LE(at + 28);
      const raw = buf.subarray(start, start + e.compressedSize);
      return e.method === 8 ? zlib.inflateRawSync(raw) : Buffer.from(raw);
    },
  }));
}

/** Extract every file entry into a folder, the way Lambda unpacks a package. */
export function extractZip(file: string, into: string): void {
  for (const e of readZip(file)) {
    const target = path.join(into, e.name);
    if (e.name.endsWith("/")) mkdirSync(target, { recursive: true });
    else {
      mkdirSync(path.dirname(target), { recursive: true });
      writeFileSync(target, e.data(), { mode: e.mode & 0o777 });
    }
  }
}
