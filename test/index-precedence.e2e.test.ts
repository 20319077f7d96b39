/**
 * The index the user chose is the only one asked (real pip, local PEP 503 indexes):
 * a second local index stands for the one the lockfile recorded and must receive no
 * request at all.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type LocalIndex, startIndex } from "../devtools/pypi/index-server.ts";
import { type BuiltWheel, makeWheel } from "../devtools/pypi/wheel.ts";
import { readZip } from "../devtools/zipread.ts";
import { buildProject, writeProject } from "./support/project.ts";

let work: string;
let index: LocalIndex;
let recorded: LocalIndex;
let corelib: BuiltWheel;
let extralib: BuiltWheel;

beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), "lpp-index-precedence-"));
  const wheels = path.join(work, "wheels");
  corelib = await makeWheel(wheels, { name: "corelib", version: "1.0", files: { "corelib/__init__.py": "" } });
  extralib = await makeWheel(wheels, { name: "extralib", version: "2.0", files: { "extralib/__init__.py": "" } });
  index = await startIndex(wheels);
  // serves nothing; every request it receives is recorded
  recorded = await startIndex(await mkdtemp(path.join(work, "recorded-")));
}, 60_000);

afterAll(async () => {
  await index?.close();
  await recorded?.close();
  await rm(work, { recursive: true, force: true });
});

beforeEach(() => {
  recorded.requests.length = 0;
});

const entry = (name: string, wheel: BuiltWheel, registry: string) => `
[[package]]
name = "${name}"
version = "${wheel.filename.split("-")[1]}"
source = { registry = "${registry}" }
wheels = [
    { url = "${registry.replace(/\/simple$/, "")}/files/${wheel.filename}", hash = "sha256:${wheel.sha256}", size = 100 },
]
`;

/** a uv project whose lock recorded `primary` for corelib and, optionally, `extra` for extralib */
async function uvProject(name: string, primary: string, extra?: string): Promise<string> {
  const deps = extra ? ["corelib", "extralib"] : ["corelib"];
  return writeProject(path.join(work, name), {
    "app.py": "import corelib\n",
    "pyproject.toml": `[project]\nname = "app"\nversion = "0.1.0"\ndependencies = [${deps.map((d) => `"${d}"`).join(", ")}]\n`,
    "uv.lock": `version = 1
revision = 3
requires-python = ">=3.12"

[[package]]
name = "app"
version = "0.1.0"
source = { virtual = "." }
dependencies = [${deps.map((d) => `{ name = "${d}" }`).join(", ")}]

[package.metadata]
requires-dist = [${deps.map((d) => `{ name = "${d}" }`).join(", ")}]
${entry("corelib", corelib, primary)}${extra ? entry("extralib", extralib, extra) : ""}`,
  });
}

async function build(dir: string, extra: NodeJS.ProcessEnv, values: Record<string, string> = {}) {
  const { result, log } = await buildProject(
    dir,
    { runtime: "python3.12", cache: "false", installer: "pip", ...values },
    { home: path.join(work, "home"), indexUrl: "", extra: { PIP_INDEX_URL: undefined, ...extra } },
  );
  return { names: readZip(result.functionZip!.path).map((e) => e.name), log };
}

describe("the user's index wins over the lockfile's, and the lockfile's is not contacted", () => {
  it("PIP_INDEX_URL", async () => {
    const dir = await uvProject("pip-index-url", recorded.url);
    const { names, log } = await build(dir, { PIP_INDEX_URL: index.url });
    expect(names).toContain("corelib/__init__.py");
    expect(recorded.requests).toEqual([]);
    expect(log.lines.some((l) => l.includes(`(from PIP_INDEX_URL)`))).toBe(true);
  });

  it("UV_INDEX_URL, with pip as the installer", async () => {
    const dir = await uvProject("uv-index-url", recorded.url);
    const { names } = await build(dir, { UV_INDEX_URL: index.url });
    expect(names).toContain("corelib/__init__.py");
    expect(recorded.requests).toEqual([]);
  });

  it("index-url in a pip configuration file", async () => {
    const dir = await uvProject("pip-conf", recorded.url);
    const config = path.join(work, "pip.conf");
    // the wheels are fetched with `pip download`, which reads [download] where `pip install` reads [install]
    await writeFile(config, `[global]\ntimeout = 5\n\n[download]\nindex-url = ${index.url}\n`);
    const { names } = await build(dir, { PIP_CONFIG_FILE: config });
    expect(names).toContain("corelib/__init__.py");
    expect(recorded.requests).toEqual([]);
  });

  it("the index-url input: an extra registry the lockfile recorded gets no request", async () => {
    const dir = await uvProject("input-extra", index.url, recorded.url);
    const { names } = await build(dir, {}, { "index-url": index.url });
    expect(names).toEqual(expect.arrayContaining(["corelib/__init__.py", "extralib/__init__.py"]));
    expect(recorded.requests).toEqual([]);
  });

  it("without any index named by the user, the lockfile's indexes are the ones asked", async () => {
    const dir = await uvProject("lock-only", index.url, recorded.url);
    await build(dir, {});
    expect(recorded.requests.some((r) => r.includes("extralib"))).toBe(true);
  });
});
