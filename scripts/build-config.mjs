/**
 * The one esbuild configuration: the build (scripts/build.mjs), the tests that run the bundled
 * action (test/support/bundle.ts) or read what it bundles (test/licenses.e2e.test.ts) and the
 * benchmark's child all use it, so what they run and check is what dist/ ships.
 */
import path from "node:path";
import { fileURLToPath } from "node:url";

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

/**
 * The action's entry point, as action.yml runs it from dist/index.js: one line that calls `run()`
 * from src/main.ts, which local-action (`npm run local-action`) imports without running it.
 */
export const ACTION_ENTRY = path.join(REPO, "src", "index.ts");

/**
 * esbuild options for one ESM file for Node 24 from `entry` into `outfile`.
 * `legalComments: "none"`: the license texts of every bundled package are written in
 * full to licenses.txt next to the bundle (scripts/licenses.mjs), which is where a
 * reader looks, rather than as scattered comment fragments in a 6 MB file.
 */
export function esbuildOptions(entry = ACTION_ENTRY, outfile = path.join(REPO, "dist", "index.js")) {
  return {
    absWorkingDir: REPO,
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node24",
    // CommonJS dependencies bundled into ESM still call require() for Node built-ins.
    banner: {
      js: "import { createRequire as __lppCreateRequire } from 'node:module'; const require = __lppCreateRequire(import.meta.url);",
    },
    legalComments: "none",
    metafile: true,
    logLevel: "warning",
  };
}
