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

export type BenchSize = "full" | "smoke";

interface DistShape {
  name: string;
  version: string;
  /** share of the whole set, any unit: scaled to the size's total */
  weight: number;
  /** share of the distribution's bytes that are shared objects */
  binary: number;
}

/** Shapes after the real wheels (sizes in MB unzipped, share of .so bytes). */
const SHAPES: DistShape[] = [
  { name: "bench-scipy", version: "1.14.1", weight: 52, binary: 0.72 },
  { name: "bench-pandas", version: "2.2.3", weight: 38, binary: 0.55 },
  { name: "bench-numpy", version: "2.1.3", weight: 30, binary: 0.7 },
  { name: "bench-botocore", version: "1.35.60", weight: 24, binary: 0 },
  { name: "bench-sqlalchemy", version: "2.0.36", weight: 9, binary: 0.3 },
  { name: "bench-cryptography", version: "43.0.3", weight: 8, binary: 0.8 },
  { name: "bench-babel", version: "2.16.0", weight: 8, binary: 0 },
  { name: "bench-grpcio", version: "1.67.1", weight: 7, binary: 0.85 },
  { name: "bench-lxml", version: "5.3.0", weight: 6, binary: 0.8 },
  { name: "bench-psycopg-binary", version: "3.2.3", weight: 6, binary: 0.85 },
  { name: "bench-pillow", version: "11.0.0", weight: 5, binary: 0.8 },
  { name: "bench-aiohttp", version: "3.10.10", weight: 5, binary: 0.7 },
  { name: "bench-pydantic-core", version: "2.23.4", weight: 4.5, binary: 0.9 },
  { name: "bench-pydantic", version: "2.9.2", weight: 3.5, binary: 0 },
  { name: "bench-regex", version: "2024.11.6", weight: 2.5, binary: 0.6 },
  { name: "bench-pytz", version: "2024.2", weight: 2.5, binary: 0 },
  { name: "bench-protobuf", version: "5.28.3", weight: 2, binary: 0.3 },
  { name: "bench-tzdata", version: "2024.2", weight: 1.5, binary: 0 },
  { name: "bench-yaml", version: "6.0.2", weight: 1.5, binary: 0.6 },
  { name: "bench-googleapis-common-protos", version: "1.65.0", weight: 1.5, binary: 0 },
  { name: "bench-boto3", version: "1.35.60", weight: 1, binary: 0 },
  { name: "bench-msgpack", version: "1.1.0", weight: 1, binary: 0.8 },
  { name: "bench-numexpr", version: "2.10.1", weight: 1, binary: 0.7 },
  { name: "bench-werkzeug", version: "3.1.3", weight: 1, binary: 0 },
  { name: "bench-orjson", version: "3.10.11", weight: 0.9, binary: 0.95 },
  { name: "bench-jinja2", version: "3.1.4", weight: 0.8, binary: 0 },
  { name: "bench-python-dateutil", version: "2.9.0", weight: 0.7, binary: 0 },
  { name: "bench-urllib3", version: "2.2.3", weight: 0.6, binary: 0 },
  { name: "bench-aws-xray-sdk", version: "2.14.0", weight: 0.6, binary: 0 },
  { name: "bench-click", version: "8.1.7", weight: 0.5, binary: 0 },
  { name: "bench-idna", version: "3.10", weight: 0.5, binary: 0 },
  { name: "bench-yarl", version: "1.17.1", weight: 0.5, binary: 0.6 },
  { name: "bench-charset-normalizer", version: "3.4.0", weight: 0.4, binary: 0.5 },
  { name: "bench-multidict", version: "6.1.0", weight: 0.4, binary: 0.7 },
  { name: "bench-s3transfer", version: "0.10.3", weight: 0.4, binary: 0 },
  { name: "bench-requests", version: "2.32.3", weight: 0.3, binary: 0 },
  { name: "bench-certifi", version: "2024.8.30", weight: 0.3, binary: 0 },
  { name: "bench-attrs", version: "24.2.0", weight: 0.3, binary: 0 },
  { name: "bench-flask", version: "3.1.0", weight: 0.3, binary: 0 },
  { name: "bench-packaging", version: "24.2", weight: 0.3, binary: 0 },
  { name: "bench-structlog", version: "24.4.0", weight: 0.3, binary: 0 },
  { name: "bench-frozenlist", version: "1.5.0", weight: 0.3, binary: 0.7 },
  { name: "bench-tenacity", version: "9.0.0", weight: 0.2, binary: 0 },
  { name: "bench-typing-extensions", version: "4.12.2", weight: 0.15, binary: 0 },
  { name: "bench-pyjwt", version: "2.9.0", weight: 0.15, binary: 0 },
  { name: "bench-markupsafe", version: "3.0.2", weight: 0.1, binary: 0.5 },
  { name: "bench-jmespath", version: "1.0.1", weight: 0.1, binary: 0 },
  { name: "bench-six", version: "1.16.0", weight: 0.05, binary: 0 },
];

const SMOKE_SHAPES = new Set([
  "bench-scipy",
  "bench-numpy",
  "bench-botocore",
  "bench-pydantic-core",
  "bench-yaml",
  "bench-requests",
  "bench-six",
]);

export const SIZES: Record<BenchSize, { totalBytes: number; shapes: DistShape[] }> = {
  // under Lambda's 262,144,000-byte unzipped limit, with room for the function code
  full: { totalBytes: 250_000_000, shapes: SHAPES },
  smoke: { totalBytes: 8_000_000, shapes: SHAPES.filter((s) => SMOKE_SHAPES.has(s.name)) },
};

/** manylinux2014 = glibc 2.17: the tag the wheels carry must be true of every ELF in them. */
const GLIBC_CEILING = "2.17";
const BINARY_TAG = "cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64";
const PURE_TAG = "py3-none-any";
/** bump when the generated wheels change shape */
const GENERATOR = "4";
const TEXT_EXTENSIONS = new Set([".py", ".pyi", ".txt", ".html", ".json", ".xml", ".csv", ".rst", ".cfg", ".toml"]);
/** real packages' source files are mostly small; the few huge generated modules would skew the count */
const MAX_TEXT_FILE = 64 * 1024;
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

function walk(dir: string, visit: (file: string, size: number, mode: number) => void, skip: (name: string) => boolean): void {
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

/** Python sources and text data from every pyenv Python 3 (stdlib only: no site-packages, no byte-code). */
function textPool(libDirs: string[]): PoolFile[] {
  const pool: PoolFile[] = [];
  const skipDir = (name: string) =>
    name === "site-packages" || name === "__pycache__" || name === "lib-dynload" || name.startsWith("config-");
  for (const lib of libDirs) {
    const tag = path.basename(lib).replace("python3.", "py3");
    walk(
      lib,
      (file, size) => {
        const ext = path.extname(file);
        if (!TEXT_EXTENSIONS.has(ext) || size === 0 || size > MAX_TEXT_FILE) return;
        if (/\.pth$|__editable__|\.egg-link$/.test(file)) return;
        pool.push({ source: file, relative: `${tag}/${path.relative(lib, file)}`, size, executable: false });
      },
      skipDir,
    );
  }
  return shuffle(pool);
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
      candidates.push({ source: real, relative: path.basename(real), size: st.size, executable: (st.mode & 0o111) !== 0 });
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
export async function datasetDir(root: string, size: BenchSize): Promise<{ dir: string; plan: () => Promise<Planned> }> {
  const libDirs = pythonLibDirs();
  const [texts, elves] = [textPool(libDirs), await elfPool(libDirs)];
  const fingerprint = createHash("sha256")
    .update(JSON.stringify({ GENERATOR, size, spec: SIZES[size] }))
    .update(texts.map((f) => `${f.source}:${f.size}`).join("\n"))
    .update(elves.map((f) => `${f.source}:${f.size}`).join("\n"))
    .digest("hex")
    .slice(0, 16);
  return { dir: path.join(root, `data-${size}-${fingerprint}`), plan: async () => planDataset(size, texts, elves, libDirs) };
}

interface Planned {
  wheels: { shape: DistShape; members: { name: string; file: PoolFile }[] }[];
  sources: string[];
}

function planDataset(size: BenchSize, texts: PoolFile[], elves: PoolFile[], libDirs: string[]): Planned {
  if (texts.length === 0) throw new Error("no Python standard library found under ~/.pyenv/versions: the benchmark builds its data from it");
  const { totalBytes, shapes } = SIZES[size];
  const weights = shapes.reduce((s, d) => s + d.weight, 0);
  const textPicker = new Picker(texts);
  const elfPicker = new Picker(elves);
  const wheels = shapes.map((shape) => {
    const pkg = shape.name.replace(/[-.]+/g, "_");
    const budget = (totalBytes * shape.weight) / weights;
    const binaryBudget = elves.length > 0 ? budget * shape.binary : 0;
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
    add("_libs/", elfPicker.take(binaryBudget));
    const binaryBytes = members.reduce((s, m) => s + m.file.size, 0);
    add("", textPicker.take(budget - binaryBytes));
    return { shape, members };
  });
  const sources = [
    ...libDirs.map((d) => `${d} (sources, lib-dynload)`),
    ...(elves.some((f) => !f.source.includes("/.pyenv/")) ? ["system shared objects under /usr/lib"] : []),
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
  let wheelBytes = 0;
  for (const { shape, members } of planned.wheels) {
    const wheel = await writeWheel(wheelsDir, staging, shape, members);
    requirements.push(`${shape.name}==${shape.version} \\\n    --hash=sha256:${wheel.sha256}`);
    files += members.length + 5; // __init__.py, METADATA, WHEEL, top_level.txt, RECORD
    for (const m of members) {
      bytes += m.file.size;
      if (m.name.includes("/_libs/")) sharedObjectBytes += m.file.size;
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
    wheelBytes,
    sources: planned.sources,
  };
  await writeFile(path.join(partial, "dataset.json"), JSON.stringify(dataset, null, 2));
  await rm(dir, { recursive: true, force: true });
  await rename(partial, dir);
  return { ...dataset, generatedMs: Math.round(performance.now() - started) };
}
