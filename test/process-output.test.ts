/** The installer's output is kept bounded: its start and its end, whatever it writes. */
import { describe, expect, it } from "vitest";
import { HeadTail } from "../src/install/process.ts";

describe("HeadTail", () => {
  it("keeps everything while the output fits", () => {
    const kept = new HeadTail(16, 16);
    for (const part of ["Collect", "ing six\n", "ERROR: x"]) kept.push(Buffer.from(part));
    expect(kept.text()).toBe("Collecting six\nERROR: x");
  });

  it("keeps the start and the end of an endless output, and says how much was left out", () => {
    const kept = new HeadTail(10, 12);
    kept.push(Buffer.from("Collecting"));
    for (let i = 0; i < 10_000; i++) kept.push(Buffer.from("0123456789"));
    kept.push(Buffer.from("\nERROR: end\n"));
    expect(kept.text()).toBe("Collecting\n[100000 bytes of output left out]\n\nERROR: end\n");
  });

  it("cuts inside a chunk at both ends", () => {
    const kept = new HeadTail(3, 3);
    kept.push(Buffer.from("abcdefghij"));
    expect(kept.text()).toBe("abc\n[4 bytes of output left out]\nhij");
  });
});
