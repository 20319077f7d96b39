/**
 * The action's memory settings (src/memory.ts) as this Node takes them: set at run time,
 * V8 flags may do nothing, so each is held to its effect in a child process, beside the
 * same child without them (which must show the problem, or the test proves nothing).
 */
import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeZip } from "../src/zip/writer.ts";

const ROOT = path.resolve(import.meta.dirname, "..");
const src = (p: string) => JSON.stringify(pathToFileURL(path.join(ROOT, p)).href);
let work: string;

beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), "lpp-memory-"));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

/**
 * Runs `body` in a fresh Node (tsx for the sources), after src/memory.ts when `settings`; its
 * last line is JSON. Asynchronous: this process may be serving the child.
 */
async function inChild<T>(name: string, settings: boolean, body: string): Promise<T> {
  const script = path.join(work, `${name}-${settings ? "with" : "without"}.mts`);
  await writeFile(script, `${settings ? `import ${src("src/memory.ts")};\n` : ""}${body}`);
  // a child that fails or does not finish in time rejects, with its stderr in the message
  const { stdout } = await promisify(execFile)(process.execPath, ["--import", "tsx", script], {
    cwd: ROOT,
    timeout: 60_000,
  });
  return JSON.parse(stdout.trim().split("\n").at(-1) ?? "") as T;
}

const peak = `Number(/^VmHWM:\\s+(\\d+) kB$/m.exec((await import("node:fs")).readFileSync("/proc/self/status", "utf8"))[1]) * 1024`;

describe("the action's memory settings", () => {
  it("keep the young generation at its start size while most of what is allocated survives", async () => {
    // what unpacking does to the main thread: a long listing built of small objects that live on
    const body = `import v8 from "node:v8";
const kept = [];
for (let i = 0; i < 1_500_000; i++) kept.push({ path: "pkg/module_" + i + ".py", size: i, hash: "sha256=" + i });
const young = v8.getHeapSpaceStatistics().find((s) => s.space_name === "new_space");
console.log(JSON.stringify({ young: young.space_size, kept: kept.length }));`;
    const without = await inChild<{ young: number }>("young", false, body);
    const withSettings = await inChild<{ young: number }>("young", true, body);
    expect(without.young).toBeGreaterThan(32 * 1024 * 1024);
    expect(withSettings.young).toBeLessThanOrEqual(16 * 1024 * 1024);
  });

  it("collect the read buffers a cache download drops, where V8 would let 64 MB of them pile up", async () => {
    // the cache entry's download as @actions/cache makes it: the response piped into a file
    const body = Buffer.alloc(200 * 1024 * 1024, 7);
    const server = http.createServer((_req, res) => {
      res.setHeader("content-length", body.length);
      res.end(body);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as { port: number };
    // wrapped as the cache store wraps a restore: without --expose-gc the wrapper only runs it
    const download = `import http from "node:http";
import fs from "node:fs";
import { pipeline } from "node:stream/promises";
import { collectingDroppedBuffers } from ${src("src/collect.ts")};
let most = 0;
const watch = setInterval(() => { most = Math.max(most, process.memoryUsage().arrayBuffers); }, 2);
await collectingDroppedBuffers(async () => {
  const response = await new Promise((resolve) => http.get("http://127.0.0.1:${port}/", resolve));
  await pipeline(response, fs.createWriteStream(${JSON.stringify(path.join(work, "entry.tzst"))}));
});
clearInterval(watch);
console.log(JSON.stringify({ most, size: fs.statSync(${JSON.stringify(path.join(work, "entry.tzst"))}).size }));`;
    try {
      // asynchronous: the server answers from this process
      const run = (settings: boolean) => inChild<{ most: number; size: number }>("download", settings, download);
      const without = await run(false);
      const withSettings = await run(true);
      expect(without.size).toBe(body.length);
      expect(withSettings.size).toBe(body.length);
      expect(without.most).toBeGreaterThan(48 * 1024 * 1024);
      // 12 MB between collections, and what arrives in the 10 ms between two looks
      expect(withSettings.most).toBeLessThan(32 * 1024 * 1024);
    } finally {
      server.close();
    }
  });

  it("let the inflate workers collect what they drop: their garbage does not pile up to V8's 64 MB", async () => {
    // 48 members of 4 MB each that deflate to almost nothing: 192 MB inflated, a small zip
    const members = Array.from({ length: 48 }, (_, i) => ({
      name: `pkg/data_${i}.bin`,
      data: Buffer.alloc(4 * 1024 * 1024, i),
      executable: false,
    }));
    const zip = path.join(work, "big.whl");
    await writeZip(members, zip);
    const body = `import { InflatePool } from ${src("src/zip/inflate.ts")};
import { readZipDirectory } from ${src("src/zip/reader.ts")};
import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
const directory = await readZipDirectory(${JSON.stringify(zip)});
const pool = new InflatePool(mkdtempSync(path.join(os.tmpdir(), "lpp-spill-")), 2);
const before = ${peak};
const answers = await Promise.all(pool.checkAll(directory.path, directory.entries.filter((e) => !e.name.endsWith("/")).map((entry) => ({ entry, keep: { kind: "none" } }))));
await pool.close();
console.log(JSON.stringify({ grew: ${peak} - before, checked: answers.filter((a) => typeof a.hash === "string").length }));`;
    const without = await inChild<{ grew: number; checked: number }>("inflate", false, body);
    const withSettings = await inChild<{ grew: number; checked: number }>("inflate", true, body);
    expect(without.checked).toBe(48);
    expect(withSettings.checked).toBe(48);
    expect(without.grew).toBeGreaterThan(100 * 1024 * 1024);
    // two workers' own start (about 20 MB each) and a few members in flight, not the garbage
    expect(withSettings.grew).toBeLessThan(Math.min(80 * 1024 * 1024, without.grew / 2));
  });
});
