/**
 * Real wheel files for tests: a zip with the package files, a .dist-info with
 * METADATA, WHEEL (tags) and RECORD (sha256 and size of every file).
 */
import { createHash } from "node:crypto";
import { chmod, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { writeZip, type ZipInput } from "../../src/zip/writer.ts";

export type WheelFile = string | Buffer | { data: string | Buffer; mode: number };

export interface WheelSpec {
  name: string;
  version: string;
  /** "py3-none-any" by default; dotted sets allowed: "cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64" */
  tag?: string;
  files: Record<string, WheelFile>;
  requires?: string[];
  /** extra lines for the WHEEL file */
  wheelTags?: string[];
}

export interface BuiltWheel {
  filename: string;
  path: string;
  sha256: string;
}

function b64urlSha256(data: Buffer): string {
  return createHash("sha256").update(data).digest("base64url");
}

export async function makeWheel(outDir: string, spec: WheelSpec): Promise<BuiltWheel> {
  const tag = spec.tag ?? "py3-none-any";
  const distName = spec.name.replace(/[-.]+/g, "_");
  const distInfo = `${distName}-${spec.version}.dist-info`;
  const [py, abi, plat] = tag.split("-");
  const tagLines = (spec.wheelTags ?? expandTags(py!, abi!, plat!)).map((t) => `Tag: ${t}`);
  const files: Record<string, WheelFile> = {
    ...spec.files,
    [`${distInfo}/METADATA`]: [
      "Metadata-Version: 2.1",
      `Name: ${spec.name}`,
      `Version: ${spec.version}`,
      ...(spec.requires ?? []).map((r) => `Requires-Dist: ${r}`),
      "",
    ].join("\n"),
    [`${distInfo}/WHEEL`]: [
      "Wheel-Version: 1.0",
      "Generator: lpp-tests",
      `Root-Is-Purelib: ${plat === "any"}`,
      ...tagLines,
      "",
    ].join("\n"),
  };
  const staging = await mkdtemp(path.join(os.tmpdir(), "lpp-wheel-"));
  try {
    const entries: ZipInput[] = [];
    const record: string[] = [];
    for (const [name, content] of Object.entries(files)) {
      const data =
        typeof content === "string" || Buffer.isBuffer(content) ? Buffer.from(content) : Buffer.from(content.data);
      const mode = typeof content === "object" && !Buffer.isBuffer(content) ? content.mode : 0o644;
      const abs = path.join(staging, name);
      await mkdir(path.dirname(abs), { recursive: true });
      await writeFile(abs, data);
      await chmod(abs, mode);
      entries.push({ name, absolutePath: abs, executable: (mode & 0o111) !== 0, size: data.length });
      // RECORD is CSV: a name with a comma or quote is quoted, as wheel builders write it
      const cell = /[",]/.test(name) ? `"${name.replace(/"/g, '""')}"` : name;
      record.push(`${cell},sha256=${b64urlSha256(data)},${data.length}`);
    }
    record.push(`${distInfo}/RECORD,,`);
    const recordPath = path.join(staging, distInfo, "RECORD");
    const recordData = `${record.join("\n")}\n`;
    await writeFile(recordPath, recordData);
    entries.push({ name: `${distInfo}/RECORD`, absolutePath: recordPath, executable: false, size: recordData.length });
    const filename = `${distName}-${spec.version}-${tag}.whl`;
    const out = path.join(outDir, filename);
    await mkdir(outDir, { recursive: true });
    const zip = await writeZip(entries, out);
    return { filename, path: out, sha256: zip.sha256 };
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

function expandTags(py: string, abi: string, plat: string): string[] {
  const tags: string[] = [];
  for (const p of py.split("."))
    for (const a of abi.split(".")) for (const pl of plat.split(".")) tags.push(`${p}-${a}-${pl}`);
  return tags;
}

/** A source distribution: only its name matters to an index and to pip's --only-binary. */
export async function makeSdist(outDir: string, name: string, version: string): Promise<string> {
  const filename = `${name}-${version}.tar.gz`;
  await mkdir(outDir, { recursive: true });
  await writeFile(path.join(outDir, filename), Buffer.from("not really a tarball"));
  return filename;
}
