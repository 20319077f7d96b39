/**
 * Where a JSON text (RFC 8259, as JSON.parse reads it) first goes wrong, and what was
 * expected there. JSON.parse's own message quotes the text around the error, and an
 * input may hold a secret the runner masks only whole: an error names the input and
 * this position, never the text. Iterative, so nesting depth cannot exhaust the stack.
 */
export interface JsonSyntaxError {
  /** 0-based offset in the text */
  offset: number;
  /** 1-based */
  line: number;
  /** 1-based, in characters */
  column: number;
  expected: string;
}

const VALUE = "a value (object, array, string, number, true, false or null)";
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
// biome-ignore lint/suspicious/noControlCharactersInRegex: JSON refuses them raw in a string
const STRING_BODY = /(?:[^"\\\0-\x1f]|\\["\\/bfnrt]|\\u[0-9A-Fa-f]{4})*/y;
const LITERAL = /true|false|null/y;

/** Undefined when JSON.parse accepts the text. */
export function findJsonError(text: string): JsonSyntaxError | undefined {
  let i = 0;
  const stack: ("array" | "object")[] = [];
  const fail = (expected: string): JsonSyntaxError => {
    const before = text.slice(0, i);
    const line = before.split("\n").length;
    return { offset: i, line, column: i - (before.lastIndexOf("\n") + 1) + 1, expected };
  };
  const skipSpace = () => {
    while (i < text.length && " \t\n\r".includes(text[i]!)) i++;
  };
  const match = (pattern: RegExp): boolean => {
    pattern.lastIndex = i;
    const m = pattern.exec(text);
    if (!m || m[0].length === 0) return false;
    i += m[0].length;
    return true;
  };
  const string = (): JsonSyntaxError | undefined => {
    i++;
    STRING_BODY.lastIndex = i;
    i += STRING_BODY.exec(text)?.[0].length ?? 0;
    if (text[i] === '"') {
      i++;
      return undefined;
    }
    if (i >= text.length) return fail('the closing " of a string');
    return fail(
      text[i] === "\\"
        ? 'an escape: \\" \\\\ \\/ \\b \\f \\n \\r \\t or \\u and four hex digits'
        : "no control character inside a string (escape it)",
    );
  };
  const key = (): JsonSyntaxError | undefined => {
    if (text[i] !== '"') return fail("a property name in double quotes");
    const error = string();
    if (error) return error;
    skipSpace();
    if (text[i] !== ":") return fail('":" after the property name');
    i++;
    return undefined;
  };

  skipSpace();
  for (;;) {
    // a value starts here
    skipSpace();
    const c = text[i];
    let opened = false;
    if (c === "{" || c === "[") {
      i++;
      skipSpace();
      if (text[i] === (c === "{" ? "}" : "]")) i++;
      else {
        stack.push(c === "{" ? "object" : "array");
        opened = true;
        if (c === "{") {
          const error = key();
          if (error) return error;
        }
      }
    } else if (c === '"') {
      const error = string();
      if (error) return error;
    } else if (!match(c === "-" || (c !== undefined && c >= "0" && c <= "9") ? NUMBER : LITERAL)) return fail(VALUE);
    if (opened) continue;
    // after a value: a separator, a closing bracket, or the end
    for (;;) {
      skipSpace();
      const top = stack.at(-1);
      if (top === undefined) return i < text.length ? fail("the end of the text after the value") : undefined;
      const close = top === "array" ? "]" : "}";
      if (text[i] === close) {
        i++;
        stack.pop();
        continue;
      }
      if (text[i] !== ",") return fail(`"," or "${close}"`);
      i++;
      if (top === "object") {
        skipSpace();
        const error = key();
        if (error) return error;
      }
      break;
    }
  }
}

/** "line 2, column 7: expected …" */
export function describeJsonError(error: JsonSyntaxError): string {
  return `at line ${error.line}, column ${error.column}: expected ${error.expected}`;
}

/** Text that starts like a JSON object or array: smoke-expect is then a JSON fragment, never a substring. */
export function looksLikeJson(text: string): boolean {
  return /^\s*[[{]/.test(text);
}
