import { createRequire as __lppCreateRequire } from 'node:module'; const require = __lppCreateRequire(import.meta.url);
import {
  BudgetsExceeded
} from "./chunk-SOQC4COA.js";
import {
  artifactName
} from "./chunk-2QPM2X4Z.js";
import {
  ARTIFACT_VARIABLES,
  actionsCache,
  buildProgress,
  directoryCacheRoot,
  spreadOf,
  withToolkitEnv
} from "./chunk-HJGPKHAB.js";
import "./chunk-EUACNY2S.js";
import {
  InspectionFailed
} from "./chunk-G5Z4V3NS.js";
import {
  glibcString,
  makeTarget
} from "./chunk-QJVFUJPW.js";
import "./chunk-26PJGCCU.js";
import {
  DIRECT_UPLOAD_LIMIT,
  UNZIPPED_LIMIT,
  formatBytes
} from "./chunk-CYE4DHQG.js";
import {
  cutText
} from "./chunk-HCMR2GAL.js";
import {
  UserError
} from "./chunk-LYXEWKKS.js";
import {
  append
} from "./chunk-SJ6SIYOC.js";
import "./chunk-QK3BG52E.js";

// src/report/index.ts
import path2 from "node:path";

// src/report/artifact.ts
async function uploadZipsAsArtifact(name, files, rootDirectory, ctx, options = {}) {
  const { env, log } = ctx;
  const notUploaded = `Artifact "${name}" was not uploaded`;
  if (files.length === 0) {
    log.annotate("warning", `${notUploaded}: there are no zips to upload.`);
    return void 0;
  }
  const missing = ["ACTIONS_RUNTIME_TOKEN", "ACTIONS_RESULTS_URL"].filter((variable) => !env[variable]);
  if (missing.length > 0) {
    log.annotate(
      "warning",
      `${notUploaded}: upload-artifact needs the GitHub Actions runner (${missing.join(" and ")} ${missing.length > 1 ? "are" : "is"} not set). Run the action in a GitHub Actions job, or set upload-artifact: false.`
    );
    return void 0;
  }
  if (isGhes(env.GITHUB_SERVER_URL)) {
    log.annotate(
      "warning",
      `${notUploaded}: workflow artifacts through @actions/artifact v2+ are not supported on GitHub Enterprise Server (${env.GITHUB_SERVER_URL}). Set upload-artifact: false and use actions/upload-artifact@v3 there.`
    );
    return void 0;
  }
  const retention = options.retentionDays !== void 0 && options.retentionDays > 0 ? { retentionDays: options.retentionDays } : {};
  try {
    const { DefaultArtifactClient } = await import("./artifact-BGULWHV7.js");
    const result = await withToolkitEnv(
      env,
      ARTIFACT_VARIABLES,
      () => new DefaultArtifactClient().uploadArtifact(name, files, rootDirectory, { ...retention, compressionLevel: 0 })
    );
    if (result.id === void 0) {
      log.annotate("warning", `${notUploaded}: the artifact service did not return an artifact id.`);
      return void 0;
    }
    const size = result.size ?? 0;
    log.info(`Uploaded ${files.length} file(s) as artifact "${name}" (id ${result.id}, ${size} bytes)`);
    return { id: result.id, size };
  } catch (error) {
    log.annotate("warning", `${notUploaded}: ${describeFailure(error)}`);
    return void 0;
  }
}
function describeFailure(error) {
  const message = error instanceof Error ? error.message : String(error);
  const errorName = error instanceof Error ? error.name : "";
  const firstLine = message.split("\n")[0]?.trim() ?? message;
  if (/\(409\)|already exists/i.test(message)) {
    return "an artifact with this name already exists in this workflow run. Artifact names are unique per run: set a distinct artifact-name in each job (the default includes the function or layer name, runtime and architecture).";
  }
  const code2 = error?.code;
  const network = errorName === "NetworkError" && typeof code2 === "string" ? code2 : /Unable to make request: (E[A-Z]+)/.exec(message)?.[1];
  if (network) {
    return `the Actions artifact service could not be reached (${network}). Self-hosted runners need access to GitHub's Actions endpoints.`;
  }
  const status = error?.statusCode;
  if (errorName === "RestError" && typeof status === "number") {
    return `the upload to the artifact storage failed (HTTP ${status}: ${firstLine})`;
  }
  if (errorName === "UsageError") return "the artifact storage quota of this account has been reached.";
  if (errorName === "FilesNotFoundError") return `the files to upload were not found (${firstLine}).`;
  return firstLine;
}
function isGhes(serverUrl) {
  let host;
  try {
    host = new URL(serverUrl || "https://github.com").hostname.trimEnd().toUpperCase();
  } catch {
    return false;
  }
  return host !== "GITHUB.COM" && !host.endsWith(".GHE.COM") && !host.endsWith(".LOCALHOST");
}
var FORBIDDEN = /[":<>|*?\\/\r\n]+/g;
function defaultArtifactName(parts) {
  const fn = resourceName(parts.functionName, "function");
  const layer = resourceName(parts.layerName, "layer");
  const layerOnly = parts.packageMode === "layer";
  let base = layerOnly ? `${layer ?? fn ?? "package"}-layer` : fn ?? layer ?? "package";
  if (!/^lambda(?![a-z0-9])/i.test(base)) base = `lambda-${base}`;
  return [base, sanitize(parts.runtime), sanitize(parts.architecture)].filter((part) => part !== "").join("-");
}
function resourceName(value, kind) {
  let name = value?.trim();
  if (!name) return void 0;
  const marker = `:${kind}:`;
  const at = name.indexOf(marker);
  if (at >= 0) name = name.slice(at + marker.length);
  name = name.split(":")[0] ?? name;
  const clean = sanitize(name);
  return clean === "" ? void 0 : clean;
}
function sanitize(text) {
  return text.replace(FORBIDDEN, "-").replace(/\s+/g, "-").replace(/-{2,}/g, "-").replace(/^-+|-+$/g, "");
}

// src/report/import-change.ts
var finite = (n) => typeof n === "number" && Number.isFinite(n);
var isStats = (s) => {
  const r = s;
  return Boolean(r) && finite(r?.medianMs) && finite(r?.minMs) && finite(r?.maxMs) && finite(r?.runs);
};
function coldStartOf(value) {
  const c = value;
  if (!c || typeof c !== "object" || !isStats(c.import) || typeof c.python !== "string") return void 0;
  const packages2 = Array.isArray(c.packages) ? c.packages.filter((p) => p && typeof p.name === "string" && finite(p.cumulativeMs)).map((p) => ({ ...p, origin: originOf(p.origin) })) : [];
  return { ...c, packages: packages2 };
}
function originOf(o) {
  if (o?.kind === "distribution" && typeof o.name === "string" && typeof o.version === "string") return o;
  return o?.kind === "code" ? { kind: "code" } : { kind: "python" };
}
var round = (n) => Math.round(n * 10) / 10;
function importChange(base, head) {
  const before = coldStartOf(base);
  if (!before) return { kind: "no-base-figures" };
  const deltaMs = round(head.import.medianMs - before.import.medianMs);
  const spreadMs = Math.max(spreadOf(head.import), spreadOf(before.import));
  return {
    kind: "compared",
    base: before.import,
    head: head.import,
    deltaMs,
    percent: before.import.medianMs > 0 ? round(deltaMs / before.import.medianMs * 100) : 0,
    spreadMs,
    noise: Math.abs(deltaMs) <= spreadMs,
    python: before.python !== head.python ? { base: before.python, head: head.python } : void 0,
    packages: packageChanges(before.packages, head.packages, spreadMs)
  };
}
var distributionOf = (p) => p?.origin?.kind === "distribution" ? { name: p.origin.name, version: p.origin.version } : void 0;
function packageChanges(base, head, spreadMs) {
  const before = new Map(base.map((p) => [p.name, p]));
  const after = new Map(head.map((p) => [p.name, p]));
  const changes = [];
  for (const name of /* @__PURE__ */ new Set([...after.keys(), ...before.keys()])) {
    const b = before.get(name);
    const a = after.get(name);
    const deltaMs = round((a?.cumulativeMs ?? 0) - (b?.cumulativeMs ?? 0));
    if (Math.abs(deltaMs) <= spreadMs) continue;
    const from = distributionOf(b);
    const to = distributionOf(a);
    const dist = to ?? from;
    changes.push({
      name,
      deltaMs,
      distribution: dist && { name: dist.name, from: from?.version, to: to?.version }
    });
  }
  return changes.sort((x, y) => Math.abs(y.deltaMs) - Math.abs(x.deltaMs) || x.name.localeCompare(y.name)).slice(0, 5);
}

// src/report/history.ts
function manifestOf(result, meta) {
  const { build } = result;
  const coldStart = build.verify?.coldStart;
  const zip = (z) => z ? { size: z.size, unzippedSize: z.unzippedSize, sha256: z.sha256 } : void 0;
  return {
    version: 1,
    runtime: build.target.runtime,
    architecture: build.target.architecture,
    name: meta.name,
    ref: meta.ref,
    sha: meta.sha,
    createdAt: meta.now.toISOString(),
    unzippedSize: build.unzippedSize,
    distributions: build.inspection.distributions.map((d) => ({
      name: d.name,
      version: d.version,
      size: d.unzippedSize
    })),
    zips: { function: zip(build.functionZip), layer: zip(build.layerZip) },
    coldStart: coldStart && "measured" in coldStart ? coldStart.measured : void 0
  };
}
function diffManifests(base, head) {
  const before = new Map(base.distributions.map((d) => [d.name, d]));
  const after = new Map(head.distributions.map((d) => [d.name, d]));
  const added = head.distributions.filter((d) => !before.has(d.name));
  const removed = base.distributions.filter((d) => !after.has(d.name));
  const upgraded = [];
  const grew = [];
  for (const d of head.distributions) {
    const old = before.get(d.name);
    if (!old) continue;
    if (old.version !== d.version)
      upgraded.push({ name: d.name, from: old.version, to: d.version, delta: d.size - old.size });
    if (d.size !== old.size) grew.push({ name: d.name, delta: d.size - old.size });
  }
  for (const d of added) grew.push({ name: d.name, delta: d.size });
  for (const d of removed) grew.push({ name: d.name, delta: -d.size });
  grew.sort((a, b) => b.delta - a.delta || a.name.localeCompare(b.name));
  return {
    baseRef: base.ref,
    baseSha: base.sha,
    baseTotal: base.unzippedSize,
    totalDelta: head.unzippedSize - base.unzippedSize,
    added,
    removed,
    upgraded,
    grew: grew.slice(0, 5),
    ...head.coldStart && { coldStart: importChange(base.coldStart, head.coldStart) }
  };
}

// src/report/history-store.ts
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
var slug = (text) => text.replace(/[^A-Za-z0-9._-]+/g, "_").slice(0, 80);
function prefix(scope, branch) {
  return `lpp-history-v1-${scope.runtime}-${scope.architecture}-${slug(scope.name)}-${slug(branch)}-`;
}
async function readManifest(file) {
  try {
    const parsed = JSON.parse(await readFile(file, "utf8"));
    return parsed.version === 1 && Array.isArray(parsed.distributions) ? parsed : void 0;
  } catch {
    return void 0;
  }
}
var ActionsHistoryStore = class {
  constructor(scope, env) {
    this.scope = scope;
    this.dir = path.join(env.RUNNER_TEMP || os.tmpdir(), "lambda-python-package-history");
    this.runId = `${env.GITHUB_RUN_ID ?? "0"}-${env.GITHUB_RUN_ATTEMPT ?? "1"}`;
  }
  scope;
  dir;
  runId;
  async load(branch) {
    await rm(this.dir, { recursive: true, force: true });
    const p = prefix(this.scope, branch);
    const { restoreCache } = await actionsCache();
    const hit = await restoreCache([this.dir], `${p}latest`, [p]);
    return hit ? readManifest(path.join(this.dir, "manifest.json")) : void 0;
  }
  async save(branch, manifest) {
    await rm(this.dir, { recursive: true, force: true });
    await mkdir(this.dir, { recursive: true });
    await writeFile(path.join(this.dir, "manifest.json"), JSON.stringify(manifest));
    const { saveCache } = await actionsCache();
    await saveCache([this.dir], `${prefix(this.scope, branch)}${this.runId}`);
  }
};
var DirectoryHistoryStore = class {
  constructor(scope, root) {
    this.scope = scope;
    this.root = root;
  }
  scope;
  root;
  file(branch) {
    return path.join(this.root, `${prefix(this.scope, branch)}latest.json`);
  }
  load(branch) {
    return readManifest(this.file(branch));
  }
  async save(branch, manifest) {
    await mkdir(this.root, { recursive: true });
    await writeFile(this.file(branch), JSON.stringify(manifest));
  }
};
async function chooseHistoryStore(scope, env) {
  if (env.GITHUB_ACTIONS === "true" && (await actionsCache()).isFeatureAvailable())
    return new ActionsHistoryStore(scope, env);
  return new DirectoryHistoryStore(scope, path.join(directoryCacheRoot(env), "history"));
}

// src/report/markdown.ts
var SPECIAL = /[&<>"'`|*_[\]\\~#!]/g;
function esc(text) {
  return text.replace(SPECIAL, (c) => `&#${c.charCodeAt(0)};`).replace(/\r\n?|\n/g, "<br>");
}
function code(text) {
  return `<code>${esc(text)}</code>`;
}
function table(head, rows) {
  const line = (cells) => `| ${cells.join(" | ")} |`;
  return [line(head), line(head.map(() => "---")), ...rows.map(line)].join("\n");
}
function keyValues(rows) {
  return table(["Item", "Value"], rows);
}
function signed(bytes) {
  return `${bytes > 0 ? "+" : bytes < 0 ? "\u2212" : "\xB1"}${formatBytes(Math.abs(bytes))}`;
}
function bar(value, limit) {
  const fraction = Math.min(1, value / limit);
  const filled = Math.round(fraction * 10);
  return `${"\u25B0".repeat(filled)}${"\u25B1".repeat(10 - filled)} ${Math.floor(value / limit * 100)}%`;
}
function seconds(ms2) {
  return `${(ms2 / 1e3).toFixed(2)} s`;
}

// src/report/coldstart.ts
function ms(value) {
  const abs = Math.abs(value);
  return `${abs >= 10 ? Math.round(abs) : abs.toFixed(1)} ms`;
}
function signedMs(value) {
  const sign = value > 0 ? "+" : value < 0 ? "\u2212" : "\xB1";
  return `${sign}${ms(value)}`;
}
var signedPercent = (p) => `${p > 0 ? "+" : p < 0 ? "\u2212" : "\xB1"}${Math.abs(p).toFixed(Math.abs(p) >= 10 ? 0 : 1)} %`;
function withSpread(s) {
  return `${ms(s.medianMs)} (${ms(s.minMs).replace(" ms", "")}\u2013${ms(s.maxMs)}, ${s.runs} runs)`;
}
var HEAVIEST_SHOWN = 10;
function origin(p) {
  switch (p.origin.kind) {
    case "distribution":
      return `${esc(p.origin.name)} ${esc(p.origin.version)}`;
    case "code":
      return "the function code";
    case "python":
      return "Python's standard library";
  }
}
function bytecodeText(c) {
  const { fromZips, withBytecode } = c.bytecode;
  if (fromZips === 0) return "no Python module imported from the zips";
  if (withBytecode === fromZips) return `shipped for all ${fromZips} modules imported from the zips`;
  const shipped = withBytecode === 0 ? `not shipped: each cold start compiles the ${fromZips} modules it imports from the zips` : `shipped for ${withBytecode} of the ${fromZips} modules imported from the zips; each cold start compiles the others`;
  const measured = c.withBytecode ? `; with bytecode the import measured ${withSpread(c.withBytecode)}` : "";
  return `${shipped} (\`compile: auto\` ships it)${measured}`;
}
function changeText(change, diff) {
  const against = `${code(diff.baseRef)}${diff.baseSha ? ` <sub>${esc(diff.baseSha.slice(0, 7))}</sub>` : ""}`;
  if (change.kind === "no-base-figures")
    return [
      `Change against ${against}: its build has no import figures to compare with (measured from this build on).`
    ];
  const verdict = change.noise ? `within the run-to-run spread of ${ms(change.spreadMs)}: noise, not a change` : `beyond the run-to-run spread of ${ms(change.spreadMs)}`;
  const python = change.python ? ` Measured with Python ${esc(change.python.base)} there and ${esc(change.python.head)} here.` : "";
  const lines = [
    `Change against ${against}: **${signedMs(change.deltaMs)}, ${signedPercent(change.percent)}** (${withSpread(change.base)} \u2192 ${withSpread(change.head)}), ${verdict}.${python}`
  ];
  if (change.packages.length > 0)
    lines.push("Packages that moved more than that (one <code>-X importtime</code> run on each side):");
  for (const p of change.packages) {
    const d = p.distribution;
    const versions = d?.from && d.to && d.from !== d.to ? ` (${esc(d.name)} ${esc(d.from)} \u2192 ${esc(d.to)})` : d?.to && !d.from ? ` (${esc(d.name)} ${esc(d.to)}, new)` : "";
    lines.push(`- ${esc(p.name)}${versions}: ${signedMs(p.deltaMs)}`);
  }
  return [lines.join("\n")];
}
function caveat(c) {
  return `<sub>The runner's time, not Lambda's: Python ${esc(c.python)} on this runner, importing ${code(c.module)} from the zips unpacked as Lambda lays them out (the code, then /opt/python), read-only, with <code>-S -I</code>, a fresh process per run. It leaves out Lambda's own start (creating the sandbox, the runtime's init and bootstrap), the network, reading the files from Lambda's storage (here they were in memory) and the CPU share Lambda's memory setting gives. Where the time goes is one <code>-X importtime</code> run; a package's cumulative time includes what it imports, so those overlap.</sub>`;
}
function renderColdStart(c, diff) {
  if (!c) return [];
  if ("skipped" in c) return ["### Cold start", `Not measured: ${esc(c.skipped.replace(/\.$/, ""))}.`];
  const m = c.measured;
  const parts = [
    "### Cold start",
    `Importing the handler's module takes **${ms(m.import.medianMs)}** on this runner: the median of ${m.import.runs} runs, from ${ms(m.import.minMs)} to ${ms(m.import.maxMs)} (spread ${ms(spreadOf(m.import))}); ${m.modules} modules loaded. Bytecode: ${bytecodeText(m)}.`
  ];
  if (diff?.coldStart) append(parts, changeText(diff.coldStart, diff));
  const heaviest = m.packages.slice(0, HEAVIEST_SHOWN);
  if (heaviest.length > 0) {
    const rows = heaviest.map((p) => [esc(p.name), origin(p), ms(p.cumulativeMs), ms(p.selfMs), String(p.modules)]);
    const which = m.packages.length > HEAVIEST_SHOWN ? `the ${HEAVIEST_SHOWN} heaviest top-level packages` : "every top-level package it loaded besides the handler's own";
    parts.push(
      `Where the time goes, ${which}, by cumulative import time:

${table(["Package", "From", "Cumulative", "Own modules", "Modules"], rows)}`
    );
  }
  parts.push(caveat(m));
  return parts;
}

// src/report/budgets.ts
var share = (value, limit) => `${Math.round(value / limit * 100)} %`;
function budgetsRow(budgets, figures) {
  const { maxUnzippedSize, maxImportMs } = budgets ?? {};
  const parts = [];
  if (maxUnzippedSize !== void 0) {
    const used = figures.built ? `${formatBytes(figures.unzippedSize)}, ${share(figures.unzippedSize, maxUnzippedSize)}` : "not checked";
    parts.push(`max-unzipped-size ${formatBytes(maxUnzippedSize)}: ${used}`);
  }
  if (maxImportMs !== void 0) {
    const c = figures.coldStart;
    const used = c && "measured" in c ? `${ms(c.measured.import.medianMs)}, ${share(c.measured.import.medianMs, maxImportMs)}` : "not checked: the import was not measured";
    parts.push(`max-import-ms ${ms(maxImportMs)}: ${used}`);
  }
  return parts.length > 0 ? ["Budgets", parts.join(" \xB7 ")] : void 0;
}

// src/report/optimization.ts
function renderOptimization(r) {
  if (!r) return [];
  const parts = ["### Optimized"];
  const c = r.compile;
  parts.push(
    c.done ? `Bytecode: ${c.dependencies} dependency and ${c.code} code files compiled by Python ${esc(c.python)} (${code(c.cacheTag)}, unchecked-hash)${c.failed.length > 0 ? `; ${c.failed.length} did not compile and ship as source only` : ""}.` : r.settings.compile === "off" ? "Bytecode: not asked for (`compile: false`)." : `Bytecode: none (${esc(c.reason)}).`
  );
  if (c.done && c.overLimit) parts.push(`> [!WARNING]
> ${esc(c.overLimit)}`);
  if (r.excluded.length > 0) {
    parts.push(
      `> [!WARNING]
> Left out (exclude-packages): ${r.excluded.map((e) => `${esc(e.name)} ${esc(e.version)} (${e.notDownloaded ? "not downloaded" : formatBytes(e.bytes)})`).join(", ")}. The Lambda runtime's own versions of these are used instead, whatever versions the lockfile pins.`
    );
  }
  if (r.notInstalled.length > 0)
    parts.push(`exclude-packages names what is not installed: ${r.notInstalled.map(esc).join(", ")}.`);
  if (r.settings.slim) {
    const rows = r.slimmed.map((s) => [
      esc(s.distribution),
      String(s.files),
      formatBytes(s.bytes),
      Object.entries(s.kinds).map(([kind, bytes]) => `${kind} ${formatBytes(bytes ?? 0)}`).join(", "),
      s.stripped?.files ? `${s.stripped.files} (${formatBytes(s.stripped.bytes)})` : ""
    ]);
    const files = r.slimmed.reduce((n, s) => n + s.files, 0);
    const removed = r.slimmed.reduce((n, s) => n + s.bytes, 0);
    parts.push(
      `Slim: ${files} files removed (${formatBytes(removed)}); ${r.stripped.files} shared objects stripped of debug information (${formatBytes(r.stripped.bytes)} saved); ${formatBytes(removed + r.stripped.bytes)} saved in all${r.fromCache ? ", when the cached tree was made" : ""}.`
    );
    if (rows.length > 0)
      parts.push(table(["Distribution", "Files removed", "Bytes removed", "What", "Shared objects stripped"], rows));
    append(parts, renderKeptBack(r));
  }
  return parts;
}
var KEPT_BACK_LISTED = 50;
function renderKeptBack(r) {
  const kept = r.keptBack ?? [];
  if (kept.length === 0) return [];
  const rows = kept.slice(0, KEPT_BACK_LISTED).map((k) => [code(k.path), `${code(`${k.by}${k.line ? `:${k.line}` : ""}`)} ${k.how} ${code(k.name)}`]);
  const more = kept.length > KEPT_BACK_LISTED ? `

and ${kept.length - KEPT_BACK_LISTED} more (in the log).` : "";
  return [
    `Kept back: ${kept.length} file(s) slim's patterns match, because shipped code imports or reads them.`,
    `${table(["File", "Needed by"], rows)}${more}`
  ];
}

// src/report/size-diff.ts
function renderDiff(d) {
  const sha = d.baseSha ? ` <sub>${esc(d.baseSha.slice(0, 7))}</sub>` : "";
  const percent = d.baseTotal ? ` (${d.totalDelta >= 0 ? "+" : ""}${(d.totalDelta / d.baseTotal * 100).toFixed(1)}%)` : "";
  const lines = [
    `### Size change against ${code(d.baseRef)}${sha}`,
    `Unzipped total **${signed(d.totalDelta)}**${percent}.`
  ];
  const list = (label, items) => items.length > 0 && lines.push(`- **${label}:** ${items.join(", ")}`);
  list(
    "added",
    d.added.map((a) => `${esc(a.name)} ${esc(a.version)} (${formatBytes(a.size)})`)
  );
  list(
    "removed",
    d.removed.map((r) => `${esc(r.name)} ${esc(r.version)} (${formatBytes(r.size)})`)
  );
  list(
    "upgraded",
    d.upgraded.map((u) => `${esc(u.name)} ${esc(u.from)} \u2192 ${esc(u.to)} (${signed(u.delta)})`)
  );
  list(
    "grew most",
    d.grew.filter((g) => g.delta > 0).map((g) => `${esc(g.name)} ${signed(g.delta)}`)
  );
  if (d.added.length + d.removed.length + d.upgraded.length === 0) lines.push("- same distributions and versions");
  return lines.join("\n");
}

// src/report/summary.ts
var STAGES = ["lock", "install", "source", "inspect", "zip", "verify", "budgets", "deploy"];
function stagesOf(timings) {
  return Object.entries(timings).filter((e) => STAGES.includes(e[0])).map(([name, ms2]) => ({ name, ms: ms2 }));
}
function summaryOf(f) {
  const { inputs, result } = f;
  const d = inputs.deploy;
  const build = result?.build;
  const lock = build?.lock ?? f.progress?.lock;
  const lockfile = lock ? lock.lockfile ? { kind: "read", file: lock.lockfile, pinned: lock.requirements.length } : { kind: "none" } : { kind: "unread", requested: inputs.lockfile };
  const zips = [];
  if (build?.functionZip) zips.push({ name: "function.zip", ...build.functionZip });
  if (build?.layerZip) zips.push({ name: "layer.zip", ...build.layerZip });
  return {
    name: d?.functionName ?? d?.layerName ?? "Lambda package",
    target: build?.target ?? makeTarget(inputs.runtime, inputs.architecture),
    packageMode: inputs.packageMode,
    deployRequested: Boolean(d?.enabled),
    lockfile,
    installer: build?.installer,
    cache: build?.cache,
    zips,
    unzippedSize: build?.unzippedSize ?? 0,
    distributions: build?.inspection.distributions ?? [],
    dependencySize: build?.inspection.dependencySize ?? 0,
    findings: f.failure?.findings ?? build?.findings ?? [],
    stages: stagesOf(build?.timings ?? f.progress?.timings ?? {}),
    failure: f.failure && { message: f.failure.message, hint: f.failure.hint },
    deploy: result?.deploy,
    diff: f.diff,
    artifact: f.artifact,
    optimization: build?.optimization,
    coldStart: build && coldStartOf2(inputs, build),
    handlerAsked: Boolean(inputs.handler),
    budgets: inputs.budgets,
    builtFromSource: build?.builtFromSource
  };
}
function coldStartOf2(inputs, build) {
  if (build.verify) return build.verify.coldStart;
  if (inputs.packageMode === "layer") return void 0;
  return { skipped: "no handler input (set it, e.g. handler: app.handler, to check and time the import)" };
}
function stageResults(s) {
  const reached = new Map(s.stages.map((st) => [st.name, st.ms]));
  const last = s.stages.at(-1)?.name;
  const lastIndex = last ? STAGES.indexOf(last) : -1;
  const asked = {
    verify: s.handlerAsked,
    budgets: Object.values(s.budgets ?? {}).some((b) => b !== void 0)
  };
  const shown = STAGES.filter((name) => !(name in asked) || asked[name] || reached.has(name));
  return shown.map((name) => {
    const i = STAGES.indexOf(name);
    const ms2 = reached.get(name);
    if (ms2 !== void 0) return { name, result: s.failure && name === last ? "failed" : "done", ms: ms2 };
    if (s.failure && i > lastIndex) return { name, result: "not reached" };
    return { name, result: name === "deploy" ? "not asked for" : "not needed" };
  });
}
function stageLabel(name, s) {
  switch (name) {
    case "lock":
      return "Read the lockfile";
    case "install":
      return s.cache?.hit ? "Restore the dependencies from the cache" : "Install the dependencies";
    case "source":
      return "Collect the function code";
    case "inspect":
      return "Inspect (wheel tags, shared objects, collisions, layout)";
    case "zip":
      return "Write the zips, check their sizes";
    case "verify":
      return "Check the handler (defined, imports, cold start)";
    case "budgets":
      return "Check the budgets (max-unzipped-size, max-import-ms)";
    case "deploy":
      return "Deploy";
  }
}
var RESULT_TEXT = {
  done: "\u2705 done",
  failed: "\u274C failed",
  "not reached": "\u23F9\uFE0F not reached",
  "not needed": "\u2796 not needed",
  "not asked for": "\u2796 not asked for"
};
var SEVERITY_TEXT = { error: "\u274C error", warning: "\u26A0\uFE0F warning", notice: "\u2139\uFE0F notice" };
function statusLine(s) {
  if (s.failure) {
    const at = stageResults(s).find((r) => r.result === "failed");
    const where = at ? ` at \u201C${stageLabel(at.name, s)}\u201D` : "";
    return `**\u274C Failed${where}:** ${esc(s.failure.message)}${s.failure.hint ? `<br>\u2192 ${esc(s.failure.hint)}` : ""}`;
  }
  const deployed = s.deploy?.deployed;
  if (deployed === "updated") return "**\u2705 Succeeded:** built and deployed.";
  if (deployed === "unchanged")
    return "**\u2705 Succeeded:** built; already deployed, nothing changed, no write call made.";
  return "**\u2705 Succeeded:** built and checked. Nothing was deployed.";
}
function lockfileText(s) {
  const l = s.lockfile;
  const installer = s.installer ? ` \xB7 installer ${esc(s.installer)}` : "";
  if (l.kind === "read") return `${code(l.file)} \xB7 ${l.pinned} pinned distributions${installer}`;
  if (l.kind === "none") return "none found: the function code alone, no third-party dependencies";
  return l.requested ? `${code(l.requested)} (not read: the run stopped first)` : "not read: the run stopped first";
}
function cacheText(c, failed) {
  if (!c.enabled) return "off";
  if (c.hit) {
    const saved = c.savedMs ? ` (about ${(c.savedMs / 1e3).toFixed(1)} s of installing saved)` : "";
    return `hit ${code(c.key)} \xB7 restored instead of installed${saved}`;
  }
  return `miss ${code(c.key)} \xB7 installed${failed ? "; not saved, the build failed" : " and saved"}`;
}
function overview(s) {
  const t = s.target;
  const rows = [
    ["Target", `${t.runtime} on ${t.architecture} \xB7 ${esc(t.os)} \xB7 glibc ${glibcString(t)}`],
    ["Package", `${s.packageMode}`],
    ["Lockfile", lockfileText(s)]
  ];
  if (s.cache) rows.push(["Cache", cacheText(s.cache, Boolean(s.failure))]);
  const budgets = budgetsRow(s.budgets, {
    unzippedSize: s.unzippedSize,
    built: s.zips.length > 0,
    coldStart: s.coldStart
  });
  if (budgets) rows.push(budgets);
  return keyValues(rows);
}
function packages(s) {
  if (s.zips.length === 0) return [];
  const rows = s.zips.map((z) => [
    code(z.name),
    formatBytes(z.size),
    bar(z.size, DIRECT_UPLOAD_LIMIT),
    formatBytes(z.unzippedSize),
    bar(z.unzippedSize, UNZIPPED_LIMIT),
    code(z.sha256.slice(0, 12))
  ]);
  if (s.zips.length > 1) {
    const zipped = s.zips.reduce((a, z) => a + z.size, 0);
    rows.push([
      "**together**",
      formatBytes(zipped),
      "",
      formatBytes(s.unzippedSize),
      bar(s.unzippedSize, UNZIPPED_LIMIT),
      ""
    ]);
  }
  const head = [
    "Zip",
    "Zipped",
    "Of the 50 MB direct upload",
    "Unzipped",
    "Of the 250 MB unzipped limit (function + layers)",
    "sha256"
  ];
  return ["### Packages", table(head, rows)];
}
function builtFromSource(s) {
  const built = s.builtFromSource ?? [];
  if (built.length === 0) return [];
  const rows = built.map((b) => [esc(b.name), esc(b.version), esc(b.source), code(b.wheel), seconds(b.ms)]);
  return ["### Built from source", table(["Distribution", "Version", "From", "Wheel", "Build time"], rows)];
}
function distributions(s) {
  if (s.distributions.length === 0) return [];
  const total = s.dependencySize || 1;
  const rows = s.distributions.map((d) => [
    esc(d.name),
    esc(d.version),
    formatBytes(d.unzippedSize),
    `${(d.unzippedSize / total * 100).toFixed(1)}%`,
    String(d.fileCount)
  ]);
  const shown = rows.slice(0, 25);
  const more = rows.length > shown.length ? `

\u2026and ${rows.length - shown.length} more` : "";
  const body = table(["Distribution", "Version", "Unzipped", "Share", "Files"], shown);
  return [
    `<details${rows.length <= 10 ? " open" : ""}><summary><b>Distributions</b> (${rows.length}, by unzipped size)</summary>

${body}${more}

</details>`
  ];
}
function findings(s) {
  if (s.findings.length > 0) {
    const rows = s.findings.map((f) => [
      SEVERITY_TEXT[f.severity],
      esc(f.check),
      `${esc(f.message)}${f.file ? ` (${code(`${f.file}${f.line ? `:${f.line}` : ""}`)})` : ""}`,
      esc(f.hint ?? "")
    ]);
    return ["### Findings", table(["Severity", "Check", "Finding", "What to do"], rows)];
  }
  const result = new Map(stageResults(s).map((r) => [r.name, r.result]));
  if (result.get("inspect") !== "done")
    return ["### Findings", "Not checked: the run stopped before the inspection (see Stages)."];
  if (result.get("zip") !== "done")
    return [
      "### Findings",
      "No findings from the inspection: wheel tags, shared objects, collisions and layout fit Lambda. The sizes were not checked: the run stopped before the zips were written."
    ];
  return ["### Findings", "No findings: wheel tags, shared objects, collisions, layout and sizes all fit Lambda."];
}
function stages(s) {
  const results = stageResults(s);
  const rows = results.map((r) => [
    stageLabel(r.name, s),
    RESULT_TEXT[r.result],
    r.ms === void 0 ? "" : seconds(r.ms)
  ]);
  rows.push(["**Total**", "", seconds(s.stages.reduce((a, st) => a + st.ms, 0))]);
  return ["### Stages", table(["Stage", "Result", "Time"], rows)];
}
function renderDeploy(s) {
  const d = s.deploy;
  const lines = [];
  const failedAtDeploy = s.failure && s.stages.at(-1)?.name === "deploy";
  if (failedAtDeploy) lines.push("The deploy stopped with the error above; the log lists every change made before it.");
  else if (!d || d.deployed === "skipped")
    lines.push(
      s.failure || s.deployRequested ? "Nothing was deployed." : "Nothing was deployed (no `function-name`/`layer-name`, or `deploy: false`)."
    );
  else {
    const rows = [["Deployed", code(d.deployed)]];
    if (d.functionArn) rows.push(["Function", code(d.functionArn)]);
    if (d.functionVersion) rows.push(["Version", esc(d.functionVersion)]);
    if (d.aliasArn) rows.push(["Alias", code(d.aliasArn)]);
    if (d.layerVersionArn) rows.push(["Layer", code(d.layerVersionArn)]);
    for (const uri of [d.functionS3Uri, d.layerS3Uri]) if (uri) rows.push(["S3", code(uri)]);
    if (d.smoke)
      rows.push([
        "Smoke",
        `${d.smoke.passed ? "passed" : "failed"}, status ${d.smoke.status ?? "none"}: ${code(cutText(d.smoke.response, 200))}`
      ]);
    if (d.previousVersion) rows.push(["Previous version", esc(d.previousVersion)]);
    if (d.rollout) rows.push(["Rollout", code(d.rollout)]);
    lines.push(keyValues(rows));
    if (d.timeline?.length)
      lines.push(
        `Traffic shift: ${d.timeline.map((t) => `${Math.round(t.atMs / 6e4)} min: ${esc(t.event)}`).join(" \u2192 ")}`
      );
    if (d.changes.length > 0) lines.push(`Changes, in order: ${d.changes.map((c) => code(c)).join(" \u2192 ")}`);
  }
  if (s.artifact)
    lines.push(`Artifact **${esc(s.artifact.name)}** (${formatBytes(s.artifact.size)}) uploaded with the zips.`);
  return lines.join("\n\n");
}
function renderSummary(s) {
  const parts = [
    `## \u{1F4E6} ${esc(s.name)} \xB7 ${s.target.runtime} \xB7 ${s.target.architecture}`,
    statusLine(s),
    overview(s),
    ...packages(s)
  ];
  if (s.diff) parts.push(renderDiff(s.diff));
  const sections = [
    renderColdStart(s.coldStart, s.diff),
    renderOptimization(s.optimization),
    builtFromSource(s),
    distributions(s),
    findings(s),
    stages(s)
  ];
  for (const more of sections) append(parts, more);
  parts.push("### Deploy", renderDeploy(s));
  return `${parts.join("\n\n")}
`;
}

// src/report/index.ts
function failureOutcome(error) {
  const built = error.result;
  if (error instanceof BudgetsExceeded && built) {
    return { result: built, failure: { message: error.message, findings: built.build.findings } };
  }
  if (error instanceof UserError) {
    const findings2 = error instanceof InspectionFailed ? error.findings : [];
    return { failure: { message: error.message, hint: error.hint, findings: findings2 } };
  }
  const message = `internal error: ${error?.message ?? String(error)}`;
  return { failure: { message, hint: "please report it, with the log", findings: [] } };
}
function buildName(inputs) {
  return inputs.deploy?.functionName ?? inputs.deploy?.layerName ?? path2.basename(inputs.workingDirectory);
}
async function report(inputs, outcome, ctx) {
  const { env, log } = ctx;
  const { result } = outcome;
  let diff;
  if (result) diff = await compareWithBase(inputs, result, ctx);
  let artifact;
  if (result && inputs.report.uploadArtifact) {
    const name = artifactName(
      inputs.report.artifactName ?? defaultArtifactName({
        functionName: inputs.deploy?.functionName,
        layerName: inputs.deploy?.layerName,
        runtime: inputs.runtime,
        architecture: inputs.architecture,
        packageMode: inputs.packageMode
      })
    );
    const files = [result.build.functionZip?.path, result.build.layerZip?.path].filter((f) => Boolean(f));
    const uploaded = await uploadZipsAsArtifact(name, files, inputs.outputDir, { env, log });
    if (uploaded) artifact = { name, size: uploaded.size };
  }
  const summary = renderSummary(
    summaryOf({ inputs, result, failure: outcome.failure, progress: buildProgress(inputs), diff, artifact })
  );
  let comment;
  if (inputs.report.comment) {
    const { commentMarker, pullRequestOf, upsertComment } = await import("./comment-HIAFRFFR.js");
    const pr = await pullRequestOf(env);
    if (pr === void 0) log.info("Pull-request comment: not a pull_request event; skipped");
    else if (!inputs.report.githubToken || !env.GITHUB_REPOSITORY) {
      log.annotate("warning", "Pull-request comment not written: no github-token (or GITHUB_REPOSITORY)");
    } else {
      const jobKey = `${env.GITHUB_WORKFLOW ?? ""}/${env.GITHUB_JOB ?? ""}/${buildName(inputs)}/${inputs.runtime}/${inputs.architecture}`;
      comment = await upsertComment(
        {
          apiUrl: env.GITHUB_API_URL || "https://api.github.com",
          repository: env.GITHUB_REPOSITORY,
          pullRequest: pr,
          token: inputs.report.githubToken
        },
        commentMarker(jobKey),
        summary,
        log
      );
      if (comment) log.info(`Pull-request comment ${comment}`);
    }
  }
  return { summary, diff, artifact, comment, line: oneLine(inputs, outcome) };
}
async function compareWithBase(inputs, result, ctx) {
  const { env, log } = ctx;
  const name = buildName(inputs);
  const store = ctx.historyStore ?? await chooseHistoryStore({ runtime: inputs.runtime, architecture: inputs.architecture, name }, env);
  const headBranch = env.GITHUB_HEAD_REF || env.GITHUB_REF_NAME || "local";
  const baseBranch = env.GITHUB_BASE_REF || headBranch;
  let diff;
  try {
    const base = await store.load(baseBranch);
    const head = manifestOf(result, { name, ref: headBranch, sha: env.GITHUB_SHA ?? "", now: ctx.now ?? /* @__PURE__ */ new Date() });
    if (base) diff = diffManifests(base, head);
    await store.save(headBranch, head);
  } catch (error) {
    log.annotate(
      "warning",
      `Size history not available (${error.message}); the summary shows no size change`
    );
  }
  return diff;
}
function oneLine(inputs, outcome) {
  const target = `${inputs.runtime}/${inputs.architecture}`;
  if (outcome.failure) return `lambda-python-package: failed for ${target}: ${outcome.failure.message}`;
  const b = outcome.result.build;
  const sizes = [b.functionZip && `function ${b.functionZip.size} B`, b.layerZip && `layer ${b.layerZip.size} B`].filter(Boolean).join(", ");
  return `lambda-python-package: ${target} built (${sizes}; ${b.unzippedSize} B unzipped; cache ${b.cache.hit ? "hit" : "miss"}), deploy ${outcome.result.deploy.deployed}`;
}
export {
  failureOutcome,
  report
};
