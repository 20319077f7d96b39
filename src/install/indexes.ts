/**
 * Which indexes the installer asks. The user's choice always wins and is the only one
 * asked: when the inputs, the installers' variables or pip's configuration name an
 * index, the indexes the lockfile recorded are not contacted at all. The decision is
 * pure (`effectiveIndexes`); reading pip's configuration files is the one effect here.
 */
import { readFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { throwAll, UserError } from "../errors.ts";
import type { IndexOptions } from "../lock/types.ts";
import { addSecret, redact, secretsInUrl } from "../redact.ts";

export const DEFAULT_INDEX = "https://pypi.org/simple";

type PipKey = "index-url" | "extra-index-url" | "find-links" | "no-index";

/**
 * The index settings pip reads from its configuration files (`[global]`, then the
 * section of the command pip runs: `[install]` or `[download]`); `origin` says where
 * each came from, for messages.
 */
export type PipConfig = Partial<Record<PipKey, string>> & { origin?: Partial<Record<PipKey, string>> };

/** The pip command the dependencies are fetched with: pip reads its configuration section. */
export type PipCommand = "install" | "download";

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
  /** index URLs this layer holds that neither pip nor uv could use: refused when the layer is used */
  problems: UserError[];
}

/**
 * Why `value` cannot be an index location, or undefined. pip and uv read an index over
 * http(s) or from `file:` URLs and local folders; a value without a scheme is a path to
 * them, so `alice:pw@host/simple` is a folder that does not exist, dropped with a
 * warning in pip's output. Never quotes the value: it may carry a credential.
 */
export function indexUrlProblem(value: string): string | undefined {
  if (/^(https?:\/\/|file:)/i.test(value) || /^(\/|\.\.?(\/|$))/.test(value)) return undefined;
  if (value.startsWith("-")) return "is an option, not a URL (each word of the value must be an index URL)";
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value))
    return "has a scheme neither pip nor uv reads an index from (http, https, file)";
  return "has no scheme: an index URL starts with https:// (or http://, file:), a local folder with / or ./";
}

/** The problems of each word of `values`, named by where they came from and their position. */
function urlProblems(values: (string | undefined)[], from: string): UserError[] {
  const words = values.filter((v): v is string => Boolean(v));
  return words.flatMap((value, i) => {
    const problem = indexUrlProblem(value);
    const which = words.length > 1 ? `${from}, URL ${i + 1} of ${words.length}` : from;
    return problem
      ? [
          new UserError(`${which} ${problem}`, {
            hint: "write it as https://host/simple (with credentials: https://user:token@host/simple, or https://token@host/simple)",
          }),
        ]
      : [];
  });
}

const words = (value: string | undefined) => value?.split(/\s+/).filter(Boolean) ?? [];
const TRUE = /^(1|y|yes|t|true|on)$/i;
const names = (layer: Layer) => layer.indexUrl !== undefined || layer.extraIndexUrls.length > 0 || layer.noIndex;

/** pip's own settings: each PIP_* variable beats the same key in the configuration files. */
function pipLayer(env: NodeJS.ProcessEnv, config: PipConfig): Layer {
  const pick = (variable: string, key: PipKey) =>
    env[variable] !== undefined
      ? { value: env[variable], from: variable, named: variable }
      : { value: config[key], from: "pip.conf", named: config.origin?.[key] ?? `pip's configuration (${key})` };
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
    problems: [...urlProblems(words(index.value), index.named), ...urlProblems(words(extra.value), extra.named)],
  };
}

/** uv's variables: UV_DEFAULT_INDEX replaces the older UV_INDEX_URL; UV_INDEX entries may be `name=url`. */
function uvLayer(env: NodeJS.ProcessEnv): Layer {
  const named = UV_INDEX_VARIABLES.filter((v) => v !== "UV_FIND_LINKS" && env[v]?.trim());
  const indexVariable = env.UV_DEFAULT_INDEX?.trim() ? "UV_DEFAULT_INDEX" : "UV_INDEX_URL";
  const uvIndex = words(env.UV_INDEX).map((entry) =>
    entry.replace(/^[A-Za-z0-9_.-]+=(?=[a-z][a-z0-9+.-]*:|\.{0,2}\/)/i, ""),
  );
  return {
    source: named.join(", ") || "uv",
    indexUrl: env[indexVariable]?.trim() || undefined,
    extraIndexUrls: [...uvIndex, ...words(env.UV_EXTRA_INDEX_URL)],
    findLinks: (env.UV_FIND_LINKS ?? "").split(/[,\s]+/).filter(Boolean),
    noIndex: TRUE.test(env.UV_NO_INDEX?.trim() ?? ""),
    problems: [
      ...urlProblems(words(env[indexVariable]), indexVariable),
      ...urlProblems(uvIndex, "UV_INDEX"),
      ...urlProblems(words(env.UV_EXTRA_INDEX_URL), "UV_EXTRA_INDEX_URL"),
    ],
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
    ? {
        source: "index-url input",
        indexUrl: inputs.indexUrl,
        extraIndexUrls: [],
        findLinks: [],
        noIndex: false,
        problems: [],
      }
    : names(native)
      ? native
      : names(other)
        ? other
        : inputExtras.length > 0
          ? { source: "extra-index-url input", extraIndexUrls: [], findLinks: [], noIndex: false, problems: [] }
          : undefined;
  // the settings used are checked where they are read; a variable another installer would read is not ours to refuse
  if (base && !base.noIndex) throwAll(base.problems);
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
  // every credential the installer may print (the lockfile's own indexes included) is known before it runs
  for (const url of [asked.indexUrl, ...asked.extraIndexUrls, ...asked.findLinks])
    if (url) for (const secret of secretsInUrl(url)) addSecret(secret);
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

/**
 * pip's configuration files as Python's configparser reads them (pip's configuration.py
 * uses RawConfigParser), for the four index keys: section names are case-sensitive
 * (`[GLOBAL]` is not `[global]`), the header is everything between the first `[` and the
 * last `]`; a line indented deeper than its option continues it; `#` and `;` start a
 * comment line; `key = value` or `key: value`, keys compared as pip normalizes them
 * (lower case, `_` as `-`, a leading `--` dropped); `[DEFAULT]` applies to every section.
 */
export function parsePipConfig(text: string): Record<string, PipConfig> {
  const sections: Record<string, Record<string, string>> = {};
  let section: Record<string, string> | undefined;
  let option: string | undefined;
  let optionIndent = 0;
  for (const raw of text.split(/\r\n|\r|\n/)) {
    const value = raw.trim();
    if (/^[#;]/.test(value)) continue;
    if (!value) {
      if (section && option !== undefined) section[option] += "\n";
      continue;
    }
    const indent = raw.length - raw.trimStart().length;
    if (section && option !== undefined && indent > optionIndent) {
      section[option] += `\n${value}`;
      continue;
    }
    optionIndent = indent;
    const header = /^\[(.+)\]/.exec(value);
    if (header) {
      section = sections[header[1]!] ??= {};
      option = undefined;
      continue;
    }
    const m = /^(.*?)\s*[=:]\s*(.*)$/.exec(value);
    if (!section || !m) {
      option = undefined;
      continue;
    }
    option = m[1]!.toLowerCase().replace(/_/g, "-").replace(/^--/, "");
    section[option] = m[2]!;
  }
  const result: Record<string, PipConfig> = {};
  const defaults = sections.DEFAULT ?? {};
  for (const [name, options] of Object.entries(sections)) {
    if (name === "DEFAULT") continue;
    const config: PipConfig = {};
    for (const [key, raw] of Object.entries({ ...defaults, ...options }))
      if (key === "index-url" || key === "extra-index-url" || key === "find-links" || key === "no-index")
        config[key] = raw.trimEnd();
    result[name] = config;
  }
  return result;
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

/**
 * pip's index settings from its configuration files, as pip merges them for `command`
 * (parser.py's _get_ordered_configuration_items): every file's `[global]`, then every
 * file's `[<command>]` over them, a later file beating an earlier one key by key;
 * empty values are skipped. Credentials in them are registered as they are read.
 */
export async function readPipConfig(
  env: NodeJS.ProcessEnv,
  prefix?: string,
  command: PipCommand = "install",
): Promise<PipConfig> {
  const read = async (file: string) => {
    try {
      const data = await readFile(file);
      return data.length <= MAX_CONFIG_BYTES ? data.toString("utf8") : undefined;
    } catch {
      return undefined;
    }
  };
  const envFile = env.PIP_CONFIG_FILE ? await read(env.PIP_CONFIG_FILE) : undefined;
  // per section, a later file beats an earlier one key by key, an empty value too (configuration.py);
  // then the sections in pip's order, empty values skipped (parser.py)
  const bySection = new Map<string, Map<PipKey, { value: string; file: string }>>();
  for (const file of pipConfigFiles(env, prefix, envFile !== undefined)) {
    const text = file === env.PIP_CONFIG_FILE ? envFile : await read(file);
    if (text === undefined) continue;
    const sections = parsePipConfig(text);
    for (const section of ["global", command]) {
      const keys = bySection.get(section) ?? new Map();
      bySection.set(section, keys);
      for (const [key, value] of Object.entries(sections[section] ?? {}) as [PipKey, string][])
        keys.set(key, { value, file });
    }
  }
  const merged: PipConfig = {};
  const origin: NonNullable<PipConfig["origin"]> = {};
  for (const [section, keys] of bySection) {
    for (const [key, { value, file }] of keys) {
      if (!value) continue;
      for (const url of key === "no-index" ? [] : words(value))
        for (const secret of secretsInUrl(url)) addSecret(secret);
      merged[key] = value;
      origin[key] = `${file} ([${section}] ${key})`;
    }
  }
  return Object.keys(merged).length > 0 ? { ...merged, origin } : merged;
}
