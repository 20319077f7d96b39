/**
 * A zip-bomb wheel (a few hundred KB that unzip to 300 MB) is refused for Lambda's
 * unzipped limit from the installed files' sizes, before anything reads them whole:
 * the build's memory stays flat however big the files are.
 */
import { execFileSync } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LocalIndex, startIndex } from "../devtools/pypi/index-server.ts";
import { sha256File } from "../src/cache/manifest.ts";
import { InspectionFailed } from "../src/inspect/stage.ts";
import { buildProject, writeProject } from "./support/project.ts";
import { hostPython } from "./support/python.ts";

const BOMB_BYTES = 300 * 1024 * 1024;

/** The wheel, written by Python's zipfile a megabyte at a time: the test itself never holds the 300 MB. */
function writeBombWheel(file: string): void {
  const script = `
import base64, hashlib, sys, zipfile
out, size = sys.argv[1], int(sys.argv[2])
chunk = b"\\0" * (1 << 20)
record = []
with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
    h = hashlib.sha256()
    with z.open("bomb/blob.bin", "w", force_zip64=True) as f:
        for _ in range(size // len(chunk)):
            f.write(chunk); h.update(chunk)
    record.append("bomb/blob.bin,sha256=%s,%d" % (base64.urlsafe_b64encode(h.digest()).rstrip(b"=").decode(), size))
    for name, text in [("bomb/__init__.py", ""),
                       ("bomb-1.0.dist-info/METADATA", "Metadata-Version: 2.1\\nName: bomb\\nVersion: 1.0\\n"),
                       ("bomb-1.0.dist-info/WHEEL", "Wheel-Version: 1.0\\nGenerator: t\\nRoot-Is-Purelib: true\\nTag: py3-none-any\\n")]:
        data = text.encode()
        z.writestr(name, data)
        record.append("%s,sha256=%s,%d" % (name, base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode(), len(data)))
    record.append("bomb-1.0.dist-info/RECORD,,")
    z.writestr("bomb-1.0.dist-info/RECORD", "\\n".join(record) + "\\n")
`;
  execFileSync(hostPython(), ["-c", script, file, String(BOMB_BYTES)]);
}

describe("a zip-bomb wheel", () => {
  let work: string;
  let index: LocalIndex;
  let sha256: string;
  beforeAll(async () => {
    work = await mkdtemp(path.join(os.tmpdir(), "lpp-bomb-"));
    const wheel = path.join(work, "wheels", "bomb-1.0-py3-none-any.whl");
    execFileSync("mkdir", ["-p", path.dirname(wheel)]);
    writeBombWheel(wheel);
    sha256 = sha256File(wheel);
    index = await startIndex(path.join(work, "wheels"));
  }, 120_000);
  afterAll(async () => {
    await index?.close();
    await rm(work, { recursive: true, force: true });
  });

  it("is refused for Lambda's unzipped limit before the zip stage, with flat memory", async () => {
    const dir = await writeProject(path.join(work, "project"), {
      "app.py": "import bomb\n",
      "requirements.txt": `bomb==1.0 --hash=sha256:${sha256}\n`,
    });
    const before = process.memoryUsage().rss;
    let peak = before;
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss);
    }, 20);
    const started = performance.now();
    const error = await buildProject(
      dir,
      { runtime: "python3.12", cache: "false", "output-dir": path.join(work, "out") },
      { home: path.join(work, "home"), indexUrl: index.url },
    )
      .catch((e: unknown) => e)
      .finally(() => clearInterval(sampler));
    peak = Math.max(peak, process.memoryUsage().rss);
    expect(error).toBeInstanceOf(InspectionFailed);
    const size = (error as InspectionFailed).findings.filter((f) => f.check === "size");
    expect(size).toHaveLength(1);
    expect(size[0]!.message).toMatch(/^the function unzips to 300\.0 MB \(314,57\d,\d+ bytes\), over Lambda's limit/);
    expect(size[0]!.message).toMatch(/bomb 1\.0 \(300\.0 MB\)/);
    expect(peak - before).toBeLessThan(100 * 1024 * 1024);
    expect(performance.now() - started).toBeLessThan(60_000);
  }, 120_000);
});
