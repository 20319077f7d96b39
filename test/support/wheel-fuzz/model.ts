/**
 * The three stages of a fuzzed wheel: a small random package (WheelModel), its zip layout
 * (every header field apart, ZipLayout) and its bytes (Written). Mutations change a stage
 * in between; without them the bytes are a wheel pip and the action both install.
 */
import { createHash } from "node:crypto";
import zlib from "node:zlib";
import type { LayoutEntry, ModelFile, Rng, WheelModel, Written, ZipLayout } from "./types.ts";

export function rngOf(seed: number): Rng {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  return {
    next,
    int,
    pick: <T>(items: readonly T[]) => items[int(items.length)]!,
    chance: (p) => next() < p,
    bytes: (n) => Buffer.from(Array.from({ length: n }, () => int(256))),
  };
}

const recordDigest = (data: Buffer) => `sha256=${createHash("sha256").update(data).digest("base64url")}`;

/** RECORD rewritten from the files as they are now (its own row without hash). */
export function refreshRecord(wheel: WheelModel): void {
  const recordName = `${wheel.distInfo}/RECORD`;
  const rows = wheel.files
    .filter((f) => f.name !== recordName && !f.name.endsWith("/"))
    .map((f) => `${f.name},${recordDigest(f.data)},${f.data.length}`);
  const text = Buffer.from(`${[...rows, `${recordName},,`].join("\n")}\n`);
  const at = wheel.files.findIndex((f) => f.name === recordName);
  const record: ModelFile = { name: recordName, data: text, mode: 0o100644, method: 8 };
  if (at >= 0) wheel.files[at] = record;
  else wheel.files.push(record);
}

const WORDS = ["alpha", "beta", "core", "util", "data", "io", "net", "zeta", "x"];

/** A small package: a few modules (text, some binary), one executable, METADATA, WHEEL, RECORD. */
export function baseWheel(rng: Rng): WheelModel {
  const name = `fz_${rng.pick(WORDS)}${rng.int(100)}`;
  const version = `${1 + rng.int(3)}.${rng.int(10)}`;
  const distInfo = `${name}-${version}.dist-info`;
  const files: ModelFile[] = [];
  const text = (s: string) => Buffer.from(s);
  files.push({ name: `${name}/__init__.py`, data: text(`V = ${rng.int(1000)}\n`), mode: 0o100644, method: 8 });
  const modules = 1 + rng.int(4);
  for (let i = 0; i < modules; i++) {
    const sub = rng.chance(0.3) ? `${rng.pick(WORDS)}/` : "";
    const body = rng.chance(0.2)
      ? rng.bytes(rng.int(3000))
      : text(`X = ${JSON.stringify(rng.pick(WORDS).repeat(1 + rng.int(50)))}\n`);
    files.push({ name: `${name}/${sub}m${i}.py`, data: body, mode: 0o100644, method: rng.chance(0.8) ? 8 : 0 });
  }
  if (rng.chance(0.5))
    files.push({ name: `${name}/tool.sh`, data: text("#!/bin/sh\necho hi\n"), mode: 0o100755, method: 8 });
  files.push({
    name: `${distInfo}/METADATA`,
    data: text(`Metadata-Version: 2.1\nName: ${name}\nVersion: ${version}\n`),
    mode: 0o100644,
    method: 8,
  });
  files.push({
    name: `${distInfo}/WHEEL`,
    data: text("Wheel-Version: 1.0\nGenerator: lpp-fuzz\nRoot-Is-Purelib: true\nTag: py3-none-any\n"),
    mode: 0o100644,
    method: 8,
  });
  const wheel = { name, version, tag: "py3-none-any", distInfo, files };
  refreshRecord(wheel);
  return wheel;
}

/** The zip layout a careful writer makes of the files: every field true, names UTF-8 flagged when not ASCII. */
export function layoutOf(wheel: WheelModel): ZipLayout {
  const entries = wheel.files.map((f): LayoutEntry => {
    const name = Buffer.from(f.name, "utf8");
    const stored = f.method === 8 ? zlib.deflateRawSync(f.data) : f.data;
    const crc = zlib.crc32(f.data) >>> 0;
    const flags = name.some((b) => b >= 0x80) ? 0x800 : 0;
    return {
      localName: name,
      centralName: name,
      stored,
      versionNeeded: 20,
      madeBy: 3,
      madeByVersion: 20,
      flags,
      localFlags: flags,
      method: f.method,
      localMethod: f.method,
      dosTime: 0x6000,
      dosDate: 0x5821,
      crc,
      compressedSize: stored.length,
      size: f.data.length,
      localCrc: crc,
      localCompressedSize: stored.length,
      localSize: f.data.length,
      localExtra: Buffer.alloc(0),
      centralExtra: Buffer.alloc(0),
      comment: Buffer.alloc(0),
      externalAttributes: (f.mode << 16) >>> 0,
      internalAttributes: 0,
      diskStart: 0,
      after: Buffer.alloc(0),
      offsetDelta: 0,
    };
  });
  return {
    entries,
    prefix: Buffer.alloc(0),
    beforeDirectory: Buffer.alloc(0),
    end: { diskNumber: 0, directoryDisk: 0, comment: Buffer.alloc(0) },
    suffix: Buffer.alloc(0),
  };
}

function localHeader(e: LayoutEntry): Buffer {
  const h = Buffer.alloc(30);
  h.writeUInt32LE(0x04034b50, 0);
  h.writeUInt16LE(e.versionNeeded & 0xffff, 4);
  h.writeUInt16LE(e.localFlags & 0xffff, 6);
  h.writeUInt16LE(e.localMethod & 0xffff, 8);
  h.writeUInt16LE(e.dosTime, 10);
  h.writeUInt16LE(e.dosDate, 12);
  h.writeUInt32LE(e.localCrc >>> 0, 14);
  h.writeUInt32LE(e.localCompressedSize >>> 0, 18);
  h.writeUInt32LE(e.localSize >>> 0, 22);
  h.writeUInt16LE(e.localName.length & 0xffff, 26);
  h.writeUInt16LE(e.localExtra.length & 0xffff, 28);
  return Buffer.concat([h, e.localName, e.localExtra]);
}

function centralHeader(e: LayoutEntry, offset: number): Buffer {
  const h = Buffer.alloc(46);
  h.writeUInt32LE(0x02014b50, 0);
  h.writeUInt16LE(((e.madeBy & 0xff) << 8) | (e.madeByVersion & 0xff), 4);
  h.writeUInt16LE(e.versionNeeded & 0xffff, 6);
  h.writeUInt16LE(e.flags & 0xffff, 8);
  h.writeUInt16LE(e.method & 0xffff, 10);
  h.writeUInt16LE(e.dosTime, 12);
  h.writeUInt16LE(e.dosDate, 14);
  h.writeUInt32LE(e.crc >>> 0, 16);
  h.writeUInt32LE(e.compressedSize >>> 0, 20);
  h.writeUInt32LE(e.size >>> 0, 24);
  h.writeUInt16LE(e.centralName.length & 0xffff, 28);
  h.writeUInt16LE(e.centralExtra.length & 0xffff, 30);
  h.writeUInt16LE(e.comment.length & 0xffff, 32);
  h.writeUInt16LE(e.diskStart & 0xffff, 34);
  h.writeUInt16LE(e.internalAttributes & 0xffff, 36);
  h.writeUInt32LE(e.externalAttributes >>> 0, 38);
  h.writeUInt32LE(Math.max(0, Math.min(0xffffffff, offset)) >>> 0, 42);
  return Buffer.concat([h, e.centralName, e.centralExtra, e.comment]);
}

/** A mutated field as the 64-bit field can hold it. */
const u64 = (n: number) => BigInt(Math.max(0, Math.trunc(n)));

/** The layout's bytes, and where each part landed. */
export function serialize(zip: ZipLayout): Written {
  const parts: Buffer[] = [zip.prefix];
  let at = zip.prefix.length;
  const localOffsets: number[] = [];
  for (const e of zip.entries) {
    if (e.noLocal) {
      localOffsets.push(-1);
      continue;
    }
    localOffsets.push(at);
    const record = Buffer.concat([localHeader(e), e.stored, e.after]);
    parts.push(record);
    at += record.length;
  }
  parts.push(zip.beforeDirectory);
  at += zip.beforeDirectory.length;
  const directoryOffset = at;
  const order = zip.centralOrder ?? zip.entries.map((_, i) => i);
  const central = order
    .filter((i) => !zip.entries[i]!.noCentral)
    .map((i) => {
      const e = zip.entries[i]!;
      const local = localOffsets[i]!;
      return centralHeader(e, (local < 0 ? 0 : local) + e.offsetDelta);
    });
  const directory = Buffer.concat(central);
  parts.push(directory);
  at += directory.length;
  const { end } = zip;
  const count = central.length;
  if (end.zip64) {
    const z = end.zip64;
    const record = Buffer.alloc(56);
    record.writeUInt32LE(z.signature ?? 0x06064b50, 0);
    record.writeBigUInt64LE(44n, 4);
    record.writeUInt16LE(45, 12);
    record.writeUInt16LE(45, 14);
    record.writeBigUInt64LE(u64(z.entries ?? count), 24);
    record.writeBigUInt64LE(u64(z.entries ?? count), 32);
    record.writeBigUInt64LE(u64(z.directorySize ?? directory.length), 40);
    record.writeBigUInt64LE(u64(z.directoryOffset ?? directoryOffset), 48);
    const locator = Buffer.alloc(20);
    locator.writeUInt32LE(0x07064b50, 0);
    locator.writeUInt32LE(z.disk, 4);
    locator.writeBigUInt64LE(u64(at + z.offsetDelta), 8);
    locator.writeUInt32LE(z.disks, 16);
    parts.push(record, z.gap, locator);
    at += 56 + z.gap.length + 20;
  }
  const endOffset = at;
  const record = Buffer.alloc(22);
  record.writeUInt32LE(0x06054b50, 0);
  record.writeUInt16LE(end.diskNumber & 0xffff, 4);
  record.writeUInt16LE(end.directoryDisk & 0xffff, 6);
  record.writeUInt16LE((end.entriesThisDisk ?? count) & 0xffff, 8);
  record.writeUInt16LE((end.entriesTotal ?? count) & 0xffff, 10);
  record.writeUInt32LE((directory.length + (end.directorySizeDelta ?? 0)) >>> 0, 12);
  record.writeUInt32LE((directoryOffset + (end.directoryOffsetDelta ?? 0)) >>> 0, 16);
  record.writeUInt16LE((end.commentLength ?? end.comment.length) & 0xffff, 20);
  parts.push(record, end.comment, zip.suffix);
  return {
    bytes: Buffer.concat(parts),
    localOffsets,
    directoryOffset,
    directorySize: directory.length,
    endOffset,
  };
}
