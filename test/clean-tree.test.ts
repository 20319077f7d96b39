/** What an install leaves that Lambda cannot use: one rule, for the tree on disk and for wheels unpacked in memory. */
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { cleanedAway, cleanTree, readTree } from "../src/install/tree.ts";

let dir: string | undefined;
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

const FILES = [
  "bin/tool",
  "bin/sub/other",
  "pkg/__init__.py",
  "pkg/__pycache__/__init__.cpython-312.pyc",
  "pkg/stale.pyc",
  "pkg/bin/kept.py",
  "binary/kept.py",
  "pkg/sub/__pycache__/deep/x.txt",
  "include/python/pkg/pkg.h",
  "include/kept.h",
  "pkg-1.0.dist-info/RECORD",
];

describe("cleanTree and cleanedAway", () => {
  it("remove bin/ and include/python/ at the root, __pycache__ folders and .pyc files, and nothing else", async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "lpp-clean-"));
    for (const f of FILES) {
      await mkdir(path.dirname(path.join(dir, f)), { recursive: true });
      await writeFile(path.join(dir, f), "x");
    }
    const removed = await cleanTree(dir);
    expect(removed.sort()).toEqual([
      "bin/",
      "include/python/",
      "pkg/__pycache__/",
      "pkg/stale.pyc",
      "pkg/sub/__pycache__/",
    ]);
    const left = (await readTree(dir)).files.map((f) => f.path);
    expect(left.sort()).toEqual([
      "binary/kept.py",
      "include/kept.h",
      "pkg-1.0.dist-info/RECORD",
      "pkg/__init__.py",
      "pkg/bin/kept.py",
    ]);
    // the predicate the in-memory unpacking uses says the same of every file
    expect(FILES.filter((f) => !cleanedAway(f)).sort()).toEqual(left.sort());
  });

  it("drop the removed files' rows from each RECORD, pip's bytes otherwise", async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "lpp-clean-"));
    const rows = [
      "../../bin/tool,sha256=A,1",
      "../../include/python/pkg/pkg.h,sha256=B,2",
      "../../share/pkg/data.txt,sha256=C,3",
      '"pkg/a,b.py",sha256=D,4',
      "pkg/__init__.py,sha256=E,5",
      "pkg/__pycache__/__init__.cpython-312.pyc,,",
      "pkg-1.0.dist-info/RECORD,,",
    ];
    await mkdir(path.join(dir, "pkg-1.0.dist-info"), { recursive: true });
    await writeFile(path.join(dir, "pkg-1.0.dist-info/RECORD"), rows.map((r) => `${r}\r\n`).join(""));
    await cleanTree(dir);
    const kept = [rows[2], rows[3], rows[4], rows[6]];
    expect(await readFile(path.join(dir, "pkg-1.0.dist-info/RECORD"), "utf8")).toBe(
      kept.map((r) => `${r}\r\n`).join(""),
    );
  });
});
