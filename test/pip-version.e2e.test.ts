/**
 * The installer's version is part of every build's cache key: it is read from pip's own
 * files, without starting Python, whenever they say it plainly, and asked of the
 * interpreter whenever something could make `python -m pip` import another pip.
 */
import { existsSync, readdirSync } from "node:fs";
import { chmod, mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findPython, pipWithoutPython } from "../src/install/python.ts";

let work: string;
const ENV = { PATH: "/nonexistent", HOME: "/nonexistent-home" };

/** A prefix laid out as CPython installs itself; its "python" is ELF-looking bytes that cannot run. */
async function fakePrefix(name: string, minors: string[], pip = "24.3.1"): Promise<string> {
  const prefix = path.join(work, name);
  await mkdir(path.join(prefix, "bin"), { recursive: true });
  const binary = path.join(prefix, "bin", `python${minors[0]}`);
  await writeFile(binary, Buffer.concat([Buffer.from("\x7fELF", "latin1"), Buffer.alloc(60)]));
  await chmod(binary, 0o755);
  await symlink(`python${minors[0]}`, path.join(prefix, "bin", "python3"));
  for (const minor of minors) {
    const pipDir = path.join(prefix, "lib", `python${minor}`, "site-packages", "pip");
    await mkdir(pipDir, { recursive: true });
    await writeFile(path.join(pipDir, "__init__.py"), `from typing import List\n\n__version__ = "${pip}"\n`);
  }
  return path.join(prefix, "bin", "python3");
}

beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), "lpp-pipver-"));
});
afterAll(() => rm(work, { recursive: true, force: true }));

describe("pip's version without starting Python", () => {
  it("reads it from the interpreter's prefix, and findPython starts no process for it", async () => {
    const python = await fakePrefix("plain", ["3.12"]);
    const expected = { command: python, version: "3.12", pipVersion: "24.3.1", prefix: path.join(work, "plain") };
    expect(pipWithoutPython(python, ENV)).toEqual(expected);
    // the fake interpreter cannot run: a probe would fail, so this proves none was started
    expect(await findPython(python, ENV)).toEqual(expected);
    // found on PATH by name too
    expect(pipWithoutPython("python3", { ...ENV, PATH: path.join(work, "plain", "bin") })?.pipVersion).toBe("24.3.1");
  });

  it("uses a venv's own site-packages (sys.prefix is the venv)", async () => {
    const base = await fakePrefix("base", ["3.11"], "23.0");
    const venv = path.join(work, "venv");
    await mkdir(path.join(venv, "bin"), { recursive: true });
    await writeFile(path.join(venv, "pyvenv.cfg"), `home = ${path.dirname(base)}\n`);
    await symlink(base, path.join(venv, "bin", "python3"));
    const pipDir = path.join(venv, "lib", "python3.11", "site-packages", "pip");
    await mkdir(pipDir, { recursive: true });
    await writeFile(path.join(pipDir, "__init__.py"), '__version__ = "25.0.1"\n');
    expect(pipWithoutPython(path.join(venv, "bin", "python3"), ENV)).toMatchObject({
      version: "3.11",
      pipVersion: "25.0.1",
      prefix: venv,
    });
  });

  it("asks the interpreter when anything could make it import another pip", async () => {
    const python = await fakePrefix("doubt", ["3.12"]);
    expect(pipWithoutPython(python, { ...ENV, PYTHONPATH: "/elsewhere" })).toBeUndefined();
    expect(pipWithoutPython(python, { ...ENV, PYTHONHOME: "/elsewhere" })).toBeUndefined();
    const home = path.join(work, "home");
    await mkdir(path.join(home, ".local", "lib", "python3.12", "site-packages", "pip"), { recursive: true });
    expect(pipWithoutPython(python, { ...ENV, HOME: home })).toBeUndefined();
    // two Pythons' site-packages under one prefix: which one runs is not plain
    expect(pipWithoutPython(await fakePrefix("two", ["3.12", "3.13"]), ENV)).toBeUndefined();
    // a wrapper script (a pyenv shim) is not the interpreter
    const shim = path.join(work, "shims", "python3");
    await mkdir(path.dirname(shim), { recursive: true });
    await writeFile(shim, '#!/bin/sh\nexec python3.12 "$@"\n', { mode: 0o755 });
    expect(pipWithoutPython(shim, ENV)).toBeUndefined();
    expect(pipWithoutPython(path.join(work, "missing", "python3"), ENV)).toBeUndefined();
  });

  it("agrees with the interpreter's own answer for every Python on this machine", async () => {
    const versions = path.join(os.homedir(), ".pyenv", "versions");
    const pythons = (existsSync(versions) ? readdirSync(versions) : [])
      .filter((v) => /^3\.(9|1[0-3])\./.test(v))
      .map((v) => path.join(versions, v, "bin", "python3"))
      .filter((p) => existsSync(p));
    expect(pythons.length).toBeGreaterThan(0);
    for (const python of pythons) {
      const read = pipWithoutPython(python, { PATH: process.env.PATH, HOME: process.env.HOME });
      // PYTHONPATH forces the probe: the interpreter's own answer
      const asked = await findPython(python, { ...process.env, PYTHONPATH: path.join(work, "nothing") });
      expect(read).toEqual(asked);
    }
  });
});
