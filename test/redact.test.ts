/**
 * redact over the log: a URL's credentials are masked where it is printed, a secret
 * read from a URL is masked wherever it turns up alone, and ordinary text is left as
 * it is. The table of URL forms is checked against pip itself in redact.e2e.test.ts.
 */
import { describe, expect, it } from "vitest";
import { addSecret, redact, secretsInUrl } from "../src/redact.ts";
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
