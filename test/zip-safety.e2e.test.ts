/**
 * Zips that cannot hurt: a realistic project (nested packages, an executable, a compiled
 * extension, a symlink inside the code, a wheel whose symlink entry pip turned into a
 * file) is built by the whole action, and every entry of every zip it writes is checked:
 * a relative path under the root (no `..`, no absolute path, no backslash, no empty or
 * `.` segment), a regular file or a directory (no symlink, no device), mode 0644/0755
 * (directories 0755), Unix as the creating system, the same name in the local header as
 * in the central directory, each name once. Python's own zipfile reads it back the same.
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LocalIndex, startIndex } from "../devtools/pypi/index-server.ts";
import { type BuiltWheel, makeWheel } from "../devtools/pypi/wheel.ts";
import { readZip } from "../devtools/zipread.ts";
import { inputsFrom } from "../src/inputs.ts";
import { MemoryLog } from "../src/log.ts";
import { type ActionResult, runAction } from "../src/run.ts";
import { glibcAtMost, pickElf } from "./support/elf.ts";
import { pinned, writeProject } from "./support/project.ts";
import { cleanPipEnv, hostPython } from "./support/python.ts";
import { makeRawWheel } from "./support/rawzip.ts";

let work: string;
let index: LocalIndex;
let project: string;
const wheels: Record<string, { filename: string; sha256: string }> = {};
const builds: Record<string, ActionResult> = {};

const S_IFMT = 0o170000;
const S_IFREG = 0o100000;
const S_IFDIR = 0o040000;

beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), "lpp-zipsafety-"));
  const dir = path.join(work, "wheels");
  const so = await pickElf("with a glibc requirement of at most 2.17", glibcAtMost("2.17"));
  wheels.deep = await makeWheel(dir, {
    name: "deep-lib",
    version: "3.1",
    tag: "cp312-cp312-manylinux2014_x86_64",
    files: {
      "deep_lib/__init__.py": "from .core import engine\n",
      "deep_lib/core/__init__.py": "",
      "deep_lib/core/engine/__init__.py": "SPEED = 1\n",
      "deep_lib/core/engine/_fast.cpython-312-x86_64-linux-gnu.so": { data: readFileSync(so.path), mode: 0o755 },
      "deep_lib/data/tables/units.json": '{"m": 1}\n',
      "deep_lib/tools/convert": { data: "#!/bin/sh\necho convert\n", mode: 0o755 },
      "deep_lib-3.1.data/scripts/deep-cli": { data: "#!python\nprint('cli')\n", mode: 0o755 },
    },
  });
  wheels.nsa = await makeWheel(dir, {
    name: "acme-auth",
    version: "1.0",
    files: { "acme/auth/__init__.py": "TOKEN = 'x'\n" },
  });
  wheels.nsb = await makeWheel(dir, {
    name: "acme-store",
    version: "1.0",
    files: { "acme/store/__init__.py": "KIND = 'kv'\n" },
  });
  // a symlink entry pointing out of the tree: pip writes its text as an ordinary file
  wheels.linky = await makeRawWheel(dir, {
    name: "linky",
    version: "0.2",
    entries: [
      { name: "linky/__init__.py", data: "" },
      { name: "linky/hosts", data: "../../../../../../etc/hosts", mode: 0o120777 },
      { name: "linky/self", data: "__init__.py", mode: 0o120777 },
    ],
  });
  index = await startIndex(dir);

  project = await writeProject(path.join(work, "project"), {
    "app.py": "from orders.api import handle\n\ndef handler(event, context):\n    return handle(event)\n",
    "orders/__init__.py": "",
    "orders/api/__init__.py": "from .routes import handle\n",
    "orders/api/routes.py": "def handle(event):\n    return {'ok': True}\n",
    "orders/static/index.html": "<h1>orders</h1>\n",
    "scripts/warmup.sh": "#!/bin/sh\necho warm\n",
    "requirements.txt": [
      pinned("deep-lib", "3.1", wheels.deep as BuiltWheel),
      pinned("acme-auth", "1.0", wheels.nsa as BuiltWheel),
      pinned("acme-store", "1.0", wheels.nsb as BuiltWheel),
      pinned("linky", "0.2", wheels.linky as BuiltWheel),
      "",
    ].join("\n"),
    ".env": "SECRET=1\n",
  });
  const { chmod, symlink } = await import("node:fs/promises");
  await chmod(path.join(project, "scripts/warmup.sh"), 0o755);
  // symlinks inside the code: to a file, and to an executable
  await symlink("orders/api/routes.py", path.join(project, "routes_alias.py"));
  await symlink("../scripts/warmup.sh", path.join(project, "orders/warmup"));

  for (const mode of ["split", "function"] as const) {
    const log = new MemoryLog();
    builds[mode] = await runAction(
      inputsFrom({
        "working-directory": project,
        python: hostPython(),
        runtime: "python3.12",
        package: mode,
        cache: "false",
        "output-dir": path.join(work, `out-${mode}`),
      }),
      { log, env: cleanPipEnv(path.join(work, "home"), { PIP_INDEX_URL: index.url }) },
    );
  }
}, 120_000);

afterAll(async () => {
  await index?.close();
  await rm(work, { recursive: true, force: true });
});

function zips(): [string, string][] {
  return Object.entries(builds).flatMap(([mode, r]) =>
    [
      ["function", r.build.functionZip?.path],
      ["layer", r.build.layerZip?.path],
    ]
      .filter((z): z is [string, string] => Boolean(z[1]))
      .map(([kind, file]): [string, string] => [`${mode}/${kind}`, file]),
  );
}

/** Every name as the local file headers give it, in order (a reader that walks the file sees these). */
function localNames(file: string): string[] {
  const buf = readFileSync(file);
  const names: string[] = [];
  let p = 0;
  while (buf.readUInt32LE(p) === 0x04034b50) {
    const compressed = buf.readUInt32LE(p + 18);
    const nameLen = buf.readUInt16LE(p + 26);
    const extraLen = buf.readUInt16LE(p + 28);
    names.push(buf.toString("utf8", p + 30, p + 30 + nameLen));
    p += 30 + nameLen + extraLen + compressed;
  }
  return names;
}

describe("every entry of every zip the action writes is safe to unpack", () => {
  it("built a function zip and a layer zip (split) and one function zip (function)", () => {
    expect(zips().map(([what]) => what)).toEqual(["split/function", "split/layer", "function/function"]);
  });

  it("names: relative, under the root, no '..', no absolute path, no backslash, unique, as in the local headers", () => {
    for (const [what, file] of zips()) {
      const entries = readZip(file);
      const bad = entries
        .map((e) => e.name)
        .filter((name) => {
          const segments = name.replace(/\/$/, "").split("/");
          return (
            name.startsWith("/") ||
            /^[A-Za-z]:/.test(name) ||
            name.includes("\\") ||
            name.includes("\0") ||
            segments.some((s) => s === "" || s === "." || s === "..")
          );
        });
      expect(bad, `${what}: unsafe names`).toEqual([]);
      const names = entries.map((e) => e.name);
      expect(new Set(names).size, `${what}: each name once`).toBe(names.length);
      expect(localNames(file), `${what}: local headers name the same entries`).toEqual(names);
    }
  });

  it("types and modes: regular files 0644/0755 and directories 0755 only, made on Unix; no symlink, no device", () => {
    for (const [what, file] of zips()) {
      for (const e of readZip(file)) {
        const type = e.mode & S_IFMT;
        expect(e.madeBy, `${what}: ${e.name} made on Unix`).toBe(3);
        if (e.name.endsWith("/")) {
          expect(e.mode.toString(8), `${what}: ${e.name}`).toBe("40755");
          expect(e.size).toBe(0);
        } else {
          expect(type, `${what}: ${e.name} is a regular file (mode ${e.mode.toString(8)})`).toBe(S_IFREG);
          expect(["100644", "100755"], `${what}: ${e.name} mode ${e.mode.toString(8)}`).toContain(e.mode.toString(8));
        }
        expect(type === S_IFREG || type === S_IFDIR, `${what}: ${e.name}`).toBe(true);
      }
    }
  });

  it("the executable keeps 0755, the rest is 0644; nothing outside the project or the tree is shipped", () => {
    const fn = readZip(builds.function!.build.functionZip!.path);
    const entry = (name: string) => fn.find((e) => e.name === name);
    expect(entry("scripts/warmup.sh")?.mode.toString(8)).toBe("100755");
    expect(entry("deep_lib/tools/convert")?.mode.toString(8)).toBe("100755");
    expect(entry("deep_lib/core/engine/_fast.cpython-312-x86_64-linux-gnu.so")?.mode.toString(8)).toBe("100755");
    expect(entry("orders/api/routes.py")?.mode.toString(8)).toBe("100644");
    expect(entry("acme/auth/__init__.py")).toBeDefined();
    expect(entry("acme/store/__init__.py")).toBeDefined();
    // never shipped: hidden files, console scripts with the runner's interpreter, the link's target outside
    expect(fn.map((e) => e.name).filter((n) => /^(\.env|bin\/)|etc\/hosts$/.test(n))).toEqual([]);
  });

  it("a symlink inside the code is stored as a regular file: its target's bytes and mode", () => {
    const fn = readZip(builds.function!.build.functionZip!.path);
    const alias = fn.find((e) => e.name === "routes_alias.py")!;
    expect(alias.mode.toString(8)).toBe("100644");
    expect(alias.data().toString()).toBe(readFileSync(path.join(project, "orders/api/routes.py"), "utf8"));
    // a link to an executable is stored as that executable: its bytes and its mode
    const warmup = fn.find((e) => e.name === "orders/warmup")!;
    expect(warmup.mode.toString(8)).toBe("100755");
    expect(warmup.data().toString()).toBe("#!/bin/sh\necho warm\n");
  });

  it("a wheel's symlink entry arrives as the plain text pip wrote, in the function and in the layer", () => {
    for (const [what, file] of zips()) {
      if (what === "split/function") continue;
      const prefix = what.endsWith("layer") ? "python/" : "";
      const entries = readZip(file);
      const hosts = entries.find((e) => e.name === `${prefix}linky/hosts`)!;
      expect(hosts.mode.toString(8), what).toBe("100644");
      expect(hosts.data().toString(), what).toBe("../../../../../../etc/hosts");
      expect(
        entries
          .find((e) => e.name === `${prefix}linky/self`)
          ?.data()
          .toString(),
      ).toBe("__init__.py");
    }
  });

  it("Python's zipfile reads every zip back: CRCs good, the same names, nothing that would extract outside", () => {
    const script = [
      "import json, os, sys, zipfile",
      "out = {}",
      "for p in sys.argv[1:]:",
      "    with zipfile.ZipFile(p) as z:",
      "        out[p] = {'bad': z.testzip(), 'names': z.namelist(),",
      "                  'outside': [n for n in z.namelist() if os.path.isabs(n) or '..' in n.split('/')],",
      "                  'links': [i.filename for i in z.infolist() if (i.external_attr >> 16) & 0o170000 == 0o120000]}",
      "print(json.dumps(out))",
    ].join("\n");
    const files = zips().map(([, file]) => file);
    const result = JSON.parse(execFileSync(hostPython(), ["-c", script, ...files], { encoding: "utf8" })) as Record<
      string,
      { bad: string | null; names: string[]; outside: string[]; links: string[] }
    >;
    for (const file of files) {
      expect(result[file]).toMatchObject({ bad: null, outside: [], links: [] });
      expect(result[file]!.names).toEqual(readZip(file).map((e) => e.name));
    }
  });
});
