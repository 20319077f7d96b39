/**
 * Hostile and odd wheels, built byte by byte, through the whole action twice: unpacked by
 * the action (the default with pip) and by pip itself (LPP_UNPACK=pip). Reading wheels
 * ourselves must not let through anything pip refused for us: each case ends the same way
 * both times (the same error, or a layer with the same entries: names, modes and bytes; the
 * compressed bytes are the wheel's own), and what pip decides in its own way is handed back
 * to pip, whose result or diagnosis the user gets.
 */
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LocalIndex, startIndex } from "../devtools/pypi/index-server.ts";
import { makeRawWheel, type RawWheelSpec } from "./support/rawzip.ts";
import { unpackOutcomes } from "./support/unpack-both.ts";

let work: string;
let index: LocalIndex;
const wheels: Record<string, { filename: string; sha256: string }> = {};

const init = (pkg: string) => ({ name: `${pkg}/__init__.py`, data: "V = 1\n" });
const CASES: Record<string, RawWheelSpec> = {
  dataescape: {
    name: "dataescape",
    version: "1.0",
    entries: [init("dataescape"), { name: "dataescape-1.0.data/purelib/../../../evil.py", data: "x = 1\n" }],
  },
  foreigndata: {
    name: "foreigndata",
    version: "1.0",
    entries: [init("foreigndata"), { name: "other-2.0.data/purelib/other.py", data: "x = 1\n" }],
  },
  twice: {
    name: "twice",
    version: "1.0",
    entries: [init("twice"), { name: "twice/a.py", data: "A = 1\n" }, { name: "twice/a.py", data: "A = 2\n" }],
  },
  fifo: {
    name: "fifo",
    version: "1.0",
    entries: [init("fifo"), { name: "fifo/pipe", data: "not a pipe\n", mode: 0o010644 }],
  },
  device: {
    name: "device",
    version: "1.0",
    entries: [init("device"), { name: "device/disk", data: "not a disk\n", mode: 0o060755 }],
  },
  execlink: {
    name: "execlink",
    version: "1.0",
    entries: [init("execlink"), { name: "execlink/tool", data: "/bin/sh", mode: 0o120777, deflate: true }],
  },
};

/** Its RECORD gives another sha256 for a member than the member has (pip installs it unchecked). */
const LIAR: RawWheelSpec = {
  name: "liar",
  version: "1.0",
  entries: [init("liar"), { name: "liar/data.txt", data: "the real content\n", deflate: true }],
  extraRecord: [`liar/data.txt,sha256=${Buffer.alloc(32, 7).toString("base64url")},17`],
};

beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), "lpp-hostile-wheels-"));
  for (const [key, spec] of Object.entries({ ...CASES, liar: LIAR }))
    wheels[key] = await makeRawWheel(path.join(work, "wheels"), spec);
  index = await startIndex(path.join(work, "wheels"));
});

afterAll(async () => {
  await index?.close();
  await rm(work, { recursive: true, force: true });
});

/** Each case is built once each way; the tests that look at one more detail of a case reuse its build. */
const outcome = unpackOutcomes(
  (key) => {
    const spec = CASES[key] ?? LIAR;
    return `${spec.name}==${spec.version} --hash=sha256:${wheels[key]!.sha256}\n`;
  },
  () => ({ work, indexUrl: index.url }),
);

/** What the action leaves to pip: the log shows pip installing after the download. */
const PIP_DECIDES = new Set(["dataescape", "foreigndata", "twice"]);

describe("a hostile or odd wheel ends the same way whoever unpacks it", () => {
  it.each(Object.keys(CASES))("%s", async (key) => {
    const [ours, pips] = [await outcome(key, "action"), await outcome(key, "pip")];
    if ("error" in pips) {
      expect(ours).toEqual(pips);
      return;
    }
    if ("error" in ours) throw new Error(`the action refused what pip installs: ${ours.error}`);
    expect(ours.layer).toEqual(pips.layer);
    expect(ours.log).toContain("pip download");
    if (PIP_DECIDES.has(key)) expect(ours.log).toContain("pip install");
    else expect(ours.log).not.toContain("pip install");
  });

  it("pip refuses a ../ escape through .data: so does the action, in pip's words", async () => {
    const ours = await outcome("dataescape", "action");
    expect(ours).toHaveProperty(
      "error",
      expect.stringMatching(/Unexpected file in <tmp> 'dataescape-1\.0\.data\/purelib\/\.\.\/\.\.\/\.\.\/evil\.py'/),
    );
  });

  it("a wheel whose RECORD lies about a member is refused, naming the wheel, the member and the pin", async () => {
    const ours = await outcome("liar", "action");
    expect(ours).toEqual({
      error:
        'the wheel liar-1.0-py3-none-any.whl is not safe to install: liar/data.txt does not match the sha256 its RECORD gives @ {"file":"requirements.txt","line":1,"distribution":"liar"} → ' +
        "the wheel's RECORD contradicts its own contents (damaged or forged, though pip would install it): check the index, and pin the lockfile's hashes for it",
    });
    // pip does not check a member against RECORD; the action does after pip's install too:
    // one lockfile, one verdict, whatever the path (compile, slim, uv, LPP_UNPACK=pip)
    expect(await outcome("liar", "pip")).toEqual(ours);
  });

  it("a link is unpacked as pip unpacks it: a plain 0644 file holding the link's text", async () => {
    const ours = await outcome("execlink", "action");
    if ("error" in ours) throw new Error(ours.error);
    expect(ours.layer).toContain(`python/execlink/tool 100644 ${Buffer.from("/bin/sh").toString("hex")}`);
  });
});
