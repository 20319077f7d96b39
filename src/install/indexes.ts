/**
 * Which indexes the installer asks. The user's choice always wins and is the only one
 * asked: when the inputs, the installers' variables or pip's configuration name an
 * index, the indexes the lockfile recorded are not contacted at all. The decision is
 * pure (`effectiveIndexes`); reading pip's configuration files is the one effect here.
 */
import { readFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { IndexOptions } from "../lock/types.ts";
import { addSecret, redact, secretsInUrl } from "../redact.ts";

export const DEFAULT_INDEX = "https://pypi.org/simple";

/** The index settings pip reads from its configuration files (`[global]`, then `[install]`). */
export type PipConfig = Partial<Record<"index-url" | "extra-index-url" | "find-links" | "no-index", string>>;

export interface IndexSources {
  /** `index-url` / `extra-index-url` inputs */
  inputs: { indexUrl?: string; extraIndexUrls: string[] };
  env: NodeJS.ProcessEnv;
  pipConfig: PipConfig;
  /** what the lockfile recorded */
  recorded: IndexOptions;
  installer: "pip" | "uv";
}

export interface IndexPlan {
  /** written into the requirements file the installer reads: every index it may ask */
  written: IndexOptions;
  /** everything the installer will look at (written, plus pip's own find-links): for diagnosis and the cache key */
  asked: IndexOptions;
  /** who chose the indexes, for the log */
  source: string;
  /** variables removed from the installer's environment because the file now says what they said */
  unset: string[];
}

/** The uv variables that name indexes; for a uv run the file replaces them (uv lets them beat the file). */
export const UV_INDEX_VARIABLES = [
  "UV_DEFAULT_INDEX",
  "UV_INDEX_URL",
  "UV_INDEX",
  "UV_EXTRA_INDEX_URL",
  "UV_FIND_LINKS",
  "UV_NO_INDEX",
] as const;

interface Layer {
  source: string;
  indexUrl?: string;
  extraIndexUrls: string[];
  findLinks: string[];
  noIndex: boolean;
}

const words = (value: string | undefined) => value?.split(/\s+/).filter(Boolean) ?? [];
const TRUE = /^(1|y|yes|t|true|on)$/i;
const names = (layer: Layer) => layer.indexUrl !== undefined || layer.extraIndexUrls.length > 0 || layer.noIndex;

/** pip's own settings: each PIP_* variable beats the same key in the configuration files. */
function pipLayer(env: NodeJS.ProcessEnv, config: PipConfig): Layer {
  const pick = (variable: string, key: keyof PipConfig) =>
    env[variable] !== undefined ? { value: env[variable], from: variable } : { value: config[key], from: "pip.conf" };
  const index = pick("PIP_INDEX_URL", "index-url");
  const extra = pick("PIP_EXTRA_INDEX_URL", "extra-index-url");
  const noIndex = pick("PIP_NO_INDEX", "no-index");
  const named = [index, extra, noIndex].filter((p) => p.value?.trim()).map((p) => p.from);
  return {
    source: [...new Set(named)].join(", ") || "pip",
    indexUrl: index.value?.trim() || undefined,
    extraIndexUrls: words(extra.value),
    findLinks: words(env.PIP_FIND_LINKS ?? config["find-links"]),
    noIndex: TRUE.test(noIndex.value?.trim() ?? ""),
  };
}

/** uv's variables: UV_DEFAULT_INDEX replaces the older UV_INDEX_URL; UV_INDEX entries may be `name=url`. */
function uvLayer(env: NodeJS.ProcessEnv): Layer {
  const named = UV_INDEX_VARIABLES.filter((v) => v !== "UV_FIND_LINKS" && env[v]?.trim());
  return {
    source: named.join(", ") || "uv",
    indexUrl: env.UV_DEFAULT_INDEX?.trim() || env.UV_INDEX_URL?.trim() || undefined,
    extraIndexUrls: [
      ...words(env.UV_INDEX).map((entry) => entry.replace(/^[A-Za-z0-9_.-]+=(?=[a-z][a-z0-9+.-]*:)/i, "")),
      ...words(env.UV_EXTRA_INDEX_URL),
    ],
    findLinks: (env.UV_FIND_LINKS ?? "").split(/[,\s]+/).filter(Boolean),
    noIndex: TRUE.test(env.UV_NO_INDEX?.trim() ?? ""),
  };
}

const isUrl = (link: string) => /^https?:\/\//i.test(link);

/**
 * The indexes to ask, from (inputs, environment, pip configuration, lockfile):
 * 1. the `index-url` input: it and the `extra-index-url` input, nothing else;
 * 2. else the running installer's own settings (pip: PIP_* over its config files; uv: UV_*),
 *    else the other installer's variables (a workflow set up for one serves both),
 *    with the `extra-index-url` input added; only `extra-index-url` → PyPI plus those;
 * 3. only when none of these names an index: what the lockfile recorded.
 * Find-links add locations and do not displace the lockfile's index; the lockfile's
 * URL find-links and trusted hosts belong to its indexes and go with them.
 */
export function effectiveIndexes(sources: IndexSources): IndexPlan {
  const { inputs, env, pipConfig, recorded, installer } = sources;
  const pip = pipLayer(env, pipConfig);
  const uv = uvLayer(env);
  const [native, other] = installer === "pip" ? [pip, uv] : [uv, pip];
  const inputExtras = inputs.extraIndexUrls;
  const base: Layer | undefined = inputs.indexUrl
    ? { source: "index-url input", indexUrl: inputs.indexUrl, extraIndexUrls: [], findLinks: [], noIndex: false }
    : names(native)
      ? native
      : names(other)
        ? other
        : inputExtras.length > 0
          ? { source: "extra-index-url input", extraIndexUrls: [], findLinks: [], noIndex: false }
          : undefined;
  // the installer reads its own find-links itself (pip) or loses them with the unset variables (uv)
  const nativeLinks = installer === "uv" ? native.findLinks : [];
  const otherLinks = base === other ? other.findLinks : [];
  let written: IndexOptions;
  let source: string;
  if (base) {
    const extras = [...base.extraIndexUrls, ...inputExtras];
    source = inputs.indexUrl || !inputExtras.length ? base.source : `${base.source}, extra-index-url input`;
    written = {
      indexUrl: base.noIndex ? undefined : (base.indexUrl ?? DEFAULT_INDEX),
      extraIndexUrls: base.noIndex ? [] : [...new Set(extras)],
      findLinks: [...recorded.findLinks.filter((l) => !isUrl(l)), ...nativeLinks, ...otherLinks],
      noIndex: base.noIndex,
      trustedHosts: [],
    };
  } else {
    source = recorded.indexUrl || recorded.extraIndexUrls.length || recorded.noIndex ? "the lockfile" : "default";
    written = {
      indexUrl: recorded.noIndex ? undefined : (recorded.indexUrl ?? DEFAULT_INDEX),
      extraIndexUrls: recorded.noIndex ? [] : [...recorded.extraIndexUrls],
      findLinks: [...recorded.findLinks, ...nativeLinks],
      noIndex: recorded.noIndex,
      trustedHosts: [...recorded.trustedHosts],
    };
  }
  written.findLinks = [...new Set(written.findLinks)];
  const asked = {
    ...written,
    findLinks: [...new Set([...written.findLinks, ...(installer === "pip" ? pip.findLinks : [])])],
  };
  // pip: an explicit --index-url in the file replaces its whole index list; --no-index in its settings empties it
  if (installer === "pip" && pip.noIndex)
    Object.assign(asked, { indexUrl: undefined, extraIndexUrls: [], noIndex: true });
  return { written, asked, source, unset: installer === "uv" ? [...UV_INDEX_VARIABLES] : [] };
}

/** One line for the log: which indexes, chosen by whom (credentials redacted). */
export function describeIndexes(plan: IndexPlan): string {
  const { asked } = plan;
  const where = asked.noIndex ? ["no index"] : [asked.indexUrl, ...asked.extraIndexUrls].filter(Boolean);
  const links = asked.findLinks.length ? `; find-links ${asked.findLinks.join(", ")}` : "";
  return redact(`Indexes: ${where.join(", ")}${links} (from ${plan.source})`);
}

/** The indexes without credentials: a rotated token must not change the cache key. */
export function indexesForKey(indexes: IndexOptions): IndexOptions {
  const strip = (url: string) => url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/]*@/i, "$1");
  return {
    indexUrl: indexes.indexUrl && strip(indexes.indexUrl),
    extraIndexUrls: indexes.extraIndexUrls.map(strip),
    findLinks: indexes.findLinks.map(strip),
    noIndex: indexes.noIndex,
    trustedHosts: indexes.trustedHosts,
  };
}

/** pip's INI dialect for the four index keys: `key = value`, continuation lines, `#`/`;` comments. */
export function parsePipConfig(text: string): Record<string, PipConfig> {
  const sections: Record<string, PipConfig> = {};
  let section: string | undefined;
  let key: keyof PipConfig | undefined;
  for (const raw of text.split(/\r?\n/)) {
    if (/^\s*[#;]/.test(raw) || !raw.trim()) continue;
    const header = /^\s*\[([^\]]+)\]\s*$/.exec(raw);
    if (header) {
      section = header[1]!.trim().toLowerCase();
      key = undefined;
      continue;
    }
    if (/^\s/.test(raw) && key && section) {
      const target = sections[section]!;
      target[key] = `${target[key] ?? ""}\n${raw.trim()}`;
      continue;
    }
    const m = /^\s*(?:--)?([A-Za-z_-]+)\s*[=:]\s*(.*)$/.exec(raw);
    const name = m?.[1]?.toLowerCase().replace(/_/g, "-");
    key =
      name === "index-url" || name === "extra-index-url" || name === "find-links" || name === "no-index"
        ? name
        : undefined;
    if (key && section) {
      sections[section] ??= {};
      sections[section]![key] = m![2]!.trim();
    }
  }
  return sections;
}

/**
 * The configuration files pip reads, weakest first (pip ≥ 20.3 on Linux): global
 * (`$XDG_CONFIG_DIRS`/pip/pip.conf, /etc/pip.conf), user (~/.pip/pip.conf,
 * `$XDG_CONFIG_HOME`/pip/pip.conf; skipped when PIP_CONFIG_FILE names an existing
 * file), site (`<sys.prefix>/pip.conf`, a venv's), then PIP_CONFIG_FILE.
 * PIP_CONFIG_FILE=/dev/null turns them all off.
 */
export function pipConfigFiles(env: NodeJS.ProcessEnv, prefix: string | undefined, envFileExists: boolean): string[] {
  const configFile = env.PIP_CONFIG_FILE;
  if (configFile === os.devNull) return [];
  const home = env.HOME || os.homedir();
  const xdgDirs = (env.XDG_CONFIG_DIRS || "/etc/xdg").split(":").filter(Boolean);
  const files = [...xdgDirs.map((d) => path.join(d, "pip", "pip.conf")), "/etc/pip.conf"];
  if (!(configFile && envFileExists)) {
    files.push(path.join(home, ".pip", "pip.conf"));
    files.push(path.join(env.XDG_CONFIG_HOME || path.join(home, ".config"), "pip", "pip.conf"));
  }
  if (prefix) files.push(path.join(prefix, "pip.conf"));
  if (configFile) files.push(configFile);
  return files;
}

const MAX_CONFIG_BYTES = 1024 * 1024;

/** pip's index settings from its configuration files, as pip merges them for `pip install`. */
export async function readPipConfig(env: NodeJS.ProcessEnv, prefix?: string): Promise<PipConfig> {
  const read = async (file: string) => {
    try {
      const data = await readFile(file);
      return data.length <= MAX_CONFIG_BYTES ? data.toString("utf8") : undefined;
    } catch {
      return undefined;
    }
  };
  const envFile = env.PIP_CONFIG_FILE ? await read(env.PIP_CONFIG_FILE) : undefined;
  // a later file beats an earlier one key by key; any file's [install] beats every [global]
  const global: PipConfig = {};
  const install: PipConfig = {};
  for (const file of pipConfigFiles(env, prefix, envFile !== undefined)) {
    const text = file === env.PIP_CONFIG_FILE ? envFile : await read(file);
    if (text === undefined) continue;
    const sections = parsePipConfig(text);
    Object.assign(global, sections.global);
    Object.assign(install, sections.install);
  }
  const merged: PipConfig = { ...global, ...install };
  for (const url of [merged["index-url"], ...words(merged["extra-index-url"]), ...words(merged["find-links"])])
    if (url) for (const secret of secretsInUrl(url)) addSecret(secret);
  return merged;
}
