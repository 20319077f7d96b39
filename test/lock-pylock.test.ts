import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { UserErrors } from "../src/errors.ts";
import { readPylock } from "../src/lock/pylock.ts";
import { matchesSpecifier } from "../src/lock/version.ts";
import { failure, type LockOptions, lockContext, lockReader, pins } from "./support/lockfiles.ts";

const FIXTURES = path.join(import.meta.dirname, "fixtures", "lockfiles", "pylock");

const read = lockReader(FIXTURES, readPylock);
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

describe("readPylock: `uv export --format pylock.toml` of orders-api", () => {
  it("python3.11 x86_64: numpy 2.2, orjson (x86_64 only), typing-extensions (< 3.12); no Windows or dev packages", () => {
    const set = read("uv-export/pylock.toml");
    expect(pins(set)).toEqual([...COMMON, "numpy==2.2.6", "orjson==3.10.12", "typing-extensions==4.12.2"].sort());
    expect(set.format).toBe("pylock");
    expect(set.complete).toBe(true);
    expect(set.firstParty).toEqual([
      { name: "orders-api", path: "." },
      { name: "orders-shared", path: "packages/orders-shared" },
    ]);
    expect(set.indexes.indexUrl).toBe("https://pypi.org/simple");
  });

  it("python3.13 arm64: numpy 2.3 and crc32c (aarch64 only)", () => {
    expect(pins(read("uv-export/pylock.toml", { runtime: "python3.13", arch: "arm64" }))).toEqual(
      [...COMMON, "crc32c==2.7.1", "numpy==2.3.5"].sort(),
    );
  });

  it("carries every wheel hash as sha256:<hex> and the table's line", () => {
    const text = readFileSync(path.join(FIXTURES, "uv-export/pylock.toml"), "utf8").split("\n");
    const set = read("uv-export/pylock.toml", { runtime: "python3.13", arch: "arm64" });
    const numpy = set.requirements.find((r) => r.name === "numpy")!;
    expect(numpy.hashes).toHaveLength(15);
    for (const h of numpy.hashes) expect(h).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(numpy.index).toBe("https://pypi.org/simple");
    expect(text[(numpy.where.line ?? 0) - 1]).toBe("[[packages]]");
    expect(text[(numpy.where.line ?? 0) + 1]).toBe('version = "2.3.5"');
  });

  it("'dev' in dependency_groups and 'yaml' in extras only when asked", () => {
    const dev = pins(read("uv-export/pylock.toml", { groups: ["dev"] }));
    expect(dev).toEqual(
      expect.arrayContaining(["iniconfig==2.0.0", "packaging==24.2", "pluggy==1.5.0", "pytest==8.3.4"]),
    );
    expect(dev).not.toContain("colorama==0.4.6");
    expect(pins(read("uv-export/pylock.toml", { extras: ["yaml"] }))).toContain("pyyaml==6.0.2");
  });

  it("names an extra or group the lock does not have", () => {
    const e = failure(() => read("uv-export/pylock.toml", { extras: ["fast"], groups: ["docs"] }));
    expect(e).toBeInstanceOf(UserErrors);
    expect(e.message).toContain(`extra "fast" is not in the lock's extras (yaml)`);
    expect(e.message).toContain(`dependency group "docs" is not in the lock's dependency-groups (dev)`);
  });
});

describe("readPylock: `pip lock` (one environment, [[packages.wheels]] tables)", () => {
  it("reads the environment it was made for", () => {
    const set = read("pip-lock/pylock.toml");
    expect(pins(set)).toEqual([...COMMON, "numpy==2.2.6", "orjson==3.10.12", "typing-extensions==4.12.2"].sort());
    expect(set.requirements.every((r) => r.hashes.length === 1 && r.index === undefined)).toBe(true);
  });

  it("says which packages have no wheel for another target", () => {
    const e = failure(() => read("pip-lock/pylock.toml", { runtime: "python3.13", arch: "arm64" }));
    expect(e).toBeInstanceOf(UserErrors);
    const names = (e as UserErrors).errors.map((x) => x.where.distribution);
    expect(names).toEqual(["charset-normalizer", "numpy", "orjson"]);
    expect(e.message).toContain(
      '[[packages]] name = "numpy": none of the 1 wheel(s) locked for numpy 2.2.6 runs on python3.13 arm64',
    );
  });
});

describe("readPylock: markers, environments, default-groups", () => {
  const lock = (extra: string) => `lock-version = "1.0"
${extra}
created-by = "pdm"

[[packages]]
name = "six"
version = "1.17.0"
marker = "'default' in dependency_groups"
wheels = [{ name = "six-1.17.0-py2.py3-none-any.whl", url = "https://files.pythonhosted.org/packages/b7/ce/149a00dd41f10bc29e5921b496af8b574d8413afcd5e30dfa0ed46c2cc5e/six-1.17.0-py2.py3-none-any.whl", hashes = { sha256 = "${"1".repeat(64)}" } }]

[[packages]]
name = "pywin32"
version = "308"
marker = "'default' in dependency_groups and platform_system == 'Windows'"
wheels = [{ name = "pywin32-308-cp313-cp313-win_amd64.whl", url = "https://files.pythonhosted.org/packages/00/00/00/pywin32-308-cp313-cp313-win_amd64.whl", hashes = { sha256 = "${"2".repeat(64)}" } }]
`;
  const ctx = context("bad/vcs/pylock.toml", { runtime: "python3.13" });

  it("default-groups are installed; platform_system == 'Windows' is not", () => {
    expect(pins(readPylock(lock(`default-groups = ["default"]`), ctx))).toEqual(["six==1.17.0"]);
    expect(pins(readPylock(lock(""), ctx))).toEqual([]);
  });

  it("refuses a lock whose environments exclude the target", () => {
    const e = failure(() => readPylock(lock(`environments = ["sys_platform == 'darwin'"]`), ctx));
    expect(e.message).toContain("pylock.toml was locked for the environments \"sys_platform == 'darwin'\"");
    expect(e.where.line).toBe(2);
  });
});

describe("readPylock: what it refuses", () => {
  it("malformed TOML, at its line", () => {
    const e = failure(() => read("bad/malformed/pylock.toml"));
    expect(e.where.line).toBe(14);
    expect(e.describe()).toMatch(/^pylock\.toml:14: malformed TOML: /);
  });

  it("an unknown lock-version, naming the versions it reads", () => {
    const e = failure(() => read("bad/lock-version-2/pylock.toml"));
    expect(e.describe()).toContain('pylock.toml:1: unsupported pylock.toml lock-version "2.0"');
    expect(e.message).toContain("1.x (PEP 751)");
  });

  it("a VCS package, with build-from-source never, naming the package and its table", () => {
    const e = failure(() => read("bad/vcs/pylock.toml", { runtime: "python3.12", buildFromSource: "never" }));
    expect(e.where).toMatchObject({ file: "pylock.toml", line: 18, distribution: "powertools-lite" });
    expect(e.message).toContain('[[packages]] name = "powertools-lite"');
    expect(e.message).toContain("git repository https://github.com/example-org/powertools-lite");
  });

  it("a directory outside the project", () => {
    const e = failure(() => read("bad/directory-outside/pylock.toml", { runtime: "python3.12" }));
    expect(e.where).toMatchObject({ file: "pylock.toml", line: 7, distribution: "company-auth" });
    expect(e.message).toContain('[[packages]] name = "company-auth"');
    expect(e.message).toContain("../../libs/company-auth, outside the project");
  });

  it("a package with only a source distribution, with build-from-source never", () => {
    const e = failure(() => read("bad/sdist-only/pylock.toml", { runtime: "python3.12", buildFromSource: "never" }));
    expect(e.where).toMatchObject({ file: "pylock.toml", distribution: "pyjsparser" });
    expect(e.message).toContain("only a source distribution of pyjsparser 2.7.1 is locked");
  });
});

describe("matchesSpecifier (PEP 440 and Poetry constraints)", () => {
  it.each([
    ["3.11.0", ">=3.11", true],
    ["3.10.0", ">=3.11", false],
    ["3.13.0", ">=3.11,<3.13", false],
    ["3.12.0", "~=3.11", true],
    ["3.12.0", "==3.12.*", true],
    ["3.13.0", "!=3.13.*", false],
    ["3.13.0", "^3.11", true],
    ["4.0.0", "^3.11", false],
    ["0.2.9", "^0.2.3", true],
    ["0.3.0", "^0.2.3", false],
    ["3.12.0", "~3.11", false],
    ["3.11.5", "~3.11", true],
    ["2.2.6", ">=2.2 <2.3", true],
    ["3.9.0", ">=3.9,<3.10 || >=3.12", true],
    ["3.11.0", ">=3.9,<3.10 || >=3.12", false],
    ["2.9.0.post0", ">=2.9", true],
    ["1.0.0rc1", ">=1.0.0", false],
    ["1.5.0", "*", true],
  ])("%s against %s → %s", (version, specifier, expected) => {
    expect(matchesSpecifier(version, specifier)).toBe(expected);
  });
});
