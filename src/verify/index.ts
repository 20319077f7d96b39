/**
 * Stage verify: the handler named by the `handler` input is in the zips and defines
 * the function (static, every architecture), then imports from the built zips when the
 * runner can run the target's code. Either failure stops the build: nothing is deployed.
 */
import { UserError } from "../errors.ts";
import type { Log } from "../log.ts";
import { findRuntimePython } from "../runtime-python.ts";
import type { Target } from "../target.ts";
import { EntryReader, inflateEntry, readZipDirectory, type ZipDirectory } from "../zip/reader.ts";
import type { ZipResult } from "../zip/writer.ts";
import { findModule, type HandlerRef, parseHandler, staticVerdict } from "./handler.ts";
import { type ImportOutcome, importHandler } from "./imports.ts";
import { importFailure } from "./missing.ts";

export interface VerifyResult {
  handler: string;
  /** the zip entry holding the module */
  module: string;
  /** "imported", or why the import was not tried */
  imported: "imported" | { skipped: string };
}

const IMPORT_TIMEOUT_MS = 60_000;

/** Entry names of the zips, for the static check here and the deploy plan's handler check. */
export async function zipEntries(zip: ZipResult | undefined): Promise<Set<string>> {
  if (!zip) return new Set();
  return new Set((await readZipDirectory(zip.path)).entries.map((e) => e.name));
}

async function readEntry(directory: ZipDirectory, name: string): Promise<string | undefined> {
  const entry = directory.entries.find((e) => e.name === name);
  if (!entry || entry.size > 8 * 1024 * 1024) return undefined;
  const reader = new EntryReader(directory);
  try {
    const stored = await reader.read(entry);
    return inflateEntry(entry, stored).toString("utf8");
  } finally {
    await reader.close();
  }
}

export async function verifyHandler(options: {
  handler: string;
  target: Target;
  functionZip?: ZipResult;
  layerZip?: ZipResult;
  python?: string;
  env: NodeJS.ProcessEnv;
  scratch: string;
  log: Log;
  /** the files slim removed (tree paths): a failure on one of them names slim and slim-keep */
  slimRemoved?: readonly string[];
}): Promise<VerifyResult> {
  const { target, functionZip, layerZip, log } = options;
  const ref = parseHandler(options.handler);
  if (ref instanceof UserError) throw ref;
  // each central directory read once: for the names, then for the module's text
  const functionDirectory = functionZip ? await readZipDirectory(functionZip.path) : undefined;
  const layerDirectory = layerZip ? await readZipDirectory(layerZip.path) : undefined;
  const names = (d: ZipDirectory | undefined) => new Set(d?.entries.map((e) => e.name));
  const home = findModule(ref, names(functionDirectory), names(layerDirectory));
  const directoryOf = home?.zip === "function" ? functionDirectory : layerDirectory;
  const source = home && directoryOf ? await readEntry(directoryOf, home.entry) : undefined;
  const verdict = staticVerdict(ref, home, source, { function: functionZip?.path, layer: layerZip?.path });
  if (verdict.refusal || !verdict.home) throw verdict.refusal;
  log.info(
    `Handler ${ref.handler}: ${ref.function} defined in ${verdict.home.entry} (line ${verdict.line}, static check)`,
  );
  const module = verdict.home.entry;

  const skip = await whyNotRunnable(target, options);
  if (typeof skip === "string") {
    log.info(`Handler ${ref.handler}: import check not run: ${skip}; the static check above still applies`);
    return { handler: ref.handler, module, imported: { skipped: skip } };
  }
  const outcome = await importHandler({
    python: skip.command,
    pythonVersion: target.pythonVersion,
    functionZip: functionZip?.path,
    layerZip: layerZip?.path,
    module: ref.module,
    name: ref.function,
    scratch: options.scratch,
    timeoutMs: IMPORT_TIMEOUT_MS,
    path: options.env.PATH ?? "",
  });
  return reportImport(ref, module, outcome, skip.command, log, options.slimRemoved ?? []);
}

async function whyNotRunnable(
  target: Target,
  options: { python?: string; env: NodeJS.ProcessEnv },
): Promise<string | { command: string }> {
  const runner = process.arch === "x64" ? "x86_64" : process.arch === "arm64" ? "arm64" : process.arch;
  if (runner !== target.architecture) {
    return `the target is ${target.architecture} and this runner is ${runner}: its compiled dependencies cannot load here`;
  }
  const { python, tried } = await findRuntimePython(target.pythonMinor, options.python, options.env);
  if (python) return { command: python.command };
  return `no Python ${target.pythonVersion} found (looked for the python input, python${target.pythonVersion} on PATH, $RUNNER_TOOL_CACHE/Python, pyenv${tried.length ? `; tried ${tried.join("; ")}` : ""})`;
}

function reportImport(
  ref: HandlerRef,
  module: string,
  outcome: ImportOutcome,
  python: string,
  log: Log,
  slimRemoved: readonly string[],
): VerifyResult {
  if (outcome.ok) {
    log.info(`Handler ${ref.handler}: imported from the zips in Lambda's layout with ${python}`);
    return { handler: ref.handler, module, imported: "imported" };
  }
  const failure = importFailure(ref, outcome, slimRemoved);
  if (failure.runtimeProvided) {
    log.annotate("notice", failure.error.message);
    return { handler: ref.handler, module, imported: { skipped: failure.error.message } };
  }
  throw failure.error;
}
