/**
 * What a cache hit restores and how it is verified, decided apart from any file: the
 * manifest must be this key's and this compressor's, one digest over the zip must match
 * it, and the zip's central directory with the manifest's owners is the listing the later
 * stages read (never a tree on disk).
 */
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CacheManifest } from "../src/cache/manifest.ts";
import {
  dependencyZipRecord,
  listingFromZip,
  manifestProblems,
  ownersOf,
  THIS_COMPRESSOR,
  zipDigestProblems,
} from "../src/dependencies/plan.ts";
import { checkTree, inspectTree, scanTree } from "../src/inspect/index.ts";
import { readTree } from "../src/install/tree.ts";
import type { DependencyTree } from "../src/install/types.ts";
import { makeTarget } from "../src/target.ts";
import { dependencyMembers } from "../src/zip/package.ts";
import { readZipDirectory, type ZipDirectory } from "../src/zip/reader.ts";
import { writeZip } from "../src/zip/writer.ts";

const KEY = "lpp-v2-python3.12-x86_64-0123456789abcdef0123456789abcdef01234567";
let work: string;
let tree: DependencyTree;
let directory: ZipDirectory;
let manifest: CacheManifest;

beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), "lpp-depplan-"));
  const root = path.join(work, "tree");
  await mkdir(path.join(root, "alpha"), { recursive: true });
  await mkdir(path.join(root, "alpha-1.0.dist-info"), { recursive: true });
  await writeFile(path.join(root, "alpha", "__init__.py"), "A = 1\n");
  await writeFile(path.join(root, "alpha", "tool"), "#!/bin/sh\n", { mode: 0o755 });
  await writeFile(path.join(root, "alpha-1.0.dist-info", "METADATA"), "Name: alpha\nVersion: 1.0\n\n");
  await writeFile(
    path.join(root, "alpha-1.0.dist-info", "RECORD"),
    "alpha/__init__.py,,\nalpha/tool,,\nalpha-1.0.dist-info/METADATA,,\nalpha-1.0.dist-info/RECORD,,\n",
  );
  await writeFile(path.join(root, "stray.txt"), "nobody's\n");
  // a finding of the tree checks (a .pth Lambda never reads), to be replayed on a hit
  await writeFile(path.join(root, "alpha-nspkg.pth"), "import sys\n");
  tree = await readTree(root);
  const zip = await writeZip(dependencyMembers(tree.files), path.join(work, "dependencies.zip"));
  directory = await readZipDirectory(zip.path);
  manifest = {
    format: 2,
    key: KEY,
    dependencyZip: dependencyZipRecord(zip),
    distributions: tree.distributions.map(({ record: _r, ...d }) => d),
    owners: ownersOf(tree, directory.entries),
    treeChecks: { before: [], collisions: { strict: [], allowed: [] }, after: [] },
    installMs: 1200,
  };
});

afterAll(() => rm(work, { recursive: true, force: true }));

describe("what a hit restores and how it is verified", () => {
  it("lists the zip's entries as the installed tree's files: names, sizes, modes and owners", () => {
    const listed = listingFromZip(manifest, directory.entries, { alpha: "alpha-1.0-py3-none-any.whl" });
    expect("listing" in listed).toBe(true);
    if (!("listing" in listed)) return;
    const strip = (files: typeof tree.files) =>
      files.map(({ path, size, executable, distribution }) => ({ path, size, executable, distribution }));
    expect(listed.listing.files).toEqual(strip(tree.files));
    expect(listed.listing.files.find((f) => f.path === "alpha/tool")?.executable).toBe(true);
    expect(listed.listing.files.find((f) => f.path === "stray.txt")?.distribution).toBeUndefined();
    expect(listed.listing.distributions).toEqual([{ ...manifest.distributions[0], record: [] }]);
    expect(listed.listing.chosenWheels).toEqual({ alpha: "alpha-1.0-py3-none-any.whl" });
  });

  it("uses a manifest only for its own key and this build's compressor", () => {
    expect(manifestProblems(KEY, manifest)).toEqual([]);
    expect(manifestProblems(`${KEY}0`, manifest)).toEqual(["its manifest is missing or unreadable"]);
    expect(manifestProblems(KEY, undefined)).toEqual(["its manifest is missing or unreadable"]);
    const other = { ...manifest, dependencyZip: { ...manifest.dependencyZip, zlib: "0.0.1-other" } };
    expect(manifestProblems(KEY, other)[0]).toMatch(/made by zlib 0\.0\.1-other at level 6, this build has zlib/);
    expect(manifestProblems(KEY, other, { zlib: "0.0.1-other", level: THIS_COMPRESSOR.level })).toEqual([]);
  });

  it("verifies the restored zip by one digest against the manifest", () => {
    const { sha256, size } = manifest.dependencyZip;
    expect(zipDigestProblems(manifest, { sha256, size }, "dependencies.zip")).toEqual([]);
    expect(zipDigestProblems(manifest, { sha256: "0".repeat(64), size }, "dependencies.zip")).toEqual([
      "dependencies.zip has other content than when it was saved",
    ]);
    expect(zipDigestProblems(manifest, { sha256, size: size + 1 }, "dependencies.zip")).toHaveLength(1);
    expect(zipDigestProblems(manifest, undefined, "dependencies.zip")).toEqual(["dependencies.zip is missing"]);
  });

  it("without a digest (the store checked the bytes as it restored them) still compares the size", () => {
    const { size } = manifest.dependencyZip;
    expect(zipDigestProblems(manifest, { size }, "dependencies.zip")).toEqual([]);
    expect(zipDigestProblems(manifest, { size: size - 1 }, "dependencies.zip")).toEqual([
      "dependencies.zip has other content than when it was saved",
    ]);
  });

  it("refuses a manifest that does not describe its zip", () => {
    const fewer = { ...manifest, owners: manifest.owners.slice(1) };
    expect(listingFromZip(fewer, directory.entries, {})).toMatchObject({ problems: [expect.stringMatching(/owners/)] });
    const unknown = { ...manifest, owners: manifest.owners.map(() => 7) };
    expect(listingFromZip(unknown, directory.entries, {})).toMatchObject({
      problems: expect.arrayContaining(["its manifest names no distribution 7"]),
    });
    const outside = directory.entries.map((e, i) => (i === 0 ? { ...e, name: "../escape.py" } : e));
    expect(listingFromZip(manifest, outside, {})).toMatchObject({
      problems: [expect.stringMatching(/outside python\/: "\.\.\/escape\.py"/)],
    });
  });
});

describe("inspection on a hit", () => {
  it("finds from the zip's listing and the stored tree checks what it found in the installed tree", async () => {
    const target = makeTarget("python3.12", "x86_64");
    const common = {
      target,
      code: [{ path: "alpha.py", size: 10 }],
      packageMode: "function" as const,
      allowCollisions: false,
      lockfile: "requirements.txt",
      lockfileText: "alpha==1.0\n",
    };
    const cold = await inspectTree({ ...common, tree });
    expect(cold.findings.map((f) => f.check)).toEqual(expect.arrayContaining(["collision", "layout"]));
    const listed = listingFromZip(manifest, directory.entries, {});
    if (!("listing" in listed)) throw new Error(listed.problems.join("; "));
    const stored = JSON.parse(JSON.stringify(checkTree(tree, target, await scanTree(tree))));
    const warm = await inspectTree({ ...common, tree: listed.listing, treeChecks: stored });
    expect(warm).toEqual(cold);
  });
});
