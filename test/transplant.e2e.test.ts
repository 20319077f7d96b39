/**
 * The dependency zip from downloaded wheels (their deflated members copied into place) against
 * the one made from pip's installed tree, for the same lock: the same bytes when the wheels were
 * deflated as this writer deflates, and the same files, sizes, modes and distributions always.
 * A wheel whose RECORD lies is refused, naming it; a wheel's scripts are left out, as the
 * install path removes bin/.
 */
import { randomBytes } from "node:crypto";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LocalIndex, startIndex } from "../devtools/pypi/index-server.ts";
import { type BuiltWheel, makeWheel } from "../devtools/pypi/wheel.ts";
import { transplantWheels } from "../src/dependencies/transplant.ts";
import { UserError } from "../src/errors.ts";
import { scanBytes, scanKeeps, scanTree } from "../src/inspect/index.ts";
import type { IndexPlan } from "../src/install/indexes.ts";
import { pipDownload, pipInstall } from "../src/install/pip.ts";
import { cleanTree, readTree } from "../src/install/tree.ts";
import type { LockedSet } from "../src/lock/types.ts";
import { MemoryLog } from "../src/log.ts";
import { makeTarget } from "../src/target.ts";
import { dependencyMembers } from "../src/zip/package.ts";
import { writeZip } from "../src/zip/writer.ts";
import { buildProject, pinned, writeProject } from "./support/project.ts";
import { cleanPipEnv, hostPython } from "./support/python.ts";

let work: string;
let index: LocalIndex;
const w: Record<string, BuiltWheel> = {};
const target = makeTarget("python3.12", "x86_64");

beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), "lpp-transplant-"));
  const wheels = path.join(work, "wheels");
  w.alpha = await makeWheel(wheels, {
    name: "alpha-pkg",
    version: "1.0",
    files: {
      "alpha_pkg/__init__.py": "A = 1\n".repeat(200),
      "alpha_pkg/run.sh": { data: "#!/bin/sh\necho hi\n", mode: 0o755 },
      "alpha_pkg-1.0.data/purelib/alpha_extra.py": "E = 1\n",
      "alpha_pkg-1.0.data/data/share/alpha/notes.txt": "notes\n".repeat(50),
      "alpha_pkg/with,comma.txt": "x\n",
      // removed from pip's tree by cleanTree, their RECORD rows with them
      "alpha_pkg/__pycache__/__init__.cpython-312.pyc": "bytecode",
      "alpha_pkg/old.pyc": "bytecode",
    },
  });
  w.native = await makeWheel(wheels, {
    name: "native",
    version: "2.0",
    tag: "cp312-cp312-manylinux_2_17_x86_64",
    files: {
      "native/__init__.py": "from ._core import f\n",
      // incompressible: stored in the wheel, compressed again (and stored again) by the writer
      "native/_core.cpython-312-x86_64-linux-gnu.so": randomBytes(40_000),
      "native.libs/libz-1234.so.1": Buffer.concat([Buffer.from("\x7fELF"), Buffer.alloc(30_000, 7)]),
    },
  });
  w.scripty = await makeWheel(wheels, {
    name: "scripty",
    version: "0.1",
    files: {
      "scripty/__init__.py": "S = 1\n",
      "scripty-0.1.data/scripts/scripty-tool": { data: "#!python\nprint(1)\n", mode: 0o755 },
    },
  });
  index = await startIndex(wheels);
});

afterAll(async () => {
  await index?.close();
  await rm(work, { recursive: true, force: true });
});

const scanner = { keeps: scanKeeps, scan: scanBytes };

function lockOf(...names: [string, string, BuiltWheel][]): LockedSet {
  return {
    format: "requirements",
    lockfile: "requirements.txt",
    requirements: names.map(([name, version, wheel]) => ({
      name,
      version,
      extras: [],
      hashes: [`sha256:${wheel.sha256}`],
      where: { file: "requirements.txt" },
    })),
    indexes: { extraIndexUrls: [], findLinks: [], noIndex: false, trustedHosts: [] },
    complete: true,
    firstParty: [],
  };
}

async function bothWays(lock: LockedSet, label: string) {
  const dir = path.join(work, label);
  const options = { indexUrl: index.url, extraIndexUrls: [], findLinks: [], noIndex: false, trustedHosts: [] };
  const indexes: IndexPlan = { written: options, asked: options, source: "test", unset: [] };
  const home = path.join(dir, "home");
  const common = { lock, target, scratch: dir, python: hostPython(), env: cleanPipEnv(home), indexes };
  for (const d of ["installed", "downloads", "transplanted"]) await mkdir(path.join(dir, d), { recursive: true });
  await pipInstall({ ...common, directory: path.join(dir, "installed"), log: new MemoryLog() });
  await cleanTree(path.join(dir, "installed"));
  const installed = await readTree(path.join(dir, "installed"));
  const today = await writeZip(dependencyMembers(installed.files), path.join(dir, "today.zip"));
  const downloaded = await pipDownload({ ...common, directory: path.join(dir, "downloads"), log: new MemoryLog() });
  const result = await transplantWheels(downloaded.wheels, path.join(dir, "transplanted"), scanner);
  return { installed, today, downloaded, result, dir };
}

describe("a dependency zip from the wheels' own compressed bytes", () => {
  it("is byte-identical to the one made from pip's installed tree, and so is the tree", async () => {
    const lock = lockOf(["alpha-pkg", "1.0", w.alpha!], ["native", "2.0", w.native!]);
    const { installed, today, downloaded, result, dir } = await bothWays(lock, "same");
    expect(downloaded.chosenWheels).toEqual({ "alpha-pkg": w.alpha!.filename, native: w.native!.filename });
    if ("unusual" in result) throw new Error(result.unusual);
    const copied = result.members.filter((m) => "entry" in m).length;
    expect(copied).toBeGreaterThan(3);
    const made = await writeZip(result.members, path.join(dir, "transplanted.zip"));
    expect(made.sha256).toBe(today.sha256);
    const again = await transplantWheels(downloaded.wheels, path.join(dir, "again"), scanner);
    if ("unusual" in again) throw new Error(again.unusual);
    expect((await writeZip(again.members, path.join(dir, "again.zip"))).sha256).toBe(today.sha256);
    // what the later stages read: the same files, owners and distributions as pip's tree
    const view = (files: { path: string; size: number; executable: boolean; distribution?: string }[]) =>
      files.map((f) => [f.path, f.size, f.executable, f.distribution]);
    expect(view(result.listing.files)).toEqual(view(installed.files));
    expect(result.listing.distributions).toEqual(installed.distributions);
    // and what the checks read of them: the ELF headers of the shared objects, from the wheels
    const fromDisk = await scanTree(installed);
    const scanView = (list: typeof fromDisk) => list.map((s) => [s.file.path, s.mode, s.elf, s.head]);
    expect(scanView(result.scanned)).toEqual(scanView(fromDisk));
    expect(result.scanned.filter((s) => s.elf).map((s) => s.file.path)).toEqual(["native.libs/libz-1234.so.1"]);
  });

  it("leaves a wheel's scripts out, as the install path removes bin/", async () => {
    const lock = lockOf(["scripty", "0.1", w.scripty!]);
    const { result, installed } = await bothWays(lock, "scripts");
    if ("unusual" in result) throw new Error(result.unusual);
    const paths = result.listing.files.map((f) => f.path);
    expect(paths).toEqual(installed.files.map((f) => f.path));
    expect(paths.some((p) => p.startsWith("bin/") || p.includes("scripty-tool"))).toBe(false);
    // RECORD lists what was unpacked, without the launcher pip would have written to bin/
    const record = result.listing.distributions[0]!.record.map((r) => r.path);
    expect(record).toContain("scripty/__init__.py");
    expect(record.some((p) => p.includes("scripty-tool"))).toBe(false);
  });

  it("refuses a wheel whose RECORD does not match a member, naming both", async () => {
    // same length, one byte of a stored member's content changed: only the RECORD check can see it
    const liarDir = path.join(work, "liar");
    await mkdir(liarDir, { recursive: true });
    const liar = await makeWheel(liarDir, {
      name: "liar",
      version: "1.0",
      files: { "liar/data.bin": randomBytes(64) },
    });
    const bytes = await readFile(liar.path);
    const at = bytes.indexOf(Buffer.from("liar/data.bin")) + "liar/data.bin".length;
    bytes[at] = (bytes[at]! + 1) & 0xff;
    // the CRC in both headers is fixed up so only the hash tells
    const zlib = await import("node:zlib");
    const crc = zlib.crc32(bytes.subarray(at, at + 64));
    for (let i = bytes.indexOf(Buffer.from("PK\x03\x04")); i >= 0; i = bytes.indexOf(Buffer.from("PK"), i + 2)) {
      const sig = bytes.readUInt32LE(i);
      const nameAt = sig === 0x04034b50 ? i + 30 : sig === 0x02014b50 ? i + 46 : -1;
      if (nameAt > 0 && bytes.toString("utf8", nameAt, nameAt + 13) === "liar/data.bin")
        bytes.writeUInt32LE(crc >>> 0, sig === 0x04034b50 ? i + 14 : i + 16);
    }
    await writeFile(liar.path, bytes);
    const error = await transplantWheels([liar.path], path.join(work, "liar-tree"), scanner).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect((error as Error).message).toMatch(/liar-1\.0-py3-none-any\.whl.*liar\/data\.bin does not match the sha256/);
  });
});

describe("the action, unpacking the wheels itself by default", () => {
  it("builds the same zips as pip's unpacking (LPP_UNPACK=pip), with and without a wheel with scripts", async () => {
    const requirements = (...lines: string[]) => `${lines.join("\n")}\n`;
    const run = async (name: string, text: string, extra: NodeJS.ProcessEnv) => {
      const project = await writeProject(path.join(work, name), {
        "app.py": "import alpha_pkg\n",
        "requirements.txt": text,
      });
      return buildProject(
        project,
        { runtime: "python3.12", package: "split", cache: "false" },
        { home: path.join(work, `${name}-home`), indexUrl: index.url, extra },
      );
    };
    const set = requirements(pinned("alpha-pkg", "1.0", w.alpha!), pinned("native", "2.0", w.native!));
    const today = await run("p-today", set, { LPP_UNPACK: "pip" });
    expect(today.log.lines.join("\n")).toContain("pip install");
    const fromWheels = await run("p-wheels", set, {});
    expect(fromWheels.log.lines.join("\n")).toContain("pip download");
    expect(fromWheels.log.lines.join("\n")).not.toContain("pip install");
    expect(fromWheels.result.layerZip!.sha256).toBe(today.result.layerZip!.sha256);
    expect(fromWheels.result.functionZip!.sha256).toBe(today.result.functionZip!.sha256);
    expect(fromWheels.result.inspection).toEqual(today.result.inspection);

    const withScripts = requirements(pinned("alpha-pkg", "1.0", w.alpha!), pinned("scripty", "0.1", w.scripty!));
    const scripts = await run("s-wheels", withScripts, {});
    expect(scripts.log.lines.join("\n")).toContain("pip download");
    expect(scripts.log.lines.join("\n")).not.toContain("pip install");
    const names = scripts.result.tree.files.map((f) => f.path);
    expect(names).toContain("scripty/__init__.py");
    expect(names.some((p) => p.startsWith("bin/"))).toBe(false);
  });
});
