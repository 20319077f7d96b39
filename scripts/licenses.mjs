/**
 * The license notices dist/ ships: for every package esbuild bundled (read from the
 * build's metafile), its name, version, declared license and the full text of its
 * LICENSE/LICENCE/COPYING/NOTICE files. Deterministic: packages sorted, files sorted.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

/** The licenses we accept in the bundle; anything else fails the license check. */
export const ALLOWED_LICENSES = ["MIT", "ISC", "Apache-2.0", "BSD-2-Clause", "BSD-3-Clause", "0BSD", "BlueOak-1.0.0"];

const NOTICE_FILE = /^(licen[cs]e|copying|notice)([.-].*)?$/i;
const TEXTS = path.join(path.dirname(fileURLToPath(import.meta.url)), "license-texts");

/** Legacy names some old packages declare, as SPDX identifiers. */
const SPDX_ALIASES = { "MIT/X11": "MIT" };

/**
 * Packages published without any license declaration whose authors declared one
 * elsewhere; each entry says where, so a reviewer can check it.
 */
const DECLARED_ELSEWHERE = {
  "buffers@0.1.1": {
    license: "MIT",
    source: "MIT/X11 in the upstream README after 0.1.1 (https://github.com/substack/node-buffers/issues/12)",
  },
};

/** The package root of a bundled file: the folder right after its last `node_modules/`. */
export function packageDir(input) {
  const parts = input.split(/[\\/]/);
  const at = parts.lastIndexOf("node_modules");
  if (at < 0) return undefined;
  const depth = parts[at + 1]?.startsWith("@") ? 3 : 2;
  return parts.slice(0, at + depth).join("/");
}

/** The package folders behind a metafile's inputs (paths relative to `root`), sorted. */
export function bundledPackageDirs(metafile) {
  const dirs = new Set();
  for (const input of Object.keys(metafile.inputs)) {
    const dir = packageDir(input);
    if (dir) dirs.add(dir);
  }
  return [...dirs].sort();
}

/** `license` in package.json, or the legacy `licenses: [{type}]` form, as one SPDX expression. */
function declaredLicense(manifest) {
  let license = "";
  if (typeof manifest.license === "string") license = manifest.license;
  else if (manifest.license?.type) license = String(manifest.license.type);
  else if (Array.isArray(manifest.licenses)) license = manifest.licenses.map((l) => l.type ?? l).join(" OR ");
  else license = DECLARED_ELSEWHERE[`${manifest.name}@${manifest.version}`]?.license ?? "";
  return SPDX_ALIASES[license] ?? license;
}

function holder(manifest) {
  const author = manifest.author;
  const name = typeof author === "string" ? author.replace(/\s*[<(].*$/, "") : author?.name;
  return name || `the ${manifest.name} authors`;
}

/**
 * The standard text of the declared license, for packages that ship none of their own
 * (MIT and Apache-2.0 require the notice to travel with the code). Undefined when we
 * have no standard text for it: the license check then fails naming the package.
 */
function standardText(manifest, license) {
  const file = path.join(TEXTS, `${license}.txt`);
  if (!/^[A-Za-z0-9.-]+$/.test(license) || !existsSync(file)) return undefined;
  const text = readFileSync(file, "utf8").replace("{holder}", holder(manifest)).trim();
  const elsewhere = DECLARED_ELSEWHERE[`${manifest.name}@${manifest.version}`];
  const why = elsewhere ? `declared ${elsewhere.source}` : "declared in package.json";
  return { file: `(package ships no license file; standard ${license} text, ${why})`, text };
}

/** One bundled package: identity, declared license and its notice files' texts. */
export function readPackage(root, dir) {
  const manifest = JSON.parse(readFileSync(path.join(root, dir, "package.json"), "utf8"));
  const files = readdirSync(path.join(root, dir), { withFileTypes: true })
    .filter((e) => e.isFile() && NOTICE_FILE.test(e.name))
    .map((e) => e.name)
    .sort();
  const license = declaredLicense(manifest);
  const texts = files.map((file) => ({
    file,
    text: readFileSync(path.join(root, dir, file), "utf8")
      .replace(/\r\n/g, "\n")
      .trim(),
  }));
  const fallback = texts.length === 0 ? standardText(manifest, license) : undefined;
  return { name: manifest.name, version: manifest.version, dir, license, texts: fallback ? [fallback] : texts };
}

/** The bundled packages, one entry per name@version, sorted by name then version. */
export function bundledPackages(root, metafile) {
  const byId = new Map();
  for (const dir of bundledPackageDirs(metafile)) {
    const pkg = readPackage(root, dir);
    const id = `${pkg.name}@${pkg.version}`;
    if (!byId.has(id)) byId.set(id, pkg);
  }
  return [...byId.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, pkg]) => pkg);
}

/**
 * Whether an SPDX expression is acceptable: every AND term allowed, or for OR at least
 * one alternative. Returns the identifiers that make it unacceptable (empty when fine).
 */
export function disallowed(expression, allowed = ALLOWED_LICENSES) {
  const text = expression.replace(/[()]/g, " ").trim();
  if (!text) return ["(none declared)"];
  const alternatives = text.split(/\s+OR\s+/);
  const failures = alternatives.map((alt) =>
    alt
      .split(/\s+AND\s+/)
      .map((id) => id.trim())
      .filter((id) => !allowed.includes(id)),
  );
  return failures.some((f) => f.length === 0) ? [] : [...new Set(failures.flat())];
}

/** The text of licenses.txt. */
export function renderLicenses(packages) {
  const sections = packages.map((pkg) => {
    const body = pkg.texts.map((t) => `--- ${t.file} ---\n${t.text}`).join("\n\n");
    return `${pkg.name}@${pkg.version}\nLicense: ${pkg.license}\n\n${body}`;
  });
  return `Third-party software bundled in dist/index.js, with its license notices.\n\n${"=".repeat(72)}\n${sections.join(`\n\n${"=".repeat(72)}\n`)}\n`;
}

/** What is wrong with the bundle's licenses, one line per package; empty when all is well. */
export function licenseProblems(packages, allowed = ALLOWED_LICENSES) {
  const problems = [];
  for (const pkg of packages) {
    const id = `${pkg.name}@${pkg.version} (${pkg.dir})`;
    const refused = disallowed(pkg.license, allowed);
    if (refused.length > 0)
      problems.push(`${id}: license ${refused.join(", ")} is not in the allow-list (scripts/licenses.mjs)`);
    if (!pkg.texts.some((t) => t.text.length > 0))
      problems.push(`${id}: ships no license text and there is no standard text for "${pkg.license}"`);
  }
  return problems;
}
