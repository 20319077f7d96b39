/**
 * The import graph of our own sources and its circles. A circle (a.ts imports b.ts,
 * which imports a.ts, directly or through others) blurs which file stands on which;
 * test/import-cycles.test.ts keeps the code free of them, and
 * `node scripts/import-cycles.mjs` prints the ones there are.
 *
 * Every import counts, `import type` too: a type two files share belongs to a third
 * both import, or to the lower of the two. Only relative specifiers are edges (packages
 * cannot import us back). The sources are read as text, not compiled: an import is a
 * statement that starts a line (`import`/`export ... from "./x"`, `import "./x"`) or an
 * `import("./x")` call, so an import written inside a comment or a string that starts a
 * line would count too (none does; such a false edge shows in the message).
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
/** the folders whose files may not import in a circle */
export const CHECKED_DIRS = ["src", "devtools", "bench", "scripts"];

const SOURCE = /\.(ts|mts|mjs|js)$/;
const SKIPPED_DIRS = new Set(["node_modules", "results", "license-texts"]);

const STATIC =
  /^[ \t]*(?:import|export)\s+(?:type\s+)?(?:[\w$]+\s*,\s*)?(?:\*\s*(?:as\s+[\w$]+\s*)?|\{[^}]*\}\s*|[\w$]+\s+)from\s*(["'])([^"'\n]+)\1/gm;
const BARE = /^[ \t]*import\s*(["'])([^"'\n]+)\1/gm;
const DYNAMIC = /\bimport\(\s*(["'])([^"'\n]+)\1\s*\)/g;

/** The module specifiers a source text imports, in order of appearance per kind. */
export function importSpecifiers(text) {
  const found = [];
  for (const pattern of [STATIC, BARE, DYNAMIC]) {
    for (const m of text.matchAll(pattern)) found.push(m[2]);
  }
  return found;
}

/** The file a relative specifier names, or undefined (a package, or a file that is not there). */
export function resolveSpecifier(fromFile, specifier, exists = isFile) {
  if (!specifier.startsWith("./") && !specifier.startsWith("../")) return undefined;
  const base = path.resolve(path.dirname(fromFile), specifier);
  // TypeScript lets `./x.js` name `./x.ts`
  const candidates = [base, base.replace(/\.js$/, ".ts"), base.replace(/\.mjs$/, ".mts"), `${base}.ts`];
  return candidates.find((c) => exists(c));
}

function isFile(file) {
  return existsSync(file) && statSync(file).isFile();
}

function sourceFiles(dir) {
  const files = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!SKIPPED_DIRS.has(entry.name) && !entry.name.startsWith(".")) files.push(...sourceFiles(full));
    } else if (SOURCE.test(entry.name)) files.push(full);
  }
  return files;
}

/**
 * The graph of the files under `dirs` (relative to `root`): each file, repo-relative with
 * "/" separators, to the files it imports. An import of a file outside `dirs` (test/
 * support, say) is kept as an edge, so a circle through it still shows.
 */
export function importGraph(root = REPO, dirs = CHECKED_DIRS) {
  const graph = new Map();
  const rel = (file) => path.relative(root, file).split(path.sep).join("/");
  const pending = dirs.flatMap((d) => (existsSync(path.join(root, d)) ? sourceFiles(path.join(root, d)) : []));
  while (pending.length > 0) {
    const file = pending.pop();
    if (graph.has(rel(file))) continue;
    const targets = new Set();
    for (const specifier of importSpecifiers(readFileSync(file, "utf8"))) {
      const target = resolveSpecifier(file, specifier);
      if (
        !target ||
        path.relative(root, target).startsWith("..") ||
        target.includes(`${path.sep}node_modules${path.sep}`)
      )
        continue;
      targets.add(rel(target));
      pending.push(target);
    }
    graph.set(rel(file), [...targets].sort());
  }
  return graph;
}

/**
 * Every circle, one per strongly connected component of two or more files (or a file
 * importing itself), as a path that ends where it starts: ["a.ts", "b.ts", "a.ts"].
 * Tarjan's algorithm, iterative, so a deep chain of imports cannot overflow the stack.
 */
export function findCycles(graph) {
  const index = new Map();
  const low = new Map();
  const onStack = new Set();
  const stack = [];
  const components = [];
  let counter = 0;
  const nodes = [...graph.keys()].sort();
  for (const start of nodes) {
    if (index.has(start)) continue;
    const work = [[start, 0]];
    index.set(start, counter);
    low.set(start, counter++);
    stack.push(start);
    onStack.add(start);
    while (work.length > 0) {
      const frame = work[work.length - 1];
      const [node, i] = frame;
      const next = (graph.get(node) ?? [])[i];
      if (next !== undefined) {
        frame[1]++;
        if (!index.has(next)) {
          index.set(next, counter);
          low.set(next, counter++);
          stack.push(next);
          onStack.add(next);
          work.push([next, 0]);
        } else if (onStack.has(next)) low.set(node, Math.min(low.get(node), index.get(next)));
        continue;
      }
      work.pop();
      if (work.length > 0) {
        const parent = work[work.length - 1][0];
        low.set(parent, Math.min(low.get(parent), low.get(node)));
      }
      if (low.get(node) === index.get(node)) {
        const component = [];
        let member;
        do {
          member = stack.pop();
          onStack.delete(member);
          component.push(member);
        } while (member !== node);
        const selfLoop = (graph.get(node) ?? []).includes(node);
        if (component.length > 1 || selfLoop) components.push(new Set(component));
      }
    }
  }
  return components.map((component) => circleIn(graph, component)).sort((a, b) => a[0].localeCompare(b[0]));
}

/** A shortest circle through the component's first file (by name), found breadth first within it. */
function circleIn(graph, component) {
  const start = [...component].sort()[0];
  const from = new Map([[start, undefined]]);
  const queue = [start];
  for (let head = 0; head < queue.length; head++) {
    const node = queue[head];
    for (const next of graph.get(node) ?? []) {
      if (!component.has(next)) continue;
      if (next === start) {
        const back = [start];
        for (let at = node; at !== start; at = from.get(at)) back.push(at);
        return [start, ...back.slice(1).reverse(), start];
      }
      if (!from.has(next)) {
        from.set(next, node);
        queue.push(next);
      }
    }
  }
  return [start, start];
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const cycles = findCycles(importGraph());
  for (const cycle of cycles) console.log(cycle.join(" → "));
  console.log(`${cycles.length} import circle(s) in ${CHECKED_DIRS.join(", ")}`);
  process.exitCode = cycles.length > 0 ? 1 : 0;
}
