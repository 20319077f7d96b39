/**
 * The action bundled as dist/index.js is (scripts/build-config.mjs, the one esbuild
 * configuration), from the current sources: built once for a given state of src/ and
 * shared by every test file and worker that runs the bundle as the runner does.
 */
import { createHash } from "node:crypto";
import { mkdir, readdir, readFile, rename, rm, stat } from "node:fs/promises";
import path from "node:path";
import { build } from "esbuild";
import { ACTION_ENTRY, esbuildOptions, REPO } from "../../scripts/build-config.mjs";

const CACHE = path.join(REPO, "node_modules", ".cache", "lpp-test-bundle");

/** What the bundle is made of: every source file, the configuration and the locked dependencies. */
async function sourcesHash(): Promise<string> {
  const hash = createHash("sha256");
  const files: string[] = [];
  const walk = async (dir: string) => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const p = path.join(dir, entry.name);
      if (entry.isDirectory()) await walk(p);
      else files.push(p);
    }
  };
  await walk(path.join(REPO, "src"));
  files.push(path.join(REPO, "scripts", "build-config.mjs"), path.join(REPO, "package-lock.json"));
  for (const file of files.sort()) hash.update(`${path.relative(REPO, file)}\0`).update(await readFile(file));
  return hash.digest("hex").slice(0, 24);
}

/**
 * The path of the bundled action (index.js, with its chunks/ beside it, as in dist/) for the
 * sources as they are now.
 */
export async function bundledAction(): Promise<string> {
  const name = await sourcesHash();
  const bundle = path.join(CACHE, name);
  const entry = path.join(bundle, "index.js");
  if (await stat(entry).catch(() => undefined)) return entry;
  await mkdir(CACHE, { recursive: true });
  // another worker may build it at the same time: each writes its own folder and renames it in place
  const partial = `${bundle}.${process.pid}.partial`;
  await rm(partial, { recursive: true, force: true });
  await build(esbuildOptions(ACTION_ENTRY, path.join(partial, "index.js")));
  await rename(partial, bundle).catch(async (error: NodeJS.ErrnoException) => {
    // the other worker was first: its folder is the same bundle
    if (error.code !== "ENOTEMPTY" && error.code !== "EEXIST") throw error;
    await rm(partial, { recursive: true, force: true });
  });
  for (const old of await readdir(CACHE)) {
    if (old !== name && !old.endsWith(".partial")) await rm(path.join(CACHE, old), { recursive: true, force: true });
  }
  return entry;
}
