/**
 * The action's wheel unpacker against pip's, on generated wheels (test/support/wheel-fuzz/):
 * every case ends the same way both ways (both refuse, the same tree, or the unpacker hands
 * the wheel to pip). `npm run fuzz:wheels -- --seed S --count N` runs any number; here a few
 * hundred of a fixed seed, and the cases a run once found, kept as they are.
 */
import { createHash } from "node:crypto";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import zlib from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LocalIndex, startIndex } from "../devtools/pypi/index-server.ts";
import { hostPython, pythonFor } from "./support/python.ts";
import { unpackOutcomes } from "./support/unpack-both.ts";
import { actionOutcome, judge, PipBatch, runCases } from "./support/wheel-fuzz/harness.ts";
import { MUTATIONS } from "./support/wheel-fuzz/index.ts";
import { baseWheel, layoutOf, refreshRecord, rngOf, serialize } from "./support/wheel-fuzz/model.ts";
import { withSecondView } from "./support/wheel-fuzz/mutate-zip.ts";
import type { Outcome, WheelModel, ZipLayout } from "./support/wheel-fuzz/types.ts";

let work: string;

beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), "lpp-wheel-fuzz-"));
});

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe("generated wheels", () => {
  it("end the same way through the action's unpacker and pip's (seed 24, 300 cases)", async () => {
    const results = await runCases({
      seed: 24,
      count: 300,
      pythons: [hostPython()],
      dir: path.join(work, "generated"),
      mutations: MUTATIONS,
    });
    const disagreements = results.flatMap((r) =>
      r.verdict.agree ? [] : [`${r.case.id} [${r.case.mutations.join(", ")}]: ${r.verdict.why}`],
    );
    expect(disagreements).toEqual([]);
    // the run is not all refusals: the unpacker ships (and agrees) on many of them
    expect(results.filter((r) => r.verdict.agree && r.verdict.how === "same-tree").length).toBeGreaterThan(30);
  }, 300_000);
});

/**
 * The wheel: the directory zipfile takes (hidden in the end record's comment, its own
 * end record's comment length overrunning the file) gives `__init__.py` as VIEW = 'pip' and a
 * RECORD to match; the directory the reader as it was took gives the wheel as it was zipped.
 */
function twoViews(wheel: WheelModel, layout: ZipLayout): Buffer {
  const init = wheel.files.findIndex((f) => f.name.endsWith("/__init__.py"));
  const pipView: WheelModel = { ...wheel, files: wheel.files.map((f) => ({ ...f })) };
  pipView.files[init]!.data = Buffer.from("VIEW = 'pip'\n");
  refreshRecord(pipView);
  const record = wheel.files.findIndex((f) => f.name === `${wheel.distInfo}/RECORD`);
  const replaced = [init, record].map((i) => ({ entry: layout.entries[i]!, data: pipView.files[i]!.data }));
  return withSecondView(serialize(layout), replaced, 0xffff);
}

/** A wheel from the base generator, changed before it is zipped and after. */
async function caseOutcomes(
  name: string,
  change: { wheel?: (w: WheelModel) => void; layout?: (z: ZipLayout, w: WheelModel) => void } = {},
  bytesOf: (layout: ZipLayout, wheel: WheelModel) => Buffer = (layout) => serialize(layout).bytes,
  python: string = hostPython(),
): Promise<{ action: Outcome; pip: Outcome }> {
  const wheel = baseWheel(rngOf(24));
  change.wheel?.(wheel);
  const layout = layoutOf(wheel);
  change.layout?.(layout, wheel);
  const file = path.join(work, name, `${wheel.name}-${wheel.version}-${wheel.tag}.whl`);
  await rm(path.dirname(file), { recursive: true, force: true });
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, bytesOf(layout, wheel));
  const batch = new PipBatch(python);
  try {
    const [action, pip] = await Promise.all([
      actionOutcome(file, path.join(work, name, "action")),
      batch.outcome(file, path.join(work, name, "pip"), wheel.name, wheel.version),
    ]);
    return { action: action!, pip: pip! };
  } finally {
    batch.close();
  }
}

describe("cases the fuzzer found", () => {
  it("a script whose bytes are damaged: pip opens it (and refuses), so it is checked and handed to pip", async () => {
    const { action, pip } = await caseOutcomes("script-crc", {
      wheel: (w) => {
        w.files.unshift({
          name: `${w.name}-${w.version}.data/scripts/run`,
          data: Buffer.from("#!/bin/sh\necho run\n"),
          mode: 0o100755,
          method: 8,
        });
        refreshRecord(w);
      },
      layout: (z) => {
        z.entries[0]!.crc ^= 1;
      },
    });
    expect(pip).toMatchObject({ kind: "refused", message: expect.stringMatching(/Bad CRC-32/) });
    expect(action).toMatchObject({ kind: "handed", reason: expect.stringMatching(/does not match its size or CRC/) });
    expect(judge(action, [pip])).toMatchObject({ agree: true });
  });

  it("a script entry point with spaces around its colon: pip stops at it, so it is handed to pip", async () => {
    const { action, pip } = await caseOutcomes("entry-spaced", {
      wheel: (w) => {
        w.files.unshift({
          name: `${w.distInfo}/entry_points.txt`,
          data: Buffer.from(`[console_scripts]\r\ntool = ${w.name} : main\n`),
          mode: 0o100644,
          method: 8,
        });
        refreshRecord(w);
      },
    });
    expect(pip).toMatchObject({ kind: "refused", message: expect.stringMatching(/Invalid script entry point/) });
    expect(action).toMatchObject({ kind: "handed", reason: expect.stringMatching(/console_scripts/) });
  });

  it("an entry-point group given twice: pip on Python 3.9 stops at it, so it is handed to pip", async () => {
    const { action, pip } = await caseOutcomes(
      "group-twice",
      {
        wheel: (w) => {
          w.files.unshift({
            name: `${w.distInfo}/entry_points.txt`,
            data: Buffer.from(`[pytest11]\na = ${w.name}:main\n[pytest11]\nb = ${w.name}:main\n`),
            mode: 0o100644,
            method: 8,
          });
          refreshRecord(w);
        },
      },
      undefined,
      pythonFor(9) ?? hostPython(),
    );
    if (pythonFor(9)) expect(pip).toMatchObject({ kind: "refused", message: expect.stringMatching(/Duplicate group/) });
    expect(action).toMatchObject({ kind: "handed", reason: expect.stringMatching(/\[pytest11\] twice/) });
  });

  it("a folder entry whose name is too long for Linux: pip never creates it, so both ship", async () => {
    const { action, pip } = await caseOutcomes("long-folder", {
      wheel: (w) => {
        w.files.unshift({ name: `${w.name}/${"é".repeat(128)}/`, data: Buffer.alloc(0), mode: 0o040755, method: 0 });
      },
    });
    expect(pip.kind).toBe("tree");
    expect(judge(action, [pip])).toEqual({ agree: true, how: "same-tree" });
  });

  it("a RECORD row naming no member, where a .data member lands with other bytes: refused both ways", async () => {
    const { action, pip } = await caseOutcomes("data-over-row", {
      wheel: (w) => {
        const init = w.files.find((f) => f.name === `${w.name}/__init__.py`)!;
        w.files.push({
          ...init,
          name: `${w.name}-${w.version}.data/purelib/${w.name}/__init__.py`,
          data: Buffer.from("B\n"),
        });
        refreshRecord(w);
        // the root member goes, its RECORD row stays (seed 2002, case 1649)
        w.files = w.files.filter((f) => f !== init);
      },
    });
    const lie = /__init__\.py does not match the sha256 its RECORD gives/;
    expect(pip).toMatchObject({ kind: "refused", message: expect.stringMatching(lie) });
    expect(action).toMatchObject({ kind: "refused", message: expect.stringMatching(lie) });
  });

  it("a second end record in the comment: pip installs the inner view, the action hands it to pip", async () => {
    const { action, pip } = await caseOutcomes("two-views", {}, (layout, wheel) => twoViews(wheel, layout));
    expect(pip.kind).toBe("tree");
    expect(action).toMatchObject({ kind: "handed", reason: expect.stringMatching(/comment does not end the file/) });
  });
});

/** The example through the whole action, both ways. */
describe("one wheel file, two contents (the issue's example)", () => {
  let index: LocalIndex;
  let sha256 = "";
  const outcome = unpackOutcomes(
    () => `fz_x0==1.0 --hash=sha256:${sha256}\n`,
    () => ({ work, indexUrl: index.url }),
  );

  beforeAll(async () => {
    const wheel: WheelModel = {
      name: "fz_x0",
      version: "1.0",
      tag: "py3-none-any",
      distInfo: "fz_x0-1.0.dist-info",
      files: [
        { name: "fz_x0/__init__.py", data: Buffer.from("VIEW = 'action'\n"), mode: 0o100644, method: 8 },
        {
          name: "fz_x0-1.0.dist-info/METADATA",
          data: Buffer.from("Metadata-Version: 2.1\nName: fz_x0\nVersion: 1.0\n"),
          mode: 0o100644,
          method: 8,
        },
        {
          name: "fz_x0-1.0.dist-info/WHEEL",
          data: Buffer.from("Wheel-Version: 1.0\nGenerator: lpp\nRoot-Is-Purelib: true\nTag: py3-none-any\n"),
          mode: 0o100644,
          method: 8,
        },
      ],
    };
    refreshRecord(wheel);
    const bytes = twoViews(wheel, layoutOf(wheel));
    const dir = path.join(work, "index");
    await mkdir(dir, { recursive: true });
    await writeFile(path.join(dir, "fz_x0-1.0-py3-none-any.whl"), bytes);
    sha256 = createHash("sha256").update(bytes).digest("hex");
    index = await startIndex(dir);
  });

  afterAll(async () => {
    await index?.close();
  });

  it("ships what pip installs, VIEW = 'pip', both ways", async () => {
    const [action, pip] = await Promise.all([outcome("twoviews", "action"), outcome("twoviews", "pip")]);
    expect(action).toEqual({ ...pip, log: expect.any(String) });
    const init = "layer" in action ? action.layer.find((l) => l.startsWith("python/fz_x0/__init__.py ")) : undefined;
    const hex = init?.split(" ")[2] ?? "";
    expect(zlib.crc32(Buffer.from(hex, "hex"))).toBe(zlib.crc32(Buffer.from("VIEW = 'pip'\n")));
    // the action downloaded, read the wheel, and handed it to pip's install
    expect("log" in action && action.log).toContain("pip download");
    expect("log" in action && action.log).toContain("pip install");
  });
});
