import { createRequire as __lppCreateRequire } from 'node:module'; const require = __lppCreateRequire(import.meta.url);
import {
  compareDotted,
  glibcString,
  parseWheelFilename,
  wheelFits
} from "./chunk-QJVFUJPW.js";
import {
  LockfileLocator,
  checkCodeCollisions,
  checkDistributionCollisions,
  checkSizes,
  listSome,
  mapLimit,
  normalizeName
} from "./chunk-CYE4DHQG.js";
import {
  UserError
} from "./chunk-LYXEWKKS.js";
import {
  append
} from "./chunk-SJ6SIYOC.js";

// src/inspect/elf-bytes.ts
function handleReader(handle, size) {
  return async (offset, length) => {
    const len = Math.max(0, Math.min(length, size - offset));
    const buf = Buffer.alloc(len);
    let done = 0;
    while (done < len) {
      const { bytesRead } = await handle.read(buf, done, len - done, offset + done);
      if (bytesRead === 0) break;
      done += bytesRead;
    }
    return done === len ? buf : buf.subarray(0, done);
  };
}
var View = class {
  constructor(bytes, little) {
    this.bytes = bytes;
    this.little = little;
    this.dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  bytes;
  little;
  dv;
  u16(at) {
    return this.dv.getUint16(at, this.little);
  }
  u32(at) {
    return this.dv.getUint32(at, this.little);
  }
  u64(at) {
    const v = this.dv.getBigUint64(at, this.little);
    return v > BigInt(Number.MAX_SAFE_INTEGER) ? Number.NaN : Number(v);
  }
  /** an address/offset-sized field */
  word(at, is64) {
    return is64 ? this.u64(at) : this.u32(at);
  }
};
var Truncated = class extends Error {
};

// src/inspect/elf-verneed.ts
var MAX_NAME_BYTES = 4096;
var STRING_BLOCK = 4096;
var MAX_STRING_READ = 4 * 1024 * 1024;
var MAX_NAMES_TOTAL = 1024 * 1024;
var MAX_ENTRIES = 65536;
var ENTRY = 16;
function walkVerneed(table, count) {
  const len = table.bytes.length;
  const claimed = new Uint8Array(len);
  let entries = 0;
  const claim = (at2, what) => {
    if (at2 + ENTRY > len) throw new Truncated(`.gnu.version_r ${what} lies past the section's end`);
    if (claimed.subarray(at2, at2 + ENTRY).some((b) => b !== 0) || ++entries > MAX_ENTRIES) {
      throw new Truncated(
        `malformed version needs (.gnu.version_r): the ${what} at offset ${at2} overlaps another entry (the chain loops or entries share their bytes)`
      );
    }
    claimed.fill(1, at2, at2 + ENTRY);
  };
  const needs = [];
  const limit = count > 0 ? Math.min(count, MAX_ENTRIES) : MAX_ENTRIES;
  let at = 0;
  for (let i = 0; i < limit; i++) {
    claim(at, "entry");
    const vnCnt = table.u16(at + 2);
    const need = { file: table.u32(at + 4), versions: [] };
    let aux = at + table.u32(at + 8);
    for (let j = 0; j < vnCnt; j++) {
      claim(aux, "auxiliary entry");
      need.versions.push(table.u32(aux + 8));
      const next2 = table.u32(aux + 12);
      if (next2 === 0) break;
      aux += next2;
    }
    needs.push(need);
    const next = table.u32(at + 12);
    if (next === 0) break;
    at += next;
  }
  return needs;
}
async function resolveNames(offsets, strtab, needs) {
  for (const need of offsets) {
    const resolved = { file: await strtab.get(need.file), versions: [] };
    for (const v of need.versions) resolved.versions.push(await strtab.get(v));
    needs.push(resolved);
  }
}
var StringTable = class {
  constructor(read, base, length, what) {
    this.read = read;
    this.base = base;
    this.length = length;
    this.what = what;
  }
  read;
  base;
  length;
  what;
  blocks = /* @__PURE__ */ new Map();
  names = /* @__PURE__ */ new Map();
  readBytes = 0;
  keptBytes = 0;
  async get(offset) {
    const known = this.names.get(offset);
    if (known !== void 0) return known;
    if (offset >= this.length) throw new Truncated(`string offset ${offset} lies past the ${this.what}'s end`);
    const parts = [];
    let taken = 0;
    let pos = offset;
    for (; ; ) {
      const index = Math.floor(pos / STRING_BLOCK);
      const block = await this.block(index);
      const from = pos - index * STRING_BLOCK;
      const nul = block.indexOf(0, from);
      const piece = block.subarray(from, nul < 0 ? block.length : nul);
      parts.push(piece);
      taken += piece.length;
      if (taken > MAX_NAME_BYTES) {
        throw new Truncated(
          `malformed ${this.what}: the name at offset ${offset} is longer than ${MAX_NAME_BYTES} bytes`
        );
      }
      if (nul >= 0) break;
      if (block.length < STRING_BLOCK) throw new Truncated(`unterminated string in the ${this.what}`);
      pos = (index + 1) * STRING_BLOCK;
    }
    this.keptBytes += taken;
    if (this.keptBytes > MAX_NAMES_TOTAL) {
      throw new Truncated(`malformed ${this.what}: the version names add up to more than ${MAX_NAMES_TOTAL} bytes`);
    }
    const name = Buffer.concat(parts).toString("latin1");
    this.names.set(offset, name);
    return name;
  }
  async block(index) {
    const cached = this.blocks.get(index);
    if (cached) return cached;
    const start = index * STRING_BLOCK;
    const length = Math.min(STRING_BLOCK, this.length - start);
    this.readBytes += length;
    if (this.readBytes > MAX_STRING_READ) {
      throw new Truncated(`malformed ${this.what}: its names are spread over more than ${MAX_STRING_READ} bytes`);
    }
    const bytes = await this.read(this.base + start, length);
    if (bytes.length < length) throw new Truncated(`${this.what} is truncated`);
    const block = new Uint8Array(bytes);
    this.blocks.set(index, block);
    return block;
  }
};

// src/inspect/elf.ts
var EM_X86_64 = 62;
var EM_AARCH64 = 183;
var MACHINE_NAMES = {
  3: "x86 (i386, 32-bit)",
  8: "MIPS",
  20: "PowerPC",
  21: "PowerPC64",
  22: "s390x",
  40: "ARM (32-bit)",
  [EM_X86_64]: "x86_64",
  [EM_AARCH64]: "aarch64",
  243: "RISC-V",
  258: "LoongArch"
};
function machineName(machine) {
  return MACHINE_NAMES[machine] ?? `e_machine ${machine}`;
}
var ELF_MAGIC = [127, 69, 76, 70];
var SHT_GNU_VERNEED = 1879048190;
var PT_LOAD = 1;
var PT_DYNAMIC = 2;
var DT_STRTAB = 5;
var DT_STRSZ = 10;
var DT_VERNEED = 1879048190;
var DT_VERNEEDNUM = 1879048191;
var MAX_TABLE_BYTES = 4 * 1024 * 1024;
function hasElfMagic(bytes) {
  return bytes.length >= 4 && ELF_MAGIC.every((b, i) => bytes[i] === b);
}
function parseElfBytes(bytes) {
  return parseElf(async (offset, length) => bytes.subarray(offset, offset + length), bytes.length);
}
async function parseElf(read, size) {
  const ident = await read(0, 64);
  if (!hasElfMagic(ident)) return void 0;
  const info = { needs: [], highest: {} };
  const cls = ident[4];
  const data = ident[5];
  if (cls !== 1 && cls !== 2) return { ...info, problem: `invalid ELF class byte ${cls ?? "(missing)"}` };
  if (data !== 1 && data !== 2) return { ...info, problem: `invalid ELF byte-order byte ${data ?? "(missing)"}` };
  const is64 = cls === 2;
  const little = data === 1;
  const ehsize = is64 ? 64 : 52;
  if (ident.length < ehsize) return { ...info, problem: `truncated ELF header (${size} bytes)` };
  const h = new View(ident, little);
  info.header = { elfClass: is64 ? 64 : 32, littleEndian: little, machine: h.u16(18), type: h.u16(16) };
  const file = new ElfFile(read, size, is64, little, h);
  try {
    const tables = await file.versionTables();
    if (tables) await resolveNames(walkVerneed(tables.verneed, tables.count), tables.strtab, info.needs);
  } catch (error) {
    if (!(error instanceof Truncated || error instanceof RangeError)) throw error;
    info.problem = error instanceof Truncated ? error.message : "inconsistent offsets (reads past a table's end)";
  }
  summarize(info);
  return info;
}
var ElfFile = class {
  constructor(read, size, is64, little, h) {
    this.read = read;
    this.size = size;
    this.is64 = is64;
    this.little = little;
    this.h = h;
  }
  read;
  size;
  is64;
  little;
  h;
  /** The version needs and their string table, from the section headers, else from the program headers. */
  async versionTables() {
    const { is64, h } = this;
    const shoff = h.word(is64 ? 40 : 32, is64);
    const shentsize = h.u16(is64 ? 58 : 46);
    let shnum = h.u16(is64 ? 60 : 48);
    if (shoff !== 0) {
      if (shentsize < (is64 ? 64 : 40)) throw new Truncated(`invalid section header size ${shentsize}`);
      if (shnum === 0) {
        const first = await this.fetch(shoff, shentsize, "section header table");
        shnum = first.word(is64 ? 32 : 20, is64);
      }
      if (shnum * shentsize > MAX_TABLE_BYTES) throw new Truncated(`implausible section count ${shnum}`);
      return this.fromSections(await this.fetch(shoff, shnum * shentsize, "section header table"), shnum, shentsize);
    }
    return this.fromSegments();
  }
  async fetch(offset, length, what) {
    this.within(offset, length, what);
    const bytes = await this.read(offset, length);
    if (bytes.length < length) throw new Truncated(`${what} is truncated`);
    return new View(bytes, this.little);
  }
  /** Offsets and lengths come from the file: one that points outside it is refused before any read. */
  within(offset, length, what) {
    const { size } = this;
    if (!Number.isFinite(offset) || !Number.isFinite(length) || offset < 0 || length < 0 || offset + length > size) {
      throw new Truncated(`${what} lies outside the file (offset ${offset}, ${length} bytes, file ${size} bytes)`);
    }
  }
  /** The string table is only located here: its names are read one by one, where the entries point. */
  stringTable(offset, length, what) {
    this.within(offset, length, what);
    return new StringTable(this.read, offset, length, what);
  }
  async fromSections(table, shnum, shentsize) {
    const { is64 } = this;
    for (let i = 0; i < shnum; i++) {
      const at = i * shentsize;
      if (table.u32(at + 4) !== SHT_GNU_VERNEED) continue;
      const offset = table.word(at + (is64 ? 24 : 16), is64);
      const length = table.word(at + (is64 ? 32 : 20), is64);
      const link = table.u32(at + (is64 ? 40 : 24));
      const count = table.u32(at + (is64 ? 44 : 28));
      if (length > MAX_TABLE_BYTES) throw new Truncated(`implausible .gnu.version_r size ${length}`);
      if (link >= shnum) throw new Truncated(`.gnu.version_r links to section ${link} of ${shnum}`);
      const strAt = link * shentsize;
      const strOffset = table.word(strAt + (is64 ? 24 : 16), is64);
      const strLength = table.word(strAt + (is64 ? 32 : 20), is64);
      const verneed = await this.fetch(offset, length, ".gnu.version_r");
      const strtab = this.stringTable(strOffset, strLength, "string table of .gnu.version_r");
      return { verneed, count, strtab };
    }
    return void 0;
  }
  async fromSegments() {
    const { is64, size, h } = this;
    const phoff = h.word(is64 ? 32 : 28, is64);
    const phentsize = h.u16(is64 ? 54 : 42);
    const phnum = h.u16(is64 ? 56 : 44);
    if (phoff === 0 || phnum === 0) return void 0;
    if (phentsize < (is64 ? 56 : 32)) throw new Truncated(`invalid program header size ${phentsize}`);
    const ph = await this.fetch(phoff, phnum * phentsize, "program header table");
    const loads = [];
    let dynamic;
    for (let i = 0; i < phnum; i++) {
      const at = i * phentsize;
      const type = ph.u32(at);
      const offset = ph.word(at + (is64 ? 8 : 4), is64);
      const vaddr = ph.word(at + (is64 ? 16 : 8), is64);
      const filesz = ph.word(at + (is64 ? 32 : 16), is64);
      if (type === PT_LOAD) loads.push({ vaddr, offset, filesz });
      if (type === PT_DYNAMIC) dynamic = { offset, filesz };
    }
    if (!dynamic) return void 0;
    if (dynamic.filesz > MAX_TABLE_BYTES) throw new Truncated(`implausible dynamic segment size ${dynamic.filesz}`);
    const dyn = await this.fetch(dynamic.offset, dynamic.filesz, "dynamic segment");
    const entry = is64 ? 16 : 8;
    const values = /* @__PURE__ */ new Map();
    for (let at = 0; at + entry <= dyn.bytes.length; at += entry) {
      const tag = is64 ? dyn.u64(at) : dyn.u32(at);
      if (tag === 0) break;
      values.set(tag, dyn.word(at + entry / 2, is64));
    }
    const verneedAddr = values.get(DT_VERNEED);
    const strAddr = values.get(DT_STRTAB);
    if (verneedAddr === void 0) return void 0;
    if (strAddr === void 0) throw new Truncated("DT_VERNEED without DT_STRTAB");
    const toOffset = (addr, what) => {
      const seg = loads.find((s) => addr >= s.vaddr && addr < s.vaddr + s.filesz);
      if (!seg) throw new Truncated(`${what} address 0x${addr.toString(16)} is in no loaded segment`);
      return seg.offset + (addr - seg.vaddr);
    };
    const strOffset = toOffset(strAddr, "DT_STRTAB");
    const strLength = Math.min(values.get(DT_STRSZ) ?? size, size - strOffset);
    const verneedOffset = toOffset(verneedAddr, "DT_VERNEED");
    const count = values.get(DT_VERNEEDNUM) ?? 0;
    const verneed = await this.fetch(verneedOffset, Math.min(MAX_TABLE_BYTES, size - verneedOffset), "version needs");
    const strtab = this.stringTable(strOffset, strLength, "dynamic string table");
    return { verneed, count, strtab };
  }
};
var VERSION_NAME = /^([A-Z][A-Z0-9]*)_(\d+(?:\.\d+)*)$/;
function summarize(info) {
  for (const need of info.needs) {
    for (const name of need.versions) {
      const m = VERSION_NAME.exec(name);
      if (!m) continue;
      const [, family, version] = m;
      const current = info.highest[family];
      if (current === void 0 || compareDotted(version, current) > 0) info.highest[family] = version;
    }
  }
  info.glibc = info.highest.GLIBC;
}

// src/inspect/binaries.ts
function expectedMachine(target) {
  return target.machine === "aarch64" ? EM_AARCH64 : EM_X86_64;
}
function describeElfHeader(h) {
  return `a ${h.elfClass}-bit ${h.littleEndian ? "little" : "big"}-endian ELF for ${machineName(h.machine)} (e_machine ${h.machine})`;
}
function checkBinaries(scanned, distributions, target) {
  const byName = new Map(distributions.map((d) => [d.name, d]));
  const machine = expectedMachine(target);
  const ceiling = glibcString(target);
  const wrongMachine = /* @__PURE__ */ new Map();
  const tooNew = /* @__PURE__ */ new Map();
  const unreadable = [];
  const push = (map, dist, o) => {
    const list = map.get(dist) ?? [];
    list.push(o);
    map.set(dist, list);
  };
  for (const { file, elf } of scanned) {
    if (!elf) continue;
    const dist = file.distribution;
    const h = elf.header;
    if (!h) {
      unreadable.push(unreadableFinding(file.path, dist, byName.get(dist ?? ""), elf.problem ?? "unreadable header"));
      continue;
    }
    if (h.machine !== machine || h.elfClass !== 64 || !h.littleEndian) {
      push(wrongMachine, dist, { path: file.path, detail: describeElfHeader(h) });
      continue;
    }
    if (elf.glibc !== void 0 && compareDotted(elf.glibc, ceiling) > 0) {
      push(tooNew, dist, { path: file.path, detail: `GLIBC_${elf.glibc}`, glibc: elf.glibc });
    } else if (elf.problem) {
      unreadable.push(unreadableFinding(file.path, dist, byName.get(dist ?? ""), elf.problem));
    }
  }
  const findings = [];
  const owner = (dist) => {
    const d = dist === void 0 ? void 0 : byName.get(dist);
    return d ? `${d.name} ${d.version}` : dist ? dist : "no distribution (not listed in any RECORD)";
  };
  const on = `${target.runtime} ${target.architecture}`;
  for (const [dist, list] of sorted(wrongMachine)) {
    list.sort((a, b) => a.path.localeCompare(b.path));
    const [first, ...rest] = list;
    const more = rest.length ? `; ${rest.length} more ELF file${rest.length > 1 ? "s" : ""} in it ${rest.length > 1 ? "are" : "is"} not for ${target.machine} either: ${listSome(rest.map((o) => o.path))}` : "";
    findings.push({
      severity: "error",
      check: "elf-machine",
      distribution: dist,
      path: first.path,
      message: `${first.path} in ${owner(dist)} is ${first.detail}; ${on} runs 64-bit little-endian ${target.machine} (e_machine ${machine})${more}`,
      hint: `loading it fails with "invalid ELF header" or "wrong ELF class": reinstall for ${target.machine} (the installer must be given the target platform, not the runner's)`
    });
  }
  for (const [dist, list] of sorted(tooNew)) {
    list.sort((a, b) => compareDotted(b.glibc ?? "0", a.glibc ?? "0") || a.path.localeCompare(b.path));
    const [first, ...rest] = list;
    const more = rest.length ? `; ${rest.length} more shared object${rest.length > 1 ? "s" : ""} in it need${rest.length > 1 ? "" : "s"} more than glibc ${ceiling}: ${listSome(rest.map((o) => `${o.path} (${o.detail})`))}` : "";
    findings.push({
      severity: "error",
      check: "elf-glibc",
      distribution: dist,
      path: first.path,
      message: `${first.path} in ${owner(dist)} requires ${first.detail}; ${target.runtime} on ${target.os} has glibc ${ceiling}${more}`,
      hint: glibcHint(dist, target)
    });
  }
  return [...findings, ...unreadable];
}
function glibcHint(dist, target) {
  const ceiling = glibcString(target);
  const what = dist ? `pin ${dist} to an older version` : "use a build";
  const tag = `manylinux_${ceiling.replace(".", "_")}`;
  if (target.glibcCeiling[1] < 34) {
    return `${what} whose wheels are ${tag} or older (manylinux2014), or use python3.12 or newer (Amazon Linux 2023, glibc 2.34)`;
  }
  return `${what} whose wheels are ${tag} or older: no Lambda Python runtime has a newer glibc (a container image would)`;
}
function unreadableFinding(path, dist, d, problem) {
  return {
    severity: "warning",
    check: "elf-unreadable",
    distribution: dist,
    path,
    message: `${path}${d ? ` in ${d.name} ${d.version}` : ""} starts like an ELF file but could not be checked: ${problem}`,
    hint: "if Python loads this file it will fail; a truncated or corrupt download is the usual cause"
  };
}
function sorted(map) {
  return [...map].sort(([a], [b]) => (a ?? "~").localeCompare(b ?? "~"));
}

// src/inspect/layout.ts
import { posix } from "node:path";
var S_ISUID = 2048;
var S_ISGID = 1024;
var S_IWOTH = 2;
function checkLayout(tree, scanned) {
  const byName = new Map(tree.distributions.map((d) => [d.name, d]));
  const label = (dist) => {
    const d = dist === void 0 ? void 0 : byName.get(dist);
    return d ? ` (from ${d.name} ${d.version})` : dist ? ` (from ${dist})` : "";
  };
  const findings = [];
  const present = new Set(tree.files.map((f) => f.path));
  const heads = new Map(scanned.map((s) => [s.file.path, s.head]));
  for (const file of tree.files) {
    const base = posix.basename(file.path);
    if (base.startsWith("__editable__") || base.endsWith(".egg-link")) {
      findings.push({
        severity: "error",
        check: "layout",
        distribution: file.distribution,
        path: file.path,
        message: `${file.path}${label(file.distribution)} is left over from an editable install: it points at a checkout on the build machine, which is not in the zip`,
        hint: "install the project as a regular (non-editable) wheel: drop `-e`/editable entries from the lockfile"
      });
    } else if (base.endsWith(".pth")) {
      findings.push(pthFinding(heads.get(file.path) ?? "", file.path, file.distribution, label(file.distribution)));
    }
  }
  for (const dist of tree.distributions) {
    append(findings, editableDirectUrl(dist, present, heads));
    append(findings, recordEscapes(dist, present));
  }
  append(findings, outsideTree(tree, scanned, label));
  append(findings, permissionFindings(scanned));
  return findings;
}
function pthFinding(text, path, dist, from) {
  if (path.endsWith("-nspkg.pth")) {
    const namespaces = [...text.matchAll(/\*\(\s*((?:'[^']*'\s*,?\s*)+)\)/g)].map(
      (m) => [...(m[1] ?? "").matchAll(/'([^']*)'/g)].map((n) => n[1]).join(".")
    );
    const ns = [...new Set(namespaces)].sort();
    const what = ns.length ? `namespace package ${ns.join(", ")}` : "the namespace package it declares";
    return {
      severity: "warning",
      check: "layout",
      distribution: dist,
      path,
      message: `${path}${from} is a legacy namespace-package .pth file; Lambda does not process .pth files, so the ${what} will not import through it`,
      hint: "use a release of the package that ships a native (PEP 420) namespace package, without -nspkg.pth"
    };
  }
  return {
    severity: "warning",
    check: "layout",
    distribution: dist,
    path,
    message: `${path}${from} is a .pth file; Lambda does not process .pth files (its package directories are on PYTHONPATH, not site directories), so whatever it adds to sys.path or imports will not happen`,
    hint: "make sure the package works without it, or add the path it names to sys.path in the handler"
  };
}
function editableDirectUrl(dist, present, heads) {
  const path = `${dist.distInfo}/direct_url.json`;
  if (!present.has(path)) return [];
  try {
    const info = JSON.parse(heads.get(path) ?? "");
    if (info.dir_info?.editable !== true) return [];
  } catch {
    return [];
  }
  return [
    {
      severity: "error",
      check: "layout",
      distribution: dist.name,
      path,
      message: `${dist.name} ${dist.version} is an editable install (${path} says so): its code stays in a checkout on the build machine`,
      hint: "install it as a regular wheel: drop `-e`/editable from the lockfile entry"
    }
  ];
}
function recordEscapes(dist, present) {
  const absolute = [];
  const escaping = [];
  const leftOut = [];
  for (const { path } of dist.record) {
    const p = path.replace(/\\/g, "/");
    if (p.startsWith("/") || /^[A-Za-z]:\//.test(p)) {
      absolute.push(path);
      continue;
    }
    const norm = posix.normalize(p);
    if (norm !== ".." && !norm.startsWith("../")) continue;
    const home = posix.normalize(posix.join("lib/python", p));
    if (!p.startsWith("../") || home === ".." || home.startsWith("../") || home === ".") {
      escaping.push(path);
      continue;
    }
    if (present.has(home) || /^(bin|include)\//.test(home)) continue;
    leftOut.push(home);
  }
  const findings = [];
  const who = `${dist.name} ${dist.version}`;
  if (absolute.length) {
    findings.push({
      severity: "error",
      check: "layout",
      distribution: dist.name,
      path: absolute[0],
      message: `${who}'s RECORD lists absolute paths, outside the package root: ${listSome(absolute)}`,
      hint: "those files are not in the zip; a wheel must install under its root only: use another version or build of it"
    });
  }
  if (leftOut.length) {
    const data = `${dist.distInfo.replace(/\.dist-info$/, "")}.data/data/`;
    const libraries = leftOut.filter((p) => /\.so(\.[0-9]+)*$/.test(p)).map((p) => posix.basename(p));
    findings.push({
      severity: "error",
      check: "layout",
      distribution: dist.name,
      path: leftOut[0],
      message: `${who} installs files through ${data} that are not in the package: ${listSome(leftOut)}; the installer puts them outside the import path (pip --target leaves them out of the target folder), ` + (libraries.length ? `so the library the package loads (${listSome(libraries)}) is missing in Lambda and importing it fails` : "so the package will not find them in Lambda"),
      hint: `use a version or build of ${dist.name} that keeps these files inside its package folder, or add them to the function code yourself and point the package at them`
    });
  }
  if (escaping.length) {
    findings.push({
      severity: "error",
      check: "layout",
      distribution: dist.name,
      path: escaping[0],
      message: `${who}'s RECORD lists paths with '..' that leave the package root: ${listSome(escaping)}`,
      hint: "those files are not in the zip; a wheel must install under its root only: use another version or build of it"
    });
  }
  return findings;
}
function outsideTree(tree, scanned, label) {
  const findings = [];
  const links = new Map(scanned.map((s) => [s.file.path, s.link]));
  for (const file of tree.files) {
    const norm = posix.normalize(file.path);
    if (file.path.startsWith("/") || norm === ".." || norm.startsWith("../")) {
      findings.push({
        severity: "error",
        check: "layout",
        distribution: file.distribution,
        path: file.path,
        message: `${file.path}${label(file.distribution)} lies outside the package root`,
        hint: "a wheel must install under its root only: use another version or build of it"
      });
      continue;
    }
    if (file.symlink === void 0) continue;
    const link = links.get(file.path);
    const target = link?.resolved;
    if (target === void 0) {
      findings.push({
        severity: "error",
        check: "layout",
        distribution: file.distribution,
        path: file.path,
        message: `${file.path}${label(file.distribution)} is a symbolic link to ${file.symlink}, which does not exist`,
        hint: "a dangling link cannot be stored in the zip: the package is incomplete; reinstall it or use another version"
      });
    } else if (!link?.inside) {
      findings.push({
        severity: "error",
        check: "layout",
        distribution: file.distribution,
        path: file.path,
        message: `${file.path}${label(file.distribution)} is a symbolic link to ${file.symlink}, outside the dependency tree (${target})`,
        hint: "a wheel cannot bring files from outside its root into the zip: the target would be missing in Lambda"
      });
    }
  }
  return findings;
}
function permissionFindings(scanned) {
  const special = [];
  const writable = [];
  const failed = [];
  for (const s of scanned) {
    if (s.error) failed.push(s);
    if (s.mode === void 0 || s.file.symlink !== void 0) continue;
    if (s.mode & (S_ISUID | S_ISGID)) special.push(s);
    if (s.mode & S_IWOTH) writable.push(s);
  }
  const findings = [];
  const describe = (s) => `${s.file.path}${s.file.distribution ? ` (${s.file.distribution})` : ""} ${(s.mode ?? 0).toString(8).slice(-4)}`;
  const bitDropped = (list, what) => {
    if (list.length === 0) return;
    const dists = new Set(list.map((s) => s.file.distribution));
    findings.push({
      severity: "warning",
      check: "permissions",
      distribution: dists.size === 1 ? [...dists][0] : void 0,
      path: list[0]?.file.path,
      message: `${list.length} file${list.length > 1 ? "s" : ""} ${what}: ${listSome(list.map(describe))}`,
      hint: "the zip stores files as 0644/0755, so the bit is dropped; a wheel has no reason to carry it: check where the package came from"
    });
  };
  bitDropped(special, special.length > 1 ? "have the setuid or setgid bit" : "has the setuid or setgid bit");
  bitDropped(writable, writable.length > 1 ? "are world-writable" : "is world-writable");
  for (const s of failed) {
    findings.push({
      severity: "warning",
      check: "layout",
      distribution: s.file.distribution,
      path: s.file.path,
      message: `${s.file.path} could not be read (${s.error}), so it was not checked`
    });
  }
  return findings;
}

// src/inspect/scan.ts
import { lstat, open, realpath } from "node:fs/promises";
import { sep } from "node:path";
var PTH_READ_LIMIT = 64 * 1024;
var DIRECT_URL_LIMIT = 1024 * 1024;
function headLimit(path) {
  if (path.endsWith(".pth")) return PTH_READ_LIMIT;
  const slash = path.indexOf("/");
  if (slash > 0 && path.slice(0, slash).endsWith(".dist-info") && path.slice(slash) === "/direct_url.json")
    return DIRECT_URL_LIMIT;
  return void 0;
}
var TEXT_EXTENSIONS = /* @__PURE__ */ new Set([
  "py",
  "pyi",
  "pyc",
  "pyx",
  "pxd",
  "pxi",
  "txt",
  "md",
  "rst",
  "json",
  "toml",
  "cfg",
  "ini",
  "yaml",
  "yml",
  "csv",
  "tsv",
  "html",
  "htm",
  "css",
  "js",
  "typed",
  "h",
  "hpp",
  "c",
  "cc",
  "cpp",
  "pem",
  "xml",
  "svg",
  "pth"
]);
var DIST_INFO_FILES = /* @__PURE__ */ new Set(["METADATA", "RECORD", "WHEEL", "INSTALLER", "REQUESTED", "LICENSE", "NOTICE"]);
function mayBeElf(path) {
  const base = path.slice(path.lastIndexOf("/") + 1);
  if (DIST_INFO_FILES.has(base)) return false;
  const dot = base.lastIndexOf(".");
  return dot <= 0 || !TEXT_EXTENSIONS.has(base.slice(dot + 1).toLowerCase());
}
var CONCURRENCY = 32;
async function scanTree(tree) {
  let rootReal;
  try {
    rootReal = await realpath(tree.root);
  } catch {
    rootReal = tree.root;
  }
  return mapLimit(tree.files, CONCURRENCY, (file) => scanFile(file, rootReal));
}
async function scanFile(file, rootReal) {
  try {
    if (file.symlink !== void 0) {
      const st = await lstat(file.absolutePath);
      const resolved = await realpath(file.absolutePath).catch(() => void 0);
      const inside = resolved !== void 0 && rootReal !== void 0 && (resolved === rootReal || resolved.startsWith(rootReal + sep));
      return { file, mode: st.mode, link: { resolved, inside } };
    }
    const limit = headLimit(file.path);
    if (limit === void 0 && (!mayBeElf(file.path) || file.size < 4)) {
      const st = await lstat(file.absolutePath);
      return { file, mode: st.mode };
    }
    const handle = await open(file.absolutePath, "r");
    try {
      const st = await handle.stat();
      if (limit !== void 0) {
        const buffer = Buffer.alloc(Math.min(limit, st.size));
        const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
        return { file, mode: st.mode, head: buffer.toString("utf8", 0, bytesRead) };
      }
      const elf = await parseElf(handleReader(handle, st.size), st.size);
      return elf ? { file, mode: st.mode, elf } : { file, mode: st.mode };
    } finally {
      await handle.close();
    }
  } catch (error) {
    return { file, error: error.code ?? String(error) };
  }
}
async function scanBytes(file, mode, bytes) {
  if (bytes && "path" in bytes) {
    const scanned = await scanFile({ ...file, absolutePath: bytes.path });
    return { ...scanned, file, mode };
  }
  if (headLimit(file.path) !== void 0) return { file, mode, head: (bytes ?? Buffer.alloc(0)).toString("utf8") };
  if (!bytes || bytes.length < 4) return { file, mode };
  try {
    const elf = await parseElfBytes(bytes);
    return elf ? { file, mode, elf } : { file, mode };
  } catch (error) {
    return { file, error: String(error) };
  }
}
function scanKeeps(path) {
  const limit = headLimit(path);
  if (limit !== void 0) return { kind: "head", limit };
  return mayBeElf(path) ? { kind: "elf" } : { kind: "none" };
}

// src/inspect/types.ts
var SEVERITY_ORDER = { error: 0, warning: 1, notice: 2 };

// src/inspect/wheel.ts
function chosenFile(dist, chosen) {
  const file = chosen[dist.name];
  const parsed = file === void 0 ? void 0 : parseWheelFilename(file);
  if (!parsed || normalizeName(parsed.name) !== normalizeName(dist.name)) return void 0;
  return parsed.version === dist.version ? parsed : void 0;
}
function expandName(w) {
  return w.pythonTags.flatMap((py) => w.abiTags.flatMap((abi) => w.platformTags.map((plat) => `${py}-${abi}-${plat}`)));
}
function checkWheelFit(distributions, target, chosen = {}) {
  const findings = [];
  const on = `${target.runtime} ${target.architecture}`;
  for (const dist of distributions) {
    const label = `${dist.name} ${dist.version}`;
    const file = chosenFile(dist, chosen);
    if (file) {
      append(findings, judgeChosenFile(dist, file, target));
      continue;
    }
    if (dist.wheelTags.length === 0) {
      findings.push({
        severity: "warning",
        check: "wheel-fit",
        distribution: dist.name,
        path: `${dist.distInfo}/WHEEL`,
        message: `${label} has no Tag lines in ${dist.distInfo}/WHEEL: cannot tell which platform it was built for`,
        hint: "the shared-object checks below still apply; reinstall it from a wheel to have its tags checked"
      });
      continue;
    }
    const reasons = /* @__PURE__ */ new Map();
    let fits = false;
    for (const tag of dist.wheelTags) {
      const parts = tag.split("-");
      let reason;
      if (parts.length !== 3 || parts.some((p) => p === "")) {
        reason = "malformed tag";
      } else {
        const [py, abi, plat] = parts;
        const fit = wheelFits(
          { pythonTags: py.split("."), abiTags: abi.split("."), platformTags: plat.split(".") },
          target
        );
        if (fit.fits) {
          fits = true;
          break;
        }
        reason = fit.reason;
      }
      reasons.set(reason, [...reasons.get(reason) ?? [], tag]);
    }
    if (fits) continue;
    findings.push({
      severity: "error",
      check: "wheel-fit",
      distribution: dist.name,
      path: `${dist.distInfo}/WHEEL`,
      message: `${label}'s ${dist.distInfo}/WHEEL says it was built for ${dist.wheelTags.join(", ")}, which does not fit ${on}: ${[...reasons].map(([r, tags]) => `${r} (${tags.join(", ")})`).join("; ")}`,
      hint: wheelHint(dist, [...reasons.keys()].join(" "), target)
    });
  }
  return findings;
}
function judgeChosenFile(dist, file, target) {
  const label = `${dist.name} ${dist.version}`;
  const fit = wheelFits(file, target);
  if (!fit.fits) {
    return [
      {
        severity: "error",
        check: "wheel-fit",
        distribution: dist.name,
        path: `${dist.distInfo}/WHEEL`,
        message: `${label} was installed from ${file.filename}, which does not fit ${target.runtime} ${target.architecture}: ${fit.reason}`,
        hint: wheelHint(dist, fit.reason, target)
      }
    ];
  }
  const named = new Set(expandName(file));
  const disagree = dist.wheelTags.length > 0 && dist.wheelTags.some((t) => !named.has(t));
  if (!disagree) return [];
  return [
    {
      severity: "notice",
      check: "wheel-fit",
      distribution: dist.name,
      path: `${dist.distInfo}/WHEEL`,
      message: `${label} was installed from ${file.filename}, whose ${dist.distInfo}/WHEEL says Tag: ${dist.wheelTags.join(", ")}: the file name is what pip and uv choose by, and it fits ${target.runtime} ${target.architecture}`,
      hint: "the shared-object checks still apply to its files; the package's WHEEL metadata is wrong, which its maintainers may want to know"
    }
  ];
}
function wheelHint(dist, reasons, target) {
  const glibc = glibcString(target);
  if (/needs glibc/.test(reasons)) {
    const al2 = target.glibcCeiling[1] < 34;
    return `pin ${dist.name} to an older version that publishes a manylinux_${glibc.replace(".", "_")} (or older) wheel for ${target.machine}` + (al2 ? ", or move the function to python3.12 or newer (Amazon Linux 2023, glibc 2.34)" : "");
  }
  if (/target architecture/.test(reasons)) {
    return `reinstall for the target architecture: the installer must be given the ${target.machine} platform tags`;
  }
  if (/linux_/.test(reasons) && /particular Linux distribution/.test(reasons)) {
    return `it was built from source on the runner; pin ${dist.name} to a version that publishes a manylinux wheel for ${target.machine}`;
  }
  if (/musl|macOS|Windows/.test(reasons)) return `reinstall for Linux (manylinux, ${target.machine})`;
  return `reinstall for CPython ${target.pythonVersion}: the installer must be given --python-version ${target.pythonVersion}`;
}
function checkRuntimeSdk(distributions, target) {
  const byName = new Map(distributions.map((d) => [normalizeName(d.name), d]));
  if (byName.has("boto3")) return [];
  const findings = [];
  for (const name of ["botocore", "urllib3"]) {
    const dist = byName.get(name);
    if (!dist) continue;
    const role = name === "botocore" ? "" : " (botocore's HTTP library)";
    findings.push({
      severity: "warning",
      check: "runtime-sdk",
      distribution: dist.name,
      message: `${dist.name} ${dist.version}${role} is packaged without boto3: the boto3 that ${target.runtime} provides will import this ${dist.name} instead of its own, a mix AWS does not test`,
      hint: name === "botocore" ? "add boto3 to the lockfile (it pins a matching botocore), or drop botocore if only boto3 uses it" : "add boto3 to the lockfile so boto3, botocore and urllib3 come as one tested set, or make sure this urllib3 satisfies the runtime botocore's range"
    });
  }
  return findings;
}

// src/inspect/index.ts
function checkTree(tree, target, scanned) {
  return {
    before: [
      ...checkWheelFit(tree.distributions, target, tree.chosenWheels),
      ...checkBinaries(scanned, tree.distributions, target)
    ],
    collisions: { strict: checkDistributionCollisions(tree, false), allowed: checkDistributionCollisions(tree, true) },
    after: [...checkLayout(tree, scanned), ...checkRuntimeSdk(tree.distributions, target)]
  };
}
async function inspectTree(input) {
  const { target, tree } = input;
  const checks = input.treeChecks === void 0 ? checkTree(input.tree, target, await scanTree(input.tree)) : input.treeChecks;
  const raw = [
    ...checks.before,
    ...input.allowCollisions ? checks.collisions.allowed : checks.collisions.strict,
    ...checkCodeCollisions(tree, input.code, input.packageMode, input.allowCollisions),
    ...checks.after
  ];
  const locator = new LockfileLocator(input);
  const findings = raw.map((f) => locator.locate(f)).map((f, i) => ({ f, i })).sort((a, b) => SEVERITY_ORDER[a.f.severity] - SEVERITY_ORDER[b.f.severity] || a.i - b.i).map(({ f }) => f);
  const sizes = /* @__PURE__ */ new Map();
  let dependencySize = 0;
  for (const file of tree.files) {
    dependencySize += file.size;
    if (file.distribution === void 0) continue;
    const s = sizes.get(file.distribution) ?? { size: 0, count: 0 };
    s.size += file.size;
    s.count += 1;
    sizes.set(file.distribution, s);
  }
  const distributions = tree.distributions.map((d) => ({
    name: d.name,
    version: d.version,
    unzippedSize: sizes.get(d.name)?.size ?? 0,
    fileCount: sizes.get(d.name)?.count ?? 0,
    findings: findings.filter((f) => f.distribution === d.name)
  })).sort((a, b) => b.unzippedSize - a.unzippedSize || a.name.localeCompare(b.name));
  const codeSize = input.code.reduce((sum, f) => sum + f.size, 0);
  const oversize = checkSizes({
    target,
    ...unzippedParts(input.packageMode, codeSize, dependencySize),
    s3Configured: true,
    distributions
  }).filter((f) => f.severity === "error");
  return { findings: [...oversize, ...findings], distributions, dependencySize, codeSize };
}
function unzippedParts(mode, code, dependencies) {
  if (mode === "layer") return { unzippedFunction: 0, unzippedLayer: dependencies };
  if (mode === "split") return { unzippedFunction: code, unzippedLayer: dependencies };
  return { unzippedFunction: code + dependencies, unzippedLayer: 0 };
}

// src/inspect/stage.ts
async function inspect(inputs, target, lock, dependencies, code, log) {
  const inspection = await inspectTree({
    target,
    ...dependencies,
    code,
    packageMode: inputs.packageMode,
    allowCollisions: inputs.allowCollisions,
    lockfile: lock.lockfile,
    lockfileText: lock.text ?? ""
  });
  reportFindings(inspection.findings, log);
  const errors = inspection.findings.filter((f) => f.severity === "error").length;
  if (errors > 0) throw new InspectionFailed(errors, inspection.findings, lock.lockfile);
  return inspection;
}
function checkPackageSizes(zips, inputs, target, lock, inspection, log) {
  for (const z of [zips.functionZip, zips.layerZip]) {
    if (z)
      log.info(
        `Built ${z.path}: ${z.size} bytes zipped, ${z.unzippedSize} unzipped, ${z.entries} entries, sha256 ${z.sha256}`
      );
  }
  const sizeFindings = checkSizes({
    target,
    unzippedFunction: zips.functionZip?.unzippedSize ?? 0,
    unzippedLayer: zips.layerZip?.unzippedSize ?? 0,
    zippedFunction: zips.functionZip?.size,
    zippedLayer: zips.layerZip?.size,
    s3Configured: Boolean(inputs.deploy?.s3Bucket),
    distributions: inspection.distributions
  });
  reportFindings(sizeFindings, log);
  const findings = [...inspection.findings, ...sizeFindings];
  const errors = findings.filter((f) => f.severity === "error");
  if (errors.length > 0) throw new InspectionFailed(errors.length, findings, lock.lockfile);
  return findings;
}
var InspectionFailed = class extends UserError {
  constructor(count, findings, lockfile) {
    super(`${count} problem(s) found by inspection would fail in Lambda (listed above); nothing was deployed`, {
      where: { file: lockfile },
      hint: "fix them, or relax a check with its input where you have a reason"
    });
    this.findings = findings;
  }
  findings;
};
function reportFindings(findings, log) {
  for (const f of findings) {
    const text = f.hint ? `${f.message}
  \u2192 ${f.hint}` : f.message;
    log.annotate(f.severity, text, { file: f.file, line: f.line, distribution: f.distribution });
  }
}
function warnUnpinned(tree, lock, log) {
  const pinned = new Set(lock.requirements.map((r) => r.name));
  const unpinned = tree.distributions.filter((d) => !pinned.has(d.name));
  if (unpinned.length > 0) {
    log.annotate(
      "warning",
      `not pinned in ${lock.lockfile}, resolved by the installer: ${unpinned.map((d) => `${d.name}==${d.version}`).join(", ")}. Pin them so every build installs the same versions.`,
      { file: lock.lockfile }
    );
  }
}

export {
  hasElfMagic,
  scanTree,
  scanBytes,
  scanKeeps,
  checkTree,
  inspect,
  checkPackageSizes,
  InspectionFailed,
  warnUnpinned
};
