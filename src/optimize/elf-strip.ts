/**
 * Debug information and symbol tables out of an ELF shared object, in TypeScript, so
 * x86_64 and aarch64 objects are stripped alike on any runner (a host `strip` knows
 * only its own architecture).
 *
 * Only sections without SHF_ALLOC are removed (`.debug_*`, `.zdebug_*`, `.symtab`,
 * `.strtab`): the loader never maps them. Everything up to the end of the last mapped
 * byte (ELF header, program headers, every segment, every allocated section) is copied
 * unchanged at the same offsets; the non-allocated sections that stay (`.shstrtab`,
 * `.comment`, `.gnu_debuglink`...) follow, then a new section header table. `.dynsym`
 * and `.dynstr` are allocated and never touched. Anything unusual (32-bit, big-endian,
 * section groups, extended numbering, offsets outside the file, kept sections that overlap
 * where they would move, a field this code cannot read) leaves the file as it is, and the
 * result is never larger than the input: a rewriter that copies what it does not understand
 * could turn a 10 KB object into gigabytes.
 */

const SHF_ALLOC = 0x2n;
const SHF_INFO_LINK = 0x40n;
const SHT_NOBITS = 8;
const SHT_REL = 9;
const SHT_RELA = 4;
const SHT_GROUP = 17;
const SHT_SYMTAB_SHNDX = 18;
const SHDR_SIZE = 64;

export interface StripResult {
  bytes: Buffer;
  /** names of the sections removed, in file order */
  removed: string[];
}

interface Section {
  index: number;
  name: string;
  type: number;
  flags: bigint;
  offset: number;
  size: number;
  link: number;
  info: number;
  align: number;
  header: Buffer;
}

const removable = (name: string) =>
  name === ".symtab" || name === ".strtab" || name.startsWith(".debug_") || name.startsWith(".zdebug_");

function cString(bytes: Buffer, at: number, end: number): string | undefined {
  if (at >= end) return undefined;
  const stop = bytes.indexOf(0, at);
  if (stop < 0 || stop >= end) return undefined;
  return bytes.toString("latin1", at, stop);
}

function readSections(bytes: Buffer): Section[] | undefined {
  if (bytes.length < 64 || bytes.readUInt32BE(0) !== 0x7f454c46) return undefined;
  if (bytes[4] !== 2 || bytes[5] !== 1) return undefined; // ELF64, little-endian only (both Lambda architectures)
  const shoff = Number(bytes.readBigUInt64LE(0x28));
  const shentsize = bytes.readUInt16LE(0x3a);
  const shnum = bytes.readUInt16LE(0x3c);
  const shstrndx = bytes.readUInt16LE(0x3e);
  if (shentsize !== SHDR_SIZE || shnum === 0 || shstrndx === 0 || shstrndx >= shnum) return undefined;
  if (shoff < 64 || shoff + shnum * SHDR_SIZE > bytes.length) return undefined;
  const raw = Array.from({ length: shnum }, (_, i) => {
    const h = bytes.subarray(shoff + i * SHDR_SIZE, shoff + (i + 1) * SHDR_SIZE);
    return {
      nameAt: h.readUInt32LE(0),
      type: h.readUInt32LE(4),
      flags: h.readBigUInt64LE(8),
      offset: h.readBigUInt64LE(24),
      size: h.readBigUInt64LE(32),
      link: h.readUInt32LE(40),
      info: h.readUInt32LE(44),
      align: h.readBigUInt64LE(48),
      header: Buffer.from(h),
    };
  });
  const sections: Section[] = [];
  const names = raw[shstrndx]!;
  const namesEnd = Number(names.offset + names.size);
  if (namesEnd > bytes.length) return undefined;
  for (const [index, s] of raw.entries()) {
    if (s.type === SHT_GROUP || s.type === SHT_SYMTAB_SHNDX) return undefined;
    const inFile = s.type === SHT_NOBITS ? 0n : s.size;
    if (s.offset + inFile > BigInt(bytes.length) || s.align > 1n << 32n) return undefined;
    const name = index === 0 ? "" : cString(bytes, Number(names.offset) + s.nameAt, namesEnd);
    if (name === undefined) return undefined;
    sections.push({
      index,
      name,
      type: s.type,
      flags: s.flags,
      offset: Number(s.offset),
      size: Number(inFile),
      link: s.link,
      info: s.info,
      align: Math.max(1, Number(s.align)),
      header: s.header,
    });
  }
  return sections;
}

/** Which sections go: removable names, not allocated, and no kept section refers to them. */
function chooseRemoved(sections: Section[], shstrndx: number): Set<number> {
  const removed = new Set(
    sections.filter((s) => s.index > 0 && s.index !== shstrndx && (s.flags & SHF_ALLOC) === 0n && removable(s.name)),
  );
  const refersTo = (s: Section) => [
    s.link,
    ...(s.type === SHT_REL || s.type === SHT_RELA || (s.flags & SHF_INFO_LINK) !== 0n ? [s.info] : []),
  ];
  // a kept section's link keeps its target (e.g. a kept .symtab keeps .strtab), and what that
  // one refers to in turn: each section is looked at once (a chain of links stays linear)
  const work = sections.filter((s) => !removed.has(s));
  for (let s = work.pop(); s; s = work.pop()) {
    for (const target of refersTo(s)) {
      const t = sections[target];
      if (t && removed.delete(t)) work.push(t);
    }
  }
  return new Set([...removed].map((s) => s.index));
}

/**
 * The object without its debug sections and symbol table, or undefined when there is nothing
 * to do, it is not safe, or the layout is one this code does not fully understand (a field it
 * cannot read is such a layout too: the file is then shipped as it is).
 */
export function stripElf(bytes: Buffer): StripResult | undefined {
  try {
    return rewrite(bytes);
  } catch (error) {
    if (error instanceof RangeError) return undefined;
    throw error;
  }
}

function rewrite(bytes: Buffer): StripResult | undefined {
  const sections = readSections(bytes);
  if (!sections) return undefined;
  const shstrndx = bytes.readUInt16LE(0x3e);
  const removed = chooseRemoved(sections, shstrndx);
  if (removed.size === 0) return undefined;

  // the mapped part: header, program headers, segments, allocated sections
  const phoff = Number(bytes.readBigUInt64LE(0x20));
  const phentsize = bytes.readUInt16LE(0x36);
  const phnum = bytes.readUInt16LE(0x38);
  if (phnum > 0 && (phentsize < 56 || phoff + phnum * phentsize > bytes.length)) return undefined;
  let mapped = Math.max(64, phoff + phnum * phentsize);
  for (let i = 0; i < phnum; i++) {
    const at = phoff + i * phentsize;
    const end = Number(bytes.readBigUInt64LE(at + 8) + bytes.readBigUInt64LE(at + 32));
    if (end > bytes.length) return undefined;
    mapped = Math.max(mapped, end);
  }
  for (const s of sections) if ((s.flags & SHF_ALLOC) !== 0n) mapped = Math.max(mapped, s.offset + s.size);

  const kept = sections.filter((s) => !removed.has(s.index));
  const newIndex = new Map(kept.map((s, i) => [s.index, i]));
  // where each kept non-allocated section past the mapped part moves, in file order; planned
  // before a byte is copied, so a layout that would not shrink the file is never built
  const moves: { section: Section; at: number }[] = [];
  let end = mapped;
  let previousEnd = mapped;
  for (const s of [...kept].sort((a, b) => a.offset - b.offset || a.index - b.index)) {
    if (s.index === 0 || s.offset + s.size <= mapped || s.size === 0) continue;
    if (s.offset < mapped) return undefined; // straddles the mapped part: leave the file alone
    if (s.offset < previousEnd) return undefined; // overlaps another kept section: copied twice
    previousEnd = s.offset + s.size;
    const at = Math.ceil(end / s.align) * s.align;
    moves.push({ section: s, at });
    end = at + s.size;
  }
  const shoff = Math.ceil(end / 8) * 8;
  if (shoff + kept.length * SHDR_SIZE >= bytes.length) return undefined;
  const chunks: Buffer[] = [bytes.subarray(0, mapped)];
  const placed = new Map<number, number>();
  let written = mapped;
  for (const { section: s, at } of moves) {
    chunks.push(Buffer.alloc(at - written), bytes.subarray(s.offset, s.offset + s.size));
    placed.set(s.index, at);
    written = at + s.size;
  }
  chunks.push(Buffer.alloc(shoff - written));
  for (const s of kept) {
    const h = Buffer.from(s.header);
    const moved = placed.get(s.index);
    if (moved !== undefined) h.writeBigUInt64LE(BigInt(moved), 24);
    else if (s.size === 0 && s.offset > mapped && s.type !== SHT_NOBITS) h.writeBigUInt64LE(BigInt(shoff), 24);
    h.writeUInt32LE(newIndex.get(s.link) ?? 0, 40);
    if (s.type === SHT_REL || s.type === SHT_RELA || (s.flags & SHF_INFO_LINK) !== 0n)
      h.writeUInt32LE(newIndex.get(s.info) ?? 0, 44);
    chunks.push(h);
  }
  const out = Buffer.concat(chunks);
  out.writeBigUInt64LE(BigInt(shoff), 0x28);
  out.writeUInt16LE(kept.length, 0x3c);
  out.writeUInt16LE(newIndex.get(shstrndx)!, 0x3e);
  return {
    bytes: out,
    removed: sections.filter((s) => removed.has(s.index)).map((s) => s.name),
  };
}

/** A file name the stripper looks at: shared objects, versioned ones included (auditwheel's `libfoo-1a2b.so.1.2`). */
export const isSharedObjectName = (file: string) => /\.so(\.\d+)*$/.test(file);
