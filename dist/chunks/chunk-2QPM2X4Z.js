import { createRequire as __lppCreateRequire } from 'node:module'; const require = __lppCreateRequire(import.meta.url);
import {
  redact
} from "./chunk-HCMR2GAL.js";

// src/egress.ts
function escapeControls(text) {
  return text.replace(/\r\n/g, "\n").replace(/[\0-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/g, (c) => {
    const code = c.charCodeAt(0);
    return code <= 255 ? `\\x${code.toString(16).padStart(2, "0")}` : `\\u{${code.toString(16)}}`;
  });
}
function logText(text) {
  return redact(escapeControls(text));
}
function markdownText(markdown) {
  return redact(escapeControls(markdown));
}
var summaryText = markdownText;
var commentBody = markdownText;
function outputValue(value) {
  return redact(value);
}
function artifactName(name) {
  return redact(name, "redacted");
}

export {
  logText,
  summaryText,
  commentBody,
  outputValue,
  artifactName
};
