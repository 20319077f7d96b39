/**
 * The handler imported for real, from the built zips laid out as Lambda lays them out:
 * the function code in a `task` folder (Lambda's /var/task), the layer in an `opt`
 * folder (/opt), both read-only; Python started with -S -I (no site-packages, no user
 * site, no PYTHONPATH) and only those folders put on sys.path, so nothing installed on
 * the runner can satisfy an import that would fail in Lambda.
 */
import { chmod, mkdir, mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { runBounded } from "../install/process.ts";
import { EntryReader, inflateEntry, readZipDirectory, type ZipDirectory } from "../zip/reader.ts";

export interface ImportOutcome {
  ok: boolean;
  /** the exception's class, e.g. ModuleNotFoundError */
  errorType?: string;
  message?: string;
  /** the module that could not be found (ModuleNotFoundError.name) */
  missing?: string;
  /** file and line inside the zips where it was raised, relative to the zip root */
  file?: string;
  line?: number;
  /** the module imported but has no callable of that name */
  notCallable?: boolean;
}

const MARK = "@@lambda-python-package@@";
// argv: task dir, opt dir, python minor (3.12), module, function
const IMPORT_SCRIPT = `
import sys, json, importlib, traceback
task, opt, minor, module, name = sys.argv[1:6]
sys.path[:0] = [task, opt + "/python/lib/python" + minor + "/site-packages", opt + "/python"]
# the result line is written last and kept whole: runBounded keeps the last megabyte
MESSAGE = 65536
def where(tb):
    for frame in reversed(traceback.extract_tb(tb)):
        if frame.filename.startswith((task + "/", opt + "/")):
            return frame.filename, frame.lineno
    return None, None
try:
    m = importlib.import_module(module)
    out = {"ok": callable(getattr(m, name, None)), "notCallable": not callable(getattr(m, name, None))}
except SyntaxError as e:
    out = {"ok": False, "errorType": type(e).__name__, "message": str(e.msg)[:MESSAGE], "file": e.filename, "line": e.lineno}
except BaseException as e:
    f, l = where(e.__traceback__)
    out = {"ok": False, "errorType": type(e).__name__, "message": str(e)[:MESSAGE], "file": f, "line": l,
           "missing": getattr(e, "name", None) if isinstance(e, ImportError) else None}
sys.stdout.write("\\n${MARK}" + json.dumps(out) + "\\n")
`;

/** Import `module` and look up `name`, with the zips unpacked into a read-only Lambda layout. */
export async function importHandler(options: {
  python: string;
  pythonVersion: string;
  functionZip?: string;
  layerZip?: string;
  module: string;
  name: string;
  scratch: string;
  timeoutMs: number;
  /** PATH that finds `python` when it is a bare command name */
  path: string;
}): Promise<ImportOutcome> {
  const root = await mkdtemp(path.join(options.scratch, "import-"));
  const task = path.join(root, "task");
  const opt = path.join(root, "opt");
  try {
    await mkdir(task);
    await mkdir(opt);
    if (options.functionZip) await unzipInto(options.functionZip, task);
    if (options.layerZip) await unzipInto(options.layerZip, opt);
    await readOnly(root, true);
    const result = await runBounded(
      options.python,
      ["-S", "-I", "-B", "-c", IMPORT_SCRIPT, task, opt, options.pythonVersion, options.module, options.name],
      { env: { PATH: options.path, HOME: root, LANG: "C.UTF-8" }, cwd: task, timeoutMs: options.timeoutMs },
    );
    const marked = result.stdout.lastIndexOf(MARK);
    if (marked < 0) {
      const timedOut = result.code === null;
      return {
        ok: false,
        errorType: timedOut ? "Timeout" : "Crash",
        message: timedOut
          ? `the import did not finish in ${options.timeoutMs / 1000} s`
          : `Python exited with code ${result.code}: ${result.stderr.trim().split("\n").slice(-3).join(" ")}`,
      };
    }
    const outcome = JSON.parse(result.stdout.slice(marked + MARK.length).trim()) as ImportOutcome & {
      file?: string | null;
      line?: number | null;
      missing?: string | null;
    };
    const relative = outcome.file
      ? outcome.file.startsWith(`${task}/`)
        ? outcome.file.slice(task.length + 1)
        : outcome.file.startsWith(`${opt}/`)
          ? outcome.file.slice(opt.length + 1)
          : undefined
      : undefined;
    return {
      ok: outcome.ok,
      errorType: outcome.errorType,
      message: outcome.message,
      missing: outcome.missing ?? undefined,
      file: relative,
      line: outcome.line ?? undefined,
      notCallable: outcome.notCallable,
    };
  } finally {
    await readOnly(root, false).catch(() => undefined);
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
