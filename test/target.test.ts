import { describe, expect, it } from "vitest";
import { evaluateMarker, targetEnvironment } from "../src/lock/markers.ts";
import { makeTarget, parseWheelFilename, wheelFits } from "../src/target.ts";

const fits = (filename: string, runtime: Parameters<typeof makeTarget>[0], arch: "x86_64" | "arm64" = "x86_64") =>
  wheelFits(parseWheelFilename(filename)!, makeTarget(runtime, arch));

describe("target", () => {
  it("lists every manylinux level up to the runtime's glibc, best first, with legacy aliases", () => {
    const al2 = makeTarget("python3.11", "x86_64").platformTags;
    expect(al2[0]).toBe("manylinux_2_26_x86_64");
    expect(al2).toContain("manylinux2014_x86_64");
    expect(al2).toContain("manylinux1_x86_64");
    expect(al2).not.toContain("manylinux_2_27_x86_64");
    expect(al2.indexOf("manylinux_2_17_x86_64")).toBeLessThan(al2.indexOf("manylinux_2_12_x86_64"));
    const al2023arm = makeTarget("python3.13", "arm64").platformTags;
    expect(al2023arm[0]).toBe("manylinux_2_34_aarch64");
    expect(al2023arm.at(-1)).toBe("manylinux2014_aarch64");
    expect(al2023arm.some((t) => t.includes("x86_64") || t.includes("manylinux1"))).toBe(false);
  });

  it("fits wheels by python tag, ABI, glibc and architecture", () => {
    expect(fits("numpy-2.3.1-cp312-cp312-manylinux_2_27_x86_64.manylinux_2_28_x86_64.whl", "python3.12").fits).toBe(
      true,
    );
    expect(fits("numpy-2.3.1-cp311-cp311-manylinux_2_28_x86_64.whl", "python3.11")).toEqual({
      fits: false,
      reason: "platform manylinux_2_28_x86_64 needs glibc 2.28, python3.11 has glibc 2.26",
    });
    expect(fits("x-1-cp310-abi3-manylinux2014_aarch64.whl", "python3.13", "arm64").fits).toBe(true);
    expect(fits("x-1-cp314-abi3-manylinux2014_aarch64.whl", "python3.13", "arm64").fits).toBe(false);
    expect(fits("x-1-cp312-cp312-manylinux2014_aarch64.whl", "python3.12", "x86_64")).toMatchObject({ fits: false });
    expect(fits("x-1-py2.py3-none-any.whl", "python3.9").fits).toBe(true);
    expect(fits("x-1-py311-none-any.whl", "python3.10").fits).toBe(false);
    expect(fits("x-1-cp312-cp312-musllinux_1_2_x86_64.whl", "python3.12")).toMatchObject({ fits: false });
    expect(fits("x-1-cp312-cp312-linux_x86_64.whl", "python3.12")).toMatchObject({ fits: false });
    expect(fits("x-1-cp312-cp312-macosx_11_0_arm64.whl", "python3.12", "arm64")).toMatchObject({ fits: false });
    expect(fits("ruff-0.5-py3-none-manylinux_2_17_x86_64.manylinux2014_x86_64.whl", "python3.9").fits).toBe(true);
  });
});

describe("markers are evaluated for the Lambda target", () => {
  const env = (runtime: Parameters<typeof makeTarget>[0], arch: "x86_64" | "arm64") =>
    targetEnvironment(makeTarget(runtime, arch));
  it.each([
    ['python_version < "3.11"', "python3.10", "x86_64", true],
    ['python_version < "3.11"', "python3.12", "x86_64", false],
    ['platform_machine == "aarch64"', "python3.12", "arm64", true],
    ['platform_machine == "aarch64"', "python3.12", "x86_64", false],
    ['sys_platform == "win32" or platform_system == "Windows"', "python3.12", "x86_64", false],
    ['(sys_platform == "linux" and python_full_version >= "3.12.0") or os_name == "nt"', "python3.13", "arm64", true],
    ['implementation_name == "cpython" and python_version ~= "3.9"', "python3.11", "x86_64", true],
    ['"linux" in sys_platform', "python3.9", "x86_64", true],
  ] as const)("%s on %s/%s is %s", (marker, runtime, arch, expected) => {
    expect(evaluateMarker(marker, env(runtime, arch))).toBe(expected);
  });

  it("extras are false unless requested", () => {
    const e = env("python3.12", "x86_64");
    expect(evaluateMarker('extra == "s3"', e)).toBe(false);
    expect(evaluateMarker('extra == "s3"', e, ["S3"])).toBe(true);
  });
});
