/** PEP 440 as the PEP states it, and Poetry's constraint spellings, over the examples the documents give. */
import { describe, expect, it } from "vitest";
import { compareVersions, matchesSpecifier } from "../src/lock/version.ts";
import { compareDotted } from "../src/target.ts";

describe("PEP 440 ordering", () => {
  // The PEP's own example of a fully ordered series ("Summary of permitted suffixes and relative ordering").
  const ordered = [
    "1.0.dev456",
    "1.0a1",
    "1.0a2.dev456",
    "1.0a12.dev456",
    "1.0a12",
    "1.0b1.dev456",
    "1.0b2",
    "1.0b2.post345.dev456",
    "1.0b2.post345",
    "1.0rc1.dev456",
    "1.0rc1",
    "1.0",
    "1.0+abc.5",
    "1.0+abc.7",
    "1.0+5",
    "1.0.post456.dev34",
    "1.0.post456",
    "1.0.15",
    "1.1.dev1",
  ];

  it("sorts the PEP's series into the PEP's order", () => {
    const shuffled = [...ordered].reverse();
    shuffled.push(shuffled.shift()!);
    expect(shuffled.sort(compareVersions)).toEqual(ordered);
  });

  it("puts epochs first, and treats spelling variants as the same version", () => {
    expect(compareVersions("1!1.0", "2.0")).toBeGreaterThan(0);
    expect(compareVersions("1.0RC1", "1.0rc1")).toBe(0);
    expect(compareVersions("1.0-post1", "1.0.post1")).toBe(0);
    expect(compareVersions("1.0", "1.0.0")).toBe(0);
  });
});

describe("PEP 440 specifiers", () => {
  const table: [version: string, specifier: string, expected: boolean][] = [
    // exclusive ordered comparisons, with the PEP's examples
    ["1.7.1", ">1.7", true],
    ["1.7.0.post1", ">1.7", false],
    ["1.7.1", ">1.7.post2", true],
    ["1.7.0.post3", ">1.7.post2", true],
    ["1.7.0", ">1.7.post2", false],
    ["1.0.post2", ">1.0", false],
    ["1.0+local", ">1.0", false],
    ["3.0rc1", "<3.0", false],
    ["1.0.dev1", "<1.0", false],
    ["1.0a1", "<1.0a2", true],
    ["1.0a1.dev1", "<1.0a1", true],
    ["2.9", "<3.0", true],
    // inclusive comparisons admit the boundary's variants
    ["3.0", "<=3.0", true],
    ["1.0.post1", ">=1.0", true],
    // compatible release: ~=2.2 is >=2.2,==2.*; ~=1.4.5 is >=1.4.5,==1.4.*
    ["2.9", "~=2.2", true],
    ["3.0", "~=2.2", false],
    ["1.4.9", "~=1.4.5", true],
    ["1.5.0", "~=1.4.5", false],
    // prefix matching and local versions
    ["1.1.post1", "==1.1.*", true],
    ["1.1.post1", "==1.1", false],
    ["1.0+local", "==1.0", true],
    ["1.0+local", "!=1.0", false],
    ["3.12.0", "==3.12.*", true],
    ["3.12.0", "!=3.12.*", false],
    // epochs
    ["1!1.0", ">=2.0", true],
    ["1.0", ">=1!0.5", false],
    // combined, as requires-python writes them
    ["3.12.0", ">=3.8,<4", true],
    ["3.12.0", ">=3.8, !=3.12.*", false],
    // pre-releases a lock already chose still fit an inclusive range
    ["2.0rc1", ">=1.0", true],
  ];
  it.each(table)("%s in %s → %s", (version, specifier, expected) => {
    expect(matchesSpecifier(version, specifier)).toBe(expected);
  });

  it("does not decide on what it cannot read", () => {
    expect(matchesSpecifier("not a version", ">=1")).toBeUndefined();
    expect(matchesSpecifier("1.0", ">=banana")).toBeUndefined();
  });
});

describe("Poetry constraints", () => {
  const table: [version: string, constraint: string, expected: boolean][] = [
    ["1.9.9", "^1.2.3", true],
    ["2.0.0", "^1.2.3", false],
    ["2.0.0rc1", "^1.2.3", false],
    ["0.2.9", "^0.2.3", true],
    ["0.3.0", "^0.2.3", false],
    ["0.0.3", "^0.0.3", true],
    ["0.0.4", "^0.0.3", false],
    ["1.2.9", "~1.2.3", true],
    ["1.3.0", "~1.2.3", false],
    ["1.9", "~1", true],
    ["2.0", "~1", false],
    ["3.11.4", "3.11.*", true],
    ["1.0", "*", true],
    ["1.5", ">=1 <2", true],
    ["2.0", ">=1 <2", false],
    ["1.2.3", "1.2.3", true],
    ["1.2.3", "=1.2.3", true],
    // botocore's urllib3 constraint for python_version >= "3.10"
    ["2.2.3", ">=1.25.4,<2.2.0 || >2.2.0,<3", true],
    ["2.2.0", ">=1.25.4,<2.2.0 || >2.2.0,<3", false],
    ["1.26.20", ">=1.25.4,<1.27", true],
    ["2.2.3", ">=1.25.4,<1.27", false],
  ];
  it.each(table)("%s in %s → %s", (version, constraint, expected) => {
    expect(matchesSpecifier(version, constraint)).toBe(expected);
  });
});

describe("glibc versions are plain dotted numbers", () => {
  it("orders them numerically", () => {
    expect(compareDotted("2.2.5", "2.14")).toBeLessThan(0);
    expect(compareDotted("2.14", "2.28")).toBeLessThan(0);
    expect(compareDotted("2.28", "2.28.0")).toBe(0);
    expect(compareDotted("2.34", "2.26")).toBeGreaterThan(0);
  });
});
