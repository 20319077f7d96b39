/**
 * What a wheel's RECORD claims against what its files hold, one comparison on both paths:
 * digests compared as bytes (a hex or padded digest is no lie), a contradiction refused,
 * a row that cannot be checked left to pip. On the install path, the installed tree's files
 * against the installed RECORD.
 */
import { createHash } from "node:crypto";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { UserError } from "../src/errors.ts";
import { checkInstalledRecords, recordMismatch, recordSha256, recordVerdict } from "../src/install/record.ts";
import { readTree } from "../src/install/tree.ts";

describe("recordMismatch", () => {
  it("refuses a member whose hash or size its RECORD contradicts; leaves one it cannot check to pip", () => {
    const digest = createHash("sha256").update("abc").digest();
    const found = { sha256: digest, size: 3 };
    const hash = `sha256=${digest.toString("base64url")}`;
    expect(recordMismatch("a.py", { hash, size: 3 }, found)).toBeUndefined();
    expect(recordMismatch("a.py", { hash }, found)).toBeUndefined();
    // the same digest written as hex (gmsh) or padded base64 is no lie
    expect(recordMismatch("a.py", { hash: `sha256=${digest.toString("hex")}`, size: 3 }, found)).toBeUndefined();
    expect(recordMismatch("a.py", { hash: `SHA256=${digest.toString("hex").toUpperCase()}` }, found)).toBeUndefined();
    expect(recordMismatch("a.py", { hash: `sha256=${digest.toString("base64")}`, size: 3 }, found)).toBeUndefined();
    const other = createHash("sha256").update("abd").digest();
    expect(recordMismatch("a.py", { hash: `sha256=${other.toString("hex")}` }, found)).toEqual({
      refuse: expect.stringMatching(/a\.py does not match/),
    });
    expect(recordMismatch("a.py", { hash: "sha256=abc" }, found)).toEqual({
      unusual: expect.stringMatching(/no sha256/),
    });
    expect(recordMismatch("a.py", { hash, size: Number.NaN }, found)).toEqual({
      unusual: expect.stringMatching(/no number/),
    });
    expect(recordMismatch("a.py", { hash: `sha256=${other.toString("base64url")}`, size: 3 }, found)).toEqual({
      refuse: expect.stringMatching(/a\.py does not match/),
    });
    expect(recordMismatch("a.py", { hash, size: 4 }, found)).toEqual({
      refuse: expect.stringMatching(/a\.py is 3 bytes/),
    });
    expect(recordMismatch("a.py", { hash: "md5=xyz", size: 3 }, found)).toEqual({
      unusual: expect.stringMatching(/no sha256/),
    });
    expect(recordMismatch("a.py", undefined, found)).toEqual({ unusual: expect.stringMatching(/not listed/) });
  });
});

describe("RECORD digests", () => {
  const digest = createHash("sha256").update("x").digest();
  it("reads a SHA-256 in URL-safe base64, padded base64 or hex, as the same 32 bytes", () => {
    for (const value of [digest.toString("base64url"), digest.toString("base64"), digest.toString("hex")]) {
      expect(recordSha256(`sha256=${value}`)).toEqual(digest);
    }
  });
  it("reads nothing from another algorithm or a value of another length", () => {
    expect(recordSha256(`sha512=${digest.toString("hex")}`)).toBeUndefined();
    expect(recordSha256(`sha256=${digest.toString("hex").slice(2)}`)).toBeUndefined();
    expect(recordSha256("sha256")).toBeUndefined();
    expect(recordSha256(undefined)).toBeUndefined();
  });
});

let dir: string | undefined;
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("recordVerdict", () => {
  const digest = createHash("sha256").update("abc").digest();
  const found = { sha256: digest, size: 3 };
  const right = { hash: `sha256=${digest.toString("base64url")}`, size: 3 };
  const wrong = { hash: `sha256=${createHash("sha256").update("abd").digest("base64url")}`, size: 3 };
  it("takes a file every checkable row vouches for, rows it cannot read aside", () => {
    expect(recordVerdict("a.py", [right, right], found)).toBeUndefined();
    expect(recordVerdict("a.py", [{ hash: "md5=x" }, right], found)).toBeUndefined();
  });
  it("refuses one any row contradicts (a second row for the same path included), leaves one no row can check", () => {
    expect(recordVerdict("a.py", [right, wrong], found)).toEqual({
      refuse: expect.stringMatching(/a\.py does not match/),
    });
    expect(recordVerdict("a.py", [wrong, { hash: "md5=x" }], found)).toEqual({
      refuse: expect.stringMatching(/a\.py does not match/),
    });
    expect(recordVerdict("a.py", [{ hash: "md5=x" }], found)).toEqual({ unusual: expect.stringMatching(/no sha256/) });
    expect(recordVerdict("a.py", [], found)).toEqual({ unusual: expect.stringMatching(/not listed/) });
  });
});

describe("checkInstalledRecords", () => {
  it("refuses an installed file its RECORD contradicts, as the wheel path words it; passes hex and unreadable rows", async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "lpp-record-"));
    const files: Record<string, string> = { "p/a.py": "A = 1\n", "p/b.py": "B = 1\n", "share/x.txt": "x\n" };
    const sha = (text: string) => createHash("sha256").update(text).digest();
    const rows = [
      `p/a.py,sha256=${sha(files["p/a.py"]!).toString("base64url")},6`,
      `p/b.py,sha256=${sha(files["p/b.py"]!).toString("hex")},6`,
      `../../share/x.txt,md5=whatever,2`,
      "p-1.0.dist-info/RECORD,,",
    ];
    const write = async (record: string[]) => {
      for (const [name, text] of Object.entries({ ...files, "p-1.0.dist-info/RECORD": `${record.join("\r\n")}\r\n` })) {
        await mkdir(path.dirname(path.join(dir!, name)), { recursive: true });
        await writeFile(path.join(dir!, name), text);
      }
      return readTree(dir!);
    };
    const origin = () => ({ wheel: "p-1.0-py3-none-any.whl", where: { file: "requirements.txt", line: 3 } });
    const fine = await write(rows);
    expect(() => checkInstalledRecords(fine, origin)).not.toThrow();
    rows[0] = `p/a.py,sha256=${sha("A = 2\n").toString("base64url")},6`;
    const lying = await write(rows);
    const error = (() => {
      try {
        checkInstalledRecords(lying, origin);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).message).toBe(
      "the wheel p-1.0-py3-none-any.whl is not safe to install: p/a.py does not match the sha256 its RECORD gives",
    );
    expect((error as UserError).where).toEqual({ file: "requirements.txt", line: 3 });
  });
});
