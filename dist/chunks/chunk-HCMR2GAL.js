import { createRequire as __lppCreateRequire } from 'node:module'; const require = __lppCreateRequire(import.meta.url);
import {
  append
} from "./chunk-SJ6SIYOC.js";

// src/redact.ts
var secrets = /* @__PURE__ */ new Set();
var secretBytes = [];
var secretTexts = [];
var ESCAPE_OR_BREAK = /[\r\n%&<\\]/;
var listeners = [];
var INSTALLER_URL_VARIABLES = [
  "PIP_INDEX_URL",
  "PIP_EXTRA_INDEX_URL",
  "PIP_FIND_LINKS",
  "UV_INDEX_URL",
  "UV_EXTRA_INDEX_URL",
  "UV_INDEX",
  "UV_DEFAULT_INDEX",
  "UV_FIND_LINKS"
];
function onSecret(listener) {
  listeners.push(listener);
}
function addSecret(value) {
  if (!value || value.length < 4 || secrets.has(value)) return;
  secrets.add(value);
  const bytes = Buffer.from(canonical(value).bytes);
  if (bytes.length >= 4 && !secretBytes.some((b) => b.equals(bytes))) {
    secretBytes.push(bytes);
    secretTexts.push(bytes.toString("utf8"));
  }
  for (const listener of listeners) listener(value);
}
function secretsInUrl(url) {
  const split = splitUserinfo(url.trim());
  if (!split) return [];
  const { user, password } = split;
  const secret = password || user;
  if (!secret) return [];
  const plain = safeDecode(secret);
  const forms = [secret, plain, encodeURIComponent(plain), strictPercentEncode(plain)];
  append(
    forms,
    forms.map((f) => f.replace(/%[0-9A-F]{2}/g, (h) => h.toLowerCase()))
  );
  forms.push(Buffer.from(`${safeDecode(user)}:${password ? plain : ""}`).toString("base64"));
  return [...new Set(forms)].filter((s) => s.length > 0);
}
function redact(text, mask = "***") {
  const out = text.replace(/\S+/g, (word) => maskWord(word, mask));
  if (secretBytes.length === 0) return out;
  const hits = [];
  if (!ESCAPE_OR_BREAK.test(out)) {
    for (const secret of secretTexts)
      for (let at = out.indexOf(secret); at >= 0; at = out.indexOf(secret, at + 1)) hits.push([at, at + secret.length]);
  } else {
    const { bytes, spans } = canonical(out);
    for (const secret of secretBytes) {
      for (let at = bytes.indexOf(secret); at >= 0; at = bytes.indexOf(secret, at + 1))
        hits.push([spans[2 * at], spans[2 * (at + secret.length - 1) + 1]]);
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
var CUT_PIECE = 4;
function cutText(text, max, marker = () => "\u2026") {
  if (text.length <= max) return redact(text);
  return `${redactEdges(text.slice(0, max), { end: true })}${marker(text.length)}`;
}
function redactEdges(piece, cut) {
  let text = redact(piece);
  if (secretBytes.length === 0) return text;
  const { bytes, spans } = canonical(text);
  let from = 0;
  let to = text.length;
  for (const secret of secretBytes) {
    for (let k = Math.min(secret.length - 1, bytes.length); k >= CUT_PIECE; k--) {
      if (cut.end && bytes.subarray(bytes.length - k).equals(secret.subarray(0, k)))
        to = Math.min(to, spans[2 * (bytes.length - k)]);
      if (cut.start && bytes.subarray(0, k).equals(secret.subarray(secret.length - k)))
        from = Math.max(from, spans[2 * (k - 1) + 1]);
    }
  }
  if (to < text.length) text = `${text.slice(0, to)}***`;
  return from > 0 ? `***${text.slice(Math.min(from, text.length))}` : text;
}
var NAMED_ENTITIES = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };
var JSON_ESCAPES = { '"': '"', "\\": "\\", "/": "/", b: "\b", f: "\f", t: "	" };
var WRAP = /^(?:\r\n|\r|\n|<br\s*\/?>|%0[ADad]|%250[ADad]|\\[rn])[ \t]*/;
var ENTITY = /^&(?:#(\d{1,7})|#[xX]([0-9A-Fa-f]{1,6})|([a-z]{2,4}));/;
var PERCENT = /^%(?:25)?([0-9A-Fa-f]{2})/;
var JSON_UNICODE = /^\\u([0-9A-Fa-f]{4})/;
function canonical(text) {
  const bytes = Buffer.allocUnsafe(text.length * 3);
  const spans = new Uint32Array(text.length * 6);
  let n = 0;
  const emit = (value, start, end) => {
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
    if (code === 10 || code === 13 || code === 37 || code === 38 || code === 60 || code === 92) {
      const decoded = decodeAt(text.slice(i, i + 24));
      if (decoded) {
        if (decoded.value !== "") emit(decoded.value, i, i + decoded.length);
        i += decoded.length;
        continue;
      }
    }
    if (code < 128) {
      emit(code, i, i + 1);
      i++;
      continue;
    }
    const point = text.codePointAt(i);
    const width = point > 65535 ? 2 : 1;
    emit(String.fromCodePoint(point), i, i + width);
    i += width;
  }
  return { bytes: bytes.subarray(0, n), spans: spans.subarray(0, 2 * n) };
}
function decodeAt(rest) {
  const wrap = WRAP.exec(rest);
  if (wrap) return { value: "", length: wrap[0].length };
  const percent = PERCENT.exec(rest);
  if (percent) return { value: Number.parseInt(percent[1], 16), length: percent[0].length };
  const entity = ENTITY.exec(rest);
  if (entity?.[0] === "&#38;" || entity?.[0] === "&amp;") {
    const inner = decodeAt(`&${rest.slice(entity[0].length)}`);
    if (inner && inner.length > 1 && typeof inner.value === "string")
      return { value: inner.value, length: entity[0].length + inner.length - 1 };
  }
  if (entity) {
    const [, decimal, hex, name] = entity;
    const point = name === void 0 ? Number.parseInt(decimal ?? hex, decimal ? 10 : 16) : -1;
    const value = name !== void 0 ? NAMED_ENTITIES[name] : point <= 1114111 ? String.fromCodePoint(point) : void 0;
    return value === void 0 ? void 0 : { value, length: entity[0].length };
  }
  const unicode = JSON_UNICODE.exec(rest);
  if (unicode) return { value: String.fromCharCode(Number.parseInt(unicode[1], 16)), length: 6 };
  const escaped = rest[0] === "\\" ? JSON_ESCAPES[rest[1] ?? ""] : void 0;
  return escaped === void 0 ? void 0 : { value: escaped, length: 2 };
}
function maskWord(word, mask) {
  if (!word.includes("@")) return word;
  if (!word.includes("://")) return maskAuthority(word, false, mask);
  return word.split("://").map((part, i) => i === 0 ? part : maskAuthority(part, true, mask)).join("://");
}
function maskAuthority(rest, afterScheme, mask) {
  const split = splitAuthority(rest, afterScheme);
  if (!split) return rest;
  const { user, password, at } = split;
  return (password ? `${user}:${mask}` : mask) + rest.slice(at);
}
function splitUserinfo(url) {
  const scheme = url.indexOf("://");
  return splitAuthority(scheme >= 0 ? url.slice(scheme + 3) : url, scheme >= 0);
}
function splitAuthority(rest, afterScheme) {
  const end = rest.search(/[/?#\s]/);
  const authority = end >= 0 ? rest.slice(0, end) : rest;
  const at = authority.lastIndexOf("@");
  if (at <= 0) return void 0;
  const userinfo = authority.slice(0, at);
  const colon = userinfo.indexOf(":");
  if (colon < 0) return afterScheme ? { user: userinfo, at } : void 0;
  const password = userinfo.slice(colon + 1);
  if (!afterScheme && (colon === 0 || password === "")) return void 0;
  return { user: userinfo.slice(0, colon), password, at };
}
function strictPercentEncode(s) {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}
function safeDecode(s) {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

export {
  INSTALLER_URL_VARIABLES,
  onSecret,
  addSecret,
  secretsInUrl,
  redact,
  cutText,
  redactEdges
};
