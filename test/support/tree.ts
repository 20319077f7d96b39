/**
 * Builds a real staged dependency tree on disk, as an installer leaves it: package
 * files, and for each distribution a .dist-info folder with METADATA, WHEEL (Tag lines)
 * and RECORD (sha256 hashes and sizes of the files written). Returns the
 * DependencyTree the later stages see.
 */
import { createHash } from "node:crypto";
import {
  chmodSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { mkdtemp } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { DependencyTree, InstalledDistribution, TreeFile } from "../../src/install/types.ts";

export type FileSpec =
  | string
  | Buffer
  | { copy: string; mode?: number }
  | { content: string | Buffer; mode?: number }
  | { symlink: string };

export interface DistSpec {
  name: string;
  version: string;
  /** WHEEL Tag lines; default py3-none-any */
  tags?: string[];
  /** files relative to the tree root */
  files?: Record<string, FileSpec>;
  /** extra RECORD lines as written (path, hash, size), e.g. ["../../bin/tool", "", ""] */
  extraRecord?: [string, string, string][];
  /** RECORD hash to write instead of the real one, by path */
  hashes?: Record<string, string>;
}

export async function tempDir(prefix = "inspect-"): Promise<string> {
  return mkdtemp(path.join(os.tmpdir(), prefix));
}

export function recordHash(bytes: Buffer): string {
  return `sha256=${createHash("sha256").update(bytes).digest("base64url")}`;
}

function write(root: string, rel: string, spec: FileSpec): Buffer | undefined {
  const abs = path.join(root, rel);
  mkdirSync(path.dirname(abs), { recursive: true });
  if (typeof spec === "object" && "symlink" in spec) {
    symlinkSync(spec.symlink, abs);
    return undefined;
  }
  let bytes: Buffer;
  let mode: number | undefined;
  if (typeof spec === "string") bytes = Buffer.from(spec);
  else if (Buffer.isBuffer(spec)) bytes = spec;
  else if ("copy" in spec) {
    bytes = readFileSync(spec.copy);
    mode = spec.mode ?? 0o755;
  } else {
    bytes = Buffer.isBuffer(spec.content) ? spec.content : Buffer.from(spec.content);
    mode = spec.mode;
  }
  writeFileSync(abs, bytes);
  chmodSync(abs, mode ?? 0o644);
  return bytes;
}

export const distInfoName = (name: string, version: string) => `${name.replace(/[-.]+/g, "_")}-${version}.dist-info`;

/** Writes the distributions (and loose files owned by none) under root and returns the tree. */
export function buildTree(root: string, dists: DistSpec[], loose: Record<string, FileSpec> = {}): DependencyTree {
  const distributions: InstalledDistribution[] = [];
  for (const d of dists) {
    const distInfo = distInfoName(d.name, d.version);
    const tags = d.tags ?? ["py3-none-any"];
    const record: InstalledDistribution["record"] = [];
    const lines: string[] = [];
    const add = (rel: string, bytes: Buffer | undefined) => {
      const hash = d.hashes?.[rel] ?? (bytes ? recordHash(bytes) : undefined);
      record.push({ path: rel, ...(hash ? { hash } : {}), ...(bytes ? { size: bytes.length } : {}) });
      lines.push(`${rel},${hash ?? ""},${bytes?.length ?? ""}`);
    };
    for (const [rel, spec] of Object.entries(d.files ?? {})) add(rel, write(root, rel, spec));
    add(
      `${distInfo}/METADATA`,
      write(root, `${distInfo}/METADATA`, `Metadata-Version: 2.1\nName: ${d.name}\nVersion: ${d.version}\n`),
    );
    const wheel = `Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: false\n${tags.map((t) => `Tag: ${t}\n`).join("")}`;
    add(`${distInfo}/WHEEL`, write(root, `${distInfo}/WHEEL`, wheel));
    for (const [p, h, s] of d.extraRecord ?? []) {
      record.push({ path: p, ...(h ? { hash: h } : {}), ...(s ? { size: Number(s) } : {}) });
      lines.push(`${p},${h},${s}`);
    }
    lines.push(`${distInfo}/RECORD,,`);
    record.push({ path: `${distInfo}/RECORD` });
    write(root, `${distInfo}/RECORD`, `${lines.join("\n")}\n`);
    distributions.push({ name: d.name, version: d.version, distInfo, wheelTags: tags, record });
  }
  for (const [rel, spec] of Object.entries(loose)) write(root, rel, spec);
  return { root, distributions, files: walk(root, distributions) };
}

/** Every file and symlink under root, sorted, owned by the last distribution whose RECORD lists it. */
export function walk(root: string, distributions: InstalledDistribution[]): TreeFile[] {
  const owner = new Map<string, string>();
  for (const d of distributions) for (const r of d.record) owner.set(path.posix.normalize(r.path), d.name);
  const files: TreeFile[] = [];
  const visit = (dir: string, rel: string) => {
    for (const name of readdirSync(dir).sort()) {
      const abs = path.join(dir, name);
      const relPath = rel ? `${rel}/${name}` : name;
      const st = lstatSync(abs);
      if (st.isDirectory()) {
        visit(abs, relPath);
        continue;
      }
      const file: TreeFile = { path: relPath, absolutePath: abs, size: st.size, executable: (st.mode & 0o111) !== 0 };
      if (st.isSymbolicLink()) file.symlink = readlinkSync(abs);
      const dist = owner.get(relPath);
      if (dist) file.distribution = dist;
      files.push(file);
    }
  };
  visit(root, "");
  return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
