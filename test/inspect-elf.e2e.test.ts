/** Our ELF parser against binutils' readelf, over the machine's own libraries. */
import { describe, expect, it } from "vitest";
import type { ElfInfo } from "../src/inspect/elf.ts";
import { hasReadelf, readelfNeeds, realElfFiles } from "./support/elf.ts";

const flatten = (info: ElfInfo) =>
  Object.fromEntries(
    info.needs.map((n) => [n.file, [...n.versions].sort()]).sort(([a], [b]) => String(a).localeCompare(String(b))),
  );

describe("ELF parser", () => {
  it.skipIf(!hasReadelf())("agrees with readelf -V on every version requirement", async () => {
    const files = await realElfFiles();
    // a spread: small and large, with and without requirements, up to libstdc++-sized (readelf is slow on 100 MB)
    const upTo5MB = files.filter((f) => f.size < 5_000_000);
    const sample = [...upTo5MB.slice(0, 10), ...upTo5MB.filter((_, i) => i % 40 === 0), ...upTo5MB.slice(-2)];
    let compared = 0;
    for (const f of sample) {
      const ours = flatten(f.info);
      const theirs = Object.fromEntries(
        Object.entries(readelfNeeds(f.path))
          .map(([k, v]) => [k, [...v].sort()] as const)
          .sort(([a], [b]) => a.localeCompare(b)),
      );
      expect(ours, f.path).toEqual(theirs);
      compared++;
    }
    expect(compared).toBeGreaterThan(10);
  });
});
