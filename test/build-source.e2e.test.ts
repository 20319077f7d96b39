/**
 * build-from-source end to end (issue 27): sources made here, a PEP 517 backend served as a
 * wheel from the local index, a git repository over file://, a C extension built with gcc;
 * the real pip builds them, the action judges, installs, inspects and zips them.
 */
import { execFileSync } from "node:child_process";
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LocalIndex, startIndex } from "../devtools/pypi/index-server.ts";
import { extractZip, readZip } from "../devtools/zipread.ts";
import { build } from "../src/build.ts";
import { UserError } from "../src/errors.ts";
import { inputsFrom } from "../src/inputs.ts";
import { MemoryLog } from "../src/log.ts";
import { renderSummary, summaryOf } from "../src/report/summary.ts";
import { makeBackendWheel, makeGitSource, makeSourceDist } from "./support/pep517.ts";
import { cleanPipEnv, hostPython, pythonFor } from "./support/python.ts";

const PASSWORD = "Idx-S3cret-77";
let work: string;
let index: LocalIndex;
let indexUrl: string;
const sdists: Record<string, { sha256: string }> = {};
let git: { url: string; first: string; second: string };
/** where a lock names the git repository: a copy inside each project (a file:// repository is read only there) */
const GIT_REPO = "@GIT_REPO@";

const C_MODULE = (body: string) => `#include <Python.h>
#include <stdlib.h>
static PyObject* answer(PyObject* self, PyObject* args) { ${body} }
static PyMethodDef M[] = {{"answer", answer, METH_NOARGS, ""}, {0}};
static struct PyModuleDef D = {PyModuleDef_HEAD_INIT, "@NAME@", 0, -1, M};
PyMODINIT_FUNC PyInit_@NAME@(void) { return PyModule_Create(&D); }
`;

beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), "lpp-source-"));
  const dir = path.join(work, "index");
  await makeBackendWheel(dir);
  const pure = (name: string) => ({ [`${name.replace(/-/g, "_")}/__init__.py`]: `NAME = "${name}"\n` });
  sdists.docopt = await makeSourceDist(dir, { name: "docopt-lite", version: "0.6.2", files: pure("docopt-lite") });
  const cext = (module: string, body: string) => ({
    name: module,
    version: "1.0",
    files: { [`${module}.c`]: C_MODULE(body).replace(/@NAME@/g, module) },
    ext: { source: `${module}.c`, module },
  });
  sdists.cext = await makeSourceDist(dir, cext("cext", "return PyLong_FromLong(42);"));
  // arc4random is GLIBC_2.36: newer than python3.12's glibc 2.34
  sdists.cextnew = await makeSourceDist(dir, cext("cextnew", "return PyLong_FromLong((long)(arc4random() % 2));"));
  sdists.broken = await makeSourceDist(dir, {
    name: "broken",
    version: "1.0",
    files: pure("broken"),
    fail: ["error: cannot build broken", "index was {index}", "::set-output name=leak::yes"],
  });
  // its build requirement has only an sdist on the index: build requirements come as wheels only
  await makeSourceDist(dir, { name: "helper", version: "1.0", files: pure("helper") });
  sdists.needshelper = await makeSourceDist(dir, {
    name: "needshelper",
    version: "1.0",
    files: pure("needshelper"),
    requires: ["helper==1.0"],
  });
  git = await makeGitSource(path.join(work, "gitlib"), {
    name: "gitlib",
    version: "2.0",
    files: pure("gitlib"),
    versionFromGit: true,
  });
  index = await startIndex(dir, { auth: { user: "ci", password: PASSWORD } });
  indexUrl = index.url.replace("http://", `http://ci:${PASSWORD}@`);
});

afterAll(async () => {
  await index?.close();
  await rm(work, { recursive: true, force: true });
});

const buildLog = () => path.join(work, "backend-runs.log");
const runs = async () => (await readFile(buildLog(), "utf8").catch(() => "")).trim().split("\n").filter(Boolean);

let count = 0;
async function buildProject(
  requirements: string,
  values: Record<string, string> = {},
  handler = "",
  lockfile = "requirements.txt",
  envOverrides: Record<string, string> = {},
) {
  const dir = path.join(work, `project-${count++}`);
  await mkdir(dir, { recursive: true });
  if (requirements.includes(GIT_REPO))
    await cp(fileURLToPath(git.url), path.join(dir, "vendor", "gitlib"), { recursive: true });
  const repo = pathToFileURL(path.join(dir, "vendor", "gitlib")).href;
  await writeFile(path.join(dir, lockfile), requirements.replaceAll(GIT_REPO, repo));
  await writeFile(path.join(dir, "app.py"), handler || "def handler(event, context):\n    return 1\n");
  const log = new MemoryLog();
  const env = cleanPipEnv(path.join(work, "home"), {
    PYENV_ROOT: path.join(os.homedir(), ".pyenv"),
    LPP_BUILD_LOG: buildLog(),
    PIP_INDEX_URL: indexUrl,
    XDG_CACHE_HOME: path.join(work, "cache"),
    AWS_SECRET_ACCESS_KEY: "aws-secret-never-seen",
    GITHUB_TOKEN: "ghs_token_never_seen",
    ACTIONS_RUNTIME_TOKEN: "actions-token-never-seen",
    ...envOverrides,
  });
  const inputs = inputsFrom({
    "working-directory": dir,
    python: hostPython(),
    runtime: "python3.12",
    "index-url": indexUrl,
    ...values,
  });
  const result = await build(inputs, { log, env }).catch((e: unknown) => e);
  return { result, log, inputs, dir };
}

function built(r: unknown) {
  if (r instanceof Error) throw r;
  return r as Awaited<ReturnType<typeof build>>;
}

async function refused(p: ReturnType<typeof buildProject>): Promise<UserError> {
  const { result } = await p;
  expect(result).toBeInstanceOf(UserError);
  return result as UserError;
}

describe("pure (the default): an sdist-only pin and a git source are built and shipped", () => {
  const requirements = () =>
    `docopt-lite==0.6.2 --hash=sha256:${sdists.docopt!.sha256}\ngitlib @ git+${GIT_REPO}@${git.first}\n`;
  let cold: Awaited<ReturnType<typeof buildProject>>;

  beforeAll(async () => {
    cold = await buildProject(requirements());
  });

  it("ships both, built without the deploy credentials and tokens in the build's environment", async () => {
    const result = built(cold.result);
    const names = readZip(result.functionZip!.path).map((e) => e.name);
    expect(names).toEqual(expect.arrayContaining(["docopt_lite/__init__.py", "gitlib/__init__.py"]));
    expect(names).toContain("docopt_lite-0.6.2.dist-info/METADATA");
    const out = path.join(work, "cold-zip");
    extractZip(result.functionZip!.path, out);
    const info = await readFile(path.join(out, "docopt_lite_build.py"), "utf8");
    expect(info).toContain("SEEN = []");
    expect(info).toContain("BUILT_AT = 315619200");
    expect(await readFile(path.join(out, "gitlib_build.py"), "utf8")).toContain("SEEN = []");
    expect(await runs()).toEqual(expect.arrayContaining(["docopt-lite 0.6.2", "gitlib 2.0"]));
  });

  it("the log and the summary list what was built and how long each build took", () => {
    const result = built(cold.result);
    expect(result.builtFromSource.map((b) => `${b.name} ${b.version}`).sort()).toEqual([
      "docopt-lite 0.6.2",
      "gitlib 2.0",
    ]);
    const lines = cold.log.lines.join("\n");
    expect(lines).toMatch(/Built gitlib 2\.0 from git file:\/\/\S+ at [0-9a-f]{40} in \d+\.\d s/);
    expect(lines).toMatch(/Built docopt-lite 0\.6\.2 from its source distribution on the index in \d+\.\d s/);
    expect(lines).not.toContain(PASSWORD);
    const summary = renderSummary(summaryOf({ inputs: cold.inputs, result: { build: result } as never }));
    expect(summary).toContain("### Built from source");
    expect(summary).toMatch(/\| docopt-lite \| 0\.6\.2 \| its source distribution on the index \|/);
  });

  it("a warm build builds nothing and gives the same zip; a cold one without the cache gives the same bytes", async () => {
    const before = (await runs()).length;
    const warm = built((await buildProject(requirements())).result);
    expect(warm.cache.hit).toBe(true);
    expect(warm.builtFromSource).toEqual([]);
    expect((await runs()).length).toBe(before);
    const again = built((await buildProject(requirements(), { cache: "false" })).result);
    expect(again.builtFromSource).toHaveLength(2);
    expect(again.functionZip!.sha256).toBe(built(cold.result).functionZip!.sha256);
    expect(warm.functionZip!.sha256).toBe(built(cold.result).functionZip!.sha256);
  });
});

it("a requirements file without hashes: the built wheel is installed from its file, no hash asked of the rest", async () => {
  const { result } = await buildProject(`gitlib @ git+${GIT_REPO}@${git.first}\n`, { cache: "false" });
  const r = built(result);
  expect(r.builtFromSource.map((b) => b.wheel)).toEqual(["gitlib-2.0-py3-none-any.whl"]);
  expect(readZip(r.functionZip!.path).map((e) => e.name)).toContain("gitlib/__init__.py");
});

// gitlib's version comes from the tag on its commit, as with setuptools-scm: a checkout without
// the tags builds 0.0.dev0, not the 2.0 the lock recorded
describe("uv.lock: an sdist without wheels and a git source, the whole closure pinned", () => {
  const uvLock = (commit: string) => `version = 1
requires-python = ">=3.12"

[[package]]
name = "app"
version = "0.1.0"
source = { virtual = "." }
dependencies = [{ name = "docopt-lite" }, { name = "gitlib" }]

[[package]]
name = "docopt-lite"
version = "0.6.2"
source = { registry = "${index.url}" }
sdist = { url = "${index.url.replace("/simple", "/files")}/docopt_lite-0.6.2.tar.gz", hash = "sha256:${sdists.docopt!.sha256}" }

[[package]]
name = "gitlib"
version = "2.0"
source = { git = "${GIT_REPO}?rev=main#${commit}" }
`;

  it("builds both and ships them", async () => {
    const { result } = await buildProject(uvLock(git.first), { cache: "false" }, "", "uv.lock");
    const r = built(result);
    expect(r.lock.format).toBe("uv");
    expect(r.builtFromSource.map((b) => b.name).sort()).toEqual(["docopt-lite", "gitlib"]);
    const names = readZip(r.functionZip!.path).map((e) => e.name);
    expect(names).toEqual(expect.arrayContaining(["docopt_lite/__init__.py", "gitlib/__init__.py"]));
  });

  it("a commit the repository does not hold is refused, naming the distribution", async () => {
    const e = await refused(buildProject(uvLock("0".repeat(40)), { cache: "false" }, "", "uv.lock"));
    expect(e.where.distribution).toBe("gitlib");
    expect(e.message).toMatch(/^cannot check out gitlib 2\.0 from git file:\/\/\S+ at 0{40}/);
  });
});

describe("what is checked before and after a build", () => {
  it("a runner without git: a git source is refused, naming the distribution and what to install", async () => {
    const e = await refused(
      buildProject(`gitlib @ git+${GIT_REPO}@${git.first}\n`, { cache: "false" }, "", undefined, {
        PATH: "/nonexistent",
      }),
    );
    expect(e.message).toMatch(
      /^cannot run git to fetch gitlib from git file:\/\/\S+ at [0-9a-f]{40}: spawn git ENOENT/,
    );
    expect(e.hint).toMatch(/install git/);
  });

  it("the sdist's hash is checked before the build: a mismatch stops it and the backend never runs", async () => {
    const before = await runs();
    const e = await refused(buildProject(`docopt-lite==0.6.2 --hash=sha256:${"0".repeat(64)}\n`, { cache: "false" }));
    expect(e.where.distribution).toBe("docopt-lite");
    expect(e.message).toMatch(/building docopt-lite 0\.6\.2 from its source distribution on the index failed/);
    expect(e.message).toMatch(/DO NOT MATCH THE HASHES/);
    expect(await runs()).toEqual(before);
  });

  it("build requirements come as wheels only: one with only an sdist fails the build, named", async () => {
    const e = await refused(
      buildProject(`needshelper==1.0 --hash=sha256:${sdists.needshelper!.sha256}\n`, { cache: "false" }),
    );
    expect(e.where.distribution).toBe("needshelper");
    expect(e.message).toMatch(/^building needshelper 1\.0 from its source distribution on the index failed/);
    expect(e.message).toMatch(/No matching distribution found for helper==1\.0/);
  });

  it("a failed build names the distribution and shows the backend's output, bounded and redacted", async () => {
    const e = await refused(buildProject(`broken==1.0 --hash=sha256:${sdists.broken!.sha256}\n`, { cache: "false" }));
    expect(e.where.distribution).toBe("broken");
    expect(e.message).toMatch(/^building broken 1\.0 from its source distribution on the index failed \(exit 1\)/);
    expect(e.message).toContain("error: cannot build broken");
    // the backend printed the index URL it was given, credentials and all
    expect(e.message).toMatch(/index was http:\/\/ci:\*\*\*@127\.0\.0\.1/);
    expect(e.message).not.toContain(PASSWORD);
    expect(e.message.split("\n").length).toBeLessThanOrEqual(42);
  });
});

describe("compiled code: pure refuses it, any judges it by the inspection", () => {
  const cext = () => `cext==1.0 --hash=sha256:${sdists.cext!.sha256}\n`;

  it("pure refuses a build with compiled files, naming them and the way out", async () => {
    const e = await refused(buildProject(cext(), { cache: "false" }));
    expect(e.where.distribution).toBe("cext");
    expect(e.message).toMatch(
      /cext 1\.0 was built from .* which is not pure Python: it has compiled files \(cext\.cpython-312-x86_64-linux-gnu\.so\)/,
    );
    expect(e.hint).toContain("build-from-source: any");
    expect(e.hint).toMatch(/publish a manylinux wheel of cext/);
  });

  it.runIf(pythonFor(12) && os.arch() === "x64")(
    "any ships it, tagged for the target, and the handler imports it on the runtime's Python",
    async () => {
      const handler = "import cext\n\ndef handler(event, context):\n    return cext.answer()\n";
      const { result } = await buildProject(
        cext(),
        { cache: "false", "build-from-source": "any", handler: "app.handler" },
        handler,
      );
      const r = built(result);
      expect(r.builtFromSource[0]?.wheel).toBe("cext-1.0-cp312-cp312-manylinux_2_34_x86_64.whl");
      expect(r.verify).toBeDefined();
      const out = path.join(work, "cext-zip");
      extractZip(r.functionZip!.path, out);
      const answer = execFileSync(pythonFor(12)!, ["-c", "import app; print(app.handler(None, None))"], { cwd: out });
      expect(answer.toString().trim()).toBe("42");
    },
  );

  it.runIf(pythonFor(12) && os.arch() === "x64")(
    "any: a build against the runner's newer glibc is refused by the inspection, naming the symbol version",
    async () => {
      const e = await refused(
        buildProject(`cextnew==1.0 --hash=sha256:${sdists.cextnew!.sha256}\n`, {
          cache: "false",
          "build-from-source": "any",
        }),
      );
      const text = JSON.stringify((e as UserError & { findings?: unknown }).findings ?? e.message);
      expect(text).toMatch(/GLIBC_2\.3[5-9]/);
      expect(text).toContain("cextnew");
    },
  );
});

describe("never", () => {
  it("refuses the sdist-only pin, naming the input", async () => {
    const e = await refused(
      buildProject(`docopt-lite==0.6.2 --hash=sha256:${sdists.docopt!.sha256}\n`, {
        cache: "false",
        "build-from-source": "never",
      }),
    );
    expect(e.message).toMatch(/docopt-lite==0\.6\.2 has only a source distribution .*build-from-source is never/);
  });
});
