import { listFiles } from "../src/install/tree.ts";
import { writeZip } from "../src/zip/writer.ts";
const files = await listFiles(process.argv[2]!);
const opts = { bytesInFlight: Number(process.env.BIF ?? 64) * 1024 * 1024 };
for (let i = 0; i < Number(process.env.N ?? 2); i++) {
  const t = performance.now();
  const z = await writeZip(files.map(f => ({ name: f.path, absolutePath: f.absolutePath, executable: f.executable, size: f.size })), "/dev/shm/lpp-bench/ours.zip", opts);
  console.log(Math.round(performance.now() - t), "ms", z.size, z.entries, "rss", Math.round(process.resourceUsage().maxRSS / 1024), "MB");
}
