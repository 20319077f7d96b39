/**
 * Input is named, never echoed: a refused value is reported by input and position, and
 * what an exit prints carries control characters escaped. Index URLs pip or uv could not
 * use are refused where they are read, naming the input or variable. Each exit's egress
 * function masks a credential in the form that exit gives it.
 */
import { describe, expect, it } from "vitest";
import { artifactName, commentBody, escapeControls, logText, summaryText } from "../src/egress.ts";
import { HeadTail } from "../src/install/process.ts";
import { shown } from "../src/lock/grammar.ts";
import { readPipfileLock } from "../src/lock/pipfile.ts";
import { MemoryLog } from "../src/log.ts";
import { addSecret } from "../src/redact.ts";
import { code, esc } from "../src/report/markdown.ts";
import { refusal, WORKSPACE } from "./support/inputs.ts";
import { failure, lockContext } from "./support/lockfiles.ts";

const FUNCTION = { "function-name": "orders", alias: "live" };

describe("an invalid input is named with its position, never quoted", () => {
  it("smoke-event that is not JSON: line and column, no piece of the value", () => {
    const secret = "sk_live_51HxQ9trailing";
    const message = refusal({ ...FUNCTION, "smoke-event": `{"k": ${secret}}` });
    expect(message).toMatch(/input smoke-event is not valid JSON at line 1, column 7: expected a value/);
    for (let i = 0; i + 4 <= secret.length; i++) expect(message).not.toContain(secret.slice(i, i + 4));
  });

  it("smoke-expect that starts like JSON but is not JSON is refused, not matched as text", () => {
    const message = refusal({ ...FUNCTION, "smoke-event": "{}", "smoke-expect": '{"status": ok-Xq7}' });
    expect(message).toMatch(/input smoke-expect starts like JSON but is not valid JSON at line 1, column 12/);
    expect(message).not.toContain("ok-Xq7");
  });

  it("rollback-alarms with an ESC: named by position; nothing raw reaches the log", () => {
    const message = refusal({ ...FUNCTION, "rollback-alarms": "ok-alarm\nbad\u001b[31malarm" });
    expect(message).toMatch(/input rollback-alarms, name 2: not a CloudWatch alarm name/);
    expect(message).not.toContain("\u001b");
  });
});

describe("index URLs are refused where read, by input or variable", () => {
  it("an index-url input without a scheme (alice:pw@host/simple)", () => {
    const message = refusal({ "index-url": "alice:pw-Secret9@pkgs.example.com/simple" });
    expect(message).toMatch(/input index-url has no scheme/);
    expect(message).not.toContain("pw-Secret9");
  });
  it("an extra-index-url line without a scheme, or holding an option", () => {
    expect(refusal({ "extra-index-url": "https://ok.example/simple\npkgs.example.com/simple" })).toMatch(
      /input extra-index-url, line 2: has no scheme/,
    );
    expect(refusal({ "extra-index-url": "--index-url https://x.example/simple" })).toMatch(
      /input extra-index-url, line 1: is an option/,
    );
  });
});

describe("every exit escapes control characters and masks last", () => {
  it("an ESC, a lone CR and a bidi override are shown escaped; line breaks and tabs kept", () => {
    expect(escapeControls("a\u001b[31mb\rc\r\nd\te\u202ef")).toBe("a\\x1b[31mb\\x0dc\nd\te\\u{202e}f");
    const log = new MemoryLog();
    log.info("alarm \u001b]8;;http://evil\u0007");
    log.annotate("error", "bad \u0000 name");
    for (const c of ["\u0000", "\u0007", "\u001b"]) expect(log.lines.join("\n")).not.toContain(c);
  });

  it("the summary and the comment: a secret Markdown-escaped and wrapped by <br> is masked after rendering", () => {
    const secret = "gh*_tok|en#9Zq";
    addSecret(secret);
    const rendered = `| Smoke | ${code(`{"echo": "${secret.slice(0, 5)}\n${secret.slice(5)}"}`)} | ${esc(secret)} |`;
    for (const exit of [summaryText, commentBody, logText]) {
      const out = exit(rendered);
      expect(out).not.toMatch(/tok|en#9|&#124;en/);
      expect(out).toContain("***");
    }
  });

  it("an artifact name: the credential becomes a word GitHub accepts in a name", () => {
    addSecret("art1fact-Secret");
    expect(artifactName("lambda-art1fact-Secret-python3.12")).toBe("lambda-redacted-python3.12");
  });
});

describe("output kept for the diagnosis, cut in the middle", () => {
  it("a secret the gap cuts in two is masked on both sides of it", () => {
    const secret = "headTail-S3cret-Value-77";
    addSecret(secret);
    const kept = new HeadTail(40, 40);
    const text = `${"a".repeat(30)}${secret}${"b".repeat(100)}${secret}${"c".repeat(20)}`;
    kept.push(Buffer.from(text));
    const out = kept.text();
    expect(out).toMatch(/bytes of output left out/);
    for (let i = 0; i + 6 <= secret.length; i++) expect(out).not.toContain(secret.slice(i, i + 6));
  });
});

describe("a lockfile that is not JSON is named by position, not quoted", () => {
  it("Pipfile.lock: line and column, no piece of the credential next to the error", () => {
    const text = '{\n  "_meta": {"sources": [{"url": "https://ci:lockT0ken-Secret@pkgs.example/simple" x]}}\n}\n';
    const ctx = lockContext(WORKSPACE, "Pipfile.lock");
    const e = failure(() => readPipfileLock(text, ctx));
    expect(e.describe()).toMatch(/^Pipfile\.lock:2: malformed JSON at line 2, column 83: expected "," or "}"/);
    expect(e.describe()).not.toMatch(/lockT0|Secret|pkgs/);
  });
});

describe("a lockfile value shown cut", () => {
  it("a registered secret the 80-character cut splits is masked, not shown in part", () => {
    const secret = "lockCut-T0ken-Value-31";
    addSecret(secret);
    const out = shown(`${"x".repeat(70)}${secret}`);
    expect(out).toBe(`${"x".repeat(70)}***…`);
  });
});
