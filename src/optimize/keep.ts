/**
 * What slim must keep back: of the files its patterns would remove, every module a shipped
 * module imports (with the `__init__` of each package on the way, as importing runs them),
 * transitively through what is kept back, and every data file a shipped module names in a
 * string literal. numpy's `testing` imports `numpy._core.tests._natype`; a package may read
 * `tests/data/table.json` at import. Pure: the sources come from `read`.
 *
 * What it cannot see: a module name or file path built at run time (`import_module(name)`,
 * a folder listed and globbed, a path joined in another module than the one that names
 * the file). Those need `slim-keep`; the import check names the line when it fails.
 */
import { type ImportRef, type SourceScan, scanSource } from "./imports.ts";

export interface KeptBack {
  path: string;
  /** the shipped file whose import or literal needs it */
  by: string;
  line?: number;
  /** the module it imports, or the literal naming the file */
  name: string;
  how: "imports" | "reads";
}

export interface KeepInput {
  /** every file of the tree and of the function code, by path ("/"-separated, relative to the root) */
  files: readonly string[];
  /** the files slim's patterns would remove */
  candidates: ReadonlySet<string>;
  /** a source's text, or undefined when it cannot be read */
  read: (path: string) => Promise<string | undefined>;
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** `pkg/mod.py` → pkg.mod, `pkg/__init__.py` → pkg, `pkg/_ext.cpython-312-x86_64-linux-gnu.so` → pkg._ext */
export function moduleOf(file: string): string | undefined {
  const m = /^(.*?)(?:\.py|(?:\.[A-Za-z0-9_-]+)?\.so)$/.exec(file);
  if (!m) return undefined;
  const parts = m[1]!.split("/");
  if (parts[parts.length - 1] === "__init__" && file.endsWith(".py")) parts.pop();
  if (parts.length === 0 || !parts.every((p) => IDENTIFIER.test(p))) return undefined;
  return parts.join(".");
}

/** The package a relative import in `file` starts from: the module itself for an `__init__`. */
function packageOf(file: string): string[] {
  const parts = file.split("/");
  parts.pop();
  return parts;
}

/** The modules a reference names, absolute: each package on the way, then the module, then `from`'s names. */
export function namedModules(ref: ImportRef, file: string): string[] {
  let base: string[];
  if (ref.level === 0) base = ref.module ? ref.module.split(".") : [];
  else {
    const pkg = packageOf(file);
    if (ref.level - 1 > pkg.length) return [];
    base = [...pkg.slice(0, pkg.length - (ref.level - 1)), ...(ref.module ? ref.module.split(".") : [])];
  }
  const names = base.map((_, i) => base.slice(0, i + 1).join("."));
  if (ref.kind === "from") {
    for (const n of ref.names) if (n !== "*") names.push([...base, n].join("."));
  }
  return names;
}

/** A literal that may name a file: short, one line, ending in a name with an extension or a path. */
function pathSegments(literal: string): string[] | undefined {
  if (literal.length > 300 || /[\n\r\0]/.test(literal)) return undefined;
  const segments = literal.split(/[\\/]+/).filter((s) => s !== "" && s !== ".");
  return segments.length > 0 ? segments : undefined;
}

const add = (map: Map<string, string[]>, key: string, file: string) => {
  const list = map.get(key);
  if (list) list.push(file);
  else map.set(key, [file]);
};

/** Candidates by module name, by file name and by the folders they lie in (data files). */
function indexCandidates(files: readonly string[], candidates: ReadonlySet<string>) {
  const modules = new Map<string, string[]>();
  const byFile = new Map<string, string[]>();
  const byFolder = new Map<string, string[]>();
  for (const f of files) {
    if (!candidates.has(f)) continue;
    const mod = moduleOf(f);
    if (mod !== undefined) add(modules, mod, f);
    if (f.endsWith(".py")) continue;
    const parts = f.split("/");
    add(byFile, parts[parts.length - 1]!, f);
    for (const folder of new Set(parts.slice(1, -1))) add(byFolder, folder, f);
  }
  return { modules, byFile, byFolder };
}

/** Whether `segments` is the end of the path up to a component of `file` (the file itself, or a folder of it). */
function names(file: string, segments: string[]): boolean {
  const parts = file.split("/");
  for (let end = parts.length; end >= segments.length; end--) {
    if (parts[end - 1] !== segments[segments.length - 1]) continue;
    if (segments.every((s, k) => parts[end - segments.length + k] === s)) return true;
  }
  return false;
}

/**
 * The candidates kept back, each with the first reason found. Every shipped Python source
 * is read once, then each kept-back module in turn, so what they import is kept too.
 */
export async function keptByImports(input: KeepInput): Promise<KeptBack[]> {
  const { files, candidates } = input;
  const { modules, byFile, byFolder } = indexCandidates(files, candidates);
  const kept = new Map<string, KeptBack>();
  if (modules.size === 0 && byFile.size === 0) return [];
  const queue = files.filter((f) => !candidates.has(f) && f.endsWith(".py"));
  const keep = (path: string, reason: Omit<KeptBack, "path">) => {
    if (kept.has(path)) return;
    kept.set(path, { path, ...reason });
    if (path.endsWith(".py")) queue.push(path);
  };
  for (let i = 0; i < queue.length; i++) {
    const file = queue[i]!;
    const text = await input.read(file);
    if (text === undefined) continue;
    const scan: SourceScan = scanSource(text);
    for (const ref of scan.imports) {
      for (const name of namedModules(ref, file)) {
        for (const path of modules.get(name) ?? []) keep(path, { by: file, line: ref.line, name, how: "imports" });
      }
    }
    for (const literal of scan.literals) {
      const segments = pathSegments(literal);
      const last = segments?.[segments.length - 1];
      if (!segments || !last) continue;
      // a bare folder name ("tests", "data") is too common a word to keep a folder by
      const named = [...(byFile.get(last) ?? []), ...(segments.length > 1 ? (byFolder.get(last) ?? []) : [])];
      for (const path of named) {
        if (names(path, segments)) keep(path, { by: file, name: literal, how: "reads" });
      }
    }
  }
  return [...kept.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
