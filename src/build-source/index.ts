/**
 * Building from source (input `build-from-source`): each pin the lock could not give a wheel
 * for is built on the runner, one `pip wheel` each, with build isolation and binary-only build
 * requirements from the same indexes (and credentials) as the install. An sdist or archive is
 * checked against the lock's hash by pip before anything of it runs; a git source is checked
 * out at its full commit and HEAD compared with it. The wheels are written again with fixed
 * times, and the pins now name their files (by hash too, when the lock has hashes): from there
 * on they install as any locked wheel, and the inspection judges them the same way.
 * The decisions are in plan.ts.
 */
import { mkdir, readdir, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { sha256File } from "../cache/manifest.ts";
import type { IndexPlan } from "../install/indexes.ts";
import { renderRequirements } from "../install/pip.ts";
import { runProcess } from "../install/process.ts";
import { findPython } from "../install/python.ts";
import type { BuildFromSource, LockedSet, PinnedRequirement } from "../lock/types.ts";
import { normalizeName } from "../lock/types.ts";
import type { Log } from "../log.ts";
import { findRuntimePython } from "../runtime-python.ts";
import type { Target } from "../target.ts";
import { checkoutCommit } from "./git.ts";
import {
  type BuiltFromSource,
  buildEnvironment,
  buildFailure,
  checkBuiltWheel,
  judgeBuiltWheel,
  pinLabel,
  pinLine,
  pipWheelArgs,
  runnerMachine,
  sourceLabel,
} from "./plan.ts";
import { readBuiltWheel, writeBuiltWheel } from "./wheel.ts";

export type { BuiltFromSource } from "./plan.ts";

export interface SourceBuildRequest {
  mode: BuildFromSource;
  lock: LockedSet;
  indexes: IndexPlan;
  target: Target;
  scratch: string;
  env: NodeJS.ProcessEnv;
  log: Log;
  /** the `python` input */
  python: string | undefined;
}

export interface SourceBuilds {
  /** the lock with each built pin naming its wheel (version, hash), the others as they were */
  lock: LockedSet;
  /** the indexes, as they were (a built pin names its wheel file) */
  indexes: IndexPlan;
  built: BuiltFromSource[];
}

/** Builds every pin with a source; a lock without one is returned as it is, and no Python is started. */
export async function buildSources(request: SourceBuildRequest): Promise<SourceBuilds> {
  const { lock, indexes, log } = request;
  const pins = lock.requirements.filter((r) => r.build !== undefined);
  if (pins.length === 0) return { lock, indexes, built: [] };
  const builder = await findBuilder(request);
  const wheelDir = path.join(request.scratch, "built-wheels");
  await mkdir(wheelDir, { recursive: true });
  const built: BuiltFromSource[] = [];
  const hashing = lock.requirements.some((r) => r.hashes.length > 0);
  const replaced = new Map<PinnedRequirement, PinnedRequirement>();
  for (const pin of pins) {
    const started = performance.now();
    const wheel = await log.group(`Build ${pinLabel(pin)} from ${sourceLabel(pin)}`, () =>
      buildOne(pin, request, builder, wheelDir),
    );
    const ms = Math.round(performance.now() - started);
    const name = path.basename(wheel.file);
    log.info(`Built ${wheel.name} ${wheel.version} from ${sourceLabel(pin)} in ${(ms / 1000).toFixed(1)} s: ${name}`);
    built.push({ name: wheel.name, version: wheel.version, source: sourceLabel(pin), wheel: name, ms });
    const { build: _build, index: _index, ...rest } = pin;
    // by hash only where the lock checks hashes: one hash would put pip in hash-checking mode for every pin
    const hashes = hashing ? [`sha256:${wheel.sha256}`] : [];
    replaced.set(pin, { ...rest, version: wheel.version, hashes, wheel: wheel.file });
  }
  return { lock: { ...lock, requirements: lock.requirements.map((r) => replaced.get(r) ?? r) }, indexes, built };
}

interface Builder {
  command: string;
  minor: number;
}

/** The runtime's Python when the runner has it (a platform wheel must come from it), else the installer's. */
async function findBuilder({ target, python, env, log }: SourceBuildRequest): Promise<Builder> {
  const runtime = await findRuntimePython(target.pythonMinor, python, env);
  if (runtime.python) return { command: runtime.python.command, minor: target.pythonMinor };
  const host = await findPython(python, env);
  log.info(
    `No Python ${target.pythonVersion} on this runner: building from source with Python ${host.version} (${host.command}); only pure-Python builds can ship`,
  );
  return { command: host.command, minor: Number(host.version.split(".")[1]) };
}

/** One pin: its source fetched and checked, `pip wheel`, the wheel judged and written again. */
async function buildOne(
  pin: PinnedRequirement,
  request: SourceBuildRequest,
  builder: Builder,
  wheelDir: string,
): Promise<{ file: string; name: string; version: string; sha256: string }> {
  const { env, target, mode } = request;
  const work = path.join(request.scratch, "source-builds", pin.name);
  await rm(work, { recursive: true, force: true });
  await mkdir(path.join(work, "out"), { recursive: true });
  const buildEnv = buildEnvironment(env);
  let checkout: string | undefined;
  if (pin.build?.kind === "git") {
    const repository = path.join(work, "checkout");
    await checkoutCommit(pin, pin.build, repository, buildEnv, request.log);
    checkout = pin.build.subdirectory ? path.join(repository, pin.build.subdirectory) : repository;
  }
  // the index options as the install writes them (credentials included: pip masks them, the log redacts)
  const head = renderRequirements({ ...request.lock, requirements: [] }, request.indexes.written);
  const requirementsFile = path.join(work, "requirements.build.txt");
  await writeFile(requirementsFile, `${head}${pinLine(pin, checkout)}\n`);
  const args = pipWheelArgs(pin.name, requirementsFile, path.join(work, "out"));
  const result = await runProcess(builder.command, args, { env: buildEnv, cwd: work, log: request.log });
  if (result.code !== 0) throw buildFailure(pin, result.code, result.output);
  const made = (await readdir(path.join(work, "out"))).filter((f) => f.endsWith(".whl"));
  if (made.length !== 1) throw buildFailure(pin, 0, `pip wheel left ${made.length} wheels: ${made.join(", ")}`);
  const read = await readBuiltWheel(path.join(work, "out", made[0]!), checkBuiltWheel(pin, made[0]!), pin);
  const runner = { machine: runnerMachine(), pythonMinor: builder.minor };
  const verdict = judgeBuiltWheel(pin, read, mode, target, runner);
  if (!verdict.ship) throw verdict.error;
  const file = await writeBuiltWheel(read.wheel, read.members, wheelDir, verdict.retag);
  return { file, name: normalizeName(read.wheel.name), version: read.wheel.version, sha256: sha256File(file) };
}
