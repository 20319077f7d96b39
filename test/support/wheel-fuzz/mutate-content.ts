/**
 * Mutations of a wheel's files, before they are zipped: RECORD (digest encodings, lies,
 * missing and extra rows, sizes), WHEEL (versions, headers, encodings), entry_points.txt
 * (scripts without a callable, odd names and lines), .data (every scheme, unknown ones,
 * pip --target's lib/ leftovers, a foreign folder), names (too long for Linux, a file that is
 * also a folder, what cleanTree removes, paths out of the root), modes, and the dist-info
 * folder itself. Each is a decision pip makes on install that the action's unpacker must
 * make the same way, or hand to pip.
 */
import { createHash } from "node:crypto";
import { refreshRecord } from "./model.ts";
import type { ModelFile, Mutation, Rng, WheelModel } from "./types.ts";

const text = (s: string) => Buffer.from(s);
const file = (name: string, data: Buffer | string, mode = 0o100644, method: 0 | 8 = 8): ModelFile => ({
  name,
  data: typeof data === "string" ? text(data) : data,
  mode,
  method,
});

/** A package file (not dist-info), to rename or change. */
const packageFile = (wheel: WheelModel, rng: Rng): ModelFile | undefined => {
  const own = wheel.files.filter((f) => !f.name.startsWith(`${wheel.distInfo}/`));
  return own.length > 0 ? rng.pick(own) : undefined;
};

const distInfoFile = (wheel: WheelModel, name: string) =>
  wheel.files.find((f) => f.name === `${wheel.distInfo}/${name}`);

/** Replaces (or adds, before RECORD) the dist-info file `name`; undefined data removes it. */
function setDistInfo(wheel: WheelModel, name: string, data: Buffer | undefined): void {
  const full = `${wheel.distInfo}/${name}`;
  const at = wheel.files.findIndex((f) => f.name === full);
  if (data === undefined) {
    if (at >= 0) wheel.files.splice(at, 1);
    return;
  }
  if (at >= 0) wheel.files[at] = { ...wheel.files[at]!, data };
  else wheel.files.splice(Math.max(0, wheel.files.length - 1), 0, file(full, data));
}

/** A change to the files, RECORD then rewritten to match them. */
const files = (name: string, apply: (wheel: WheelModel, rng: Rng) => void): Mutation => ({
  stage: "content",
  name,
  apply: (wheel, rng) => {
    apply(wheel, rng);
    refreshRecord(wheel);
  },
});

/** A change to RECORD's rows (after it was written for the files as they are). */
const record = (name: string, edit: (rows: string[][], wheel: WheelModel, rng: Rng) => string[][]): Mutation => ({
  stage: "content",
  name,
  apply: (wheel, rng) => {
    refreshRecord(wheel);
    const current = distInfoFile(wheel, "RECORD")!;
    const rows = current.data
      .toString()
      .split("\n")
      .filter((l) => l !== "")
      .map((l) => l.split(","));
    const edited = edit(rows, wheel, rng);
    setDistInfo(wheel, "RECORD", text(`${edited.map((r) => r.join(",")).join(rng.chance(0.3) ? "\r\n" : "\n")}\n`));
  },
});

/** A row of a file's digest (not RECORD's own row). */
const hashedRows = (rows: string[][]) => rows.filter((r) => (r[1] ?? "") !== "");

const digestOf = (wheel: WheelModel, path: string) => {
  const f = wheel.files.find((x) => x.name === path);
  return createHash("sha256")
    .update(f?.data ?? Buffer.alloc(0))
    .digest();
};

const RECORD: Mutation[] = [
  record("record-hex", (rows, wheel, rng) => {
    for (const r of hashedRows(rows)) {
      if (rng.chance(0.7)) r[1] = `sha256=${digestOf(wheel, r[0]!).toString("hex")}`;
    }
    return rows;
  }),
  record("record-padded-base64", (rows, wheel) => {
    for (const r of hashedRows(rows)) r[1] = `sha256=${digestOf(wheel, r[0]!).toString("base64")}`;
    return rows;
  }),
  record("record-algorithm", (rows, wheel, rng) => {
    const r = rng.pick(hashedRows(rows));
    const algorithm = rng.pick(["sha512", "sha384", "md5", "SHA256", "sha1"]);
    const digest = createHash(algorithm.toLowerCase())
      .update(wheel.files.find((f) => f.name === r[0])?.data ?? Buffer.alloc(0))
      .digest("base64url");
    r[1] = `${algorithm}=${digest}`;
    return rows;
  }),
  record("record-lie", (rows, _wheel, rng) => {
    const r = rng.pick(hashedRows(rows));
    r[1] = `sha256=${createHash("sha256").update(rng.bytes(8)).digest("base64url")}`;
    return rows;
  }),
  record("record-size", (rows, _wheel, rng) => {
    const r = rng.pick(hashedRows(rows));
    r[2] = rng.pick(["", "x", String(Number(r[2]) + 1), " 12", "-1", "1e3", String(r[2])]);
    return rows;
  }),
  record("record-row-missing", (rows, _wheel, rng) => {
    rows.splice(rows.indexOf(rng.pick(hashedRows(rows))), 1);
    return rows;
  }),
  record("record-extra-row", (rows, _wheel, rng) => {
    const path = rng.pick(["../../../etc/x", "../../bin/ghost", "ghost.py", "/abs/x", "a\\b.py", "x/../y.py"]);
    rows.splice(rng.int(rows.length), 0, [path, `sha256=${createHash("sha256").digest("base64url")}`, "0"]);
    return rows;
  }),
  record("record-extra-cells", (rows, _wheel, rng) => {
    rng.pick(rows).push("extra");
    return rows;
  }),
  record("record-no-hash", (rows, _wheel, rng) => {
    const r = rng.pick(hashedRows(rows));
    r[1] = "";
    return rows;
  }),
  record("record-quoted", (rows, _wheel, rng) => {
    const r = rng.pick(rows);
    r[0] = `"${r[0]}"`;
    return rows;
  }),
  {
    stage: "content",
    name: "record-missing",
    apply: (wheel) => setDistInfo(wheel, "RECORD", undefined),
  },
  {
    stage: "content",
    name: "record-not-utf8",
    apply: (wheel) => {
      refreshRecord(wheel);
      const r = distInfoFile(wheel, "RECORD")!;
      setDistInfo(wheel, "RECORD", Buffer.concat([r.data, Buffer.from([0xff, 0xfe, 0x0a])]));
    },
  },
];

const WHEEL_TEXTS = [
  "Wheel-Version: 2.0\n",
  "Wheel-Version: 0.9\n",
  "Wheel-Version: 1.9\n",
  "Wheel-Version: 1\n",
  "Wheel-Version: 1.0.0\n",
  "Wheel-Version: 1.a\n",
  "Wheel-Version:  1.0  \n",
  "wheel-version: 1.0\n",
  "Generator: x\n",
  "Wheel-Version: 1.0\nWheel-Version: 2.0\n",
  "Wheel-Version: 2.0\nWheel-Version: 1.0\n",
  "Wheel-Version:\n 1.0\n",
  "\uFEFFWheel-Version: 1.0\n",
  "Generator: x\n\nWheel-Version: 1.0\n",
  "no header line\nWheel-Version: 1.0\n",
  "Wheel-Version: \u0661.0\n",
];

const WHEEL: Mutation[] = [
  files("wheel-version", (wheel, rng) => {
    setDistInfo(wheel, "WHEEL", text(`${rng.pick(WHEEL_TEXTS)}Root-Is-Purelib: true\nTag: py3-none-any\n`));
  }),
  files("wheel-not-utf8", (wheel) => {
    setDistInfo(wheel, "WHEEL", Buffer.from("Wheel-Version: 1.0\nGenerator: caf\xe9\n", "latin1"));
  }),
  files("wheel-missing", (wheel) => setDistInfo(wheel, "WHEEL", undefined)),
  files("metadata-missing", (wheel) => setDistInfo(wheel, "METADATA", undefined)),
  files("metadata-not-utf8", (wheel) => {
    const m = distInfoFile(wheel, "METADATA");
    if (m) setDistInfo(wheel, "METADATA", Buffer.concat([m.data, Buffer.from("Summary: caf\xe9\n", "latin1")]));
  }),
];

const ENTRY_LINES = [
  "tool = {pkg}:main",
  "tool = {pkg}",
  "tool = {pkg}.m0",
  "tool={pkg}:main",
  "tool = {pkg}:main [extra]",
  "tool = {pkg}:",
  "tool = :main",
  "tool = {pkg}:main.attr",
  "tool = {pkg} : main",
  "../tool = {pkg}:main",
  ".tool = {pkg}:main",
  "to ol = {pkg}:main",
  "tool",
  "= {pkg}:main",
  "tool = {pkg}:main\ntool = {pkg}:other",
  "tool = {pkg}-x:main",
  "; comment",
  "# comment",
];

const ENTRY_POINTS: Mutation[] = [
  files("entry-points", (wheel, rng) => {
    const lines: string[] = [];
    for (let i = 1 + rng.int(3); i > 0; i--) {
      const group = rng.pick(["console_scripts", "gui_scripts", "pytest11", "console_scripts ", "distutils.commands"]);
      if (rng.chance(0.9)) lines.push(`[${group}]`);
      for (let j = 1 + rng.int(2); j > 0; j--) lines.push(rng.pick(ENTRY_LINES).replaceAll("{pkg}", wheel.name));
    }
    setDistInfo(wheel, "entry_points.txt", text(`${lines.join(rng.chance(0.2) ? "\r\n" : "\n")}\n`));
  }),
  files("entry-points-not-utf8", (wheel) => {
    setDistInfo(wheel, "entry_points.txt", Buffer.from(`[console_scripts]\ncaf\xe9 = ${wheel.name}:main\n`, "latin1"));
  }),
];

const DATA: Mutation[] = [
  files("data-scheme", (wheel, rng) => {
    const data = wheel.distInfo.replace(/\.dist-info$/, ".data");
    const scheme = rng.pick(["purelib", "platlib", "data", "scripts", "headers", "lib", "Purelib", "include"]);
    const inner = rng.pick([
      "extra.py",
      `${wheel.name}/more.py`,
      "share/x.txt",
      "lib/libx.so",
      "li/x",
      "lib/python/x.py",
      "libs/x",
      "bin/tool",
      "include/python/x.h",
      "x.h",
      "sub/dir/file.bin",
    ]);
    wheel.files.splice(
      1,
      0,
      file(`${data}/${scheme}/${inner}`, rng.bytes(rng.int(200)), rng.pick([0o100644, 0o100755])),
    );
  }),
  files("data-foreign", (wheel, rng) => {
    const folder = rng.pick(["other-1.0.data", `${wheel.name}.data`, `${wheel.name}-9.9.data`, ".data"]);
    wheel.files.splice(1, 0, file(`${folder}/purelib/foreign.py`, "x = 1\n"));
  }),
  files("data-shallow", (wheel) => {
    const data = wheel.distInfo.replace(/\.dist-info$/, ".data");
    wheel.files.splice(1, 0, file(`${data}/purelib`, "x = 1\n"));
  }),
  files("data-over-root", (wheel) => {
    // the same installed path from the root and from .data/purelib
    const data = wheel.distInfo.replace(/\.dist-info$/, ".data");
    wheel.files.splice(1, 0, file(`${data}/purelib/${wheel.name}/__init__.py`, "V = 2\n"));
  }),
];

const NAMES: Mutation[] = [
  files("name-long-component", (wheel, rng) => {
    const length = rng.pick([250, 255, 256, 300]);
    wheel.files.splice(1, 0, file(`${wheel.name}/${"n".repeat(length - 3)}.py`, "x = 1\n", 0o100644, rng.pick([0, 8])));
  }),
  files("name-long-multibyte", (wheel) => {
    wheel.files.splice(1, 0, file(`${wheel.name}/${"\u00e9".repeat(128)}`, "x = 1\n"));
  }),
  files("name-long-path", (wheel, rng) => {
    const depth = rng.pick([15, 19, 20, 21, 25]);
    const deep = Array.from({ length: depth }, (_, i) => `${i}${"d".repeat(198)}`).join("/");
    wheel.files.splice(1, 0, file(`${wheel.name}/${deep}/x.py`, "x = 1\n"));
  }),
  files("name-file-and-folder", (wheel, rng) => {
    const f = packageFile(wheel, rng);
    if (f) wheel.files.splice(1, 0, file(`${f.name}/${rng.pick(["inside.py", "a/b.txt"])}`, "x = 1\n"));
  }),
  files("name-cleaned", (wheel, rng) => {
    const name = rng.pick([
      "bin/tool",
      `${wheel.name}/__pycache__/m.cpython-312.pyc`,
      `${wheel.name}/old.pyc`,
      "include/python/x.h",
      "include/other.h",
      `${wheel.name}/bin/kept.py`,
    ]);
    wheel.files.splice(1, 0, file(name, rng.bytes(20)));
  }),
  files("name-outside", (wheel, rng) => {
    const name = rng.pick([`${wheel.name}/../../evil.py`, "/abs.py", `${wheel.name}\\win.py`, `./${wheel.name}/x.py`]);
    wheel.files.splice(1, 0, file(name, "x = 1\n"));
  }),
  files("name-non-ascii", (wheel, rng) => {
    const f = packageFile(wheel, rng);
    if (f) f.name = f.name.replace(/\.py$/, rng.pick(["_caf\u00e9.py", "_\u65e5\u672c.py", "_\u{1f600}.py"]));
  }),
  files("dist-info-second", (wheel, rng) => {
    const name = rng.pick(["other-1.0.dist-info/METADATA", "stray.dist-info", `${wheel.name}-0.1.dist-info/x`]);
    wheel.files.splice(1, 0, file(name, "x"));
  }),
  files("dist-info-renamed", (wheel, rng) => {
    const renamed = rng.pick([
      `${wheel.name}x-${wheel.version}.dist-info`,
      `${wheel.name.toUpperCase()}-${wheel.version}.dist-info`,
      `${wheel.name}-9.9.dist-info`,
      `${wheel.name}.dist-info`,
    ]);
    for (const f of wheel.files) {
      if (f.name.startsWith(`${wheel.distInfo}/`)) f.name = renamed + f.name.slice(wheel.distInfo.length);
    }
    wheel.distInfo = renamed;
  }),
];

const MODES: Mutation[] = [
  files("mode", (wheel, rng) => {
    const f = packageFile(wheel, rng);
    if (f)
      f.mode = rng.pick([
        0o100755, 0o100700, 0o100001, 0o100644, 0o000755, 0o120777, 0o104755, 0o040755, 0o010644, 0o60755, 0,
      ]);
  }),
  files("empty-file", (wheel, rng) => {
    const f = packageFile(wheel, rng);
    if (f) f.data = Buffer.alloc(0);
  }),
];

export const CONTENT_MUTATIONS: readonly Mutation[] = [
  ...RECORD,
  ...WHEEL,
  ...ENTRY_POINTS,
  ...DATA,
  ...NAMES,
  ...MODES,
];
