import { createRequire as __lppCreateRequire } from 'node:module'; const require = __lppCreateRequire(import.meta.url);
import {
  glibcString,
  parseWheelFilename,
  wheelFits
} from "./chunk-QJVFUJPW.js";
import {
  normalizeName
} from "./chunk-CYE4DHQG.js";
import {
  addSecret,
  redact,
  redactEdges,
  secretsInUrl
} from "./chunk-HCMR2GAL.js";
import {
  UserError,
  UserErrors,
  throwAll
} from "./chunk-LYXEWKKS.js";
import {
  append
} from "./chunk-SJ6SIYOC.js";
import {
  __export
} from "./chunk-QK3BG52E.js";

// src/install/indexes.ts
import { readFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
var DEFAULT_INDEX = "https://pypi.org/simple";
var UV_INDEX_VARIABLES = [
  "UV_DEFAULT_INDEX",
  "UV_INDEX_URL",
  "UV_INDEX",
  "UV_EXTRA_INDEX_URL",
  "UV_FIND_LINKS",
  "UV_NO_INDEX"
];
function indexUrlProblem(value) {
  if (/^(https?:\/\/|file:)/i.test(value) || /^(\/|\.\.?(\/|$))/.test(value)) return void 0;
  if (value.startsWith("-")) return "is an option, not a URL (each word of the value must be an index URL)";
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value))
    return "has a scheme neither pip nor uv reads an index from (http, https, file)";
  return "has no scheme: an index URL starts with https:// (or http://, file:), a local folder with / or ./";
}
function urlProblems(values, from) {
  const words2 = values.filter((v) => Boolean(v));
  return words2.flatMap((value, i) => {
    const problem = indexUrlProblem(value);
    const which = words2.length > 1 ? `${from}, URL ${i + 1} of ${words2.length}` : from;
    return problem ? [
      new UserError(`${which} ${problem}`, {
        hint: "write it as https://host/simple (with credentials: https://user:token@host/simple, or https://token@host/simple)"
      })
    ] : [];
  });
}
var words = (value) => value?.split(/\s+/).filter(Boolean) ?? [];
var TRUE = /^(1|y|yes|t|true|on)$/i;
var names = (layer) => layer.indexUrl !== void 0 || layer.extraIndexUrls.length > 0 || layer.noIndex;
function pipLayer(env, config) {
  const pick2 = (variable, key) => env[variable] !== void 0 ? { value: env[variable], from: variable, named: variable } : { value: config[key], from: "pip.conf", named: config.origin?.[key] ?? `pip's configuration (${key})` };
  const index = pick2("PIP_INDEX_URL", "index-url");
  const extra = pick2("PIP_EXTRA_INDEX_URL", "extra-index-url");
  const noIndex = pick2("PIP_NO_INDEX", "no-index");
  const named = [index, extra, noIndex].filter((p) => p.value?.trim()).map((p) => p.from);
  return {
    source: [...new Set(named)].join(", ") || "pip",
    indexUrl: index.value?.trim() || void 0,
    extraIndexUrls: words(extra.value),
    findLinks: words(env.PIP_FIND_LINKS ?? config["find-links"]),
    noIndex: TRUE.test(noIndex.value?.trim() ?? ""),
    problems: [...urlProblems(words(index.value), index.named), ...urlProblems(words(extra.value), extra.named)]
  };
}
function uvLayer(env) {
  const named = UV_INDEX_VARIABLES.filter((v) => v !== "UV_FIND_LINKS" && env[v]?.trim());
  const indexVariable = env.UV_DEFAULT_INDEX?.trim() ? "UV_DEFAULT_INDEX" : "UV_INDEX_URL";
  const uvIndex = words(env.UV_INDEX).map(
    (entry) => entry.replace(/^[A-Za-z0-9_.-]+=(?=[a-z][a-z0-9+.-]*:|\.{0,2}\/)/i, "")
  );
  return {
    source: named.join(", ") || "uv",
    indexUrl: env[indexVariable]?.trim() || void 0,
    extraIndexUrls: [...uvIndex, ...words(env.UV_EXTRA_INDEX_URL)],
    findLinks: (env.UV_FIND_LINKS ?? "").split(/[,\s]+/).filter(Boolean),
    noIndex: TRUE.test(env.UV_NO_INDEX?.trim() ?? ""),
    problems: [
      ...urlProblems(words(env[indexVariable]), indexVariable),
      ...urlProblems(uvIndex, "UV_INDEX"),
      ...urlProblems(words(env.UV_EXTRA_INDEX_URL), "UV_EXTRA_INDEX_URL")
    ]
  };
}
var isUrl = (link) => /^https?:\/\//i.test(link);
function effectiveIndexes(sources) {
  const { inputs, env, pipConfig, recorded, installer } = sources;
  const pip = pipLayer(env, pipConfig);
  const uv = uvLayer(env);
  const [native, other] = installer === "pip" ? [pip, uv] : [uv, pip];
  const inputExtras = inputs.extraIndexUrls;
  const base = inputs.indexUrl ? {
    source: "index-url input",
    indexUrl: inputs.indexUrl,
    extraIndexUrls: [],
    findLinks: [],
    noIndex: false,
    problems: []
  } : names(native) ? native : names(other) ? other : inputExtras.length > 0 ? { source: "extra-index-url input", extraIndexUrls: [], findLinks: [], noIndex: false, problems: [] } : void 0;
  if (base && !base.noIndex) throwAll(base.problems);
  const nativeLinks = installer === "uv" ? native.findLinks : [];
  const otherLinks = base === other ? other.findLinks : [];
  let written;
  let source;
  if (base) {
    const extras = [...base.extraIndexUrls, ...inputExtras];
    source = inputs.indexUrl || !inputExtras.length ? base.source : `${base.source}, extra-index-url input`;
    written = {
      indexUrl: base.noIndex ? void 0 : base.indexUrl ?? DEFAULT_INDEX,
      extraIndexUrls: base.noIndex ? [] : [...new Set(extras)],
      findLinks: [...recorded.findLinks.filter((l) => !isUrl(l)), ...nativeLinks, ...otherLinks],
      noIndex: base.noIndex,
      trustedHosts: []
    };
  } else {
    source = recorded.indexUrl || recorded.extraIndexUrls.length || recorded.noIndex ? "the lockfile" : "default";
    written = {
      indexUrl: recorded.noIndex ? void 0 : recorded.indexUrl ?? DEFAULT_INDEX,
      extraIndexUrls: recorded.noIndex ? [] : [...recorded.extraIndexUrls],
      findLinks: [...recorded.findLinks, ...nativeLinks],
      noIndex: recorded.noIndex,
      trustedHosts: [...recorded.trustedHosts]
    };
  }
  written.findLinks = [...new Set(written.findLinks)];
  const asked = {
    ...written,
    findLinks: [.../* @__PURE__ */ new Set([...written.findLinks, ...installer === "pip" ? pip.findLinks : []])]
  };
  if (installer === "pip" && pip.noIndex)
    Object.assign(asked, { indexUrl: void 0, extraIndexUrls: [], noIndex: true });
  for (const url of [asked.indexUrl, ...asked.extraIndexUrls, ...asked.findLinks])
    if (url) for (const secret of secretsInUrl(url)) addSecret(secret);
  return { written, asked, source, unset: installer === "uv" ? [...UV_INDEX_VARIABLES] : [] };
}
function describeIndexes(plan) {
  const { asked } = plan;
  const where = asked.noIndex ? ["no index"] : [asked.indexUrl, ...asked.extraIndexUrls].filter(Boolean);
  const links = asked.findLinks.length ? `; find-links ${asked.findLinks.join(", ")}` : "";
  return redact(`Indexes: ${where.join(", ")}${links} (from ${plan.source})`);
}
function indexesForKey(indexes) {
  const strip = (url) => url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/]*@/i, "$1");
  return {
    indexUrl: indexes.indexUrl && strip(indexes.indexUrl),
    extraIndexUrls: indexes.extraIndexUrls.map(strip),
    findLinks: indexes.findLinks.map(strip),
    noIndex: indexes.noIndex,
    trustedHosts: indexes.trustedHosts
  };
}
function parsePipConfig(text) {
  const sections = {};
  let section;
  let option;
  let optionIndent = 0;
  for (const raw of text.split(/\r\n|\r|\n/)) {
    const value = raw.trim();
    if (/^[#;]/.test(value)) continue;
    if (!value) {
      if (section && option !== void 0) section[option] += "\n";
      continue;
    }
    const indent = raw.length - raw.trimStart().length;
    if (section && option !== void 0 && indent > optionIndent) {
      section[option] += `
${value}`;
      continue;
    }
    optionIndent = indent;
    const header = /^\[(.+)\]/.exec(value);
    if (header) {
      section = sections[header[1]] ??= {};
      option = void 0;
      continue;
    }
    const m = /^(.*?)\s*[=:]\s*(.*)$/.exec(value);
    if (!section || !m) {
      option = void 0;
      continue;
    }
    option = m[1].toLowerCase().replace(/_/g, "-").replace(/^--/, "");
    section[option] = m[2];
  }
  const result = {};
  const defaults = sections.DEFAULT ?? {};
  for (const [name, options] of Object.entries(sections)) {
    if (name === "DEFAULT") continue;
    const config = {};
    for (const [key, raw] of Object.entries({ ...defaults, ...options }))
      if (key === "index-url" || key === "extra-index-url" || key === "find-links" || key === "no-index")
        config[key] = raw.trimEnd();
    result[name] = config;
  }
  return result;
}
function pipConfigFiles(env, prefix, envFileExists) {
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
var MAX_CONFIG_BYTES = 1024 * 1024;
async function readPipConfig(env, prefix, command = "install") {
  const read = async (file) => {
    try {
      const data = await readFile(file);
      return data.length <= MAX_CONFIG_BYTES ? data.toString("utf8") : void 0;
    } catch {
      return void 0;
    }
  };
  const envFile = env.PIP_CONFIG_FILE ? await read(env.PIP_CONFIG_FILE) : void 0;
  const bySection = /* @__PURE__ */ new Map();
  for (const file of pipConfigFiles(env, prefix, envFile !== void 0)) {
    const text = file === env.PIP_CONFIG_FILE ? envFile : await read(file);
    if (text === void 0) continue;
    const sections = parsePipConfig(text);
    for (const section of ["global", command]) {
      const keys = bySection.get(section) ?? /* @__PURE__ */ new Map();
      bySection.set(section, keys);
      for (const [key, value] of Object.entries(sections[section] ?? {}))
        keys.set(key, { value, file });
    }
  }
  const merged = {};
  const origin = {};
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

// src/cache/manifest.ts
import { createHash } from "node:crypto";
import { closeSync, openSync, readSync } from "node:fs";
import { readFile as readFile2, rename, writeFile } from "node:fs/promises";
import path2 from "node:path";
var MANIFEST_FILE = "manifest.json";
var DEPENDENCY_ZIP_FILE = "dependencies.zip";
function sha256File(file, buffer = Buffer.allocUnsafe(1024 * 1024)) {
  const hash = createHash("sha256");
  const fd = openSync(file, "r");
  try {
    for (let n = readSync(fd, buffer); n > 0; n = readSync(fd, buffer)) hash.update(buffer.subarray(0, n));
  } finally {
    closeSync(fd);
  }
  return hash.digest("hex");
}
async function writeManifest(entryDir, manifest) {
  const target = path2.join(entryDir, MANIFEST_FILE);
  await writeFile(`${target}.tmp`, JSON.stringify(manifest));
  await rename(`${target}.tmp`, target);
}
async function readManifest(entryDir) {
  try {
    const parsed = JSON.parse(await readFile2(path2.join(entryDir, MANIFEST_FILE), "utf8"));
    return parsed?.format === 2 && typeof parsed.dependencyZip?.sha256 === "string" && Array.isArray(parsed.distributions) && Array.isArray(parsed.owners) && Array.isArray(parsed.treeChecks?.before) && Array.isArray(parsed.treeChecks?.after) && Array.isArray(parsed.treeChecks?.collisions?.strict) && Array.isArray(parsed.treeChecks?.collisions?.allowed) ? parsed : void 0;
  } catch {
    return void 0;
  }
}

// src/install/tree.ts
import { createHash as createHash2 } from "node:crypto";
import { lstatSync, readdirSync, readlinkSync, statSync } from "node:fs";
import { readdir, readFile as readFile3, rm, stat, writeFile as writeFile2 } from "node:fs/promises";
import path4 from "node:path";

// src/install/record.ts
import path3 from "node:path";
var RECORD_CONTRADICTS_HINT = "the wheel's RECORD contradicts its own contents (damaged or forged, though pip would install it): check the index, and pin the lockfile's hashes for it";
function recordSha256(hash) {
  const at = hash?.indexOf("=") ?? -1;
  if (!hash || at < 0 || hash.slice(0, at).toLowerCase() !== "sha256") return void 0;
  const value = hash.slice(at + 1);
  if (/^[0-9a-fA-F]{64}$/.test(value)) return Buffer.from(value, "hex");
  if (/^[A-Za-z0-9_-]{43}$/.test(value)) return Buffer.from(value, "base64url");
  if (/^[A-Za-z0-9+/]{43}=$/.test(value)) return Buffer.from(value, "base64");
  return void 0;
}
function recordMismatch(name, row, found) {
  if (!row) return { unusual: `${name} is not listed in its RECORD` };
  const claimed = recordSha256(row.hash);
  if (!claimed) return { unusual: `${name} has no sha256 in its RECORD` };
  if (!claimed.equals(found.sha256)) return { refuse: `${name} does not match the sha256 its RECORD gives` };
  if (row.size !== void 0 && !Number.isSafeInteger(row.size))
    return { unusual: `${name} has a size in its RECORD that is no number` };
  if (row.size !== void 0 && row.size !== found.size)
    return { refuse: `${name} is ${found.size} bytes, its RECORD says ${row.size}` };
  return void 0;
}
function recordVerdict(name, rows, found) {
  const verdicts = (rows.length > 0 ? rows : [void 0]).map((row) => recordMismatch(name, row, found));
  const refused = verdicts.find((v) => v !== void 0 && "refuse" in v);
  if (refused) return refused;
  return verdicts.every((v) => v !== void 0) ? verdicts[0] : void 0;
}
function rowsByPath(rows) {
  const byPath = /* @__PURE__ */ new Map();
  for (const row of rows) {
    const list = byPath.get(row.path);
    if (list) list.push(row);
    else byPath.set(row.path, [row]);
  }
  return byPath;
}
function wheelRefusal(wheelLabel, message, where, hint) {
  return new UserError(`the wheel ${wheelLabel} is not safe to install: ${message}`, {
    where: where ?? { file: wheelLabel },
    hint
  });
}
function checkInstalledRecords(tree, origin) {
  const files = new Map(tree.files.filter((f) => f.symlink === void 0).map((f) => [f.path, f]));
  const buffer = Buffer.allocUnsafe(1024 * 1024);
  for (const distribution of tree.distributions) {
    for (const [rowPath, rows] of rowsByPath(distribution.record)) {
      const file = rowPath.startsWith("../") ? void 0 : files.get(rowPath);
      if (!file || !rows.some((row) => recordSha256(row.hash))) continue;
      const sha256 = Buffer.from(sha256File(path3.join(tree.root, rowPath), buffer), "hex");
      const found = { sha256, size: file.size };
      const mismatch = recordVerdict(rowPath, rows, found);
      if (mismatch && "refuse" in mismatch) {
        const { wheel, where } = origin(distribution);
        throw wheelRefusal(wheel ?? distribution.distInfo, mismatch.refuse, where, RECORD_CONTRADICTS_HINT);
      }
    }
  }
}

// src/install/tree.ts
async function cleanTree(root) {
  const removed = await removeCleanedAway(root);
  for (const entry of await readdir(root, { withFileTypes: true })) {
    if (entry.isDirectory() && entry.name.endsWith(".dist-info"))
      await cleanRecord(path4.join(root, entry.name, "RECORD"));
  }
  return removed;
}
async function cleanRecord(file) {
  const text = await readMetadataFile(file);
  const lines = text.split(/(?<=\n)/);
  const kept = lines.filter((line) => {
    const row = parseRecord(line)[0];
    return !row || installedRecordKeeps(row.path);
  });
  if (kept.length !== lines.length) await writeFile2(file, kept.join(""));
}
async function removeCleanedAway(root) {
  const removed = [];
  const walk = async (dir, prefix) => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const abs = path4.join(dir, entry.name);
      const relative = `${prefix}${entry.name}`;
      const folder = entry.isDirectory();
      if (cleanedAway(folder ? `${relative}/` : relative)) {
        await rm(abs, { recursive: true, force: true });
        removed.push(folder ? `${relative}/` : relative);
      } else if (folder) {
        await walk(abs, `${relative}/`);
      }
    }
  };
  await walk(root, "");
  return removed;
}
function cleanedAway(relative) {
  const segments = relative.split("/");
  return segments[0] === "bin" || segments[0] === "include" && segments[1] === "python" && segments.length > 2 || segments.slice(0, -1).includes("__pycache__") || relative.endsWith(".pyc");
}
function installedRecordKeeps(recordPath) {
  return !cleanedAway(recordPath.startsWith("../../") ? recordPath.slice("../../".length) : recordPath);
}
async function listFiles(root, skip = () => false) {
  const files = [];
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const abs = path4.join(dir, entry.name);
      const rel = path4.relative(root, abs).split(path4.sep).join("/");
      if (skip(rel, entry.isDirectory())) continue;
      if (entry.isDirectory()) {
        walk(abs);
        continue;
      }
      const st = lstatSync(abs);
      if (st.isSymbolicLink()) {
        const target = statSync(abs, { throwIfNoEntry: false });
        const file = target?.isFile() ? target : void 0;
        files.push({
          path: rel,
          absolutePath: abs,
          size: file?.size ?? st.size,
          executable: file ? (file.mode & 73) !== 0 : false,
          symlink: readlinkSync(abs)
        });
      } else if (st.isFile()) {
        files.push({ path: rel, absolutePath: abs, size: st.size, executable: (st.mode & 73) !== 0 });
      }
    }
  };
  walk(root);
  return files.sort((a, b) => a.path < b.path ? -1 : a.path > b.path ? 1 : 0);
}
function headerValues(text, header) {
  const values = [];
  for (const line of text.split(/\r?\n/)) {
    if (line === "") break;
    const i = line.indexOf(":");
    if (i > 0 && line.slice(0, i).toLowerCase() === header.toLowerCase()) values.push(line.slice(i + 1).trim());
  }
  return values;
}
var MAX_NAME_BYTES = 255;
var MAX_PATH_BYTES = 3072;
function unextractableReason(name, installed) {
  const long = name.split("/").find((segment) => Buffer.byteLength(segment) > MAX_NAME_BYTES);
  if (long !== void 0) {
    return `its name has a component of ${Buffer.byteLength(long)} bytes, over Linux's limit of ${MAX_NAME_BYTES}`;
  }
  if (installed !== void 0 && Buffer.byteLength(installed) > MAX_PATH_BYTES) {
    return `its path is ${Buffer.byteLength(installed)} bytes, over the ${MAX_PATH_BYTES} a file may have under the folders Lambda and the installers unpack into (Linux's PATH_MAX is 4096)`;
  }
  return void 0;
}
var UNEXTRACTABLE_HINT = "no Linux file system can hold this file where Lambda unpacks it (pip's own install fails on it too, or on the runner): pin another version or another wheel of this distribution";
function checkInstalledPaths(tree, origin) {
  for (const file of tree.files) {
    const reason = unextractableReason(file.path, file.path);
    if (!reason) continue;
    const { wheel, where } = origin(file.distribution);
    const message = `member ${JSON.stringify(file.path)} cannot be unpacked: ${reason}`;
    throw wheelRefusal(wheel ?? file.distribution ?? file.path, message, where, UNEXTRACTABLE_HINT);
  }
}
function recordHash(bytes) {
  return `sha256=${createHash2("sha256").update(bytes).digest("base64url")}`;
}
function recordRow(cells) {
  return cells.map((c) => /[",\r\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c).join(",");
}
function parseRecord(text) {
  const rows = [];
  for (const line of text.split(/\r?\n/)) {
    if (!line) continue;
    const cells = [];
    for (const m of line.matchAll(/("(?:[^"]|"")*"|[^,]*)(,|$)/g)) {
      if (m[0] === "") break;
      const cell = m[1] ?? "";
      cells.push(cell.startsWith('"') ? cell.slice(1, -1).replace(/""/g, '"') : cell);
      if (m[2] === "") break;
    }
    const [file, hash, size] = cells;
    if (!file) continue;
    rows.push({ path: file, hash: hash || void 0, size: size ? Number(size) : void 0 });
  }
  return rows;
}
var MAX_METADATA_BYTES = 64 * 1024 * 1024;
async function readMetadataFile(file) {
  try {
    const st = await stat(file);
    if (!st.isFile() || st.size > MAX_METADATA_BYTES) return "";
    return await readFile3(file, "utf8");
  } catch {
    return "";
  }
}
async function readDistributions(root) {
  const distributions = [];
  for (const entry of (await readdir(root, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name))) {
    if (!entry.isDirectory() || !entry.name.endsWith(".dist-info")) continue;
    const dir = path4.join(root, entry.name);
    const metadata = await readMetadataFile(path4.join(dir, "METADATA"));
    const wheel = await readMetadataFile(path4.join(dir, "WHEEL"));
    const record = await readMetadataFile(path4.join(dir, "RECORD"));
    distributions.push(distributionFrom(entry.name, { metadata, wheel, record }));
  }
  return distributions;
}
function distributionFrom(distInfo, texts) {
  const [fallbackName = distInfo, fallbackVersion = ""] = distInfo.replace(/\.dist-info$/, "").split("-");
  return {
    name: normalizeName(headerValues(texts.metadata, "Name")[0] ?? fallbackName),
    version: headerValues(texts.metadata, "Version")[0] ?? fallbackVersion,
    distInfo,
    wheelTags: headerValues(texts.wheel, "Tag"),
    record: parseRecord(texts.record)
  };
}
async function readTree(root) {
  const [distributions, files] = await Promise.all([readDistributions(root), listFiles(root)]);
  const owner = /* @__PURE__ */ new Map();
  for (const d of distributions) {
    for (const r of d.record) owner.set(path4.posix.normalize(r.path), d.name);
    owner.set(`${d.distInfo}/RECORD`, d.name);
  }
  for (const f of files) {
    f.distribution = owner.get(f.path) ?? (f.path.split("/")[0]?.endsWith(".dist-info") ? distributions.find((d) => f.path.startsWith(`${d.distInfo}/`))?.name : void 0);
  }
  return { root, distributions, files };
}
var MAX_REPORT_BYTES = 64 * 1024 * 1024;
function wheelFor(name, file) {
  if (typeof name !== "string" || typeof file !== "string") return void 0;
  const parsed = parseWheelFilename(file);
  if (!parsed || /[/\\\s]/.test(file) || normalizeName(parsed.name) !== normalizeName(name)) return void 0;
  return [normalizeName(name), file];
}
async function readChosenWheels(reportFile) {
  const chosen = {};
  try {
    if ((await stat(reportFile)).size > MAX_REPORT_BYTES) return chosen;
    const report = JSON.parse(await readFile3(reportFile, "utf8"));
    for (const item of Array.isArray(report.install) ? report.install : []) {
      const url = item?.download_info?.url;
      if (typeof url !== "string") continue;
      const base = new URL(url).pathname.split("/").at(-1) ?? "";
      const entry = wheelFor(item.metadata?.name, decodeURIComponent(base));
      if (entry) chosen[entry[0]] = entry[1];
    }
  } catch {
  }
  return chosen;
}
var CHOSEN_WHEELS_FILE = "chosen-wheels.json";
async function writeChosenWheels(entryDir, chosen) {
  await writeFile2(path4.join(entryDir, CHOSEN_WHEELS_FILE), `${JSON.stringify(chosen, null, 1)}
`);
}
async function loadChosenWheels(entryDir) {
  const chosen = {};
  try {
    const file = path4.join(entryDir, CHOSEN_WHEELS_FILE);
    if ((await stat(file)).size > MAX_REPORT_BYTES) return chosen;
    const parsed = JSON.parse(await readFile3(file, "utf8"));
    if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) return chosen;
    for (const [name, value] of Object.entries(parsed)) {
      const entry = wheelFor(name, value);
      if (entry) chosen[entry[0]] = entry[1];
    }
  } catch {
  }
  return chosen;
}

// src/install/pip.ts
import { readdir as readdir3, writeFile as writeFile3 } from "node:fs/promises";
import path6 from "node:path";
import { pathToFileURL } from "node:url";

// src/lock/grammar.ts
var DEFAULT_HINT = "regenerate the lockfile with the tool that wrote it; no tool writes this value";
var MAX_NAME = 200;
var MAX_VERSION = 128;
var MAX_URL = 4096;
var MAX_PATH = 4096;
var NAME = /^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?$/;
var VERSION = /^v?(?:[0-9]+!)?[0-9]+(?:\.[0-9]+)*(?:[-_.]?(?:alpha|a|beta|b|preview|pre|c|rc)[-_.]?[0-9]*)?(?:-[0-9]+|[-_.]?(?:post|rev|r)[-_.]?[0-9]*)?(?:[-_.]?dev[-_.]?[0-9]*)?(?:\+[a-z0-9]+(?:[-_.][a-z0-9]+)*)?$/i;
var HASH_HEX_LENGTH = { sha256: 64, sha384: 96, sha512: 128 };
var PIP_VARIABLE = "${";
var URL2 = /^(?:https?|file):\/\/[^\s\\]+$/i;
var HOST = /^(?:[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?|\[[0-9A-Fa-f:.]+\])(?::[0-9]{1,5})?$/;
function isLineBreakOrControl(code) {
  return code <= 31 || code >= 127 && code <= 159 || code === 8232 || code === 8233;
}
function hasControl(value, allowTab = false) {
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (isLineBreakOrControl(code) && !(allowTab && code === 9)) return true;
  }
  return false;
}
function shown(value, max = 80) {
  return escapeShown(value, max, true);
}
function escapeShown(value, max, quotes) {
  const whole = redact(value);
  const long = value.length > max;
  const cut = whole.slice(0, max);
  let escaped = "";
  for (const c of cut) {
    const code = c.charCodeAt(0);
    const named = { "\n": "\\n", "\r": "\\r", "	": "\\t", "\\": "\\\\" }[c];
    const quote = quotes && c === '"' ? '\\"' : void 0;
    escaped += quote ?? named ?? (isLineBreakOrControl(code) ? `\\u${code.toString(16).padStart(4, "0")}` : c);
  }
  return long ? `${redactEdges(escaped, { end: true })}\u2026` : redact(escaped);
}
function printable(value, max) {
  return escapeShown(value, max, false);
}
function quoted(value, max = 80) {
  const text = escapeShown(value, max, false);
  return text.includes('"') && !text.includes("`") ? `\`${text}\`` : `"${text.replace(/"/g, "'")}"`;
}
function refuse(field, value, expected, at) {
  const text = typeof value === "string" ? `"${shown(value)}"` : shown(JSON.stringify(value) ?? String(value));
  const { hint, ...where } = at;
  const of = where.distribution && field !== "name" ? ` of ${where.distribution}` : "";
  return new UserError(`${field}${of} ${text} is not ${expected}`, { where, hint: hint ?? DEFAULT_HINT });
}
function checked(field, value, max, pattern, expected, at) {
  if (typeof value !== "string" || value.length > max || hasControl(value) || !pattern.test(value))
    throw refuse(field, value, expected, at);
  return value;
}
function checkName(value, at) {
  return checked("name", value, MAX_NAME, NAME, "a distribution name (PEP 508: letters, digits, . _ -)", at);
}
function checkExtra(value, at) {
  return checked("extra", value, MAX_NAME, NAME, "an extra name (PEP 508: letters, digits, . _ -)", at);
}
function checkVersion(value, at) {
  return checked("version", value, MAX_VERSION, VERSION, "a version (PEP 440, e.g. 1.2.3, 2.0rc1, 1.0+local)", at);
}
function checkHash(value, at) {
  const expected = `a hash pip accepts (${Object.entries(HASH_HEX_LENGTH).map(([a, n]) => `${a}: and ${n} hex digits`).join(", ")})`;
  if (typeof value !== "string" || value.length > 140) throw refuse("hash", value, expected, at);
  const colon = value.indexOf(":");
  const algorithm = value.slice(0, colon);
  const hex = value.slice(colon + 1);
  const length = Object.hasOwn(HASH_HEX_LENGTH, algorithm) ? HASH_HEX_LENGTH[algorithm] : void 0;
  if (colon < 0 || length === void 0 || hex.length !== length || !/^[0-9a-fA-F]+$/.test(hex))
    throw refuse("hash", value, expected, at);
  return `${algorithm}:${hex.toLowerCase()}`;
}
function checkIndexUrl(value, at) {
  const url = checked(
    "index URL",
    value,
    MAX_URL,
    URL2,
    "an http(s):// or file:// URL without spaces or control characters",
    at
  );
  if (url.includes(PIP_VARIABLE)) {
    throw refuse(
      "index URL",
      url,
      `a URL this action passes on: it holds an environment variable (${PIP_VARIABLE}\u2026})`,
      {
        ...at,
        hint: "give the index with its credentials in the `index-url` input (or PIP_INDEX_URL) instead; the action does not expand variables from a lockfile"
      }
    );
  }
  return url;
}
function checkHost(value, at) {
  return checked("trusted host", value, 300, HOST, "a host name or host:port", at);
}
function checkPath(value, at) {
  if (typeof value !== "string" || value.length > MAX_PATH || hasControl(value) || value.includes(PIP_VARIABLE))
    throw refuse("path", value, `a file path without control characters or ${PIP_VARIABLE}\u2026}`, at);
  return value;
}
var GIT_URL_SCHEME = /^(?:https?|ssh|git|file):\/\/[^\s\\]+$/i;
var GIT_SCP = /^[A-Za-z0-9_][A-Za-z0-9._-]*@[A-Za-z0-9][A-Za-z0-9.-]*:[^\s\\:][^\s\\]*$/;
function checkGitUrl(value, at) {
  const url = checked(
    "git URL",
    value,
    MAX_URL,
    /^[^-]/,
    "a git repository URL (https://, ssh://, git://, file:// or git@host:path)",
    at
  );
  const authority = GIT_URL_SCHEME.test(url) ? /^[a-z]+:\/\/([^/]*)/i.exec(url)?.[1] : void 0;
  const optionLike = authority !== void 0 && /(?:^|@)(?:-|%2d)/i.test(authority);
  if (url.includes(PIP_VARIABLE) || optionLike || !(GIT_URL_SCHEME.test(url) || GIT_SCP.test(url)))
    throw refuse("git URL", url, "a git repository URL (https://, ssh://, git://, file:// or git@host:path)", at);
  return url;
}
function isFullCommit(value) {
  return typeof value === "string" && /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/.test(value);
}
function checkArchiveUrl(value, at) {
  const url = checked("archive URL", value, MAX_URL, URL2, "an http(s):// or file:// URL of a source archive", at);
  if (url.includes(PIP_VARIABLE))
    throw refuse("archive URL", url, `a URL this action passes on: it holds ${PIP_VARIABLE}\u2026}`, at);
  return url;
}
function checkSubdirectory(value, at) {
  const dir = checkPath(value, at);
  const parts = dir.split("/");
  if (dir.startsWith("/") || dir.includes("\\") || parts.includes("..") || !/^[A-Za-z0-9._/-]+$/.test(dir))
    throw refuse("subdirectory", dir, "a relative folder inside the source (letters, digits, . _ - /)", at);
  return parts.filter((p) => p && p !== ".").join("/");
}

// node_modules/@renovatebot/pep440/lib/version.js
var VERSION_PATTERN = [
  "v?",
  "(?:",
  /* */
  "(?:(?<epoch>[0-9]+)!)?",
  // epoch
  /* */
  "(?<release>[0-9]+(?:\\.[0-9]+)*)",
  // release segment
  /* */
  "(?<pre>",
  // pre-release
  /*    */
  "[-_\\.]?",
  /*    */
  "(?<pre_l>(a|b|c|rc|alpha|beta|pre|preview))",
  /*    */
  "[-_\\.]?",
  /*    */
  "(?<pre_n>[0-9]+)?",
  /* */
  ")?",
  /* */
  "(?<post>",
  // post release
  /*    */
  "(?:-(?<post_n1>[0-9]+))",
  /*    */
  "|",
  /*    */
  "(?:",
  /*        */
  "[-_\\.]?",
  /*        */
  "(?<post_l>post|rev|r)",
  /*        */
  "[-_\\.]?",
  /*        */
  "(?<post_n2>[0-9]+)?",
  /*    */
  ")",
  /* */
  ")?",
  /* */
  "(?<dev>",
  // dev release
  /*    */
  "[-_\\.]?",
  /*    */
  "(?<dev_l>dev)",
  /*    */
  "[-_\\.]?",
  /*    */
  "(?<dev_n>[0-9]+)?",
  /* */
  ")?",
  ")",
  "(?:\\+(?<local>[a-z0-9]+(?:[-_\\.][a-z0-9]+)*))?"
  // local version
].join("");
var validRegex = new RegExp("^" + VERSION_PATTERN + "$", "i");
function valid(version) {
  return validRegex.test(version) ? version : null;
}
var cleanRegex = new RegExp("^\\s*" + VERSION_PATTERN + "\\s*$", "i");
function parse(version, regex) {
  const { groups } = (regex || validRegex).exec(version) || {};
  if (!groups) {
    return null;
  }
  const parsed = {
    epoch: Number(groups.epoch ? groups.epoch : 0),
    release: groups.release.split(".").map(Number),
    pre: normalize_letter_version(groups.pre_l, groups.pre_n),
    post: normalize_letter_version(
      groups.post_l,
      groups.post_n1 || groups.post_n2
    ),
    dev: normalize_letter_version(groups.dev_l, groups.dev_n),
    local: parse_local_version(groups.local)
  };
  return parsed;
}
function stringify(parsed) {
  if (!parsed) {
    return null;
  }
  const { epoch, release, pre, post, dev, local } = parsed;
  const parts = [];
  if (epoch !== 0) {
    parts.push(`${epoch}!`);
  }
  parts.push(release.join("."));
  if (pre) {
    parts.push(pre.join(""));
  }
  if (post) {
    parts.push("." + post.join(""));
  }
  if (dev) {
    parts.push("." + dev.join(""));
  }
  if (local) {
    parts.push(`+${local}`);
  }
  return parts.join("");
}
function normalize_letter_version(letterIn, numberIn) {
  let letter = letterIn;
  let number = numberIn;
  if (letter) {
    if (!number) {
      number = 0;
    }
    letter = letter.toLowerCase();
    if (letter === "alpha") {
      letter = "a";
    } else if (letter === "beta") {
      letter = "b";
    } else if (["c", "pre", "preview"].includes(letter)) {
      letter = "rc";
    } else if (["rev", "r"].includes(letter)) {
      letter = "post";
    }
    return [letter, Number(number)];
  }
  if (!letter && number) {
    letter = "post";
    return [letter, Number(number)];
  }
  return null;
}
function parse_local_version(local) {
  if (local) {
    return local.split(/[._-]/).map(
      (part) => Number.isNaN(Number(part)) ? part.toLowerCase() : Number(part)
    );
  }
  return null;
}
function explain(version) {
  const parsed = parse(version);
  if (!parsed) {
    return parsed;
  }
  const { epoch, release, pre, post, dev, local } = parsed;
  let base_version = "";
  if (epoch !== 0) {
    base_version += epoch + "!";
  }
  base_version += release.join(".");
  const is_prerelease = Boolean(dev || pre);
  const is_devrelease = Boolean(dev);
  const is_postrelease = Boolean(post);
  return {
    epoch,
    release,
    pre,
    post: post ? post[1] : post,
    dev: dev ? dev[1] : dev,
    local: local ? local.join(".") : local,
    public: stringify(parsed).split("+", 1)[0],
    base_version,
    is_prerelease,
    is_devrelease,
    is_postrelease
  };
}

// node_modules/@renovatebot/pep440/lib/operator.js
var operator_exports = {};
__export(operator_exports, {
  "!=": () => ne,
  "<": () => lt,
  "<=": () => le,
  "==": () => eq,
  "===": () => arbitrary,
  ">": () => gt,
  ">=": () => ge,
  compare: () => compare,
  eq: () => eq,
  ge: () => ge,
  gt: () => gt,
  le: () => le,
  lt: () => lt,
  ne: () => ne,
  rcompare: () => rcompare
});
function lt(version, other) {
  return compare(version, other) < 0;
}
function le(version, other) {
  return compare(version, other) <= 0;
}
function eq(version, other) {
  return compare(version, other) === 0;
}
function ne(version, other) {
  return compare(version, other) !== 0;
}
function ge(version, other) {
  return compare(version, other) >= 0;
}
function gt(version, other) {
  return compare(version, other) > 0;
}
function arbitrary(version, other) {
  return version.toLowerCase() === other.toLowerCase();
}
function compare(version, other) {
  const parsedVersion = parse(version);
  const parsedOther = parse(other);
  const keyVersion = calculateKey(parsedVersion);
  const keyOther = calculateKey(parsedOther);
  return pyCompare(keyVersion, keyOther);
}
function rcompare(version, other) {
  return -compare(version, other);
}
function pyCompare(elemIn, otherIn) {
  let elem = elemIn;
  let other = otherIn;
  if (elem === other) {
    return 0;
  }
  if (Array.isArray(elem) !== Array.isArray(other)) {
    elem = Array.isArray(elem) ? elem : [elem];
    other = Array.isArray(other) ? other : [other];
  }
  if (Array.isArray(elem)) {
    const len = Math.min(elem.length, other.length);
    for (let i = 0; i < len; i += 1) {
      const res = pyCompare(elem[i], other[i]);
      if (res !== 0) {
        return res;
      }
    }
    return elem.length - other.length;
  }
  if (elem === -Infinity || other === Infinity) {
    return -1;
  }
  if (elem === Infinity || other === -Infinity) {
    return 1;
  }
  return elem < other ? -1 : 1;
}
function calculateKey(input) {
  const { epoch } = input;
  let { release, pre, post, local, dev } = input;
  release = release.concat();
  release.reverse();
  while (release.length && release[0] === 0) {
    release.shift();
  }
  release.reverse();
  if (!pre && !post && dev) pre = -Infinity;
  else if (!pre) pre = Infinity;
  if (!post) post = -Infinity;
  if (!dev) dev = Infinity;
  if (!local) {
    local = -Infinity;
  } else {
    local = local.map(
      (i) => Number.isNaN(Number(i)) ? [-Infinity, i] : [Number(i), ""]
    );
  }
  return [epoch, release, pre, post, dev, local];
}

// node_modules/@renovatebot/pep440/lib/specifier.js
var RANGE_PATTERN = [
  "(?<operator>(===|~=|==|!=|<=|>=|<|>))",
  "\\s*",
  "(",
  /*  */
  "(?<version>(?:" + VERSION_PATTERN.replace(/\?<\w+>/g, "?:") + "))",
  /*  */
  "(?<prefix>\\.\\*)?",
  /*  */
  "|",
  /*  */
  "(?<legacy>[^,;\\s)]+)",
  ")"
].join("");
var isEqualityOperator = (op) => ["==", "!=", "==="].includes(op);
var rangeRegex = new RegExp("^" + RANGE_PATTERN + "$", "i");
function parse2(ranges) {
  if (!ranges.trim()) {
    return [];
  }
  const specifiers = ranges.split(",").map((range) => rangeRegex.exec(range.trim()) || {}).map(({ groups }) => {
    if (!groups) {
      return null;
    }
    let { ...spec } = groups;
    const { operator, version, prefix, legacy } = groups;
    if (version) {
      spec = { ...spec, ...explain(version) };
      if (operator === "~=") {
        if (spec.release.length < 2) {
          return null;
        }
      }
      if (!isEqualityOperator(operator) && spec.local) {
        return null;
      }
      if (prefix) {
        if (!isEqualityOperator(operator) || spec.dev || spec.local) {
          return null;
        }
      }
    }
    if (legacy && operator !== "===") {
      return null;
    }
    return spec;
  });
  if (specifiers.filter(Boolean).length !== specifiers.length) {
    return null;
  }
  return specifiers;
}
function pick(versions, specifier, options) {
  const parsed = parse2(specifier);
  if (!parsed) {
    return [];
  }
  return versions.filter((version) => {
    const explained = explain(version);
    if (!parsed.length) {
      return explained && !(explained.is_prerelease && !options.prereleases);
    }
    return parsed.reduce((pass, spec) => {
      if (!pass) {
        return false;
      }
      return contains({ ...spec, ...options }, { version, explained });
    }, true);
  });
}
function satisfies(version, specifier, options = {}) {
  const filtered = pick([version], specifier, options);
  return filtered.length === 1;
}
function arrayStartsWith(array, prefix) {
  if (prefix.length > array.length) {
    return false;
  }
  for (let i = 0; i < prefix.length; i += 1) {
    if (prefix[i] !== array[i]) {
      return false;
    }
  }
  return true;
}
function contains(specifier, input) {
  const { explained } = input;
  let { version } = input;
  const { ...spec } = specifier;
  if (spec.prereleases === void 0) {
    spec.prereleases = spec.is_prerelease;
  }
  if (explained && explained.is_prerelease && !spec.prereleases) {
    return false;
  }
  if (spec.operator === "~=") {
    let compatiblePrefix = spec.release.slice(0, -1).concat("*").join(".");
    if (spec.epoch) {
      compatiblePrefix = spec.epoch + "!" + compatiblePrefix;
    }
    return satisfies(version, `>=${spec.version}, ==${compatiblePrefix}`, {
      prereleases: spec.prereleases
    });
  }
  if (spec.prefix) {
    const isMatching = explained.epoch === spec.epoch && arrayStartsWith(explained.release, spec.release);
    const isEquality = spec.operator !== "!=";
    return isEquality ? isMatching : !isMatching;
  }
  if (explained && explained.local && spec.version) {
    if (spec.operator !== "===" && !spec.local) {
      version = explained.public;
      spec.version = explain(spec.version).public;
    }
  }
  if (spec.operator === "<" || spec.operator === ">") {
    if (eq(spec.release.join("."), explained.release.join("."))) {
      return false;
    }
  }
  const op = operator_exports[spec.operator];
  return op(version, spec.version || spec.legacy);
}
function validRange(specifier) {
  return Boolean(parse2(specifier));
}

// src/lock/version.ts
var MAX_SPECIFIER = 1024;
function compareVersions(a, b) {
  const va = valid(a) !== null;
  const vb = valid(b) !== null;
  if (!va || !vb) return va ? 1 : vb ? -1 : 0;
  return compare(a, b);
}
function isVersion(v) {
  return valid(v) !== null;
}
function matchesSpecifier(version, specifier) {
  if (version.length > MAX_SPECIFIER || specifier.length > MAX_SPECIFIER || !isVersion(version)) return void 0;
  let unknown = false;
  const anyOf = specifier.split(/\|\|?/).map((alternative) => {
    const clauses = poetryToPep440(alternative);
    if (clauses === void 0) {
      unknown = true;
      return false;
    }
    return clauses.every((clause) => {
      const r = clauseHolds(version, clause);
      if (r === void 0) unknown = true;
      return r ?? true;
    });
  });
  if (anyOf.some(Boolean) && !unknown) return true;
  return unknown ? void 0 : false;
}
function poetryToPep440(alternative) {
  const tokens = alternative.trim().replace(/(===|==|!=|<=|>=|~=|<|>|\^|~|=)\s+/g, "$1").split(/[\s,]+/).filter(Boolean);
  const clauses = [];
  for (const token of tokens) {
    if (token === "*") continue;
    const m = /^(===|==|!=|<=|>=|~=|<|>|\^|~|=)?(.+)$/.exec(token);
    if (!m?.[2]) return void 0;
    const op = m[1] === void 0 || m[1] === "=" ? "==" : m[1];
    const text = m[2];
    if (op === "^" || op === "~") {
      const release = releaseOf(text);
      if (!release) return void 0;
      clauses.push({ op: ">=", version: text }, { op: "<", version: poetryUpper(op, release) });
    } else {
      if (text.endsWith(".*") ? op !== "==" && op !== "!=" : false) return void 0;
      clauses.push({ op, version: text });
    }
  }
  return clauses;
}
function releaseOf(version) {
  return explain(version)?.release;
}
function poetryUpper(op, release) {
  let keep;
  if (op === "~") keep = release.length >= 2 ? 2 : 1;
  else {
    const firstNonZero = release.findIndex((n) => n !== 0);
    keep = firstNonZero === -1 ? release.length : firstNonZero + 1;
  }
  const upper = release.slice(0, keep);
  upper[keep - 1] = (upper[keep - 1] ?? 0) + 1;
  return upper.join(".");
}
function clauseHolds(version, clause) {
  const { op, version: bound } = clause;
  if (op === "<" || op === ">") return exclusiveOrdered(version, op, bound);
  const spec = `${op}${bound}`;
  if (!validRange(spec)) return void 0;
  return satisfies(version, spec, { prereleases: true });
}
function exclusiveOrdered(version, op, bound) {
  const v = explain(version);
  const b = explain(bound);
  if (!v || !b || b.local !== null) return void 0;
  const c = compare(version, bound);
  const sameBase = compare(v.base_version, b.base_version) === 0;
  if (op === "<") {
    if (c >= 0) return false;
    return !(sameBase && v.is_prerelease && !b.is_prerelease);
  }
  if (c <= 0) return false;
  if (sameBase && v.is_postrelease && !b.is_postrelease) return false;
  return !(sameBase && v.local !== null);
}

// src/install/listing.ts
import { open, readdir as readdir2, stat as stat2 } from "node:fs/promises";
import path5 from "node:path";
import { fileURLToPath } from "node:url";
var MAX_PAGE_BYTES = 16 * 1024 * 1024;
var PAGE_TIMEOUT_MS = 1e4;
var MAX_FILE_NAME = 255;
var SDIST = /^([A-Za-z0-9][A-Za-z0-9._+!-]*)-([A-Za-z0-9._+!-]+)\.(tar\.gz|tar\.bz2|tgz|zip)$/;
function projectOfFile(file) {
  if (file.length > MAX_FILE_NAME || !/^[A-Za-z0-9._+!-]+$/.test(file)) return void 0;
  const wheel = parseWheelFilename(file);
  if (wheel) return { name: normalizeName(wheel.name), version: wheel.version, wheel: true };
  const sdist = SDIST.exec(file);
  return sdist ? { name: normalizeName(sdist[1]), version: sdist[2], wheel: false } : void 0;
}
function linkedFiles(html) {
  const lower = html.toLowerCase();
  const found = [];
  let at = 0;
  for (; ; ) {
    const start = lower.indexOf("<a", at);
    if (start < 0) break;
    const tagEnd = lower.indexOf(">", start);
    if (tagEnd < 0) break;
    const close = lower.indexOf("</a", tagEnd);
    if (close < 0) break;
    at = close + 3;
    const text = html.slice(tagEnd + 1, close).trim();
    const href = /\shref\s*=\s*["']?([^"'\s>]+)/i.exec(html.slice(start, tagEnd))?.[1] ?? "";
    let fromHref = href.split("#")[0]?.split("?")[0]?.split("/").pop() ?? "";
    try {
      fromHref = decodeURIComponent(fromHref);
    } catch {
      fromHref = "";
    }
    const name = projectOfFile(text) ? text : projectOfFile(fromHref) ? fromHref : void 0;
    if (name) found.push(name);
  }
  return found;
}
async function readBounded(file) {
  const handle = await open(file, "r");
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw new Error("not a regular file");
    const buffer = Buffer.alloc(Math.min(info.size, MAX_PAGE_BYTES));
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    return buffer.subarray(0, bytesRead).toString("utf8");
  } finally {
    await handle.close();
  }
}
async function fetchPage(pageUrl, deadline) {
  try {
    const url = new URL(pageUrl);
    if (url.protocol === "file:") {
      const file = fileURLToPath(url);
      const isDir = await stat2(file).then(
        (s) => s.isDirectory(),
        () => void 0
      );
      if (isDir === void 0) return { status: 404 };
      return { text: await readBounded(isDir ? path5.join(file, "index.html") : file) };
    }
    if (url.protocol !== "http:" && url.protocol !== "https:") return void 0;
    const headers = { Accept: "text/html" };
    if (url.username) {
      headers.Authorization = `Basic ${Buffer.from(`${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`).toString("base64")}`;
      url.username = "";
      url.password = "";
    }
    const signal = AbortSignal.any([AbortSignal.timeout(PAGE_TIMEOUT_MS), deadline]);
    const response = await fetch(url, { headers, signal });
    if (!response.ok || !response.body) {
      await response.body?.cancel();
      return { status: response.status };
    }
    const chunks = [];
    let size = 0;
    for await (const chunk of response.body) {
      size += chunk.length;
      if (size > MAX_PAGE_BYTES) break;
      chunks.push(Buffer.from(chunk));
    }
    return { text: Buffer.concat(chunks).toString("utf8") };
  } catch {
    return void 0;
  }
}
async function readFolder(link, project) {
  try {
    const names2 = await readdir2(link.startsWith("file:") ? fileURLToPath(link) : path5.resolve(link));
    return names2.filter((n) => projectOfFile(n)?.name === project);
  } catch {
    return void 0;
  }
}
async function listProjectFiles(project, indexes, deadline) {
  const refused = [];
  const files = [];
  let answered = false;
  const indexUrls = indexes.noIndex ? [] : [indexes.indexUrl ?? DEFAULT_INDEX, ...indexes.extraIndexUrls];
  for (const index of indexUrls) {
    const page = await fetchPage(`${index.replace(/\/+$/, "")}/${project}/`, deadline);
    if (page && "text" in page) {
      answered = true;
      append(
        files,
        linkedFiles(page.text).filter((f) => projectOfFile(f)?.name === project)
      );
    } else if (page?.status === 404) answered = true;
    else if (page?.status === 401 || page?.status === 403) refused.push({ url: redact(index), status: page.status });
  }
  for (const link of indexes.findLinks) {
    let listed;
    if (/^https?:\/\//i.test(link)) {
      const page = await fetchPage(link, deadline);
      listed = page && "text" in page ? linkedFiles(page.text).filter((f) => projectOfFile(f)?.name === project) : void 0;
    } else {
      listed = await readFolder(link, project);
    }
    if (listed) {
      answered = true;
      append(files, listed);
    }
  }
  return { files: answered ? [...new Set(files)] : void 0, refused };
}

// src/install/diagnose.ts
var SdistOnly = class extends UserError {
};
async function diagnoseInstallFailure(output, ctx) {
  const clean2 = redact(output);
  const missing = /No matching distribution found for ([A-Za-z0-9._-]+)(?:\[[^\]]*\])?\s*(?:===?\s*([^\s;,]+))?/.exec(clean2) ?? /Because (?:only )?([A-Za-z0-9._-]+)==(\S+) (?:has no wheels|is unavailable|has no usable wheels)/.exec(clean2);
  if (missing?.[1]) return explainEveryPin(normalizeName(missing[1]), missing[2], ctx);
  if (/DO NOT MATCH THE HASHES/.test(clean2)) {
    const m = /^\s+([A-Za-z0-9._-]+)==(\S+) from (\S+)/m.exec(clean2);
    const expected = /Expected sha256 (\S+)/.exec(clean2)?.[1];
    const got = /Got\s+(\S+)/.exec(clean2)?.[1];
    const name = m?.[1] ? normalizeName(m[1]) : void 0;
    const req = ctx.lock.requirements.find((r) => r.name === name);
    return new UserError(
      `hash mismatch for ${m?.[1] ?? "a package"}${m?.[2] ? `==${m[2]}` : ""}: the file ${m?.[3] ? fileName(m[3]) : ""} has sha256 ${got ?? "?"}, the lockfile expects ${expected ?? "another hash"}`,
      {
        where: { ...req?.where, distribution: name },
        hint: "the file on the index is not the one that was locked: if the change is expected, regenerate the lockfile; otherwise check the index you install from"
      }
    );
  }
  if (/Hashes are required in --require-hashes mode/.test(clean2)) {
    const lines = clean2.split("\n").filter((l) => /^\s+\S+==\S+ --hash=/.test(l)).map((l) => l.trim().split(" ")[0]);
    return new UserError(
      `the lockfile has hashes, but these dependencies are not pinned in it: ${lines.join(", ") || "(see the installer's log)"}`,
      {
        where: { file: ctx.lock.lockfile },
        hint: "regenerate the lockfile so that it pins every dependency with its hashes"
      }
    );
  }
  const hostile = badWheel(clean2, ctx);
  if (hostile) return hostile;
  const conflict = /The conflict is caused by:\n((?:[ \t]+\S.*\n?)+)/.exec(clean2);
  if (/ResolutionImpossible/.test(clean2) && conflict?.[1]) {
    const causes = conflict[1].split("\n").map((l) => l.trim()).filter(Boolean);
    return new UserError(`the pinned versions conflict: ${causes.join("; ")}`, {
      where: { file: ctx.lock.lockfile },
      hint: "relock (pip-compile, uv pip compile, uv lock, poetry lock): a lockfile tool pins a set that fits together"
    });
  }
  const tail = clean2.trim().split("\n").slice(-12).join("\n");
  return new UserError(`${ctx.installer} failed to install the dependencies:
${tail}`, {
    where: { file: ctx.lock.lockfile },
    hint: "see the installer's log above"
  });
}
function badWheel(output, ctx) {
  const at = (name2, version2) => {
    const n = name2 ? normalizeName(name2) : void 0;
    const req = ctx.lock.requirements.find((r) => r.name === n);
    return {
      req,
      where: { ...req?.where ?? { file: ctx.lock.lockfile }, distribution: n },
      version: version2 ?? req?.version
    };
  };
  const slip = /For req: ([A-Za-z0-9._-]+)(?:\[[^\]]*\])?==(\S+?)\. The wheel '([^']+)' has a file '([^']+)' trying to install outside the target directory '([^']+)'/.exec(
    output
  );
  if (slip) {
    const [, name2 = "", version2 = "", wheel2 = "", file = "", targetDir = ""] = slip;
    const entry = file.startsWith(`${targetDir}/`) ? file.slice(targetDir.length + 1) : file;
    const { where: where2 } = at(name2, version2);
    return new UserError(
      `the wheel ${fileName(wheel2)} of ${name2} ${version2} has a file that would be written outside the install folder: ${entry} (a "zip slip"); the installer refused it and nothing was packaged`,
      {
        where: where2,
        hint: `do not use this wheel: a wheel may only install under its own root. Pin another version or build of ${name2}, and find out where this one came from`
      }
    );
  }
  const invalid = /Wheel '([^']+)' located at (\S+) is invalid/.exec(output);
  const badZip = /BadZipFile: (.+)/.exec(output);
  if (!invalid && !badZip) return void 0;
  const downloaded = [...output.matchAll(/([A-Za-z0-9_.+-]+\.whl)\b/g)].map((m) => fileName(m[1] ?? ""));
  let wheel = invalid ? fileName(invalid[2] ?? "") : void 0;
  if (!wheel && badZip) {
    const entryTop = /for file '([^'/]+)/.exec(badZip[1] ?? "")?.[1]?.replace(/\.(py|so)$/, "");
    const top = entryTop ? normalizeName(entryTop) : void 0;
    wheel = downloaded.find((w) => top !== void 0 && normalizeName(parseWheelFilename(w)?.name ?? "") === top) ?? (new Set(downloaded).size === 1 ? downloaded[0] : void 0);
  }
  const parsed = wheel ? parseWheelFilename(wheel) : void 0;
  const name = parsed?.name ?? invalid?.[1];
  const { where, version } = at(name, parsed?.version);
  const detail = badZip?.[1]?.trim() ?? "not a readable zip archive";
  return new UserError(
    `${wheel ? `the wheel ${wheel}${name ? ` of ${normalizeName(name)}${version ? ` ${version}` : ""}` : ""}` : "a wheel"} is corrupt (${detail}): the installer could not unpack it`,
    {
      where,
      hint: "publish the wheel again (the file on the index is damaged), or pin another version; when its hash is in the lockfile, the damaged file was locked: relock once the index has a good one"
    }
  );
}
function fileName(url) {
  return decodeURIComponent(url.split("#")[0]?.split("/").pop() ?? url);
}
var PARALLEL_PAGES = 8;
var DIAGNOSIS_DEADLINE_MS = 6e4;
async function explainEveryPin(name, version, ctx) {
  const deadline = AbortSignal.timeout(DIAGNOSIS_DEADLINE_MS);
  const pins = ctx.lock.requirements.filter((r) => r.wheel === void 0);
  const explained = new Array(pins.length);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < pins.length; i = next++) {
      const pin = pins[i];
      const listing = await listProjectFiles(pin.name, ctx.indexes, deadline);
      explained[i] = listing.files ? explainPin(pin.name, pin.version, listing, ctx) : void 0;
    }
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL_PAGES, pins.length) }, worker));
  const errors = explained.filter((e) => e !== void 0).sort((a, b) => (a.where.line ?? 0) - (b.where.line ?? 0));
  if (!errors.some((e) => e.where.distribution === name)) {
    const listing = await listProjectFiles(name, ctx.indexes, deadline);
    const named = explainPin(name, version, listing, ctx);
    if (named) errors.unshift(named);
  }
  if (errors.length === 0) {
    return new UserError(
      `${ctx.installer} found no wheel of ${version ? `${name}==${version}` : name} to install, yet the index lists one that fits`,
      {
        where: { ...pins.find((r) => r.name === name)?.where, distribution: name },
        hint: "see the installer's log above: the index may have changed while the build ran"
      }
    );
  }
  return errors.length === 1 ? errors[0] : new UserErrors(errors);
}
var sameVersion = (a, b) => {
  try {
    return a === b || compareVersions(a, b) === 0;
  } catch {
    return false;
  }
};
function explainPin(name, version, listing, ctx) {
  const { target } = ctx;
  const req = ctx.lock.requirements.find((r) => r.name === name);
  const where = { ...req?.where, distribution: name };
  const label = version ? `${name}==${version}` : name;
  const forTarget = `${target.runtime} (CPython ${target.pythonVersion}, ${target.architecture}, glibc ${glibcString(target)})`;
  const { files, refused } = listing;
  const versionOf = (f) => projectOfFile(f)?.version;
  if (refused.length > 0 && (files === void 0 || (version ? !files.some((f) => sameVersion(versionOf(f) ?? "", version)) : files.length === 0))) {
    const which = refused.map((r) => `${r.url} (HTTP ${r.status})`).join(", ");
    return new UserError(`${label} could not be installed: the index refused the credentials it was given: ${which}`, {
      where,
      hint: "check the user and password or token in `index-url` / `extra-index-url` (or PIP_INDEX_URL, netrc): they may be wrong or expired"
    });
  }
  if (files === void 0) {
    return new UserError(`no wheel of ${label} fits ${forTarget}, and the index could not be asked why`, {
      where,
      hint: "check that the package and version exist on your index and publish manylinux wheels for this runtime and architecture"
    });
  }
  const ofVersion = version ? files.filter((f) => sameVersion(versionOf(f) ?? "", version)) : files;
  if (ofVersion.length === 0) {
    const versions = [...new Set(files.map(versionOf).filter(Boolean))];
    return new UserError(
      `${label} is not on the index${versions.length ? ` (versions there: ${versions.slice(-10).join(", ")})` : ""}`,
      {
        where,
        hint: "fix the pin, or point `index-url` at the index that has it"
      }
    );
  }
  const wheels = ofVersion.map(parseWheelFilename).filter((w) => w !== void 0);
  if (wheels.length === 0) {
    return new SdistOnly(
      `${label} has only a source distribution (${ofVersion.join(", ")}), and build-from-source is never`,
      {
        where,
        hint: `set \`build-from-source: pure\` (the default) to build it on the runner, build a manylinux wheel for ${forTarget} and serve it from your index, or pin a version that publishes wheels`
      }
    );
  }
  if (wheels.some((w) => wheelFits(w, target).fits)) return void 0;
  const reasons = wheels.map((w) => `  ${w.filename}: ${wheelFits(w, target).reason}`);
  const newest = newestFitting(files, target, version);
  return new UserError(`no wheel of ${label} fits ${forTarget}:
${reasons.join("\n")}`, {
    where,
    hint: newest ? `${name} ${newest} has a wheel that fits: pin it, or choose a runtime/architecture the wheels support` : "choose a runtime and architecture these wheels support, or build a wheel for this one"
  });
}
function newestFitting(files, target, exclude) {
  const fitting = files.map(parseWheelFilename).filter((w) => w !== void 0 && w.version !== exclude && wheelFits(w, target).fits).map((w) => w.version);
  return fitting.sort(compareVersions).pop();
}

// src/install/process.ts
import { spawn } from "node:child_process";
import { StringDecoder } from "node:string_decoder";
var OUTPUT_HEAD = 1024 * 1024;
var OUTPUT_TAIL = 1024 * 1024;
var LOG_LINE_LIMIT = 64 * 1024;
var HeadTail = class {
  constructor(head, tail) {
    this.head = head;
    this.tail = tail;
  }
  head;
  tail;
  start = [];
  startSize = 0;
  end = [];
  endSize = 0;
  total = 0;
  push(data) {
    this.total += data.length;
    let rest = data;
    if (this.startSize < this.head) {
      const take = rest.subarray(0, this.head - this.startSize);
      this.start.push(take);
      this.startSize += take.length;
      rest = rest.subarray(take.length);
    }
    if (rest.length === 0) return;
    this.end.push(rest);
    this.endSize += rest.length;
    while (this.end.length > 1 && this.endSize - (this.end[0]?.length ?? 0) >= this.tail) {
      this.endSize -= this.end.shift()?.length ?? 0;
    }
  }
  text() {
    let end = Buffer.concat(this.end);
    if (end.length > this.tail) end = end.subarray(end.length - this.tail);
    const left = this.total - this.startSize - end.length;
    const head = Buffer.concat(this.start).toString("utf8");
    if (left <= 0) return Buffer.concat([...this.start, end]).toString("utf8");
    return `${redactEdges(head, { end: true })}
[${left} bytes of output left out]
${redactEdges(end.toString("utf8"), { start: true })}`;
  }
};
var LineSplitter = class {
  constructor(emit) {
    this.emit = emit;
  }
  emit;
  partial = "";
  cut = 0;
  push(text) {
    const lines = (this.partial + text).split(/\r?\n/);
    this.partial = lines.pop() ?? "";
    for (const line of lines) this.line(line);
    if (this.partial.length > LOG_LINE_LIMIT) {
      this.cut += this.partial.length - LOG_LINE_LIMIT;
      this.partial = this.partial.slice(0, LOG_LINE_LIMIT);
    }
  }
  flush() {
    if (this.partial || this.cut) this.line(this.partial);
    this.partial = "";
  }
  line(line) {
    const over = this.cut + Math.max(0, line.length - LOG_LINE_LIMIT);
    const kept = over > 0 ? redactEdges(line.slice(0, LOG_LINE_LIMIT), { end: true }) : line;
    this.emit(over > 0 ? `${kept} \u2026 [line cut: ${over} more characters]` : line);
    this.cut = 0;
  }
};
function runProcess(command, args, options) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: options.env, cwd: options.cwd, stdio: ["ignore", "pipe", "pipe"] });
    const kept = new HeadTail(OUTPUT_HEAD, OUTPUT_TAIL);
    const log = options.log;
    const lines = log ? new LineSplitter((line) => log.info(line)) : void 0;
    const reader = (decoder) => (data) => {
      kept.push(data);
      lines?.push(decoder.write(data));
    };
    child.stdout.on("data", reader(new StringDecoder("utf8")));
    child.stderr.on("data", reader(new StringDecoder("utf8")));
    child.on("error", reject);
    child.on("close", (code) => {
      lines?.flush();
      resolve({ code: code ?? 1, output: kept.text() });
    });
  });
}
function runBounded(command, args, options) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: options.env, cwd: options.cwd, stdio: ["pipe", "pipe", "pipe"] });
    const out = new HeadTail(OUTPUT_HEAD, OUTPUT_TAIL);
    const err = new HeadTail(OUTPUT_HEAD, OUTPUT_TAIL);
    let killed = false;
    const timer = setTimeout(() => {
      killed = true;
      child.kill("SIGKILL");
    }, options.timeoutMs);
    child.stdout.on("data", (d) => out.push(d));
    child.stderr.on("data", (d) => err.push(d));
    child.stdin.on("error", () => void 0);
    child.stdin.end(options.stdin ?? "");
    child.on("error", (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code: killed ? null : code ?? 1, stdout: out.text(), stderr: err.text() });
    });
  });
}

// src/install/pip.ts
function renderRequirements(lock, indexes) {
  const lines = [];
  const option = (name, value) => lines.push(`${name} ${safeField(value, name, lock)}`);
  if (indexes.noIndex) lines.push("--no-index");
  if (indexes.indexUrl) option("--index-url", indexes.indexUrl);
  for (const url of indexes.extraIndexUrls) option("--extra-index-url", url);
  for (const link of indexes.findLinks) option("--find-links", link);
  for (const host of indexes.trustedHosts) option("--trusted-host", host);
  for (const r of lock.requirements) {
    const field = (value, what) => safeField(value, `${what} of ${shown(r.name)}`, lock, r.where);
    const extras = r.extras.length ? `[${r.extras.map((e) => field(e, "extra")).join(",")}]` : "";
    const hashes = r.hashes.map((h) => ` --hash=${field(h, "hash")}`).join("");
    if (r.wheel)
      lines.push(`${field(r.name, "name")}${extras} @ ${field(pathToFileURL(r.wheel).href, "wheel")}${hashes}`);
    else lines.push(`${field(r.name, "name")}${extras}==${field(r.version, "version")}${hashes}`);
  }
  return `${lines.join("\n")}
`;
}
function safeField(value, what, lock, where) {
  const unsafe = value === "" || value.startsWith("-") || value.endsWith("\\") || value.includes(PIP_VARIABLE) || /\s/.test(value) || hasControl(value);
  if (unsafe) {
    throw new UserError(
      `refusing to pass ${what} "${shown(value)}" to the installer: it could start a new line or option`,
      {
        where: where ?? { file: lock.lockfile },
        hint: "fix or regenerate the lockfile (and check the index inputs): names, versions, hashes and URLs never hold spaces, line breaks or a leading -"
      }
    );
  }
  return value;
}
function targetOptions(target) {
  return [
    "--only-binary=:all:",
    "--implementation",
    "cp",
    "--python-version",
    target.pythonVersion,
    "--abi",
    `cp3${target.pythonMinor}`,
    "--abi",
    "abi3",
    "--abi",
    "none",
    ...target.platformTags.flatMap((tag) => ["--platform", tag])
  ];
}
var QUIET_OPTIONS = ["--disable-pip-version-check", "--no-input", "--progress-bar", "off"];
function pipArgs(target, requirementsFile, directory, lock, reportFile) {
  const args = [
    "-m",
    "pip",
    "install",
    "--target",
    directory,
    ...targetOptions(target),
    "--no-compile",
    "--no-warn-script-location",
    ...QUIET_OPTIONS
  ];
  if (lock.complete) args.push("--no-deps");
  if (reportFile) args.push("--report", reportFile);
  args.push("-r", requirementsFile);
  return args;
}
function pipDownloadArgs(target, requirementsFile, directory, lock) {
  const args = ["-m", "pip", "download", "-d", directory, ...targetOptions(target), ...QUIET_OPTIONS];
  if (lock.complete) args.push("--no-deps");
  args.push("-r", requirementsFile);
  return args;
}
function pipHasReport(version) {
  const [major2 = 0, minor2 = 0] = (version ?? "").split(".").map((n) => Number.parseInt(n, 10) || 0);
  return major2 > 22 || major2 === 22 && minor2 >= 2;
}
async function runPip(request, verb, args, env) {
  const { lock, target, python, log } = request;
  const requirementsFile = path6.join(request.scratch, "requirements.lambda.txt");
  await writeFile3(requirementsFile, renderRequirements(lock, request.indexes.written));
  const result = await log.group(
    `pip ${verb} for ${target.runtime} ${target.architecture}`,
    () => runProcess(python, args(requirementsFile), { env, log })
  );
  if (result.code !== 0) {
    throw await diagnoseInstallFailure(result.output, {
      lock,
      target,
      indexes: request.indexes.asked,
      env,
      installer: "pip"
    });
  }
}
async function pipInstall(request) {
  const { lock, target, directory } = request;
  const env = {
    ...request.env,
    PIP_DISABLE_PIP_VERSION_CHECK: "1",
    PIP_NO_INPUT: "1",
    PIP_ROOT_USER_ACTION: "ignore",
    PYTHONDONTWRITEBYTECODE: "1"
  };
  const reportFile = pipHasReport(request.pipVersion) ? path6.join(request.scratch, "pip-report.json") : void 0;
  await runPip(request, "install", (file) => pipArgs(target, file, directory, lock, reportFile), env);
  return reportFile ? readChosenWheels(reportFile) : {};
}
async function pipDownload(request) {
  const { lock, target, directory } = request;
  const env = { ...request.env, PIP_DISABLE_PIP_VERSION_CHECK: "1", PIP_NO_INPUT: "1" };
  await runPip(request, "download", (file) => pipDownloadArgs(target, file, directory, lock), env);
  const chosenWheels = {};
  const wheels = [];
  for (const file of (await readdir3(directory)).sort()) {
    const parsed = parseWheelFilename(file);
    if (!parsed) continue;
    chosenWheels[normalizeName(parsed.name)] = file;
    wheels.push(path6.join(directory, file));
  }
  return { wheels, chosenWheels };
}

// src/install/python.ts
import { closeSync as closeSync2, existsSync, openSync as openSync2, readdirSync as readdirSync2, readFileSync, readSync as readSync2, realpathSync, statSync as statSync2 } from "node:fs";
import path7 from "node:path";
var PROBE = "import sys, pip; print('pip %s from %s (python %d.%d)' % ((pip.__version__, pip.__path__[0]) + sys.version_info[:2])); print('prefix=' + sys.prefix)";
async function findPython(requested, env) {
  const candidates = requested ? [requested] : ["python3", "python"];
  const tried = [];
  for (const command of candidates) {
    const known = pipWithoutPython(command, env);
    if (known) return known;
    try {
      const r = await runProcess(command, ["-c", PROBE], { env });
      const m = /^pip (\S+) from .* \(python (\S+)\)/m.exec(r.output);
      const prefix = /^prefix=(.+)$/m.exec(r.output)?.[1];
      if (r.code === 0 && m?.[1] && m[2]) return { command, version: m[2], pipVersion: m[1], prefix };
      tried.push(`${command}: ${r.output.trim().split("\n").pop() ?? `exit ${r.code}`}`);
    } catch (e) {
      tried.push(`${command}: ${e.code === "ENOENT" ? "not found" : e.message}`);
    }
  }
  throw new UserError(`no Python with pip found to run the installer (${tried.join("; ")})`, {
    hint: "add `actions/setup-python` before this step, or set the `python` input to an interpreter that has pip"
  });
}
function locate(command, env) {
  const isFile = (file) => statSync2(file, { throwIfNoEntry: false })?.isFile() === true;
  if (command.includes("/")) return isFile(command) ? path7.resolve(command) : void 0;
  for (const dir of (env.PATH ?? "").split(path7.delimiter)) {
    const file = dir && path7.join(dir, command);
    if (file && isFile(file)) return file;
  }
  return void 0;
}
var PIP_VERSION = /^__version__\s*=\s*["']([0-9][0-9A-Za-z.+!-]*)["']\s*$/m;
var LIB_PYTHON = /^python(3\.\d+)$/;
function pipWithoutPython(command, env) {
  if (env.PYTHONPATH || env.PYTHONHOME || env.PYTHONUSERBASE) return void 0;
  try {
    const located = locate(command, env);
    if (!located) return void 0;
    const real = realpathSync(located);
    if (!/^python3(\.\d+)?$/.test(path7.basename(real)) || !isElf(real)) return void 0;
    const venv = path7.dirname(path7.dirname(located));
    const isVenv = path7.basename(path7.dirname(located)) === "bin" && existsSync(path7.join(venv, "pyvenv.cfg"));
    const prefix = isVenv ? venv : path7.dirname(path7.dirname(real));
    const found = pipInPrefix(prefix);
    if (!found) return void 0;
    const named = /^python(3\.\d+)$/.exec(path7.basename(real))?.[1];
    if (named && named !== found.version) return void 0;
    const home = env.HOME;
    if (!isVenv && home && existsSync(path7.join(home, ".local", "lib", `python${found.version}`, "site-packages", "pip")))
      return void 0;
    return { command, version: found.version, pipVersion: found.pipVersion, prefix };
  } catch {
    return void 0;
  }
}
function isElf(file) {
  const fd = openSync2(file, "r");
  try {
    const magic = Buffer.alloc(4);
    return readSync2(fd, magic, 0, 4, 0) === 4 && magic.toString("latin1") === "\x7FELF";
  } finally {
    closeSync2(fd);
  }
}
function pipInPrefix(prefix) {
  const lib = path7.join(prefix, "lib");
  const found = [];
  for (const name of readdirSync2(lib)) {
    const version = LIB_PYTHON.exec(name)?.[1];
    const init = version && path7.join(lib, name, "site-packages", "pip", "__init__.py");
    if (!version || !init || !existsSync(init)) continue;
    const pipVersion = PIP_VERSION.exec(readFileSync(init, "utf8").slice(0, 4096))?.[1];
    if (!pipVersion) return void 0;
    found.push({ version, pipVersion });
  }
  return found.length === 1 ? found[0] : void 0;
}

// src/install/uv.ts
import { writeFile as writeFile4 } from "node:fs/promises";
import path8 from "node:path";
function uvPythonPlatform(target) {
  const [, minor2] = target.glibcCeiling;
  return minor2 >= 34 ? `${target.machine}-manylinux_2_34` : `${target.machine}-manylinux2014`;
}
function uvArgs(target, requirementsFile, directory, lock, python) {
  const args = [
    "pip",
    "install",
    "--target",
    directory,
    "--python-version",
    target.pythonVersion,
    "--python-platform",
    uvPythonPlatform(target),
    "--only-binary",
    ":all:",
    "--no-installer-metadata",
    "--no-compile-bytecode",
    "--link-mode",
    "copy"
  ];
  if (python) args.push("--python", python);
  if (lock.requirements.some((r) => r.hashes.length > 0)) args.push("--require-hashes");
  if (lock.complete) args.push("--no-deps");
  args.push("-r", requirementsFile);
  return args;
}
async function uvInstall(request) {
  const { lock, target, directory, log } = request;
  const { written, asked, unset } = request.indexes;
  const requirementsFile = path8.join(request.scratch, "requirements.lambda.txt");
  await writeFile4(requirementsFile, renderRequirements(lock, written));
  const env = { ...request.env, UV_NO_PROGRESS: "1", PYTHONDONTWRITEBYTECODE: "1" };
  for (const name of unset) delete env[name];
  const result = await log.group(
    `uv pip install for ${target.runtime} ${target.architecture}`,
    () => runProcess(request.uv, uvArgs(target, requirementsFile, directory, lock, request.python || void 0), {
      env,
      log
    })
  );
  if (result.code !== 0)
    throw await diagnoseInstallFailure(result.output, { lock, target, indexes: asked, env, installer: "uv" });
}

// src/install/index.ts
var INSTALLER_CHOICES = ["auto", "pip", "uv"];
async function uvVersion(env) {
  try {
    const r = await runProcess("uv", ["--version"], { env });
    return r.code === 0 ? /uv (\S+)/.exec(r.output)?.[1] ?? "unknown" : void 0;
  } catch {
    return void 0;
  }
}
async function chooseInstaller(choice, python, env) {
  if (choice !== "pip") {
    const version = await uvVersion(env);
    if (version) {
      return {
        name: "uv",
        version,
        label: `uv ${version}`,
        install: async (request) => {
          await uvInstall({ ...request, uv: "uv", python: python ?? "" });
          return {};
        }
      };
    }
    if (choice === "uv") {
      throw new UserError("installer is uv, but no uv is on PATH", {
        hint: "add astral-sh/setup-uv before this step, or set `installer: pip`"
      });
    }
  }
  const host = await findPython(python, env);
  return {
    name: "pip",
    version: host.pipVersion,
    label: `pip ${host.pipVersion} (${host.command}, Python ${host.version})`,
    prefix: host.prefix,
    install: (request) => pipInstall({ ...request, python: host.command, pipVersion: host.pipVersion }),
    download: (request) => pipDownload({ ...request, python: host.command })
  };
}

export {
  hasControl,
  shown,
  printable,
  quoted,
  checkName,
  checkExtra,
  checkVersion,
  checkHash,
  checkIndexUrl,
  checkHost,
  checkPath,
  checkGitUrl,
  isFullCommit,
  checkArchiveUrl,
  checkSubdirectory,
  compareVersions,
  matchesSpecifier,
  indexUrlProblem,
  effectiveIndexes,
  describeIndexes,
  indexesForKey,
  readPipConfig,
  SdistOnly,
  runProcess,
  runBounded,
  MANIFEST_FILE,
  DEPENDENCY_ZIP_FILE,
  sha256File,
  writeManifest,
  readManifest,
  RECORD_CONTRADICTS_HINT,
  recordSha256,
  recordVerdict,
  rowsByPath,
  wheelRefusal,
  checkInstalledRecords,
  cleanTree,
  cleanedAway,
  installedRecordKeeps,
  unextractableReason,
  UNEXTRACTABLE_HINT,
  checkInstalledPaths,
  recordHash,
  recordRow,
  parseRecord,
  MAX_METADATA_BYTES,
  distributionFrom,
  readTree,
  writeChosenWheels,
  loadChosenWheels,
  renderRequirements,
  findPython,
  INSTALLER_CHOICES,
  chooseInstaller
};
