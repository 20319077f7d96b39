/**
 * Nothing secret is ever printed: registered secrets (credentials, tokens) and the
 * user-info part of any URL are replaced before a message leaves the action.
 */

import { append } from "./append.ts";

const secrets = new Set<string>();
/** Each registered secret decoded (see `canonical`): what every text is searched for. */
const secretBytes: Buffer[] = [];
/** The same, as text: searched for directly in a text with nothing to decode */
const secretTexts: string[] = [];
/** a character that may start an escape or a line break (see `canonical`) */
const ESCAPE_OR_BREAK = /[\r\n%&<\\]/;
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
  const bytes = Buffer.from(canonical(value).bytes);
  if (bytes.length >= 4 && !secretBytes.some((b) => b.equals(bytes))) {
    secretBytes.push(bytes);
    secretTexts.push(bytes.toString("utf8"));
  }
  for (const listener of listeners) listener(value);
}

/**
 * The credential in a URL, in every form it can be printed in. pip's grammar: the
 * authority ends at the first `/`, `?` or `#`; the user-info ends at the LAST `@`
 * before that (a raw `@` in a password is accepted); the user ends at the first `:`,
 * the password is the rest. Without a password, or with an empty one, the user is the
 * token (`https://token@host`, `https://token:@host`). A URL without a scheme
 * (`user:token@host/simple`) counts when it has a password.
 */
export function secretsInUrl(url: string): string[] {
  const split = splitUserinfo(url.trim());
  if (!split) return [];
  const { user, password } = split;
  const secret = password || user;
  if (!secret) return [];
  const plain = safeDecode(secret);
  const forms = [secret, plain, encodeURIComponent(plain), strictPercentEncode(plain)];
  append(
    forms,
    forms.map((f) => f.replace(/%[0-9A-F]{2}/g, (h) => h.toLowerCase())),
  );
  // the Authorization header a client builds from it (`token:` when the token is the user)
  forms.push(Buffer.from(`${safeDecode(user)}:${password ? plain : ""}`).toString("base64"));
  return [...new Set(forms)].filter((s) => s.length > 0);
}

/**
 * Text with every credential masked: the user-info of any URL by its position, and every
 * registered secret in any form it takes on the way out (see `canonical`). Each exit runs
 * it last, on the text as it leaves (after escaping, rendering and truncation).
 */
export function redact(text: string, mask = "***"): string {
  // word by word (a URL holds no whitespace): linear in the text, whatever it holds
  const out = text.replace(/\S+/g, (word) => maskWord(word, mask));
  if (secretBytes.length === 0) return out;
  const hits: [number, number][] = [];
  if (!ESCAPE_OR_BREAK.test(out)) {
    // nothing to decode: the text is its own canonical form, searched as it is
    for (const secret of secretTexts)
      for (let at = out.indexOf(secret); at >= 0; at = out.indexOf(secret, at + 1)) hits.push([at, at + secret.length]);
  } else {
    const { bytes, spans } = canonical(out);
    for (const secret of secretBytes) {
      for (let at = bytes.indexOf(secret); at >= 0; at = bytes.indexOf(secret, at + 1))
        hits.push([spans[2 * at]!, spans[2 * (at + secret.length - 1) + 1]!]);
    }
  }
  if (hits.length === 0) return out;
  hits.sort((a, b) => a[0] - b[0]);
  let result = "";
  let done = 0;
  for (const [start, end] of hits) {
    if (end <= done) continue;
    if (start >= done) result += out.slice(done, start) + mask;
    done = end;
  }
  return result + out.slice(done);
}

/** Shortest piece of a secret masked where a text was cut through it. */
const CUT_PIECE = 4;

/**
 * `text` cut to at most `max` characters and redacted, `marker` (given the length of
 * the text) after the cut: a secret the cut split is masked from its first character.
 */
export function cutText(text: string, max: number, marker: (length: number) => string = () => "…"): string {
  if (text.length <= max) return redact(text);
  return `${redactEdges(text.slice(0, max), { end: true })}${marker(text.length)}`;
}

/**
 * Redacts a piece of a longer text: where it was cut (`start`, `end`), a run of at
 * least CUT_PIECE characters that is the tail (start) or the head (end) of a secret is
 * masked too.
 */
export function redactEdges(piece: string, cut: { start?: boolean; end?: boolean }): string {
  let text = redact(piece);
  if (secretBytes.length === 0) return text;
  const { bytes, spans } = canonical(text);
  let from = 0;
  let to = text.length;
  for (const secret of secretBytes) {
    for (let k = Math.min(secret.length - 1, bytes.length); k >= CUT_PIECE; k--) {
      if (cut.end && bytes.subarray(bytes.length - k).equals(secret.subarray(0, k)))
        to = Math.min(to, spans[2 * (bytes.length - k)]!);
      if (cut.start && bytes.subarray(0, k).equals(secret.subarray(secret.length - k)))
        from = Math.max(from, spans[2 * (k - 1) + 1]!);
    }
  }
  if (to < text.length) text = `${text.slice(0, to)}***`;
  return from > 0 ? `***${text.slice(Math.min(from, text.length))}` : text;
}

const NAMED_ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };
const JSON_ESCAPES: Record<string, string> = { '"': '"', "\\": "\\", "/": "/", b: "\b", f: "\f", t: "\t" };
/** a line break as it is written raw, in HTML, in a URL or a workflow command, or in a JSON string, and the indentation after it */
const WRAP = /^(?:\r\n|\r|\n|<br\s*\/?>|%0[ADad]|%250[ADad]|\\[rn])[ \t]*/;
const ENTITY = /^&(?:#(\d{1,7})|#[xX]([0-9A-Fa-f]{1,6})|([a-z]{2,4}));/;
/** `%40`, and `%2540`: a workflow command escapes the `%` of an escape once more */
const PERCENT = /^%(?:25)?([0-9A-Fa-f]{2})/;
const JSON_UNICODE = /^\\u([0-9A-Fa-f]{4})/;

/**
 * The text as the bytes a reader ends up with, each byte mapped back to the span of
 * text it came from: percent-escapes, HTML character references and JSON string escapes
 * decoded; line breaks in any of those spellings dropped, so a secret wrapped across
 * lines is one run of bytes. A secret's decoded bytes found here are found in every
 * form, and any mix of forms, at once; linear in the text.
 */
function canonical(text: string): { bytes: Buffer; spans: Uint32Array } {
  // a UTF-16 unit is at most 3 bytes of UTF-8 (a surrogate pair 4 for 2 units); escapes shrink
  const bytes = Buffer.allocUnsafe(text.length * 3);
  const spans = new Uint32Array(text.length * 6);
  let n = 0;
  const emit = (value: string | number, start: number, end: number) => {
    if (typeof value === "number") {
      bytes[n] = value;
      spans[2 * n] = start;
      spans[2 * n++ + 1] = end;
      return;
    }
    for (const b of Buffer.from(value, "utf8")) {
      bytes[n] = b;
      spans[2 * n] = start;
      spans[2 * n++ + 1] = end;
    }
  };
  for (let i = 0; i < text.length; ) {
    const code = text.charCodeAt(i);
    // \n \r % & < \\ may start an escape or a line break
    if (code === 10 || code === 13 || code === 37 || code === 38 || code === 60 || code === 92) {
      const decoded = decodeAt(text.slice(i, i + 24));
      if (decoded) {
        if (decoded.value !== "") emit(decoded.value, i, i + decoded.length);
        i += decoded.length;
        continue;
      }
    }
    if (code < 0x80) {
      emit(code, i, i + 1);
      i++;
      continue;
    }
    const point = text.codePointAt(i)!;
    const width = point > 0xffff ? 2 : 1;
    emit(String.fromCodePoint(point), i, i + width);
    i += width;
  }
  return { bytes: bytes.subarray(0, n), spans: spans.subarray(0, 2 * n) };
}

/** The escape or line break `rest` starts with: what it stands for ("" for a break) and its length. */
function decodeAt(rest: string): { value: string | number; length: number } | undefined {
  const wrap = WRAP.exec(rest);
  if (wrap) return { value: "", length: wrap[0].length };
  const percent = PERCENT.exec(rest);
  if (percent) return { value: Number.parseInt(percent[1]!, 16), length: percent[0].length };
  const entity = ENTITY.exec(rest);
  if (entity?.[0] === "&#38;" || entity?.[0] === "&amp;") {
    // an escaped reference (`&#38;#115;`, Markdown-escaping text that held `&#115;`) decodes twice to what it names
    const inner = decodeAt(`&${rest.slice(entity[0].length)}`);
    if (inner && inner.length > 1 && typeof inner.value === "string")
      return { value: inner.value, length: entity[0].length + inner.length - 1 };
  }
  if (entity) {
    const [, decimal, hex, name] = entity;
    const point = name === undefined ? Number.parseInt(decimal ?? hex!, decimal ? 10 : 16) : -1;
    const value =
      name !== undefined ? NAMED_ENTITIES[name] : point <= 0x10ffff ? String.fromCodePoint(point) : undefined;
    return value === undefined ? undefined : { value, length: entity[0].length };
  }
  const unicode = JSON_UNICODE.exec(rest);
  if (unicode) return { value: String.fromCharCode(Number.parseInt(unicode[1]!, 16)), length: 6 };
  const escaped = rest[0] === "\\" ? JSON_ESCAPES[rest[1] ?? ""] : undefined;
  return escaped === undefined ? undefined : { value: escaped, length: 2 };
}

function maskWord(word: string, mask: string): string {
  if (!word.includes("@")) return word;
  if (!word.includes("://")) return maskAuthority(word, false, mask);
  // every URL in the word (`https://u:p@host/?next=https://v:q@other`), each after its `://`
  return word
    .split("://")
    .map((part, i) => (i === 0 ? part : maskAuthority(part, true, mask)))
    .join("://");
}

/** `user:pass@host/…` → `user:***@host/…`; `token@host` and `token:@host` → `***@host` (only after a scheme). */
function maskAuthority(rest: string, afterScheme: boolean, mask: string): string {
  const split = splitAuthority(rest, afterScheme);
  if (!split) return rest;
  const { user, password, at } = split;
  return (password ? `${user}:${mask}` : mask) + rest.slice(at);
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
