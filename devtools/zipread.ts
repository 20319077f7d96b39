/** Reads a zip's central directory and entries, to check what the writer produced. */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import zlib from "node:zlib";

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
  const eocd = buf.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (eocd < 0) throw new Error(`${file}: no end of central directory`);
  const count = buf.readUInt16LE(eocd + 10);
  let p = buf.readUInt32LE(eocd + 16);
  const entries: ZipEntryInfo[] = [];
  for (let i = 0; i < count; i++) {
    if (buf.readUInt32LE(p) !== 0x02014b50) throw new Error(`bad central header at ${p}`);
    const nameLen = buf.readUInt16LE(p + 28);
    const extraLen = buf.readUInt16LE(p + 30);
    const commentLen = buf.readUInt16LE(p + 32);
    const localOffset = buf.readUInt32LE(p + 42);
    const method = buf.readUInt16LE(p + 10);
    const compressedSize = buf.readUInt32LE(p + 20);
    const entry: ZipEntryInfo = {
      name: buf.toString("utf8", p + 46, p + 46 + nameLen),
      madeBy: buf.readUInt16LE(p + 4) >> 8,
      method,
      dosTime: buf.readUInt16LE(p + 12),
      dosDate: buf.readUInt16LE(p + 14),
      crc: buf.readUInt32LE(p + 16),
      compressedSize,
      size: buf.readUInt32LE(p + 24),
      mode: buf.readUInt32LE(p + 38) >>> 16,
      data: () => {
        const start = localOffset + 30 + buf.readUInt16LE(localOffset + 26) + buf.readUInt16LE(localOffset + 28);
        const raw = buf.subarray(start, start + compressedSize);
        return method === 8 ? zlib.inflateRawSync(raw) : Buffer.from(raw);
      },
    };
    entries.push(entry);
    p += 46 + nameLen + extraLen + commentLen;
  }
  return entries;
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
