/**
 * Real wheels installed by the real pip from a local index, judged as pip chose them:
 * the chosen file's name (pip's --report) decides the wheel-fit check, and files a
 * wheel installs through <name>.data/data/ that pip --target leaves out are named.
 */
import { mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LocalIndex, startIndex } from "../devtools/pypi/index-server.ts";
import { type BuiltWheel, makeWheel } from "../devtools/pypi/wheel.ts";
import { readZip } from "../devtools/zipread.ts";
import { InspectionFailed } from "../src/inspect/stage.ts";
import { glibcAtMost, pickElf, withMachine } from "./support/elf.ts";
import { buildProject, pinned, writeProject } from "./support/project.ts";

describe("wheels as pip chose them", () => {
  let work: string;
  let index: LocalIndex;
  let ray: BuiltWheel;
  let gmsh: BuiltWheel;
  beforeAll(async () => {
    work = await mkdtemp(path.join(os.tmpdir(), "lpp-pip-wheels-"));
    const low = await pickElf("requiring GLIBC ≤ 2.17", glibcAtMost("2.17"));
    const so = withMachine(low.path, 62);
    // ray 2.58.0's real WHEEL says linux_x86_64 while its file name says manylinux2014
    ray = await makeWheel(path.join(work, "wheels"), {
      name: "ray",
      version: "2.58.0",
      tag: "cp311-cp311-manylinux2014_x86_64",
      wheelTags: ["cp311-cp311-linux_x86_64"],
      files: {
        "ray/__init__.py": "from ray import _raylet\n",
        "ray/_raylet.so": { data: so, mode: 0o755 },
      },
    });
    // gmsh 4.15.2: gmsh.py loads libgmsh.so, which the wheel installs through gmsh-4.15.2.data/data/lib/
    gmsh = await makeWheel(path.join(work, "wheels"), {
      name: "gmsh",
      version: "4.15.2",
      tag: "py2.py3-none-manylinux_2_24_x86_64",
      files: {
        "gmsh.py": "import ctypes, os\nlib = ctypes.CDLL(os.path.join(os.path.dirname(__file__), 'libgmsh.so'))\n",
        "gmsh-4.15.2.data/data/lib/libgmsh.so": { data: so, mode: 0o755 },
        "gmsh-4.15.2.data/data/lib/libgmsh.so.4.15": { data: so, mode: 0o755 },
        "gmsh-4.15.2.data/data/share/doc/gmsh/README.txt": "docs\n",
      },
    });
    index = await startIndex(path.join(work, "wheels"));
  });
  afterAll(async () => {
    await index?.close();
    await rm(work, { recursive: true, force: true });
  });

  it("ray: a WHEEL tag that disagrees with the file name pip chose is a notice naming the real file", async () => {
    const dir = await writeProject(path.join(work, "ray-project"), {
      "app.py": "import ray\n",
      "requirements.txt": `${pinned("ray", "2.58.0", ray)}\n`,
    });
    const { result, log } = await buildProject(
      dir,
      { runtime: "python3.11", architecture: "x86_64", cache: "false" },
      { home: path.join(work, "home"), indexUrl: index.url },
    );
    expect(result.tree.chosenWheels).toEqual({ ray: "ray-2.58.0-cp311-cp311-manylinux2014_x86_64.whl" });
    const wheelFit = result.findings.filter((f) => f.check === "wheel-fit");
    expect(wheelFit.map((f) => f.severity)).toEqual(["notice"]);
    expect(wheelFit[0]!.message).toMatch(
      /^ray 2\.58\.0 was installed from ray-2\.58\.0-cp311-cp311-manylinux2014_x86_64\.whl, whose ray-2\.58\.0\.dist-info\/WHEEL says Tag: cp311-cp311-linux_x86_64/,
    );
    expect(log.lines.join("\n")).not.toMatch(/ray-2\.58\.0-cp311-cp311-linux_x86_64\.whl/);
    expect(readZip(result.functionZip!.path).map((e) => e.name)).toContain("ray/_raylet.so");
  });

  it("gmsh: a library installed through .data/data/ that pip --target leaves out is named, not called '..'", async () => {
    const dir = await writeProject(path.join(work, "gmsh-project"), {
      "app.py": "import gmsh\n",
      "requirements.txt": `${pinned("gmsh", "4.15.2", gmsh)}\n`,
    });
    const error = await buildProject(
      dir,
      { runtime: "python3.12", architecture: "x86_64", cache: "false" },
      { home: path.join(work, "home"), indexUrl: index.url },
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InspectionFailed);
    const errors = (error as InspectionFailed).findings.filter((f) => f.severity === "error");
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ check: "layout", distribution: "gmsh", file: "requirements.txt", line: 1 });
    expect(errors[0]!.message).toBe(
      "gmsh 4.15.2 installs files through gmsh-4.15.2.data/data/ that are not in the package: lib/libgmsh.so, " +
        "lib/libgmsh.so.4.15; the installer puts them outside the import path (pip --target leaves them out of the " +
        "target folder), so the library the package loads (libgmsh.so, libgmsh.so.4.15) is missing in Lambda and importing it fails",
    );
    expect(errors[0]!.message).not.toMatch(/'\.\.'/);
    expect(await readFile(path.join(dir, "requirements.txt"), "utf8")).toContain("gmsh==4.15.2");
  });
});
