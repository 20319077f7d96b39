/**
 * dist/ carries the license notice of every package it bundles, and every license is
 * one we accept. The bundle is built as `npm run build` builds it (scripts/build.mjs,
 * into a temporary folder so the test sees the current sources and lockfile); its inputs
 * come from the same esbuild configuration (scripts/build-config.mjs).
 */
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { build } from "esbuild";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { esbuildOptions, REPO } from "../scripts/build-config.mjs";
import { ALLOWED_LICENSES, bundledPackages, disallowed, licenseProblems } from "../scripts/licenses.mjs";

let work: string;
let notices: Map<string, { license: string; text: string }>;
let inputs: string[];

/** licenses.txt as a reader sees it: one section per name@version. */
function parseNotices(text: string) {
  const sections = text.split(`\n${"=".repeat(72)}\n`).slice(1);
  return new Map(
    sections.map((section) => {
      const [id = "", licenseLine = "", ...body] = section.split("\n");
      return [id, { license: licenseLine.replace(/^License: /, ""), text: body.join("\n").trim() }];
    }),
  );
}

beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), "lpp-licenses-"));
  await promisify(execFile)(process.execPath, [path.join(REPO, "scripts", "build.mjs"), path.join(work, "dist")]);
  notices = parseNotices(await readFile(path.join(work, "dist", "licenses.txt"), "utf8"));
  const { metafile } = await build({
    ...esbuildOptions(undefined, path.join(work, "probe", "index.js")),
    write: false,
  });
  inputs = Object.keys(metafile.inputs);
}, 120_000);

afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

/** name@version of the package that holds a bundled file, read from its own package.json. */
async function packageOf(input: string): Promise<string | undefined> {
  const parts = input.split("/");
  const at = parts.lastIndexOf("node_modules");
  if (at < 0) return undefined;
  const dir = parts.slice(0, at + (parts[at + 1]?.startsWith("@") ? 3 : 2)).join("/");
  const manifest = JSON.parse(await readFile(path.join(REPO, dir, "package.json"), "utf8"));
  return `${manifest.name}@${manifest.version}`;
}

describe("dist/licenses.txt", () => {
  it("has a notice with text for every package in the bundle", async () => {
    const bundled = new Set<string>();
    for (const input of inputs) {
      const id = await packageOf(input);
      if (id) bundled.add(id);
    }
    // the AWS SDK and the toolkit at least: a bundle of only our own files would make this vacuous
    expect([...bundled].some((id) => id.startsWith("@aws-sdk/client-lambda@"))).toBe(true);
    expect([...bundled].some((id) => id.startsWith("@actions/core@"))).toBe(true);
    const missing = [...bundled].filter((id) => !notices.get(id)?.text);
    expect(missing, "bundled packages without a license text in licenses.txt").toEqual([]);
    expect([...notices.keys()].sort()).toEqual([...bundled].sort());
  });

  it("names only licenses in the allow-list", () => {
    const refused = [...notices]
      .filter(([, n]) => disallowed(n.license).length > 0)
      .map(([id, n]) => `${id}: ${n.license}`);
    expect(refused).toEqual([]);
  });

  it("carries the Apache-2.0 text for the AWS SDK", () => {
    const sdk = [...notices].find(([id]) => id.startsWith("@aws-sdk/client-s3@"))?.[1];
    expect(sdk?.license).toBe("Apache-2.0");
    expect(sdk?.text).toContain("Apache License");
    expect(sdk?.text).toContain("Version 2.0, January 2004");
  });
});

describe("the license check", () => {
  let tree: string;
  beforeAll(async () => {
    tree = path.join(work, "tree");
    const write = async (dir: string, manifest: object, files: Record<string, string> = {}) => {
      await mkdir(path.join(tree, dir), { recursive: true });
      await writeFile(path.join(tree, dir, "package.json"), JSON.stringify(manifest));
      for (const [name, text] of Object.entries(files)) await writeFile(path.join(tree, dir, name), text);
    };
    await write(
      "node_modules/copyleft",
      { name: "copyleft", version: "2.1.0", license: "GPL-3.0-only" },
      {
        COPYING: "GNU GENERAL PUBLIC LICENSE",
      },
    );
    await write(
      "node_modules/@scope/dual",
      { name: "@scope/dual", version: "1.0.0", license: "(GPL-2.0 OR MIT)" },
      {
        "LICENSE-MIT": "MIT License",
      },
    );
    await write("node_modules/@scope/dual/node_modules/silent", { name: "silent", version: "0.1.0" });
    await write(
      "node_modules/apache",
      { name: "apache", version: "3.0.0", license: "Apache-2.0" },
      {
        LICENSE: "Apache License",
        NOTICE: "This product includes software developed at Example Corp.",
      },
    );
  });

  const metafile = (files: string[]) => ({
    inputs: Object.fromEntries(files.map((f) => [f, { bytes: 1, imports: [] }])),
    outputs: {},
  });

  it("refuses a license outside the allow-list, naming the package", () => {
    const packages = bundledPackages(
      tree,
      metafile(["node_modules/copyleft/index.js", "node_modules/@scope/dual/lib/a.js", "src/main.ts"]),
    );
    const problems = licenseProblems(packages);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^copyleft@2\.1\.0 .*GPL-3\.0-only is not in the allow-list/);
    expect(ALLOWED_LICENSES).not.toContain("GPL-3.0-only");
  });

  it("refuses a package that declares no license, naming the nested package", () => {
    const packages = bundledPackages(tree, metafile(["node_modules/@scope/dual/node_modules/silent/index.js"]));
    expect(licenseProblems(packages).join("\n")).toMatch(/silent@0\.1\.0 .*\(none declared\) is not in the allow-list/);
  });

  it("keeps an Apache-2.0 package's NOTICE next to its LICENSE", () => {
    const [apache] = bundledPackages(tree, metafile(["node_modules/apache/index.js"]));
    expect(apache?.texts.map((t) => t.file)).toEqual(["LICENSE", "NOTICE"]);
    expect(licenseProblems(apache ? [apache] : [])).toEqual([]);
  });
});
