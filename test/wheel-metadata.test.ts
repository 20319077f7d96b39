/**
 * The dist-info texts pip reads on install, held to grammars pip is known to accept: a wheel
 * whose WHEEL or entry_points.txt falls outside is handed to pip (which refuses it, or reads
 * it its own way), never unpacked here on a guess.
 */
import { describe, expect, it } from "vitest";
import {
  decodeAsPip,
  distInfoTextProblem,
  entryPointsProblem,
  wheelVersionProblem,
} from "../src/dependencies/wheel-metadata.ts";

describe("WHEEL", () => {
  it("takes one Wheel-Version 1.x in a plain header block", () => {
    expect(
      wheelVersionProblem("Wheel-Version: 1.0\nGenerator: x\nRoot-Is-Purelib: true\nTag: py3-none-any\n"),
    ).toBeUndefined();
    expect(wheelVersionProblem("wheel-version:1.1\r\nTag: py3-none-any\r\n\r\nbody: ignored")).toBeUndefined();
  });
  it.each([
    ["Wheel-Version: 2.0\n", "not 1.x"],
    ["Wheel-Version: 0.9\n", "not 1.x"],
    ["Generator: x\n", "0 Wheel-Version"],
    ["Wheel-Version: 1.0\nWheel-Version: 2.0\n", "2 Wheel-Version"],
    ["Wheel-Version: 1.a\n", "not 1.x"],
    ["Wheel-Version: 1.0\n Tag: folded\n", "its own way"],
    ["\uFEFFWheel-Version: 1.0\n", "its own way"],
  ])("leaves %j to pip (%s)", (text, why) => {
    expect(wheelVersionProblem(text)).toContain(why);
  });
  it("decodes as pip does: strict UTF-8, a byte-order mark kept", () => {
    expect(decodeAsPip(Buffer.from([0xef, 0xbb, 0xbf, 0x41]))).toBe("\uFEFFA");
    expect(decodeAsPip(Buffer.from([0x41, 0xff]))).toBeUndefined();
    expect(distInfoTextProblem("WHEEL", undefined)).toMatch(/not UTF-8/);
  });
});

describe("entry_points.txt", () => {
  it("takes scripts with a callable, and other groups as pkg_resources parses them", () => {
    const text =
      "# comment\n[console_scripts]\ntool = pkg.cli:main\ntool2=pkg:obj.attr\n\n[pytest11]\nplug = pkg.plugin\nx = pkg:f [extra]\n";
    expect(entryPointsProblem(text)).toBeUndefined();
    expect(entryPointsProblem("")).toBeUndefined();
  });
  it.each([
    ["[console_scripts]\ntool = pkg.cli\n", "Invalid script entry point"],
    ["[gui_scripts]\ntool = pkg\n", "Invalid script entry point"],
    ["[console_scripts]\ntool = pkg:\n", "its own way"],
    ["[console_scripts]\ntool = pkg:main [extra]\n", "Invalid script entry point"],
    ["[console_scripts]\n../evil = pkg:main\n", "not a plain script name"],
    ["[console_scripts]\n.hidden = pkg:main\n", "not a plain script name"],
    ["tool = pkg:main\n", "its own way"],
    ["[console_scripts]\ntool\n", "its own way"],
    ["[console_scripts]\ntool = pkg:main\ntool = pkg:other\n", "twice"],
    ["[ console_scripts ]\ntool = pkg\n", "its own way"],
    ["[pytest11]\nplug = not a module\n", "its own way"],
  ])("leaves %j to pip (%s)", (text, why) => {
    expect(entryPointsProblem(text)).toContain(why);
  });
});
