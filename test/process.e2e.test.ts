/** A child process that writes without end: the action keeps its start and end, and logs cut lines. */
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { LOG_LINE_LIMIT, OUTPUT_HEAD, OUTPUT_TAIL, runBounded, runProcess } from "../src/install/process.ts";
import { MemoryLog } from "../src/log.ts";
import { importHandler } from "../src/verify/imports.ts";
import { withLambdaLayout } from "../src/verify/layout.ts";
import { writeZip } from "../src/zip/writer.ts";
import { hostPython } from "./support/python.ts";

describe("runProcess", () => {
  it("keeps the first and last megabyte of 40 MB of output, and cuts a 20 MB line in the log", async () => {
    const log = new MemoryLog();
    const script = [
      "import sys",
      "sys.stdout.write('Collecting six==1.16.0\\n')",
      "sys.stdout.write('é' * 10_000_000 + '\\n')", // 20 MB, one line, two bytes a character
      "sys.stdout.write('x' * 20_000_000)",
      "sys.stderr.write('\\nERROR: No matching distribution found for six==1.16.0\\n')",
    ].join("; ");
    const r = await runProcess(hostPython(), ["-c", script], { env: { PATH: process.env.PATH }, log });
    expect(r.code).toBe(0);
    expect(Buffer.byteLength(r.output)).toBeLessThan(OUTPUT_HEAD + OUTPUT_TAIL + 100);
    expect(r.output.startsWith("Collecting six==1.16.0\n")).toBe(true);
    expect(r.output).toMatch(/\[\d+ bytes of output left out\]/);
    expect(r.output.trimEnd().endsWith("ERROR: No matching distribution found for six==1.16.0")).toBe(true);
    // the log: every line, none longer than the limit plus its note; the long one says how long it was
    expect(log.lines.some((l) => l === "Collecting six==1.16.0")).toBe(true);
    expect(log.lines.some((l) => l.includes("ERROR: No matching distribution found"))).toBe(true);
    expect(Math.max(...log.lines.map((l) => l.length))).toBeLessThan(LOG_LINE_LIMIT + 100);
    const cut = log.lines.find((l) => l.startsWith("éé"));
    expect(cut).toMatch(
      new RegExp(`^é{${LOG_LINE_LIMIT}} … \\[line cut: ${10_000_000 - LOG_LINE_LIMIT} more characters\\]$`),
    );
  });
});

describe("runBounded", () => {
  it("keeps each stream's start and end as runProcess does: the result line and the traceback written last", async () => {
    const script = [
      "import sys",
      "sys.stdout.write('start\\n' + 'o' * 5_000_000 + '\\n@@result@@{\"ok\": true}\\n')",
      "sys.stderr.write('e' * 5_000_000 + '\\nTraceback (most recent call last):\\nValueError: boom\\n')",
    ].join("; ");
    const r = await runBounded(hostPython(), ["-c", script], { env: { PATH: process.env.PATH }, timeoutMs: 30_000 });
    expect(r.code).toBe(0);
    for (const stream of [r.stdout, r.stderr]) {
      expect(Buffer.byteLength(stream)).toBeLessThan(OUTPUT_HEAD + OUTPUT_TAIL + 100);
      expect(stream).toMatch(/\n\[\d+ bytes of output left out\]\n/);
    }
    expect(r.stdout.startsWith("start\n")).toBe(true);
    expect(r.stdout.endsWith('\n@@result@@{"ok": true}\n')).toBe(true);
    expect(r.stderr.endsWith("\nValueError: boom\n")).toBe(true);
  });
});

describe("the handler's import check", () => {
  it("reads its result after a module printed 3 MB while it imported", async () => {
    const work = await mkdtemp(path.join(os.tmpdir(), "import-chatty-"));
    try {
      const python = hostPython();
      const version = (
        await runBounded(python, ["-c", "import sys; print('%d.%d' % sys.version_info[:2])"], {
          env: { PATH: process.env.PATH },
          timeoutMs: 30_000,
        })
      ).stdout.trim();
      const zip = path.join(work, "function.zip");
      const chatty = "print('loading ' + 'x' * 3_000_000)\ndef handler(event, context):\n    return 1\n";
      await writeZip([{ name: "app.py", data: Buffer.from(chatty), executable: false }], zip);
      const scratch = path.join(work, "scratch");
      await mkdir(scratch);
      const outcome = await withLambdaLayout({ functionZip: zip, scratch }, (layout) =>
        importHandler(layout, {
          python,
          pythonVersion: version,
          module: "app",
          name: "handler",
          timeoutMs: 30_000,
          path: process.env.PATH ?? "",
        }),
      );
      expect(outcome).toMatchObject({ ok: true });
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  });
});
