/**
 * What a Python source imports, read from its tokens without running it: `import a.b`,
 * `from a.b import c`, `from . import x` (absolute and relative, in any statement,
 * function or branch, as `ast.walk` sees them), `importlib.import_module("literal")` and
 * `__import__("literal")`; and its string literals, which name the data files it may
 * read. Held to CPython's own `ast` by a seeded differential test
 * (test/optimize-imports.e2e.test.ts), over generated sources and a whole standard library.
 *
 * A scanner here rather than the runtime's Python: it needs no interpreter on the runner,
 * reads bytes as they pass (a wheel's members on the fast path) and scans a
 * data-science tree's 40 MB of sources in well under a second. f-strings are tokenized
 * as PEP 701 (3.12) defines them, which accepts every older f-string too, so a nested
 * quote never throws the scanner out of step.
 */
import { append } from "../append.ts";

export interface ImportRef {
  /** the line of the statement (of the call's name for a call) */
  line: number;
  /** `import a.b` | `from a.b import c` | `import_module("a.b")` / `__import__("a.b")` */
  kind: "import" | "from" | "call";
  /** leading dots: 0 absolute; for a call, the dots the literal starts with */
  level: number;
  /** the dotted name after the dots; "" for `from . import x` */
  module: string;
  /** for `from`: the names imported (`*` for a star import) */
  names: string[];
}

export interface SourceScan {
  imports: ImportRef[];
  /** every string constant (docstrings included) and every literal part of an f-string */
  literals: string[];
}

type Token =
  | { t: "name"; v: string; line: number }
  | { t: "op"; v: string; line: number }
  | { t: "str"; v: string | undefined; line: number }
  | { t: "nl"; line: number };

/** what ends a run of plain characters inside a string literal */
const PLAIN_SPECIAL = /[\\\n\r'"]/g;
const F_SPECIAL = /[\\\n\r'"{}]/g;
const LINE_END = /[\n\r]/g;
const STRING_PREFIX = /^(?:[rRuUbBfFtT]|[rR][bBfFtT]|[bBfFtT][rR])$/;
const isNameStart = (c: number) => (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c > 127;
const isNameChar = (c: number) => isNameStart(c) || (c >= 48 && c <= 57);
const isDigit = (c: number) => c >= 48 && c <= 57;

const SIMPLE_ESCAPES: Record<string, string> = {
  "\\": "\\",
  "'": "'",
  '"': '"',
  a: "\x07",
  b: "\b",
  f: "\f",
  n: "\n",
  r: "\r",
  t: "\t",
  v: "\v",
  "\n": "",
};

/** A non-raw str literal's body decoded as Python does; undefined for `\N{...}`, which needs Unicode's names. */
function decode(body: string): string | undefined {
  if (!body.includes("\\")) return body;
  let out = "";
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c !== "\\") {
      out += c;
      continue;
    }
    const n = body[++i] ?? "";
    const simple = SIMPLE_ESCAPES[n];
    if (simple !== undefined) out += simple;
    else if (n === "\r") i += body[i + 1] === "\n" ? 1 : 0;
    else if (n >= "0" && n <= "7") {
      const m = /^[0-7]{1,3}/.exec(body.slice(i))![0];
      out += String.fromCodePoint(Number.parseInt(m, 8));
      i += m.length - 1;
    } else if (n === "x" || n === "u" || n === "U") {
      const width = n === "x" ? 2 : n === "u" ? 4 : 8;
      const hex = body.slice(i + 1, i + 1 + width);
      if (!new RegExp(`^[0-9a-fA-F]{${width}}$`).test(hex)) return undefined;
      const code = Number.parseInt(hex, 16);
      if (code > 0x10ffff) return undefined;
      out += String.fromCodePoint(code);
      i += width;
    } else if (n === "N") return undefined;
    else out += `\\${n}`;
  }
  return out;
}

class Tokenizer {
  private i = 0;
  private line = 1;
  readonly tokens: Token[] = [];
  readonly literals: string[] = [];

  constructor(private readonly s: string) {}

  /** Tokens until the end, or (inside an f-string's field) until its `}`, `:` or `!` at depth 0. */
  run(inField = false): void {
    const s = this.s;
    let depth = 0;
    while (this.i < s.length) {
      const c = s.charCodeAt(this.i);
      if (c === 10 || c === 13) {
        if (c === 13 && s.charCodeAt(this.i + 1) === 10) this.i++;
        this.i++;
        if (depth === 0 && !inField) this.tokens.push({ t: "nl", line: this.line });
        this.line++;
      } else if (c === 32 || c === 9 || c === 12) this.i++;
      else if (c === 35) {
        // a comment, to the end of the line
        LINE_END.lastIndex = this.i;
        this.i = LINE_END.exec(s)?.index ?? s.length;
      } else if (c === 92) {
        // a backslash continues the line
        this.i++;
        const crlf = s[this.i] === "\r" && s[this.i + 1] === "\n" ? 2 : 1;
        if (s[this.i] === "\r" || s[this.i] === "\n") {
          this.i += crlf;
          this.line++;
        }
      } else if (c === 39 || c === 34) this.string("");
      else if (isNameStart(c)) {
        const start = this.i;
        while (this.i < s.length && isNameChar(s.charCodeAt(this.i))) this.i++;
        const word = s.slice(start, this.i);
        const q = s[this.i];
        if ((q === "'" || q === '"') && STRING_PREFIX.test(word)) this.string(word.toLowerCase());
        else this.tokens.push({ t: "name", v: word, line: this.line });
      } else if (isDigit(c) || (c === 46 && isDigit(s.charCodeAt(this.i + 1)))) {
        // a number's sign after e (1e-5) reads as an operator: nothing an import is made of
        while (this.i < s.length && (isNameChar(s.charCodeAt(this.i)) || s.charCodeAt(this.i) === 46)) this.i++;
      } else {
        const ch = s[this.i]!;
        if (inField && depth === 0 && (ch === "}" || ch === ":" || (ch === "!" && s[this.i + 1] !== "="))) return;
        if (ch === "(" || ch === "[" || ch === "{") depth++;
        else if ((ch === ")" || ch === "]" || ch === "}") && depth > 0) depth--;
        if (ch === "." && s.startsWith("...", this.i)) {
          this.tokens.push({ t: "op", v: "...", line: this.line });
          this.i += 3;
        } else {
          this.tokens.push({ t: "op", v: ch, line: this.line });
          this.i++;
        }
      }
    }
  }

  /** A string literal at `i` (its prefix already read); adjacent plain literals join as Python joins them. */
  private string(prefix: string): void {
    const s = this.s;
    const q = s[this.i]!;
    const triple = s.startsWith(q.repeat(3), this.i);
    const close = triple ? q.repeat(3) : q;
    const line = this.line;
    this.i += close.length;
    const raw = prefix.includes("r");
    const formatted = prefix.includes("f") || prefix.includes("t");
    const bytes = prefix.includes("b");
    const special = formatted ? F_SPECIAL : PLAIN_SPECIAL;
    // the literal's text so far (for an f-string: since its last field)
    let text = "";
    while (this.i < s.length) {
      special.lastIndex = this.i;
      const found = special.exec(s);
      const at = found ? found.index : s.length;
      text += s.slice(this.i, at);
      this.i = at;
      if (at >= s.length) break;
      if (s.startsWith(close, this.i)) {
        this.i += close.length;
        break;
      }
      const ch = s[this.i]!;
      if (ch === "\\") {
        // in an f-string a brace after a backslash still opens a field; \N{NAME} is one escape
        const next = s[this.i + 1];
        const width =
          formatted && (next === "{" || next === "}")
            ? 1
            : formatted && !raw && next === "N" && s[this.i + 2] === "{"
              ? Math.max(2, s.indexOf("}", this.i) + 1 - this.i)
              : s.startsWith("\r\n", this.i + 1)
                ? 3
                : 2;
        const pair = s.slice(this.i, this.i + width);
        text += pair;
        this.i += pair.length;
        if (pair.endsWith("\n") || pair.endsWith("\r")) this.line++;
        continue;
      }
      if (ch === "\n" || (ch === "\r" && s[this.i + 1] !== "\n")) {
        if (!triple) break; // unterminated: Python refuses the file; resume at the next line
        this.line++;
      }
      if (formatted && ch === "{") {
        if (s[this.i + 1] === "{") {
          text += "{";
          this.i += 2;
          continue;
        }
        this.flushPart(text, raw);
        text = "";
        this.field();
        continue;
      }
      if (formatted && ch === "}" && s[this.i + 1] === "}") {
        text += "}";
        this.i += 2;
        continue;
      }
      text += ch;
      this.i++;
    }
    if (formatted) {
      this.flushPart(text, raw);
      this.pushString(undefined, line);
    } else this.pushString(bytes ? undefined : raw ? text : decode(text), line, bytes);
  }

  private flushPart(part: string, raw: boolean): void {
    const text = raw ? part : decode(part);
    if (text) this.literals.push(text);
  }

  /** An f-string's replacement field, from `{` to its `}`: an expression, a conversion, a format spec. */
  private field(): void {
    const s = this.s;
    this.i++; // {
    this.run(true);
    if (s[this.i] === "!") {
      this.i++;
      while (this.i < s.length && isNameChar(s.charCodeAt(this.i))) this.i++;
    }
    if (s[this.i] === ":") {
      this.i++;
      // the format spec: literal text with fields of its own
      while (this.i < s.length && s[this.i] !== "}") {
        if (s[this.i] === "{") this.field();
        else {
          if (s[this.i] === "\n") this.line++;
          this.i++;
        }
      }
    }
    if (s[this.i] === "}") this.i++;
  }

  private pushString(value: string | undefined, line: number, bytes = false): void {
    const last = this.tokens[this.tokens.length - 1];
    if (!bytes && value !== undefined) this.literals.push(value);
    if (last?.t === "str") {
      // "a" "b" is one constant "ab"; with an f-string among them it is no constant
      last.v = last.v === undefined || value === undefined ? undefined : last.v + value;
      if (last.v !== undefined) this.literals.push(last.v);
      return;
    }
    this.tokens.push({ t: "str", v: bytes ? undefined : value, line });
  }
}

/** `a.b.c` from the tokens at `at`; returns the name and the index after it. */
function dotted(tokens: Token[], at: number): { name: string; next: number } | undefined {
  const first = tokens[at];
  if (first?.t !== "name") return undefined;
  let name = first.v;
  let i = at + 1;
  for (;;) {
    const dot = tokens[i];
    const part = tokens[i + 1];
    if (dot?.t !== "op" || dot.v !== "." || part?.t !== "name") break;
    name += `.${part.v}`;
    i += 2;
  }
  return { name, next: i };
}

const isOp = (t: Token | undefined, v: string) => t?.t === "op" && t.v === v;
const isName = (t: Token | undefined, v: string) => t?.t === "name" && t.v === v;

/** `import a.b as c, d`: the modules named. */
function importStatement(tokens: Token[], at: number): ImportRef[] {
  const refs: ImportRef[] = [];
  const line = tokens[at]!.line;
  let i = at + 1;
  for (;;) {
    const d = dotted(tokens, i);
    if (!d) break;
    refs.push({ line, kind: "import", level: 0, module: d.name, names: [] });
    i = d.next;
    if (isName(tokens[i], "as")) i += 2;
    if (!isOp(tokens[i], ",")) break;
    i++;
  }
  return refs;
}

/** `from ..a.b import (c as d, e)`; undefined for `yield from` and `raise ... from`. */
function fromStatement(tokens: Token[], at: number): ImportRef | undefined {
  let i = at + 1;
  let level = 0;
  for (; tokens[i]?.t === "op"; i++) {
    const v = (tokens[i] as { v: string }).v;
    if (v === ".") level += 1;
    else if (v === "...") level += 3;
    else break;
  }
  const d = isName(tokens[i], "import") ? undefined : dotted(tokens, i);
  if (d) i = d.next;
  if ((!d && level === 0) || !isName(tokens[i], "import")) return undefined;
  i++;
  const names: string[] = [];
  if (isOp(tokens[i], "*")) names.push("*");
  else {
    const parenthesized = isOp(tokens[i], "(");
    if (parenthesized) i++;
    while (tokens[i]?.t === "name") {
      names.push((tokens[i] as { v: string }).v);
      i++;
      if (isName(tokens[i], "as")) i += 2;
      if (!isOp(tokens[i], ",")) break;
      i++;
    }
  }
  return { line: tokens[at]!.line, kind: "from", level, module: d?.name ?? "", names };
}

/** `import_module("a.b")`, `importlib.import_module(".c", ...)`, `__import__("a.b")`: a literal first argument. */
function importCall(tokens: Token[], at: number): ImportRef | undefined {
  const before = tokens[at - 1];
  if (isName(before, "def") || isName(before, "class")) return undefined;
  const arg = tokens[at + 2];
  if (!isOp(tokens[at + 1], "(") || arg?.t !== "str" || arg.v === undefined) return undefined;
  if (!isOp(tokens[at + 3], ",") && !isOp(tokens[at + 3], ")")) return undefined;
  const level = /^\.*/.exec(arg.v)![0].length;
  return { line: tokens[at]!.line, kind: "call", level, module: arg.v.slice(level), names: [] };
}

export function scanSource(text: string): SourceScan {
  const tokenizer = new Tokenizer(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  tokenizer.run();
  const { tokens } = tokenizer;
  const imports: ImportRef[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.t !== "name") continue;
    if (t.v === "import" && !isOp(tokens[i - 1], ".")) append(imports, importStatement(tokens, i));
    else if (t.v === "from") {
      const ref = fromStatement(tokens, i);
      if (ref) {
        imports.push(ref);
        // its `import` keyword is this statement's, not another one
        while (i + 1 < tokens.length && !isName(tokens[i], "import")) i++;
      }
    } else if (t.v === "import_module" || t.v === "__import__") {
      const ref = importCall(tokens, i);
      if (ref) imports.push(ref);
    }
  }
  return { imports, literals: tokenizer.literals };
}
