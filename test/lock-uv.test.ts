import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { UserErrors } from "../src/errors.ts";
import { readUvLock } from "../src/lock/uv.ts";
import { makeTarget } from "../src/target.ts";
import { failure, type LockOptions, lockContext, lockReader, pins } from "./support/lockfiles.ts";

const FIXTURES = path.join(import.meta.dirname, "fixtures", "lockfiles", "uv");

const read = lockReader(FIXTURES, readUvLock);
const context = (lockfile: string, o: LockOptions = {}) => lockContext(FIXTURES, lockfile, o);

const COMMON = [
  "certifi==2024.8.30",
  "charset-normalizer==3.4.0",
  "click==8.1.7",
  "idna==3.10",
  "python-dateutil==2.9.0.post0",
  "requests==2.32.3",
  "six==1.17.0",
  "urllib3==2.2.3",
];

describe("readUvLock: the orders-api workspace (uv.lock revision 3)", () => {
  it("python3.11 x86_64: numpy 2.2 fork, orjson (x86_64 only), typing-extensions (< 3.12); no Windows or dev packages", () => {
    const set = read("orders-api/uv.lock");
    expect(pins(set)).toEqual([...COMMON, "numpy==2.2.6", "orjson==3.10.12", "typing-extensions==4.12.2"].sort());
    expect(set.format).toBe("uv");
    expect(set.complete).toBe(true);
    expect(set.firstParty).toEqual([
      { name: "orders-api", path: "." },
      { name: "orders-shared", path: "packages/orders-shared" },
    ]);
    expect(set.indexes.indexUrl).toBe("https://pypi.org/simple");
    expect(set.indexes.extraIndexUrls).toEqual([]);
  });

  it("python3.13 arm64: numpy 2.3 fork and crc32c (aarch64 only); no orjson, no typing-extensions", () => {
    const set = read("orders-api/uv.lock", { runtime: "python3.13", arch: "arm64" });
    expect(pins(set)).toEqual([...COMMON, "crc32c==2.7.1", "numpy==2.3.5"].sort());
  });

  it("carries every wheel hash of the chosen version, the index, and the table's line", () => {
    const text = readFileSync(path.join(FIXTURES, "orders-api/uv.lock"), "utf8");
    const set = read("orders-api/uv.lock");
    const numpy = set.requirements.find((r) => r.name === "numpy")!;
    expect(numpy.hashes).toHaveLength(15);
    for (const r of set.requirements) {
      expect(r.hashes.length).toBeGreaterThan(0);
      for (const h of r.hashes) expect(h).toMatch(/^sha256:[0-9a-f]{64}$/);
      expect(r.index).toBe("https://pypi.org/simple");
    }
    const line = text.split("\n")[(numpy.where.line ?? 0) - 1];
    expect(line).toBe("[[package]]");
    expect(text.split("\n")[numpy.where.line ?? 0]).toBe('name = "numpy"');
    expect(text.split("\n")[(numpy.where.line ?? 0) + 1]).toBe('version = "2.2.6"');
    expect(numpy.where.table).toBe('[[package]] name = "numpy"');
  });

  it("adds a dependency group only when asked, still without its Windows-only dependencies", () => {
    const set = read("orders-api/uv.lock", { groups: ["dev"] });
    expect(pins(set)).toEqual(
      [
        ...COMMON,
        "iniconfig==2.0.0",
        "numpy==2.2.6",
        "orjson==3.10.12",
        "packaging==24.2",
        "pluggy==1.5.0",
        "pytest==8.3.4",
        "typing-extensions==4.12.2",
      ].sort(),
    );
    expect(pins(set)).not.toContain("colorama==0.4.6");
  });

  it("adds the optional dependencies of a requested extra", () => {
    const set = read("orders-api/uv.lock", { runtime: "python3.13", arch: "arm64", extras: ["yaml"] });
    expect(pins(set)).toContain("pyyaml==6.0.2");
  });

  it("names unknown extras and groups", () => {
    const e = failure(() => read("orders-api/uv.lock", { groups: ["docs"], extras: ["fast"] }));
    expect(e).toBeInstanceOf(UserErrors);
    expect(e.message).toContain('dependency group "docs"');
    expect(e.message).toContain('extra "fast"');
    expect(e.message).toContain("groups: dev");
  });

  it("from a workspace member's folder, walks from that member only", () => {
    const set = read("orders-api/uv.lock", { cwd: "packages/orders-shared" });
    expect(pins(set)).toEqual(["python-dateutil==2.9.0.post0", "six==1.17.0"]);
    expect(set.firstParty).toEqual([{ name: "orders-shared", path: "." }]);
    expect(set.lockfile).toBe(path.join("..", "..", "uv.lock"));
  });

  it("refuses a runtime outside requires-python", () => {
    const e = failure(() => read("orders-api/uv.lock", { runtime: "python3.10" }));
    expect(e.message).toContain("uv.lock was locked for Python >=3.11");
    expect(e.message).toContain("python3.10");
    expect(e.where.line).toBe(3);
  });

  it("says which package has no wheel for the target", () => {
    const lock = `version = 1
revision = 3
requires-python = ">=3.11"

[[package]]
name = "app"
version = "0.1.0"
source = { virtual = "." }
dependencies = [
    { name = "cryptography" },
]

[[package]]
name = "cryptography"
version = "46.0.3"
source = { registry = "https://pypi.org/simple" }
wheels = [
    { url = "https://files.pythonhosted.org/packages/aa/bb/cc/cryptography-46.0.3-cp311-abi3-manylinux_2_34_x86_64.whl", hash = "sha256:${"a".repeat(64)}", size = 4478219, upload-time = "2025-10-15T23:17:23.123Z" },
    { url = "https://files.pythonhosted.org/packages/aa/bb/cd/cryptography-46.0.3-cp311-abi3-win_amd64.whl", hash = "sha256:${"b".repeat(64)}", size = 3466921, upload-time = "2025-10-15T23:17:25.456Z" },
]
`;
    // a folder without a pyproject.toml beside the lock
    const ctx = context("bad/version-2/uv.lock");
    const e = failure(() => readUvLock(lock, ctx));
    expect(e.where).toMatchObject({ file: "uv.lock", line: 13, distribution: "cryptography" });
    expect(e.message).toContain('[[package]] name = "cryptography"');
    expect(e.message).toContain("none of the 2 wheel(s) locked for cryptography 46.0.3 runs on python3.11 x86_64");
    expect(e.message).toContain("needs glibc 2.34, python3.11 has glibc 2.26");
    const al2023 = readUvLock(lock, { ...ctx, target: makeTarget("python3.12", "x86_64") });
    expect(pins(al2023)).toEqual(["cryptography==46.0.3"]);
  });
});

describe("readUvLock: local wheels and direct URLs", () => {
  const lock = (source: string) => `version = 1
revision = 3
requires-python = ">=3.12"

[[package]]
name = "app"
version = "0.1.0"
source = { virtual = "." }
dependencies = [
    { name = "internal-sdk" },
]

[[package]]
name = "internal-sdk"
version = "3.2.0"
source = ${source}
wheels = [
    { filename = "internal_sdk-3.2.0-py3-none-any.whl", hash = "sha256:${"c".repeat(64)}" },
]
`;
  const ctx = context("bad/version-2/uv.lock", { runtime: "python3.12" });

  it("a wheel file inside the project is pinned and its folder becomes a find-links source", () => {
    const set = readUvLock(lock('{ path = "vendor/internal_sdk-3.2.0-py3-none-any.whl" }'), ctx);
    expect(pins(set)).toEqual(["internal-sdk==3.2.0"]);
    expect(set.requirements[0]?.hashes).toEqual([`sha256:${"c".repeat(64)}`]);
    expect(set.requirements[0]?.index).toBeUndefined();
    expect(set.indexes.findLinks).toEqual([path.join(ctx.workingDirectory, "vendor")]);
  });

  it("a direct URL is refused", () => {
    const e = failure(() =>
      readUvLock(lock('{ url = "https://example.com/internal_sdk-3.2.0-py3-none-any.whl" }'), ctx),
    );
    expect(e.message).toContain('[[package]] name = "internal-sdk": internal-sdk comes from the direct URL');
  });
});

describe("readUvLock: what it refuses", () => {
  it("malformed TOML, at its line", () => {
    const e = failure(() => read("bad/malformed/uv.lock"));
    expect(e.where.file).toBe("uv.lock");
    expect(e.where.line).toBe(20);
    expect(e.describe()).toMatch(/^uv\.lock:20: malformed TOML: /);
  });

  it("an unknown lock version, naming the versions it reads", () => {
    const e = failure(() => read("bad/version-2/uv.lock", { runtime: "python3.12" }));
    expect(e.describe()).toContain("uv.lock:1: unsupported uv.lock version 2");
    expect(e.message).toContain("version 1");
  });

  it("a Git dependency, with build-from-source never, naming the package and its table", () => {
    const e = failure(() => read("bad/git/uv.lock", { runtime: "python3.12", buildFromSource: "never" }));
    expect(e.where).toMatchObject({ file: "uv.lock", distribution: "powertools-lite" });
    expect(e.message).toContain('[[package]] name = "powertools-lite"');
    expect(e.message).toContain("https://github.com/example-org/powertools-lite, and build-from-source is never");
    expect(e.describe()).toMatch(/^uv\.lock:\d+: /);
  });

  it("a path dependency outside the project", () => {
    const e = failure(() => read("bad/path-outside/uv.lock", { runtime: "python3.12" }));
    expect(e.where).toMatchObject({ file: "uv.lock", distribution: "company-auth" });
    expect(e.message).toContain('[[package]] name = "company-auth"');
    expect(e.message).toContain("../../libs/company-auth, outside the project");
  });

  it("a lock older than its pyproject.toml", () => {
    const e = failure(() => read("bad/stale/uv.lock"));
    expect(e.message).toContain("uv.lock does not match pyproject.toml: run `uv lock`");
    expect(e.message).toContain("boto3");
    expect(e.where.file).toBe("uv.lock");
  });
});
