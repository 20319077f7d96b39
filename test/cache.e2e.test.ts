/** The cache through its real stores; what changes the key and what does not: test/cache-key.test.ts. */

import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { appendFile, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type LocalCacheService, startLocalCacheService } from "../devtools/local-actions-cache/index.ts";
import { type LocalIndex, startIndex } from "../devtools/pypi/index-server.ts";
import { type BuiltWheel, makeWheel } from "../devtools/pypi/wheel.ts";
import { inputsFrom } from "../src/inputs.ts";
import { MemoryLog } from "../src/log.ts";
import { runAction } from "../src/run.ts";
import { buildProject, pinned, writeProject } from "./support/project.ts";
import { cleanPipEnv, hostPython } from "./support/python.ts";

let work: string;
let wheelDir: string;
const w: Record<string, BuiltWheel> = {};

beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), "lpp-cache-"));
  wheelDir = path.join(work, "wheels");
  w.alpha = await makeWheel(wheelDir, {
    name: "alpha",
    version: "1.0.0",
    files: { "alpha/__init__.py": "A = 1\n", "alpha/data.txt": "x".repeat(5000) },
  });
  w.beta = await makeWheel(wheelDir, { name: "beta", version: "2.0", files: { "beta.py": "B = 1\n" } });
});

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

const requirementsText = () => `${pinned("alpha", "1.0.0", w.alpha!)}\n${pinned("beta", "2.0", w.beta!)}\n`;

describe("with the real @actions/cache client against a local cache service", () => {
  let service: LocalCacheService;
  let index: LocalIndex;
  let home: string;
  let project: string;

  beforeAll(async () => {
    service = await startLocalCacheService();
    index = await startIndex(wheelDir);
    home = path.join(work, "actions-home");
    project = await writeProject(path.join(work, "actions-project"), {
      "app.py": "import alpha\n",
      "requirements.txt": requirementsText(),
    });
  });
  afterAll(async () => {
    await index?.close();
    await service?.close();
  });
  afterEach(() => service.setReadOnly(false));

  const run = (values: Record<string, string> = {}, indexUrl = index.url) =>
    buildProject(
      project,
      { runtime: "python3.12", package: "split", ...values },
      { home, indexUrl, extra: { ...service.env(), GITHUB_ACTIONS: "true" } },
    );

  it("a cold run misses and saves; a warm run installs nothing and gives byte-identical zips", async () => {
    // the key covers the index asked: the warm run asks the same one, unreachable by then
    const offline = await startIndex(wheelDir);
    const cold = await run({}, offline.url);
    expect(cold.result.cache).toMatchObject({ enabled: true, hit: false });
    expect(service.entries().map((e) => e.key)).toContain(cold.result.cache.key);
    expect(cold.log.lines.join("\n")).toMatch(/Cache saved: lpp-v2-python3\.12-x86_64-/);

    // the index is unreachable now: a warm build must not need it
    offline.unreachable();
    const requestsBefore = offline.requests.length;
    const warm = await run({}, offline.url);
    await offline.close();
    expect(offline.requests.length).toBe(requestsBefore);
    expect(warm.result.cache).toMatchObject({ hit: true, key: cold.result.cache.key });
    expect(warm.log.lines.some((l) => l.includes("pip install"))).toBe(false);
    expect(warm.log.lines.join("\n")).toMatch(/Cache hit: .* no install \(about \d+\.\d s saved\)/);
    expect(warm.result.layerZip!.sha256).toBe(cold.result.layerZip!.sha256);
    expect(warm.result.functionZip!.sha256).toBe(cold.result.functionZip!.sha256);
    // the restored dependency zip became the layer zip (moved, not copied): its bytes are the ones reported
    const layerBytes = await readFile(warm.result.layerZip!.path);
    expect(createHash("sha256").update(layerBytes).digest("hex")).toBe(cold.result.layerZip!.sha256);
  });

  it("runAction returns once the entry it saves beside the rest of the run is in the cache", async () => {
    // a set of its own: the read-only test below needs the beta-only key unsaved
    await writeFile(path.join(project, "requirements.txt"), `${pinned("alpha", "1.0.0", w.alpha!)}\n`);
    try {
      const log = new MemoryLog();
      const inputs = inputsFrom({ "working-directory": project, python: hostPython(), runtime: "python3.12" });
      const result = await runAction(inputs, {
        log,
        env: cleanPipEnv(home, { PIP_INDEX_URL: index.url, ...service.env(), GITHUB_ACTIONS: "true" }),
      });
      expect(result.build.cache.hit).toBe(false);
      expect(service.entries().find((e) => e.key === result.build.cache.key)?.finalized).toBe(true);
      expect(log.lines.join("\n")).toContain(`Cache saved: ${result.build.cache.key}`);
      expect(result.build.timings.save).toBeGreaterThanOrEqual(0);
    } finally {
      await writeFile(path.join(project, "requirements.txt"), requirementsText());
    }
  });

  // the key changes with the runtime, the architecture and every pin (cache-key.test.ts); here
  // a changed key misses in the real cache service, and the other target builds cold
  it("a different architecture misses", async () => {
    const first = await run();
    const arm = await run({ architecture: "arm64" });
    expect(arm.result.cache.hit).toBe(false);
    expect(arm.result.cache.key).not.toBe(first.result.cache.key);
  });

  it("a corrupted entry is detected and rebuilt, and a refused save only warns", async () => {
    const first = await run();
    expect(first.result.cache.hit).toBe(true);
    service.corrupt(first.result.cache.key, "flip-byte");
    const rebuilt = await run();
    expect(rebuilt.result.cache.hit).toBe(false);
    expect(rebuilt.result.layerZip!.sha256).toBe(first.result.layerZip!.sha256);
    // the key exists in the service already: saving it again is refused, as on GitHub
    expect(rebuilt.log.annotations.find((a) => a.level === "warning")?.message).toMatch(/Cache not saved/);
  });

  it("a read-only cache (pull requests) warns and the step succeeds", async () => {
    service.setReadOnly(true);
    await appendFile(path.join(project, "requirements.txt"), "# touched\n");
    const key = (await run()).result.cache.key;
    await writeFile(path.join(project, "requirements.txt"), `${pinned("beta", "2.0", w.beta!)}\n`);
    const readOnly = await run();
    await writeFile(path.join(project, "requirements.txt"), requirementsText());
    expect(readOnly.result.cache.key).not.toBe(key);
    expect(readOnly.result.functionZip).toBeDefined();
    expect(readOnly.log.annotations.map((a) => a.message).join("\n")).toMatch(/Cache not saved/);
    expect(service.entries().map((e) => e.key)).not.toContain(readOnly.result.cache.key);
  });
});

describe("outside Actions, a folder cache with the same key and manifest", () => {
  let index: LocalIndex;
  let home: string;
  let project: string;
  beforeAll(async () => {
    index = await startIndex(wheelDir);
    home = path.join(work, "local-home");
    project = await writeProject(path.join(work, "local-project"), {
      "app.py": "import alpha\n",
      "requirements.txt": requirementsText(),
    });
  });
  afterAll(() => index?.close());
  const run = (values: Record<string, string> = {}) =>
    buildProject(project, { runtime: "python3.11", package: "layer", ...values }, { home, indexUrl: index.url });
  const entry = (key: string) => path.join(home, ".cache", "lambda-python-package", key);

  it("hits after a miss, and rebuilds a tampered or half-written entry", async () => {
    const cold = await run();
    expect(cold.result.cache.hit).toBe(false);
    expect(existsSync(path.join(entry(cold.result.cache.key), "manifest.json"))).toBe(true);
    expect((await run()).result.cache.hit).toBe(true);

    // the entry keeps the dependency zip, checked by one digest: a changed zip is not used
    await appendFile(path.join(entry(cold.result.cache.key), "dependencies.zip"), "B = 2\n");
    const tampered = await run();
    expect(tampered.result.cache.hit).toBe(false);
    expect(tampered.log.annotations[0]?.message).toMatch(
      /does not match its manifest \(dependencies\.zip has other content than when it was saved\)/,
    );
    expect(tampered.result.layerZip!.sha256).toBe(cold.result.layerZip!.sha256);

    await rm(path.join(entry(cold.result.cache.key), "manifest.json"));
    const halfWritten = await run();
    expect(halfWritten.result.cache.hit).toBe(false);
    expect(halfWritten.result.layerZip!.sha256).toBe(cold.result.layerZip!.sha256);
  });

  it("cache: false neither reads nor writes the cache", async () => {
    const before = await readdir(path.join(home, ".cache", "lambda-python-package"));
    const result = await run({ cache: "false", runtime: "python3.10" });
    expect(result.result.cache).toMatchObject({ enabled: false, hit: false });
    expect(await readdir(path.join(home, ".cache", "lambda-python-package"))).toEqual(before);
  });
});
