/**
 * The differential test of the action's wheel unpacker against pip's. Each generated case
 * (a seed, an index: a small wheel and a few mutations) goes through
 *
 * - the default path's unpacker: transplantWheels (the action's own code, reader and inflate
 *   workers included), whose members are written by the action's zip writer and read back;
 * - pip's install path: pip's own install_wheel and --target move (pip_batch.py, one Python
 *   process per interpreter for every case), then the action's cleanTree, readTree and checks
 *   of the installed tree (paths, RECORD), as the LPP_UNPACK=pip build does after `pip install`.
 *
 * A case agrees when both refuse, or both ship the same tree (paths, bytes, executable bit:
 * what the zip holds), or the unpacker handed the wheel to pip (the build then takes pip's
 * path, so pip's outcome is the user's). The RECORD check both paths make is part of each.
 */
import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { createInterface, type Interface } from "node:readline";
import { fileURLToPath } from "node:url";
import { readZip } from "../../../devtools/zipread.ts";
import { transplantWheels } from "../../../src/dependencies/transplant.ts";
import { UserError } from "../../../src/errors.ts";
import { checkInstalledRecords } from "../../../src/install/record.ts";
import { checkInstalledPaths, cleanTree, readTree } from "../../../src/install/tree.ts";
import { parseWheelFilename } from "../../../src/target.ts";
import { LAYER_PREFIX } from "../../../src/zip/package.ts";
import { writeZip } from "../../../src/zip/writer.ts";
import { baseWheel, layoutOf, rngOf, serialize } from "./model.ts";
import type { FuzzCase, Mutation, Outcome } from "./types.ts";

const PIP_BATCH = fileURLToPath(new URL("./pip_batch.py", import.meta.url));

/** The case's own seed: the run's seed and the case's index mixed, so cases are independent. */
function caseSeed(seed: number, index: number): number {
  return (Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(index + 1, 0xc2b2ae35)) >>> 0;
}

/** One case: a base wheel, then 1–3 mutations (none in one case of 16: the control). */
export function generateCase(seed: number, index: number, mutations: readonly Mutation[]): FuzzCase {
  const rng = rngOf(caseSeed(seed, index));
  const wheel = baseWheel(rng);
  const chosen: Mutation[] = [];
  if (mutations.length > 0 && rng.int(16) !== 0) {
    const n = 1 + rng.int(3);
    for (let i = 0; i < n; i++) chosen.push(rng.pick(mutations));
  }
  for (const m of chosen) if (m.stage === "content") m.apply(wheel, rng);
  const layout = layoutOf(wheel);
  for (const m of chosen) if (m.stage === "layout") m.apply(layout, rng, wheel);
  const written = serialize(layout);
  let bytes = written.bytes;
  for (const m of chosen) if (m.stage === "bytes") bytes = m.apply({ ...written, bytes }, rng, layout);
  return {
    id: `${seed}:${index}`,
    seed,
    index,
    mutations: chosen.map((m) => m.name),
    filename: `${wheel.name}-${wheel.version}-${wheel.tag}.whl`,
    bytes,
  };
}

const sha256 = (data: Buffer) => createHash("sha256").update(data).digest("hex");
const modeOf = (executable: boolean) => (executable ? "755" : "644");

/** The action's unpacker on one wheel: the tree its zip holds, its refusal, or its hand-off to pip. */
export async function actionOutcome(wheel: string, scratch: string): Promise<Outcome> {
  await mkdir(scratch, { recursive: true });
  const scanner = { keeps: () => ({ kind: "none" }) as const, scan: async () => null };
  let result: Awaited<ReturnType<typeof transplantWheels<null>>>;
  try {
    result = await transplantWheels([wheel], path.join(scratch, "unpacked"), scanner);
  } catch (error) {
    if (error instanceof UserError) return { kind: "refused", message: error.message };
    throw error;
  }
  if ("unusual" in result) return { kind: "handed", reason: result.unusual };
  const zip = await writeZip(result.members, path.join(scratch, "layer.zip"));
  const files: Record<string, { mode: string; sha256: string }> = {};
  for (const e of readZip(zip.path)) {
    if (e.name.endsWith("/")) continue;
    files[e.name.slice(LAYER_PREFIX.length)] = { mode: modeOf((e.mode & 0o111) !== 0), sha256: sha256(e.data()) };
  }
  return { kind: "tree", files };
}

/** pip_batch.py under one interpreter: requests answered in order. */
export class PipBatch {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly lines: Interface;
  private readonly waiting: ((line: string) => void)[] = [];
  private stderr = "";

  constructor(readonly python: string) {
    this.child = spawn(python, [PIP_BATCH], {
      stdio: ["pipe", "pipe", "pipe"],
      env: { PATH: process.env.PATH, HOME: process.env.HOME, PYTHONDONTWRITEBYTECODE: "1", PIP_NO_INPUT: "1" },
    });
    this.child.stderr.on("data", (chunk: Buffer) => {
      this.stderr = (this.stderr + chunk.toString()).slice(-4000);
    });
    this.lines = createInterface({ input: this.child.stdout });
    this.lines.on("line", (line) => this.waiting.shift()?.(line));
    this.child.on("exit", () => {
      for (const w of this.waiting.splice(0)) w(JSON.stringify({ crashed: this.stderr }));
    });
  }

  /** pip's outcome for the wheel, installed into `target` (a fresh folder), read as the pip path reads it. */
  async outcome(wheel: string, target: string, name: string, version: string): Promise<Outcome> {
    const answer = await new Promise<string>((resolve) => {
      this.waiting.push(resolve);
      this.child.stdin.write(`${JSON.stringify({ wheel, target, name, version })}\n`);
    });
    const parsed = JSON.parse(answer) as { ok?: boolean; error?: string; crashed?: string };
    if (parsed.crashed !== undefined) throw new Error(`pip_batch.py under ${this.python} died: ${parsed.crashed}`);
    if (!parsed.ok) return { kind: "refused", message: parsed.error ?? "" };
    await cleanTree(target);
    const tree = await readTree(target);
    try {
      // what the LPP_UNPACK=pip build refuses after pip's install
      checkInstalledPaths(tree, () => ({}));
      checkInstalledRecords(tree, () => ({}));
    } catch (error) {
      if (error instanceof UserError) return { kind: "refused", message: error.message };
      throw error;
    }
    const files: Record<string, { mode: string; sha256: string }> = {};
    for (const f of tree.files) {
      files[f.path] = { mode: modeOf(f.executable), sha256: sha256(await readFile(path.join(target, f.path))) };
    }
    return { kind: "tree", files };
  }

  close(): void {
    this.child.stdin.end();
    this.lines.close();
  }
}

export type Verdict = { agree: true; how: "both-refuse" | "same-tree" | "handed" } | { agree: false; why: string };

/** The case's verdict from the action's outcome and pip's (one per interpreter). */
export function judge(action: Outcome, pips: readonly Outcome[]): Verdict {
  if (action.kind === "handed") return { agree: true, how: "handed" };
  const disagreements: string[] = [];
  for (const pip of pips) {
    if (action.kind === "refused" && pip.kind === "refused") continue;
    if (action.kind === "refused") disagreements.push(`the action refuses (${action.message}), pip ships`);
    else if (pip.kind === "refused") disagreements.push(`the action ships, pip refuses (${pip.message})`);
    else if (pip.kind === "tree") {
      const diff = treeDifference(action.files, pip.files);
      if (diff) disagreements.push(diff);
    }
  }
  if (disagreements.length > 0) return { agree: false, why: disagreements.join("; ") };
  return { agree: true, how: action.kind === "refused" ? "both-refuse" : "same-tree" };
}

function treeDifference(
  ours: Record<string, { mode: string; sha256: string }>,
  pips: Record<string, { mode: string; sha256: string }>,
): string | undefined {
  const names = [...new Set([...Object.keys(ours), ...Object.keys(pips)])].sort();
  for (const name of names) {
    const a = ours[name];
    const b = pips[name];
    if (!a) return `pip ships ${JSON.stringify(name)}, the action does not`;
    if (!b) return `the action ships ${JSON.stringify(name)}, pip does not`;
    if (a.sha256 !== b.sha256) return `${JSON.stringify(name)} has other bytes`;
    if (a.mode !== b.mode) return `${JSON.stringify(name)} is ${a.mode} here, ${b.mode} with pip`;
  }
  return undefined;
}

export interface CaseResult {
  case: Omit<FuzzCase, "bytes">;
  action: Outcome;
  pips: Outcome[];
  verdict: Verdict;
}

/**
 * Runs `count` cases of `seed` from `first` on: each wheel written under `dir`, judged, and
 * its files removed unless it disagreed (kept to replay). `pythons`: the interpreters whose
 * pip is the reference (a case must agree with each).
 */
export async function runCases(options: {
  seed: number;
  count: number;
  first?: number;
  pythons: readonly string[];
  dir: string;
  mutations: readonly Mutation[];
  onResult?: (result: CaseResult) => void;
}): Promise<CaseResult[]> {
  const batches = options.pythons.map((p) => new PipBatch(p));
  const results: CaseResult[] = [];
  try {
    for (let index = options.first ?? 0; index < (options.first ?? 0) + options.count; index++) {
      const fuzzCase = generateCase(options.seed, index, options.mutations);
      const caseDir = path.join(options.dir, `case-${options.seed}-${index}`);
      await rm(caseDir, { recursive: true, force: true });
      await mkdir(path.join(caseDir, "wheels"), { recursive: true });
      const wheel = path.join(caseDir, "wheels", fuzzCase.filename);
      await writeFile(wheel, fuzzCase.bytes);
      const { bytes: _bytes, ...described } = fuzzCase;
      const result = { case: described, ...(await compareWheel(wheel, caseDir, batches)) };
      results.push(result);
      options.onResult?.(result);
      if (result.verdict.agree) await rm(caseDir, { recursive: true, force: true });
    }
  } finally {
    for (const b of batches) b.close();
  }
  return results;
}

/** One wheel file through both unpackers (the scratch in `caseDir`), and the verdict. */
export async function compareWheel(
  wheel: string,
  caseDir: string,
  batches: readonly PipBatch[],
): Promise<Omit<CaseResult, "case">> {
  const parsed = parseWheelFilename(path.basename(wheel));
  const [action, ...pips] = await Promise.all([
    actionOutcome(wheel, path.join(caseDir, "action")),
    ...batches.map((b, i) =>
      b.outcome(wheel, path.join(caseDir, `pip-${i}`), parsed?.name ?? "", parsed?.version ?? ""),
    ),
  ]);
  return { action: action!, pips, verdict: judge(action!, pips) };
}
