import { readFileSync } from "node:fs";
import zlib from "node:zlib";
import { listFiles } from "../src/install/tree.ts";
const files = await listFiles(process.argv[2]!);
let t = performance.now(); let total = 0; let out = 0;
const bufs = files.map(f => readFileSync(f.absolutePath));
console.log("read", Math.round(performance.now() - t));
for (const lvl of [6]) {
  t = performance.now(); total = 0; out = 0;
  for (const b of bufs) { total += b.length; out += zlib.deflateRawSync(b, { level: lvl }).length; }
  const ms = performance.now() - t;
  console.log("level", lvl, Math.round(ms), "ms", (total / 1e6 / (ms / 1000)).toFixed(1), "MB/s", out);
}
t = performance.now();
for (const b of bufs) zlib.crc32(b);
console.log("crc", Math.round(performance.now() - t));
console.log("zlib", process.versions.zlib);
