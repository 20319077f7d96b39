/**
 * pip's refusals and decisions, mirrored by the unpacking of wheels here: each case is built
 * by the action twice, unpacked here (the default) and by pip (LPP_UNPACK=pip), and must end
 * the same way both times: both refuse, or both ship the same layer (names, modes, bytes).
 * One case per rule of docs/internals.md's table of pip's rules.
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtemp } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LocalIndex, startIndex } from "../devtools/pypi/index-server.ts";
import { makeRawWheel, type RawWheelSpec } from "./support/rawzip.ts";
import { unpackOutcomes } from "./support/unpack-both.ts";

let work: string;
let index: LocalIndex;
const wheels: Record<string, { filename: string; sha256: string }> = {};

const init = (pkg: string) => ({ name: `${pkg}/__init__.py`, data: "V = 1\n" });
const wheel = (name: string, over: Partial<RawWheelSpec> = {}): RawWheelSpec => ({
  name,
  version: "1.0",
  entries: [init(name)],
  ...over,
});

/** A member name of `length` bytes under `pkg/`, in 200-byte folders. */
const deepName = (pkg: string, length: number) => {
  const folders = Array.from({ length: Math.floor((length - pkg.length - 10) / 201) }, (_, i) =>
    `${i}`.padEnd(200, "d"),
  );
  const stem = `${pkg}/${folders.join("/")}/`;
  return `${stem}${"f".repeat(length - stem.length - 4)}.bin`;
};

/** Each case: the wheels it pins. */
const CASES: Record<string, RawWheelSpec[]> = {
  // pip: "Invalid script entry point: … A callable suffix is required"
  nocallable: [wheel("nocallable", { entryPoints: "[console_scripts]\nnocallable = nocallable\n" })],
  // pip: OSError ENAMETOOLONG; the member stored (its bytes would be written to scratch) and deflated
  longstored: [
    wheel("longstored", { entries: [init("longstored"), { name: `longstored/${"n".repeat(300)}.py`, data: "x" }] }),
  ],
  longdeflated: [
    wheel("longdeflated", {
      entries: [
        init("longdeflated"),
        { name: `longdeflated/${"n".repeat(256)}`, data: "x = 1\n".repeat(50), deflate: true },
      ],
    }),
  ],
  // a path of 3,000 bytes, stored and large: shipped both ways (it was written to scratch by its path)
  deeppath: [
    wheel("deeppath", {
      entries: [init("deeppath"), { name: deepName("deeppath", 3000), data: Buffer.alloc(300_000, 7) }],
    }),
  ],
  // 4,040 bytes: within PATH_MAX under /opt/python/, not under the folders the installers use
  deeperpath: [
    wheel("deeperpath", { entries: [init("deeperpath"), { name: deepName("deeperpath", 4040), data: "x" }] }),
  ],
  // pip reads the mode from the external attributes whatever system made the zip
  execdos: [
    wheel("execdos", {
      entries: [init("execdos"), { name: "execdos/run.sh", data: "#!/bin/sh\n", mode: 0o100755, madeBy: 0 }],
    }),
  ],
  // zipfile reads a name without the UTF-8 flag as cp437: 0x82 is "é"
  cp437: [
    wheel("cp437", {
      entries: [
        init("cp437"),
        { name: "cp437/caf\u00e9.txt", nameBytes: Buffer.from("cp437/caf\x82.txt", "latin1"), data: "x\n" },
      ],
    }),
  ],
  // UTF-8 bytes without the flag: zipfile reads "caf\u251c\u2310" (cp437), not the "café" RECORD gives
  utf8noflag: [
    wheel("utf8noflag", {
      entries: [
        init("utf8noflag"),
        { name: "utf8noflag/caf\u00e9.txt", nameBytes: Buffer.from("utf8noflag/caf\u00e9.txt"), data: "x\n" },
      ],
    }),
  ],
  // gmsh writes RECORD's digests in hex: pip installs it, so must the action
  hexrecord: [
    wheel("hexrecord", { digest: "hex", entries: [init("hexrecord"), { name: "hexrecord/data.txt", data: "d\n" }] }),
  ],
  // .data/data as pip --target places it: lib/python/… is its lib folder, shipped from there
  // (lib/… beside it stays behind: gmshlike)
  datalib: [
    wheel("datalib", {
      entries: [
        init("datalib"),
        { name: "datalib-1.0.data/data/lib/python/datalib_extra.py", data: "E = 1\n" },
        { name: "datalib-1.0.data/data/share/datalib/notes.txt", data: "notes\n" },
      ],
    }),
  ],
  // gmsh 4.15.2's shape: RECORD in hex, its library installed through .data/data/lib (left behind by pip --target)
  gmshlike: [
    wheel("gmshlike", {
      digest: "hex",
      entries: [
        { name: "gmshlike.py", data: "import ctypes\nlib = ctypes.CDLL('libgmshlike.so')\n" },
        { name: "gmshlike-1.0.data/data/lib/libgmshlike.so", data: "\u007fELF not really\n" },
      ],
    }),
  ],
  // a folder entry where RECORD names a file, the file installed from .data/purelib: pip's RECORD
  // keeps the stale row beside the installed one, contradicting it (fuzzer seed 6 case 448)
  shadowed: [
    wheel("shadowed", {
      entries: [
        { name: "shadowed/__init__.py/", data: "" },
        { name: "shadowed-1.0.data/purelib/shadowed/__init__.py", data: "V = 2\n" },
      ],
      extraRecord: [`shadowed/__init__.py,sha256=${createHash("sha256").update("V = 1\n").digest("base64url")},6`],
    }),
  ],
  // headers and scripts: left out of both trees, and out of both RECORDs (with pip's launcher)
  headers: [
    wheel("headers", {
      entries: [
        init("headers"),
        { name: "headers-1.0.data/headers/headers.h", data: "int x;\n" },
        { name: "headers-1.0.data/scripts/headers-tool", data: "#!python\nprint(1)\n", mode: 0o100755 },
      ],
      entryPoints: "[console_scripts]\nheaders-cli = headers:main\n",
    }),
  ],
  // a path that is a file in one wheel and a folder in another: pip fails with an OSError
  clash: [
    wheel("clasha", { entries: [init("clasha"), { name: "clashing", data: "a file\n" }] }),
    wheel("clashb", { entries: [init("clashb"), { name: "clashing/inside.py", data: "x = 1\n" }] }),
  ],
  // pip counts a root file named like a .dist-info folder as a second one, and refuses
  distinfofile: [wheel("distinfofile", { entries: [init("distinfofile"), { name: "other-1.0.dist-info", data: "" }] })],
  // pip refuses a major Wheel-Version it does not know, and a WHEEL without one
  wheelv2: [wheel("wheelv2", { wheelText: "Wheel-Version: 2.0\nRoot-Is-Purelib: true\nTag: py3-none-any\n" })],
  wheelnov: [wheel("wheelnov", { wheelText: "Root-Is-Purelib: true\nTag: py3-none-any\n" })],
};

beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), "lpp-pip-rules-"));
  for (const specs of Object.values(CASES)) {
    for (const spec of specs) wheels[spec.name] = await makeRawWheel(path.join(work, "wheels"), spec);
  }
  index = await startIndex(path.join(work, "wheels"));
});

afterAll(async () => {
  await index?.close();
  // deeperpath leaves a tree deeper than fs.rm can name: GNU rm walks it folder by folder
  execFileSync("rm", ["-rf", work]);
});

/** Each case is built once each way; the tests that look at one more detail of a case reuse its build. */
const outcome = unpackOutcomes(
  (key) => CASES[key]!.map((s) => `${s.name}==${s.version} --hash=sha256:${wheels[s.name]!.sha256}\n`).join(""),
  () => ({ work, indexUrl: index.url }),
);

describe("each of pip's rules ends the same way whoever unpacks the wheel", () => {
  it.each(Object.keys(CASES))("%s", async (key) => {
    const [ours, pips] = [await outcome(key, "action"), await outcome(key, "pip")];
    if ("error" in pips) {
      if (!("error" in ours)) throw new Error(`the action shipped what pip refuses: ${pips.error}`);
      return;
    }
    if ("error" in ours) throw new Error(`the action refused what pip installs: ${ours.error}`);
    expect(ours.layer).toEqual(pips.layer);
  });

  it("a console script without a callable: pip's refusal, in pip's words", async () => {
    expect(await outcome("nocallable", "action")).toHaveProperty(
      "error",
      expect.stringMatching(
        /ERROR: For req: nocallable==1\.0\. Invalid script entry point: .* A callable suffix is required/,
      ),
    );
  });

  it("a path Linux can hold ships, stored and large, however deep", async () => {
    const ours = await outcome("deeppath", "action");
    if ("error" in ours) throw new Error(ours.error);
    expect(ours.layer.some((l) => l.includes("ffff.bin "))).toBe(true);
    expect(ours.log).not.toContain("pip install");
  });

  it("a path too long for the folders the tree goes into is refused both ways, never an internal error", async () => {
    const [ours, pips] = [await outcome("deeperpath", "action"), await outcome("deeperpath", "pip")];
    expect(ours).toHaveProperty(
      "error",
      expect.stringMatching(/cannot be unpacked: its path is 4040 bytes, over the 3072/),
    );
    expect(pips).toHaveProperty("error", expect.stringMatching(/too long|cannot be unpacked/));
  });

  it("a member no Linux file system can hold is refused, naming the wheel and the member", async () => {
    for (const key of ["longstored", "longdeflated"]) {
      const ours = await outcome(key, "action");
      expect(ours).toHaveProperty(
        "error",
        expect.stringMatching(
          new RegExp(
            `the wheel ${key}-1\\.0-py3-none-any\\.whl is not safe to install: member "${key}/n{256,}(\\.py)?" cannot be unpacked: its name has a component of \\d+ bytes, over Linux's limit of 255`,
          ),
        ),
      );
      expect(ours).toHaveProperty("error", expect.stringContaining(`"file":"requirements.txt"`));
    }
  });

  it("a path that is a file in one wheel and a folder in another names both wheels", async () => {
    const ours = await outcome("clash", "action");
    expect(ours).toHaveProperty(
      "error",
      expect.stringContaining(
        'the wheel clasha-1.0-py3-none-any.whl installs "clashing" as a file, and the wheel clashb-1.0-py3-none-any.whl installs "clashing/inside.py", inside "clashing" as a folder',
      ),
    );
  });

  it("modes and names are pip's: executable by the external attributes, a cp437 name as zipfile reads it", async () => {
    const exec = await outcome("execdos", "action");
    if ("error" in exec) throw new Error(exec.error);
    expect(exec.layer.find((l) => l.startsWith("python/execdos/run.sh "))).toMatch(/ 100755 /);
    const cp437 = await outcome("cp437", "action");
    if ("error" in cp437) throw new Error(cp437.error);
    expect(cp437.layer.some((l) => l.startsWith("python/cp437/caf\u00e9.txt "))).toBe(true);
    const utf8 = await outcome("utf8noflag", "action");
    if ("error" in utf8) throw new Error(utf8.error);
    expect(utf8.layer.some((l) => l.startsWith("python/utf8noflag/caf\u251c\u2310.txt "))).toBe(true);
  });

  it("a RECORD in hex is no forgery, and the wheel is unpacked here", async () => {
    const ours = await outcome("hexrecord", "action");
    if ("error" in ours) throw new Error(ours.error);
    expect(ours.log).not.toContain("pip install");
  });

  it("a RECORD row that contradicts the installed file is refused on both paths in the same words, stale or not", async () => {
    const [ours, pips] = [await outcome("shadowed", "action"), await outcome("shadowed", "pip")];
    expect(ours).toHaveProperty(
      "error",
      expect.stringContaining("shadowed/__init__.py does not match the sha256 its RECORD gives"),
    );
    expect(pips).toEqual(ours);
  });

  it(".data/data/lib/python/ ships from pip's lib folder, unpacked here", async () => {
    const ours = await outcome("datalib", "action");
    if ("error" in ours) throw new Error(ours.error);
    expect(ours.layer.some((l) => l.startsWith("python/datalib_extra.py "))).toBe(true);
    expect(ours.log).not.toContain("pip install");
  });

  it("a wheel like gmsh 4.15.2 gets the same diagnosis both ways, and no accusation of forgery", async () => {
    const [ours, pips] = [await outcome("gmshlike", "action"), await outcome("gmshlike", "pip")];
    expect(ours).toEqual(pips);
    expect(JSON.stringify(ours)).not.toMatch(/forged|not safe to install/);
  });

  it("headers, scripts and their RECORD rows are left out on both paths", async () => {
    const ours = await outcome("headers", "action");
    if ("error" in ours) throw new Error(ours.error);
    expect(ours.layer.some((l) => l.includes("headers.h") || l.startsWith("python/bin/"))).toBe(false);
    const record = ours.layer.find((l) => l.startsWith("python/headers-1.0.dist-info/RECORD "))!;
    const text = Buffer.from(record.split(" ")[2]!, "hex").toString();
    expect(text).not.toMatch(/\.\.\/\.\.\/(bin|include)\//);
    expect(ours.log).not.toContain("pip install");
  });
});
