/**
 * What each lockfile format hands to build-from-source (issue 27): sdist-only releases, git
 * sources at a full commit, archives with a hash; and what stays refused: a branch, a tag or an
 * abbreviated hash, an archive without hash, anything at all with `never`.
 */
import path from "node:path";
import { describe, expect, it } from "vitest";
import { readPipfileLock } from "../src/lock/pipfile.ts";
import { readPoetryLock } from "../src/lock/poetry.ts";
import { readPylock } from "../src/lock/pylock.ts";
import { readRequirements } from "../src/lock/requirements.ts";
import type { LockContext, LockedSet, PinnedRequirement } from "../src/lock/types.ts";
import { readUvLock } from "../src/lock/uv.ts";
import { failure, type LockOptions, lockContext, lockReader } from "./support/lockfiles.ts";

const FIXTURES = path.join(import.meta.dirname, "fixtures", "lockfiles");
const COMMIT = "9f2c1e7d4b6a8f0e3c5d7b9a1f2e4c6d8b0a2f4e";
const SHA = `sha256:${"a".repeat(64)}`;
const GIT_URL = "https://github.com/example-org/powertools-lite";

function fromText(
  reader: (text: string, ctx: LockContext) => LockedSet,
  file: string,
  text: string,
  o: LockOptions = {},
): LockedSet {
  return reader(text, lockContext(path.join(FIXTURES, "inline"), file, { runtime: "python3.12", ...o }));
}

function pin(set: LockedSet, name: string): PinnedRequirement {
  const found = set.requirements.find((r) => r.name === name);
  if (!found) throw new Error(`${name} is not pinned: ${set.requirements.map((r) => r.name).join(", ")}`);
  return found;
}

describe("git sources at their commit, in every format", () => {
  it.each([
    ["uv", readUvLock, "uv/bad/git/uv.lock", GIT_URL, "1.4.0"],
    ["poetry", readPoetryLock, "poetry/bad/git/poetry.lock", `${GIT_URL}.git`, "1.4.0"],
    ["pipfile", readPipfileLock, "pipfile/bad/git/Pipfile.lock", `${GIT_URL}.git`, ""],
    ["pylock", readPylock, "pylock/bad/vcs/pylock.toml", GIT_URL, "1.4.0"],
  ] as const)("%s: the repository and the commit the lock resolved", (_format, reader, file, url, version) => {
    const set = lockReader(FIXTURES, reader)(file, { runtime: "python3.12" });
    const p = pin(set, "powertools-lite");
    expect(p.build).toEqual({ kind: "git", url, commit: COMMIT });
    expect(p.version).toBe(version);
    expect(p.hashes).toEqual([]);
    expect(pin(set, "certifi").build).toBeUndefined();
  });

  it("requirements: `name @ git+URL@<commit>#subdirectory=…`", () => {
    const text = `powertools-lite @ git+${GIT_URL}.git@${COMMIT}#subdirectory=python/lib\n`;
    const p = pin(fromText(readRequirements, "requirements.txt", text), "powertools-lite");
    expect(p.build).toEqual({ kind: "git", url: `${GIT_URL}.git`, commit: COMMIT, subdirectory: "python/lib" });
  });

  it.each([
    ["uv", readUvLock, "uv.lock", uvGit(`${GIT_URL}?rev=main#9f2c1e7`)],
    ["uv, no commit", readUvLock, "uv.lock", uvGit(`${GIT_URL}?branch=main`)],
    ["poetry", readPoetryLock, "poetry.lock", poetryGit("main", "9f2c1e7d")],
    ["pipfile", readPipfileLock, "Pipfile.lock", pipfileGit("v1.4.0")],
    ["requirements", readRequirements, "requirements.txt", `powertools-lite @ git+${GIT_URL}.git@v1.4.0\n`],
    ["pylock", readPylock, "pylock.toml", pylockGit("9F2C1E7D4B6A8F0E3C5D7B9A1F2E4C6D8B0A2F4E")],
  ] as const)("%s: a branch, a tag or an abbreviated hash does not pin the code", (_f, reader, file, text) => {
    const e = failure(() => fromText(reader, file, text));
    expect(e.message).toMatch(/the git source of powertools-lite names .*, not a full commit/);
    expect(e.where.distribution).toBe("powertools-lite");
    expect(e.hint).toMatch(/full 40-hex commit/);
  });

  it.each([
    ["-uoption", /git URL of powertools-lite "-uoption" is not a git repository URL/],
    ["ext::sh -c touch% /tmp/pwned", /git URL of powertools-lite/],
    ["https://host/repo.git\n--upload-pack=x", /git URL of powertools-lite "https:\/\/host\/repo.git\\n/],
    // ssh takes `user@host` as one argument: an option there runs a command
    ["ssh://-oProxyCommand=touch%20pwned/repo.git", /git URL of powertools-lite "ssh:\/\/-oProxyCommand/],
    ["ssh://git@-oProxyCommand=x/repo.git", /git URL of powertools-lite "ssh:\/\/\*\*\*@-o/],
    ["ssh://%2DoProxyCommand=x/repo.git", /git URL of powertools-lite/],
    ["git@-Fconfig:org/repo.git", /git URL of powertools-lite "git@-Fconfig/],
  ])("a git URL that is no repository (%j) never reaches git", (url, message) => {
    const e = failure(() => fromText(readPipfileLock, "Pipfile.lock", pipfileGit(COMMIT, url)));
    expect(e.message).toMatch(message);
  });

  it("a file:// repository is read only inside the project, as an archive or a path", () => {
    const inside = path.join(FIXTURES, "inline", "vendor", "lib");
    const ok = pin(fromText(readRequirements, "requirements.txt", `lib @ git+file://${inside}@${COMMIT}\n`), "lib");
    expect(ok.build).toEqual({ kind: "git", url: `file://${inside}`, commit: COMMIT });
    for (const url of ["file:///home/runner/other-repo", `file://${path.join(FIXTURES, "inline", "..", "..")}`]) {
      const e = failure(() => fromText(readRequirements, "requirements.txt", `lib @ git+${url}@${COMMIT}\n`));
      expect(e.message).toMatch(/lib comes from the git repository .*, outside the project/);
      expect(e.where.distribution).toBe("lib");
    }
    const host = failure(() =>
      fromText(readRequirements, "requirements.txt", `lib @ git+file://host/repo@${COMMIT}\n`),
    );
    expect(host.message).toMatch(/is no file on this runner/);
  });

  it("an archive's subdirectory never becomes an option on pip's line (`py -r /etc/passwd`)", () => {
    const text = uvUrl(`hash = "${SHA}"`).replace(
      'tool-1.0.tar.gz" }',
      'tool-1.0.tar.gz", subdirectory = "py -r /etc/passwd" }',
    );
    const e = failure(() => fromText(readUvLock, "uv.lock", text));
    expect(e.message).toMatch(/subdirectory of tool "py -r \/etc\/passwd" is not a relative folder/);
    expect(e.where.distribution).toBe("tool");
  });

  it("a subdirectory above the repository is refused", () => {
    const text = `powertools-lite @ git+${GIT_URL}.git@${COMMIT}#subdirectory=../../etc\n`;
    const e = failure(() => fromText(readRequirements, "requirements.txt", text));
    expect(e.message).toMatch(/subdirectory of powertools-lite "\.\.\/\.\.\/etc" is not a relative folder/);
  });

  it("requirements: another vcs, and a git URL without a name, are refused with the way to write it", () => {
    const hg = failure(() => fromText(readRequirements, "requirements.txt", `x @ hg+https://host/x@${COMMIT}\n`));
    expect(hg.message).toMatch(/does not build \(git sources at a full commit are built\)/);
    const bare = failure(() => fromText(readRequirements, "requirements.txt", `git+${GIT_URL}.git@${COMMIT}\n`));
    expect(bare.hint).toContain("name @ git+URL@<full commit>");
  });
});

describe("sdist-only releases and archives", () => {
  it("uv: a registry package with an sdist and no wheels is built from the index's sdist, checked against its hash", () => {
    const text = uvPackage('sdist = { url = "https://files.example/docopt-0.6.2.tar.gz", hash = "SHA" }');
    const p = pin(fromText(readUvLock, "uv.lock", text), "docopt");
    expect(p).toMatchObject({ version: "0.6.2", hashes: [SHA], build: { kind: "sdist" } });
    expect(p.index).toBe("https://pypi.org/simple");
  });

  it("poetry: files with only archives", () => {
    const p = pin(fromText(readPoetryLock, "poetry.lock", poetryPackage("docopt-0.6.2.tar.gz")), "docopt");
    expect(p).toMatchObject({ version: "0.6.2", hashes: [SHA], build: { kind: "sdist" } });
  });

  it("pylock: `sdist` without wheels", () => {
    const set = lockReader(FIXTURES, readPylock)("pylock/bad/sdist-only/pylock.toml", { runtime: "python3.12" });
    expect(pin(set, "pyjsparser")).toMatchObject({ version: "2.7.1", build: { kind: "sdist" } });
    expect(pin(set, "pyjsparser").hashes).toHaveLength(1);
  });

  it.each([
    ["uv", readUvLock, "uv.lock", uvUrl(`hash = "${SHA}"`)],
    ["poetry", readPoetryLock, "poetry.lock", poetryUrl(`{file = "tool-1.0.tar.gz", hash = "${SHA}"}`)],
    [
      "requirements",
      readRequirements,
      "requirements.txt",
      `tool @ https://files.example/tool-1.0.tar.gz --hash=${SHA}\n`,
    ],
    ["pylock", readPylock, "pylock.toml", pylockArchive(`hashes = { sha256 = "${"a".repeat(64)}" }`)],
  ] as const)("%s: a URL archive with its hash", (_f, reader, file, text) => {
    const p = pin(fromText(reader, file, text), "tool");
    expect(p.build).toEqual({ kind: "archive", url: "https://files.example/tool-1.0.tar.gz" });
    expect(p.hashes).toEqual([SHA]);
  });

  it.each([
    ["uv", readUvLock, "uv.lock", uvUrl("")],
    ["poetry", readPoetryLock, "poetry.lock", poetryUrl("")],
    ["requirements", readRequirements, "requirements.txt", "tool @ https://files.example/tool-1.0.tar.gz\n"],
    ["pylock", readPylock, "pylock.toml", pylockArchive("")],
  ] as const)(
    "%s: a URL archive without a hash is refused: what would be built is not pinned",
    (_f, reader, file, text) => {
      const e = failure(() => fromText(reader, file, text));
      expect(e.message).toMatch(
        /the archive https:\/\/files\.example\/tool-1\.0\.tar\.gz of tool has no hash in the lock/,
      );
    },
  );
});

describe("build-from-source: never keeps every refusal", () => {
  it.each([
    [
      "uv sdist",
      readUvLock,
      "uv.lock",
      uvPackage('sdist = { url = "https://files.example/docopt-0.6.2.tar.gz", hash = "SHA" }'),
      /only a source distribution of docopt 0\.6\.2 is locked, and build-from-source is never/,
    ],
    [
      "poetry sdist",
      readPoetryLock,
      "poetry.lock",
      poetryPackage("docopt-0.6.2.tar.gz"),
      /only a source distribution of docopt 0\.6\.2 is locked, and build-from-source is never/,
    ],
    ["uv archive", readUvLock, "uv.lock", uvUrl(`hash = "${SHA}"`), /tool comes from the direct URL/],
    [
      "requirements git",
      readRequirements,
      "requirements.txt",
      `powertools-lite @ git+${GIT_URL}.git@${COMMIT}\n`,
      /VCS requirement/,
    ],
    [
      "requirements archive",
      readRequirements,
      "requirements.txt",
      `tool @ https://files.example/tool-1.0.tar.gz --hash=${SHA}\n`,
      /direct reference/,
    ],
    [
      "pipfile git",
      readPipfileLock,
      "Pipfile.lock",
      pipfileGit(COMMIT),
      /comes from the git repository .*, and build-from-source is never/,
    ],
  ] as const)("%s", (_name, reader, file, text, message) => {
    const e = failure(() => fromText(reader, file, text, { buildFromSource: "never" }));
    expect(e.message).toMatch(message);
  });
});

describe("Also from the real lockfiles", () => {
  it("Pipfile.lock: direct in one section with `index`, transitive in the other without, same version and hashes: merged", () => {
    const entry = { hashes: [SHA], version: "==1.17.0" };
    const text = pipfile({ six: { ...entry, index: "pypi" } }, { six: { ...entry, extras: ["x"] } });
    const set = fromText(readPipfileLock, "Pipfile.lock", text, { groups: ["develop"] });
    expect(pin(set, "six")).toMatchObject({
      version: "1.17.0",
      hashes: [SHA],
      extras: ["x"],
      index: "https://pypi.org/simple",
    });
  });

  it("Pipfile.lock: two different indexes are still refused", () => {
    const entry = { hashes: [SHA], version: "==1.17.0" };
    const text = pipfile({ six: { ...entry, index: "pypi" } }, { six: { ...entry, index: "private" } });
    const e = failure(() => fromText(readPipfileLock, "Pipfile.lock", text, { groups: ["develop"] }));
    expect(e.message).toMatch(/six 1\.17\.0 is locked twice with different indexes/);
  });

  it("a pylock.toml that is really a requirements file says so and how to fix it", () => {
    const text = `# This file was autogenerated by uv via the following command:\n#    uv export -o pylock.toml\nsix==1.17.0 \\\n    --hash=${SHA}\n    # via python-dateutil\n`;
    const e = failure(() => fromText(readPylock, "pylock.toml", text));
    expect(e.message).toMatch(/^pylock\.toml is a requirements file \(name==version lines\), not a PEP 751 lock/);
    expect(e.hint).toContain("rename it to requirements.txt");
    expect(e.hint).toContain("uv export --format pylock.toml -o pylock.toml");
  });

  it("pylock.<name>.toml's errors name that file, and quote a marker once", () => {
    const version = failure(() => fromText(readPylock, "pylock.maximal.toml", 'lock-version = "2.0"\n'));
    expect(version.describe()).toContain('pylock.maximal.toml:1: unsupported pylock.maximal.toml lock-version "2.0"');
    const text = `lock-version = "1.0"\nenvironments = ['sys_platform == "win32"', "platform_machine == 'arm64'"]\n`;
    const env = failure(() => fromText(readPylock, "pylock.maximal.toml", text));
    expect(env.message).toContain(
      'pylock.maximal.toml was locked for the environments `sys_platform == "win32"`, "platform_machine == \'arm64\'", and none',
    );
    expect(env.message).not.toMatch(/""|\\"/);
  });
});

function uvGit(source: string): string {
  return `version = 1
requires-python = ">=3.12"

[[package]]
name = "app"
version = "0.1.0"
source = { virtual = "." }
dependencies = [{ name = "powertools-lite" }]

[[package]]
name = "powertools-lite"
version = "1.4.0"
source = { git = "${source}" }
`;
}

function uvPackage(files: string): string {
  return `version = 1
requires-python = ">=3.12"

[[package]]
name = "app"
version = "0.1.0"
source = { virtual = "." }
dependencies = [{ name = "docopt" }]

[[package]]
name = "docopt"
version = "0.6.2"
source = { registry = "https://pypi.org/simple" }
${files.replace("SHA", SHA)}
`;
}

function uvUrl(hash: string): string {
  return `version = 1
requires-python = ">=3.12"

[[package]]
name = "app"
version = "0.1.0"
source = { virtual = "." }
dependencies = [{ name = "tool" }]

[[package]]
name = "tool"
version = "1.0"
source = { url = "https://files.example/tool-1.0.tar.gz" }
sdist = { ${hash} }
`;
}

const POETRY_META = `
[metadata]
lock-version = "2.1"
python-versions = ">=3.12"
content-hash = "x"
`;

function poetryGit(reference: string, resolved: string): string {
  return `[[package]]
name = "powertools-lite"
version = "1.4.0"
description = ""
optional = false
python-versions = ">=3.9"
groups = ["main"]
files = []

[package.source]
type = "git"
url = "${GIT_URL}.git"
reference = "${reference}"
resolved_reference = "${resolved}"
${POETRY_META}`;
}

function poetryPackage(file: string): string {
  return `[[package]]
name = "docopt"
version = "0.6.2"
description = ""
optional = false
python-versions = "*"
groups = ["main"]
files = [{file = "${file}", hash = "${SHA}"}]
${POETRY_META}`;
}

function poetryUrl(file: string): string {
  return `[[package]]
name = "tool"
version = "1.0"
description = ""
optional = false
python-versions = "*"
groups = ["main"]
files = [${file}]

[package.source]
type = "url"
url = "https://files.example/tool-1.0.tar.gz"
${POETRY_META}`;
}

function pipfile(defaults: object, develop: object = {}): string {
  const sources = [
    { name: "pypi", url: "https://pypi.org/simple", verify_ssl: true },
    { name: "private", url: "https://private.example/simple", verify_ssl: true },
  ];
  return JSON.stringify({ _meta: { "pipfile-spec": 6, sources }, default: defaults, develop }, null, 4);
}

function pipfileGit(ref: string, url = `${GIT_URL}.git`): string {
  return pipfile({ "powertools-lite": { git: url, ref } });
}

function pylockGit(commit: string): string {
  return `lock-version = "1.0"
[[packages]]
name = "powertools-lite"
version = "1.4.0"
vcs = { type = "git", url = "${GIT_URL}", requested-revision = "v1.4.0", commit-id = "${commit}" }
`;
}

function pylockArchive(hashes: string): string {
  return `lock-version = "1.0"
[[packages]]
name = "tool"
version = "1.0"
archive = { url = "https://files.example/tool-1.0.tar.gz"${hashes ? `, ${hashes}` : ""} }
`;
}

describe("archives on the runner are read only inside the project", () => {
  const HEX = "a".repeat(64);
  it.each([
    ["uv path", readUvLock, "uv.lock", uvPath("dist/tool-1.0.tar.gz")],
    ["poetry file", readPoetryLock, "poetry.lock", poetryFile("dist/tool-1.0.tar.gz")],
    [
      "pipfile path",
      readPipfileLock,
      "Pipfile.lock",
      pipfile({ tool: { path: "dist/tool-1.0.tar.gz", hashes: [SHA] } }),
    ],
    [
      "pylock sdist path",
      readPylock,
      "pylock.toml",
      `lock-version = "1.0"\n[[packages]]\nname = "tool"\nversion = "1.0"\nsdist = { path = "dist/tool-1.0.tar.gz", hashes = { sha256 = "${HEX}" } }\n`,
    ],
  ] as const)("%s: a local archive inside the project is built from its file", (_f, reader, file, text) => {
    const set = fromText(reader, file, text);
    const p = pin(set, "tool");
    expect(p.build).toEqual({
      kind: "archive",
      url: `file://${path.join(FIXTURES, "inline", "dist", "tool-1.0.tar.gz")}`,
    });
    expect(p.hashes).toEqual([SHA]);
  });

  it.each([
    ["a path outside", "../../../../etc/tool-1.0.tar.gz", /comes from the archive .*, outside the project/],
    ["a file:// URL outside", "file:///etc/tool-1.0.tar.gz", /comes from the archive .*, outside the project/],
    ["a file:// URL of another host", "file://host/tool-1.0.tar.gz", /is no file on this runner/],
  ])("%s is refused", (_name, where, message) => {
    const text = where.startsWith("file:")
      ? `tool @ ${where} --hash=${SHA}\n`
      : `lock-version = "1.0"\n[[packages]]\nname = "tool"\nversion = "1.0"\narchive = { path = "${where}", hashes = { sha256 = "${HEX}" } }\n`;
    const e = failure(() =>
      where.startsWith("file:")
        ? fromText(readRequirements, "requirements.txt", text)
        : fromText(readPylock, "pylock.toml", text),
    );
    expect(e.message).toMatch(message);
    expect(e.where.distribution).toBe("tool");
  });

  it("requirements: `name @ git+ssh://git@host/org/repo.git@<commit>` keeps the user in the URL and takes the commit", () => {
    const text = `lib @ git+ssh://git@github.com/org/lib.git@${COMMIT} ; python_version >= "3.9"\n`;
    const p = pin(fromText(readRequirements, "requirements.txt", text), "lib");
    expect(p.build).toEqual({ kind: "git", url: "ssh://git@github.com/org/lib.git", commit: COMMIT });
  });
});

function uvPath(file: string): string {
  return `version = 1
requires-python = ">=3.12"

[[package]]
name = "app"
version = "0.1.0"
source = { virtual = "." }
dependencies = [{ name = "tool" }]

[[package]]
name = "tool"
version = "1.0"
source = { path = "${file}" }
sdist = { hash = "${SHA}" }
`;
}

function poetryFile(file: string): string {
  return `[[package]]
name = "tool"
version = "1.0"
description = ""
optional = false
python-versions = "*"
groups = ["main"]
files = [{file = "tool-1.0.tar.gz", hash = "${SHA}"}]

[package.source]
type = "file"
url = "${file}"
${POETRY_META}`;
}
