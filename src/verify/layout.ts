/**
 * The built zips unpacked as Lambda lays them out: the function code in a `task` folder
 * (Lambda's /var/task), the layer in an `opt` folder (/opt), both read-only. Unpacked once
 * per build: the import check and the cold-start measurement both run in it.
 */
import { chmod, mkdir, mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { EntryReader, inflateEntry, readZipDirectory, type ZipDirectory } from "../zip/reader.ts";

export interface LambdaLayout {
  /** Lambda's /var/task */
  task: string;
  /** Lambda's /opt */
  opt: string;
  /** the read-only folder holding both: HOME of the processes */
  root: string;
  /** a writable folder beside them, for the measurement's own files */
  work: string;
}

/** Runs `fn` with the zips unpacked read-only, then removes them. */
export async function withLambdaLayout<T>(
  zips: { functionZip?: string; layerZip?: string; scratch: string },
  fn: (layout: LambdaLayout) => Promise<T>,
): Promise<T> {
  const root = await mkdtemp(path.join(zips.scratch, "import-"));
  const layout = { root, task: path.join(root, "task"), opt: path.join(root, "opt"), work: path.join(root, "work") };
  try {
    await mkdir(layout.task);
    await mkdir(layout.opt);
    await mkdir(layout.work);
    if (zips.functionZip) await unzipInto(zips.functionZip, layout.task);
    if (zips.layerZip) await unzipInto(zips.layerZip, layout.opt);
    await readOnly(layout.task, true);
    await readOnly(layout.opt, true);
    await chmod(root, 0o555);
    return await fn(layout);
  } finally {
    await chmod(root, 0o755).catch(() => undefined);
    for (const dir of [layout.task, layout.opt]) await readOnly(dir, false).catch(() => undefined);
    await rm(root, { recursive: true, force: true });
  }
}

/** Every entry written under `into`; names are checked so none can leave it. */
async function unzipInto(zip: string, into: string): Promise<void> {
  const directory = await readZipDirectory(zip);
  const reader = new EntryReader(directory);
  try {
    await unzipEntries(zip, directory.entries, reader, into);
  } finally {
    await reader.close();
  }
}

async function unzipEntries(
  zip: string,
  entries: ZipDirectory["entries"],
  reader: EntryReader,
  into: string,
): Promise<void> {
  for (const entry of entries) {
    const target = path.resolve(into, entry.name);
    if (!target.startsWith(`${into}${path.sep}`)) throw new Error(`${zip}: entry ${entry.name} leaves the folder`);
    if (entry.name.endsWith("/")) {
      await mkdir(target, { recursive: true });
      continue;
    }
    const stored = await reader.read(entry);
    const data = inflateEntry(entry, stored);
    await mkdir(path.dirname(target), { recursive: true });
    await writeFile(target, data, { mode: 0o644 });
  }
}

/** Lambda's code folders are read-only: an import that writes next to itself fails here as there. */
async function readOnly(dir: string, on: boolean): Promise<void> {
  if (!on) await chmod(dir, 0o755);
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) await readOnly(path.join(dir, entry.name), on);
  }
  if (on) await chmod(dir, 0o555);
}
