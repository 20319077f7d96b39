import { describe, expect, it } from "vitest";
import { inspectTree } from "../src/inspect/index.ts";
import type { InspectInput } from "../src/inspect/types.ts";
import type { DependencyTree } from "../src/install/types.ts";
import { makeTarget, type Runtime } from "../src/target.ts";
import { glibcAbove, glibcAtMost, glibcBetween, pickElf, withMachine } from "./support/elf.ts";
import { buildTree, tempDir } from "./support/tree.ts";

const X86 = 62;
const ARM = 183;

async function inspect(tree: DependencyTree, runtime: Runtime, arch: "x86_64" | "arm64" = "x86_64") {
  const input: InspectInput = {
    target: makeTarget(runtime, arch),
    tree,
    code: [],
    packageMode: "layer",
    allowCollisions: false,
  };
  return inspectTree(input);
}

const elfFindings = (r: Awaited<ReturnType<typeof inspect>>) => r.findings.filter((f) => f.check.startsWith("elf"));

describe("shared objects: glibc", () => {
  it("names the file, the distribution, what it requires and what python3.11 has", async () => {
    const mid = await pickElf("requiring GLIBC in (2.26, 2.34]", glibcBetween("2.26", "2.34"));
    const low = await pickElf("requiring GLIBC ≤ 2.26", glibcAtMost("2.26"));
    const so = "fastmath/_core.cpython-311-x86_64-linux-gnu.so";
    const tree = buildTree(await tempDir(), [
      {
        name: "fastmath",
        version: "1.2.0",
        // the wheel claims manylinux2014, but the extension module was linked against a newer glibc
        tags: ["cp311-cp311-manylinux_2_17_x86_64", "cp311-cp311-manylinux2014_x86_64"],
        files: {
          "fastmath/__init__.py": "from ._core import *\n",
          [so]: { content: withMachine(mid.path, X86), mode: 0o755 },
          "fastmath.libs/libhelper-3a4b.so.1.2": { content: withMachine(low.path, X86), mode: 0o755 },
        },
      },
    ]);
    const r311 = await inspect(tree, "python3.11");
    expect(elfFindings(r311)).toEqual([
      expect.objectContaining({
        severity: "error",
        check: "elf-glibc",
        distribution: "fastmath",
        path: so,
        message: `${so} in fastmath 1.2.0 requires GLIBC_${mid.info.glibc}; python3.11 on Amazon Linux 2 has glibc 2.26`,
        hint: expect.stringMatching(/pin fastmath to an older version .* or use python3\.12 or newer/),
      }),
    ]);
    expect(r311.findings.filter((f) => f.check === "wheel-fit")).toEqual([]);
    expect(r311.distributions[0]?.findings.map((f) => f.check)).toEqual(["elf-glibc"]);

    // on python3.12 (glibc 2.34) the object loads; only the cp311 wheel tag is wrong there
    const r312 = await inspect(tree, "python3.12");
    expect(elfFindings(r312)).toEqual([]);
    expect(r312.findings.map((f) => f.check)).toEqual(["wheel-fit"]);
  });

  it("on python3.12+ points past 2.34 with no newer runtime to move to; one finding per distribution", async () => {
    const high = await pickElf("requiring GLIBC > 2.34", glibcAbove("2.34"));
    const mid = await pickElf("requiring GLIBC in (2.26, 2.34]", glibcBetween("2.26", "2.34"));
    const tree = buildTree(await tempDir(), [
      {
        name: "Heavy-Lib",
        version: "3.0.1",
        tags: ["cp312-cp312-manylinux_2_17_x86_64"],
        files: {
          "heavy/a.cpython-312-x86_64-linux-gnu.so": withMachine(high.path, X86),
          "heavy/b.cpython-312-x86_64-linux-gnu.so": withMachine(high.path, X86),
          "heavy/c.cpython-312-x86_64-linux-gnu.so": withMachine(mid.path, X86),
        },
      },
    ]);
    const r = await inspect(tree, "python3.13");
    const found = elfFindings(r);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({
      severity: "error",
      check: "elf-glibc",
      path: "heavy/a.cpython-312-x86_64-linux-gnu.so",
    });
    expect(found[0]?.message).toBe(
      `heavy/a.cpython-312-x86_64-linux-gnu.so in Heavy-Lib 3.0.1 requires GLIBC_${high.info.glibc}; ` +
        `python3.13 on Amazon Linux 2023 has glibc 2.34; 1 more shared object in it needs more than glibc 2.34: ` +
        `heavy/b.cpython-312-x86_64-linux-gnu.so (GLIBC_${high.info.glibc})`,
    );
    expect(found[0]?.hint).toMatch(/no Lambda Python runtime has a newer glibc/);
    // on python3.11 all three are over 2.26
    const [al2] = elfFindings(await inspect(tree, "python3.11"));
    expect(al2?.message).toMatch(/2 more shared objects in it need more than glibc 2\.26: .*heavy\/c\.cpython-312/);
  });

  it("detects ELF by its magic: versioned .so.N, extension-less executables, misnamed files; not fake .so text", async () => {
    const mid = await pickElf("requiring GLIBC in (2.26, 2.34]", glibcBetween("2.26", "2.34"));
    const elf = withMachine(mid.path, X86);
    const tree = buildTree(await tempDir(), [
      {
        name: "tools",
        version: "0.1",
        files: {
          "tools/bin/helper": { content: elf, mode: 0o755 },
          "tools/data/blob.dat": elf,
          "tools/libz.so.1.3": elf,
          "tools/fake.so": "this is not a shared object\n",
          "tools/short.so": "\x7fEL",
        },
      },
    ]);
    const [f] = elfFindings(await inspect(tree, "python3.10"));
    expect(f?.message).toMatch(
      /^tools\/bin\/helper in tools 0\.1 requires GLIBC_2\.\d+; python3\.10 on Amazon Linux 2 has glibc 2\.26; 2 more shared objects in it need more than glibc 2\.26: tools\/data\/blob\.dat \(GLIBC_2\.\d+\), tools\/libz\.so\.1\.3/,
    );
  });

  it("names files no RECORD lists", async () => {
    const mid = await pickElf("requiring GLIBC in (2.26, 2.34]", glibcBetween("2.26", "2.34"));
    const tree = buildTree(await tempDir(), [], { "stray/_x.so": withMachine(mid.path, X86) });
    const [f] = elfFindings(await inspect(tree, "python3.9"));
    expect(f).toMatchObject({ distribution: undefined, path: "stray/_x.so" });
    expect(f?.message).toMatch(/^stray\/_x\.so in no distribution \(not listed in any RECORD\) requires GLIBC_/);
    expect(f?.hint).toMatch(/^use a build whose wheels are manylinux_2_26 or older/);
  });
});

describe("shared objects: architecture", () => {
  it("rejects an aarch64 object on x86_64 and accepts it on arm64", async () => {
    const low = await pickElf("requiring GLIBC ≤ 2.26", glibcAtMost("2.26"));
    const so = "armlib/_speedups.cpython-312-aarch64-linux-gnu.so";
    const tree = buildTree(await tempDir(), [
      { name: "armlib", version: "2.0", files: { [so]: withMachine(low.path, ARM), "armlib/__init__.py": "" } },
    ]);
    const x86 = await inspect(tree, "python3.12", "x86_64");
    expect(elfFindings(x86)).toEqual([
      expect.objectContaining({
        severity: "error",
        check: "elf-machine",
        distribution: "armlib",
        path: so,
        message: `${so} in armlib 2.0 is a 64-bit little-endian ELF for aarch64 (e_machine 183); python3.12 x86_64 runs 64-bit little-endian x86_64 (e_machine 62)`,
        hint: expect.stringContaining("invalid ELF header"),
      }),
    ]);
    expect(elfFindings(await inspect(tree, "python3.12", "arm64"))).toEqual([]);
  });

  it("rejects an x86_64 object on arm64, and 32-bit or big-endian objects anywhere", async () => {
    const low = await pickElf("requiring GLIBC ≤ 2.26", glibcAtMost("2.26"));
    const x86 = withMachine(low.path, X86);
    const arm32 = Buffer.from(x86);
    arm32[4] = 1; // ELFCLASS32
    arm32.writeUInt16LE(40, 18);
    const tree = buildTree(await tempDir(), [
      { name: "mixed", version: "1", files: { "mixed/a.so": x86, "mixed/b.so": arm32 } },
    ]);
    const [f] = elfFindings(await inspect(tree, "python3.11", "arm64"));
    expect(f?.message).toBe(
      "mixed/a.so in mixed 1 is a 64-bit little-endian ELF for x86_64 (e_machine 62); python3.11 arm64 runs 64-bit little-endian aarch64 (e_machine 183); " +
        "1 more ELF file in it is not for aarch64 either: mixed/b.so",
    );
  });

  it("warns about an ELF file it cannot read, without crashing", async () => {
    const low = await pickElf("requiring GLIBC ≤ 2.26", glibcAtMost("2.26"));
    const bytes = withMachine(low.path, X86);
    const tree = buildTree(await tempDir(), [
      {
        name: "broken",
        version: "0.0.1",
        files: { "broken/_cut.so": bytes.subarray(0, 1000), "broken/_head.so": bytes.subarray(0, 20) },
      },
    ]);
    const found = elfFindings(await inspect(tree, "python3.12"));
    expect(found.map((f) => [f.severity, f.check, f.path])).toEqual([
      ["warning", "elf-unreadable", "broken/_cut.so"],
      ["warning", "elf-unreadable", "broken/_head.so"],
    ]);
    expect(found[0]?.message).toMatch(
      /^broken\/_cut\.so in broken 0\.0\.1 starts like an ELF file but could not be checked: .*outside the file/,
    );
    expect(found[1]?.message).toMatch(/truncated ELF header \(20 bytes\)/);
  });

  it("passes a clean tree of real x86_64 objects within the glibc ceiling", async () => {
    const low = await pickElf("requiring GLIBC ≤ 2.26", glibcAtMost("2.26"));
    const tree = buildTree(await tempDir(), [
      {
        name: "clean",
        version: "1.0",
        tags: ["cp39-abi3-manylinux_2_17_x86_64"],
        // a real object from this machine (e_machine set to x86_64 in case the machine is not)
        files: { "clean/_c.abi3.so": { content: withMachine(low.path, X86), mode: 0o755 }, "clean/__init__.py": "" },
      },
    ]);
    for (const runtime of ["python3.9", "python3.11", "python3.12", "python3.14"] as const) {
      expect((await inspect(tree, runtime)).findings, runtime).toEqual([]);
    }
  });
});
