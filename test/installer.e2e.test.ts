import { chmod, mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LocalIndex, startIndex } from "../devtools/pypi/index-server.ts";
import { type BuiltWheel, makeWheel } from "../devtools/pypi/wheel.ts";
import { readZip } from "../devtools/zipread.ts";
import { UserError } from "../src/errors.ts";
import { pipArgs } from "../src/install/pip.ts";
import { uvArgs } from "../src/install/uv.ts";
import type { LockedSet } from "../src/lock/types.ts";
import { makeTarget } from "../src/target.ts";
import { buildProject, pinned, writeProject } from "./support/project.ts";

const lock = (complete: boolean, hashed: boolean): LockedSet => ({
  format: "uv",
  lockfile: "uv.lock",
  requirements: [
    { name: "corelib", version: "1.0", extras: [], hashes: hashed ? ["sha256:ab"] : [], where: { file: "uv.lock" } },
  ],
  indexes: { extraIndexUrls: [], findLinks: [], noIndex: false, trustedHosts: [] },
  complete,
  firstParty: [],
});

describe("the install command for the target", () => {
  it("pip: binary only, the runtime's Python and ABI, every manylinux level best first", () => {
    const args = pipArgs(makeTarget("python3.11", "arm64"), "/r.txt", "/t", lock(true, true));
    expect(args.slice(0, 5)).toEqual(["-m", "pip", "install", "--target", "/t"]);
    expect(args).toContain("--only-binary=:all:");
    expect(args.join(" ")).toContain("--implementation cp --python-version 3.11 --abi cp311 --abi abi3 --abi none");
    const platforms = args.flatMap((a, i) => (a === "--platform" ? [args[i + 1]] : []));
    expect(platforms).toEqual([
      "manylinux_2_26_aarch64",
      "manylinux_2_25_aarch64",
      "manylinux_2_24_aarch64",
      "manylinux_2_23_aarch64",
      "manylinux_2_22_aarch64",
      "manylinux_2_21_aarch64",
      "manylinux_2_20_aarch64",
      "manylinux_2_19_aarch64",
      "manylinux_2_18_aarch64",
      "manylinux_2_17_aarch64",
      "manylinux2014_aarch64",
    ]);
    expect(args).toContain("--no-compile");
    expect(args).toContain("--no-deps");
    expect(pipArgs(makeTarget("python3.11", "arm64"), "/r.txt", "/t", lock(false, false))).not.toContain("--no-deps");
  });

  it("uv: manylinux2014 for Amazon Linux 2, manylinux_2_34 for AL2023, no byte-code, no installer metadata", () => {
    const al2 = uvArgs(makeTarget("python3.10", "x86_64"), "/r.txt", "/t", lock(true, true));
    expect(al2.join(" ")).toBe(
      "pip install --target /t --python-version 3.10 --python-platform x86_64-manylinux2014 --only-binary :all: --no-installer-metadata --no-compile-bytecode --link-mode copy --require-hashes --no-deps -r /r.txt",
    );
    const al2023 = uvArgs(makeTarget("python3.13", "arm64"), "/r.txt", "/t", lock(false, false), "/usr/bin/python3");
    expect(al2023).toContain("aarch64-manylinux_2_34");
    expect(al2023).toContain("--python");
    expect(al2023).not.toContain("--no-deps");
  });
});

describe("installer choice and first-party code", () => {
  let work: string;
  let index: LocalIndex;
  let corelib: BuiltWheel;
  beforeAll(async () => {
    work = await mkdtemp(path.join(os.tmpdir(), "lpp-installer-"));
    corelib = await makeWheel(path.join(work, "wheels"), {
      name: "corelib",
      version: "1.0",
      files: { "corelib/__init__.py": "" },
    });
    index = await startIndex(path.join(work, "wheels"));
  });
  afterAll(async () => {
    await index?.close();
    await rm(work, { recursive: true, force: true });
  });

  it("auto picks uv when it is on PATH and runs it with the target's flags", async () => {
    const bin = path.join(work, "bin");
    const record = path.join(work, "uv-args.json");
    await writeProject(bin, {
      uv: `#!/bin/sh
if [ "$1" = "--version" ]; then echo "uv 0.9.7"; exit 0; fi
python3 -c 'import json, sys; a = sys.argv[2:]; json.dump({"args": a, "requirements": open(a[-1]).read()}, open(sys.argv[1], "w"))' "${record}" "$@"
`,
    });
    await chmod(path.join(bin, "uv"), 0o755);
    const dir = await writeProject(path.join(work, "uv-project"), {
      "app.py": "",
      "requirements.txt": `${pinned("corelib", "1.0", corelib)}\n`,
    });
    const { log, result } = await buildProject(
      dir,
      { runtime: "python3.12", architecture: "arm64", cache: "false" },
      {
        home: path.join(work, "home"),
        indexUrl: index.url,
        extra: { PATH: `${bin}:${process.env.PATH}` },
      },
    );
    expect(log.lines).toContain("Installer: uv 0.9.7");
    expect(result.installer).toBe("uv 0.9.7");
    const { args, requirements } = JSON.parse(await readFile(record, "utf8")) as {
      args: string[];
      requirements: string;
    };
    expect(args.slice(0, 3)).toEqual(["pip", "install", "--target"]);
    expect(args).toEqual(
      expect.arrayContaining([
        "--python-platform",
        "aarch64-manylinux_2_34",
        "--python-version",
        "3.12",
        "--require-hashes",
      ]),
    );
    expect(requirements).toContain(`corelib==1.0 --hash=sha256:${corelib.sha256}`);
  });

  it("installer: uv without uv on PATH is a clear error", async () => {
    const dir = await writeProject(path.join(work, "no-uv"), {
      "app.py": "",
      "requirements.txt": `${pinned("corelib", "1.0", corelib)}\n`,
    });
    const error = await buildProject(
      dir,
      { runtime: "python3.12", installer: "uv" },
      { home: path.join(work, "home"), indexUrl: index.url, extra: { PATH: "/usr/bin:/bin" } },
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).describe()).toMatch(/no uv is on PATH[\s\S]*astral-sh\/setup-uv/);
  });

  it("a uv workspace member the project depends on ships as source at the zip's root", async () => {
    const dir = await writeProject(path.join(work, "workspace"), {
      "app.py": "import shared\n",
      "pyproject.toml":
        '[project]\nname = "orders"\nversion = "0.1.0"\ndependencies = ["shared", "corelib"]\n\n[tool.uv.workspace]\nmembers = ["packages/*"]\n\n[tool.uv.sources]\nshared = { workspace = true }\n',
      "packages/shared/pyproject.toml": '[project]\nname = "shared"\nversion = "0.2.0"\n',
      "packages/shared/src/shared/__init__.py": "VALUE = 42\n",
      "packages/shared/tests/test_shared.py": "def test(): pass\n",
      "uv.lock": `version = 1
revision = 3
requires-python = ">=3.12"

[manifest]
members = [
    "orders",
    "shared",
]

[[package]]
name = "corelib"
version = "1.0"
source = { registry = "${index.url}" }
wheels = [
    { url = "${index.url.replace(/\/simple$/, "")}/files/${corelib.filename}", hash = "sha256:${corelib.sha256}", size = 1000 },
]

[[package]]
name = "orders"
version = "0.1.0"
source = { virtual = "." }
dependencies = [
    { name = "corelib" },
    { name = "shared" },
]

[package.metadata]
requires-dist = [
    { name = "corelib" },
    { name = "shared", editable = "packages/shared" },
]

[[package]]
name = "shared"
version = "0.2.0"
source = { editable = "packages/shared" }
`,
    });
    const { result, log } = await buildProject(
      dir,
      { runtime: "python3.12", cache: "false" },
      { home: path.join(work, "home"), indexUrl: index.url },
    );
    const names = readZip(result.functionZip!.path).map((e) => e.name);
    expect(names).toContain("shared/__init__.py");
    expect(names).toContain("corelib/__init__.py");
    expect(names).toContain("app.py");
    expect(names.some((n) => n.startsWith("packages/"))).toBe(false);
    expect(log.lines.some((l) => l.startsWith("First-party shared:"))).toBe(true);
  });
});
