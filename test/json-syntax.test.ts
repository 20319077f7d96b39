/**
 * The JSON syntax check that lets an error name a position instead of quoting the text
 * is a second implementation of JSON.parse's grammar: a seeded generator of texts (valid
 * ones, and the same with one character changed, inserted or removed) checks that it
 * accepts exactly what JSON.parse accepts, and that a refusal points inside the text.
 */
import { describe, expect, it } from "vitest";
import { describeJsonError, findJsonError } from "../src/json-syntax.ts";

/** mulberry32: a small seeded generator, so a failure can be replayed */
function seeded(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PIECES = ["0", "-1.5e3", "12", "true", "false", "null", '"a\\"b"', '"\\u00e9"', '"x\\ny"', '""'];
const NOISE = ['"', "{", "}", "[", "]", ",", ":", " ", "\n", "\\", "-", "0", "1", ".", "e", "t", "\u0001", "'", "x"];

function value(random: () => number, depth: number): string {
  const pick = <T>(items: T[]) => items[Math.floor(random() * items.length)]!;
  const r = random();
  if (depth > 3 || r < 0.4) return pick(PIECES);
  const n = Math.floor(random() * 3);
  const ws = () => pick(["", " ", "\n  ", "\t"]);
  if (r < 0.7) return `[${ws()}${Array.from({ length: n }, () => value(random, depth + 1)).join(`,${ws()}`)}${ws()}]`;
  const members = Array.from({ length: n }, (_, i) => `"k${i}"${ws()}:${ws()}${value(random, depth + 1)}`);
  return `{${ws()}${members.join(",")}${ws()}}`;
}

function mutate(text: string, random: () => number): string {
  const at = Math.floor(random() * (text.length + 1));
  const noise = NOISE[Math.floor(random() * NOISE.length)]!;
  const kind = random();
  if (kind < 0.33) return text.slice(0, at) + noise + text.slice(at);
  if (kind < 0.66) return text.slice(0, at) + text.slice(at + 1);
  return text.slice(0, at) + noise + text.slice(at + 1);
}

const parses = (text: string) => {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
};

describe("findJsonError agrees with JSON.parse", () => {
  it("on 5,000 generated texts, valid and mutated (seed 25)", () => {
    const random = seeded(25);
    let refused = 0;
    for (let i = 0; i < 5_000; i++) {
      const valid = value(random, 0);
      const text = i % 4 === 0 ? valid : mutate(valid, random);
      const error = findJsonError(text);
      expect(error === undefined, JSON.stringify(text)).toBe(parses(text));
      if (error) {
        refused++;
        expect(error.offset).toBeGreaterThanOrEqual(0);
        expect(error.offset).toBeLessThanOrEqual(text.length);
      }
    }
    expect(refused).toBeGreaterThan(1_200);
  });

  it("names the line and column, and is not exhausted by deep nesting", () => {
    expect(describeJsonError(findJsonError('{\n  "k": sk_live_51abc\n}')!)).toBe(
      "at line 2, column 8: expected a value (object, array, string, number, true, false or null)",
    );
    expect(findJsonError(`${"[".repeat(50_000)}${"]".repeat(50_000)}`)).toBeUndefined();
    expect(findJsonError("[".repeat(50_000))?.expected).toMatch(/a value/);
  });
});
