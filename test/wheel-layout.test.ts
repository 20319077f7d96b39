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
  recordMismatch,
  recordPathOf,
  renderInstalledRecord,
  WheelUnusual,
} from "../src/dependencies/wheel-layout.ts";
import type { ZipEntry } from "../src/zip/reader.ts";

const DI = "gamma_pkg-1.0.dist-info";

describe("placeMember", () => {
  it("ships package files and dist-info files where they are", () => {
    expect(placeMember("gamma_pkg/__init__.py", DI)).toEqual({ kind: "ship", path: "gamma_pkg/__init__.py" });
    expect(placeMember(`${DI}/METADATA`, DI)).toEqual({ kind: "ship", path: `${DI}/METADATA` });
    expect(placeMember("top.py", DI)).toEqual({ kind: "ship", path: "top.py" });
  });

  it("moves .data/purelib, platlib and data to the root", () => {
    expect(placeMember("gamma_pkg-1.0.data/purelib/extra.py", DI)).toEqual({ kind: "ship", path: "extra.py" });
    expect(placeMember("gamma_pkg-1.0.data/platlib/g/_c.so", DI)).toEqual({ kind: "ship", path: "g/_c.so" });
    expect(placeMember("gamma_pkg-1.0.data/data/share/g.txt", DI)).toEqual({ kind: "ship", path: "share/g.txt" });
  });

  it("leaves .data/data/lib/ out, as pip --target does, keeping its RECORD path for the layout check", () => {
    expect(placeMember("gamma_pkg-1.0.data/data/lib/libg.so", DI)).toEqual({
      kind: "leave",
      recordPath: "../../lib/libg.so",
    });
    // pip's own test is a string prefix of lib/python: "li" stays behind too, "libs" does not
    expect(placeMember("gamma_pkg-1.0.data/data/li/x", DI).kind).toBe("leave");
    expect(placeMember("gamma_pkg-1.0.data/data/libs/x", DI)).toEqual({ kind: "ship", path: "libs/x" });
  });

  it("regenerates pip's own dist-info files and leaves folder entries out", () => {
    expect(placeMember(`${DI}/RECORD`, DI)).toEqual({ kind: "regenerate", path: `${DI}/RECORD` });
    expect(placeMember(`${DI}/INSTALLER`, DI).kind).toBe("regenerate");
    expect(placeMember("gamma_pkg/", DI)).toEqual({ kind: "leave" });
  });

  it("leaves scripts and headers out: bin/ is removed after pip, and nothing imports a header", () => {
    expect(placeMember("gamma_pkg-1.0.data/scripts/tool", DI)).toEqual({ kind: "leave" });
    expect(placeMember("gamma_pkg-1.0.data/headers/g.h", DI)).toEqual({ kind: "leave" });
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

const entry = (over: Partial<ZipEntry>): ZipEntry => ({
  name: "a.py",
  madeBy: 3,
  method: 8,
  flags: 0,
  dosTime: 0,
  dosDate: 33,
  crc: 0,
  compressedSize: 1,
  size: 1,
  externalAttributes: 0,
  mode: 0o100644,
  localHeaderOffset: 0,
  nameBytes: Buffer.from(over.name ?? "a.py"),
  dataLimit: 100,
  ...over,
});

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
        { path: recordPathOf("share/g.txt", DI, "gamma_pkg-1.0.data/data/share/g.txt"), hash: "sha256=B", size: "2" },
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

  it("refuses a member whose hash or size its RECORD contradicts; leaves one it cannot check to pip", () => {
    const found = { hash: "sha256=xyz", size: 3 };
    expect(recordMismatch("a.py", { hash: "sha256=xyz", size: 3 }, found)).toBeUndefined();
    expect(recordMismatch("a.py", { hash: "sha256=xyz" }, found)).toBeUndefined();
    expect(recordMismatch("a.py", { hash: "sha256=abc", size: 3 }, found)).toEqual({
      refuse: expect.stringMatching(/a\.py does not match/),
    });
    expect(recordMismatch("a.py", { hash: "sha256=xyz", size: 4 }, found)).toEqual({
      refuse: expect.stringMatching(/a\.py is 3 bytes/),
    });
    expect(recordMismatch("a.py", { hash: "md5=xyz", size: 3 }, found)).toEqual({
      unusual: expect.stringMatching(/no sha256/),
    });
    expect(recordMismatch("a.py", undefined, found)).toEqual({ unusual: expect.stringMatching(/not listed/) });
  });

  it("finds the one dist-info folder and installed paths given twice", () => {
    expect(distInfoOf(["g/x.py", `${DI}/METADATA`, `${DI}/RECORD`])).toBe(DI);
    expect(() => distInfoOf(["g/x.py"])).toThrow(WheelUnusual);
    expect(() => distInfoOf([`${DI}/METADATA`, "b-1.dist-info/METADATA"])).toThrow(WheelUnusual);
    expect(duplicatePaths(["a.py", "b.py", "a.py"])).toEqual(["a.py"]);
  });
});
