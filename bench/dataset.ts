/**
 * The benchmark's dependency set, made without the network from what the machine
 * has: the pyenv Pythons' standard-library sources and text data, and real shared
 * objects (lib-dynload, system libraries) whose glibc needs fit manylinux2014, spread
 * over fake distributions shaped like a numpy/scipy/pandas/boto3 stack. Wheels are
 * written once per machine and size, then reused (see `datasetDir`).
 */
import { createHash } from "node:crypto";
import { existsSync, readdirSync, realpathSync, statSync } from "node:fs";
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { compareVersions, EM_X86_64, readElf } from "../src/inspect/elf.ts";
import { mapLimit } from "../src/inspect/util.ts";
import { writeZip, type ZipInput } from "../src/zip/writer.ts";
import { type BenchSize, type DistShape, SIZES } from "./shapes.ts";

export type { BenchSize } from "./shapes.ts";

/** manylinux2014 = glibc 2.17: the tag the wheels carry must be true of every ELF in them. */
const GLIBC_CEILING = "2.17";
const BINARY_TAG = "cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64";
const PURE_TAG = "py3-none-any";
/** bump when the generated wheels change shape */
const GENERATOR = "5";
/** what pip byte-compiles: Python source, small files mostly, as in real packages */
const MAX_SOURCE_FILE = 32 * 1024;
/** text data (JSON-like service models, test data, headers): shipped, never compiled */
const DATA_EXTENSIONS = new Set([".txt", ".html", ".json", ".xml", ".csv", ".rst", ".cfg", ".toml", ".decTest", ".h"]);
const MAX_DATA_FILE = 256 * 1024;
/** the largest real shared objects in common wheels (openblas, arrow) are in the tens of MB */
const MAX_ELF_FILE = 40 * 1024 * 1024;

interface PoolFile {
  /** absolute path on this machine */
  source: string;
  /** path the file gets under its package folder */
  relative: string;
  size: number;
  executable: boolean;
}

export interface Dataset {
  size: BenchSize;
  dir: string;
  wheelsDir: string;
  /** requirements.txt, pinned with --hash, as pip-compile writes it */
  requirements: string;
  distributions: number;
  files: number;
  bytes: number;
  sharedObjectBytes: number;
  /** bytes of .py files: what pip byte-compiles */
  pythonSourceBytes: number;
  wheelBytes: number;
  /** what the data was taken from */
  sources: string[];
  generatedMs?: number;
}

function pythonLibDirs(): string[] {
  const root = path.join(os.homedir(), ".pyenv", "versions");
  if (!existsSync(root)) return [];
  const dirs: string[] = [];
  for (const v of readdirSync(root).sort()) {
    const lib = path.join(root, v, "lib");
    if (!existsSync(lib)) continue;
    for (const py of readdirSync(lib).filter((d) => /^python3\.\d+$/.test(d))) dirs.push(path.join(lib, py));
  }
  return dirs;
}

function walk(
  dir: string,
  visit: (file: string, size: number, mode: number) => void,
  skip: (name: string) => boolean,
): void {
  let entries: import("node:fs").Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
    if (skip(e.name)) continue;
    const abs = path.join(dir, e.name);
    if (e.isDirectory()) walk(abs, visit, skip);
    else if (e.isFile()) {
      const st = statSync(abs);
      visit(abs, st.size, st.mode);
    }
  }
}

/**
 * Python sources, and text data, from every pyenv Python 3: the standard library
 * (no site-packages, no byte-code) and the C headers.
 */
function textPools(libDirs: string[]): { sources: PoolFile[]; data: PoolFile[] } {
  const sources: PoolFile[] = [];
  const data: PoolFile[] = [];
  const skipDir = (name: string) =>
    name === "site-packages" || name === "__pycache__" || name === "lib-dynload" || name.startsWith("config-");
  for (const lib of libDirs) {
    const tag = path.basename(lib).replace("python3.", "py3");
    const include = path.join(lib, "..", "..", "include");
    for (const root of [lib, include]) {
      walk(
        root,
        (file, size) => {
          const ext = path.extname(file);
          const relative = `${tag}/${root === include ? "include/" : ""}${path.relative(root, file)}`;
          if (size === 0 || /\.pth$|__editable__|\.egg-link$/.test(file)) return;
          if (ext === ".py" && size <= MAX_SOURCE_FILE)
            sources.push({ source: file, relative, size, executable: false });
          else if (DATA_EXTENSIONS.has(ext) && size <= MAX_DATA_FILE) {
            data.push({ source: file, relative, size, executable: false });
          }
        },
        skipDir,
      );
    }
  }
  return { sources: shuffle(sources), data: shuffle(data) };
}

/** Real x86_64 shared objects whose glibc needs fit manylinux2014. */
async function elfPool(libDirs: string[]): Promise<PoolFile[]> {
  const dirs = [
    ...libDirs.map((d) => path.join(d, "lib-dynload")),
    "/usr/lib/x86_64-linux-gnu",
    "/lib/x86_64-linux-gnu",
    "/usr/lib64",
  ].filter((d) => existsSync(d));
  const seen = new Set<string>();
  const candidates: PoolFile[] = [];
  for (const dir of dirs) {
    for (const name of readdirSync(dir).sort()) {
      if (!/\.so(\.\d+)*$/.test(name)) continue;
      let real: string;
      try {
        real = realpathSync(path.join(dir, name));
      } catch {
        continue;
      }
      if (seen.has(real)) continue;
      seen.add(real);
      const st = statSync(real);
      if (!st.isFile() || st.size < 8192 || st.size > MAX_ELF_FILE) continue;
      candidates.push({
        source: real,
        relative: path.basename(real),
        size: st.size,
        executable: (st.mode & 0o111) !== 0,
      });
    }
  }
  const fits = await mapLimit(candidates, 16, async (f) => {
    const elf = await readElf(f.source).catch(() => undefined);
    const h = elf?.header;
    return (
      h?.machine === EM_X86_64 &&
      h.elfClass === 64 &&
      !elf?.problem &&
      (elf?.glibc === undefined || compareVersions(elf.glibc, GLIBC_CEILING) <= 0)
    );
  });
  return shuffle(candidates.filter((_, i) => fits[i]));
}

/** A fixed order that mixes sizes and sources, the same on every run. */
function shuffle(files: PoolFile[]): PoolFile[] {
  const key = (f: PoolFile) => createHash("sha1").update(f.source).digest("hex");
  return files
    .map((f) => ({ f, k: key(f) }))
    .sort((a, b) => (a.k < b.k ? -1 : 1))
    .map(({ f }) => f);
}

/** Takes files from the pool (round and round: a file may be reused under another name) up to `budget` bytes. */
class Picker {
  private next = 0;
  private round = 0;
  constructor(private readonly pool: PoolFile[]) {}
  take(budget: number): { file: PoolFile; round: number }[] {
    const taken: { file: PoolFile; round: number }[] = [];
    if (this.pool.length === 0) return taken;
    let left = budget;
    let misses = 0;
    while (left > 0 && misses < this.pool.length) {
      const file = this.pool[this.next]!;
      const round = this.round;
      this.next++;
      if (this.next === this.pool.length) {
        this.next = 0;
        this.round++;
      }
      // a small distribution does not get a 30 MB library; the first file always fits
      if (file.size <= left * 1.25 || taken.length === 0) {
        taken.push({ file, round });
        left -= file.size;
        misses = 0;
      } else misses++;
    }
    return taken;
  }
}

const b64urlSha256 = (data: Buffer) => createHash("sha256").update(data).digest("base64url");

async function writeWheel(
  outDir: string,
  staging: string,
  shape: DistShape,
  members: { name: string; file: PoolFile }[],
): Promise<{ filename: string; sha256: string; size: number }> {
  const pkg = shape.name.replace(/[-.]+/g, "_");
  const distInfo = `${pkg}-${shape.version}.dist-info`;
  const binary = members.some((m) => m.name.includes("/_libs/"));
  const tag = binary ? BINARY_TAG : PURE_TAG;
  const entries: ZipInput[] = members.map((m) => ({
    name: m.name,
    absolutePath: m.file.source,
    executable: m.file.executable,
    size: m.file.size,
  }));
  const generated: Record<string, string> = {
    [`${pkg}/__init__.py`]: `"""${shape.name}: generated for the lambda-python-package benchmark."""\n__version__ = "${shape.version}"\n`,
    [`${distInfo}/METADATA`]: `Metadata-Version: 2.1\nName: ${shape.name}\nVersion: ${shape.version}\nSummary: benchmark data shaped like ${shape.name.slice(6)}\n`,
    [`${distInfo}/WHEEL`]: `Wheel-Version: 1.0\nGenerator: lpp-bench\nRoot-Is-Purelib: ${!binary}\n${tag
      .split("-")[2]!
      .split(".")
      .map((p) => `Tag: ${tag.split("-").slice(0, 2).join("-")}-${p}\n`)
      .join("")}`,
    [`${distInfo}/top_level.txt`]: `${pkg}\n`,
  };
  const record: string[] = [];
  const hashes = await mapLimit(entries, 8, async (e) => ({ e, data: await readFile(e.absolutePath) }));
  for (const { e, data } of hashes) record.push(`${e.name},sha256=${b64urlSha256(data)},${data.length}`);
  for (const [name, text] of Object.entries(generated)) {
    const abs = path.join(staging, pkg, name);
    await mkdir(path.dirname(abs), { recursive: true });
    await writeFile(abs, text);
    const data = Buffer.from(text);
    entries.push({ name, absolutePath: abs, executable: false, size: data.length });
    record.push(`${name},sha256=${b64urlSha256(data)},${data.length}`);
  }
  record.push(`${distInfo}/RECORD,,`);
  const recordPath = path.join(staging, pkg, distInfo, "RECORD");
  const recordText = `${record.join("\n")}\n`;
  await writeFile(recordPath, recordText);
  entries.push({ name: `${distInfo}/RECORD`, absolutePath: recordPath, executable: false, size: recordText.length });
  const filename = `${pkg}-${shape.version}-${tag}.whl`;
  const zip = await writeZip(entries, path.join(outDir, filename));
  return { filename, sha256: zip.sha256, size: zip.size };
}

/** Where a dataset lives: one folder per size and per what the machine offers, reused across runs. */
export async function datasetDir(
  root: string,
  size: BenchSize,
): Promise<{ dir: string; plan: () => Promise<Planned> }> {
  const libDirs = pythonLibDirs();
  const pools = { ...textPools(libDirs), elves: await elfPool(libDirs) };
  const hash = createHash("sha256").update(JSON.stringify({ GENERATOR, size, spec: SIZES[size] }));
  for (const pool of [pools.sources, pools.data, pools.elves])
    hash.update(pool.map((f) => `${f.source}:${f.size}`).join("\n"));
  return {
    dir: path.join(root, `data-${size}-${hash.digest("hex").slice(0, 16)}`),
    plan: async () => planDataset(size, pools, libDirs),
  };
}

interface Planned {
  wheels: { shape: DistShape; members: { name: string; file: PoolFile }[] }[];
  sources: string[];
}

function planDataset(
  size: BenchSize,
  pools: { sources: PoolFile[]; data: PoolFile[]; elves: PoolFile[] },
  libDirs: string[],
): Planned {
  if (pools.sources.length === 0) {
    throw new Error("no Python standard library found under ~/.pyenv/versions: the benchmark builds its data from it");
  }
  const { totalBytes, shapes } = SIZES[size];
  const weights = shapes.reduce((s, d) => s + d.weight, 0);
  const pickers = { sources: new Picker(pools.sources), data: new Picker(pools.data), elves: new Picker(pools.elves) };
  const wheels = shapes.map((shape) => {
    const pkg = shape.name.replace(/[-.]+/g, "_");
    const budget = (totalBytes * shape.weight) / weights;
    const members: { name: string; file: PoolFile }[] = [];
    const names = new Set<string>();
    const add = (prefix: string, picked: { file: PoolFile; round: number }[]) => {
      for (const { file, round } of picked) {
        let name = `${pkg}/${prefix}${round > 0 ? `r${round}/` : ""}${file.relative}`;
        for (let i = 2; names.has(name); i++) name = `${pkg}/${prefix}${i}/${file.relative}`;
        names.add(name);
        members.push({ name, file });
      }
    };
    const taken = () => members.reduce((s, m) => s + m.file.size, 0);
    add("_libs/", pickers.elves.take(pools.elves.length > 0 ? budget * shape.binary : 0));
    const rest = budget - taken();
    add("data/", pickers.data.take(pools.data.length > 0 ? rest * shape.data : 0));
    add("", pickers.sources.take(budget - taken()));
    return { shape, members };
  });
  const sources = [
    ...libDirs.map((d) => `${d} (sources, text data, lib-dynload) and its include/`),
    ...(pools.elves.some((f) => !f.source.includes("/.pyenv/")) ? ["system shared objects under /usr/lib"] : []),
  ];
  return { wheels, sources };
}

/** The dataset for this size: reused when it exists, written otherwise. */
export async function prepareDataset(root: string, size: BenchSize, log: (line: string) => void): Promise<Dataset> {
  const { dir, plan } = await datasetDir(root, size);
  const described = path.join(dir, "dataset.json");
  if (existsSync(described)) {
    const dataset = JSON.parse(await readFile(described, "utf8")) as Dataset;
    return { ...dataset, dir, wheelsDir: path.join(dir, "wheels"), generatedMs: undefined };
  }
  log(`Generating the ${size} dataset in ${dir} (once per machine) ...`);
  const started = performance.now();
  const partial = `${dir}.partial`;
  await rm(partial, { recursive: true, force: true });
  const wheelsDir = path.join(partial, "wheels");
  const staging = path.join(partial, "staging");
  await mkdir(wheelsDir, { recursive: true });
  const planned = await plan();
  const requirements: string[] = ["# generated by bench/dataset.ts: pinned with hashes, as pip-compile writes it"];
  let files = 0;
  let bytes = 0;
  let sharedObjectBytes = 0;
  let pythonSourceBytes = 0;
  let wheelBytes = 0;
  for (const { shape, members } of planned.wheels) {
    const wheel = await writeWheel(wheelsDir, staging, shape, members);
    requirements.push(`${shape.name}==${shape.version} \\\n    --hash=sha256:${wheel.sha256}`);
    files += members.length + 5; // __init__.py, METADATA, WHEEL, top_level.txt, RECORD
    for (const m of members) {
      bytes += m.file.size;
      if (m.name.includes("/_libs/")) sharedObjectBytes += m.file.size;
      else if (m.name.endsWith(".py")) pythonSourceBytes += m.file.size;
    }
    wheelBytes += wheel.size;
  }
  await rm(staging, { recursive: true, force: true });
  const dataset: Dataset = {
    size,
    dir,
    wheelsDir: path.join(dir, "wheels"),
    requirements: `${requirements.join("\n")}\n`,
    distributions: planned.wheels.length,
    files,
    bytes,
    sharedObjectBytes,
    pythonSourceBytes,
    wheelBytes,
    sources: planned.sources,
  };
  await writeFile(path.join(partial, "dataset.json"), JSON.stringify(dataset, null, 2));
  await rm(dir, { recursive: true, force: true });
  await rename(partial, dir);
  // a dataset made from what the machine had before is of no more use
  for (const old of readdirSync(root)) {
    if (old.startsWith(`data-${size}-`) && path.join(root, old) !== dir) {
      await rm(path.join(root, old), { recursive: true, force: true });
    }
  }
  return { ...dataset, generatedMs: Math.round(performance.now() - started) };
}
