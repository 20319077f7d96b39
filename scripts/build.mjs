// Bundles the action into dist/index.js (committed; action.yml runs it on node24).
import { build } from "esbuild";

await build({
  entryPoints: ["src/main.ts"],
  outfile: "dist/index.js",
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  // CommonJS dependencies bundled into ESM still call require() for Node built-ins.
  banner: {
    js: "import { createRequire as __lppCreateRequire } from 'node:module'; const require = __lppCreateRequire(import.meta.url);",
  },
  legalComments: "none",
  logLevel: "warning",
});
