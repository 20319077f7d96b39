/**
 * The ELF stripper is bounded: its output is never larger than its input, and a layout it
 * does not fully understand (overlapping sections, alignments of gigabytes, fields that point
 * anywhere) is left untouched rather than rewritten or thrown on. Objects built byte by byte.
 */
import { describe, expect, it } from "vitest";
import { stripElf } from "../src/optimize/elf-strip.ts";
import { stringTable } from "./support/elf.ts";

const SHT_PROGBITS = 1;
const SHT_STRTAB = 3;

interface Spec {
  /** sections after the null one: name, offset and size in the file (offsets from `body`), alignment */
  sections: { name: string; type?: number; at: number; size: number; align?: number; link?: number }[];
  /** the bytes the sections point into, placed after the ELF header */
  body: number;
}

/** A 64-bit little-endian object: header, `body` bytes, .shstrtab, the section table. */
function elf(spec: Spec): Buffer {
  const names = stringTable([".shstrtab", ...spec.sections.map((s) => s.name)]);
  const bodyAt = 64;
  const namesAt = bodyAt + spec.body;
  const shoff = Math.ceil((namesAt + names.bytes.length) / 8) * 8;
  const count = spec.sections.length + 2;
  const out = Buffer.alloc(shoff + count * 64);
  out.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1], 0);
  out.writeUInt16LE(3, 16);
  out.writeUInt16LE(62, 18);
  out.writeUInt32LE(1, 20);
  out.writeBigUInt64LE(BigInt(shoff), 0x28);
  out.writeUInt16LE(64, 0x34);
  out.writeUInt16LE(64, 0x3a);
  out.writeUInt16LE(count, 0x3c);
  out.writeUInt16LE(1, 0x3e);
  for (let i = 0; i < spec.body; i++) out[bodyAt + i] = i & 0xff;
  names.bytes.copy(out, namesAt);
  const header = (i: number, name: string, type: number, offset: number, size: number, align: number, link = 0) => {
    const at = shoff + i * 64;
    out.writeUInt32LE(names.offset.get(name)!, at);
    out.writeUInt32LE(type, at + 4);
    out.writeBigUInt64LE(BigInt(offset), at + 24);
    out.writeBigUInt64LE(BigInt(size), at + 32);
    out.writeUInt32LE(link, at + 40);
    out.writeBigUInt64LE(BigInt(align), at + 48);
  };
  header(1, ".shstrtab", SHT_STRTAB, namesAt, names.bytes.length, 1);
  spec.sections.forEach((s, i) => {
    header(i + 2, s.name, s.type ?? SHT_PROGBITS, bodyAt + s.at, s.size, s.align ?? 1, s.link);
  });
  return out;
}

describe("stripElf", () => {
  it("removes debug sections and shrinks a plain object", () => {
    const input = elf({
      body: 4000,
      sections: [
        { name: ".comment", at: 0, size: 100 },
        { name: ".debug_info", at: 100, size: 3000 },
        { name: ".symtab", at: 3100, size: 900 },
      ],
    });
    const result = stripElf(input);
    expect(result?.removed).toEqual([".debug_info", ".symtab"]);
    expect(result!.bytes.length).toBeLessThan(input.length - 3000);
  });

  it("leaves an object whose kept sections overlap untouched (3,000 of them would be copied 3,000 times)", () => {
    const input = elf({
      body: 10_000,
      sections: [
        { name: ".debug_info", at: 0, size: 10 },
        ...Array.from({ length: 3000 }, () => ({ name: ".comment", at: 0, size: 10_000 })),
      ],
    });
    expect(stripElf(input)).toBeUndefined();
  });

  it("leaves an object untouched when an alignment would make it larger than it was", () => {
    const input = elf({
      body: 2000,
      sections: [
        { name: ".debug_info", at: 0, size: 1000 },
        { name: ".comment", at: 1000, size: 10, align: 2 ** 31 },
      ],
    });
    expect(stripElf(input)).toBeUndefined();
  });

  it("never throws and never writes more than it read, whatever a field says (seeded, 3,000 objects)", () => {
    const base = elf({
      body: 3000,
      sections: [
        { name: ".comment", at: 0, size: 50 },
        { name: ".debug_info", at: 50, size: 2000, link: 3 },
        { name: ".symtab", at: 2050, size: 500, link: 4 },
        { name: ".strtab", at: 2550, size: 450 },
      ],
    });
    let state = 7;
    const random = (n: number) => {
      state = (Math.imul(state, 1103515245) + 12345) >>> 0;
      return state % n;
    };
    const shoff = Number(base.readBigUInt64LE(0x28));
    let stripped = 0;
    for (let i = 0; i < 3000; i++) {
      const bytes = Buffer.from(base);
      for (let k = 1 + random(4); k > 0; k--) {
        // a header field or a section header field, set to an edge value
        const at = random(2) === 0 ? 0x20 + random(32) : shoff + random(6 * 64);
        const value = [0, 1, 0xff, 0x80, 0x40, random(256)][random(6)]!;
        bytes[Math.min(at, bytes.length - 1)] = value;
      }
      const result = stripElf(bytes);
      if (result) {
        stripped++;
        expect(result.bytes.length).toBeLessThan(bytes.length);
      }
    }
    // the mutations leave many objects strippable: the bound is tested, not just the refusal
    expect(stripped).toBeGreaterThan(100);
  });
});
