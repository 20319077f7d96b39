import { chmodSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { inspectTree } from "../src/inspect/index.ts";
import type { DependencyTree } from "../src/install/types.ts";
import { makeTarget } from "../src/target.ts";
import { buildTree, type DistSpec, tempDir, walk } from "./support/tree.ts";

async function run(tree: DependencyTree) {
  const r = await inspectTree({
    target: makeTarget("python3.12", "x86_64"),
    tree,
    code: [],
    packageMode: "layer",
    allowCollisions: false,
  });
  return r.findings.filter((f) => f.check === "layout" || f.check === "permissions");
}

const NSPKG =
  "import sys, types, os;has_mfs = sys.version_info > (3, 5);p = os.path.join(sys._getframe(1).f_locals['sitedir'], *('zope',));" +
  "importlib = has_mfs and __import__('importlib.util');m = has_mfs and sys.modules.setdefault('zope', importlib.util.module_from_spec(importlib.machinery.PathFinder.find_spec('zope', [os.path.dirname(p)])))\n";

describe("layout: .pth files", () => {
  it("warns about a .pth file, naming the package; says a -nspkg.pth namespace package will not import", async () => {
    const tree = buildTree(await tempDir(), [
      {
        name: "zope-interface",
        version: "5.4.0",
        files: { "zope.interface-5.4.0-py3.9-nspkg.pth": NSPKG, "zope/interface/__init__.py": "" },
      },
      { name: "distutils-precedence", version: "1.0", files: { "distutils-precedence.pth": "import os\n" } },
    ]);
    const found = await run(tree);
    expect(found).toEqual([
      expect.objectContaining({
        severity: "warning",
        distribution: "distutils-precedence",
        path: "distutils-precedence.pth",
        message: expect.stringMatching(
          /^distutils-precedence\.pth \(from distutils-precedence 1\.0\) is a \.pth file; Lambda does not process \.pth files/,
        ),
      }),
      expect.objectContaining({
        severity: "warning",
        distribution: "zope-interface",
        path: "zope.interface-5.4.0-py3.9-nspkg.pth",
        message:
          "zope.interface-5.4.0-py3.9-nspkg.pth (from zope-interface 5.4.0) is a legacy namespace-package .pth file; " +
          "Lambda does not process .pth files, so the namespace package zope will not import through it",
        hint: expect.stringContaining("PEP 420"),
      }),
    ]);
  });
});

describe("layout: editable installs", () => {
  it("rejects __editable__ files, .egg-link files and a direct_url.json that says editable", async () => {
    const tree = buildTree(await tempDir(), [
      {
        name: "myproj",
        version: "0.1.0",
        files: {
          "__editable__.myproj-0.1.0.pth": "/home/runner/work/myproj/src\n",
          "__editable___myproj_0_1_0_finder.py": "MAPPING = {}\n",
          "myproj-0.1.0.dist-info/direct_url.json": JSON.stringify({
            url: "file:///home/runner/work/myproj",
            dir_info: { editable: true },
          }),
        },
      },
      { name: "legacy", version: "2.0", files: { "legacy.egg-link": "/home/runner/legacy\n." } },
      {
        name: "fromdir",
        version: "1.0",
        files: { "fromdir-1.0.dist-info/direct_url.json": JSON.stringify({ url: "file:///x", dir_info: {} }) },
      },
    ]);
    const found = await run(tree);
    expect(found.map((f) => [f.severity, f.distribution, f.path])).toEqual([
      ["error", "myproj", "__editable__.myproj-0.1.0.pth"],
      ["error", "myproj", "__editable___myproj_0_1_0_finder.py"],
      ["error", "legacy", "legacy.egg-link"],
      ["error", "myproj", "myproj-0.1.0.dist-info/direct_url.json"],
    ]);
    expect(found[0]?.message).toMatch(/left over from an editable install/);
    expect(found[3]?.message).toBe(
      "myproj 0.1.0 is an editable install (myproj-0.1.0.dist-info/direct_url.json says so): its code stays in a checkout on the build machine",
    );
  });
});

describe("layout: paths outside the root", () => {
  it("rejects absolute RECORD paths and '..' that leave the root, naming the distribution and paths", async () => {
    const bad: DistSpec = {
      name: "sneaky",
      version: "1.0",
      files: { "sneaky/__init__.py": "" },
      extraRecord: [
        ["/etc/cron.d/sneaky", "sha256=abc", "10"],
        ["../../../outside.txt", "sha256=def", "5"],
        ["sneaky/../../etc/x", "sha256=ghi", "5"],
      ],
    };
    const found = await run(buildTree(await tempDir(), [bad]));
    expect(found).toEqual([
      expect.objectContaining({
        severity: "error",
        distribution: "sneaky",
        path: "/etc/cron.d/sneaky",
        message: "sneaky 1.0's RECORD lists absolute paths, outside the package root: /etc/cron.d/sneaky",
      }),
      expect.objectContaining({
        severity: "error",
        distribution: "sneaky",
        message:
          "sneaky 1.0's RECORD lists paths with '..' that leave the package root: ../../../outside.txt, sneaky/../../etc/x",
      }),
    ]);
  });

  it("accepts pip --target's home-scheme entries (../../bin scripts, ../../include headers, data moved into the tree)", async () => {
    const tree = buildTree(await tempDir(), [
      {
        name: "greenlet",
        version: "3.0.3",
        files: { "greenlet/__init__.py": "", "share/greenlet/data.txt": "x" },
        extraRecord: [
          ["../../bin/greenlet-tool", "sha256=abc", "10"],
          ["../../include/python/greenlet/greenlet.h", "sha256=def", "10"],
          ["../../share/greenlet/data.txt", "sha256=ghi", "1"],
        ],
      },
    ]);
    expect(await run(tree)).toEqual([]);
  });

  it("rejects symlinks that point outside the tree or nowhere, accepts links inside it", async () => {
    const outside = path.join(await tempDir(), "secret.txt");
    writeFileSync(outside, "secret");
    const tree = buildTree(await tempDir(), [
      {
        name: "linky",
        version: "0.2",
        files: {
          "linky/__init__.py": "",
          "linky/libfoo.so.1.0": "\x7fELF not really",
          "linky/libfoo.so.1": { symlink: "libfoo.so.1.0" },
          "linky/escape.txt": { symlink: outside },
          "linky/climb.txt": { symlink: "../../../../../../etc/hostname" },
          "linky/dangling.txt": { symlink: "missing.txt" },
        },
      },
    ]);
    const found = (await run(tree)).filter((f) => f.severity === "error");
    expect(found.map((f) => f.path)).toEqual(["linky/climb.txt", "linky/dangling.txt", "linky/escape.txt"]);
    expect(found[2]?.message).toBe(
      `linky/escape.txt (from linky 0.2) is a symbolic link to ${outside}, outside the dependency tree (${outside})`,
    );
    expect(found[1]?.message).toBe(
      "linky/dangling.txt (from linky 0.2) is a symbolic link to missing.txt, which does not exist",
    );
  });
});

describe("layout: permissions", () => {
  it("warns about setuid/setgid and world-writable files (the zip drops those bits)", async () => {
    const root = await tempDir();
    const tree = buildTree(root, [
      {
        name: "perms",
        version: "1.0",
        files: {
          "perms/__init__.py": "",
          "perms/tool": { content: "#!/bin/sh\n", mode: 0o755 },
          "perms/open.py": { content: "", mode: 0o666 },
        },
      },
    ]);
    chmodSync(path.join(root, "perms/tool"), 0o4755); // chmod after write: some umasks strip it on create
    const found = await run({ ...tree, files: walk(root, tree.distributions) });
    expect(found).toEqual([
      expect.objectContaining({
        severity: "warning",
        check: "permissions",
        distribution: "perms",
        path: "perms/tool",
        message: "1 file has the setuid or setgid bit: perms/tool (perms) 4755",
      }),
      expect.objectContaining({
        severity: "warning",
        check: "permissions",
        path: "perms/open.py",
        message: "1 file is world-writable: perms/open.py (perms) 0666",
        hint: expect.stringContaining("0644/0755"),
      }),
    ]);
  });

  it("passes a clean tree with no finding", async () => {
    const tree = buildTree(await tempDir(), [
      {
        name: "clean",
        version: "1.0",
        files: {
          "clean/__init__.py": "",
          "clean/data/x.json": "{}",
          "clean/run": { content: "#!/bin/sh\n", mode: 0o755 },
        },
      },
    ]);
    expect(await run(tree)).toEqual([]);
  });
});
