// Bundles the action into dist/ (committed; action.yml runs dist/index.js on node24, which loads
// the files under dist/chunks/ as a run needs them) and writes dist/licenses.txt, the license
// notices of every package in the bundle.
import { rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { build } from "esbuild";
import { CHUNK_DIR, esbuildOptions, REPO } from "./build-config.mjs";
import { bundledPackages, licenseProblems, renderLicenses } from "./licenses.mjs";

const outDir = process.argv[2] ? path.resolve(process.argv[2]) : path.join(REPO, "dist");
// chunks of an earlier build that this one no longer writes would otherwise stay behind
await rm(path.join(outDir, CHUNK_DIR), { recursive: true, force: true });
const result = await build(esbuildOptions(undefined, path.join(outDir, "index.js")));
const packages = bundledPackages(REPO, result.metafile);
const problems = licenseProblems(packages);
if (problems.length > 0) {
  console.error(`The bundle's licenses need a decision:\n${problems.join("\n")}`);
  process.exit(1);
}
await writeFile(path.join(outDir, "licenses.txt"), renderLicenses(packages));
