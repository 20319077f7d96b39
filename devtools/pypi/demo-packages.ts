/** The demo project's dependencies, built from source into real, deterministic wheels. */
import { readFile } from "node:fs/promises";
import path from "node:path";
import { type BuiltWheel, makeWheel } from "./wheel.ts";

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
