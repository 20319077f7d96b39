/**
 * The optimize plan carried out on the wheels' members as the fast path unpacked them
 * (dependencies/transplant.ts), with no tree on disk: a member slim removes is left out of
 * the zip (never copied, never compressed), a shared object is stripped and compressed
 * anew, the sources are compiled by the runtime's Python in one process, and each changed
 * distribution's RECORD is rewritten as on the install path (apply.ts's rewriteRecordText),
 * so both paths ship the same files with the same bytes.
 *
 * Members are read back from their wheels (or from memory, for the few compressed here):
 * the sources slim scans and compile needs, and the shared objects it strips.
 */

import { mkdir, readFile, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { append } from "../append.ts";
import { UserError } from "../errors.ts";
import type { ScannedFile } from "../inspect/scan.ts";
import { parseRecord, recordHash } from "../install/tree.ts";
import type { DependencyFile, DependencyListing } from "../install/types.ts";
import { LAYER_PREFIX } from "../zip/package.ts";
import { EntryReader, inflateEntry, type ZipDirectory } from "../zip/reader.ts";
import { MODE_EXECUTABLE, MODE_FILE, type ZipMember } from "../zip/writer.ts";
import { type RecordChanges, recordTouched, rewriteRecordText } from "./apply.ts";
import type { Bytecode } from "./budget.ts";
import { compileSources } from "./compile.ts";
import { stripElf } from "./elf-strip.ts";
import { planDependencies, pycPath, slimFigures } from "./plan.ts";
import { emptyReport, fitCompiled, type OptimizeInput, reasonWithoutCompiler, slimKeptBack } from "./steps.ts";
import type { OptimizeReport, RuntimePython } from "./types.ts";

/** The fast path's dependencies: the listing the later stages read, the zip's members, each file's scan. */
export interface UnpackedWheels {
  listing: DependencyListing;
  members: ZipMember[];
  /** in the listing's order */
  scanned: ScannedFile[];
  /** files copied unread (slim's patterns matched them): each one kept is checked here */
  unchecked: readonly string[];
  /** what the checks read of a file (inspect's scanKeeps) */
  keeps(path: string): { kind: "none" } | { kind: "elf" } | { kind: "head"; limit: number };
  /** pinned distributions exclude-packages left out before the download */
  notDownloaded: { name: string; version: string }[];
  /** what the checks read of a file the stage adds (bytecode) or rewrites (a stripped object) */
  scan(file: DependencyFile, mode: number, bytes: Buffer | undefined): Promise<ScannedFile>;
}

/** Reads members' bytes back, one reader per wheel. */
class MemberBytes {
  private readonly readers = new Map<ZipDirectory, EntryReader>();
  private readonly byPath = new Map<string, ZipMember>();

  constructor(members: readonly ZipMember[]) {
    for (const m of members) if (m.name.startsWith(LAYER_PREFIX)) this.byPath.set(m.name.slice(LAYER_PREFIX.length), m);
  }

  /** sources, read once for slim's scan and again for compile: kept until the stage ends */
  private readonly sources = new Map<string, Buffer>();

  async read(file: string): Promise<Buffer | undefined> {
    const known = this.sources.get(file);
    if (known) return known;
    const data = await this.inflate(file);
    if (data && file.endsWith(".py")) this.sources.set(file, data);
    return data;
  }

  private async inflate(file: string): Promise<Buffer | undefined> {
    const m = this.byPath.get(file);
    if (!m) return undefined;
    if ("data" in m) return m.data;
    if ("absolutePath" in m) return readFile(m.absolutePath);
    let reader = this.readers.get(m.from);
    if (!reader) {
      reader = new EntryReader(m.from);
      this.readers.set(m.from, reader);
    }
    try {
      return inflateEntry(m.entry, await reader.read(m.entry));
    } catch (error) {
      // a member read for the first time here (transplant.ts left it unread): damaged, as pip would find it
      throw new UserError(`the wheel member ${file} is damaged: ${(error as Error).message}`, {
        hint: "the wheel on the index is damaged: check the index, and pin the lockfile's hashes for it",
      });
    }
  }

  async close(): Promise<void> {
    for (const r of this.readers.values()) await r.close();
  }
}

export async function optimizeMembers(input: OptimizeInput, wheels: UnpackedWheels): Promise<OptimizeReport> {
  const { settings, compiler } = input;
  const { listing } = wheels;
  const bytes = new MemberBytes(wheels.members);
  try {
    const keptBack = settings.slim
      ? await slimKeptBack(listing, settings, input.code, async (f) => (await bytes.read(f))?.toString("utf8"))
      : [];
    const plan = planDependencies(listing, settings, compiler !== undefined, new Set(keptBack.map((k) => k.path)));
    const report = emptyReport(settings, compiler, reasonWithoutCompiler(settings));
    const notDownloaded = new Set(wheels.notDownloaded.map((d) => d.name));
    report.notInstalled = plan.notInstalled.filter((name) => !notDownloaded.has(name));
    report.excluded = [
      ...plan.excluded.map(({ name, version, bytes }) => ({ name, version, bytes })),
      ...wheels.notDownloaded.map(({ name, version }) => ({ name, version, bytes: 0, notDownloaded: true as const })),
    ].sort((a, b) => a.name.localeCompare(b.name));
    report.keptBack = keptBack;
    const removed = new Set([
      ...plan.excluded.flatMap((e) => e.files),
      ...[...plan.removed.values()].flat().map((f) => f.path),
    ]);
    await checkKept(wheels, bytes, removed);
    const rewritten = new Map<string, { hash: string; size: number }>();
    const scratch = path.join(input.scratch, "optimized");
    const savings = await stripMembers(wheels, bytes, plan.strip, scratch, rewritten);
    Object.assign(report, slimFigures(plan.removed, savings));
    const added: Added[] = [];
    if (compiler) {
      const shipped = listing.files.reduce((n, f) => n + (removed.has(f.path) ? 0 : f.size), 0);
      const compiled = await compileMembers(input, compiler, wheels, bytes, plan.compile, scratch, shipped);
      report.compile = compiled.compile;
      append(added, compiled.added);
    }
    const byDistribution = new Map<string, Added["record"][]>();
    for (const a of added) {
      const list = byDistribution.get(a.file.distribution ?? "") ?? [];
      list.push(a.record);
      byDistribution.set(a.file.distribution ?? "", list);
    }
    const changes: RecordChanges = { removed, rewritten, added: byDistribution };
    const excluded = new Set(plan.excluded.map((e) => e.name));
    listing.distributions = listing.distributions.filter((d) => !excluded.has(d.name));
    await apply(wheels, removed, added, changes);
    return report;
  } finally {
    await bytes.close();
  }
}

/**
 * The files copied unread that ship after all (kept back, or slim-keep's): each held to its
 * CRC (as it inflates) and its RECORD row, as transplant.ts holds every other member, and
 * scanned for the checks; a stored one is compressed here, as transplant.ts does.
 */
async function checkKept(wheels: UnpackedWheels, bytes: MemberBytes, removed: ReadonlySet<string>): Promise<void> {
  const kept = wheels.unchecked.filter((f) => !removed.has(f));
  if (kept.length === 0) return;
  const index = new Map(wheels.listing.files.map((f, i) => [f.path, i]));
  const rows = new Map(wheels.listing.distributions.flatMap((d) => d.record.map((r) => [r.path, r] as const)));
  const members = new Map(wheels.members.map((m, i) => [m.name, i]));
  for (const file of kept) {
    const data = await bytes.read(file);
    const row = rows.get(file);
    if (!data || !row?.hash || row.hash !== recordHash(data) || (row.size !== undefined && row.size !== data.length)) {
      throw new UserError(`the wheel member ${file} does not match the sha256 and size its RECORD gives`, {
        hint: "the wheel's RECORD contradicts its own contents (damaged or forged): check the index, and pin the lockfile's hashes for it",
      });
    }
    const i = index.get(file)!;
    const listed = wheels.listing.files[i]!;
    const mode = listed.executable ? MODE_EXECUTABLE : MODE_FILE;
    const want = wheels.keeps(file);
    wheels.scanned[i] = await wheels.scan(
      listed,
      mode,
      want.kind === "none" ? undefined : want.kind === "head" ? data.subarray(0, want.limit) : data,
    );
    const at = members.get(`${LAYER_PREFIX}${file}`)!;
    const member = wheels.members[at]!;
    if ("entry" in member && member.entry.method === 0) {
      wheels.members[at] = { name: member.name, data, executable: listed.executable };
    }
  }
}

interface Added {
  file: DependencyFile;
  member: ZipMember;
  record: { path: string; hash: string; size: number };
}

/** Each shared object stripped, written to scratch and put in place of its member; the savings. */
async function stripMembers(
  wheels: UnpackedWheels,
  bytes: MemberBytes,
  files: readonly string[],
  scratch: string,
  rewritten: Map<string, { hash: string; size: number }>,
) {
  const byPath = new Map(wheels.listing.files.map((f, i) => [f.path, i]));
  const savings: { path: string; distribution?: string; saved: number }[] = [];
  for (const file of files) {
    const original = await bytes.read(file);
    const result = original && stripElf(original);
    if (!result) continue;
    const absolutePath = path.join(scratch, file);
    await mkdir(path.dirname(absolutePath), { recursive: true });
    await writeFile(absolutePath, result.bytes);
    const i = byPath.get(file)!;
    const listed = wheels.listing.files[i]!;
    savings.push({ path: file, distribution: listed.distribution, saved: listed.size - result.bytes.length });
    listed.size = result.bytes.length;
    const name = `${LAYER_PREFIX}${file}`;
    const at = wheels.members.findIndex((m) => m.name === name);
    wheels.members[at] = { name, absolutePath, executable: listed.executable, size: result.bytes.length };
    rewritten.set(file, { hash: recordHash(result.bytes), size: result.bytes.length });
  }
  return savings;
}

/** The sources written to scratch once, compiled in one process; the bytecode that fits, as members. */
async function compileMembers(
  input: OptimizeInput,
  compiler: RuntimePython,
  wheels: UnpackedWheels,
  bytes: MemberBytes,
  sources: readonly string[],
  scratch: string,
  shipped: number,
): Promise<{ compile: OptimizeReport["compile"]; added: Added[] }> {
  const owners = new Map(wheels.listing.files.map((f) => [f.path, f.distribution]));
  const at = (dir: string, file: string) => path.join(scratch, dir, file);
  const jobs = [];
  for (const source of sources) {
    const text = await bytes.read(source);
    if (!text) continue;
    await mkdir(path.dirname(at("sources", source)), { recursive: true });
    await writeFile(at("sources", source), text);
    jobs.push({
      source: at("sources", source),
      pyc: at("bytecode", pycPath(source, compiler.cacheTag)),
      displayName: source,
    });
  }
  const failed = new Set((await compileSources(compiler, jobs, input.scratch, input.env)).map((f) => f.path));
  const written: Bytecode[] = [];
  for (const job of jobs) {
    if (failed.has(job.displayName)) continue;
    const pyc = pycPath(job.displayName, compiler.cacheTag);
    written.push({ pyc, source: job.displayName, bytes: (await stat(job.pyc)).size });
  }
  const { fit, compile } = fitCompiled(input, compiler, wheels.listing, { written, failed: [...failed], shipped });
  const added: Added[] = [];
  for (const b of fit.kept) {
    const absolutePath = at("bytecode", b.pyc);
    const data = await readFile(absolutePath);
    const distribution = owners.get(b.source);
    added.push({
      file: { path: b.pyc, size: b.bytes, executable: false, ...(distribution ? { distribution } : {}) },
      member: { name: `${LAYER_PREFIX}${b.pyc}`, absolutePath, executable: false, size: b.bytes },
      record: { path: b.pyc, hash: recordHash(data), size: b.bytes },
    });
  }
  return { compile, added };
}

/** The listing, the members and the scans made to match: removed out, bytecode in, RECORDs rewritten. */
async function apply(wheels: UnpackedWheels, removed: ReadonlySet<string>, added: Added[], changes: RecordChanges) {
  const { listing } = wheels;
  const rows = listing.files.map((file, i) => ({ file, scanned: wheels.scanned[i]! }));
  const kept = rows.filter((r) => !removed.has(r.file.path));
  for (const a of added) kept.push({ file: a.file, scanned: await wheels.scan(a.file, MODE_FILE, undefined) });
  const records = new Map<string, string>();
  for (const dist of listing.distributions) {
    if (!recordTouched(dist, changes)) continue;
    const file = `${dist.distInfo}/RECORD`;
    const member = wheels.members.find((m) => m.name === `${LAYER_PREFIX}${file}`);
    if (!member || !("data" in member)) continue;
    const text = rewriteRecordText(member.data.toString("utf8"), changes, dist.name);
    records.set(file, text);
    dist.record = parseRecord(text);
  }
  for (const r of kept) {
    const text = records.get(r.file.path);
    if (text === undefined) continue;
    r.file.size = Buffer.byteLength(text);
    r.scanned = await wheels.scan(r.file, MODE_FILE, undefined);
  }
  kept.sort((a, b) => (a.file.path < b.file.path ? -1 : a.file.path > b.file.path ? 1 : 0));
  listing.files.length = 0;
  append(
    listing.files,
    kept.map((r) => r.file),
  );
  wheels.scanned.length = 0;
  append(
    wheels.scanned,
    kept.map((r) => r.scanned),
  );
  const members = wheels.members
    .filter((m) => !m.name.startsWith(LAYER_PREFIX) || !removed.has(m.name.slice(LAYER_PREFIX.length)))
    .map((m): ZipMember => {
      const text = records.get(m.name.slice(LAYER_PREFIX.length));
      return text === undefined ? m : { name: m.name, data: Buffer.from(text), executable: false };
    });
  const shipped = members.concat(added.map((a) => a.member));
  wheels.members.length = 0;
  append(wheels.members, shipped);
}
