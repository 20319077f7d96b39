/**
 * The dependency zip from downloaded wheels instead of an installed tree: each member's
 * already-deflated bytes are copied into place (wheel-layout.ts decides where); only stored
 * members and pip's own dist-info files (INSTALLER, REQUESTED, RECORD as pip rewrites it)
 * are compressed again. Every member is still inflated once, on worker threads, to hold it
 * to its CRC and to the wheel's RECORD; the bytes the checks need (a shared object's ELF
 * headers, a .pth file's head) are scanned as they pass and dropped, so no tree is ever
 * written to disk and the inspection gets what it would have read from one.
 *
 * `transplantWheels` returns `unusual` when a wheel needs the install path (the caller then
 * takes it for the whole build and says why in the debug log).
 */
import { mkdir, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { UserError, type Where } from "../errors.ts";
import { UNZIPPED_LIMIT } from "../inspect/sizes.ts";
import { recordSha256, recordVerdict, rowsByPath, wheelRefusal } from "../install/record.ts";
import {
  cleanedAway,
  distributionFrom,
  installedRecordKeeps,
  MAX_METADATA_BYTES,
  parseRecord,
  recordHash,
} from "../install/tree.ts";
import type { DependencyFile, DependencyListing, InstalledDistribution } from "../install/types.ts";
import { InflatePool, type Keep, MemberCorrupt } from "../zip/inflate.ts";
import { LAYER_PREFIX } from "../zip/package.ts";
import { readZipDirectory, type ZipDirectory } from "../zip/reader.ts";
import { MODE_EXECUTABLE, MODE_FILE, type ZipMember } from "../zip/writer.ts";
import {
  duplicatePaths,
  type Placement,
  pipExecutable,
  renderInstalledRecord,
  WheelRefused,
  WheelUnusual,
} from "./wheel-layout.ts";
import { decodeAsPip, distInfoTextProblem } from "./wheel-metadata.ts";
import { installProblem, type Placed, planWheel, type WheelPlan } from "./wheel-plan.ts";

/** What the checks read of each file as it passes (inspect's scanKeeps and scanBytes). */
export interface Scanner<S> {
  keeps(path: string): Keep;
  /** `bytes`: in memory, or a file holding them (removed after the scan) */
  scan(file: DependencyFile, mode: number, bytes: Buffer | { path: string } | undefined): Promise<S>;
}

export type TransplantResult<S> =
  | { members: ZipMember[]; listing: Omit<DependencyListing, "chosenWheels">; scanned: S[] }
  | { unusual: string };

/** wheels whose members are queued on the workers at once */
const WHEELS_IN_FLIGHT = 4;
/** stored members up to this size are held in memory until the zip is written */
const STORED_IN_MEMORY = 256 * 1024;

/** large stored members written to scratch so far (their file names) */
let storedFiles = 0;

/** stands for the text of a dist-info file that is not UTF-8 */
const NOT_UTF8 = "\u0000not UTF-8";

interface Checked<S> {
  hash: string;
  /** the text of a dist-info file this code reads (RECORD, METADATA, WHEEL) */
  text?: string;
  /** the scan of a shipped file */
  scanned?: S;
  file?: DependencyFile;
  /** a stored member's bytes, to be compressed: in memory, or in scratch when large */
  stored?: { data: Buffer } | { absolutePath: string };
}

/** One wheel read and checked: its members (in flight on the pool until awaited). */
class WheelJob<S> {
  readonly distInfo: string;
  readonly placed: Placed[];
  private readonly placement: Map<string, Placement>;
  readonly checked: Promise<Checked<S>>[];
  /** the members not unpacked here (scripts, headers): pip opens them, so they are held to the same checks */
  readonly unread: Promise<void>[];

  constructor(
    readonly wheel: string,
    readonly directory: ZipDirectory,
    plan: WheelPlan,
    pool: InflatePool,
    private readonly scanner: Scanner<S>,
    scratch: string,
  ) {
    ({ distInfo: this.distInfo, placed: this.placed, placement: this.placement } = plan);
    const own = new Set(["RECORD", "METADATA", "WHEEL", "entry_points.txt"].map((n) => `${this.distInfo}/${n}`));
    const planned = this.placed.map(({ entry, place }) => {
      // pip reads the mode from the external attributes whatever system made the zip
      const mode = pipExecutable(entry.externalAttributes >>> 16) ? MODE_EXECUTABLE : MODE_FILE;
      // the file the tree would hold: undefined for pip's own files and what cleanTree removes
      const file: DependencyFile | undefined =
        place.kind === "ship" && !cleanedAway(place.path)
          ? { path: place.path, size: entry.size, executable: mode === MODE_EXECUTABLE }
          : undefined;
      const wanted = file ? scanner.keeps(file.path) : ({ kind: "none" } as const);
      const keep: Keep = own.has(entry.name)
        ? { kind: "head", limit: MAX_METADATA_BYTES }
        : file && entry.method === 0
          ? { kind: "head", limit: entry.size }
          : wanted;
      return { entry, mode, file, wanted, keep };
    });
    const answers = pool.checkAll(wheel, planned);
    const unread = directory.entries.filter(
      (e) => !e.name.endsWith("/") && this.placement.get(e.name)?.kind === "leave",
    );
    this.unread = pool
      .checkAll(
        wheel,
        unread.map((entry) => ({ entry, keep: { kind: "none" } as const })),
      )
      .map((answer, i) =>
        answer.then((checked) => {
          if (checked instanceof MemberCorrupt)
            throw new WheelUnusual(`member ${JSON.stringify(unread[i]!.name)} ${checked.message}`);
        }),
      );
    // awaited in finish; a refusal before then is not an unhandled rejection
    for (const u of this.unread) u.catch(() => {});
    this.checked = answers.map((answer, i) =>
      answer.then(async (checked): Promise<Checked<S>> => {
        const { entry, mode, file, wanted } = planned[i]!;
        // damaged (a bad CRC, cut short): pip refuses it in its own words, which the diagnosis knows
        if (checked instanceof MemberCorrupt)
          throw new WheelUnusual(`member ${JSON.stringify(entry.name)} ${checked.message}`);
        const { hash, bytes, spilled } = checked;
        // pip decodes them strictly: one that is not UTF-8 is left to pip (finish says so)
        const text = own.has(entry.name) ? (decodeAsPip(bytes ?? Buffer.alloc(0)) ?? NOT_UTF8) : undefined;
        if (!file) return { hash, text };
        if (spilled) {
          try {
            return { hash, scanned: await scanner.scan(file, mode, { path: spilled }), file };
          } finally {
            await rm(spilled, { force: true });
          }
        }
        const forScan =
          wanted.kind === "none" ? undefined : wanted.kind === "head" ? bytes?.subarray(0, wanted.limit) : bytes;
        const scanned = await scanner.scan(file, mode, forScan);
        if (entry.method !== 0) return { hash, text, scanned, file };
        // most are empty __init__.py files; a large one waits on disk rather than in memory
        const data = bytes ?? Buffer.alloc(0);
        if (data.length <= STORED_IN_MEMORY) return { hash, text, scanned, file, stored: { data } };
        // named by a counter, not by its path: a path Lambda can hold may be too long beneath scratch
        storedFiles += 1;
        const absolutePath = path.join(scratch, `stored-${storedFiles}`);
        await writeFile(absolutePath, data);
        return { hash, text, scanned, file, stored: { absolutePath } };
      }),
    );
  }

  /**
   * The wheel's RECORD rows as pip rewrites them on install: each row kept with the hash and
   * size it gives (every member's was just checked), its path mapped where the member lands
   * (or would have, for a .data/data file pip --target leaves out: the layout check names it);
   * rows naming no member or a folder entry kept as they are (the layout check judges those);
   * rows of what cleanTree's rule leaves out (scripts, headers, byte-code) and of pip's own
   * files (written anew) left out.
   */
  private installedRows(wheelRecord: InstalledDistribution["record"]) {
    const rows: { path: string; hash: string; size: string; source: (typeof wheelRecord)[number] }[] = [];
    for (const row of wheelRecord) {
      const place = this.placement.get(row.path);
      // a row naming no installed file (a folder entry, a member that is not there) stays as written
      const installed = !place ? row.path : place.kind === "regenerate" ? undefined : (place.recordPath ?? row.path);
      if (installed === undefined || !installedRecordKeeps(installed)) continue;
      rows.push({
        path: installed,
        hash: row.hash ?? "",
        size: row.size === undefined ? "" : String(row.size),
        source: row,
      });
    }
    return rows;
  }

  /**
   * Waits for its members, holds each to the wheel's RECORD, and gives the shipped files, the
   * zip members and the distribution (with RECORD as pip rewrites it, written to scratch).
   */
  async finish(into: { members: ZipMember[]; files: DependencyFile[]; scanned: S[] }) {
    const { distInfo } = this;
    const checked = await Promise.all(this.checked);
    await Promise.all(this.unread);
    const texts = new Map<string, string>();
    this.placed.forEach(({ entry }, i) => {
      const text = checked[i]!.text;
      if (text !== undefined) texts.set(entry.name, text);
    });
    for (const [name, text] of texts) {
      if (text === NOT_UTF8) throw new WheelUnusual(`its ${name} is not UTF-8`);
    }
    // a wheel format this code does not know, or entry points pip reads its own way or stops
    // at (a script without a callable): pip decides
    const problem =
      distInfoTextProblem("WHEEL", texts.get(`${distInfo}/WHEEL`) ?? "") ??
      (texts.has(`${distInfo}/entry_points.txt`)
        ? distInfoTextProblem("entry_points.txt", texts.get(`${distInfo}/entry_points.txt`))
        : undefined);
    if (problem) throw new WheelUnusual(problem);
    const recordText = texts.get(`${distInfo}/RECORD`);
    if (recordText === undefined) throw new WheelUnusual(`it has no ${distInfo}/RECORD`);
    if (!texts.has(`${distInfo}/METADATA`)) throw new WheelUnusual(`it has no ${distInfo}/METADATA`);
    const wheelRecord = parseRecord(recordText);
    const record = rowsByPath(wheelRecord);
    /** the files its RECORD owns, given its name once METADATA is read */
    const owned: DependencyFile[] = [];
    /** each shipped file's digest, by the path the installed RECORD names it with */
    const shipped = new Map<string, { sha256: Buffer; size: number }>();
    this.placed.forEach(({ entry, place }, i) => {
      if (place.kind !== "ship") return;
      const c = checked[i]!;
      // PEP 427's signatures of RECORD are the only members it does not list
      const signature = entry.name === `${distInfo}/RECORD.jws` || entry.name === `${distInfo}/RECORD.p7s`;
      const mismatch = signature
        ? undefined
        : recordVerdict(entry.name, record.get(entry.name) ?? [], { sha256: recordSha256(c.hash)!, size: entry.size });
      if (mismatch && "refuse" in mismatch) throw new WheelRefused(mismatch.refuse);
      if (mismatch) throw new WheelUnusual(mismatch.unusual);
      if (!c.file || c.scanned === undefined) return;
      shipped.set(place.recordPath, { sha256: recordSha256(c.hash)!, size: entry.size });
      // owned as readTree owns pip's files: by a RECORD row naming its path (a .data/data file's
      // row climbs out of pip's lib folder, so it has no owner either way)
      if (place.recordPath === place.path) owned.push(c.file);
      into.files.push(c.file);
      into.scanned.push(c.scanned);
      const name = `${LAYER_PREFIX}${place.path}`;
      const { executable } = c.file;
      if (!c.stored) into.members.push({ name, from: this.directory, entry, executable });
      else if ("data" in c.stored) into.members.push({ name, data: c.stored.data, executable });
      else into.members.push({ name, absolutePath: c.stored.absolutePath, executable, size: entry.size });
    });
    const rows = this.installedRows(wheelRecord);
    // every row of RECORD as installed vouches for the file it names, as on the install path
    // (checkInstalledRecords): a row kept as written may name what another member installed
    const lie = installedRecordLie(rows, shipped);
    if (lie) throw new WheelRefused(lie);
    const own: [string, Buffer][] = [
      [`${distInfo}/INSTALLER`, Buffer.from("pip\n")],
      [`${distInfo}/REQUESTED`, Buffer.alloc(0)],
    ];
    const written = own.map(([name, data]) => ({ path: name, hash: recordHash(data), size: String(data.length) }));
    const installedRecord = renderInstalledRecord([...rows, ...written], distInfo);
    own.push([`${distInfo}/RECORD`, Buffer.from(installedRecord)]);
    for (const [name, data] of own) {
      const file: DependencyFile = { path: name, size: data.length, executable: false };
      owned.push(file);
      into.files.push(file);
      into.scanned.push(await this.scanner.scan(file, MODE_FILE, undefined));
      into.members.push({ name: `${LAYER_PREFIX}${name}`, data, executable: false });
    }
    const distribution = distributionFrom(distInfo, {
      metadata: texts.get(`${distInfo}/METADATA`) ?? "",
      wheel: texts.get(`${distInfo}/WHEEL`) ?? "",
      record: installedRecord,
    });
    for (const f of owned) f.distribution = distribution.name;
    return distribution;
  }
}

/** The first row of an installed RECORD that contradicts the shipped file it names (rows out of the tree aside). */
function installedRecordLie(
  rows: readonly { path: string; source: { hash?: string; size?: number } }[],
  shipped: ReadonlyMap<string, { sha256: Buffer; size: number }>,
): string | undefined {
  for (const [recordPath, named] of rowsByPath(rows)) {
    const found = recordPath.startsWith("../") ? undefined : shipped.get(recordPath);
    const verdict =
      found &&
      recordVerdict(
        recordPath,
        named.map((r) => r.source),
        found,
      );
    if (verdict && "refuse" in verdict) return verdict.refuse;
  }
  return undefined;
}

/** The wheels' central directories and plans; unusual (as a thrown WheelUnusual) for what only pip can unpack. */
async function planAll(wheels: readonly string[]): Promise<{ wheel: string; directory: ZipDirectory }[]> {
  const planned: { wheel: string; directory: ZipDirectory }[] = [];
  let declared = 0;
  for (const wheel of wheels) {
    let directory: ZipDirectory;
    try {
      directory = await readZipDirectory(wheel);
    } catch (error) {
      // ZIP64 members or another layout the reader does not handle: pip unpacks it instead
      throw Object.assign(new WheelUnusual((error as Error).message), { wheel });
    }
    for (const e of directory.entries) declared += e.size;
    planned.push({ wheel, directory });
  }
  // nothing past Lambda's limit is inflated here: the install path reports it as it always has
  if (declared > UNZIPPED_LIMIT) {
    throw new WheelUnusual(`the wheels declare ${declared} bytes unpacked, over Lambda's limit of ${UNZIPPED_LIMIT}`);
  }
  return planned;
}

function refusal(wheel: string, error: WheelRefused, locate: (wheelFile: string) => Where | undefined): UserError {
  const label = path.basename(wheel);
  return wheelRefusal(label, error.message, locate(label), error.hint);
}

/**
 * The zip members of the dependency zip, the listing the later stages read, and each shipped
 * file's scan, from the wheels as pip --target would unpack them (without bin/, scripts and
 * headers). `scratch` receives the few files compressed here.
 */
export async function transplantWheels<S>(
  wheels: readonly string[],
  scratch: string,
  scanner: Scanner<S>,
  /** where a wheel's distribution is pinned (lockfile, line), for a refusal */
  locate: (wheelFile: string) => Where | undefined = () => undefined,
): Promise<TransplantResult<S>> {
  const spill = path.join(scratch, ".elf");
  await mkdir(spill, { recursive: true });
  const pool = new InflatePool(spill);
  const jobs: WheelJob<S>[] = [];
  let current = "";
  try {
    const planned = await planAll(wheels);
    // what pip's install of them all would fail on or leave out, from the names alone
    const plans = planned.map(({ wheel, directory }) => {
      current = wheel;
      return { wheel, plan: planWheel(directory) };
    });
    const clash = installProblem(plans);
    if (clash && "unusual" in clash) return { unusual: clash.unusual };
    if (clash) {
      throw new UserError(clash.message, { where: locate(clash.wheel) ?? { file: clash.wheel }, hint: clash.hint });
    }
    // a few wheels in flight keep both workers busy; all of them at once would hold every
    // member's job, promise and answer in memory together
    const start = (i: number) => {
      const next = planned[i];
      if (!next || jobs[i]) return;
      current = next.wheel;
      jobs[i] = new WheelJob(next.wheel, next.directory, plans[i]!.plan, pool, scanner, scratch);
    };
    for (let i = 0; i < WHEELS_IN_FLIGHT; i++) start(i);
    const into = {
      members: [] as ZipMember[],
      files: [] as DependencyFile[],
      scanned: [] as S[],
    };
    const distributions: InstalledDistribution[] = [];
    for (let i = 0; i < planned.length; i++) {
      start(i + WHEELS_IN_FLIGHT);
      current = planned[i]!.wheel;
      distributions.push(await jobs[i]!.finish(into));
    }
    // pip lets the later wheel win and the collision check reports it: that path decides it as today
    const twice = duplicatePaths(into.files.map((f) => f.path));
    if (twice.length > 0) return { unusual: `two wheels install the same file ${JSON.stringify(twice[0])}` };
    const byPath = (a: { path: string }, b: { path: string }) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);
    const order = new Map(into.files.map((f, i) => [f, i]));
    into.files.sort(byPath);
    const scannedInOrder = into.files.map((f) => into.scanned[order.get(f)!]!);
    distributions.sort((a, b) => a.distInfo.localeCompare(b.distInfo));
    return { members: into.members, listing: { distributions, files: into.files }, scanned: scannedInOrder };
  } catch (error) {
    if (error instanceof WheelUnusual) {
      const wheel = (error as { wheel?: string }).wheel ?? current;
      return { unusual: wheel ? `${path.basename(wheel)}: ${error.message}` : error.message };
    }
    if (error instanceof WheelRefused) throw refusal(current, error, locate);
    throw error;
  } finally {
    await pool.close();
    // members still in flight when one failed: their outcome no longer matters
    await Promise.allSettled(jobs.flatMap((j) => [...j.checked, ...j.unread]));
  }
}
