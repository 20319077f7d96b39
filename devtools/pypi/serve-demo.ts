/**
 * The demo's package index for CI: builds examples/demo-packages into wheels (the
 * hashes in examples/demo/requirements.txt hold, the wheels are deterministic), serves
 * them on 127.0.0.1 and writes the index URL to the file named by the first argument.
 * Runs until stopped: `npx tsx devtools/pypi/serve-demo.ts "$RUNNER_TEMP/index-url" &`.
 */
import { rename, writeFile } from "node:fs/promises";
import { startDemoIndex } from "./demo-packages.ts";

const urlFile = process.argv[2];
if (!urlFile) {
  console.error("usage: tsx devtools/pypi/serve-demo.ts <file to write the index URL to>");
  process.exit(2);
}
const index = await startDemoIndex();
// written whole, then renamed: a reader polling for the file never sees half a URL
await writeFile(`${urlFile}.tmp`, `${index.url}\n`);
await rename(`${urlFile}.tmp`, urlFile);
console.log(`demo index ${index.url}: ${index.wheels.map((w) => w.filename).join(", ")}`);

for (const signal of ["SIGINT", "SIGTERM"] as const)
  process.on(signal, async () => {
    await index.close();
    process.exit(0);
  });
