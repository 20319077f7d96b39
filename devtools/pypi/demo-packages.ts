/** The demo project's dependencies, built from source into real, deterministic wheels. */
import { mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { type LocalIndex, startIndex } from "./index-server.ts";
import { type BuiltWheel, makeWheel } from "./wheel.ts";

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");

export const DEMO_PACKAGES = [
  { name: "tinyroute", version: "1.4.2", module: "tinyroute.py" },
  { name: "shapecheck", version: "0.9.1", module: "shapecheck.py" },
  { name: "moneyfmt", version: "2.0.0", module: "moneyfmt.py" },
] as const;

export async function buildDemoWheels(packagesDir: string, outDir: string): Promise<BuiltWheel[]> {
  const built: BuiltWheel[] = [];
  for (const p of DEMO_PACKAGES) {
    const source = await readFile(path.join(packagesDir, p.name, "src", p.module), "utf8");
    built.push(await makeWheel(outDir, { name: p.name, version: p.version, files: { [p.module]: source } }));
  }
  return built;
}

/**
 * The demo's wheels built into a scratch folder and served on 127.0.0.1; close() stops the
 * index and removes the folder.
 */
export async function startDemoIndex(): Promise<LocalIndex & { wheels: BuiltWheel[] }> {
  const scratch = await mkdtemp(path.join(os.tmpdir(), "lpp-demo-index-"));
  try {
    const wheels = await buildDemoWheels(path.join(REPO, "examples", "demo-packages"), path.join(scratch, "wheels"));
    const index = await startIndex(path.join(scratch, "wheels"));
    return {
      ...index,
      wheels,
      close: async () => {
        await index.close();
        await rm(scratch, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await rm(scratch, { recursive: true, force: true });
    throw error;
  }
}
