/**
 * The import scanner slim relies on (src/optimize/imports.ts) against CPython's own `ast`:
 * a seeded generator writes sources full of what throws a scanner out of step (imports
 * inside strings, comments and f-strings, nested quotes of PEP 701, continuations,
 * parenthesized and relative imports, `yield from`, `raise ... from`, one-line compound
 * statements), and a whole standard library is read by both. Any difference is a bug here.
 */
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { scanSource } from "../src/optimize/imports.ts";
import { pythonFor } from "./support/python.ts";

const PY = pythonFor(13) ?? pythonFor(12);
if (!PY) throw new Error("this test needs Python 3.12 or 3.13 (pyenv)");

const REFERENCE = `
import ast, json, sys
out = []
for path in json.load(open(sys.argv[1])):
    try:
        tree = ast.parse(open(path, "rb").read())
    except (SyntaxError, ValueError):
        out.append(None)
        continue
    parents = {}
    for node in ast.walk(tree):
        for child in ast.iter_child_nodes(node):
            parents[child] = node
    imports, literals = [], []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imports += [["import", node.lineno, 0, a.name, []] for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            imports.append(["from", node.lineno, node.level, node.module or "", [a.name for a in node.names]])
        elif isinstance(node, ast.Call):
            f = node.func
            name = f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else None
            a = node.args[0] if node.args else None
            if name in ("import_module", "__import__") and isinstance(a, ast.Constant) and isinstance(a.value, str):
                level = len(a.value) - len(a.value.lstrip("."))
                imports.append(["call", node.lineno, level, a.value[level:], []])
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and not isinstance(parents.get(node), ast.JoinedStr):
            literals.append(node.value)
    out.append({"imports": imports, "literals": literals})
json.dump(out, open(sys.argv[2], "w"))
`;

type Ref = [string, number, number, string, string[]];
const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

/** Python's answer for each file: undefined where ast refuses the file. */
async function reference(files: string[]): Promise<({ imports: Ref[]; literals: string[] } | null)[]> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "lpp-imports-"));
  dirs.push(dir);
  writeFileSync(path.join(dir, "files.json"), JSON.stringify(files));
  writeFileSync(path.join(dir, "ref.py"), REFERENCE);
  execFileSync(PY!, ["-I", "-S", path.join(dir, "ref.py"), path.join(dir, "files.json"), path.join(dir, "out.json")]);
  return JSON.parse(readFileSync(path.join(dir, "out.json"), "utf8"));
}

const canonical = (refs: Ref[]) => refs.map((r) => JSON.stringify(r)).sort();
function ours(text: string): { imports: string[]; literals: Set<string> } {
  const scan = scanSource(text);
  return {
    imports: canonical(scan.imports.map((r) => [r.kind, r.line, r.level, r.module, r.names])),
    literals: new Set(scan.literals),
  };
}

/** mulberry32: the same sources on every run. */
function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const NAMES = ["numpy", "pkg", "_core", "tests", "testing", "a", "b_2", "x", "ünï"];
function source(random: () => number): string {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
  const name = () => pick(NAMES);
  const dottedName = () =>
    Array.from({ length: 1 + Math.floor(random() * 3) }, name)
      .join(".")
      .replace(/^\d/, "_");
  const dots = () => ".".repeat(Math.floor(random() * 4));
  const q = () => pick(["'", '"']);
  const pieces: (() => string)[] = [
    () => `import ${dottedName()}${random() < 0.3 ? ` as ${name()}` : ""}, ${dottedName()}`,
    () => `from ${dots()}${dottedName()} import ${name()} as ${name()}, ${name()}`,
    () => `from ${dots() || "."} import (\n    ${name()},  # import ${name()}\n    ${name()} as ${name()},\n)`,
    () => `from ${dottedName()} import *`,
    () => `import \\\n    ${dottedName()}`,
    () => `if x: import ${dottedName()}; from . import ${name()}`,
    () => `try:\n    import ${dottedName()}\nexcept ImportError:\n    ${name()} = None`,
    () => `def f():\n    yield from ${name()}\n    raise E from ${name()}\n    import ${dottedName()}`,
    () =>
      `m = importlib.import_module(${q()}${dots()}${dottedName()}${q()[0]}${random() < 0.5 ? ", __package__" : ""})`.replace(
        /(['"])([^'"]*)(['"])/,
        "$1$2$1",
      ),
    () => `m = __import__('${dottedName()}', fromlist=['x'])`,
    () => `def import_module(name="x"):\n    return __import__ (name)`,
    () => `s = ${q()}import ${dottedName()}${q()}`.replace(/(['"])(import [^'"]*)(['"])/, "$1$2$1"),
    () => `s = """\nfrom ${dottedName()} import x\n'''still inside'''\n"""`,
    () => `s = r'\\\\' + "\\\\" + 'it\\'s' + "\\x41\\u00e9\\t"`,
    () => `# import ${dottedName()}`,
    () => `s = f"{d["key"]} {x!r:>{w}} {'import y'} {__import__('${dottedName()}')}"`,
    () => `s = f'{{import z}} {f"{x}" + f'{y:{z}}'}' 'joined'`,
    () => `s = rb"\\d" b'import q' + u"u" F"{x=}" Rf"\\{x}"`,
    () => `data = open(os.path.join(os.path.dirname(__file__), "${name()}", "${name()}.json"))`,
    () => `x = [\n    1,\n    2]  ; import ${dottedName()}`,
    () => `class C:\n    def __import__(self):\n        pass\n    v = 1e-5 + 0x1F + 1_000j`,
    () => `lam = lambda: __import__("${dottedName()}")`,
    () => `@dec(${q()}x${q()})\ndef g(): pass`.replace(/(['"])x(['"])/, "$1x$1"),
  ];
  return `${Array.from({ length: 6 + Math.floor(random() * 10) }, () => pick(pieces)()).join("\n")}\n`;
}

describe("the import scanner against CPython's ast", () => {
  it("agrees on 400 generated sources", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "lpp-imports-gen-"));
    dirs.push(dir);
    const random = rng(26);
    const texts = Array.from({ length: 400 }, () => source(random));
    const files = texts.map((t, i) => {
      const f = path.join(dir, `m${i}.py`);
      writeFileSync(f, t);
      return f;
    });
    const ref = await reference(files);
    // the generator writes valid Python: a file ast refuses is the generator's bug
    expect(ref.filter((r) => r === null)).toEqual([]);
    texts.forEach((text, i) => {
      const mine = ours(text);
      expect({ file: i, imports: mine.imports }).toEqual({ file: i, imports: canonical(ref[i]!.imports) });
      for (const l of ref[i]!.literals)
        expect({ file: i, literal: l, found: mine.literals.has(l) }).toMatchObject({ found: true });
    });
  });

  it("agrees on 600 modules of a standard library, chosen by a seed", { timeout: 120_000 }, async () => {
    const lib = execFileSync(PY!, ["-I", "-S", "-c", "import os; print(os.path.dirname(os.__file__))"], {
      encoding: "utf8",
    }).trim();
    const files: string[] = [];
    const walk = (d: string) => {
      for (const e of readdirSync(d, { withFileTypes: true })) {
        const p = path.join(d, e.name);
        if (e.isDirectory() && e.name !== "site-packages") walk(p);
        else if (e.name.endsWith(".py")) files.push(p);
      }
    };
    walk(lib);
    expect(files.length).toBeGreaterThan(1000);
    // a sample: ast over all of it takes half a minute on a busy machine
    const random = rng(Number(process.env.LPP_SEED ?? 26));
    const sample = files
      .sort()
      .map((f) => ({ f, k: random() }))
      .sort((a, b) => a.k - b.k)
      .slice(0, 600)
      .map((x) => x.f);
    files.splice(0, files.length, ...sample);
    const ref = await reference(files);
    let compared = 0;
    const differ: string[] = [];
    files.forEach((f, i) => {
      const r = ref[i];
      if (!r) return; // Python 2 files and deliberate syntax errors in the test suite
      compared++;
      let text: string;
      try {
        text = new TextDecoder("utf-8", { fatal: true }).decode(readFileSync(f));
      } catch {
        return; // a latin-1 coding cookie: ast read it in its declared encoding
      }
      const mine = ours(text);
      if (JSON.stringify(mine.imports) !== JSON.stringify(canonical(r.imports))) differ.push(f);
      // a \N{NAME} escape needs Unicode's name table: the scanner leaves such a literal out
      else if (!text.includes("\\N{") && r.literals.some((l) => !mine.literals.has(l))) differ.push(`${f} (literals)`);
    });
    expect(compared).toBeGreaterThan(500);
    expect(differ).toEqual([]);
  });
});
