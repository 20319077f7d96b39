/**
 * One run names every pin that has no fitting wheel, with its reason and its lockfile
 * line, whichever kind of index pip was given: http://, file:// or a find-links folder.
 */
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LocalIndex, startIndex } from "../devtools/pypi/index-server.ts";
import { type BuiltWheel, makeWheel } from "../devtools/pypi/wheel.ts";
import { UserError, UserErrors } from "../src/errors.ts";
import { linkedFiles } from "../src/install/listing.ts";
import { buildProject, pinned, writeProject } from "./support/project.ts";

let work: string;
let wheels: string;
let index: LocalIndex;
const built: Record<string, BuiltWheel> = {};
const CP311 = "cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64";

beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), "lpp-diagnose-all-"));
  wheels = path.join(work, "wheels");
  for (const name of ["numpy", "pydantic_core", "charset_normalizer"])
    built[name] = await makeWheel(wheels, { name, version: "1.0", tag: CP311, files: { [`${name}/__init__.py`]: "" } });
  built.armlib = await makeWheel(wheels, {
    name: "armlib",
    version: "1.0",
    tag: "cp312-cp312-manylinux_2_17_aarch64",
    files: { "armlib/__init__.py": "" },
  });
  built.newglibc = await makeWheel(wheels, {
    name: "newglibc",
    version: "1.0",
    tag: "cp311-cp311-manylinux_2_28_x86_64",
    files: { "newglibc/__init__.py": "" },
  });
  built.fine = await makeWheel(wheels, { name: "fine", version: "1.0", files: { "fine/__init__.py": "" } });
  await writeFile(path.join(wheels, "sdistonly-1.0.tar.gz"), "not really a tarball");
  index = await startIndex(wheels);
}, 60_000);

afterAll(async () => {
  await index?.close();
  await rm(work, { recursive: true, force: true });
});

/** A `file://` PEP 503 index: `<root>/<project>/index.html` linking to the wheels. */
async function fileIndex(): Promise<string> {
  const root = path.join(work, "file-index", "simple");
  for (const wheel of Object.values(built)) {
    const project = wheel.filename.split("-")[0]!.replace(/_/g, "-");
    await mkdir(path.join(root, project), { recursive: true });
    const href = pathToFileURL(wheel.path).href;
    await writeFile(
      path.join(root, project, "index.html"),
      `<!DOCTYPE html><html><body><a href="${href}#sha256=${wheel.sha256}">${wheel.filename}</a></body></html>`,
    );
  }
  return pathToFileURL(root).href;
}

const THREE = ["numpy", "pydantic_core", "charset_normalizer"];

async function failure(name: string, runtime: string, lines: string[], env: NodeJS.ProcessEnv): Promise<UserError> {
  const dir = await writeProject(path.join(work, name), {
    "app.py": "",
    "requirements.txt": `${lines.join("\n")}\n`,
  });
  const error = await buildProject(
    dir,
    { runtime, architecture: "x86_64", cache: "false", installer: "pip", "build-from-source": "never" },
    { home: path.join(work, "home"), indexUrl: index.url, extra: env },
  ).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(UserError);
  return error as UserError;
}

function expectThreeCp311(error: UserError): void {
  expect(error).toBeInstanceOf(UserErrors);
  const errors = (error as UserErrors).errors;
  expect(errors.map((e) => e.where.distribution)).toEqual(["numpy", "pydantic-core", "charset-normalizer"]);
  expect(errors.map((e) => e.where.line)).toEqual([1, 2, 3]);
  expect(errors.map((e) => e.where.file)).toEqual(["requirements.txt", "requirements.txt", "requirements.txt"]);
  for (const e of errors)
    expect(e.message).toMatch(/^no wheel of \S+==1\.0 fits python3\.12[\s\S]*ABI cp311 is for CPython 3\.11/);
}

describe("every pin without a fitting wheel, in one run", () => {
  it("an http:// index: three cp311-only pins for python3.12", async () => {
    const lines = [...THREE.map((n) => pinned(n, "1.0", built[n]!)), pinned("fine", "1.0", built.fine!)];
    expectThreeCp311(await failure("http", "python3.12", lines, {}));
  });

  it("a file:// index", async () => {
    const lines = THREE.map((n) => pinned(n, "1.0", built[n]!));
    expectThreeCp311(await failure("file-index", "python3.12", lines, { PIP_INDEX_URL: await fileIndex() }));
  });

  it("a find-links folder (no index)", async () => {
    const lines = ["--no-index", `--find-links ${wheels}`, ...THREE.map((n) => pinned(n, "1.0", built[n]!))];
    const error = await failure("find-links", "python3.12", lines, {});
    expect(error).toBeInstanceOf(UserErrors);
    const errors = (error as UserErrors).errors;
    expect(errors.map((e) => e.where.line)).toEqual([3, 4, 5]);
    for (const e of errors) expect(e.message).toMatch(/^no wheel of \S+==1\.0 fits python3\.12[\s\S]*ABI cp311/);
  });

  it("each with its own reason: architecture, glibc, only an sdist, not on the index", async () => {
    const lines = ["armlib==1.0", "newglibc==1.0", "sdistonly==1.0", "fine==9.9"];
    const error = await failure("reasons", "python3.11", lines, {});
    expect(error).toBeInstanceOf(UserErrors);
    const messages = (error as UserErrors).errors.map((e) => e.message);
    expect(messages).toHaveLength(4);
    expect(messages[0]).toMatch(/no wheel of armlib==1\.0 fits[\s\S]*aarch64, the target architecture is x86_64/);
    expect(messages[1]).toMatch(/no wheel of newglibc==1\.0 fits[\s\S]*needs glibc 2\.28, python3\.11 has glibc 2\.26/);
    expect(messages[2]).toMatch(/sdistonly==1\.0 has only a source distribution/);
    expect(messages[3]).toMatch(/fine==9\.9 is not on the index \(versions there: 1\.0\)/);
  });
});

describe("index pages are data", () => {
  it("keeps only valid distribution file names, never other page text", () => {
    const page = [
      '<a href="../../files/good-1.0-py3-none-any.whl#sha256=00">good-1.0-py3-none-any.whl</a>',
      '<a href="x">::error::injected-1.0-py3-none-any.whl</a>',
      '<A HREF="/files/other-2.0.tar.gz">download</A>',
      '<a href="/files/evil%0A-1.0-py3-none-any.whl">evil</a>',
      "<a href='z'>not a file</a>",
      "<a unterminated",
    ].join("\n");
    expect(linkedFiles(page)).toEqual(["good-1.0-py3-none-any.whl", "other-2.0.tar.gz"]);
  });

  it("reads a page with many unterminated anchors in linear time", () => {
    const started = performance.now();
    expect(linkedFiles("<a ".repeat(2_000_000))).toEqual([]);
    expect(linkedFiles(`${"<a>".repeat(1_000_000)}`)).toEqual([]);
    expect(performance.now() - started).toBeLessThan(2000);
  });
});
