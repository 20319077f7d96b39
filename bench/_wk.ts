import { Worker } from "node:worker_threads";
import { listFiles } from "../src/install/tree.ts";
const code = `
const { parentPort } = require("node:worker_threads");
const fs = require("node:fs");
const zlib = require("node:zlib");
parentPort.on("message", (jobs) => {
  const out = [];
  for (const j of jobs) {
    const raw = fs.readFileSync(j.path);
    const crc = zlib.crc32(raw);
    let data = raw, method = 0;
    if (raw.length > 0) { const d = zlib.deflateRawSync(raw, { level: j.level }); if (d.length < raw.length) { data = d; method = 8; } }
    out.push({ crc, size: raw.length, method, data });
  }
  parentPort.postMessage(out);
});`;
const files = await listFiles(process.argv[2]!);
const threads = Number(process.env.T ?? 2);
const batchBytes = Number(process.env.BB ?? 256) * 1024;
const workers = Array.from({ length: threads }, () => new Worker(code, { eval: true }));
const t = performance.now();
// batches
const batches: { path: string; level: number }[][] = [];
let cur: { path: string; level: number }[] = []; let cb = 0;
for (const f of files) { cur.push({ path: f.absolutePath, level: 6 }); cb += f.size; if (cb >= batchBytes || cur.length >= 64) { batches.push(cur); cur = []; cb = 0; } }
if (cur.length) batches.push(cur);
let next = 0; let out = 0;
await Promise.all(workers.map((w) => new Promise<void>((resolve) => {
  const inflight: number[] = [];
  const send = () => { if (next < batches.length) { w.postMessage(batches[next++]); inflight.push(1); } };
  w.on("message", (res: { data: Uint8Array }[]) => { for (const r of res) out += r.data.length; inflight.pop(); send(); if (inflight.length === 0) resolve(); });
  send(); send(); send();
})));
console.log(threads, "threads", Math.round(performance.now() - t), "ms", out, "rss", Math.round(process.resourceUsage().maxRSS / 1024));
await Promise.all(workers.map(w => w.terminate()));
