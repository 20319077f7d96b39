/**
 * pip's configuration, read as pip reads it: our reader (src/install/indexes.ts) is a
 * second implementation of pip's configuration.py over Python's configparser, so a
 * seeded generator writes configuration files (section names in any case, `[DEFAULT]`,
 * `[download]` and `[install]`, key spellings, continuation lines, comments, empty
 * values) and pip itself says what `pip install` and `pip download` take from them.
 * Any disagreement is a bug in ours.
 */
import { execFileSync } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { type PipCommand, readPipConfig } from "../src/install/indexes.ts";
import { hostPython } from "./support/python.ts";

let work: string;

beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), "lpp-pip-config-"));
});

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

function seeded(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// an empty value in a later file hides an earlier file's value of the same key, and is then skipped itself
const SECTIONS = ["global", "GLOBAL", "Global", "install", "download", "Download", "DEFAULT", "freeze", "install "];
const KEYS: [string, string][] = [
  ["index-url", "index-url"],
  ["index_url", "index-url"],
  ["--index-url", "index-url"],
  ["INDEX-URL", "index-url"],
  ["extra-index-url", "extra-index-url"],
  ["Extra_Index_Url", "extra-index-url"],
  ["find-links", "find-links"],
  ["no-index", "no-index"],
  ["timeout", "timeout"],
];

/** One configuration file configparser reads without error: unique sections, unique options in each. */
function configText(random: () => number, file: number): string {
  const pick = <T>(items: T[]) => items[Math.floor(random() * items.length)]!;
  const sections = SECTIONS.filter(() => random() < 0.45);
  const lines: string[] = [];
  if (random() < 0.3) lines.push(pick(["# a comment", "; another", ""]));
  let n = 0;
  for (const section of sections) {
    // indented, a header after an option would continue that option (configparser): only the first may be
    lines.push(`${section === sections[0] && random() < 0.3 ? "  " : ""}[${section}]`);
    const used = new Set<string>();
    for (const [spelling, key] of KEYS) {
      if (random() < 0.55 || used.has(key)) continue;
      used.add(key);
      const value = key === "no-index" ? pick(["yes", "false", "1"]) : `https://f${file}-${n++}.example/simple`;
      const separator = pick([" = ", "=", ": ", " :"]);
      if (key === "extra-index-url" && random() < 0.5) {
        lines.push(`${spelling}${separator}${random() < 0.5 ? value : ""}`, `    https://more${n++}.example/simple`);
        if (random() < 0.3) lines.push("", `\thttps://after-blank${n++}.example/simple`);
      } else lines.push(`${spelling}${separator}${random() < 0.1 ? "" : value}`);
      if (random() < 0.2) lines.push(pick(["  # indented comment", "; comment", ""]));
    }
  }
  return `${lines.join("\n")}\n`;
}

/** What pip's own parser gives `pip <command>` from the configuration files of each case. */
function pipSays(cases: { env: Record<string, string> }[], commands: PipCommand[]): Record<string, string>[][] {
  const script = [
    "import json, os, sys",
    "from pip._internal.cli.parser import ConfigOptionParser",
    "cases, commands = json.loads(sys.stdin.read())",
    "keys = {'index-url', 'extra-index-url', 'find-links', 'no-index'}",
    "out = []",
    "for case in cases:",
    "    for name in [k for k in os.environ if k.startswith('PIP_')]: del os.environ[name]",
    "    os.environ.update(case['env'])",
    "    per = []",
    "    for command in commands:",
    "        parser = ConfigOptionParser(name=command, isolated=False)",
    "        parser.config.load()",
    "        per.append({k: v for k, v in parser._get_ordered_configuration_items() if k in keys})",
    "    out.append(per)",
    "print(json.dumps(out))",
  ].join("\n");
  return JSON.parse(
    execFileSync(hostPython(), ["-c", script], {
      input: JSON.stringify([cases, commands]),
      maxBuffer: 64 << 20,
    }).toString(),
  );
}

it("for 150 generated pairs of files (seed 4), pip install and pip download take what pip takes", async () => {
  const random = seeded(4);
  const prefix = execFileSync(hostPython(), ["-c", "import sys; print(sys.prefix)"]).toString().trim();
  const cases: { env: Record<string, string> }[] = [];
  for (let i = 0; i < 150; i++) {
    const dir = path.join(work, `case-${i}`);
    const xdg = path.join(dir, "xdg");
    await mkdir(path.join(xdg, "pip"), { recursive: true });
    await writeFile(path.join(xdg, "pip", "pip.conf"), configText(random, 1));
    await writeFile(path.join(dir, "env.conf"), configText(random, 2));
    cases.push({
      env: {
        HOME: dir,
        XDG_CONFIG_DIRS: xdg,
        XDG_CONFIG_HOME: path.join(dir, "config"),
        PIP_CONFIG_FILE: path.join(dir, "env.conf"),
      },
    });
  }
  const commands: PipCommand[] = ["install", "download"];
  const expected = pipSays(cases, commands);
  let differing = 0;
  for (const [i, c] of cases.entries()) {
    for (const [j, command] of commands.entries()) {
      const { origin: _origin, ...ours } = await readPipConfig(c.env, prefix, command);
      expect(ours, `case ${i}, pip ${command}`).toEqual(expected[i]![j]);
      if (JSON.stringify(expected[i]![0]) !== JSON.stringify(expected[i]![1])) differing++;
    }
  }
  // the generator reaches what this is about: [download] and [install] taking different values
  expect(differing).toBeGreaterThan(20);
});
