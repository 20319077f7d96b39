import { readFileSync } from "node:fs";
import zlib from "node:zlib";
import { listFiles } from "../src/install/tree.ts";
const files = await listFiles(process.argv[2]!);
const bufs = files.filter((_, i) => i % 4 === 0).map(f => readFileSync(f.absolutePath));
const total = bufs.reduce((s, b) => s + b.length, 0);
for (const [lvl, mem, strat] of [[6,8,0],[6,9,0],[7,8,0],[8,8,0],[9,8,0],[5,8,0]]) {
  const t = performance.now(); let out = 0;
  for (const b of bufs) out += Math.min(b.length, zlib.deflateRawSync(b, { level: lvl, memLevel: mem, strategy: strat }).length);
  const ms = performance.now() - t;
  console.log("level", lvl, "mem", mem, Math.round(ms), "ms", (total / 1e6 / (ms / 1000)).toFixed(1), "MB/s", out, (out/total*100).toFixed(2));
}
