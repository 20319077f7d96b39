/**
 * The source walk on hostile working directories: whatever lies in the
 * folder (names that are not UTF-8, links that loop, FIFOs, links to what is never
 * shipped) ends in a UserError about a file the selection picked, or is never read.
 */
import { execFileSync } from "node:child_process";
import { mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { UserError } from "../src/errors.ts";
import { collectSource } from "../src/source/collect.ts";

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "lpp-source-"));
  await writeFile(path.join(dir, "handler.py"), "def handler(e, c):\n    return 1\n");
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const collect = (source: string[] = [], exclude: string[] = []) =>
  collectSource({ workingDirectory: dir, source, exclude, outputDir: path.join(dir, ".lambda-python-package") });

async function failure(promise: Promise<unknown>): Promise<UserError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(UserError);
  return error as UserError;
}

describe("the source walk", () => {
  it("a symlink loop under node_modules: not read for `source: handler.py`, nor for the default selection", async () => {
    await mkdir(path.join(dir, "node_modules", "pkg"), { recursive: true });
    await symlink("loop-b", path.join(dir, "node_modules", "pkg", "loop-a"));
    await symlink("loop-a", path.join(dir, "node_modules", "pkg", "loop-b"));
    expect((await collect(["handler.py"])).map((f) => f.path)).toEqual(["handler.py"]);
    expect((await collect()).map((f) => f.path)).toEqual(["handler.py"]);
    expect((await collect(["*.py"])).map((f) => f.path)).toEqual(["handler.py"]);
  });

  it("a selected symlink loop is a UserError naming it", async () => {
    await symlink("b.py", path.join(dir, "a.py"));
    await symlink("a.py", path.join(dir, "b.py"));
    const error = await failure(collect());
    expect(error.message).toMatch(/a\.py is a symbolic link to b\.py, which loops back on itself/);
  });

  it("a glob is walked from its static prefix only", async () => {
    await mkdir(path.join(dir, "src", "app"), { recursive: true });
    await writeFile(path.join(dir, "src", "app", "x.py"), "X = 1\n");
    await mkdir(path.join(dir, "other"), { recursive: true });
    await symlink("loop", path.join(dir, "other", "loop"));
    expect((await collect(["src/**/*.py", "handler.py"])).map((f) => f.path)).toEqual(["handler.py", "src/app/x.py"]);
  });

  it("a file name that is not UTF-8: refused, its bytes shown escaped; unread when excluded", async () => {
    const bad = Buffer.concat([Buffer.from(`${dir}/lib/caf`), Buffer.from([0xe9]), Buffer.from(".py")]);
    await mkdir(path.join(dir, "lib"));
    await writeFile(bad, "X = 1\n");
    const error = await failure(collect());
    expect(error.message).toMatch(/the file name lib\/caf\\xe9\.py is not UTF-8/);
    expect(error.where.file).toBe("lib/caf\\xe9.py");
    expect(error.hint).toMatch(/rename/);
    expect((await collect([], ["lib"])).map((f) => f.path)).toEqual(["handler.py"]);
    expect((await collect(["handler.py"])).map((f) => f.path)).toEqual(["handler.py"]);
  });

  it("a FIFO, directly or through a link: refused, never opened", async () => {
    execFileSync("mkfifo", [path.join(dir, "pipe.py")]);
    const direct = await failure(collect());
    expect(direct.message).toMatch(/pipe\.py is a FIFO \(named pipe\), not a regular file/);
    await rm(path.join(dir, "pipe.py"));
    await mkdir(path.join(dir, "run"));
    execFileSync("mkfifo", [path.join(dir, "run", "fifo")]);
    await symlink("run/fifo", path.join(dir, "config.py"));
    const linked = await failure(collect(["handler.py", "config.py"]));
    expect(linked.message).toMatch(/config\.py is a symbolic link to run\/fifo, which is not a regular file/);
  });

  it.each([
    ["config.txt", ".git/config"],
    ["settings.py", ".env"],
    ["locked.txt", "uv.lock"],
    ["site.py", ".venv/lib/site.py"],
  ])("a link %s -> %s (never shipped) is refused: it would ship that file's content", async (link, target) => {
    await mkdir(path.dirname(path.join(dir, target)), { recursive: true });
    await writeFile(path.join(dir, target), "[http]\n\textraheader = AUTHORIZATION: basic c2VjcmV0\n");
    await symlink(target, path.join(dir, link));
    const error = await failure(collect());
    expect(error.message).toContain(`${link} is a symbolic link to ${target}, a file that is never shipped`);
    expect(error.where.file).toBe(link);
  });

  it("a link to a file the selection ships itself is fine, even where the default selection would not look", async () => {
    await mkdir(path.join(dir, "build"));
    await writeFile(path.join(dir, "build", "gen.py"), "G = 1\n");
    await symlink("build/gen.py", path.join(dir, "gen.py"));
    expect((await collect(["gen.py", "build", "handler.py"])).map((f) => f.path)).toEqual([
      "build/gen.py",
      "gen.py",
      "handler.py",
    ]);
  });
});
