/**
 * The cache key: what changes the installed tree changes it (a pin, a hash, a marker's
 * outcome, the runtime, the architecture, the installer, its options); what does not
 * (comments, blank lines, order) keeps it, so a cosmetic lockfile edit still hits.
 */
import { describe, expect, it } from "vitest";
import { CACHE_FORMAT, type CacheKeyInput, cacheKey } from "../src/cache/key.ts";
import { readRequirements } from "../src/lock/requirements.ts";
import { optimizeKey } from "../src/optimize/index.ts";
import { makeTarget } from "../src/target.ts";
import { createInputs, type InputValues } from "./support/inputs.ts";

// the key reads hashes as text: any 64 hex digits stand for a wheel
const HASH = { alpha: "a".repeat(64), alpha11: "b".repeat(64), beta: "c".repeat(64), other: "1".repeat(64) };
const alpha = `alpha==1.0.0 --hash=sha256:${HASH.alpha}`;
const beta = `beta==2.0 --hash=sha256:${HASH.beta}`;
const requirementsText = `${alpha}\n${beta}\n`;

type Runtime = "python3.12" | "python3.13";
function keyInput(
  text: string,
  runtime: Runtime = "python3.12",
  arch: "x86_64" | "arm64" = "x86_64",
  extra: Partial<CacheKeyInput> = {},
): CacheKeyInput {
  const target = makeTarget(runtime, arch);
  const lock = readRequirements(text, {
    file: "requirements.txt",
    path: "/x/requirements.txt",
    workingDirectory: "/x",
    target,
    groups: [],
    extras: [],
  });
  return { target, lock, installer: { name: "pip", version: "24.2" }, options: {}, ...extra };
}
const key = (text: string, runtime?: Runtime, arch?: "x86_64" | "arm64", extra?: Partial<CacheKeyInput>) =>
  cacheKey(keyInput(text, runtime, arch, extra));

describe("cache key", () => {
  it("is readable, versioned and short", () => {
    expect(CACHE_FORMAT).toBe("v2");
    expect(key(requirementsText)).toMatch(/^lpp-v2-python3\.12-x86_64-[0-9a-f]{40}$/);
  });

  it("ignores comments, blank lines and order, not pins, hashes, markers, runtime or architecture", () => {
    const base = key(requirementsText);
    expect(key(`# regenerated\n\n${beta}\n${alpha}  # via app\n`)).toBe(base);
    expect(key(`alpha==1.1.0 --hash=sha256:${HASH.alpha11}\n${beta}\n`)).not.toBe(base);
    expect(key(`alpha==1.0.0 --hash=sha256:${HASH.other}\n${beta}\n`)).not.toBe(base);
    // a marker that leaves beta out on this target changes the set; one that keeps it does not
    expect(key(`${alpha}\n${beta} ; python_version < "3.12"\n`)).not.toBe(base);
    expect(key(`${alpha}\n${beta} ; python_version >= "3.12"\n`)).toBe(base);
    expect(key(requirementsText, "python3.13")).not.toBe(base);
    expect(key(requirementsText, "python3.12", "arm64")).not.toBe(base);
  });

  it("keeps the order of a pin's hashes out, and its extras in", () => {
    const two = `alpha==1.0.0 --hash=sha256:${HASH.alpha} --hash=sha256:${HASH.other}\n${beta}\n`;
    const swapped = `alpha==1.0.0 --hash=sha256:${HASH.other} --hash=sha256:${HASH.alpha}\n${beta}\n`;
    expect(key(two)).toBe(key(swapped));
    expect(key(two)).not.toBe(key(requirementsText));
    expect(key(`alpha[fast]==1.0.0 --hash=sha256:${HASH.alpha}\n${beta}\n`)).not.toBe(key(requirementsText));
  });

  it("changes with the installer, its version and the index it asks", () => {
    const base = key(requirementsText);
    expect(key(requirementsText, undefined, undefined, { installer: { name: "uv", version: "24.2" } })).not.toBe(base);
    expect(key(requirementsText, undefined, undefined, { installer: { name: "pip", version: "25.0" } })).not.toBe(base);
    const index = { indexUrl: "https://pypi.example.com/simple" };
    expect(key(requirementsText, undefined, undefined, { options: index })).not.toBe(base);
    expect(key(requirementsText, undefined, undefined, { options: { ...index } })).toBe(
      key(requirementsText, undefined, undefined, { options: index }),
    );
  });
});

describe("cache key of an optimized build", () => {
  // what findCompiler gives with compile on (the runtime's Python) and off (none)
  const COMPILER = { command: "python3.12", version: "3.12.1", cacheTag: "cpython-312", magic: "cb0d0d0a" };
  const OPTIMIZED = { compile: "true", slim: "true", "exclude-packages": "bigsdk", package: "split" } as const;
  const optimizedKey = (values: InputValues) => {
    const { optimize } = createInputs({ ...OPTIMIZED, ...values });
    return key(requirementsText, undefined, undefined, {
      optimize: optimizeKey(optimize, optimize.compile === "off" ? undefined : COMPILER),
    });
  };

  it("holds every setting the inputs give: compile, slim, slim-keep and exclude-packages", () => {
    const keys = [
      {},
      { slim: "false" },
      { compile: "false" },
      { "exclude-packages": "" },
      { "slim-keep": "**/*.pyi" },
    ].map((values: InputValues) => optimizedKey(values));
    expect(new Set(keys).size).toBe(5);
    // and none of them is the key of the build that optimizes nothing
    expect(keys).not.toContain(key(requirementsText));
    // the same settings written otherwise are the same entry
    expect(optimizedKey({ "exclude-packages": "bigsdk\n" })).toBe(keys[0]);
  });

  it("is another entry than one made before slim kept back what shipped code imports", () => {
    const { optimize } = createInputs(OPTIMIZED);
    const { rules: _rules, ...earlier } = optimizeKey(optimize, COMPILER)!;
    expect(key(requirementsText, undefined, undefined, { optimize: earlier })).not.toBe(optimizedKey({}));
  });

  it("holds the compiler's bytecode format: another Python's pycs are another entry", () => {
    const { optimize } = createInputs(OPTIMIZED);
    const other = { ...COMPILER, version: "3.13.0", cacheTag: "cpython-313", magic: "f30d0d0a" };
    expect(key(requirementsText, undefined, undefined, { optimize: optimizeKey(optimize, other) })).not.toBe(
      optimizedKey({}),
    );
  });
});
