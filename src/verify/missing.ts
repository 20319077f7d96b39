/** Pure: an import failure in the user's terms, with the distribution a missing module usually comes from. */
import { UserError } from "../errors.ts";
import { slimKeepLine } from "../optimize/plan.ts";
import type { HandlerRef } from "./handler.ts";
import type { ImportOutcome } from "./imports.ts";

/** Top-level modules whose distribution has another name. */
const DISTRIBUTION_OF: Record<string, string> = {
  yaml: "PyYAML",
  PIL: "Pillow",
  cv2: "opencv-python-headless",
  sklearn: "scikit-learn",
  bs4: "beautifulsoup4",
  dateutil: "python-dateutil",
  jwt: "PyJWT",
  dotenv: "python-dotenv",
  Crypto: "pycryptodome",
  MySQLdb: "mysqlclient",
  psycopg2: "psycopg2-binary",
  attr: "attrs",
  magic: "python-magic",
  google: "the google-* distribution of the submodule",
  pkg_resources: "setuptools",
  multipart: "python-multipart",
  docx: "python-docx",
  jose: "python-jose",
  ldap: "python-ldap",
  serial: "pyserial",
  usb: "pyusb",
  zmq: "pyzmq",
  lxml: "lxml",
};

/** The Lambda Python runtimes ship these; an import check without them proves nothing about them. */
const RUNTIME_PROVIDED = new Set(["boto3", "botocore", "s3transfer", "jmespath", "awslambdaric"]);

/**
 * The file slim removed that a failed import needed: the module Python did not find, or the
 * file its FileNotFoundError names (as it lies in the zip, under python/ in a layer).
 */
export function slimCause(outcome: ImportOutcome, removed: readonly string[]): string | undefined {
  if (removed.length === 0) return undefined;
  if (outcome.errorType === "ModuleNotFoundError" && outcome.missing) {
    const base = outcome.missing.replace(/\./g, "/");
    return removed.find(
      (p) => p === `${base}.py` || p.startsWith(`${base}/`) || (p.startsWith(`${base}.`) && p.endsWith(".so")),
    );
  }
  const message = outcome.message ?? "";
  return removed.find((p) => message.includes(`/${p}'`) || message.includes(`/${p}"`));
}

export function importFailure(
  ref: HandlerRef,
  outcome: ImportOutcome,
  slimRemoved: readonly string[] = [],
): { error: UserError; runtimeProvided: boolean } {
  const where = { file: outcome.file, line: outcome.line };
  const removed = slimCause(outcome, slimRemoved);
  if (removed) {
    const needed = outcome.missing ? `no module named ${outcome.missing}` : `${outcome.errorType}: ${outcome.message}`;
    const by = outcome.file ? `, needed by ${outcome.file}${outcome.line ? `:${outcome.line}` : ""}` : "";
    return {
      runtimeProvided: false,
      error: new UserError(`handler ${ref.handler} cannot import in Lambda: slim removed ${removed}${by} (${needed})`, {
        where,
        hint: `keep it with the line \`${slimKeepLine(removed)}\` in \`slim-keep\` (slim keeps what shipped code names in an import or a literal; this name is made at run time), or set \`slim: false\`; nothing was deployed`,
      }),
    };
  }
  if (outcome.notCallable) {
    return {
      runtimeProvided: false,
      error: new UserError(
        `handler ${ref.handler}: module ${ref.module} imports, but ${ref.function} is not a callable in it`,
        {
          hint: "fix the function name in `handler`",
        },
      ),
    };
  }
  const top = outcome.missing?.split(".")[0];
  if (outcome.errorType === "ModuleNotFoundError" && top) {
    if (RUNTIME_PROVIDED.has(top)) {
      return {
        runtimeProvided: true,
        error: new UserError(
          `handler ${ref.handler}: the import check stopped at ${top}, which the Lambda runtime provides; the rest of the import was not checked`,
        ),
      };
    }
    const distribution = DISTRIBUTION_OF[top] ?? top;
    return {
      runtimeProvided: false,
      error: new UserError(
        `handler ${ref.handler} cannot import in Lambda: no module named ${outcome.missing}${outcome.file ? ` (imported by ${outcome.file}${outcome.line ? `:${outcome.line}` : ""})` : ""}`,
        {
          where,
          hint: `add the distribution that provides ${top} (${distribution}) to the lockfile, or ship the module with the code; nothing was deployed`,
        },
      ),
    };
  }
  return {
    runtimeProvided: false,
    error: new UserError(
      `handler ${ref.handler} cannot import in Lambda: ${outcome.errorType ?? "error"}: ${outcome.message ?? ""}`,
      {
        where,
        hint: "fix the error in the module (it happens at import time, before any event); nothing was deployed",
      },
    ),
  };
}
