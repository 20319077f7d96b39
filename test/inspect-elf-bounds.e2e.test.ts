/**
 * The ELF reader on hostile and on very large files: work and memory bounded by the
 * version-needs table whatever its offsets say, and a string table of any declared
 * size read only where the names are.
 */
import { spawnSync } from "node:child_process";
import { statSync, writeFileSync } from "node:fs";
import { open } from "node:fs/promises";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { handleReader, parseElf, readElf } from "../src/inspect/elf.ts";
import { inspectTree } from "../src/inspect/index.ts";
import { makeTarget } from "../src/target.ts";
import { stringTable, verneedTable, writeSyntheticElf } from "./support/elf.ts";
import { buildTree, tempDir } from "./support/tree.ts";

const ROOT = path.resolve(import.meta.dirname, "..");

/** Reads and checks `file` in a child with a 128 MB heap; its time and memory come back with the finding. */
function checkInChild(dir: string, file: string) {
  const script = path.join(dir, "check.mts");
  const src = (p: string) => JSON.stringify(pathToFileURL(path.join(ROOT, p)).href);
  writeFileSync(
    script,
    `import { scanFile } from ${src("src/inspect/scan.ts")};
import { checkBinaries } from ${src("src/inspect/binaries.ts")};
import { makeTarget } from ${src("src/target.ts")};
const file = ${JSON.stringify(file)};
const rss = process.memoryUsage().rss;
const start = performance.now();
const scanned = await scanFile({ path: "evil/_x.so", absolutePath: file, size: ${statSync(file).size}, executable: true });
const ms = performance.now() - start;
const findings = checkBinaries([scanned], [], makeTarget("python3.12", "x86_64"));
console.log(JSON.stringify({ ms, grew: process.memoryUsage().rss - rss, problem: scanned.elf?.problem, findings }));
`,
  );
  const run = spawnSync(process.execPath, ["--max-old-space-size=128", "--import", "tsx", script], {
    cwd: ROOT,
    encoding: "utf8",
    timeout: 30_000,
  });
  expect(run.signal, `the reader did not finish: ${run.stderr}`).toBeNull();
  expect(run.status, run.stderr).toBe(0);
  return JSON.parse(run.stdout.trim().split("\n").at(-1) ?? "") as {
    ms: number;
    grew: number;
    problem?: string;
    findings: { severity: string; message: string }[];
  };
}

describe("ELF reader: bounded work on hostile version needs", () => {
  it("a 92 KB object whose entries share one long aux chain is reported malformed in well under 2 s", async () => {
    const dir = await tempDir("elf-bounds-");
    // 2,048 Elf_Verneed entries, each claiming 65,535 versions from one shared chain of
    // 2,048 Elf_Vernaux entries, whose names are a 28 KB string: 4 million walks, 117 GB of names
    const needs = 2048;
    const aux = 2048;
    const table = Buffer.alloc(16 * (needs + aux));
    for (let i = 0; i < needs; i++) {
      const at = 16 * i;
      table.writeUInt16LE(1, at);
      table.writeUInt16LE(0xffff, at + 2);
      table.writeUInt32LE(1, at + 4);
      table.writeUInt32LE(16 * needs - at, at + 8); // every entry's vn_aux reaches the same chain
      table.writeUInt32LE(16, at + 12);
    }
    for (let j = 0; j < aux; j++) {
      const at = 16 * (needs + j);
      table.writeUInt32LE(1, at + 8);
      table.writeUInt32LE(j === aux - 1 ? 0 : 16, at + 12);
    }
    const dynstr = Buffer.concat([Buffer.from([0]), Buffer.alloc(28 * 1024, 0x41), Buffer.from([0])]);
    const file = path.join(dir, "evil.so");
    await writeSyntheticElf(file, { verneed: table, count: needs, dynstr });
    expect(statSync(file).size).toBeGreaterThan(90_000);
    expect(statSync(file).size).toBeLessThan(100_000);

    const result = checkInChild(dir, file);
    expect(result.ms).toBeLessThan(2000);
    expect(result.grew).toBeLessThan(64 * 1024 * 1024);
    expect(result.problem).toMatch(/^malformed version needs/);
    expect(result.findings).toHaveLength(1);
    expect(result.findings[0]!.message).toMatch(
      /evil\/_x\.so starts like an ELF file but could not be checked: malformed/,
    );
  });

  it("entries that overlap (a link shorter than an entry) are malformed, not read as names", async () => {
    const { bytes, offset } = stringTable(["libc.so.6", "GLIBC_2.17"]);
    const table = Buffer.alloc(64);
    table.set(verneedTable([{ file: offset.get("libc.so.6")!, versions: [offset.get("GLIBC_2.17")!] }]));
    table.writeUInt16LE(3, 2); // vn_cnt 3
    table.writeUInt32LE(4, 16 + 12); // vna_next 4: the next aux entry starts inside this one
    const dir = await tempDir("elf-bounds-");
    const file = path.join(dir, "overlap.so");
    await writeSyntheticElf(file, { verneed: table, count: 1, dynstr: bytes });
    expect((await readElf(file))!.problem).toMatch(/^malformed version needs .* overlaps another entry/);
  });

  it("a name longer than 4 KiB is malformed, not read to the end of the table", async () => {
    const dynstr = Buffer.concat([Buffer.from([0]), Buffer.alloc(64 * 1024, 0x41), Buffer.from([0])]);
    const table = verneedTable([{ file: 1, versions: [2, 3] }]);
    const dir = await tempDir("elf-bounds-");
    const file = path.join(dir, "long.so");
    await writeSyntheticElf(file, { verneed: table, count: 1, dynstr });
    expect((await readElf(file))!.problem).toMatch(/malformed .*longer than 4096 bytes/);
  });
});

describe("ELF reader: string tables of any size", () => {
  const names = ["libc.so.6", "GLIBC_2.2.5", "GLIBC_2.28", "libstdc++.so.6", "GLIBCXX_3.4.21"];

  async function hugeDynstr(declared: number) {
    const dir = await tempDir("elf-bounds-");
    const shift = declared - stringTable(names).bytes.length;
    const { bytes, offset } = stringTable(names, shift);
    const at = (n: string) => offset.get(n)!;
    const table = verneedTable([
      { file: at("libc.so.6"), versions: [at("GLIBC_2.2.5"), at("GLIBC_2.28")] },
      { file: at("libstdc++.so.6"), versions: [at("GLIBCXX_3.4.21")] },
    ]);
    const file = path.join(dir, "libtensorflow_cc.so.2");
    const size = await writeSyntheticElf(file, { verneed: table, count: 2, dynstr: bytes, dynstrSize: declared });
    return { dir, file, size };
  }

  it("an 82 MB+ .dynstr (libtensorflow_cc.so.2) is checked, reading a few KB of it", async () => {
    const { file, size } = await hugeDynstr(100 * 1024 * 1024);
    const handle = await open(file, "r");
    let bytesRead = 0;
    try {
      const inner = handleReader(handle, size);
      const info = (await parseElf(async (o, l) => {
        const b = await inner(o, l);
        bytesRead += b.length;
        return b;
      }, size))!;
      expect(info.problem).toBeUndefined();
      expect(info.needs).toEqual([
        { file: "libc.so.6", versions: ["GLIBC_2.2.5", "GLIBC_2.28"] },
        { file: "libstdc++.so.6", versions: ["GLIBCXX_3.4.21"] },
      ]);
      expect(info.glibc).toBe("2.28");
    } finally {
      await handle.close();
    }
    expect(bytesRead).toBeLessThan(64 * 1024);
  });

  it("such a library needing GLIBC_2.28 is refused for python3.11 (glibc 2.26), not waved through", async () => {
    const { file } = await hugeDynstr(90 * 1024 * 1024);
    const root = await tempDir("elf-bounds-tree-");
    const tree = buildTree(root, [
      {
        name: "tensorflow",
        version: "2.20.0",
        tags: ["cp311-cp311-manylinux_2_17_x86_64"],
        files: { "tensorflow/libtensorflow_cc.so.2": { copy: file } },
      },
    ]);
    const result = await inspectTree({
      target: makeTarget("python3.11", "x86_64"),
      tree,
      code: [],
      packageMode: "layer",
      allowCollisions: false,
    });
    const elf = result.findings.filter((f) => f.check.startsWith("elf"));
    expect(elf.map((f) => f.check)).toEqual(["elf-glibc"]);
    expect(elf[0]!.message).toMatch(/tensorflow\/libtensorflow_cc\.so\.2 in tensorflow 2\.20\.0 requires GLIBC_2\.28/);
  });
});
