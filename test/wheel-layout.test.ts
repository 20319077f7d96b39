/**
 * Where a wheel member lands in the tree pip --target makes, or why it is refused: the pure
 * mapping the download-and-transplant build uses in place of pip's own unpacking.
 */
import { describe, expect, it } from "vitest";
import {
  distInfoOf,
  duplicatePaths,
  entryProblem,
  placeMember,
  recordMismatch,
  recordPathOf,
  renderInstalledRecord,
  WheelRefused,
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

  it("regenerates pip's own dist-info files and leaves folder entries out", () => {
    expect(placeMember(`${DI}/RECORD`, DI)).toEqual({ kind: "regenerate", path: `${DI}/RECORD` });
    expect(placeMember(`${DI}/INSTALLER`, DI).kind).toBe("regenerate");
    expect(placeMember("gamma_pkg/", DI)).toEqual({ kind: "leave" });
  });

  it("falls back for scripts and headers, whose installed form depends on the host or the requirement", () => {
    expect(() => placeMember("gamma_pkg-1.0.data/scripts/tool", DI)).toThrow(WheelUnusual);
    expect(() => placeMember("gamma_pkg-1.0.data/headers/g.h", DI)).toThrow(WheelUnusual);
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
  ])("refuses %j (%s)", (name, why) => {
    expect(() => placeMember(name, DI)).toThrow(WheelRefused);
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
  ...over,
});

describe("entryProblem", () => {
  it("takes regular files stored or deflated, and files with no Unix mode", () => {
    expect(entryProblem(entry({}))).toBeUndefined();
    expect(entryProblem(entry({ method: 0, mode: 0o100755 }))).toBeUndefined();
    expect(entryProblem(entry({ madeBy: 0, mode: 0 }))).toBeUndefined();
    expect(entryProblem(entry({ name: "pkg/", mode: 0o040755 }))).toBeUndefined();
  });
  it("refuses links and special files", () => {
    expect(entryProblem(entry({ mode: 0o120777 }))).toHaveProperty("refuse");
    expect(entryProblem(entry({ mode: 0o010644 }))).toHaveProperty("refuse");
    expect(entryProblem(entry({ mode: 0o060644 }))).toHaveProperty("refuse");
    expect(entryProblem(entry({ mode: 0o040755 }))).toHaveProperty("refuse");
  });
  it("falls back for encrypted members and other compression methods", () => {
    expect(entryProblem(entry({ flags: 1 }))).toHaveProperty("unusual");
    expect(entryProblem(entry({ method: 12 }))).toHaveProperty("unusual");
  });
});

describe("RECORD", () => {
  it("renders it as pip does after an install (sorted, RECORD without hash, CRLF, data under ../../)", () => {
    const text = renderInstalledRecord(
      [
        { path: "gamma_pkg/__init__.py", hash: "sha256=AAA", size: 6 },
        { path: recordPathOf("share/g.txt", DI, "gamma_pkg-1.0.data/data/share/g.txt"), hash: "sha256=B", size: 2 },
        { path: `${DI}/INSTALLER`, hash: "sha256=C", size: 4 },
        { path: "a,b.py", hash: "sha256=D", size: 1 },
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

  it("names a member whose hash or size its RECORD contradicts", () => {
    const found = { hash: "sha256=xyz", size: 3 };
    expect(recordMismatch("a.py", { hash: "sha256=xyz", size: 3 }, found)).toBeUndefined();
    expect(recordMismatch("a.py", { hash: "sha256=xyz" }, found)).toBeUndefined();
    expect(recordMismatch("a.py", { hash: "sha256=abc", size: 3 }, found)).toMatch(/a\.py does not match/);
    expect(recordMismatch("a.py", { hash: "sha256=xyz", size: 4 }, found)).toMatch(/a\.py is 3 bytes/);
    expect(recordMismatch("a.py", { hash: "md5=xyz", size: 3 }, found)).toMatch(/no sha256/);
    expect(recordMismatch("a.py", undefined, found)).toMatch(/not listed/);
  });

  it("finds the one dist-info folder and installed paths given twice", () => {
    expect(distInfoOf(["g/x.py", `${DI}/METADATA`, `${DI}/RECORD`])).toBe(DI);
    expect(() => distInfoOf(["g/x.py"])).toThrow(WheelRefused);
    expect(() => distInfoOf([`${DI}/METADATA`, "b-1.dist-info/METADATA"])).toThrow(WheelRefused);
    expect(duplicatePaths(["a.py", "b.py", "a.py"])).toEqual(["a.py"]);
  });
});
