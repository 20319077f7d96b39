/**
 * The synthetic sets bench/optimize.ts measures, made here without the network. The
 * data-science one behaves like numpy + scipy + pandas + botocore where compile and slim
 * act: its test suites are about 30% of its bytes and other packages import from them
 * (dsnum's `testing` imports `dsnum._core.tests._natype`, dssci imports `dsnum.testing` as
 * it is imported, as scipy imports numpy.testing), its shared objects are built without
 * debug information (as wheels ship them: stripping only drops the symbol table), and its
 * bytecode is larger than its sources (docstrings, dense code), as real bytecode is.
 */
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { WheelFile } from "../devtools/pypi/wheel.ts";

export type Dist = { name: string; files: Record<string, WheelFile> };

/** A module shaped like library code: documented classes, comments, small functions. */
export function module(pkg: string, i: number): string {
  const lines = [`"""${pkg} module ${i}: numerical helpers."""`, "import math", ""];
  for (let k = 0; k < 25; k++) {
    lines.push(
      "# ---------------------------------------------------------------------------",
      `# Thing${k}: a scaled collection; the callers below rely on its total() only,`,
      "# so the values are scaled once, when it is made, and never again.",
      "# ---------------------------------------------------------------------------",
      `class Thing${k}:`,
      `    """A scaled collection of values, number ${k}.`,
      "",
      "    values : iterable of float, None entries skipped",
      '    """',
      `    scale = ${k + i}`,
      "",
      "    def __init__(self, values):",
      "        # keep only the values that are present, scaled once here",
      "        self.values = [v * self.scale for v in values if v is not None]",
      "",
      "    def total(self):",
      '        """The sum of the square roots of the absolute values."""',
      "        return sum(math.sqrt(abs(v)) for v in self.values)",
      "",
      "",
      `def helper_${k}(x, *, y=${k}):`,
      "    # a mapping the callers index by name",
      "    return {'x': x, 'y': y, 'z': [x + n for n in range(y)]}",
      "",
    );
  }
  return `${lines.join("\n")}\n`;
}

/** A shared object as wheels ship them: optimized, no debug information, a symbol table. */
export function sharedObject(work: string, functions: number): Buffer {
  const c = path.join(work, "ext.c");
  const body = Array.from(
    { length: functions },
    (_, i) =>
      `double f${i}(double x) { double s = 0; for (int k = 0; k < ${i + 3}; k++) { s += x * k + ${i}.5; if (s > ${i * 7 + 11}) s /= 3; } return s; }`,
  );
  writeFileSync(c, `${body.join("\n")}\n`);
  const out = path.join(work, "ext.so");
  execFileSync("gcc", ["-O2", "-shared", "-fPIC", "-o", out, c]);
  return readFileSync(out);
}

/**
 * One package of the data-science set: `modules` modules, its test suite (twice their
 * size, in `<pkg>/tests/` and `<pkg>/_core/tests/`), stubs, C sources and shared objects.
 */
function dataSciencePackage(pkg: string, modules: number, so: Buffer, imports: string[]): Record<string, WheelFile> {
  const files: Record<string, WheelFile> = {};
  const own = Array.from({ length: modules }, (_, i) => `from ${pkg} import m${i}`);
  files[`${pkg}/__init__.py`] =
    `${[...imports.map((m) => `import ${m}`), ...own, `from ${pkg} import _core`].join("\n")}\n`;
  files[`${pkg}/_core/__init__.py`] = "from . import _multiarray\n";
  files[`${pkg}/_core/_multiarray.py`] = module(`${pkg}_core`, 0);
  for (let i = 0; i < modules; i++) files[`${pkg}/m${i}.py`] = module(pkg, i);
  // the tests other packages import from, as numpy's testing imports numpy._core.tests._natype
  files[`${pkg}/_core/tests/__init__.py`] = "";
  files[`${pkg}/_core/tests/_natype.py`] = "class NAType:\n    pass\n\npd_NA = NAType()\n";
  files[`${pkg}/testing/__init__.py`] = `from ${pkg}._core.tests._natype import pd_NA\n`;
  for (let i = 0; i < modules; i++) {
    const where = i % 2 ? "tests" : "_core/tests";
    files[`${pkg}/${where}/test_m${i}.py`] = module(`${pkg}_tests`, i).repeat(2);
  }
  files[`${pkg}/tests/__init__.py`] = "";
  for (let i = 0; i < modules / 2; i++) files[`${pkg}/m${i}.pyi`] = "def helper_0(x: int) -> dict: ...\n".repeat(40);
  files[`${pkg}/src/core.c`] = "int core(void) { return 0; }\n".repeat(2000);
  // about half the set's bytes are shared objects, as in numpy + scipy + pandas
  const objects = Math.max(4, Math.round(modules / 2.5));
  for (let i = 0; i < objects; i++) files[`${pkg}/_ext${i}.cpython-312-x86_64-linux-gnu.so`] = so;
  return files;
}

/** dsnum, then dssci and dspandas, which import dsnum.testing while they are imported; dsboto pure. */
export function dataScienceSet(modules: number, so: Buffer): Dist[] {
  return [
    { name: "dsnum", files: dataSciencePackage("dsnum", modules, so, []) },
    { name: "dssci", files: dataSciencePackage("dssci", modules, so, ["dsnum.testing"]) },
    { name: "dspandas", files: dataSciencePackage("dspandas", modules, so, ["dsnum", "dsnum.testing"]) },
    {
      name: "dsboto",
      files: Object.fromEntries([
        ["dsboto/__init__.py", Array.from({ length: modules }, (_, i) => `from dsboto import m${i}`).join("\n")],
        ...Array.from({ length: modules }, (_, i) => [`dsboto/m${i}.py`, module("dsboto", i)]),
      ]),
    },
  ];
}

/** Pure packages, no tests, no shared objects: compile is what acts. */
export function webSet(modules: number): Dist[] {
  return ["webreq", "webpyd", "webpure1", "webpure2", "webpure3"].map((pkg) => {
    const files: Record<string, WheelFile> = {};
    files[`${pkg}/__init__.py`] =
      `${Array.from({ length: modules }, (_, i) => `from ${pkg} import m${i}`).join("\n")}\n`;
    for (let i = 0; i < modules; i++) files[`${pkg}/m${i}.py`] = module(pkg, i);
    return { name: pkg, files };
  });
}

function kindOf(name: string): string {
  if (/\/tests\//.test(name)) return "tests";
  if (name.endsWith(".pyi")) return "stubs";
  if (name.endsWith(".c")) return "C sources";
  if (name.endsWith(".so")) return "shared objects (gcc -O2, no debug information)";
  return "modules";
}

/** What a set holds, by the kind of file slim and compile act on. */
export function contents(dists: Dist[]) {
  const kinds: Record<string, { files: number; bytes: number }> = {};
  for (const d of dists) {
    for (const [name, file] of Object.entries(d.files)) {
      const kind = kindOf(name);
      const size = Buffer.byteLength(typeof file === "string" || Buffer.isBuffer(file) ? file : file.data);
      kinds[kind] ??= { files: 0, bytes: 0 };
      const k = kinds[kind];
      k.files++;
      k.bytes += size;
    }
  }
  return { distributions: dists.map((d) => d.name), kinds };
}
