/**
 * redact over the log: a URL's credentials are masked where it is printed, a secret
 * read from a URL is masked wherever it turns up alone, and ordinary text is left as
 * it is. The table of URL forms is checked against pip itself in redact.e2e.test.ts.
 */
import { describe, expect, it } from "vitest";
import { addSecret, cutText, redact, redactEdges, secretsInUrl } from "../src/redact.ts";
import { FORMS } from "./support/url-credentials.ts";

describe("URL credentials", () => {
  for (const f of FORMS) {
    it(`${f.what}: the URL is printed with its password masked`, () => {
      const text = `Looking in indexes: ${f.url}, https://mirror.example.com/simple`;
      expect(redact(text)).toBe(`Looking in indexes: ${f.shown}, https://mirror.example.com/simple`);
      expect(redact(`'${f.url}'`)).toBe(`'${f.shown}'`);
    });
  }

  for (const f of FORMS) {
    it(`${f.what}: the URL's secret is what is registered, and then masked raw, percent-encoded and in a Basic header`, () => {
      expect(secretsInUrl(f.url)).toContain(f.secret);
      for (const s of secretsInUrl(f.url)) addSecret(s);
      const basic = Buffer.from(f.user === f.secret ? `${f.secret}:` : `${f.user}:${f.secret}`).toString("base64");
      for (const form of [f.secret, encodeURIComponent(f.secret), basic])
        expect(redact(`refused ${form}; Authorization: Basic ${form}`), form).not.toContain(form);
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

/** Every way a reader may meet the secret: each character in any encoding an exit applies. */
const ENCODINGS: [string, (s: string) => string][] = [
  ["raw", (s) => s],
  ["percent-encoded", (s) => encodeURIComponent(s)],
  [
    "every character percent-encoded, lower-case hex",
    (s) => [...Buffer.from(s)].map((b) => `%${b.toString(16).padStart(2, "0")}`).join(""),
  ],
  ["escaped once more as a workflow command escapes %", (s) => encodeURIComponent(s).replace(/%/g, "%25")],
  ["HTML decimal references", (s) => [...s].map((c) => `&#${c.codePointAt(0)};`).join("")],
  ["HTML hex references", (s) => [...s].map((c) => `&#x${c.codePointAt(0)!.toString(16)};`).join("")],
  [
    "Markdown-escaped as the summary escapes it",
    (s) => s.replace(/[&<>"'`|*_[\]\\~#!]/g, (c) => `&#${c.charCodeAt(0)};`),
  ],
  [
    "a JSON string's escapes",
    (s) =>
      JSON.stringify(s)
        .slice(1, -1)
        .replace(/[^\x20-\x7e]|[/]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`),
  ],
  ["split at a line wrap", (s) => `${s.slice(0, 5)}\n${s.slice(5)}`],
  ["split at a wrap in HTML", (s) => `${s.slice(0, 7)}<br>${s.slice(7)}`],
  ["split at a wrap that indents the next line", (s) => `${s.slice(0, 8)}\n    ${s.slice(8)}`],
  ["split at an escaped wrap in a workflow command", (s) => `${s.slice(0, 6)}%0A${s.slice(6)}`],
  ["split at a JSON \\n", (s) => `${s.slice(0, 4)}\\n${s.slice(4)}`],
  [
    "a mix: percent-encoded, then HTML",
    (s) => `${encodeURIComponent(s.slice(0, 6))}${[...s.slice(6)].map((c) => `&#${c.codePointAt(0)};`).join("")}`,
  ],
];

describe("a registered secret is masked in every form it leaves in", () => {
  const secret = "p@ss/w0rd+Q_7&<x>";
  addSecret(secret);
  for (const [what, encode] of ENCODINGS) {
    it(what, () => {
      const out = redact(`before ${encode(secret)} after`);
      expect(out).toBe("before *** after");
    });
  }

  it("an emoji and other characters beyond ASCII, as UTF-8 percent-escapes and references", () => {
    const wide = "clé-🔑-geheim";
    addSecret(wide);
    for (const form of [wide, encodeURIComponent(wide), [...wide].map((c) => `&#${c.codePointAt(0)};`).join("")])
      expect(redact(`x ${form} y`)).toBe("x *** y");
  });

  it("text that only resembles an encoding is left as it is", () => {
    for (const text of ["100% sure", "a &amp b", "50%zz", "&#xFFFFFFF;", "C:\\new\\path"])
      expect(redact(text)).toBe(text);
  });
});

describe("a text cut through a secret", () => {
  const secret = "cutMe-S3cret-Value-88";
  addSecret(secret);
  it("cutText masks the piece before the cut", () => {
    const text = `response: {"token": "${secret}"}`;
    const cut = cutText(text, text.indexOf(secret) + 9, () => "…");
    expect(cut).toBe('response: {"token": "***…');
  });
  it("redactEdges masks the piece after a cut at the start, and leaves short coincidences", () => {
    expect(redactEdges(`${secret.slice(7)} and more`, { start: true })).toBe("*** and more");
    expect(redactEdges("end with cut", { end: true })).toBe("end with cut");
  });
});
