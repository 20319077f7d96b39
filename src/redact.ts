/**
 * Nothing secret is ever printed: registered secrets (credentials, tokens) and the
 * user-info part of any URL are replaced before a message leaves the action.
 */

import { append } from "./append.ts";

const secrets = new Set<string>();
/** All registered secrets as one pattern, rebuilt when one is added. */
let secretPattern: RegExp | undefined;
const listeners: ((secret: string) => void)[] = [];

/** The installers' variables that carry index or find-links URLs (and so, maybe, credentials). */
export const INSTALLER_URL_VARIABLES = [
  "PIP_INDEX_URL",
  "PIP_EXTRA_INDEX_URL",
  "PIP_FIND_LINKS",
  "UV_INDEX_URL",
  "UV_EXTRA_INDEX_URL",
  "UV_INDEX",
  "UV_DEFAULT_INDEX",
  "UV_FIND_LINKS",
] as const;

/** Everything registered, for handing to the runner's own masking. */
export function registeredSecrets(): string[] {
  return [...secrets];
}

/** Called with every secret registered from now on (the runner must learn each one before it can be printed). */
export function onSecret(listener: (secret: string) => void): void {
  listeners.push(listener);
}

export function addSecret(value: string | undefined): void {
  // Very short values would redact ordinary words; the runner masks those itself.
  if (!value || value.length < 4 || secrets.has(value)) return;
  secrets.add(value);
  secretPattern = undefined;
  for (const listener of listeners) listener(value);
}

/**
 * The credential in a URL, in every form it can be printed in. pip's grammar: the
 * authority ends at the first `/`, `?` or `#`; the user-info ends at the LAST `@`
 * before that (a raw `@` in a password is accepted); the user ends at the first `:`,
 * the password is the rest. Without a password the user is the token
 * (`https://token@host`). A URL without a scheme (`user:token@host/simple`) counts
 * when it has a password.
 */
export function secretsInUrl(url: string): string[] {
  const split = splitUserinfo(url.trim());
  if (!split) return [];
  const { user, password } = split;
  const secret = password ?? user;
  if (!secret) return [];
  const plain = safeDecode(secret);
  const forms = [secret, plain, encodeURIComponent(plain), strictPercentEncode(plain)];
  append(
    forms,
    forms.map((f) => f.replace(/%[0-9A-F]{2}/g, (h) => h.toLowerCase())),
  );
  // the Authorization header a client builds from it (`token:` when the token is the user)
  forms.push(Buffer.from(`${safeDecode(user)}:${password === undefined ? "" : plain}`).toString("base64"));
  return [...new Set(forms)].filter((s) => s.length > 0);
}

export function redact(text: string): string {
  // word by word (a URL holds no whitespace): linear in the text, whatever it holds
  const out = text.replace(/\S+/g, maskWord);
  if (secrets.size === 0) return out;
  secretPattern ??= new RegExp(
    // decoded, so one pattern covers every encoding (unless decoding leaves too little to match safely)
    [...new Set([...secrets].map((s) => (safeDecode(s).length >= 4 ? safeDecode(s) : s)))]
      .sort((a, b) => b.length - a.length)
      .map(anyEncoding)
      .join("|"),
    "g",
  );
  return out.replace(secretPattern, "***");
}

/**
 * A pattern for the secret with any of its characters percent-encoded, in either case
 * of hex (`p@ss`, `p%40ss`, `%70%40ss`): a URL may carry any mix of them.
 */
function anyEncoding(secret: string): string {
  return [...secret]
    .map((c) => {
      const hex = [...Buffer.from(c, "utf8")].map(
        (b) =>
          `%${[...b.toString(16).toUpperCase().padStart(2, "0")].map((h) => (/[A-F]/.test(h) ? `[${h}${h.toLowerCase()}]` : h)).join("")}`,
      );
      return `(?:${c.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}|${hex.join("")})`;
    })
    .join("");
}

function maskWord(word: string): string {
  if (!word.includes("@")) return word;
  if (!word.includes("://")) return maskAuthority(word, false);
  // every URL in the word (`https://u:p@host/?next=https://v:q@other`), each after its `://`
  return word
    .split("://")
    .map((part, i) => (i === 0 ? part : maskAuthority(part, true)))
    .join("://");
}

/** `user:pass@host/…` → `user:***@host/…`, `token@host` → `***@host` (the latter only after a scheme). */
function maskAuthority(rest: string, afterScheme: boolean): string {
  const split = splitAuthority(rest, afterScheme);
  if (!split) return rest;
  const { user, password, at } = split;
  const masked = password === undefined ? "***" : `${user}:***`;
  return masked + rest.slice(at);
}

function splitUserinfo(url: string): { user: string; password?: string } | undefined {
  const scheme = url.indexOf("://");
  return splitAuthority(scheme >= 0 ? url.slice(scheme + 3) : url, scheme >= 0);
}

function splitAuthority(
  rest: string,
  afterScheme: boolean,
): { user: string; password?: string; at: number } | undefined {
  const end = rest.search(/[/?#\s]/);
  const authority = end >= 0 ? rest.slice(0, end) : rest;
  const at = authority.lastIndexOf("@");
  if (at <= 0) return undefined;
  const userinfo = authority.slice(0, at);
  const colon = userinfo.indexOf(":");
  if (colon < 0) return afterScheme ? { user: userinfo, at } : undefined;
  const password = userinfo.slice(colon + 1);
  // without a scheme, `a:b@c` is a credential only with both parts (a path or an address otherwise)
  if (!afterScheme && (colon === 0 || password === "")) return undefined;
  return { user: userinfo.slice(0, colon), password, at };
}

/** Percent-encoding of everything but RFC 3986's unreserved characters, as Python's `quote(s, safe="")` does. */
function strictPercentEncode(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
