/**
 * build-from-source's decisions (issue 27): what the build's environment holds, which built
 * wheel may ship under `pure` and `any`, how a failure is shown, and the cache key.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import {
  buildEnvironment,
  buildFailure,
  checkBuiltWheel,
  gitEnvironment,
  gitFailure,
  isCompiled,
  judgeBuiltWheel,
  pinLine,
  SOURCE_DATE_EPOCH,
} from "../src/build-source/plan.ts";
import { readBuiltWheel } from "../src/build-source/wheel.ts";
import { dependencyKey } from "../src/dependencies/plan.ts";
import { UserError } from "../src/errors.ts";
import { effectiveIndexes } from "../src/install/indexes.ts";
import { renderRequirements } from "../src/install/pip.ts";
import { shown } from "../src/lock/grammar.ts";
import { readRequirements } from "../src/lock/requirements.ts";
import { emptyIndexOptions, type PinnedRequirement } from "../src/lock/types.ts";
import { addSecret } from "../src/redact.ts";
import { makeTarget, parseWheelFilename } from "../src/target.ts";
import { failure } from "./support/lockfiles.ts";

const target = makeTarget("python3.12", "x86_64");
const pin: PinnedRequirement = {
  name: "cext",
  version: "1.0",
  extras: [],
  hashes: [`sha256:${"a".repeat(64)}`],
  where: { file: "requirements.txt", line: 3 },
  build: { kind: "sdist" },
};
const x86On312 = { machine: "x86_64", pythonMinor: 12 };

function judge(filename: string, compiled: string[], mode: "pure" | "any", runner = x86On312) {
  return judgeBuiltWheel(pin, { wheel: parseWheelFilename(filename)!, compiled }, mode, target, runner);
}

describe("the build's environment: lockfile code gets no deploy credentials or tokens", () => {
  const env = buildEnvironment({
    PATH: "/usr/bin",
    HOME: "/home/runner",
    PIP_INDEX_URL: "https://pypi.example/simple",
    AWS_ACCESS_KEY_ID: "AKIA…",
    AWS_SECRET_ACCESS_KEY: "s",
    AWS_SESSION_TOKEN: "t",
    aws_profile: "p",
    GITHUB_TOKEN: "ghs_x",
    GH_TOKEN: "ghp_x",
    ACTIONS_RUNTIME_TOKEN: "r",
    ACTIONS_ID_TOKEN_REQUEST_TOKEN: "o",
    "INPUT_GITHUB-TOKEN": "ghs_y",
    GITHUB_WORKSPACE: "/w",
  });

  it("drops AWS_*, ACTIONS_*, INPUT_*, GITHUB_TOKEN and GH_TOKEN, keeps the rest", () => {
    expect(Object.keys(env).filter((k) => /^(aws|actions|input)_|token/i.test(k))).toEqual([]);
    expect(env).toMatchObject({ PATH: "/usr/bin", HOME: "/home/runner", GITHUB_WORKSPACE: "/w" });
    expect(env.PIP_INDEX_URL).toBe("https://pypi.example/simple");
  });

  it("fixes SOURCE_DATE_EPOCH and lets git use no remote helper", () => {
    expect(env.SOURCE_DATE_EPOCH).toBe(SOURCE_DATE_EPOCH);
    expect(env.GIT_ALLOW_PROTOCOL?.split(":")).not.toContain("ext");
    expect(env.GIT_TERMINAL_PROMPT).toBe("0");
  });

  it("drops the files through which a step sets later steps' environment, and any tool's token, password or key", () => {
    const more = buildEnvironment({
      GITHUB_ENV: "/runner/set_env",
      GITHUB_PATH: "/runner/add_path",
      GITHUB_OUTPUT: "/runner/set_output",
      GITHUB_STATE: "/runner/save_state",
      GITHUB_STEP_SUMMARY: "/runner/step_summary",
      NPM_TOKEN: "n",
      PYPI_API_TOKEN: "p",
      DB_PASSWORD: "d",
      SENTRY_AUTH_TOKEN: "s",
      OPENAI_API_KEY: "o",
      GCP_CREDENTIALS: "g",
      DEPLOY_SSH_KEY: "k",
      GH_PAT: "p",
      PIP_KEYRING_PROVIDER: "import",
      SSH_AUTH_SOCK: "/tmp/agent",
      TOKENIZERS_PARALLELISM: "false",
      GITHUB_SHA: "abc",
    });
    expect(Object.keys(more).filter((k) => !/^(SOURCE_DATE_EPOCH|PIP_|PYTHON|GIT_)/.test(k))).toEqual([
      "SSH_AUTH_SOCK",
      "TOKENIZERS_PARALLELISM",
      "GITHUB_SHA",
    ]);
    expect(more.PIP_KEYRING_PROVIDER).toBe("import");
  });

  it("git fetches a local repository only when the lock names one, never for a repository's submodules", () => {
    expect(env.GIT_ALLOW_PROTOCOL?.split(":")).not.toContain("file");
    expect(gitEnvironment(env, "file:///w/vendor/lib").GIT_ALLOW_PROTOCOL?.split(":")).toContain("file");
    expect(gitEnvironment(env, "https://host/lib.git").GIT_ALLOW_PROTOCOL?.split(":")).not.toContain("file");
    expect(gitEnvironment(env, undefined).GIT_ALLOW_PROTOCOL?.split(":")).not.toContain("file");
  });
});

describe("compiled files in a built wheel: by name or by their first bytes", () => {
  const bytes = (hex: string, size = 64) => Buffer.concat([Buffer.from(hex, "hex"), Buffer.alloc(size)]);
  const pe = Buffer.alloc(256);
  pe.write("MZ", 0, "latin1");
  pe.writeUInt32LE(0x80, 0x3c);
  pe.write("PE\0\0", 0x80, "latin1");

  it.each([
    ["pkg/_speed.cpython-312-x86_64-linux-gnu.so", Buffer.from("")],
    ["pkg/libfoo.so.1.2", Buffer.from("")],
    ["pkg/x.pyd", Buffer.from("")],
    ["pkg/helper", bytes("7f454c4602010100")],
    ["pkg/obj.o", bytes("7f454c4602010100")],
    ["pkg/libfoo.a", Buffer.from("!<arch>\n/               0")],
    ["pkg/tool", bytes("cffaedfe07000001")],
    ["pkg/tool32", bytes("cefaedfe07000000")],
    ["pkg/tool_be", bytes("feedfacf01000007")],
    ["pkg/universal", bytes("cafebabe00000002")],
    ["pkg/launcher.exe", pe],
  ])("%s is compiled", (name, data) => {
    expect(isCompiled(name, data)).toBe(true);
  });

  it.each([
    ["pkg/__init__.py", Buffer.from("MZ = 1\n")],
    ["pkg/Main.class", bytes("cafebabe00000041")],
    ["pkg/data.bin", Buffer.from("\x7fELX")],
    ["pkg/readme.txt", Buffer.from("!<arc")],
  ])("%s is not", (name, data) => {
    expect(isCompiled(name, data)).toBe(false);
  });
});

describe("the file a build made is outside text: a wheel name of the locked distribution and version", () => {
  const gitPin: PinnedRequirement = {
    ...pin,
    name: "gitlib",
    version: "",
    hashes: [],
    build: { kind: "git", url: "https://host/gitlib.git", commit: "a".repeat(40) },
  };

  it("the wheel of the lock's distribution ships", () => {
    expect(checkBuiltWheel(gitPin, "gitlib-2.0-py3-none-any.whl").version).toBe("2.0");
    expect(checkBuiltWheel(pin, "cext-1.0-cp312-cp312-linux_x86_64.whl").name).toBe("cext");
  });

  it.each([
    [
      "gitlib-2.0\n::warning::x-py3-none-any.whl",
      gitPin,
      /made "gitlib-2\.0\\n::warning::x-py3-none-any\.whl", not gitlib/,
    ],
    ["gitlib-2.0-py3-none-any\u2028x.whl", gitPin, /which is not a wheel file name/],
    ["gitlib-2.0-py3-none-any`<b>.whl", gitPin, /which is not a wheel file name/],
    ["gitlib.whl", gitPin, /which is not a wheel file name/],
    ["other-2.0-py3-none-any.whl", gitPin, /not gitlib: another distribution or version/],
    ["cext-1.1-cp312-cp312-linux_x86_64.whl", pin, /not cext 1\.0: another distribution or version/],
  ])("%j is refused, naming the distribution, as a user error", (file, p, message) => {
    const e = failure(() => checkBuiltWheel(p, file));
    expect(e.message).toMatch(message);
    expect(e.message).not.toContain("\n");
    expect(e.where.distribution).toBe(p.name);
  });
});

describe("which built wheel ships", () => {
  it("pure: a none-any wheel without compiled files ships as it is", () => {
    expect(judge("cext-1.0-py3-none-any.whl", [], "pure")).toEqual({ ship: true });
  });

  it("pure: compiled files are refused, naming the distribution, the files and the way out", () => {
    const v = judge("cext-1.0-cp312-cp312-linux_x86_64.whl", ["cext.cpython-312-x86_64-linux-gnu.so"], "pure");
    if (v.ship) throw new Error("shipped");
    expect(v.error.message).toMatch(
      /^cext 1\.0 was built from its source distribution on the index into cext-1\.0-cp312-cp312-linux_x86_64\.whl, which is not pure Python: it has compiled files \(cext\.cpython-312-x86_64-linux-gnu\.so\)/,
    );
    expect(v.error.where).toMatchObject({ file: "requirements.txt", line: 3, distribution: "cext" });
    expect(v.error.hint).toMatch(/publish a manylinux wheel of cext for python3\.12 x86_64.*`build-from-source: any`/);
  });

  it("pure: a platform tag alone is refused too", () => {
    const v = judge("cext-1.0-py3-abi3-linux_x86_64.whl", [], "pure");
    expect(v.ship ? "" : v.error.message).toMatch(/the platform tag abi3-linux_x86_64/);
  });

  it("a none-any wheel holding compiled files is a broken build under either mode", () => {
    for (const mode of ["pure", "any"] as const) {
      const v = judge("cext-1.0-py3-none-any.whl", ["cext/_speedups.so", "a", "b", "c", "d", "e"], mode);
      expect(v.ship ? "" : v.error.message).toMatch(
        /tagged pure Python yet holding compiled files \(cext\/_speedups\.so, a, b, c, d and 1 more\): a broken build/,
      );
    }
  });

  it("any: a platform wheel built on the target's machine by the runtime's Python is retagged for the target", () => {
    expect(judge("cext-1.0-cp312-cp312-linux_x86_64.whl", ["x.so"], "any")).toEqual({
      ship: true,
      retag: "manylinux_2_34_x86_64",
    });
  });

  it.each([
    [
      { machine: "aarch64", pythonMinor: 12 },
      "cext-1.0-cp312-cp312-linux_aarch64.whl",
      /this runner is aarch64, the target x86_64/,
    ],
    [
      { machine: "x86_64", pythonMinor: 11 },
      "cext-1.0-cp311-cp311-linux_x86_64.whl",
      /built by Python 3\.11, the runtime is Python 3\.12/,
    ],
    [x86On312, "cext-1.0-cp312-cp312-macosx_11_0_x86_64.whl", /its platform macosx_11_0_x86_64 is not Linux on x86_64/],
  ])("any: a platform wheel this runner cannot build for the target is refused (%j)", (runner, file, reason) => {
    const v = judge(file, ["x.so"], "any", runner);
    expect(v.ship ? "" : v.error.message).toMatch(reason);
  });
});

describe("the wheel a build made, read back", () => {
  it("a file that is no zip is the build's failure, named, not an internal error", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "lpp-built-"));
    try {
      const file = path.join(dir, "cext-1.0-py3-none-any.whl");
      await writeFile(file, "not a zip at all, but long enough to look for a directory in it");
      const e = await readBuiltWheel(file, checkBuiltWheel(pin, path.basename(file)), pin).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(UserError);
      expect((e as UserError).message).toMatch(
        /^building cext 1\.0 from its source distribution on the index made "cext-1\.0-py3-none-any\.whl", which is not a readable wheel: /,
      );
      expect((e as UserError).where.distribution).toBe("cext");
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe("a failed build", () => {
  it("names the distribution and shows the end of the output, bounded and redacted", () => {
    addSecret("build-S3cret-pw");
    const output = [...Array.from({ length: 500 }, (_, i) => `line ${i}`), "url https://u:build-S3cret-pw@host/simple"];
    const e = buildFailure(pin, 1, output.join("\n"));
    expect(e.message).toMatch(
      /^building cext 1\.0 from its source distribution on the index failed \(exit 1\); the build said \(its last 40 lines\):/,
    );
    expect(e.message).not.toContain("build-S3cret-pw");
    expect(e.message).not.toContain("line 400\n");
    expect(e.message).toContain("line 499");
    expect(e.message.split("\n")).toHaveLength(41);
    expect(e.where.distribution).toBe("cext");
  });

  it("shows a backend's or git's output as printable text: no colours, carriage returns or unbounded lines", () => {
    const output = "\x1b[31merror\x1b[0m: fake\rdone\n\u2028::warning::x\n";
    const e = buildFailure(pin, 1, output);
    expect(e.message).toContain("\\u001b[31merror\\u001b[0m: fake\\rdone\n\\u2028::warning::x");
    const gitPin = { ...pin, build: { kind: "git" as const, url: "https://host/lib.git", commit: "a".repeat(40) } };
    const git = gitFailure(gitPin, "fetch", `remote: \x1b[2K${"x".repeat(100_000)}\nfatal: no such commit\n`);
    expect(git.message).toMatch(
      /^cannot fetch cext 1\.0 from git https:\/\/host\/lib\.git at a{40}: remote: \\u001b\[2Kx+…$/,
    );
    expect(git.message.length).toBeLessThan(1200);
    expect(git.where.distribution).toBe("cext");
  });

  it("a message cut through a secret never shows its start", () => {
    addSecret("Cut-Through-S3cret");
    const e = gitFailure(pin, "fetch", `${"x".repeat(990)} Cut-Through-S3cret`);
    expect(e.message).not.toContain("Cut-Thr");
    expect(shown(`${"y".repeat(75)} https://ci:An0ther-pw@host/simple`, 90)).not.toContain("An0");
  });
});

describe("what pip reads", () => {
  it("an archive by URL with its hashes and subdirectory; an sdist by version with its hashes", () => {
    const archive = { ...pin, build: { kind: "archive" as const, url: "https://h/x-1.0.tar.gz", subdirectory: "py" } };
    expect(pinLine(archive)).toBe(`cext @ https://h/x-1.0.tar.gz#subdirectory=py --hash=sha256:${"a".repeat(64)}`);
    expect(pinLine(pin)).toBe(`cext==1.0 --hash=sha256:${"a".repeat(64)}`);
    expect(pinLine({ ...pin, build: { kind: "git", url: "u", commit: "c" } }, "/scratch/checkout")).toBe(
      "/scratch/checkout",
    );
  });
});

describe("the installer's requirements file", () => {
  it("names a built wheel by its file, never by version from an index, with spaces in the path escaped", () => {
    const lock = {
      format: "requirements" as const,
      lockfile: "r.txt",
      requirements: [{ ...pin, build: undefined, wheel: "/runner temp/built/cext-1.0-py3-none-any.whl" }],
      indexes: emptyIndexOptions(),
      complete: false,
      firstParty: [],
    };
    expect(renderRequirements(lock, emptyIndexOptions())).toBe(
      `cext @ file:///runner%20temp/built/cext-1.0-py3-none-any.whl --hash=sha256:${"a".repeat(64)}\n`,
    );
  });
});

describe("the cache key", () => {
  const COMMIT = "9f2c1e7d4b6a8f0e3c5d7b9a1f2e4c6d8b0a2f4e";
  const lockOf = (text: string) =>
    readRequirements(text, { file: "r.txt", path: "/x/r.txt", workingDirectory: "/x", target, groups: [], extras: [] });
  const indexes = effectiveIndexes({
    inputs: { extraIndexUrls: [] },
    env: {},
    pipConfig: {},
    recorded: emptyIndexOptions(),
    installer: "pip",
  });
  const key = (text: string, mode?: "pure" | "any" | "never") =>
    dependencyKey({
      target,
      lock: lockOf(text),
      installer: { name: "pip", version: "24" },
      indexes,
      buildFromSource: mode,
    });

  it("holds a git source's commit: another commit is another tree", () => {
    const at = (c: string) => `lib @ git+https://git.example/lib.git@${c}\n`;
    expect(key(at(COMMIT))).not.toBe(key(at("0".repeat(40))));
  });

  it("holds what pins a source, not its URL: a rotated token, a moved checkout keep the key", () => {
    const at = (user: string) => `lib @ git+https://${user}@git.example/lib.git@${COMMIT}\n`;
    expect(key(at("ci:token-1"))).toBe(key(at("ci:token-2")));
    // pip's grammar: the user-info ends at the last `@`, so a password may hold one
    expect(key(at("ci:tok@en-1"))).toBe(key(at("ci:tok@en-2")));
    expect(key(at("ci:token-1"))).toBe(key(`lib @ git+https://mirror.example/lib.git@${COMMIT}\n`));
    expect(key(at("ci:token-1"))).not.toBe(key(`lib @ git+https://git.example/lib.git@${COMMIT}#subdirectory=py\n`));
    const archive = (dir: string, hash: string) =>
      dependencyKey({
        target,
        lock: readRequirements(`lib @ file://${dir}/vendor/lib-1.0.tar.gz --hash=sha256:${hash}\n`, {
          file: "r.txt",
          path: `${dir}/r.txt`,
          workingDirectory: dir,
          target,
          groups: [],
          extras: [],
        }),
        installer: { name: "pip", version: "24" },
        indexes,
      });
    expect(archive("/home/runner/work/app/app", "c".repeat(64))).toBe(archive("/srv/_work/app/app", "c".repeat(64)));
    expect(archive("/x", "c".repeat(64))).not.toBe(archive("/x", "d".repeat(64)));
  });

  it("holds build-from-source when it is not the default, and leaves other keys as they were", () => {
    const text = `six==1.17.0 --hash=sha256:${"b".repeat(64)}\n`;
    expect(key(text, "any")).not.toBe(key(text, "pure"));
    expect(key(text, "never")).not.toBe(key(text, "pure"));
    expect(key(text, "pure")).toBe(key(text));
  });
});
