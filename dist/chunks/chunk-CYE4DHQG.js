import { createRequire as __lppCreateRequire } from 'node:module'; const require = __lppCreateRequire(import.meta.url);

// src/units.ts
function formatBytes(bytes) {
  const abs = Math.abs(bytes);
  if (abs >= 1024 * 1024) return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
  if (abs >= 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${bytes} B`;
}
function formatMB(bytes) {
  return `${(bytes / 1048576).toFixed(1)} MB`;
}
function exactBytes(bytes) {
  return `${bytes.toLocaleString("en-US")} bytes`;
}
var SIZE_UNITS = {
  b: 1,
  kb: 1024,
  kib: 1024,
  mb: 1048576,
  mib: 1048576,
  gb: 1073741824,
  gib: 1073741824
};
function parseSize(text) {
  const m = /^(\d+(?:\.\d+)?)\s*([a-z]+)?$/i.exec(text.trim());
  if (!m) return void 0;
  const unit = m[2] ? SIZE_UNITS[m[2].toLowerCase()] : 1;
  if (unit === void 0 || !m[2] && m[1].includes(".")) return void 0;
  const bytes = Math.round(Number(m[1]) * unit);
  return Number.isSafeInteger(bytes) && bytes > 0 ? bytes : void 0;
}

// src/inspect/sizes.ts
var UNZIPPED_LIMIT = 262144e3;
var DIRECT_UPLOAD_LIMIT = 52428800;
var WARN_FRACTION = 0.8;
function largestDistributions(distributions, count = 10) {
  const top = [...distributions].sort((a, b) => b.unzippedSize - a.unzippedSize || a.name.localeCompare(b.name)).slice(0, count);
  return top.map((d) => `${d.name} ${d.version} (${formatMB(d.unzippedSize)})`).join(", ");
}
function checkSizes(input) {
  const findings = [];
  const largest = largestDistributions(input.distributions);
  const listing = largest ? ` Largest distributions (unzipped): ${largest}.` : "";
  const percent = (value, limit) => `${Math.floor(value / limit * 100)}%`;
  const unzipped = input.unzippedFunction + input.unzippedLayer;
  const both = input.unzippedLayer > 0 && input.unzippedFunction > 0;
  const parts = both ? ` (function ${formatMB(input.unzippedFunction)} + layer ${formatMB(input.unzippedLayer)})` : "";
  const subject = both ? "function and layer unzip" : input.unzippedLayer > 0 ? "the layer unzips" : "the function unzips";
  const unzippedHint = "drop a heavy optional dependency (or an extra that pulls it in), or deploy as a container image (up to 10 GB); moving dependencies into a layer does not help here: the limit counts the function and its layers together";
  if (unzipped > UNZIPPED_LIMIT) {
    findings.push({
      severity: "error",
      check: "size",
      message: `${subject} to ${formatMB(unzipped)} (${exactBytes(unzipped)})${parts}, over Lambda's limit of ${formatMB(UNZIPPED_LIMIT)} (${exactBytes(UNZIPPED_LIMIT)}); ${input.target.runtime} would refuse it ("Unzipped size must be smaller than 262144000 bytes").${listing}`,
      hint: unzippedHint
    });
  } else if (unzipped >= UNZIPPED_LIMIT * WARN_FRACTION) {
    findings.push({
      severity: "warning",
      check: "size",
      message: `${subject} to ${formatMB(unzipped)} (${exactBytes(unzipped)})${parts}, ${percent(unzipped, UNZIPPED_LIMIT)} of Lambda's limit of ${formatMB(UNZIPPED_LIMIT)}.${listing}`,
      hint: `little room is left for the next dependency upgrade: ${unzippedHint}`
    });
  }
  if (!input.s3Configured) {
    const zips = [
      ["function", input.zippedFunction, input.unzippedLayer > 0 || input.zippedLayer !== void 0],
      ["layer", input.zippedLayer, true]
    ];
    for (const [kind, size, hasLayer] of zips) {
      if (size === void 0) continue;
      const zipHint = "configure an S3 bucket for the upload" + (kind === "function" && !hasLayer ? ", split the dependencies into a layer (package-mode: split)" : "") + ", or drop a heavy optional dependency";
      if (size > DIRECT_UPLOAD_LIMIT) {
        findings.push({
          severity: "warning",
          check: "size",
          message: `the ${kind} zip is ${formatMB(size)} (${exactBytes(size)}), over the ${formatMB(DIRECT_UPLOAD_LIMIT)} limit for a direct upload, and no S3 bucket is configured: deploying it will be refused.${listing}`,
          hint: zipHint
        });
      } else if (size >= DIRECT_UPLOAD_LIMIT * WARN_FRACTION) {
        findings.push({
          severity: "warning",
          check: "size",
          message: `the ${kind} zip is ${formatMB(size)} (${exactBytes(size)}), ${percent(size, DIRECT_UPLOAD_LIMIT)} of the ${formatMB(DIRECT_UPLOAD_LIMIT)} limit for a direct upload (no S3 bucket is configured).${listing}`,
          hint: zipHint
        });
      }
    }
  }
  return findings;
}

// src/lock/types.ts
var BUILD_FROM_SOURCE = ["pure", "never", "any"];
function normalizeName(name) {
  return name.toLowerCase().replace(/[-_.]+/g, "-");
}
function emptyIndexOptions() {
  return { extraIndexUrls: [], findLinks: [], noIndex: false, trustedHosts: [] };
}

// src/inspect/util.ts
import { readFileSync } from "node:fs";
async function mapLimit(items, limit, fn) {
  const results = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
var LockfileLocator = class {
  constructor(input) {
    this.input = input;
    let text = input.lockfileText;
    if (text === void 0 && input.lockfile) {
      try {
        text = readFileSync(input.lockfile, "utf8");
      } catch {
        text = void 0;
      }
    }
    this.lines = text?.split(/\r?\n/);
  }
  input;
  lines;
  cache = /* @__PURE__ */ new Map();
  /** the 1-based line that names the distribution: `numpy==…`, `name = "numpy"`, `"numpy": {` */
  lineOf(distribution) {
    if (!this.lines) return void 0;
    if (this.cache.has(distribution)) return this.cache.get(distribution);
    let found;
    const wanted = normalizeName(distribution);
    for (let i = 0; i < this.lines.length; i++) {
      const m = /^\s*(?:name\s*=\s*)?["']?([A-Za-z0-9][A-Za-z0-9._-]*)/.exec(this.lines[i] ?? "");
      if (m?.[1] && normalizeName(m[1]) === wanted) {
        found = i + 1;
        break;
      }
    }
    this.cache.set(distribution, found);
    return found;
  }
  /** a finding about a distribution points at the lockfile */
  locate(finding) {
    if (finding.file !== void 0 || !finding.distribution || !this.input.lockfile) return finding;
    const line = this.lineOf(finding.distribution);
    return { ...finding, file: this.input.lockfile, ...line !== void 0 ? { line } : {} };
  }
};
function listSome(items, max = 5) {
  if (items.length <= max) return items.join(", ");
  return `${items.slice(0, max).join(", ")} and ${items.length - max} more`;
}

// src/inspect/collisions.ts
import { posix } from "node:path";
function treePath(recordPath) {
  if (recordPath.startsWith("/") || /^[A-Za-z]:[\\/]/.test(recordPath)) return void 0;
  const p = posix.normalize(recordPath.replace(/\\/g, "/"));
  if (p === ".." || p.startsWith("../")) return void 0;
  if (p.includes("__pycache__/") || p.endsWith(".pyc")) return void 0;
  return p;
}
function checkDistributionCollisions(tree, allowCollisions) {
  const present = new Set(tree.files.map((f) => f.path));
  const claims = /* @__PURE__ */ new Map();
  for (const dist of tree.distributions) {
    for (const entry of dist.record) {
      const p = treePath(entry.path);
      if (p === void 0 || present.size > 0 && !present.has(p)) continue;
      const list = claims.get(p) ?? [];
      if (!list.some((c) => c.dist === dist)) list.push({ dist, hash: entry.hash });
      claims.set(p, list);
    }
  }
  const groups = /* @__PURE__ */ new Map();
  for (const [p, list] of claims) {
    if (list.length < 2) continue;
    const hashes = new Set(list.map((c) => c.hash));
    if (hashes.size === 1 && !hashes.has(void 0)) continue;
    const dists = list.map((c) => c.dist).sort((a, b) => a.name.localeCompare(b.name));
    const key = dists.map((d) => d.name).join("\0");
    const group = groups.get(key) ?? { dists, paths: [], unhashed: false };
    group.paths.push(p);
    group.unhashed ||= hashes.has(void 0);
    groups.set(key, group);
  }
  const severity = allowCollisions ? "warning" : "error";
  const findings = [];
  for (const { dists, paths, unhashed } of [...groups.values()].sort((a, b) => b.paths.length - a.paths.length)) {
    paths.sort();
    const names = dists.map((d) => `${d.name} ${d.version}`);
    const who = names.length === 2 ? `${names[0]} and ${names[1]}` : names.join(", ");
    const n = paths.length;
    findings.push({
      severity,
      check: "collision",
      distribution: dists[0]?.name,
      path: paths[0],
      message: `${who} both install ${n} path${n > 1 ? "s" : ""} with different contents: ${listSome(paths, 10)}` + (unhashed ? " (a RECORD lists no hash for some of them, so they cannot be compared)" : "") + `; only the last one installed survives`,
      hint: allowCollisions ? "allowed by allow-collisions: check that the surviving copy is the one the function needs" : "drop one of them from the lockfile (often a fork or a renamed package), or set allow-collisions: true if the overwrite is intended"
    });
  }
  return findings;
}
var MODULE_SUFFIX = /^([A-Za-z_][A-Za-z0-9_]*)(?:\.py|\.pyc|(?:\.[A-Za-z0-9_-]+)?\.so)$/;
function topLevelOf(path) {
  const p = posix.normalize(path.replace(/\\/g, "/"));
  const slash = p.indexOf("/");
  if (slash > 0) {
    const dir = p.slice(0, slash);
    if (dir === "__pycache__" || dir.endsWith(".dist-info") || dir.endsWith(".data") || dir === "..") return void 0;
    return { name: dir, shown: `${dir}/`, isDir: true };
  }
  const m = MODULE_SUFFIX.exec(p);
  return m?.[1] ? { name: m[1], shown: p, isDir: false } : void 0;
}
function fileFolderClashes(code, dependencies) {
  const folders = (files) => {
    const under = /* @__PURE__ */ new Map();
    for (const f of files) {
      for (let end = f.path.indexOf("/"); end > 0; end = f.path.indexOf("/", end + 1)) {
        const dir = f.path.slice(0, end);
        if (!under.has(dir)) under.set(dir, f.path);
      }
    }
    return under;
  };
  const codeFolders = folders(code);
  const dependencyFolders = folders(dependencies);
  const clashes = [];
  for (const f of code) {
    const inside = dependencyFolders.get(f.path);
    if (inside) clashes.push({ file: f.path, inside, codeIsFile: true });
  }
  for (const f of dependencies) {
    const inside = codeFolders.get(f.path);
    if (inside) clashes.push({ file: f.path, inside, codeIsFile: false });
  }
  return clashes.sort((a, b) => a.file < b.file ? -1 : a.file > b.file ? 1 : 0);
}
function describeFileFolderClash(c) {
  return c.codeIsFile ? `${c.file} is a file of the function code and a folder of the dependencies (${c.inside})` : `${c.file} is a file of the dependencies and a folder of the function code (${c.inside})`;
}
function checkCodeCollisions(tree, code, packageMode, allowCollisions) {
  if (packageMode === "layer" || code.length === 0) return [];
  const findings = [];
  const fileFolder = packageMode === "function" ? fileFolderClashes(code, tree.files) : [];
  if (fileFolder.length > 0) {
    findings.push({
      severity: "error",
      check: "collision",
      path: fileFolder[0]?.file,
      message: `one zip cannot hold a file and a folder of the same name (unzip and Lambda fail on it): ${listSome(fileFolder.map(describeFileFolderClash), 5)}`,
      hint: "rename the function's file or folder; allow-collisions cannot help here, as neither can win"
    });
  }
  const side = (paths) => {
    const names = /* @__PURE__ */ new Map();
    for (const f of paths) {
      let top = topLevelOf(f.path);
      if (!top && packageMode === "function" && !f.path.includes("/"))
        top = { name: f.path, shown: f.path, isDir: false };
      if (!top) continue;
      const entry = names.get(top.name) ?? { shown: /* @__PURE__ */ new Set(), dists: /* @__PURE__ */ new Set(), regular: false, files: /* @__PURE__ */ new Set() };
      entry.shown.add(top.shown);
      if (f.distribution) entry.dists.add(f.distribution);
      const p = posix.normalize(f.path);
      entry.files.add(p);
      if (!top.isDir || p === `${top.name}/__init__.py` || /^[^/]+\/__init__\.[^/]+\.so$/.test(p)) entry.regular = true;
      names.set(top.name, entry);
    }
    return names;
  };
  const ours = side(code);
  const theirs = side(tree.files);
  const versions = new Map(tree.distributions.map((d) => [d.name, d.version]));
  const clashes = [];
  for (const [name, mine] of ours) {
    const dep = theirs.get(name);
    if (!dep) continue;
    const overlap = [...mine.files].filter((f) => dep.files.has(f));
    if (!mine.regular && !dep.regular && overlap.length === 0) continue;
    const dists = [...dep.dists].sort();
    const from = dists.length ? ` from ${dists.map((d) => `${d}${versions.has(d) ? ` ${versions.get(d)}` : ""}`).join(", ")}` : "";
    const same = overlap.length ? `; same file${overlap.length > 1 ? "s" : ""}: ${listSome(overlap.sort(), 3)}` : "";
    clashes.push({
      name,
      text: `${name} (function code: ${[...mine.shown].sort().join(", ")}; dependencies: ${[...dep.shown].sort().join(", ")}${from}${same})`,
      codePath: [...mine.files].sort()[0] ?? name,
      dists
    });
  }
  if (clashes.length === 0) return findings;
  clashes.sort((a, b) => a.name.localeCompare(b.name));
  const where = packageMode === "split" ? "the function's copy shadows the layer's (/var/task comes before /opt/python on sys.path)" : "both land in the function zip, where one overwrites or merges into the other";
  const allDists = [...new Set(clashes.flatMap((c) => c.dists))];
  return [
    ...findings,
    {
      severity: allowCollisions ? "warning" : "error",
      check: "collision",
      ...allDists.length === 1 ? { distribution: allDists[0] } : {},
      path: clashes[0]?.codePath,
      message: `the function code and the dependencies both provide ${clashes.length === 1 ? "a top-level module" : `${clashes.length} top-level names`}: ${clashes.map((c) => c.text).join("; ")}; ${where}`,
      hint: allowCollisions ? "allowed by allow-collisions: check that the copy that wins is the one the function needs" : "rename the function's module or folder, or drop the dependency from the lockfile; set allow-collisions: true if this is intended"
    }
  ];
}

export {
  formatBytes,
  formatMB,
  exactBytes,
  parseSize,
  BUILD_FROM_SOURCE,
  normalizeName,
  emptyIndexOptions,
  mapLimit,
  LockfileLocator,
  listSome,
  checkDistributionCollisions,
  fileFolderClashes,
  describeFileFolderClash,
  checkCodeCollisions,
  UNZIPPED_LIMIT,
  DIRECT_UPLOAD_LIMIT,
  checkSizes
};
