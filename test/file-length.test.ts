/** A file in src/ over 400 lines is listed in CONTRIBUTING.md with its reason, and a listed one is that long. */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const REPO = fileURLToPath(new URL("..", import.meta.url));
const LIMIT = 400;

function sources(dir: string): string[] {
  return readdirSync(path.join(REPO, dir), { withFileTypes: true }).flatMap((entry) => {
    const rel = `${dir}/${entry.name}`;
    if (entry.isDirectory()) return sources(rel);
    return /\.(ts|mts|mjs|js)$/.test(entry.name) ? [rel] : [];
  });
}

function lineCount(file: string): number {
  const text = readFileSync(path.join(REPO, file), "utf8");
  return text.split("\n").length - (text.endsWith("\n") ? 1 : 0);
}

/** The files CONTRIBUTING.md names, between its two markers, each with a reason after the colon. */
function listed(): Map<string, string> {
  const text = readFileSync(path.join(REPO, "CONTRIBUTING.md"), "utf8");
  const start = text.indexOf("<!-- files over 400 lines");
  const end = text.indexOf("<!-- end of the list -->", start);
  expect(start, "CONTRIBUTING.md has the list of files over 400 lines").toBeGreaterThanOrEqual(0);
  const list = new Map<string, string>();
  for (const m of text.slice(start, end).matchAll(/^- `([^`]+)`: ([^\n]+)/gm)) list.set(m[1]!, m[2]!.trim());
  return list;
}

describe("file length", () => {
  it("every file in src/ over 400 lines is listed in CONTRIBUTING.md with its reason", () => {
    const list = listed();
    const long = sources("src")
      .map((file) => ({ file, lines: lineCount(file) }))
      .filter(({ lines }) => lines > LIMIT);
    expect(
      long.filter(({ file }) => !list.has(file)).map(({ file, lines }) => `${file}: ${lines} lines`),
      "split the file where it holds two ideas, or list it in CONTRIBUTING.md with why it stays longer",
    ).toEqual([]);
    for (const reason of list.values()) expect(reason.length).toBeGreaterThan(20);
  });

  it("every file listed is in src/ and still over 400 lines", () => {
    const stale = [...listed().keys()].filter((file) => {
      try {
        return !file.startsWith("src/") || lineCount(file) <= LIMIT;
      } catch {
        return true;
      }
    });
    expect(stale, "remove the entry from CONTRIBUTING.md: the file is gone or short now").toEqual([]);
  });
});
