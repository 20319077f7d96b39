/**
 * npm run fuzz:wheels -- [--seed S] [--count N] [--first I] [--python 3.12,3.13] [--dir DIR] [--mutations zip|content]
 * npm run fuzz:wheels -- --wheels FOLDER [--count N] [--first I] [--python …]
 *
 * The wheel fuzzer (test/support/wheel-fuzz/): N generated wheels of seed S through the
 * action's unpacker and pip's (under each Python given), a line per disagreement and a
 * tally at the end. A disagreeing case's wheel is kept under DIR to replay; the exit code
 * is 1 when any case disagreed. With --wheels, the real wheels of FOLDER instead (in name
 * order, from the I-th), judged the same way.
 */
import { mkdir, readdir, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { pythonFor } from "../test/support/python.ts";
import { type CaseResult, compareWheel, PipBatch, runCases } from "../test/support/wheel-fuzz/harness.ts";
import { MUTATION_GROUPS, MUTATIONS } from "../test/support/wheel-fuzz/index.ts";

const { values } = parseArgs({
  options: {
    seed: { type: "string", default: "1" },
    count: { type: "string", default: "200" },
    first: { type: "string", default: "0" },
    python: { type: "string", default: "3.12" },
    dir: { type: "string" },
    wheels: { type: "string" },
    /** one group of mutations only (the same seed then gives other cases) */
    mutations: { type: "string" },
  },
});
const whole = (name: string, text: string | undefined) => {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} must be a whole number, got ${text}`);
  return n;
};
const seed = whole("seed", values.seed);
const count = whole("count", values.count);
const first = whole("first", values.first);
const pythons = (values.python ?? "").split(",").map((v) => {
  const minor = Number(v.trim().replace(/^3\./, ""));
  const python = pythonFor(minor);
  if (!python) throw new Error(`no Python ${v} on this machine`);
  return python;
});
const group = values.mutations;
if (group !== undefined && !(group in MUTATION_GROUPS)) {
  throw new Error(`--mutations must be one of ${Object.keys(MUTATION_GROUPS).join(", ")}, got ${group}`);
}
const mutations = group === undefined ? MUTATIONS : MUTATION_GROUPS[group as keyof typeof MUTATION_GROUPS];
const dir = path.resolve(values.dir ?? path.join(os.tmpdir(), `lpp-wheel-fuzz-${seed}`));
await mkdir(dir, { recursive: true });

const tally = new Map<string, number>();
const started = performance.now();
let disagreements = 0;
const onResult = (r: CaseResult) => {
  const key = r.verdict.agree ? r.verdict.how : "DISAGREE";
  tally.set(key, (tally.get(key) ?? 0) + 1);
  if (!r.verdict.agree) {
    disagreements++;
    process.stdout.write(
      `DISAGREE ${r.case.id} [${r.case.mutations.join(", ")}] ${r.verdict.why}\n  kept: ${path.join(dir, `case-${r.case.seed}-${r.case.index}`)}\n`,
    );
  }
  const done = [...tally.values()].reduce((a, b) => a + b, 0);
  if (done % 100 === 0)
    process.stdout.write(`${done}/${count} cases, ${((performance.now() - started) / 1000).toFixed(0)} s\n`);
};
if (values.wheels) await runWheels(path.resolve(values.wheels));
else await runCases({ seed, count, first, pythons, dir, mutations, onResult });
const seconds = ((performance.now() - started) / 1000).toFixed(1);
const what = values.wheels ? `wheels of ${values.wheels}` : `seed ${seed}`;
const ran = [...tally.values()].reduce((a, b) => a + b, 0);
process.stdout.write(`${what}, ${ran} cases from ${first}, pip under ${values.python}: ${seconds} s\n`);
for (const [key, n] of [...tally].sort()) process.stdout.write(`  ${key}: ${n}\n`);
process.exitCode = disagreements > 0 ? 1 : 0;

/** The real wheels of `folder` through both unpackers: the same verdicts, the wheel left in place. */
async function runWheels(folder: string): Promise<void> {
  const files = (await readdir(folder)).filter((f) => f.endsWith(".whl")).sort();
  const batches = pythons.map((p) => new PipBatch(p));
  try {
    for (const [index, file] of files.slice(first, first + count).entries()) {
      const caseDir = path.join(dir, `wheel-${first + index}`);
      await rm(caseDir, { recursive: true, force: true });
      const result = await compareWheel(path.join(folder, file), caseDir, batches);
      onResult({ case: { id: file, seed: 0, index: first + index, mutations: [], filename: file }, ...result });
      if (result.verdict.agree) await rm(caseDir, { recursive: true, force: true });
    }
  } finally {
    for (const b of batches) b.close();
  }
}
