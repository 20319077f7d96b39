/**
 * A credential in any URL form pip accepts never reaches the log: neither where the
 * URL itself is printed (its user-info is masked by position), nor where the secret
 * turns up alone, in any encoding a URL or a Basic header can carry it (it is
 * registered when the URL is read). What pip takes for the password is asked of pip
 * itself, so the table follows pip's grammar rather than ours. The cases that need no
 * Python: test/redact.test.ts.
 */
import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { addSecret, redact, secretsInUrl } from "../src/redact.ts";
import { hostPython } from "./support/python.ts";
import { FORMS, type Form } from "./support/url-credentials.ts";

/** What pip takes for the user and password of each URL. */
function pipCredentials(urls: string[]): [string | null, string | null][] {
  const script = [
    "import json, sys",
    "from pip._internal.utils.misc import split_auth_netloc_from_url as split",
    "print(json.dumps([split(u)[2] for u in json.loads(sys.stdin.read())]))",
  ].join("\n");
  return JSON.parse(execFileSync(hostPython(), ["-c", script], { input: JSON.stringify(urls) }).toString());
}

/** Every way the secret can be printed: raw, percent-encoded (JavaScript's and Python's way), in a Basic header. */
function encodings(f: Form): string[] {
  const python = execFileSync(hostPython(), [
    "-c",
    "import sys, urllib.parse as u; print(u.quote(sys.argv[1], safe='')); print(u.quote(sys.argv[1]))",
    f.secret,
  ])
    .toString()
    .trim()
    .split("\n");
  const basic = f.user === f.secret ? `${f.secret}:` : `${f.user}:${f.secret}`;
  return [...new Set([f.secret, encodeURIComponent(f.secret), ...python, Buffer.from(basic).toString("base64")])];
}

describe("URL credentials", () => {
  it("the table follows pip: pip sends these credentials for these URLs", () => {
    const urls = FORMS.map((f) => f.url.replace(/^internal=/, ""));
    const expected = FORMS.map((f): [string, string | null] => [
      f.user,
      f.emptyPassword ? "" : f.user === f.secret ? null : f.secret,
    ]);
    expect(pipCredentials(urls)).toEqual(expected);
  });

  for (const f of FORMS) {
    it(`${f.what}: once the URL is read, the secret alone is masked in every encoding`, () => {
      for (const s of secretsInUrl(f.url)) addSecret(s);
      for (const form of encodings(f)) {
        const out = redact(`pip said: ${form} was refused; Authorization: Basic ${form}`);
        expect(out, form).not.toContain(form);
      }
    });
  }
});
