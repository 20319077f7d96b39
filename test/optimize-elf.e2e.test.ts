/**
 * Shared objects stripped by our own ELF rewriter: a gcc-built object with debug
 * information loses every .debug_* section and .symtab/.strtab, keeps .dynsym/.dynstr,
 * and still loads and runs; the same object marked aarch64 is stripped the same way on
 * this x86_64 machine, and readelf (which reads any architecture) finds it valid.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stripElf } from "../src/optimize/elf-strip.ts";
import { hostPython } from "./support/python.ts";

let work: string;
let library: string;

const C_SOURCE = `
static int twice(int x) { return 2 * x; }
int add(int a, int b) { return twice(a) + b - a; }
`;

/** Section names and any complaint readelf has about the file. */
function sections(file: string): { names: string[]; complaints: string } {
  const r = spawnSync("readelf", ["-S", "-W", file], { encoding: "utf8" });
  const names = [...r.stdout.matchAll(/^\s*\[\s*\d+\]\s+(\S*)\s+[A-Z_]+/gm)].map((m) => m[1] ?? "").filter(Boolean);
  return { names, complaints: `${r.stderr}${r.status === 0 ? "" : `exit ${r.status}`}` };
}

beforeAll(() => {
  work = mkdtempSync(path.join(os.tmpdir(), "lpp-strip-"));
  writeFileSync(path.join(work, "fast.c"), C_SOURCE);
  library = path.join(work, "libfast.so");
  execFileSync("gcc", ["-g", "-O1", "-shared", "-fPIC", "-o", library, path.join(work, "fast.c")]);
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe("stripping shared objects", () => {
  it("removes debug sections and the symbol table, and the object still loads and runs", () => {
    const before = sections(library).names;
    expect(before).toEqual(expect.arrayContaining([".debug_info", ".symtab", ".strtab", ".dynsym", ".dynstr"]));
    const result = stripElf(readFileSync(library));
    expect(result).toBeDefined();
    const stripped = path.join(work, "libfast-stripped.so");
    writeFileSync(stripped, result!.bytes);
    const after = sections(stripped);
    expect(after.complaints).toBe("");
    expect(after.names.filter((n) => n.startsWith(".debug_") || n === ".symtab" || n === ".strtab")).toEqual([]);
    expect(after.names).toEqual(before.filter((n) => !n.startsWith(".debug_") && n !== ".symtab" && n !== ".strtab"));
    expect(result!.bytes.length).toBeLessThan(readFileSync(library).length);
    const run = spawnSync(
      hostPython(),
      ["-S", "-c", `import ctypes; print(ctypes.CDLL(${JSON.stringify(stripped)}).add(20, 22))`],
      {
        encoding: "utf8",
      },
    );
    expect(run.stderr).toBe("");
    expect(run.stdout.trim()).toBe("42");
    // the exported symbol is still found by name: .dynsym stayed
    expect(execFileSync("readelf", ["--dyn-syms", "-W", stripped], { encoding: "utf8" })).toMatch(/\badd\b/);
  });

  it("strips an aarch64 object on this x86_64 machine, leaving a valid section table", () => {
    const bytes = readFileSync(library);
    bytes.writeUInt16LE(183, 18); // EM_AARCH64
    const arm = path.join(work, "libfast-aarch64.so");
    writeFileSync(arm, bytes);
    const result = stripElf(bytes);
    expect(result?.removed).toEqual(expect.arrayContaining([".debug_info", ".symtab", ".strtab"]));
    const stripped = path.join(work, "libfast-aarch64-stripped.so");
    writeFileSync(stripped, result!.bytes);
    expect(execFileSync("readelf", ["-h", stripped], { encoding: "utf8" })).toMatch(/AArch64/);
    const after = sections(stripped);
    expect(after.complaints).toBe("");
    expect(after.names).toEqual(expect.arrayContaining([".dynsym", ".dynstr", ".text"]));
    expect(after.names.some((n) => n.startsWith(".debug_") || n === ".symtab")).toBe(false);
    // program headers are copied as they were: what the loader maps is unchanged
    const segments = (f: string) =>
      execFileSync("readelf", ["-l", "-W", f], { encoding: "utf8" }).split("Section to Segment")[0];
    expect(segments(stripped)).toEqual(segments(arm));
  });

  it("leaves alone what it cannot strip safely: a stripped object, a 32-bit or a non-ELF file", () => {
    expect(stripElf(stripElf(readFileSync(library))!.bytes)).toBeUndefined();
    const elf32 = readFileSync(library);
    elf32[4] = 1;
    expect(stripElf(elf32)).toBeUndefined();
    expect(
      stripElf(Buffer.from("not an ELF file at all, just text that is long enough for a header......")),
    ).toBeUndefined();
    const truncated = readFileSync(library).subarray(0, 2000);
    expect(stripElf(truncated)).toBeUndefined();
  });
});
