/**
 * slim on the fast path: a member its patterns match is never read as the wheels are
 * unpacked (a forged RECORD row of a test file slim leaves out goes unnoticed, and costs
 * nothing), and a member that ships after all (kept back, or slim-keep's) is held to its
 * RECORD row as every other member is: a forged one is refused, naming it.
 */
import { createHash } from "node:crypto";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { makeWheel } from "../devtools/pypi/wheel.ts";
import { readZip } from "../devtools/zipread.ts";
import { transplantWheels } from "../src/dependencies/transplant.ts";
import { UserError } from "../src/errors.ts";
import { scanBytes, scanKeeps } from "../src/inspect/index.ts";
import { MemoryLog } from "../src/log.ts";
import { optimize, slimMayRemove } from "../src/optimize/index.ts";
import type { OptimizeSettings } from "../src/optimize/types.ts";
import { writeZip } from "../src/zip/writer.ts";

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

const sha = (text: string) => `sha256=${createHash("sha256").update(text).digest("base64url")}`;

/** A wheel whose RECORD gives another sha256 for two test files than they have. */
async function forgedWheel(dir: string, init: string): Promise<string> {
  const made = await makeWheel(path.join(dir, "made"), {
    name: "liar",
    version: "1.0",
    files: {
      "liar/__init__.py": init,
      "liar/tests/__init__.py": "",
      "liar/tests/fixture.py": "X = 1\n",
      "liar/tests/test_big.py": "Y = 2\n",
    },
  });
  const members = readZip(made.path)
    .filter((e) => !e.name.endsWith("/"))
    .map((e) => {
      let data = e.data();
      if (e.name.endsWith("/RECORD")) {
        const text = data
          .toString("utf8")
          .replace(sha("X = 1\n"), sha("X = 9\n"))
          .replace(sha("Y = 2\n"), sha("Y = 9\n"));
        data = Buffer.from(text);
      }
      return { name: e.name, data, executable: false };
    });
  const out = path.join(dir, "liar-1.0-py3-none-any.whl");
  await writeZip(members, out);
  return out;
}

const settings = (over: Partial<OptimizeSettings> = {}): OptimizeSettings => ({
  compile: "off",
  slim: true,
  slimKeep: [],
  excludePackages: [],
  ...over,
});

async function unpackAndSlim(wheel: string, work: string, slim: OptimizeSettings) {
  const scratch = path.join(work, `scratch-${dirs.length}-${Math.random().toString(36).slice(2)}`);
  await mkdir(scratch, { recursive: true });
  const unpacked = await transplantWheels([wheel], scratch, { keeps: scanKeeps, scan: scanBytes }, undefined, {
    mayLeaveOut: slimMayRemove(slim),
  });
  if ("unusual" in unpacked) throw new Error(unpacked.unusual);
  const listing = unpacked.listing;
  const wheels = { ...unpacked, listing, notDownloaded: [], keeps: scanKeeps, scan: scanBytes };
  const run = optimize({
    settings: slim,
    entryDir: scratch,
    code: [],
    scratch,
    env: { PATH: process.env.PATH },
    log: new MemoryLog(),
    wheels,
  });
  return { unpacked, run, wheels };
}

describe("slim on the wheels' members", () => {
  it("never reads what it leaves out, and refuses a forged member it keeps", async () => {
    const work = await mkdtemp(path.join(os.tmpdir(), "lpp-members-"));
    dirs.push(work);
    const wheel = await forgedWheel(work, "");
    // read in full, the forgery is refused as always
    const plain = await transplantWheels([wheel], path.join(work, "plain"), {
      keeps: scanKeeps,
      scan: scanBytes,
    }).catch((e: unknown) => e);
    expect(plain).toBeInstanceOf(UserError);

    const slimmed = await unpackAndSlim(wheel, work, settings());
    expect(slimmed.unpacked).toMatchObject({
      unchecked: ["liar/tests/__init__.py", "liar/tests/fixture.py", "liar/tests/test_big.py"],
    });
    const { report } = await slimmed.run;
    expect(report.removed).toEqual(["liar/tests/__init__.py", "liar/tests/fixture.py", "liar/tests/test_big.py"]);
    expect(slimmed.wheels.members.map((m) => m.name).filter((n) => n.includes("tests"))).toEqual([]);
    expect(slimmed.wheels.listing.files.map((f) => f.path).filter((p) => p.includes("tests"))).toEqual([]);

    // what slim-keep names is read as the wheel is unpacked, and refused there
    const named = unpackAndSlim(wheel, work, settings({ slimKeep: ["liar/tests/fixture.py"] }));
    await expect(named).rejects.toThrow(/liar\/tests\/fixture\.py does not match the sha256 its RECORD gives/);

    // what shipped code imports is read when slim keeps it back, and refused then
    const importing = await forgedWheel(await mkdtemp(path.join(work, "importing-")), "from .tests import fixture\n");
    const kept = await unpackAndSlim(importing, work, settings());
    await expect(kept.run).rejects.toThrow(/the wheel member liar\/tests\/fixture\.py does not match the sha256/);
  });
});
