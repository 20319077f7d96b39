/**
 * The one esbuild configuration: the build (scripts/build.mjs), the tests that run the bundled
 * action (test/support/bundle.ts) or read what it bundles (test/licenses.e2e.test.ts) and the
 * benchmark all use it, so what they run and check is what dist/ ships.
 */
import path from "node:path";
import { fileURLToPath } from "node:url";

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

/**
 * The action's entry point, as action.yml runs it from dist/index.js: one line that calls `run()`
 * from src/main.ts, which local-action (`npm run local-action`) imports without running it.
 */
export const ACTION_ENTRY = path.join(REPO, "src", "index.ts");

/** Where the code a run loads only when it needs it goes, beside the entry point. */
export const CHUNK_DIR = "chunks";

/**
 * esbuild options for ESM for Node 24 from `entry` into `outfile`, split: the modules the
 * action reaches through `await import()` (the AWS SDK for a deploy, @actions/cache inside
 * Actions, @actions/artifact for upload-artifact, the PR comment) go to files of their own
 * under chunks/ beside it, so a run parses and loads only what it uses. Chunk names carry a
 * hash of their content: the same sources build the same files.
 * `legalComments: "none"`: the license texts of every bundled package are written in
 * full to licenses.txt next to the bundle (scripts/licenses.mjs), which is where a
 * reader looks, rather than as scattered comment fragments in the code.
 */
export function esbuildOptions(entry = ACTION_ENTRY, outfile = path.join(REPO, "dist", "index.js")) {
  return {
    absWorkingDir: REPO,
    entryPoints: [{ in: entry, out: path.basename(outfile, ".js") }],
    outdir: path.dirname(outfile),
    bundle: true,
    splitting: true,
    chunkNames: `${CHUNK_DIR}/[name]-[hash]`,
    platform: "node",
    format: "esm",
    target: "node24",
    // CommonJS dependencies bundled into ESM still call require() for Node built-ins (in every file).
    banner: {
      js: "import { createRequire as __lppCreateRequire } from 'node:module'; const require = __lppCreateRequire(import.meta.url);",
    },
    legalComments: "none",
    metafile: true,
    logLevel: "warning",
  };
}
