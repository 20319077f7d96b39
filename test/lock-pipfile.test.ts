import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { readPipfileLock } from "../src/lock/pipfile.ts";
import { failure, lockReader, pins } from "./support/lockfiles.ts";

const FIXTURES = path.join(import.meta.dirname, "fixtures", "lockfiles", "pipfile");

const read = lockReader(FIXTURES, readPipfileLock);

const COMMON = [
  "acme-telemetry==0.9.2",
  "certifi==2024.8.30",
  "charset-normalizer==3.4.0",
  "click==8.1.7",
  "idna==3.10",
  "numpy==2.2.6",
  "python-dateutil==2.9.0.post0",
  "requests==2.32.3",
  "six==1.17.0",
  "urllib3==2.2.3",
];

describe("readPipfileLock: orders-api (pipfile-spec 6)", () => {
  it("python3.11 x86_64: orjson (x86_64 only), typing-extensions (< 3.12); no colorama (Windows), no develop", () => {
    const set = read("orders-api/Pipfile.lock");
    expect(pins(set)).toEqual([...COMMON, "orjson==3.10.12", "typing-extensions==4.12.2"].sort());
    expect(set.format).toBe("pipfile");
    expect(set.complete).toBe(true);
    expect(set.firstParty).toEqual([{ name: "orders-shared", path: "packages/orders-shared" }]);
  });

  it("python3.13 arm64: crc32c (aarch64 only); no orjson, no typing-extensions", () => {
    expect(pins(read("orders-api/Pipfile.lock", { runtime: "python3.13", arch: "arm64" }))).toEqual(
      [...COMMON, "crc32c==2.7.1"].sort(),
    );
  });

  it("carries hashes, the package's index and the entry's line", () => {
    const text = readFileSync(path.join(FIXTURES, "orders-api/Pipfile.lock"), "utf8").split("\n");
    const set = read("orders-api/Pipfile.lock");
    const telemetry = set.requirements.find((r) => r.name === "acme-telemetry")!;
    expect(telemetry.index).toBe("https://pypi.internal.example.com/simple");
    expect(set.requirements.find((r) => r.name === "requests")?.index).toBe("https://pypi.org/simple");
    expect(set.indexes.indexUrl).toBe("https://pypi.org/simple");
    expect(set.indexes.extraIndexUrls).toEqual(["https://pypi.internal.example.com/simple"]);
    for (const r of set.requirements) {
      expect(r.hashes.length).toBeGreaterThan(0);
      for (const h of r.hashes) expect(h).toMatch(/^sha256:[0-9a-f]{64}$/);
    }
    const numpy = set.requirements.find((r) => r.name === "numpy")!;
    // pipenv records the sdist's hash with the wheels'
    expect(numpy.hashes).toHaveLength(16);
    expect(text[(numpy.where.line ?? 0) - 1]?.trim()).toBe('"numpy": {');
    expect(numpy.where.table).toBe('"default" → "numpy"');
  });

  it("adds develop only when asked, still without its Windows-only entries", () => {
    const set = read("orders-api/Pipfile.lock", { groups: ["develop"] });
    expect(pins(set)).toEqual(
      [
        ...COMMON,
        "iniconfig==2.0.0",
        "orjson==3.10.12",
        "packaging==24.2",
        "pluggy==1.5.0",
        "pytest==8.3.4",
        "typing-extensions==4.12.2",
      ].sort(),
    );
    expect(pins(read("orders-api/Pipfile.lock", { groups: ["dev-packages"] }))).toContain("pytest==8.3.4");
  });

  it("names an unknown group", () => {
    const e = failure(() => read("orders-api/Pipfile.lock", { groups: ["docs"] }));
    expect(e.message).toContain('group "docs" is not a section of Pipfile.lock (sections: develop)');
  });
});

describe("readPipfileLock: what it refuses", () => {
  it("malformed JSON, at its line", () => {
    const text = readFileSync(path.join(FIXTURES, "bad/malformed/Pipfile.lock"), "utf8").split("\n");
    const e = failure(() => read("bad/malformed/Pipfile.lock"));
    const line = e.where.line ?? 0;
    expect(e.where.file).toBe("Pipfile.lock");
    // the missing comma is at the end of the line before the one the parser stops at
    expect(text[line - 2]?.trim()).toBe('"index": "pypi"');
    expect(e.describe()).toMatch(new RegExp(`^Pipfile\\.lock:${line}: malformed JSON`));
  });

  it("an unknown pipfile-spec, naming the one it reads", () => {
    const e = failure(() => read("bad/spec-5/Pipfile.lock"));
    expect(e.describe()).toMatch(/^Pipfile\.lock:\d+: unsupported Pipfile\.lock pipfile-spec 5/);
    expect(e.message).toContain("pipfile-spec 6");
  });

  it("a Git dependency, with build-from-source never, naming the package and its entry", () => {
    const e = failure(() => read("bad/git/Pipfile.lock", { runtime: "python3.12", buildFromSource: "never" }));
    expect(e.where).toMatchObject({ file: "Pipfile.lock", distribution: "powertools-lite" });
    expect(e.where.line).toBeGreaterThan(1);
    expect(e.message).toContain('"default" → "powertools-lite"');
    expect(e.message).toContain("https://github.com/example-org/powertools-lite.git");
  });

  it("a path dependency outside the project", () => {
    const e = failure(() => read("bad/path-outside/Pipfile.lock", { runtime: "python3.12" }));
    expect(e.where).toMatchObject({ file: "Pipfile.lock", distribution: "company-auth" });
    expect(e.message).toContain('"default" → "company-auth"');
    expect(e.message).toContain("../../libs/company-auth, outside the project");
  });
});
