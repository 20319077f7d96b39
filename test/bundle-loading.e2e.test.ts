/**
 * The bundled action (scripts/build-config.mjs, as dist/ ships it) loads what a run uses: a
 * build that does not deploy parses no AWS SDK, no @actions/artifact and no PR-comment code,
 * outside Actions and inside (where it does load @actions/cache, to restore and save). Each
 * run is `node index.js` as the runner starts it, with a module hook that records every file
 * Node loads; the build's metafile says which sources each loaded file holds.
 */
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { build, type Metafile } from "esbuild";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LocalCacheService, startLocalCacheService } from "../devtools/local-actions-cache/index.ts";
import { esbuildOptions, REPO } from "../scripts/build-config.mjs";
import { hostPython } from "./support/python.ts";

/** Every file: URL Node loads, one a line, into $LPP_LOADED. */
const LOAD_HOOK = `data:text/javascript,${encodeURIComponent(
  `import { registerHooks } from "node:module";
import { appendFileSync } from "node:fs";
registerHooks({
  load(url, context, next) {
    if (url.startsWith("file:")) appendFileSync(process.env.LPP_LOADED, url + "\\n");
    return next(url, context);
  },
});`,
)}`;

/** What a build without a deploy must never load. */
const NOT_FOR_A_BUILD = [
  /^node_modules\/@aws-sdk\//,
  /^node_modules\/@smithy\//,
  /^node_modules\/@actions\/artifact\//,
  /^src\/report\/comment\.ts$/,
  /^src\/deploy\/(?!rollout\.ts$)/,
];

let work: string;
let outDir: string;
let metafile: Metafile;
let cacheService: LocalCacheService;

beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), "lpp-bundle-loading-"));
  outDir = path.join(work, "dist");
  ({ metafile } = await build(esbuildOptions(undefined, path.join(outDir, "index.js"))));
  cacheService = await startLocalCacheService();
}, 120_000);

afterAll(async () => {
  await cacheService?.close();
  if (work) await rm(work, { recursive: true, force: true });
});

/** The sources (paths relative to the repository) inside the bundle's files that a run loaded. */
function sourcesOf(loadedUrls: string[]): Set<string> {
  const sources = new Set<string>();
  for (const url of loadedUrls) {
    const output = path.relative(REPO, fileURLToPath(url)).split(path.sep).join("/");
    for (const input of Object.keys(metafile.outputs[output]?.inputs ?? {})) sources.add(input);
  }
  return sources;
}

/** A code-only build (no lockfile: no pip) with deploy off, run as the runner runs the action. */
async function loadedByBuild(name: string, env: NodeJS.ProcessEnv): Promise<{ loaded: string[]; stdout: string }> {
  const dir = path.join(work, name);
  const project = path.join(dir, "project");
  await mkdir(project, { recursive: true });
  await writeFile(path.join(project, "app.py"), "def handler(event, context):\n    return 1\n");
  const files = {
    loaded: path.join(dir, "loaded"),
    output: path.join(dir, "output"),
    summary: path.join(dir, "summary"),
  };
  await Promise.all(Object.values(files).map((f) => writeFile(f, "")));
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [`--import=${LOAD_HOOK}`, path.join(outDir, "index.js")],
    {
      cwd: project,
      env: {
        PATH: process.env.PATH,
        HOME: path.join(dir, "home"),
        XDG_CACHE_HOME: path.join(dir, "xdg"),
        RUNNER_TEMP: path.join(dir, "temp"),
        GITHUB_WORKSPACE: project,
        GITHUB_OUTPUT: files.output,
        GITHUB_STEP_SUMMARY: files.summary,
        LPP_LOADED: files.loaded,
        "INPUT_WORKING-DIRECTORY": project,
        INPUT_PACKAGE: "function",
        INPUT_RUNTIME: "python3.12",
        INPUT_PYTHON: hostPython(),
        ...env,
      },
    },
  );
  expect(await readFile(files.output, "utf8")).toMatch(/^deployed<<[\s\S]*skipped/m);
  return { loaded: (await readFile(files.loaded, "utf8")).split("\n").filter(Boolean), stdout };
}

describe("the bundled action, building without a deploy", () => {
  it("outside Actions loads no AWS SDK, artifact, comment or cache-service code", async () => {
    const { loaded } = await loadedByBuild("local", {});
    const sources = sourcesOf(loaded);
    expect(sources.has("src/build.ts")).toBe(true);
    const unexpected = [...sources].filter((s) =>
      [...NOT_FOR_A_BUILD, /^node_modules\/@actions\/cache\//].some((r) => r.test(s)),
    );
    expect(unexpected).toEqual([]);
  });

  it("inside Actions loads @actions/cache for the cache, and still no AWS SDK, artifact or comment code", async () => {
    const { loaded, stdout } = await loadedByBuild("actions", { ...cacheService.env(), GITHUB_ACTIONS: "true" });
    const sources = sourcesOf(loaded);
    expect([...sources].some((s) => s.startsWith("node_modules/@actions/cache/"))).toBe(true);
    expect([...sources].filter((s) => NOT_FOR_A_BUILD.some((r) => r.test(s)))).toEqual([]);
    expect(stdout).toMatch(/Deploy: skipped/);
  });

  it("says what it builds before it loads the stages: they are not among the files index.js imports", async () => {
    const statically = new Set<string>();
    const visit = (file: string) => {
      if (statically.has(file)) return;
      statically.add(file);
      for (const i of metafile.outputs[file]?.imports ?? []) if (i.kind === "import-statement") visit(i.path);
    };
    visit(Object.keys(metafile.outputs).find((o) => o.endsWith("/dist/index.js"))!);
    const sources = [...statically].flatMap((o) => Object.keys(metafile.outputs[o]?.inputs ?? {}));
    expect(sources).toContain("src/main.ts");
    // the inputs' own checks reach a few small modules (install/index.ts for the installer names,
    // zip/package.ts for the layer's folder); the stages themselves wait
    const stages =
      /^src\/(build|run)\.ts$|^src\/(dependencies|source|optimize|report|deploy)\/|^src\/(lock|inspect)\/index\.ts$/;
    expect(sources.filter((s) => stages.test(s) && s !== "src/deploy/rollout.ts")).toEqual([]);
    const { stdout } = await loadedByBuild("first-line", {});
    const shown = stdout.split("\n").filter((l) => !l.startsWith("::add-mask::"));
    expect(shown[0]).toMatch(/^lambda-python-package: building \. for python3\.12\/x86_64, package: function$/);
  });

  it("keeps the deploy's code in the bundle, in files of their own", () => {
    const holders = Object.entries(metafile.outputs).filter(([, o]) =>
      Object.keys(o.inputs).some((i) => i.startsWith("node_modules/@aws-sdk/client-lambda/")),
    );
    expect(holders.length).toBeGreaterThan(0);
    for (const [file] of holders) expect(file).toMatch(/\/chunks\/[^/]+\.js$/);
  });
});
