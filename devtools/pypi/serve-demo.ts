/**
 * The demo's package index for CI: builds examples/demo-packages into wheels (the
 * hashes in examples/demo/requirements.txt hold, the wheels are deterministic), serves
 * them on 127.0.0.1 and writes the index URL to the file named by the first argument.
 * Runs until stopped: `npx tsx devtools/pypi/serve-demo.ts "$RUNNER_TEMP/index-url" &`.
 */
import { mkdtemp, rename, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { buildDemoWheels } from "./demo-packages.ts";
import { startIndex } from "./index-server.ts";

const urlFile = process.argv[2];
if (!urlFile) {
  console.error("usage: tsx devtools/pypi/serve-demo.ts <file to write the index URL to>");
  process.exit(2);
}
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const scratch = await mkdtemp(path.join(os.tmpdir(), "lpp-demo-index-"));
const wheels = await buildDemoWheels(path.join(root, "examples", "demo-packages"), path.join(scratch, "wheels"));
const index = await startIndex(path.join(scratch, "wheels"));
// written whole, then renamed: a reader polling for the file never sees half a URL
await writeFile(`${urlFile}.tmp`, `${index.url}\n`);
await rename(`${urlFile}.tmp`, urlFile);
console.log(`demo index ${index.url}: ${wheels.map((w) => w.filename).join(", ")}`);

for (const signal of ["SIGINT", "SIGTERM"] as const)
  process.on(signal, async () => {
    await index.close();
    await rm(scratch, { recursive: true, force: true });
    process.exit(0);
  });
