// the same parser against readelf over this machine's libraries: inspect-elf.e2e.test.ts
import { readFileSync, writeFileSync } from "node:fs";
import { open } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { compareVersions, type ElfInfo, handleReader, parseElf, parseElfBytes, readElf } from "../src/inspect/elf.ts";
import { glibcAbove, glibcAtMost, pickElf, realElfFiles } from "./support/elf.ts";
import { tempDir } from "./support/tree.ts";

const flatten = (info: ElfInfo) =>
  Object.fromEntries(
    info.needs.map((n) => [n.file, [...n.versions].sort()]).sort(([a], [b]) => String(a).localeCompare(String(b))),
  );

describe("ELF parser", () => {
  it("finds real ELF files on this machine with GLIBC requirements on both sides of 2.26 and 2.34", async () => {
    const files = await realElfFiles();
    expect(files.length).toBeGreaterThan(10);
    const low = await pickElf("requiring GLIBC ≤ 2.26", glibcAtMost("2.26"));
    const mid = await pickElf(
      "requiring GLIBC in (2.26, 2.34]",
      (g) => glibcAbove("2.26")(g) && glibcAtMost("2.34")(g),
    );
    const high = await pickElf("requiring GLIBC > 2.34", glibcAbove("2.34"));
    expect(compareVersions(low.info.glibc!, "2.26")).toBeLessThanOrEqual(0);
    expect(compareVersions(mid.info.glibc!, "2.26")).toBeGreaterThan(0);
    expect(compareVersions(high.info.glibc!, "2.34")).toBeGreaterThan(0);
    expect(low.info.header).toMatchObject({ elfClass: 64, littleEndian: true });
  });

  it("reports the highest GLIBC_ version numerically (2.2.5 < 2.14 < 2.28) and other families apart", async () => {
    const f = await pickElf("requiring GLIBC > 2.26", glibcAbove("2.26"));
    const all = f.info.needs.flatMap((n) => n.versions).filter((v) => /^GLIBC_\d/.test(v));
    const max = all
      .map((v) => v.slice(6))
      .sort(compareVersions)
      .at(-1);
    expect(f.info.glibc).toBe(max);
    expect(compareVersions("2.2.5", "2.14")).toBeLessThan(0);
    expect(compareVersions("2.14", "2.28")).toBeLessThan(0);
    expect(compareVersions("2.28", "2.28.0")).toBe(0);
    expect(Object.keys(f.info.highest)).toContain("GLIBC");
  });

  it("returns undefined for files that are not ELF, whatever their name", async () => {
    const dir = await tempDir();
    writeFileSync(path.join(dir, "fake.so"), "#!/bin/sh\necho not elf\n");
    writeFileSync(path.join(dir, "empty.so"), "");
    expect(await readElf(path.join(dir, "fake.so"))).toBeUndefined();
    expect(await readElf(path.join(dir, "empty.so"))).toBeUndefined();
  });

  it("never throws on truncated or garbage files: it says what it could not read", async () => {
    const f = await pickElf("requiring GLIBC", glibcAbove("2.0"));
    const bytes = readFileSync(f.path);
    for (const cut of [4, 5, 16, 40, 63, 64, 200, 4096, Math.floor(bytes.length / 2), bytes.length - 1]) {
      const info = await parseElfBytes(bytes.subarray(0, cut));
      expect(info, `cut at ${cut}`).toBeDefined();
      if (cut < 64) expect(info!.header).toBeUndefined();
      // the section table sits at the end of the file: any cut before it loses the requirements
      if (cut >= 64) expect(info!.problem, `cut at ${cut}`).toMatch(/outside the file|truncated/);
    }
    // a valid header followed by random bytes, and random tables behind a real header
    let seed = 42;
    const rand = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed & 0xff;
    };
    for (let round = 0; round < 200; round++) {
      const garbage = Buffer.from(Array.from({ length: 512 }, rand));
      bytes.copy(garbage, 0, 0, round % 2 ? 64 : 4);
      const info = await parseElfBytes(garbage);
      expect(info).toBeDefined();
    }
    // a real file with its section-table offset pointing into nowhere
    const broken = Buffer.from(bytes);
    broken.writeBigUInt64LE(BigInt(bytes.length * 4), 0x28);
    expect((await parseElfBytes(broken))!.problem).toMatch(/outside the file/);
  });

  it("reads the requirements through the program headers when the section headers are stripped", async () => {
    const f = await pickElf("requiring GLIBC > 2.26", glibcAbove("2.26"));
    const bytes = Buffer.from(readFileSync(f.path));
    bytes.writeBigUInt64LE(0n, 0x28); // e_shoff
    bytes.writeUInt16LE(0, 0x3c); // e_shnum
    bytes.writeUInt16LE(0, 0x3e); // e_shstrndx
    const info = (await parseElfBytes(bytes))!;
    expect(info.problem).toBeUndefined();
    expect(flatten(info)).toEqual(flatten(f.info));
    expect(info.glibc).toBe(f.info.glibc);
  });

  it("reads the class, byte order and machine from the header", async () => {
    const f = await pickElf("requiring GLIBC", glibcAbove("2.0"));
    const bytes = Buffer.from(readFileSync(f.path));
    bytes.writeUInt16LE(183, 18);
    expect((await parseElfBytes(bytes))!.header).toMatchObject({ machine: 183, elfClass: 64, littleEndian: true });
    const big = Buffer.from(bytes);
    big[5] = 2; // claims big-endian: the header is still read, the tables then make no sense
    const bigInfo = (await parseElfBytes(big))!;
    expect(bigInfo.header).toMatchObject({ littleEndian: false, elfClass: 64 });
    const bad = Buffer.from(bytes);
    bad[4] = 7;
    const badInfo = (await parseElfBytes(bad))!;
    expect(badInfo.header).toBeUndefined();
    expect(badInfo.problem).toBe("invalid ELF class byte 7");
  });

  it("reads only the header, the section table and the two sections, not the whole file", async () => {
    const files = await realElfFiles();
    const big = files.filter((f) => f.info.glibc).at(-1)!;
    const handle = await open(big.path, "r");
    let bytesRead = 0;
    try {
      const inner = handleReader(handle, big.size);
      const info = await parseElf(async (offset, length) => {
        const b = await inner(offset, length);
        bytesRead += b.length;
        return b;
      }, big.size);
      expect(info!.glibc).toBe(big.info.glibc);
    } finally {
      await handle.close();
    }
    expect(big.size).toBeGreaterThan(200_000);
    expect(bytesRead).toBeLessThan(big.size / 4);
  });
});
