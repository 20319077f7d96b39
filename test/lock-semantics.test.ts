/**
 * What each tool would install, on the shapes real lockfiles have and the first readers missed:
 * uv extras switched on along the graph, Poetry's newest fitting locked version and its merged
 * dev group, pipenv's `dependency_groups` markers.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { chooseLockfile, readLockfile } from "../src/lock/index.ts";
import type { LockedSet } from "../src/lock/types.ts";
import { makeTarget } from "../src/target.ts";
import { pins } from "./support/lockfiles.ts";

const H = (c: string) => `sha256:${c.repeat(64)}`;

function read(files: Record<string, string>, o: { groups?: string[]; extras?: string[] } = {}): LockedSet {
  const dir = mkdtempSync(path.join(os.tmpdir(), "lpp-semantics-"));
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
  return readLockfile(chooseLockfile(dir, undefined)!, {
    workingDirectory: dir,
    target: makeTarget("python3.12", "arm64"),
    groups: o.groups ?? [],
    extras: o.extras ?? [],
  });
}

describe("uv.lock: extras an edge switches on count in conflict markers", () => {
  const lock = `version = 1
revision = 3
requires-python = ">=3.11"
conflicts = [[ { package = "app", group = "dev" }, { package = "lib", extra = "tasks" } ]]

[[package]]
name = "app"
version = "0.1.0"
source = { virtual = "." }
dependencies = [ { name = "lib" } ]
[package.optional-dependencies]
tasks = [ { name = "lib", extra = ["tasks"], marker = "extra == 'extra-3-lib-tasks'" } ]

[[package]]
name = "lib"
version = "1.0.0"
source = { editable = "lib" }
[package.optional-dependencies]
tasks = [ { name = "six", marker = "extra == 'extra-3-lib-tasks'" } ]

[[package]]
name = "six"
version = "1.17.0"
source = { registry = "https://pypi.org/simple" }
wheels = [{ url = "https://files.pythonhosted.org/packages/b7/ce/six-1.17.0-py2.py3-none-any.whl", hash = "${H("4")}" }]
`;

  it("`extras: tasks` ships six, which only lib[tasks] (switched on by app[tasks]) brings", () => {
    const set = read({ "uv.lock": lock }, { extras: ["tasks"] });
    expect(pins(set)).toEqual(["six==1.17.0"]);
  });

  it("without the extra, nothing but the first-party code", () => {
    expect(pins(read({ "uv.lock": lock }))).toEqual([]);
  });
});

describe("poetry.lock 2.0: a package locked at two versions", () => {
  const lock = `[[package]]
name = "botocore"
version = "1.35.47"
description = ""
optional = false
python-versions = ">=3.8"
files = [
    {file = "botocore-1.35.47-py3-none-any.whl", hash = "${H("a")}"},
]

[package.dependencies]
urllib3 = [
    {version = ">=1.25.4,<1.27", markers = "python_version < \\"3.10\\""},
    {version = ">=1.25.4,<2.2.0 || >2.2.0,<3", markers = "python_version >= \\"3.10\\""},
]

[[package]]
name = "urllib3"
version = "1.26.20"
description = ""
optional = false
python-versions = "!=3.0.*,!=3.1.*,!=3.2.*,!=3.3.*,!=3.4.*,!=3.5.*,>=2.7"
files = [
    {file = "urllib3-1.26.20-py2.py3-none-any.whl", hash = "${H("b")}"},
]

[[package]]
name = "urllib3"
version = "2.2.3"
description = ""
optional = false
python-versions = ">=3.8"
files = [
    {file = "urllib3-2.2.3-py3-none-any.whl", hash = "${H("c")}"},
]

[metadata]
lock-version = "2.0"
python-versions = "^3.9"
content-hash = "${"d".repeat(64)}"
`;
  const pyproject = `[tool.poetry]
name = "app"
version = "0.1.0"
description = ""
authors = []
package-mode = false

[tool.poetry.dependencies]
python = "^3.9"
botocore = "*"
`;

  it("takes the newest locked version that fits the constraint for the target: urllib3 2.2.3 on python3.12", () => {
    expect(pins(read({ "poetry.lock": lock, "pyproject.toml": pyproject }))).toEqual([
      "botocore==1.35.47",
      "urllib3==2.2.3",
    ]);
  });
});

describe("poetry.lock 2.0: [tool.poetry.dev-dependencies] and [tool.poetry.group.dev.dependencies] are one group", () => {
  const wheelPackage = (name: string, version: string, c: string) => `[[package]]
name = "${name}"
version = "${version}"
description = ""
optional = false
python-versions = ">=3.8"
files = [
    {file = "${name}-${version}-py3-none-any.whl", hash = "${H(c)}"},
]
`;
  const lock = `${wheelPackage("certifi", "2024.8.30", "1")}
${wheelPackage("idna", "3.10", "2")}
${wheelPackage("six", "1.17.0", "3")}
[metadata]
lock-version = "2.0"
python-versions = "^3.11"
content-hash = "${"e".repeat(64)}"
`;
  const pyproject = `[tool.poetry]
name = "app"
version = "0.1.0"
description = ""
authors = []
package-mode = false

[tool.poetry.dependencies]
python = "^3.11"
certifi = "*"

[tool.poetry.dev-dependencies]
six = "*"

[tool.poetry.group.dev.dependencies]
idna = "*"
`;

  it("`groups: dev` ships both tables' packages, and main", () => {
    expect(pins(read({ "poetry.lock": lock, "pyproject.toml": pyproject }, { groups: ["dev"] }))).toEqual([
      "certifi==2024.8.30",
      "idna==3.10",
      "six==1.17.0",
    ]);
  });

  it("without the group, main only", () => {
    expect(pins(read({ "poetry.lock": lock, "pyproject.toml": pyproject }))).toEqual(["certifi==2024.8.30"]);
  });
});

describe("Pipfile.lock: develop entries written with dependency_groups markers", () => {
  const lock = JSON.stringify(
    {
      _meta: {
        hash: { sha256: "f".repeat(64) },
        "pipfile-spec": 6,
        requires: { python_version: "3.12" },
        sources: [{ name: "pypi", url: "https://pypi.org/simple", verify_ssl: true }],
      },
      default: {
        certifi: { hashes: [H("1")], index: "pypi", version: "==2024.8.30" },
      },
      develop: {
        iniconfig: {
          hashes: [H("2")],
          index: "pypi",
          markers: "('dev' in dependency_groups) and (python_version >= '3.10')",
          version: "==2.0.0",
        },
        "old-backport": {
          hashes: [H("3")],
          index: "pypi",
          markers: "('dev' in dependency_groups) and (python_version < '3.10')",
          version: "==1.0.0",
        },
      },
    },
    null,
    4,
  );

  it("`groups: develop` ships the develop entries whose other conditions hold for the target", () => {
    expect(pins(read({ "Pipfile.lock": lock }, { groups: ["develop"] }))).toEqual([
      "certifi==2024.8.30",
      "iniconfig==2.0.0",
    ]);
  });

  it("without the group, default only", () => {
    expect(pins(read({ "Pipfile.lock": lock }))).toEqual(["certifi==2024.8.30"]);
  });
});
