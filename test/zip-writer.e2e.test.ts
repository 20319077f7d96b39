import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import zlib from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readZip } from "../devtools/zipread.ts";
import { EntryReader, readZipDirectory, WindowPool } from "../src/zip/reader.ts";
import { copyEntries, writeZip, type ZipInput, type ZipMember } from "../src/zip/writer.ts";
import { hostPython } from "./support/python.ts";
import { rawZip } from "./support/rawzip.ts";

let work: string;
let files: ZipInput[];
const sourceText = (n: number) =>
  Array.from({ length: n }, (_, i) => `def f${i}(x):\n    return x * ${i}  # line ${i}\n`).join("");

async function file(rel: string, data: string | Buffer, mode = 0o644): Promise<ZipInput> {
  const abs = path.join(work, "src", rel);
  await mkdir(path.dirname(abs), { recursive: true });
  await writeFile(abs, data);
  await chmod(abs, mode);
  return { name: rel, absolutePath: abs, executable: (mode & 0o111) !== 0, size: Buffer.byteLength(data) };
}

beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), "lpp-zip-"));
  files = [
    await file("pkg/__init__.py", sourceText(40)),
    await file("pkg/sub/deep/mod.py", sourceText(2000)),
    await file("pkg/empty.typed", ""),
    // random bytes do not deflate: stored
    await file("pkg/_native.cpython-312-x86_64-linux-gnu.so", randomBytes(300_000), 0o755),
    await file("pkg/données/été.txt", "non-ASCII names are flagged UTF-8\n"),
    await file("pkg-1.0.dist-info/RECORD", "pkg/__init__.py,,\n"),
    // more than the inline limit in all: compressed on the worker threads
    await file("pkg/big.py", sourceText(40_000)),
  ];
});

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

const out = (name: string) => path.join(work, name);
const bytes = (p: string) => readFile(p);
const prefixed = (prefix: string, list: ZipInput[]) => list.map((f) => ({ ...f, name: `${prefix}${f.name}` }));

function pythonTestzip(zip: string): string {
  return execFileSync(
    hostPython(),
    ["-c", "import sys, zipfile; z = zipfile.ZipFile(sys.argv[1]); print(z.testzip()); print(len(z.infolist()))", zip],
    { encoding: "utf8" },
  );
}

const hasUnzip = (() => {
  try {
    execFileSync("unzip", ["-v"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
})();

describe("the zip writer", () => {
  it("copies entries from a zip it made into byte-identical zips, at the root and under python/", async () => {
    const fresh = await writeZip(files, out("fresh.zip"));
    const directory = await readZipDirectory(fresh.path);
    const copied = await writeZip(copyEntries(directory), out("copied.zip"));
    expect((await bytes(copied.path)).equals(await bytes(fresh.path))).toBe(true);
    expect(copied).toMatchObject({
      sha256: fresh.sha256,
      size: fresh.size,
      unzippedSize: fresh.unzippedSize,
      entries: fresh.entries,
    });

    const layerFresh = await writeZip(prefixed("python/", files), out("layer-fresh.zip"));
    const layerCopied = await writeZip(
      copyEntries(directory, (name) => `python/${name}`),
      out("layer-copied.zip"),
    );
    expect(layerCopied.sha256).toBe(layerFresh.sha256);
    expect((await bytes(layerCopied.path)).equals(await bytes(layerFresh.path))).toBe(true);
    const names = readZip(layerCopied.path).map((e) => e.name);
    expect(names[0]).toBe("python/");
    expect(names).toContain("python/pkg/sub/deep/mod.py");

    // and back: stripped of the prefix, the same bytes as the zip made at the root
    const stripped = await writeZip(
      copyEntries(await readZipDirectory(layerFresh.path), (name) => name.slice("python/".length)),
      out("stripped.zip"),
    );
    expect(stripped.sha256).toBe(fresh.sha256);
  });

  it("mixes fresh and copied entries (code beside copied dependencies) into the same bytes as all fresh", async () => {
    const deps = files.filter((f) => f.name.startsWith("pkg"));
    const dependencyZip = await readZipDirectory((await writeZip(deps, out("deps.zip"))).path);
    const code = [
      await file("app.py", "def handler(e, c):\n    return 1\n"),
      await file("pkg/sub/local.py", "X = 1\n"),
    ];
    const mixed: ZipMember[] = [...code, ...copyEntries(dependencyZip)];
    const a = await writeZip(mixed, out("mixed.zip"));
    const b = await writeZip([...code, ...deps], out("all-fresh.zip"));
    expect(a.sha256).toBe(b.sha256);
  });

  it("copies from many zips through a few reused read windows, entries larger than a window in pieces", async () => {
    // eight wheels, each with an entry bigger than the window (random bytes: stored) and small ones
    const wheels: ZipInput[][] = [];
    for (let w = 0; w < 8; w++) {
      wheels.push([
        await file(`w${w}/big-${w}.so`, randomBytes(300_000 + w * 7_919)),
        await file(`w${w}/mod.py`, sourceText(50 + w)),
        await file(`w${w}/data.txt`, `wheel ${w}\n`.repeat(20_000)),
      ]);
    }
    const directories = [];
    for (const [w, members] of wheels.entries()) {
      directories.push(await readZipDirectory((await writeZip(members, out(`wheel-${w}.zip`))).path));
    }
    const windows = new WindowPool(64 * 1024);
    // interleaved, so the writer moves from zip to zip as a dependency zip's sorted names make it
    const copied = directories.flatMap((d) => copyEntries(d)).sort((a, b) => (a.name < b.name ? -1 : 1));
    const viaWindows = await writeZip(copied, out("via-windows.zip"), { windows });
    expect(viaWindows.sha256).toBe((await writeZip(wheels.flat(), out("fresh-all.zip"))).sha256);
    // four readers hold a window at a time (READ_WINDOWS); released windows are handed on, not dropped
    expect(windows.allocated).toBeGreaterThan(0);
    expect(windows.allocated).toBeLessThanOrEqual(5);
    expect(pythonTestzip(viaWindows.path).split("\n")[0]).toBe("None");
  });

  it("writes the same bytes inline and on the worker threads, and under any memory budget", async () => {
    const small = files.filter((f) => f.size < 100_000 && f.size > 0);
    expect(small.reduce((s, f) => s + f.size, 0)).toBeLessThan(1024 * 1024);
    const inline = await writeZip(small, out("inline.zip"));
    // with big.py the job goes to the workers; copying back the small entries must give the inline bytes
    const pooled = await readZipDirectory((await writeZip(files, out("pooled.zip"))).path);
    const names = new Set(small.map((f) => f.name));
    const fromPool = await writeZip(
      copyEntries(pooled, (name) => (names.has(name) ? name : undefined)),
      out("from-pool.zip"),
    );
    expect(fromPool.sha256).toBe(inline.sha256);
    const tight = await writeZip(files, out("tight.zip"), { bytesInFlight: 1 });
    expect(tight.sha256).toBe((await writeZip(files, out("roomy.zip"), { bytesInFlight: 1 << 30 })).sha256);
  });

  it("keeps directory entries, modes, fixed times and byte-order sorting", async () => {
    const zip = await writeZip(
      copyEntries(await readZipDirectory((await writeZip(files, out("m.zip"))).path), (n) => `python/${n}`),
      out("modes.zip"),
    );
    const entries = readZip(zip.path);
    const names = entries.map((e) => e.name);
    expect(names).toEqual([...names].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b))));
    for (const dir of [
      "python/",
      "python/pkg/",
      "python/pkg/sub/",
      "python/pkg/sub/deep/",
      "python/pkg/données/",
      "python/pkg-1.0.dist-info/",
    ]) {
      expect(names).toContain(dir);
    }
    for (const e of entries) {
      expect(e.madeBy).toBe(3);
      expect([e.dosDate, e.dosTime]).toEqual([33, 0]);
      const expected = e.name.endsWith("/") ? 0o040755 : e.name.endsWith(".so") ? 0o100755 : 0o100644;
      expect(e.mode, e.name).toBe(expected);
    }
    const so = entries.find((e) => e.name.endsWith(".so"))!;
    expect(so.method).toBe(0); // random bytes: stored, not deflated
    expect(entries.find((e) => e.name.endsWith("mod.py"))!.method).toBe(8);
    expect(entries.find((e) => e.name.endsWith("empty.typed"))).toMatchObject({ method: 0, size: 0 });
    for (const f of files) {
      expect(
        entries
          .find((e) => e.name === `python/${f.name}`)!
          .data()
          .equals(await readFile(f.absolutePath)),
        f.name,
      ).toBe(true);
    }
  });

  it("makes zips Python's zipfile and unzip -t accept", async () => {
    for (const name of ["fresh.zip", "copied.zip", "layer-copied.zip", "mixed.zip", "tight.zip"]) {
      const zip = out(name);
      expect(existsSync(zip)).toBe(true);
      expect(pythonTestzip(zip).split("\n")[0]).toBe("None");
      if (hasUnzip)
        expect(execFileSync("unzip", ["-t", "-q", zip], { encoding: "utf8" })).toMatch(/No errors detected/);
    }
  });

  it("refuses names that are not files, and a name given twice", async () => {
    await expect(writeZip([{ ...files[0]!, name: "pkg/" }], out("x.zip"))).rejects.toThrow(/not a file name/);
    await expect(writeZip([files[0]!, files[0]!], out("x.zip"))).rejects.toThrow(/given twice/);
  });
});

describe("the zip reader", () => {
  it("reads zips other tools made, and their entries copy as stored", async () => {
    const python = execFileSync(
      hostPython(),
      [
        "-c",
        [
          "import sys, zipfile",
          "with zipfile.ZipFile(sys.argv[1], 'w', zipfile.ZIP_DEFLATED) as z:",
          "    z.comment = b'made by python'",
          "    z.writestr('a/one.py', 'print(1)\\n' * 100)",
          "    z.writestr(zipfile.ZipInfo('a/stored.txt'), 'plain')",
          "print('ok')",
        ].join("\n"),
        out("python-made.zip"),
      ],
      { encoding: "utf8" },
    );
    expect(python.trim()).toBe("ok");
    const directory = await readZipDirectory(out("python-made.zip"));
    expect(directory.entries.map((e) => [e.name, e.method])).toEqual([
      ["a/one.py", 8],
      ["a/stored.txt", 0],
    ]);
    const reader = new EntryReader(directory);
    try {
      expect(zlib.inflateRawSync(await reader.read(directory.entries[0]!)).toString()).toBe("print(1)\n".repeat(100));
      expect((await reader.read(directory.entries[1]!)).toString()).toBe("plain");
    } finally {
      await reader.close();
    }
    const copied = await writeZip(
      copyEntries(directory, (name) => `python/${name}`),
      out("python-copied.zip"),
    );
    expect(readZip(copied.path).map((e) => [e.name, e.mode])).toEqual([
      ["python/", 0o040755],
      ["python/a/", 0o040755],
      ["python/a/one.py", 0o100644],
      ["python/a/stored.txt", 0o100644],
    ]);
    expect(pythonTestzip(copied.path).split("\n")[0]).toBe("None");
  });

  it("names what it cannot read", async () => {
    await writeFile(out("garbage.zip"), randomBytes(1000));
    await expect(readZipDirectory(out("garbage.zip"))).rejects.toThrow(
      /not a zip this reader handles: no end-of-central-directory/,
    );
    await writeFile(out("symlink.zip"), rawZip([{ name: "link", data: "target", mode: 0o120777 }]));
    const directory = await readZipDirectory(out("symlink.zip"));
    await expect(writeZip(copyEntries(directory), out("y.zip"))).rejects.toThrow(/link is not a regular file/);
  });
});
