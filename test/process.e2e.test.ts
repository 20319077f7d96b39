/** A child process that writes without end: the action keeps its start and end, and logs cut lines. */
import { describe, expect, it } from "vitest";
import { LOG_LINE_LIMIT, OUTPUT_HEAD, OUTPUT_TAIL, runProcess } from "../src/install/process.ts";
import { MemoryLog } from "../src/log.ts";
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
