/**
 * Zips built byte by byte, for hostile inputs the real writer refuses to make:
 * entry names with `..` or a leading `/`, symlink entries, setuid or world-writable
 * modes, a wrong CRC, a file cut short. Also real wheels assembled from such entries.
 */
import { createHash } from "node:crypto";
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import zlib from "node:zlib";

export interface RawEntry {
  name: string;
  data: string | Buffer;
  /** full Unix mode, e.g. 0o100644 (file), 0o120777 (symlink), 0o104755 (setuid) */
  mode?: number;
  /** deflate instead of store */
  deflate?: boolean;
  /** write this CRC instead of the real one */
  crc?: number;
  /** the creating system (the high byte of "version made by"): 3 (Unix) unless given */
  madeBy?: number;
  /**
   * the name's bytes as written, without the UTF-8 flag (a cp437 name, or bytes that are no
   * UTF-8); `name` is then what RECORD gives (zipfile's cp437 reading of them)
   */
  nameBytes?: Buffer;
}

/** An entry's bytes: a Buffer as it is (entries of hundreds of megabytes are not copied), text as UTF-8. */
const bytesOf = (data: string | Buffer): Buffer => (typeof data === "string" ? Buffer.from(data) : data);

export function rawZip(entries: RawEntry[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const data = bytesOf(e.data);
    const name = e.nameBytes ?? Buffer.from(e.name, "utf8");
    const flags = e.nameBytes ? 0 : 0x0800;
    const stored = e.deflate ? zlib.deflateRawSync(data, { level: 9 }) : data;
    const method = e.deflate ? 8 : 0;
    const crc = e.crc ?? zlib.crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(flags, 6);
    local.writeUInt16LE(method, 8);
    local.writeUInt16LE(0, 10);
    local.writeUInt16LE(0x21, 12);
    local.writeUInt32LE(crc >>> 0, 14);
    local.writeUInt32LE(stored.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(0, 28);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(((e.madeBy ?? 3) << 8) | 20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(flags, 8);
    central.writeUInt16LE(method, 10);
    central.writeUInt16LE(0, 12);
    central.writeUInt16LE(0x21, 14);
    central.writeUInt32LE(crc >>> 0, 16);
    central.writeUInt32LE(stored.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(((e.mode ?? 0o100644) << 16) >>> 0, 38);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, stored);
    centrals.push(central, name);
    offset += 30 + name.length + stored.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

export interface RawWheelSpec {
  name: string;
  version: string;
  tag?: string;
  /** the package's own entries, written as given (hostile names and modes included) */
  entries: RawEntry[];
  /** RECORD lines added as written, e.g. "../../../etc/cron.d/x,sha256=…,5" */
  extraRecord?: string[];
  /** bytes to keep of the finished file (a truncated download) */
  truncateTo?: number;
  /** the WHEEL file's text instead of a plain Wheel-Version 1.0 one */
  wheelText?: string;
  /** an entry_points.txt with this text */
  entryPoints?: string;
  /** how RECORD writes a digest: PEP 376's URL-safe base64 unless given (gmsh writes hex) */
  digest?: "base64url" | "hex";
}

const digestOf = (data: Buffer, encoding: "base64url" | "hex") => createHash("sha256").update(data).digest(encoding);

/** A wheel (METADATA, WHEEL, RECORD) around entries the caller controls. Returns its file name, path and sha256. */
export async function makeRawWheel(
  outDir: string,
  spec: RawWheelSpec,
): Promise<{ filename: string; path: string; sha256: string }> {
  const tag = spec.tag ?? "py3-none-any";
  const dist = spec.name.replace(/[-.]+/g, "_");
  const info = `${dist}-${spec.version}.dist-info`;
  const [py, abi, plat] = tag.split("-");
  const meta: RawEntry[] = [
    { name: `${info}/METADATA`, data: `Metadata-Version: 2.1\nName: ${spec.name}\nVersion: ${spec.version}\n` },
    {
      name: `${info}/WHEEL`,
      data:
        spec.wheelText ??
        `Wheel-Version: 1.0\nGenerator: lpp-tests\nRoot-Is-Purelib: ${plat === "any"}\nTag: ${py}-${abi}-${plat}\n`,
    },
    ...(spec.entryPoints === undefined ? [] : [{ name: `${info}/entry_points.txt`, data: spec.entryPoints }]),
  ];
  const all = [...spec.entries, ...meta];
  const record = [
    ...all.map(
      (e) => `${e.name},sha256=${digestOf(bytesOf(e.data), spec.digest ?? "base64url")},${Buffer.byteLength(e.data)}`,
    ),
    ...(spec.extraRecord ?? []),
    `${info}/RECORD,,`,
  ];
  let bytes = rawZip([...all, { name: `${info}/RECORD`, data: `${record.join("\n")}\n` }]);
  if (spec.truncateTo !== undefined) bytes = bytes.subarray(0, spec.truncateTo);
  const filename = `${dist}-${spec.version}-${tag}.whl`;
  await mkdir(outDir, { recursive: true });
  const file = path.join(outDir, filename);
  await writeFile(file, bytes);
  return { filename, path: file, sha256: createHash("sha256").update(bytes).digest("hex") };
}
