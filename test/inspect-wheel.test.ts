import { describe, expect, it } from "vitest";
import { inspectTree } from "../src/inspect/index.ts";
import type { DependencyTree } from "../src/install/types.ts";
import { makeTarget, type Runtime } from "../src/target.ts";
import { buildTree, type DistSpec, tempDir } from "./support/tree.ts";

async function run(
  dists: DistSpec[],
  runtime: Runtime,
  arch: "x86_64" | "arm64" = "x86_64",
  lockfileText?: string,
  chosenWheels?: Record<string, string>,
) {
  const tree: DependencyTree = { ...buildTree(await tempDir(), dists), chosenWheels };
  return inspectTree({
    target: makeTarget(runtime, arch),
    tree,
    code: [{ path: "app.py", size: 10 }],
    packageMode: "function",
    allowCollisions: false,
    lockfile: "requirements.txt",
    lockfileText,
  });
}

describe("wheel fit", () => {
  it("rejects numpy's manylinux_2_28 wheel on python3.11, naming the WHEEL file, the tags and the reason", async () => {
    const numpy: DistSpec = {
      name: "numpy",
      version: "2.3.1",
      tags: ["cp311-cp311-manylinux_2_27_x86_64", "cp311-cp311-manylinux_2_28_x86_64"],
      files: { "numpy/__init__.py": "" },
    };
    const lock = "boto3==1.35.0\nnumpy==2.3.1 \\\n    --hash=sha256:abc\n";
    const r = await run([numpy], "python3.11", "x86_64", lock);
    expect(r.findings).toEqual([
      {
        severity: "error",
        check: "wheel-fit",
        distribution: "numpy",
        file: "requirements.txt",
        line: 2,
        path: "numpy-2.3.1.dist-info/WHEEL",
        message:
          "numpy 2.3.1's numpy-2.3.1.dist-info/WHEEL says it was built for cp311-cp311-manylinux_2_27_x86_64, " +
          "cp311-cp311-manylinux_2_28_x86_64, which does not fit python3.11 x86_64: " +
          "platform manylinux_2_27_x86_64 needs glibc 2.27, python3.11 has glibc 2.26 (cp311-cp311-manylinux_2_27_x86_64); " +
          "platform manylinux_2_28_x86_64 needs glibc 2.28, python3.11 has glibc 2.26 (cp311-cp311-manylinux_2_28_x86_64)",
        hint: "pin numpy to an older version that publishes a manylinux_2_26 (or older) wheel for x86_64, or move the function to python3.12 or newer (Amazon Linux 2023, glibc 2.34)",
      },
    ]);
    expect(r.distributions[0]?.findings).toHaveLength(1);
  });

  it("accepts a wheel when any one of its tags fits", async () => {
    const r = await run(
      [
        {
          name: "pydantic-core",
          version: "2.20.1",
          tags: ["cp312-cp312-manylinux_2_17_aarch64", "cp312-cp312-manylinux2014_aarch64"],
        },
        { name: "six", version: "1.16.0", tags: ["py2-none-any", "py3-none-any"] },
        { name: "cryptography", version: "43.0.0", tags: ["cp39-abi3-manylinux_2_28_aarch64"] },
      ],
      "python3.12",
      "arm64",
    );
    expect(r.findings).toEqual([]);
  });

  it("names the architecture, the Python version, musl and locally built wheels", async () => {
    const r = await run(
      [
        { name: "a", version: "1", tags: ["cp312-cp312-manylinux_2_17_aarch64"] },
        { name: "b", version: "1", tags: ["cp313-cp313-manylinux_2_17_x86_64"] },
        { name: "c", version: "1", tags: ["cp312-cp312-musllinux_1_2_x86_64"] },
        { name: "d", version: "1", tags: ["cp312-cp312-linux_x86_64"] },
        { name: "e", version: "1", tags: [] },
      ],
      "python3.12",
    );
    const by = Object.fromEntries(r.findings.map((f) => [f.distribution, f]));
    expect(by.a?.message).toMatch(/platform manylinux_2_17_aarch64 is for aarch64, the target architecture is x86_64/);
    expect(by.a?.hint).toMatch(/reinstall for the target architecture/);
    expect(by.b?.message).toMatch(
      /^b 1's b-1\.dist-info\/WHEEL says it was built for cp313-cp313-manylinux_2_17_x86_64.*ABI cp313 is for CPython 3\.13/,
    );
    expect(by.b?.hint).toMatch(/--python-version 3\.12/);
    expect(by.c?.message).toMatch(/musl libc/);
    expect(by.d?.message).toMatch(/not safe on Lambda/);
    expect(by.d?.hint).toMatch(/built from source on the runner/);
    expect(by.e).toMatchObject({ severity: "warning", check: "wheel-fit" });
    expect(by.e?.message).toMatch(/no Tag lines in e-1\.dist-info\/WHEEL/);
    expect(r.findings.filter((f) => f.severity === "error")).toHaveLength(4);
  });

  it("judges the file the installer chose by its name: a WHEEL file that disagrees is a notice (ray)", async () => {
    const ray: DistSpec = {
      name: "ray",
      version: "2.58.0",
      tags: ["cp311-cp311-linux_x86_64"],
      files: { "ray/__init__.py": "" },
    };
    const chosen = { ray: "ray-2.58.0-cp311-cp311-manylinux2014_x86_64.whl" };
    const r = await run([ray], "python3.11", "x86_64", undefined, chosen);
    expect(r.findings.map((f) => [f.severity, f.check])).toEqual([["notice", "wheel-fit"]]);
    expect(r.findings[0]?.message).toBe(
      "ray 2.58.0 was installed from ray-2.58.0-cp311-cp311-manylinux2014_x86_64.whl, whose ray-2.58.0.dist-info/WHEEL " +
        "says Tag: cp311-cp311-linux_x86_64: the file name is what pip and uv choose by, and it fits python3.11 x86_64",
    );
    expect(r.findings[0]?.message).not.toMatch(/linux_x86_64\.whl/);
  });

  it("refuses a chosen file whose name does not fit, naming that file, whatever its WHEEL says", async () => {
    const dist: DistSpec = { name: "fast-lib", version: "1.0", tags: ["cp312-cp312-manylinux2014_x86_64"] };
    const chosen = { "fast-lib": "fast_lib-1.0-cp312-cp312-manylinux_2_39_x86_64.whl" };
    const r = await run([dist], "python3.12", "x86_64", undefined, chosen);
    expect(r.findings.map((f) => [f.severity, f.check])).toEqual([["error", "wheel-fit"]]);
    expect(r.findings[0]?.message).toMatch(
      /^fast-lib 1\.0 was installed from fast_lib-1\.0-cp312-cp312-manylinux_2_39_x86_64\.whl, which does not fit python3\.12 x86_64: platform manylinux_2_39_x86_64 needs glibc 2\.39/,
    );
    // a name for another distribution or version is not taken for this one
    const other = await run([dist], "python3.12", "x86_64", undefined, { "fast-lib": "fast_lib-2.0-py3-none-any.whl" });
    expect(other.findings).toEqual([]);
  });
});

describe("runtime-provided SDK", () => {
  it("warns about botocore and urllib3 packaged without boto3", async () => {
    const r = await run(
      [
        { name: "botocore", version: "1.35.0", files: { "botocore/__init__.py": "" } },
        { name: "urllib3", version: "2.2.2", files: { "urllib3/__init__.py": "" } },
      ],
      "python3.12",
      "x86_64",
      "urllib3==2.2.2\nbotocore==1.35.0\n",
    );
    expect(r.findings.map((f) => [f.severity, f.check, f.distribution, f.line])).toEqual([
      ["warning", "runtime-sdk", "botocore", 2],
      ["warning", "runtime-sdk", "urllib3", 1],
    ]);
    expect(r.findings[0]?.message).toBe(
      "botocore 1.35.0 is packaged without boto3: the boto3 that python3.12 provides will import this botocore instead of its own, a mix AWS does not test",
    );
    expect(r.findings[0]?.hint).toMatch(/add boto3 to the lockfile/);
    expect(r.findings[1]?.message).toMatch(/^urllib3 2\.2\.2 \(botocore's HTTP library\) is packaged without boto3/);
  });

  it("is quiet when boto3 comes along, or when none of them is there", async () => {
    const withBoto3 = await run(
      [
        { name: "boto3", version: "1.35.0" },
        { name: "botocore", version: "1.35.0" },
        { name: "urllib3", version: "2.2.2" },
      ],
      "python3.12",
    );
    expect(withBoto3.findings).toEqual([]);
    expect((await run([{ name: "requests", version: "2.32.3" }], "python3.12")).findings).toEqual([]);
  });
});
