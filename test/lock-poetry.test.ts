import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { UserError } from "../src/errors.ts";
import { readPoetryLock } from "../src/lock/poetry.ts";
import type { LockedSet } from "../src/lock/types.ts";
import { type Architecture, makeTarget, type Runtime } from "../src/target.ts";

const FIXTURES = path.join(import.meta.dirname, "fixtures", "lockfiles", "poetry");

interface Options {
  runtime?: Runtime;
  arch?: Architecture;
  groups?: string[];
  extras?: string[];
}

function read(lockfile: string, o: Options = {}): LockedSet {
  const abs = path.join(FIXTURES, lockfile);
  return readPoetryLock(readFileSync(abs, "utf8"), {
    file: "poetry.lock",
    path: abs,
    workingDirectory: path.dirname(abs),
    target: makeTarget(o.runtime ?? "python3.11", o.arch ?? "x86_64"),
    groups: o.groups ?? [],
    extras: o.extras ?? [],
  });
}

function pins(set: LockedSet): string[] {
  return set.requirements.map((r) => `${r.name}==${r.version}`);
}

function failure(fn: () => unknown): UserError {
  try {
    fn();
  } catch (e) {
    if (e instanceof UserError) return e;
    throw e;
  }
  throw new Error("expected a UserError");
}

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
const X86_311 = [...COMMON, "numpy==2.2.6", "orjson==3.10.12", "typing-extensions==4.12.2"].sort();
const ARM_313 = [...COMMON, "crc32c==2.7.1", "numpy==2.3.5"].sort();
const DEV = ["iniconfig==2.0.0", "packaging==24.2", "pluggy==1.5.0", "pytest==8.3.4"];

// The same project locked by Poetry 2.x (lock-version 2.1: groups and markers per package)
// and by Poetry 1.8 (lock-version 2.0: the graph is walked from pyproject.toml).
describe.each([
  ["Poetry 2.x, lock-version 2.1", "poetry-2/poetry.lock"],
  ["Poetry 1.8, lock-version 2.0", "poetry-1.8/poetry.lock"],
])("readPoetryLock: %s", (_label, lockfile) => {
  it("python3.11 x86_64: numpy 2.2, orjson (x86_64 only), typing-extensions (< 3.12); no Windows or dev packages", () => {
    const set = read(lockfile);
    expect(pins(set)).toEqual(X86_311);
    expect(set.format).toBe("poetry");
    expect(set.complete).toBe(true);
    expect(set.firstParty).toEqual([{ name: "orders-shared", path: "packages/orders-shared" }]);
    // PyPI is Poetry's default source: the installer's own default index
    expect(set.indexes.indexUrl).toBeUndefined();
  });

  it("python3.13 arm64: numpy 2.3 and crc32c (aarch64 only)", () => {
    expect(pins(read(lockfile, { runtime: "python3.13", arch: "arm64" }))).toEqual(ARM_313);
  });

  it("carries the wheel hashes and the table's line", () => {
    const text = readFileSync(path.join(FIXTURES, lockfile), "utf8").split("\n");
    const set = read(lockfile, { runtime: "python3.13", arch: "arm64" });
    const numpy = set.requirements.find((r) => r.name === "numpy")!;
    expect(numpy.hashes).toHaveLength(15);
    for (const h of numpy.hashes) expect(h).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(text[(numpy.where.line ?? 0) - 1]).toBe("[[package]]");
    expect(text[numpy.where.line ?? 0]).toBe('name = "numpy"');
    expect(text[(numpy.where.line ?? 0) + 1]).toBe('version = "2.3.5"');
    expect(numpy.where.table).toBe('[[package]] name = "numpy"');
  });

  it("adds the dev group only when asked", () => {
    const set = read(lockfile, { groups: ["dev"] });
    expect(pins(set)).toEqual([...X86_311, ...DEV].sort());
    expect(pins(set)).not.toContain("colorama==0.4.6");
  });

  it("adds an extra's optional package only when asked", () => {
    expect(pins(read(lockfile))).not.toContain("pyyaml==6.0.2");
    expect(pins(read(lockfile, { extras: ["yaml"] }))).toContain("pyyaml==6.0.2");
  });

  it("names an unknown group", () => {
    const e = failure(() => read(lockfile, { groups: ["docs"] }));
    expect(e.message).toContain('dependency group "docs"');
  });
});

describe("readPoetryLock: Poetry 1.2, lock-version 1.1 (category, [metadata.files])", () => {
  const MAIN = [
    "certifi==2022.9.24",
    "charset-normalizer==2.1.1",
    "click==8.1.3",
    "idna==3.4",
    "requests==2.28.1",
    "urllib3==1.26.13",
  ];
  const DEV_COMMON = [
    "attrs==22.1.0",
    "iniconfig==1.1.1",
    "packaging==21.3",
    "pluggy==1.0.0",
    "pyparsing==3.0.9",
    "pytest==7.2.0",
  ];

  it("main category only, hashes from [metadata.files]", () => {
    const set = read("poetry-1.2/poetry.lock", { runtime: "python3.12", arch: "arm64" });
    expect(pins(set)).toEqual(MAIN);
    const charset = set.requirements.find((r) => r.name === "charset-normalizer")!;
    // the wheel's hash; the sdist cannot be installed for Lambda
    expect(charset.hashes).toHaveLength(1);
    expect(charset.hashes[0]).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it("dev: pytest's Python < 3.11 backports only for python3.9", () => {
    expect(pins(read("poetry-1.2/poetry.lock", { groups: ["dev"] }))).toEqual([...MAIN, ...DEV_COMMON].sort());
    expect(pins(read("poetry-1.2/poetry.lock", { runtime: "python3.9", groups: ["dev"] }))).toEqual(
      [...MAIN, ...DEV_COMMON, "exceptiongroup==1.0.4", "tomli==2.0.1"].sort(),
    );
  });
});

describe("readPoetryLock: a private source", () => {
  it("a legacy source's URL is the package's index; PyPI stays the default", () => {
    const lock = `# This file is automatically @generated by Poetry 2.1.3 and should not be changed by hand.

[[package]]
name = "acme-telemetry"
version = "0.9.2"
description = "Telemetry client"
optional = false
python-versions = ">=3.9"
groups = ["main"]
files = [
    {file = "acme_telemetry-0.9.2-py3-none-any.whl", hash = "sha256:${"d".repeat(64)}"},
]

[package.source]
type = "legacy"
url = "https://pypi.internal.example.com/simple"
reference = "internal"

[[package]]
name = "six"
version = "1.17.0"
description = "Python 2 and 3 compatibility utilities"
optional = false
python-versions = "!=3.0.*,!=3.1.*,!=3.2.*,>=2.7"
groups = ["main"]
files = [
    {file = "six-1.17.0-py2.py3-none-any.whl", hash = "sha256:${"e".repeat(64)}"},
]

[metadata]
lock-version = "2.1"
python-versions = ">=3.12"
content-hash = "${"f".repeat(64)}"
`;
    const abs = path.join(FIXTURES, "bad", "git", "poetry.lock");
    const set = readPoetryLock(lock, {
      file: "poetry.lock",
      path: abs,
      workingDirectory: path.dirname(abs),
      target: makeTarget("python3.12", "arm64"),
      groups: [],
      extras: [],
    });
    expect(pins(set)).toEqual(["acme-telemetry==0.9.2", "six==1.17.0"]);
    expect(set.requirements[0]?.index).toBe("https://pypi.internal.example.com/simple");
    expect(set.requirements[1]?.index).toBeUndefined();
    expect(set.indexes.indexUrl).toBeUndefined();
    expect(set.indexes.extraIndexUrls).toEqual(["https://pypi.internal.example.com/simple"]);
  });
});

describe("readPoetryLock: what it refuses", () => {
  it("malformed TOML, at its line", () => {
    const e = failure(() => read("bad/malformed/poetry.lock", { runtime: "python3.12" }));
    expect(e.where).toMatchObject({ file: "poetry.lock", line: 13 });
    expect(e.describe()).toMatch(/^poetry\.lock:13: malformed TOML: /);
  });

  it("an unknown lock-version, naming the versions it reads", () => {
    const e = failure(() => read("bad/lock-version-3/poetry.lock", { runtime: "python3.12" }));
    expect(e.describe()).toContain('poetry.lock:15: unsupported poetry.lock lock-version "3.0"');
    expect(e.message).toContain("1.1, 2.0, 2.1");
  });

  it("a Git dependency, naming the package and its table", () => {
    const e = failure(() => read("bad/git/poetry.lock", { runtime: "python3.12" }));
    expect(e.where).toMatchObject({ file: "poetry.lock", line: 15, distribution: "powertools-lite" });
    expect(e.message).toContain('[[package]] name = "powertools-lite"');
    expect(e.message).toContain("https://github.com/example-org/powertools-lite.git (v1.4.0)");
  });

  it("a path dependency outside the project", () => {
    const e = failure(() => read("bad/path-outside/poetry.lock", { runtime: "python3.12" }));
    expect(e.where).toMatchObject({ file: "poetry.lock", line: 3, distribution: "company-auth" });
    expect(e.message).toContain('[[package]] name = "company-auth"');
    expect(e.message).toContain("../../libs/company-auth, outside the project");
  });

  it("a lock-version 2.0 file without its pyproject.toml", () => {
    const e = failure(() => read("bad/no-pyproject/poetry.lock"));
    expect(e.message).toContain("lock-version 2.0");
    expect(e.message).toContain("pyproject.toml");
  });

  it("a lock older than its pyproject.toml", () => {
    const e = failure(() => read("bad/stale/poetry.lock"));
    expect(e.message).toContain("poetry.lock does not match pyproject.toml");
    expect(e.message).toContain("boto3");
    expect(e.hint).toContain("poetry lock");
  });

  it("a runtime outside the lock's python-versions", () => {
    const e = failure(() => read("poetry-1.8/poetry.lock", { runtime: "python3.10" }));
    expect(e.message).toContain("poetry.lock was locked for Python ^3.11");
  });
});
