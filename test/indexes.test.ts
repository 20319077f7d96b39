import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import {
  effectiveIndexes,
  type IndexSources,
  indexesForKey,
  parsePipConfig,
  pipConfigFiles,
  readPipConfig,
} from "../src/install/indexes.ts";
import { emptyIndexOptions } from "../src/lock/types.ts";
import { redact } from "../src/redact.ts";

const LOCK = "https://lock.example/simple";
const LOCK_EXTRA = "https://lock-extra.example/simple";
const MIRROR = "https://mirror.example/simple";

function sources(overrides: Partial<IndexSources> = {}): IndexSources {
  return {
    inputs: { extraIndexUrls: [] },
    env: {},
    pipConfig: {},
    recorded: {
      ...emptyIndexOptions(),
      indexUrl: LOCK,
      extraIndexUrls: [LOCK_EXTRA],
      findLinks: ["/project/wheels", "https://lock.example/links/"],
      trustedHosts: ["lock.example"],
    },
    installer: "pip",
    ...overrides,
  };
}

const asked = (s: Partial<IndexSources>) => {
  const { indexUrl, extraIndexUrls, noIndex } = effectiveIndexes(sources(s)).asked;
  return { indexUrl, extraIndexUrls, noIndex };
};

describe("effectiveIndexes: the user's indexes win and are the only ones asked", () => {
  it("nothing named by the user: the lockfile's indexes, find-links and trusted hosts", () => {
    const plan = effectiveIndexes(sources());
    expect(plan.written).toEqual(sources().recorded);
    expect(plan.source).toBe("the lockfile");
  });

  it.each([
    ["PIP_INDEX_URL", { env: { PIP_INDEX_URL: MIRROR } }],
    ["pip.conf index-url", { pipConfig: { "index-url": MIRROR } }],
    ["UV_INDEX_URL (pip run)", { env: { UV_INDEX_URL: MIRROR } }],
    ["UV_DEFAULT_INDEX (pip run)", { env: { UV_DEFAULT_INDEX: MIRROR } }],
    ["UV_INDEX_URL (uv run)", { env: { UV_INDEX_URL: MIRROR }, installer: "uv" as const }],
    ["PIP_INDEX_URL (uv run)", { env: { PIP_INDEX_URL: MIRROR }, installer: "uv" as const }],
    ["index-url input", { inputs: { indexUrl: MIRROR, extraIndexUrls: [] } }],
  ])("%s replaces every index the lockfile recorded", (_name, s) => {
    expect(asked(s)).toEqual({ indexUrl: MIRROR, extraIndexUrls: [], noIndex: false });
    const { written } = effectiveIndexes(sources(s));
    expect(written.findLinks).toEqual(["/project/wheels"]);
    expect(written.trustedHosts).toEqual([]);
  });

  it("the index-url input beats the variables; extra-index-url adds to whichever index wins", () => {
    expect(
      asked({
        inputs: { indexUrl: MIRROR, extraIndexUrls: ["https://x/simple"] },
        env: { PIP_INDEX_URL: "https://env/simple" },
      }),
    ).toEqual({
      indexUrl: MIRROR,
      extraIndexUrls: ["https://x/simple"],
      noIndex: false,
    });
    expect(asked({ inputs: { extraIndexUrls: ["https://x/simple"] }, env: { PIP_INDEX_URL: MIRROR } })).toEqual({
      indexUrl: MIRROR,
      extraIndexUrls: ["https://x/simple"],
      noIndex: false,
    });
    expect(asked({ inputs: { extraIndexUrls: ["https://x/simple"] } })).toEqual({
      indexUrl: "https://pypi.org/simple",
      extraIndexUrls: ["https://x/simple"],
      noIndex: false,
    });
  });

  it("the running installer's own settings beat the other's; PIP_* beats pip.conf", () => {
    const env = { PIP_INDEX_URL: "https://pip/simple", UV_INDEX_URL: "https://uv/simple" };
    expect(asked({ env }).indexUrl).toBe("https://pip/simple");
    expect(asked({ env, installer: "uv" }).indexUrl).toBe("https://uv/simple");
    expect(asked({ env: { PIP_INDEX_URL: MIRROR }, pipConfig: { "index-url": "https://conf/simple" } }).indexUrl).toBe(
      MIRROR,
    );
  });

  it("extra indexes alone, UV_INDEX entries with names, and no-index", () => {
    expect(asked({ env: { PIP_EXTRA_INDEX_URL: "https://a/simple https://b/simple" } })).toEqual({
      indexUrl: "https://pypi.org/simple",
      extraIndexUrls: ["https://a/simple", "https://b/simple"],
      noIndex: false,
    });
    expect(
      asked({ env: { UV_INDEX: "internal=https://a/simple https://b/simple" }, installer: "uv" }).extraIndexUrls,
    ).toEqual(["https://a/simple", "https://b/simple"]);
    expect(asked({ env: { PIP_NO_INDEX: "1" } })).toEqual({ indexUrl: undefined, extraIndexUrls: [], noIndex: true });
    expect(asked({ pipConfig: { "no-index": "true" } }).noIndex).toBe(true);
    expect(asked({ env: { PIP_NO_INDEX: "0" } }).indexUrl).toBe(LOCK);
  });

  it("find-links add a location and leave the lockfile's index in place", () => {
    const plan = effectiveIndexes(sources({ env: { PIP_FIND_LINKS: "/wheels" } }));
    expect(plan.asked.indexUrl).toBe(LOCK);
    expect(plan.asked.findLinks).toContain("/wheels");
    // pip reads its own PIP_FIND_LINKS: not written twice
    expect(plan.written.findLinks).not.toContain("/wheels");
  });

  it("uv: its index variables are removed from its environment, the file says what they said", () => {
    const plan = effectiveIndexes(sources({ env: { UV_INDEX_URL: MIRROR, UV_FIND_LINKS: "/a,/b" }, installer: "uv" }));
    expect(plan.unset).toEqual(
      expect.arrayContaining(["UV_INDEX_URL", "UV_FIND_LINKS", "UV_INDEX", "UV_DEFAULT_INDEX"]),
    );
    expect(plan.written.indexUrl).toBe(MIRROR);
    expect(plan.written.findLinks).toEqual(["/project/wheels", "/a", "/b"]);
    expect(effectiveIndexes(sources({ env: { UV_INDEX_URL: MIRROR } })).unset).toEqual([]);
  });

  it("the cache key's view of the indexes has no credentials", () => {
    const withToken = (token: string) =>
      indexesForKey(
        effectiveIndexes(sources({ env: { PIP_INDEX_URL: `https://aws:${token}@mirror.example/simple` } })).asked,
      );
    expect(withToken("one")).toEqual(withToken("two"));
    expect(withToken("one").indexUrl).toBe(MIRROR);
  });
});

describe("pip's configuration files", () => {
  it("parses pip's INI: sections, continuation lines, --key and key_name spellings, comments", () => {
    const parsed = parsePipConfig(
      "# comment\n[global]\nindex_url = https://a/simple\nextra-index-url =\n    https://b/simple\n    https://c/simple\ntimeout = 5\n[install]\n--no-index: yes\n; trailing\n",
    );
    expect(parsed.global).toEqual({
      "index-url": "https://a/simple",
      "extra-index-url": "\nhttps://b/simple\nhttps://c/simple",
    });
    expect(parsed.install).toEqual({ "no-index": "yes" });
  });

  it("reads the files in pip's order; PIP_CONFIG_FILE=/dev/null turns them off; [install] beats [global]", async () => {
    const home = await mkdtemp(path.join(os.tmpdir(), "lpp-pipconf-"));
    try {
      expect(pipConfigFiles({ PIP_CONFIG_FILE: os.devNull, HOME: home }, "/venv", false)).toEqual([]);
      expect(pipConfigFiles({ HOME: home, XDG_CONFIG_DIRS: "/etc/xdg" }, "/venv", false)).toEqual([
        "/etc/xdg/pip/pip.conf",
        "/etc/pip.conf",
        path.join(home, ".pip", "pip.conf"),
        path.join(home, ".config", "pip", "pip.conf"),
        "/venv/pip.conf",
      ]);
      const envFile = path.join(home, "env.conf");
      expect(pipConfigFiles({ HOME: home, PIP_CONFIG_FILE: envFile }, undefined, true)).not.toContain(
        path.join(home, ".config", "pip", "pip.conf"),
      );
      const venv = path.join(home, "venv");
      await writeFile(envFile, "[global]\nindex-url = https://env-file/simple\n");
      await rm(venv, { recursive: true, force: true });
      await import("node:fs/promises").then((fs) => fs.mkdir(venv));
      await writeFile(path.join(venv, "pip.conf"), "[install]\nindex-url = https://venv/simple\n");
      const config = await readPipConfig({ HOME: home, PIP_CONFIG_FILE: envFile, XDG_CONFIG_DIRS: home }, venv);
      expect(config["index-url"]).toBe("https://venv/simple");
    } finally {
      await rm(home, { recursive: true, force: true });
    }
  });
});

describe("configuration read as the tools read it", () => {
  it("section names are case-sensitive, as configparser keeps them: [GLOBAL] is not [global]", () => {
    const parsed = parsePipConfig(
      "[GLOBAL]\nindex-url = https://upper/simple\n[global]\nindex-url = https://lower/simple\n",
    );
    expect(parsed.global).toEqual({ "index-url": "https://lower/simple" });
    expect(parsed.GLOBAL).toEqual({ "index-url": "https://upper/simple" });
  });

  it("an indented line continues its option (configparser), [DEFAULT] applies to every section", () => {
    const parsed = parsePipConfig(
      "[DEFAULT]\nno-index = no\n[install]\nfoo =\n  index-url = https://not-an-option/simple\n",
    );
    expect(parsed.install).toEqual({ "no-index": "no" });
  });

  it("pip download reads [download] where pip install reads [install]", async () => {
    const home = await mkdtemp(path.join(os.tmpdir(), "lpp-pipconf-cmd-"));
    try {
      const file = path.join(home, "pip.conf");
      await writeFile(
        file,
        "[global]\nindex-url = https://global/simple\n[install]\nindex-url = https://install/simple\n[download]\nindex-url = https://dl-user:dl-T0ken@download/simple\n",
      );
      const env = { HOME: home, PIP_CONFIG_FILE: file, XDG_CONFIG_DIRS: home };
      expect((await readPipConfig(env, undefined, "install"))["index-url"]).toBe("https://install/simple");
      const download = await readPipConfig(env, undefined, "download");
      expect(download["index-url"]).toBe("https://dl-user:dl-T0ken@download/simple");
      expect(download.origin?.["index-url"]).toBe(`${file} ([download] index-url)`);
      // its credential is registered as it is read
      expect(redact("token dl-T0ken")).toBe("token ***");
    } finally {
      await rm(home, { recursive: true, force: true });
    }
  });

  it.each([
    [{ PIP_EXTRA_INDEX_URL: "--index-url https://x.example/simple" }, /PIP_EXTRA_INDEX_URL, URL 1 of 2 is an option/],
    [{ PIP_INDEX_URL: "alice:pw@host/simple" }, /PIP_INDEX_URL has no scheme/],
    [{ UV_INDEX_URL: "pkgs.example.com/simple" }, /UV_INDEX_URL has no scheme/],
    [{ UV_INDEX: "internal=ftp://pkgs.example.com/simple" }, /UV_INDEX has a scheme neither pip nor uv reads/],
  ])("an index variable pip or uv could not use is refused by name: %j", (env, message) => {
    expect(() => effectiveIndexes(sources({ env }))).toThrow(message);
  });

  it("uv's named index may be a local folder (UV_INDEX=name=./wheels)", () => {
    const plan = effectiveIndexes(sources({ env: { UV_INDEX: "local=./wheels" }, installer: "uv" }));
    expect(plan.asked.extraIndexUrls).toEqual(["./wheels"]);
  });

  it("a pip.conf index URL without a scheme is refused naming the file and section", () => {
    const pipConfig = {
      "index-url": "alice:pw@host/simple",
      origin: { "index-url": "/etc/pip.conf ([global] index-url)" },
    };
    expect(() => effectiveIndexes(sources({ pipConfig }))).toThrow("/etc/pip.conf ([global] index-url) has no scheme");
  });

  it("a variable the chosen settings do not use is not refused (the index-url input wins)", () => {
    const plan = effectiveIndexes(
      sources({ inputs: { indexUrl: MIRROR, extraIndexUrls: [] }, env: { PIP_INDEX_URL: "not a url" } }),
    );
    expect(plan.asked.indexUrl).toBe(MIRROR);
  });
});
