import { execFileSync } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LocalIndex, startIndex } from "../devtools/pypi/index-server.ts";
import { type BuiltWheel, makeSdist, makeWheel } from "../devtools/pypi/wheel.ts";
import { extractZip, readZip } from "../devtools/zipread.ts";
import { build } from "../src/build.ts";
import { UserError } from "../src/errors.ts";
import { inputsFrom } from "../src/inputs.ts";
import { MemoryLog } from "../src/log.ts";
import { cleanPipEnv, hostPython, pythonFor } from "./support/python.ts";

let work: string;
let index: LocalIndex;
const wheels: Record<string, BuiltWheel> = {};

const HANDLER = `import json
import greeting
import fastmath
import importlib.metadata

def handler(event, context):
    return {"greeting": greeting.hello(event.get("name", "world")), "arch": fastmath.ARCH,
            "version": importlib.metadata.version("greeting")}
`;

beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), "lpp-build-"));
  const dir = path.join(work, "wheels");
  wheels.greeting = await makeWheel(dir, {
    name: "greeting",
    version: "1.2.0",
    files: { "greeting/__init__.py": 'def hello(name):\n    return f"hello, {name}"\n' },
  });
  wheels.fastmathX86 = await makeWheel(dir, {
    name: "fastmath",
    version: "2.0.0",
    tag: "cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64",
    files: { "fastmath/__init__.py": 'ARCH = "x86_64"\n' },
  });
  wheels.fastmathArm = await makeWheel(dir, {
    name: "fastmath",
    version: "2.0.0",
    tag: "cp312-cp312-manylinux_2_17_aarch64.manylinux2014_aarch64",
    files: { "fastmath/__init__.py": 'ARCH = "aarch64"\n' },
  });
  wheels.winonly = await makeWheel(dir, { name: "winonly", version: "1.0", files: { "winonly.py": "X = 1\n" } });
  wheels.tool = await makeWheel(dir, {
    name: "tool",
    version: "0.1",
    files: { "tool/__init__.py": "", "tool-0.1.data/scripts/tool": { data: "#!python\nprint(1)\n", mode: 0o755 } },
  });
  wheels.newglibc = await makeWheel(dir, {
    name: "newglibc",
    version: "3.0",
    tag: "cp311-cp311-manylinux_2_28_x86_64",
    files: { "newglibc/__init__.py": "" },
  });
  await makeSdist(dir, "sdistonly", "0.5");
  index = await startIndex(dir);
});

afterAll(async () => {
  await index?.close();
  await rm(work, { recursive: true, force: true });
});

let projectCount = 0;
async function project(requirements: string, files: Record<string, string> = { "app.py": HANDLER }): Promise<string> {
  const dir = path.join(work, `project-${projectCount++}`);
  for (const [name, content] of Object.entries({ ...files, "requirements.txt": requirements })) {
    await writeFile(path.join(dir, name), content).catch(async () => {
      const { mkdir } = await import("node:fs/promises");
      await mkdir(path.dirname(path.join(dir, name)), { recursive: true });
      await writeFile(path.join(dir, name), content);
    });
  }
  return dir;
}

function env(): NodeJS.ProcessEnv {
  return cleanPipEnv(path.join(work, "home"), { PIP_INDEX_URL: index.url });
}

function hashed(w: BuiltWheel): string {
  return `--hash=sha256:${w.sha256}`;
}

async function buildProject(dir: string, values: Record<string, string>) {
  const log = new MemoryLog();
  const inputs = inputsFrom({ "working-directory": dir, python: hostPython(), ...values });
  const result = await build(inputs, { log, env: env() });
  return { result, log };
}

describe("requirements.txt to function and layer zips", () => {
  const requirements = () =>
    [
      "# pinned by pip-compile",
      `greeting==1.2.0 \\`,
      `    ${hashed(wheels.greeting!)}`,
      `fastmath==2.0.0 ${hashed(wheels.fastmathX86!)} ${hashed(wheels.fastmathArm!)}`,
      `winonly==1.0 ; sys_platform == "win32" ${hashed(wheels.winonly!)}`,
      "",
    ].join("\n");

  it("builds split zips for arm64 that import and run on the runtime's Python", async () => {
    const dir = await project(requirements());
    const { result } = await buildProject(dir, { runtime: "python3.12", architecture: "arm64", package: "split" });

    const fn = readZip(result.functionZip!.path).map((e) => e.name);
    expect(fn).toEqual(["app.py"]);
    const layer = readZip(result.layerZip!.path).map((e) => e.name);
    expect(layer).toContain("python/fastmath/__init__.py");
    expect(layer).toContain("python/greeting-1.2.0.dist-info/METADATA");
    expect(layer.some((n) => n.includes("winonly"))).toBe(false);
    expect(layer.some((n) => n.includes("__pycache__") || n.endsWith(".pyc"))).toBe(false);

    const py312 = pythonFor(12);
    if (!py312) return;
    const task = path.join(work, "run-task");
    const opt = path.join(work, "run-opt");
    extractZip(result.functionZip!.path, task);
    extractZip(result.layerZip!.path, opt);
    const out = execFileSync(
      py312,
      ["-c", "import app, json; print(json.dumps(app.handler({'name': 'lambda'}, None)))"],
      {
        env: { PYTHONPATH: `${task}:${path.join(opt, "python")}`, PATH: process.env.PATH },
        cwd: task,
      },
    ).toString();
    expect(JSON.parse(out)).toEqual({ greeting: "hello, lambda", arch: "aarch64", version: "1.2.0" });
  });

  it("installs the x86_64 wheel for x86_64 and bundles everything in one function zip", async () => {
    const dir = await project(requirements());
    const { result } = await buildProject(dir, { runtime: "python3.12" });
    expect(result.layerZip).toBeUndefined();
    const entries = readZip(result.functionZip!.path);
    const fastmath = entries.find((e) => e.name === "fastmath/__init__.py");
    expect(fastmath?.data().toString()).toBe('ARCH = "x86_64"\n');
    expect(entries.map((e) => e.name)).toContain("app.py");
  });

  it("is byte-for-byte reproducible, with fixed times, Unix modes and sorted entries", async () => {
    const dir = await project(requirements());
    const first = await buildProject(dir, {
      runtime: "python3.12",
      package: "split",
      "output-dir": path.join(work, "out-a"),
      cache: "false",
    });
    await new Promise((r) => setTimeout(r, 1100));
    const second = await buildProject(dir, {
      runtime: "python3.12",
      package: "split",
      "output-dir": path.join(work, "out-b"),
      cache: "false",
    });
    expect(second.result.layerZip!.sha256).toBe(first.result.layerZip!.sha256);
    expect(second.result.functionZip!.sha256).toBe(first.result.functionZip!.sha256);
    expect(first.result.layerZip!.codeSha256).toBe(
      Buffer.from(first.result.layerZip!.sha256, "hex").toString("base64"),
    );
    const entries = readZip(first.result.layerZip!.path);
    const names = entries.map((e) => e.name);
    expect(names).toEqual([...names].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b))));
    for (const e of entries) {
      expect(e.madeBy).toBe(3);
      expect(e.dosDate).toBe(33);
      expect(e.dosTime).toBe(0);
      expect(e.mode).toBe(e.name.endsWith("/") ? 0o040755 : 0o100644);
    }
  });

  it("drops console scripts (bin/) and keeps dist-info", async () => {
    const dir = await project(`tool==0.1 ${hashed(wheels.tool!)}\n`);
    const { result } = await buildProject(dir, { runtime: "python3.11", package: "layer" });
    const names = readZip(result.layerZip!.path).map((e) => e.name);
    expect(names.some((n) => n.startsWith("python/bin"))).toBe(false);
    expect(names).toContain("python/tool-0.1.dist-info/RECORD");
  });

  it("evaluates markers for the target, not the build host", async () => {
    const dir = await project(
      [
        `greeting==1.2.0 ; python_version < "3.11"`,
        `fastmath==2.0.0 ; platform_machine == "aarch64" and python_version >= "3.12"`,
        "",
      ].join("\n"),
    );
    const arm = await buildProject(dir, { runtime: "python3.12", architecture: "arm64", package: "layer" });
    const armNames = readZip(arm.result.layerZip!.path).map((e) => e.name);
    expect(armNames).toContain("python/fastmath/__init__.py");
    expect(armNames.some((n) => n.includes("greeting"))).toBe(false);
  });
});

describe("requirements.txt errors name the file, the line and the package", () => {
  async function failure(
    requirements: string,
    values: Record<string, string> = { runtime: "python3.12" },
  ): Promise<UserError> {
    const dir = await project(requirements);
    const error = await buildProject(dir, values).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(UserError);
    return error as UserError;
  }

  it("unpinned requirement", async () => {
    const e = await failure("greeting==1.2.0\nfastmath>=2\n");
    expect(e.where).toMatchObject({ file: "requirements.txt", line: 2, distribution: "fastmath" });
    expect(e.describe()).toMatch(/fastmath is not pinned to one version \(>=2\)/);
  });

  it("editable and VCS requirements", async () => {
    const e = await failure("-e ./mylib\ngit+https://example.invalid/x.git#egg=x\n");
    expect(e.describe()).toMatch(/requirements.txt:1: editable requirement/);
    expect(e.describe()).toMatch(/requirements.txt:2: VCS requirement/);
  });

  it("a wheel whose glibc is too new for the runtime", async () => {
    const e = await failure("newglibc==3.0\n", { runtime: "python3.11" });
    expect(e.describe()).toContain("newglibc==3.0");
    expect(e.describe()).toContain("needs glibc 2.28, python3.11 has glibc 2.26");
    expect(e.where).toMatchObject({ file: "requirements.txt", line: 1 });
  });

  it("a wheel for the wrong architecture or python", async () => {
    const e = await failure("newglibc==3.0\n", { runtime: "python3.12", architecture: "arm64" });
    expect(e.describe()).toMatch(/is for x86_64, the target architecture is arm64/);
    expect(e.describe()).toMatch(/cp311/);
  });

  it("a package with only a source distribution, with build-from-source never", async () => {
    const e = await failure("sdistonly==0.5\n", { runtime: "python3.12", "build-from-source": "never" });
    expect(e.describe()).toContain("sdistonly==0.5 has only a source distribution (sdistonly-0.5.tar.gz)");
  });

  it("a hash that does not match", async () => {
    const e = await failure(`greeting==1.2.0 --hash=sha256:${"0".repeat(64)}\n`);
    expect(e.describe()).toMatch(/hash mismatch for greeting==1.2.0/);
    expect(e.describe()).toContain(wheels.greeting!.sha256);
  });

  it("an invalid runtime lists the valid ones", () => {
    expect(() => inputsFrom({ runtime: "python3.8" })).toThrow(
      /valid values: python3.9, python3.10, python3.11, python3.12, python3.13, python3.14/,
    );
  });
});
