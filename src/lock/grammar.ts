/**
 * The grammar of every string a lockfile or pyproject.toml hands on to the installer:
 * names, versions, extras, hashes, index URLs, local paths. Each reader checks a field
 * here where it enters, so nothing that could become a new line or an option of pip's
 * requirements file (a newline, `--find-links …`, `${SECRET}`) gets past the reader.
 */
import { UserError, type Where } from "../errors.ts";
import { redact, redactEdges } from "../redact.ts";

/** Where a field comes from, for the message, and what to do about it. */
export interface FieldOrigin extends Where {
  hint?: string;
}

const DEFAULT_HINT = "regenerate the lockfile with the tool that wrote it; no tool writes this value";

// Lengths far above anything real (PyPI names are < 100 characters), low enough that no
// regex below ever sees a long string.
const MAX_NAME = 200;
const MAX_VERSION = 128;
const MAX_URL = 4096;
const MAX_PATH = 4096;

/** PEP 508 distribution (and extra) names. */
const NAME = /^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?$/;
/** PEP 440 public version plus local label, every spelling `packaging` accepts (no surrounding space). */
const VERSION =
  /^v?(?:[0-9]+!)?[0-9]+(?:\.[0-9]+)*(?:[-_.]?(?:alpha|a|beta|b|preview|pre|c|rc)[-_.]?[0-9]*)?(?:-[0-9]+|[-_.]?(?:post|rev|r)[-_.]?[0-9]*)?(?:[-_.]?dev[-_.]?[0-9]*)?(?:\+[a-z0-9]+(?:[-_.][a-z0-9]+)*)?$/i;
/** The algorithms pip accepts in `--hash` (pip's STRONG_HASHES), with their hex lengths. */
const HASH_HEX_LENGTH: Record<string, number> = { sha256: 64, sha384: 96, sha512: 128 };
/** pip expands `${NAME}` in a requirements file (spelled apart so no linter reads a template) */
export const PIP_VARIABLE = "$" + "{";
const URL = /^(?:https?|file):\/\/[^\s\\]+$/i;
const HOST = /^(?:[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?|\[[0-9A-Fa-f:.]+\])(?::[0-9]{1,5})?$/;

/** A character that ends a line for pip (Python's str.splitlines: \x1c-\x1e, \x85, \u2028…) or is an invisible control. */
function isLineBreakOrControl(code: number): boolean {
  return code <= 0x1f || (code >= 0x7f && code <= 0x9f) || code === 0x2028 || code === 0x2029;
}

/** Whether a string holds a line break or control character (tabs, with `allowTab`, excepted). */
export function hasControl(value: string, allowTab = false): boolean {
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (isLineBreakOrControl(code) && !(allowTab && code === 9)) return true;
  }
  return false;
}

/**
 * A value as a message may show it: controls escaped, at most `max` characters, URL
 * passwords and registered secrets redacted. Never the raw text of a file.
 */
export function shown(value: string, max = 80): string {
  return escapeShown(value, max, true);
}

function escapeShown(value: string, max: number, quotes: boolean): string {
  // redacted whole first too: a URL's password the cut splits has lost the `@` that marks it
  const whole = redact(value);
  const long = value.length > max;
  const cut = whole.slice(0, max);
  let escaped = "";
  for (const c of cut) {
    const code = c.charCodeAt(0);
    const named = ({ "\n": "\\n", "\r": "\\r", "\t": "\\t", "\\": "\\\\" } as Record<string, string>)[c];
    const quote = quotes && c === '"' ? '\\"' : undefined;
    escaped += quote ?? named ?? (isLineBreakOrControl(code) ? `\\u${code.toString(16).padStart(4, "0")}` : c);
  }
  // a secret the cut splits is masked from its first character, not shown in part
  return long ? `${redactEdges(escaped, { end: true })}…` : redact(escaped);
}

/** Text from a process for a message: redacted, controls escaped (line breaks too), at most `max` characters. */
export function printable(value: string, max: number): string {
  return escapeShown(value, max, false);
}

/**
 * A value in a message, quoted once: in double quotes, or in backticks when it holds double
 * quotes itself (a marker such as `sys_platform == "linux"`), never with quotes escaped inside quotes.
 */
export function quoted(value: string, max = 80): string {
  const text = escapeShown(value, max, false);
  return text.includes('"') && !text.includes("`") ? `\`${text}\`` : `"${text.replace(/"/g, "'")}"`;
}

function refuse(field: string, value: unknown, expected: string, at: FieldOrigin): UserError {
  const text = typeof value === "string" ? `"${shown(value)}"` : shown(JSON.stringify(value) ?? String(value));
  const { hint, ...where } = at;
  const of = where.distribution && field !== "name" ? ` of ${where.distribution}` : "";
  return new UserError(`${field}${of} ${text} is not ${expected}`, { where, hint: hint ?? DEFAULT_HINT });
}

function checked(
  field: string,
  value: unknown,
  max: number,
  pattern: RegExp,
  expected: string,
  at: FieldOrigin,
): string {
  if (typeof value !== "string" || value.length > max || hasControl(value) || !pattern.test(value))
    throw refuse(field, value, expected, at);
  return value;
}

export function checkName(value: unknown, at: FieldOrigin): string {
  return checked("name", value, MAX_NAME, NAME, "a distribution name (PEP 508: letters, digits, . _ -)", at);
}

export function checkExtra(value: unknown, at: FieldOrigin): string {
  return checked("extra", value, MAX_NAME, NAME, "an extra name (PEP 508: letters, digits, . _ -)", at);
}

export function checkVersion(value: unknown, at: FieldOrigin): string {
  return checked("version", value, MAX_VERSION, VERSION, "a version (PEP 440, e.g. 1.2.3, 2.0rc1, 1.0+local)", at);
}

/** `algorithm:hex` with one of pip's algorithms and its exact length; returned in lower case as pip compares it. */
export function checkHash(value: unknown, at: FieldOrigin): string {
  const expected = `a hash pip accepts (${Object.entries(HASH_HEX_LENGTH)
    .map(([a, n]) => `${a}: and ${n} hex digits`)
    .join(", ")})`;
  if (typeof value !== "string" || value.length > 140) throw refuse("hash", value, expected, at);
  const colon = value.indexOf(":");
  const algorithm = value.slice(0, colon);
  const hex = value.slice(colon + 1);
  const length = Object.hasOwn(HASH_HEX_LENGTH, algorithm) ? HASH_HEX_LENGTH[algorithm] : undefined;
  if (colon < 0 || length === undefined || hex.length !== length || !/^[0-9a-fA-F]+$/.test(hex))
    throw refuse("hash", value, expected, at);
  return `${algorithm}:${hex.toLowerCase()}`;
}

/**
 * An index or find-links URL. `${…}` is refused too: pip expands environment variables in
 * a requirements file, so a lockfile could otherwise send the runner's secrets to its index.
 */
export function checkIndexUrl(value: unknown, at: FieldOrigin): string {
  const url = checked(
    "index URL",
    value,
    MAX_URL,
    URL,
    "an http(s):// or file:// URL without spaces or control characters",
    at,
  );
  if (url.includes(PIP_VARIABLE)) {
    throw refuse(
      "index URL",
      url,
      `a URL this action passes on: it holds an environment variable (${PIP_VARIABLE}…})`,
      {
        ...at,
        hint: "give the index with its credentials in the `index-url` input (or PIP_INDEX_URL) instead; the action does not expand variables from a lockfile",
      },
    );
  }
  return url;
}

export function checkHost(value: unknown, at: FieldOrigin): string {
  return checked("trusted host", value, 300, HOST, "a host name or host:port", at);
}

/** A local path the lockfile records: any characters a file name may have, except line breaks and controls. */
export function checkPath(value: unknown, at: FieldOrigin): string {
  if (typeof value !== "string" || value.length > MAX_PATH || hasControl(value) || value.includes(PIP_VARIABLE))
    throw refuse("path", value, `a file path without control characters or ${PIP_VARIABLE}…}`, at);
  return value;
}

const GIT_URL_SCHEME = /^(?:https?|ssh|git|file):\/\/[^\s\\]+$/i;
/** scp-like `user@host:path`; `ext::…` and other remote helpers name no user and never match */
const GIT_SCP = /^[A-Za-z0-9_][A-Za-z0-9._-]*@[A-Za-z0-9][A-Za-z0-9.-]*:[^\s\\:][^\s\\]*$/;

/**
 * A git repository URL the runner clones (without `git+`): http(s), ssh, git or file, or
 * scp-like `git@host:org/repo.git`. Never an option (`-…`, also as its user or host), a remote
 * helper (`ext::…`) or `${…}`.
 */
export function checkGitUrl(value: unknown, at: FieldOrigin): string {
  const url = checked(
    "git URL",
    value,
    MAX_URL,
    /^[^-]/,
    "a git repository URL (https://, ssh://, git://, file:// or git@host:path)",
    at,
  );
  // ssh gets `user@host` as one argument: neither may look like an option (`ssh://-oProxyCommand=…`)
  const authority = GIT_URL_SCHEME.test(url) ? /^[a-z]+:\/\/([^/]*)/i.exec(url)?.[1] : undefined;
  const optionLike = authority !== undefined && /(?:^|@)(?:-|%2d)/i.test(authority);
  if (url.includes(PIP_VARIABLE) || optionLike || !(GIT_URL_SCHEME.test(url) || GIT_SCP.test(url)))
    throw refuse("git URL", url, "a git repository URL (https://, ssh://, git://, file:// or git@host:path)", at);
  return url;
}

/** A commit that pins the code: 40 hex digits (SHA-1) or 64 (SHA-256 repositories), lower case. */
export function isFullCommit(value: unknown): value is string {
  return typeof value === "string" && /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/.test(value);
}

/** A source archive URL: http(s):// or file://, without spaces, controls or `${…}`. */
export function checkArchiveUrl(value: unknown, at: FieldOrigin): string {
  const url = checked("archive URL", value, MAX_URL, URL, "an http(s):// or file:// URL of a source archive", at);
  if (url.includes(PIP_VARIABLE))
    throw refuse("archive URL", url, `a URL this action passes on: it holds ${PIP_VARIABLE}…}`, at);
  return url;
}

/** The project's folder inside a repository or archive: relative, "/"-separated, never above its root. */
export function checkSubdirectory(value: unknown, at: FieldOrigin): string {
  const dir = checkPath(value, at);
  const parts = dir.split("/");
  // no space: an archive's subdirectory goes on pip's line, where ` -r file` would be an option
  if (dir.startsWith("/") || dir.includes("\\") || parts.includes("..") || !/^[A-Za-z0-9._/-]+$/.test(dir))
    throw refuse("subdirectory", dir, "a relative folder inside the source (letters, digits, . _ - /)", at);
  return parts.filter((p) => p && p !== ".").join("/");
}
