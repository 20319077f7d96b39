/**
 * Where a wheel member lands in the tree pip --target makes, or why it is left to pip (which
 * refuses it with its own diagnosis) or refused here: the pure mapping the build from
 * downloaded wheels uses in place of pip's own unpacking.
 */
import { describe, expect, it } from "vitest";
import {
  distInfoOf,
  duplicatePaths,
  entryProblem,
  pipExecutable,
  placeMember,
  renderInstalledRecord,
  WheelUnusual,
} from "../src/dependencies/wheel-layout.ts";
import { installedRecordKeeps, unextractableReason } from "../src/install/tree.ts";
import { zipEntry } from "./support/zip-entry.ts";

const DI = "gamma_pkg-1.0.dist-info";

describe("placeMember", () => {
  it("ships package files and dist-info files where they are", () => {
    const here = (path: string) => ({ kind: "ship", path, recordPath: path });
    expect(placeMember("gamma_pkg/__init__.py", DI)).toEqual(here("gamma_pkg/__init__.py"));
    expect(placeMember(`${DI}/METADATA`, DI)).toEqual(here(`${DI}/METADATA`));
    expect(placeMember("top.py", DI)).toEqual(here("top.py"));
  });

  it("moves .data/purelib, platlib and data to the root", () => {
    expect(placeMember("gamma_pkg-1.0.data/purelib/extra.py", DI)).toEqual({
      kind: "ship",
      path: "extra.py",
      recordPath: "extra.py",
    });
    expect(placeMember("gamma_pkg-1.0.data/platlib/g/_c.so", DI)).toEqual({
      kind: "ship",
      path: "g/_c.so",
      recordPath: "g/_c.so",
    });
    // pip names what it put beside its lib folder from there
    expect(placeMember("gamma_pkg-1.0.data/data/share/g.txt", DI)).toEqual({
      kind: "ship",
      path: "share/g.txt",
      recordPath: "../../share/g.txt",
    });
    // a data file under lib/python is in pip's lib folder: it ships from there
    expect(placeMember("gamma_pkg-1.0.data/data/lib/python/g/x.py", DI)).toEqual({
      kind: "ship",
      path: "g/x.py",
      recordPath: "g/x.py",
    });
  });

  it("leaves .data/data/lib/ out, as pip --target does, keeping its RECORD path for the layout check", () => {
    expect(placeMember("gamma_pkg-1.0.data/data/lib/libg.so", DI)).toEqual({
      kind: "leave",
      recordPath: "../libg.so",
    });
    // pip's own test is a string prefix of lib/python: "li" stays behind too, "libs" does not
    expect(placeMember("gamma_pkg-1.0.data/data/li/x", DI)).toEqual({ kind: "leave", recordPath: "../../li/x" });
    expect(placeMember("gamma_pkg-1.0.data/data/lib/pythonic/x", DI)).toEqual({
      kind: "leave",
      recordPath: "../pythonic/x",
    });
    expect(placeMember("gamma_pkg-1.0.data/data/libs/x", DI)).toEqual({
      kind: "ship",
      path: "libs/x",
      recordPath: "../../libs/x",
    });
  });

  it("regenerates pip's own dist-info files and leaves folder entries out", () => {
    expect(placeMember(`${DI}/RECORD`, DI)).toEqual({ kind: "regenerate", path: `${DI}/RECORD` });
    expect(placeMember(`${DI}/INSTALLER`, DI).kind).toBe("regenerate");
    expect(placeMember("gamma_pkg/", DI)).toEqual({ kind: "leave" });
  });

  it("leaves scripts and headers out, with the RECORD path pip gives them, which cleanTree's rule drops", () => {
    expect(placeMember("gamma_pkg-1.0.data/scripts/tool", DI)).toEqual({ kind: "leave", recordPath: "../../bin/tool" });
    const header = placeMember("gamma_pkg-1.0.data/headers/g.h", DI);
    expect(header).toEqual({ kind: "leave", recordPath: "../../include/python/gamma_pkg/g.h" });
    expect(installedRecordKeeps("../../bin/tool")).toBe(false);
    expect(installedRecordKeeps("../../include/python/greenlet/greenlet.h")).toBe(false);
    expect(installedRecordKeeps("../../share/g.txt")).toBe(true);
    expect(installedRecordKeeps("gamma_pkg/__init__.py")).toBe(true);
    expect(installedRecordKeeps("gamma_pkg/__pycache__/x.cpython-312.pyc")).toBe(false);
  });

  it.each([
    ["../evil.py", "outside the root"],
    ["gamma_pkg/../../evil.py", "outside the root"],
    ["/etc/passwd", "absolute"],
    ["C:/x.py", "absolute"],
    ["gamma_pkg\\..\\evil.py", "backslash"],
    ["gamma_pkg//x.py", "outside the root"],
    ["./x.py", "outside the root"],
    ["gamma_pkg/x\u0000.py", "control"],
    ["gamma_pkg-1.0.data/purelib/../../evil.py", "outside the root"],
    ["other-2.0.data/purelib/x.py", "not of this wheel"],
    ["gamma_pkg-1.0.data/purelib", "not of this wheel"],
    ["gamma_pkg-1.0.data/lib/x.py", "unknown scheme"],
    ["other-2.0.dist-info/METADATA", "second .dist-info"],
  ])("leaves %j to pip, which refuses it (%s)", (name, why) => {
    expect(() => placeMember(name, DI)).toThrow(WheelUnusual);
    expect(() => placeMember(name, DI)).toThrow(why);
  });
});

const entry = zipEntry;

describe("entryProblem", () => {
  it("takes members stored or deflated, whatever mode their creator recorded", () => {
    expect(entryProblem(entry({}))).toBeUndefined();
    expect(entryProblem(entry({ method: 0, mode: 0o100755 }))).toBeUndefined();
    expect(entryProblem(entry({ madeBy: 0, mode: 0 }))).toBeUndefined();
    expect(entryProblem(entry({ mode: 0o120777 }))).toBeUndefined();
  });
  it("leaves encrypted members and other compression methods to pip", () => {
    expect(entryProblem(entry({ flags: 1 }))).toMatch(/encrypted/);
    expect(entryProblem(entry({ method: 12 }))).toMatch(/compression method 12/);
  });
  it("leaves a name to pip when zipfile may decode it otherwise: non-ASCII without the UTF-8 flag, or not UTF-8", () => {
    expect(entryProblem(entry({ name: "g/caf\u00e9.py", flags: 0x800 }))).toBeUndefined();
    expect(entryProblem(entry({ name: "g/caf\u00e9.py", flags: 0 }))).toMatch(/cp437/);
    expect(entryProblem(entry({ name: "g/caf\uFFFD.py", flags: 0x800 }))).toMatch(/not valid UTF-8/);
    expect(entryProblem(entry({ name: "g/plain.py", flags: 0 }))).toBeUndefined();
  });
  it("refuses what Linux cannot create: a component over 255 bytes, a path over 3,072 bytes under the tree", () => {
    expect(unextractableReason(`g/${"a".repeat(255)}`, `g/${"a".repeat(255)}`)).toBeUndefined();
    expect(unextractableReason(`g/${"a".repeat(256)}.py`, undefined)).toMatch(/component of 259 bytes/);
    // bytes, not characters: 128 two-byte letters are 256 bytes
    expect(unextractableReason(`g/${"\u00e9".repeat(128)}`, undefined)).toMatch(/256 bytes/);
    const deep = Array.from({ length: 16 }, () => "d".repeat(200)).join("/");
    expect(unextractableReason(deep, deep)).toMatch(/path is 3215 bytes/);
    expect(unextractableReason(deep, undefined)).toBeUndefined();
  });
  it("makes a member executable by pip's rule: a regular file with an execute bit, never a link or device", () => {
    expect(pipExecutable(0o100755)).toBe(true);
    expect(pipExecutable(0o100644)).toBe(false);
    expect(pipExecutable(0o104755)).toBe(true);
    expect(pipExecutable(0o120777)).toBe(false);
    expect(pipExecutable(0o060755)).toBe(false);
    expect(pipExecutable(0o000755)).toBe(false);
  });
});

describe("RECORD", () => {
  it("renders it as pip does after an install (sorted, RECORD without hash, CRLF, data under ../../)", () => {
    const text = renderInstalledRecord(
      [
        { path: "gamma_pkg/__init__.py", hash: "sha256=AAA", size: "6" },
        { path: "../../share/g.txt", hash: "sha256=B", size: "2" },
        { path: `${DI}/INSTALLER`, hash: "sha256=C", size: "4" },
        { path: "a,b.py", hash: "sha256=D", size: "1" },
      ],
      DI,
    );
    expect(text).toBe(
      [
        "../../share/g.txt,sha256=B,2",
        '"a,b.py",sha256=D,1',
        `${DI}/INSTALLER,sha256=C,4`,
        `${DI}/RECORD,,`,
        "gamma_pkg/__init__.py,sha256=AAA,6",
        "",
      ].join("\r\n"),
    );
  });

  it("finds the one dist-info folder and installed paths given twice", () => {
    expect(distInfoOf(["g/x.py", `${DI}/METADATA`, `${DI}/RECORD`])).toBe(DI);
    expect(() => distInfoOf(["g/x.py"])).toThrow(WheelUnusual);
    expect(() => distInfoOf([`${DI}/METADATA`, "b-1.dist-info/METADATA"])).toThrow(WheelUnusual);
    // pip counts a file named like one too (the first segment of every name)
    expect(() => distInfoOf([`${DI}/METADATA`, "b-1.dist-info"])).toThrow(/2 .dist-info/);
    expect(duplicatePaths(["a.py", "b.py", "a.py"])).toEqual(["a.py"]);
  });
});
