/**
 * The zip writer on inputs at the edges: more entries than the classic
 * zip format counts, files it must not read (a FIFO would block it forever), a file
 * larger than Lambda could ever take (2 GiB + 1 would overflow 32-bit fields), and a
 * name that is both a file and a folder.
 */
import { execFileSync } from "node:child_process";
import { mkdir, mkdtemp, rm, truncate, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { UserError } from "../src/errors.ts";
import { readZipDirectory } from "../src/zip/reader.ts";
import { copyEntries, writeZip, type ZipInput } from "../src/zip/writer.ts";
import { hostPython } from "./support/python.ts";

let work: string;

beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), "lpp-ziplimits-"));
});

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

async function input(name: string, data: string | Buffer): Promise<ZipInput> {
  const abs = path.join(work, "in", name);
  await mkdir(path.dirname(abs), { recursive: true });
  await writeFile(abs, data);
  return { name, absolutePath: abs, executable: false, size: Buffer.byteLength(data) };
}

function mkfifo(at: string): void {
  execFileSync("mkfifo", [at]);
}

const hasUnzip = (() => {
  try {
    execFileSync("unzip", ["-v"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
})();

describe("the zip writer at the edges", () => {
  it("writes 66,000 entries as ZIP64 that Python's zipfile, unzip -t and its own reader accept", async () => {
    const one = await input("one.py", "X = 1\n");
    // one file on disk under many names: the entry count is what is tested
    const members = Array.from({ length: 66_000 }, (_, i) => ({ ...one, name: `pkg${i % 10}/m${i}.py` }));
    const zip = await writeZip(members, path.join(work, "many.zip"));
    expect(zip.entries).toBe(66_010);
    const python = execFileSync(
      hostPython(),
      [
        "-c",
        "import sys, zipfile; z = zipfile.ZipFile(sys.argv[1]); print(z.testzip()); print(len(z.infolist()))",
        zip.path,
      ],
      { encoding: "utf8" },
    );
    expect(python.split("\n").slice(0, 2)).toEqual(["None", "66010"]);
    if (hasUnzip)
      expect(execFileSync("unzip", ["-t", "-q", zip.path], { encoding: "utf8" })).toMatch(/No errors detected/);
    const directory = await readZipDirectory(zip.path);
    expect(directory.entries).toHaveLength(66_010);
    // the function zip copies the dependency zip's entries: the reader must take its own ZIP64 output
    const copied = await writeZip(
      copyEntries(directory, (n) => `python/${n}`),
      path.join(work, "many-copied.zip"),
    );
    expect(copied.entries).toBe(66_011);
  }, 60_000);

  it.each([
    ["inline", 0],
    ["on the worker threads", 2 * 1024 * 1024],
  ])(
    "refuses a FIFO (%s) with a UserError naming it, without blocking",
    async (_how, extra) => {
      const fifo = path.join(work, `pipe-${extra}`);
      mkfifo(fifo);
      const members: ZipInput[] = [{ name: "config.py", absolutePath: fifo, executable: false, size: 0 }];
      if (extra > 0) members.push(await input("big.bin", Buffer.alloc(extra, 1)));
      const error = await writeZip(members, path.join(work, `fifo-${extra}.zip`)).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(UserError);
      expect((error as UserError).message).toMatch(
        /config\.py: .*pipe-\d+ is a FIFO \(named pipe\), not a regular file/,
      );
      expect((error as UserError).where.file).toBe("config.py");
    },
    10_000,
  );

  it("refuses a file of 2 GiB + 1 byte before reading it: Lambda could never take it", async () => {
    const huge = path.join(work, "huge.bin");
    await writeFile(huge, "");
    await truncate(huge, 2 ** 31 + 1); // sparse: no disk, no time
    const started = performance.now();
    const error = await writeZip(
      [{ name: "data/huge.bin", absolutePath: huge, executable: false, size: 2 ** 31 + 1 }],
      path.join(work, "huge.zip"),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).message).toMatch(
      /data\/huge\.bin: .*huge\.bin is 2147483649 bytes: more than Lambda's unzipped limit .*\(262144000 bytes\)/,
    );
    expect(performance.now() - started).toBeLessThan(5_000);
  }, 10_000);

  it("never writes a name as both a file and a folder", async () => {
    const file = await input("casey", "file\n");
    const inside = await input("casey-dir/x.py", "X = 1\n");
    await expect(writeZip([file, { ...inside, name: "casey/x.py" }], path.join(work, "clash.zip"))).rejects.toThrow(
      /casey is both a file and a folder/,
    );
  });
});
