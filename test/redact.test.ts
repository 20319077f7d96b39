/**
 * A credential in any URL form pip accepts never reaches the log: neither where the
 * URL itself is printed (its user-info is masked by position), nor where the secret
 * turns up alone, in any encoding a URL or a Basic header can carry it (it is
 * registered when the URL is read). What pip takes for the password is asked of pip
 * itself, so the table follows pip's grammar rather than ours.
 */
import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { addSecret, redact, secretsInUrl } from "../src/redact.ts";
import { hostPython } from "./support/python.ts";

interface Form {
  what: string;
  /** as the user writes it (an input, PIP_INDEX_URL, a find-links line…) */
  url: string;
  /** the URL as the log must show it */
  shown: string;
  /** the credential a client sends, once decoded */
  secret: string;
  user: string;
}

// every case has its own secret: registering one must not hide another case's failure
const FORMS: Form[] = [
  {
    what: "password with a raw @ (userinfo ends at the last @)",
    url: "https://ci:p@ss-One@w0rd@pypi.example.com/simple",
    shown: "https://ci:***@pypi.example.com/simple",
    secret: "p@ss-One@w0rd",
    user: "ci",
  },
  {
    what: "raw @ and no path",
    url: "https://ci:tw0@at@sign@pypi.example.com",
    shown: "https://ci:***@pypi.example.com",
    secret: "tw0@at@sign",
    user: "ci",
  },
  {
    what: "percent-encoded password, port, query and fragment",
    url: "https://ci:en%40c%3Aoded%2Fpw%21@pypi.example.com:8443/simple?x=1#frag",
    shown: "https://ci:***@pypi.example.com:8443/simple?x=1#frag",
    secret: "en@c:oded/pw!",
    user: "ci",
  },
  {
    what: "token alone as the user",
    url: "https://ghp_tokenAlone42@pypi.example.com/simple",
    shown: "https://***@pypi.example.com/simple",
    secret: "ghp_tokenAlone42",
    user: "ghp_tokenAlone42",
  },
  {
    what: "password holding a colon",
    url: "https://__token__:pypi-AgEI:colon:part@upload.example.com/legacy/",
    shown: "https://__token__:***@upload.example.com/legacy/",
    secret: "pypi-AgEI:colon:part",
    user: "__token__",
  },
  {
    what: "VCS find-links / direct reference",
    url: "git+https://ci:vcs-S3cret@git.example.com/org/repo.git@v1",
    shown: "git+https://ci:***@git.example.com/org/repo.git@v1",
    secret: "vcs-S3cret",
    user: "ci",
  },
  {
    what: "uv's named index (UV_INDEX=name=url)",
    url: "internal=https://ci:uv-N4med@pypi.example.com/simple",
    shown: "internal=https://ci:***@pypi.example.com/simple",
    secret: "uv-N4med",
    user: "ci",
  },
];

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
    const expected = FORMS.map((f): [string, string | null] => [f.user, f.user === f.secret ? null : f.secret]);
    expect(pipCredentials(urls)).toEqual(expected);
  });

  for (const f of FORMS) {
    it(`${f.what}: the URL is printed with its password masked`, () => {
      const text = `Looking in indexes: ${f.url}, https://mirror.example.com/simple`;
      expect(redact(text)).toBe(`Looking in indexes: ${f.shown}, https://mirror.example.com/simple`);
      expect(redact(`'${f.url}'`)).toBe(`'${f.shown}'`);
    });
  }

  for (const f of FORMS) {
    it(`${f.what}: once the URL is read, the secret alone is masked in every encoding`, () => {
      for (const s of secretsInUrl(f.url)) addSecret(s);
      for (const form of encodings(f)) {
        const out = redact(`pip said: ${form} was refused; Authorization: Basic ${form}`);
        expect(out, form).not.toContain(form);
      }
    });
  }

  it("an index URL without a scheme (user:token@host/simple) is masked where printed and when read", () => {
    expect(redact("ERROR: could not fetch user:nosch3me-Tok@pypi.example.com/simple/six/")).toBe(
      "ERROR: could not fetch user:***@pypi.example.com/simple/six/",
    );
    expect(redact("--index-url=user:nosch3me-Tok@pypi.example.com/simple")).toBe(
      "--index-url=user:***@pypi.example.com/simple",
    );
    for (const s of secretsInUrl("ci:scheme1ess-T0k@pypi.example.com/simple")) addSecret(s);
    expect(redact("token scheme1ess-T0k")).toBe("token ***");
  });

  it("ordinary text with @ is left alone", () => {
    for (const text of [
      "mail someone@example.com",
      "six @ file:///wheels/six-1.17.0-py3-none-any.whl",
      "see ./wheels@2024/six.whl",
      "Collecting six==1.17.0",
    ])
      expect(redact(text)).toBe(text);
  });

  it("stays linear on long hostile input", () => {
    const long = `${"a".repeat(200_000)}:${"@".repeat(200_000)}`;
    const started = performance.now();
    redact(long);
    redact(`https://${"a:".repeat(100_000)}`);
    expect(performance.now() - started).toBeLessThan(2_000);
  });
});
