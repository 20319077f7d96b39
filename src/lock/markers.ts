/**
 * PEP 508 environment markers, evaluated for the Lambda target, never for the
 * build host: `python_version < "3.11"` asks about the runtime, not the runner.
 */
import type { Target } from "../target.ts";
import { matchesSpecifier } from "./version.ts";

export type MarkerEnvironment = Record<string, string>;

export function targetEnvironment(target: Target): MarkerEnvironment {
  // Lambda does not pin a patch release; ".0" makes `python_full_version >= "3.12"` true as it should.
  const full = `${target.pythonVersion}.0`;
  return {
    python_version: target.pythonVersion,
    python_full_version: full,
    implementation_version: full,
    implementation_name: "cpython",
    platform_python_implementation: "CPython",
    platform_machine: target.machine,
    platform_system: "Linux",
    sys_platform: "linux",
    os_name: "posix",
    platform_release: "",
    platform_version: "",
  };
}

type Node = { kind: "or" | "and"; terms: Node[] } | { kind: "cmp"; left: Operand; op: string; right: Operand };
type Operand = { variable: string } | { literal: string };

export class MarkerSyntaxError extends Error {}

/**
 * Far above real markers (uv's longest fork markers are a few hundred characters, nesting
 * a handful deep), low enough that a hostile one fails fast instead of exhausting the stack.
 */
export const MAX_MARKER_LENGTH = 16 * 1024;
export const MAX_MARKER_DEPTH = 64;

const VARIABLES = new Set([
  "python_version",
  "python_full_version",
  "implementation_version",
  "implementation_name",
  "platform_python_implementation",
  "platform_machine",
  "platform_system",
  "sys_platform",
  "os_name",
  "platform_release",
  "platform_version",
  "extra",
  "dependency_groups",
  "extras",
  // legacy spellings pip still accepts
  "os.name",
  "sys.platform",
  "platform.version",
  "platform.machine",
  "platform.python_implementation",
  "python_implementation",
]);
const LEGACY: Record<string, string> = {
  "os.name": "os_name",
  "sys.platform": "sys_platform",
  "platform.version": "platform_version",
  "platform.machine": "platform_machine",
  "platform.python_implementation": "platform_python_implementation",
  python_implementation: "platform_python_implementation",
};

/** A marker as an error message shows it: short, one line. */
function quoted(text: string): string {
  const one = text.replace(/\s+/g, " ").trim();
  return one.length > 60 ? `${one.slice(0, 60)}…` : one;
}

const TOKEN = /\(|\)|===|==|!=|<=|>=|~=|<|>|'[^']*'|"[^"]*"|not\s+in\b|in\b|and\b|or\b|[A-Za-z_][A-Za-z0-9_.]*/y;

function isSpace(code: number): boolean {
  return code === 32 || (code >= 9 && code <= 13);
}

function tokenize(text: string): string[] {
  const tokens: string[] = [];
  let pos = 0;
  for (;;) {
    while (pos < text.length && isSpace(text.charCodeAt(pos))) pos++;
    if (pos >= text.length) return tokens;
    TOKEN.lastIndex = pos;
    const m = TOKEN.exec(text);
    if (!m?.[0]) throw new MarkerSyntaxError(`cannot read marker at "${quoted(text.slice(pos, pos + 80))}"`);
    tokens.push(m[0].replace(/\s+/g, " "));
    pos = TOKEN.lastIndex;
  }
}

export function parseMarker(text: string): Node {
  const tokens = tokenize(text);
  let depth = 0;
  for (const t of tokens) {
    depth += t === "(" ? 1 : t === ")" ? -1 : 0;
    if (depth > MAX_MARKER_DEPTH)
      throw new MarkerSyntaxError(`marker nested too deeply (more than ${MAX_MARKER_DEPTH} parentheses)`);
  }
  if (text.length > MAX_MARKER_LENGTH)
    throw new MarkerSyntaxError(`marker is ${text.length} characters long (at most ${MAX_MARKER_LENGTH})`);
  let i = 0;
  const peek = () => tokens[i];
  const next = () => {
    const t = tokens[i++];
    if (t === undefined) throw new MarkerSyntaxError(`marker "${quoted(text)}" ends too early`);
    return t;
  };
  const operand = (): Operand => {
    const t = next();
    if (t.startsWith('"') || t.startsWith("'")) return { literal: t.slice(1, -1) };
    if (VARIABLES.has(t)) return { variable: LEGACY[t] ?? t };
    throw new MarkerSyntaxError(`unknown marker variable "${quoted(t)}" in "${quoted(text)}"`);
  };
  const expr = (depth: number): Node => {
    if (peek() === "(") {
      if (depth >= MAX_MARKER_DEPTH)
        throw new MarkerSyntaxError(`marker nested too deeply (more than ${MAX_MARKER_DEPTH} parentheses)`);
      next();
      const inner = or(depth + 1);
      if (next() !== ")") throw new MarkerSyntaxError(`missing ")" in "${quoted(text)}"`);
      return inner;
    }
    const left = operand();
    const op = next();
    if (!["===", "==", "!=", "<=", ">=", "~=", "<", ">", "in", "not in"].includes(op)) {
      throw new MarkerSyntaxError(`unknown operator "${quoted(op)}" in "${quoted(text)}"`);
    }
    return { kind: "cmp", left, op, right: operand() };
  };
  // n-ary and/or: a long chain of terms is one level deep, not one level per term
  const and = (depth: number): Node => {
    const terms = [expr(depth)];
    while (peek() === "and") {
      next();
      terms.push(expr(depth));
    }
    return terms.length === 1 ? terms[0]! : { kind: "and", terms };
  };
  const or = (depth: number): Node => {
    const terms = [and(depth)];
    while (peek() === "or") {
      next();
      terms.push(and(depth));
    }
    return terms.length === 1 ? terms[0]! : { kind: "or", terms };
  };
  const node = or(0);
  if (i !== tokens.length)
    throw new MarkerSyntaxError(`unexpected "${quoted(tokens[i] ?? "")}" in marker "${quoted(text)}"`);
  return node;
}

/**
 * Evaluate a marker for the target. `extras` are the extras requested of the
 * package that declared the marker (for `extra == "..."`); empty by default.
 */
export function evaluateMarker(
  marker: string | Node,
  env: MarkerEnvironment,
  extras: readonly string[] = [],
  groups: readonly string[] = [],
): boolean {
  const node = typeof marker === "string" ? parseMarker(marker) : marker;
  switch (node.kind) {
    case "or":
      return node.terms.some((t) => evaluateMarker(t, env, extras, groups));
    case "and":
      return node.terms.every((t) => evaluateMarker(t, env, extras, groups));
    case "cmp":
      return compare(node, env, extras, groups);
  }
}

function compare(
  node: Extract<Node, { kind: "cmp" }>,
  env: MarkerEnvironment,
  extras: readonly string[],
  groups: readonly string[],
): boolean {
  const setVariable = (o: Operand) =>
    "variable" in o && (o.variable === "extra" || o.variable === "extras" || o.variable === "dependency_groups");
  // `extra == "x"` asks whether x was requested; PEP 751's `"x" in extras` likewise.
  if (setVariable(node.left) || setVariable(node.right)) {
    const variable = ("variable" in node.left && setVariable(node.left) ? node.left : node.right) as {
      variable: string;
    };
    const literal =
      ("literal" in node.left ? node.left.literal : "literal" in node.right ? node.right.literal : "") ?? "";
    const pool = variable.variable === "dependency_groups" ? groups : extras;
    const has = pool.some((e) => normalizeExtra(e) === normalizeExtra(literal));
    if (node.op === "==" || node.op === "in") return has;
    if (node.op === "!=" || node.op === "not in") return !has;
    return false;
  }
  const value = (o: Operand) => ("literal" in o ? o.literal : (env[o.variable] ?? ""));
  const left = value(node.left);
  const right = value(node.right);
  switch (node.op) {
    case "in":
      return right.includes(left);
    case "not in":
      return !right.includes(left);
    case "===":
      return left === right;
  }
  // python_version and friends compare as PEP 440 versions ("3.9" < "3.10")
  const asVersions = matchesSpecifier(left, `${node.op}${right}`);
  if (asVersions !== undefined && /^\s*\d/.test(left)) return asVersions;
  if (node.op === "==") return left === right;
  if (node.op === "!=") return left !== right;
  throw new MarkerSyntaxError(`cannot compare "${quoted(left)}" ${node.op} "${quoted(right)}" (not versions)`);
}

function normalizeExtra(e: string): string {
  return e.toLowerCase().replace(/[-_.]+/g, "-");
}
