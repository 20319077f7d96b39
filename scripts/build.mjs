// Bundles the action into dist/index.js (committed; action.yml runs it on node24) and
// writes dist/licenses.txt, the license notices of every package in the bundle.
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { build } from "esbuild";
import { esbuildOptions, REPO } from "./build-config.mjs";
import { bundledPackages, licenseProblems, renderLicenses } from "./licenses.mjs";

const outDir = process.argv[2] ? path.resolve(process.argv[2]) : path.join(REPO, "dist");
const result = await build(esbuildOptions(undefined, path.join(outDir, "index.js")));
const packages = bundledPackages(REPO, result.metafile);
const problems = licenseProblems(packages);
if (problems.length > 0) {
  console.error(`The bundle's licenses need a decision:\n${problems.join("\n")}`);
  process.exit(1);
}
await writeFile(path.join(outDir, "licenses.txt"), renderLicenses(packages));
