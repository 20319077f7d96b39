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
import { type ColdStartOutcome, spreadOf } from "./coldstart.ts";
import { findModule, type HandlerRef, parseHandler, staticVerdict } from "./handler.ts";
import { type ImportOutcome, importHandler } from "./imports.ts";
import { withLambdaLayout } from "./layout.ts";
import { type MeasureOptions, measureImport, writeBytecode } from "./measure.ts";
import { importFailure } from "./missing.ts";

export interface VerifyResult {
  handler: string;
  /** the zip entry holding the module */
  module: string;
  /** "imported", or why the import was not tried */
  imported: "imported" | { skipped: string };
  /** the import's cold-start figures, or why there are none */
  coldStart: ColdStartOutcome;
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
  /** the zips, by the paths messages name them by */
  functionZip?: ZipResult;
  layerZip?: ZipResult;
  /** where the zips are read from while they wait under temporary names (writePackages) */
  staged?: { functionZip?: string; layerZip?: string };
  python?: string;
  env: NodeJS.ProcessEnv;
  scratch: string;
  log: Log;
  measure: {
    /** the zips ship no bytecode: measure the import with it too, for the suggestion of `compile` */
    withBytecode: boolean;
    /** top-level import name → its distribution */
    owners: ReadonlyMap<string, { name: string; version: string }>;
  };
}): Promise<VerifyResult> {
  const { target, functionZip, layerZip, log } = options;
  const ref = parseHandler(options.handler);
  if (ref instanceof UserError) throw ref;
  const functionFile = functionZip && (options.staged?.functionZip ?? functionZip.path);
  const layerFile = layerZip && (options.staged?.layerZip ?? layerZip.path);
  // each central directory read once: for the names, then for the module's text
  const functionDirectory = functionFile ? await readZipDirectory(functionFile) : undefined;
  const layerDirectory = layerFile ? await readZipDirectory(layerFile) : undefined;
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
    return { handler: ref.handler, module, imported: { skipped: skip }, coldStart: { skipped: skip } };
  }
  const { command, version } = skip;
  const run = { python: command, timeoutMs: IMPORT_TIMEOUT_MS, path: options.env.PATH ?? "" };
  return withLambdaLayout(
    { functionZip: functionFile, layerZip: layerFile, scratch: options.scratch },
    async (layout) => {
      const measuring: MeasureOptions = {
        ...run,
        pythonVersion: version,
        pythonMinor: target.pythonVersion,
        module: ref.module,
        withBytecode: options.measure.withBytecode,
        owners: options.measure.owners,
      };
      const bytecodeWritten = measuring.withBytecode ? writeBytecode(layout, measuring) : undefined;
      try {
        const outcome = await importHandler(layout, {
          ...run,
          pythonVersion: target.pythonVersion,
          module: ref.module,
          name: ref.function,
        });
        const result = reportImport(ref, module, outcome, command, log);
        if (result.imported !== "imported") return { ...result, coldStart: { skipped: result.imported.skipped } };
        const coldStart = await measureImport(layout, measuring, bytecodeWritten);
        logColdStart(coldStart, log);
        return { ...result, coldStart };
      } finally {
        // the layout is removed next: the run beside the check has ended first
        await bytecodeWritten?.catch(() => undefined);
      }
    },
  );
}

async function whyNotRunnable(
  target: Target,
  options: { python?: string; env: NodeJS.ProcessEnv },
): Promise<string | { command: string; version: string }> {
  const runner = process.arch === "x64" ? "x86_64" : process.arch === "arm64" ? "arm64" : process.arch;
  if (runner !== target.architecture) {
    return `the target is ${target.architecture} and this runner is ${runner}: its compiled dependencies cannot load here`;
  }
  const { python, tried } = await findRuntimePython(target.pythonMinor, options.python, options.env);
  if (python) return { command: python.command, version: python.version };
  return `no Python ${target.pythonVersion} found (looked for the python input, python${target.pythonVersion} on PATH, $RUNNER_TOOL_CACHE/Python, pyenv${tried.length ? `; tried ${tried.join("; ")}` : ""})`;
}

function reportImport(
  ref: HandlerRef,
  module: string,
  outcome: ImportOutcome,
  python: string,
  log: Log,
): Omit<VerifyResult, "coldStart"> {
  if (outcome.ok) {
    log.info(`Handler ${ref.handler}: imported from the zips in Lambda's layout with ${python}`);
    return { handler: ref.handler, module, imported: "imported" };
  }
  const failure = importFailure(ref, outcome);
  if (failure.runtimeProvided) {
    log.annotate("notice", failure.error.message);
    return { handler: ref.handler, module, imported: { skipped: failure.error.message } };
  }
  throw failure.error;
}

function logColdStart(c: ColdStartOutcome, log: Log): void {
  if ("skipped" in c) {
    log.info(`Cold start: not measured: ${c.skipped}`);
    return;
  }
  const m = c.measured;
  const heaviest = m.packages
    .slice(0, 3)
    .map((p) => `${p.name} ${p.cumulativeMs} ms`)
    .join(", ");
  log.info(
    `Cold start: the handler's import took ${m.import.medianMs} ms (median of ${m.import.runs} runs, spread ${spreadOf(m.import)} ms), ${m.modules} modules, on this runner with Python ${m.python}${heaviest ? `; heaviest: ${heaviest}` : ""}`,
  );
}
