/**
 * The handler imported for real, from the built zips laid out as Lambda lays them out:
 * the function code in a `task` folder (Lambda's /var/task), the layer in an `opt`
 * folder (/opt), both read-only; Python started with -S -I (no site-packages, no user
 * site, no PYTHONPATH) and only those folders put on sys.path, so nothing installed on
 * the runner can satisfy an import that would fail in Lambda.
 */
import { runBounded } from "../install/process.ts";
import type { LambdaLayout } from "./layout.ts";

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

export const MARK = "@@lambda-python-package@@";
/** Lambda's sys.path, before the runtime's own: the code, then the layer's two folders (`task`, `opt`, `minor` set). */
export const LAMBDA_SYS_PATH = `sys.path[:0] = [task, opt + "/python/lib/python" + minor + "/site-packages", opt + "/python"]`;
// argv: task dir, opt dir, python minor (3.12), module, function
const IMPORT_SCRIPT = `
import sys, json, importlib, traceback
task, opt, minor, module, name = sys.argv[1:6]
${LAMBDA_SYS_PATH}
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

/** Import `module` and look up `name` in the read-only Lambda layout. */
export async function importHandler(
  layout: LambdaLayout,
  options: {
    python: string;
    pythonVersion: string;
    module: string;
    name: string;
    timeoutMs: number;
    /** PATH that finds `python` when it is a bare command name */
    path: string;
  },
): Promise<ImportOutcome> {
  const { task, opt } = layout;
  const result = await runBounded(
    options.python,
    ["-S", "-I", "-B", "-c", IMPORT_SCRIPT, task, opt, options.pythonVersion, options.module, options.name],
    lambdaProcess(layout, options),
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
}

/** How every process in the layout starts: Lambda's working directory, a read-only HOME, no outside variables. */
export function lambdaProcess(layout: LambdaLayout, options: { path: string; timeoutMs: number }) {
  return {
    env: { PATH: options.path, HOME: layout.root, LANG: "C.UTF-8" },
    cwd: layout.task,
    timeoutMs: options.timeoutMs,
  };
}
