/**
 * Pipfile.lock (pipfile-spec 6, as pipenv writes it): JSON, already flat. `default` is the
 * runtime set; `develop` (and any other category pipenv records) only when named in the
 * `groups` input ("develop", or its Pipfile name "dev-packages"). Each entry's `markers`
 * is evaluated for the target; `index` names one of `_meta.sources`.
 */

import { append } from "../append.ts";
import { throwAll, UserError } from "../errors.ts";
import { describeJsonError, findJsonError } from "../json-syntax.ts";
import { firstPartyPath, indexesFor, listOrNone, localWheelDir, markerTrue, projectPath, vcsError } from "./common.ts";
import { collectError, type EntryOrigin, entryOrigin } from "./entry.ts";
import { checkExtra, checkHash, checkIndexUrl, checkVersion, type FieldOrigin, shown } from "./grammar.ts";
import { type MarkerEnvironment, targetEnvironment } from "./markers.ts";
import { archivePin, gitPin, type SourceEntry } from "./sources.ts";
import { type LockContext, type LockedSet, normalizeName, type PinnedRequirement } from "./types.ts";

const SUPPORTED_SPEC = 6;
const RELOCK = "run `pipenv lock` and commit the updated Pipfile.lock";
/**
 * The names under which pipenv's markers (`'dev' in dependency_groups`) refer to a section: pipenv
 * drops that test when it installs the section, so an entry read from a section belongs to it.
 */
function sectionGroups(section: string): string[] {
  if (section === "develop") return [...DEVELOP_ALIASES];
  if (section === "default") return ["default", "packages"];
  return [section, normalizeName(section)];
}

/** group names users may give for pipenv's `develop` section */
const DEVELOP_ALIASES = new Set(["develop", "dev-packages", "dev"]);

type Json = Record<string, unknown>;

export function readPipfileLock(text: string, ctx: LockContext): LockedSet {
  const doc = parseJson(text, ctx.file);
  const meta = asObject(doc._meta);
  checkHeader(doc, meta, text, ctx);
  const sources = (Array.isArray(meta?.sources) ? meta.sources : [])
    .map(asObject)
    .filter((s): s is Json => !!s && typeof s.url === "string");
  const errors: UserError[] = [];
  const sections = selectSections(doc, ctx, errors);
  const entries = new PipfileEntries(ctx, targetEnvironment(ctx.target), sources, errors);
  for (const section of sections) entries.readSection(text, section, doc[section]);
  throwAll(errors);
  return entries.lockedSet();
}

/** The document-level refusals, each thrown at once: pipfile-spec, and a `default` section to read. */
function checkHeader(doc: Json, meta: Json | undefined, text: string, ctx: LockContext): void {
  const spec = meta?.["pipfile-spec"];
  if (spec !== SUPPORTED_SPEC) {
    throw new UserError(
      `unsupported Pipfile.lock pipfile-spec ${JSON.stringify(spec ?? "(missing)")}: this action reads pipfile-spec ${SUPPORTED_SPEC}`,
      {
        where: { file: ctx.file, line: lineOfKey(text, "pipfile-spec") },
        hint: "relock with a current pipenv (`pipenv lock`)",
      },
    );
  }
  // pipenv always writes `default`, even empty: without it (or with a list) nothing would be installed, silently
  if (!asObject(doc.default)) {
    throw new UserError(
      `Pipfile.lock has no "default" section (found ${doc.default === undefined ? "none" : shown(JSON.stringify(doc.default))}): it must be an object of packages, even an empty one`,
      { where: { file: ctx.file, line: lineOfKey(text, "default") }, hint: RELOCK },
    );
  }
}

/** `default` and the sections the `groups` input names, once each; a group the lock lacks is collected into `errors`. */
function selectSections(doc: Json, ctx: LockContext, errors: UserError[]): string[] {
  const categories = Object.keys(doc).filter((k) => k !== "_meta");
  const sections = ["default"];
  for (const g of ctx.groups) {
    const name = DEVELOP_ALIASES.has(g.toLowerCase())
      ? "develop"
      : categories.find((c) => normalizeName(c) === normalizeName(g));
    if (name && categories.includes(name)) sections.push(name);
    else
      errors.push(
        new UserError(
          `group "${g}" is not a section of Pipfile.lock (sections: ${listOrNone(categories.filter((c) => c !== "default"))})`,
          {
            where: { file: ctx.file },
            hint: 'remove it from `groups`; pipenv\'s dev-packages are the group "develop"',
          },
        ),
      );
  }
  return [...new Set(sections)];
}

/**
 * The section entries that apply to the target, turned into pins (one per name, merged across
 * sections), first-party paths, find-links directories and trusted hosts. An entry's error is
 * collected into `errors` and the next entry read.
 */
class PipfileEntries {
  private readonly byName = new Map<string, PinnedRequirement>();
  private readonly firstParty: LockedSet["firstParty"] = [];
  private readonly findLinks = new Set<string>();
  private readonly trustedHosts = new Set<string>();

  constructor(
    private readonly ctx: LockContext,
    private readonly env: MarkerEnvironment,
    private readonly sources: Json[],
    private readonly errors: UserError[],
  ) {}

  readSection(text: string, section: string, value: unknown): void {
    const packages = asObject(value);
    if (!packages) {
      this.errors.push(
        new UserError(`section "${shown(section)}" of Pipfile.lock is not an object of packages`, {
          where: { file: this.ctx.file, line: lineOfKey(text, section) },
          hint: RELOCK,
        }),
      );
      return;
    }
    const entryLines = new EntryLines(text, section);
    for (const [rawName, raw] of Object.entries(packages))
      this.readEntry(section, rawName, raw, entryLines.next(rawName));
  }

  lockedSet(): LockedSet {
    const requirements = [...this.byName.values()].sort((a, b) => a.name.localeCompare(b.name));
    const indexes = indexesFor(requirements);
    // pipenv's first source is the index everything else comes from.
    const first = this.sources[0];
    const primary = first === undefined ? undefined : checkIndexUrl(first.url, { file: this.ctx.file, hint: RELOCK });
    if (primary) {
      indexes.indexUrl = primary;
      indexes.extraIndexUrls = indexes.extraIndexUrls.filter((u) => u !== primary);
      if (first?.verify_ssl === false) this.trustedHosts.add(hostOf(primary));
    }
    append(indexes.findLinks, this.findLinks);
    append(indexes.trustedHosts, this.trustedHosts);
    return {
      format: "pipfile",
      lockfile: this.ctx.file,
      requirements,
      indexes,
      complete: true,
      firstParty: this.firstParty,
    };
  }

  private readEntry(section: string, rawName: string, raw: unknown, line: number | undefined): void {
    const table = `"${section}" → "${rawName}"`;
    const it = entryOrigin({ rawName, table, file: this.ctx.file, line, hint: RELOCK }, this.errors);
    if (!it) return;
    collectError(this.errors, () => {
      const entry = asObject(raw);
      if (!entry) throw new UserError(`${table}: the entry is not an object`, { where: it.where, hint: RELOCK });
      const marker = typeof entry.markers === "string" ? entry.markers : undefined;
      if (marker && !markerTrue(marker, this.env, [], sectionGroups(section), it.where)) return;
      const source = this.fromSource(entry, it);
      if (source === "first-party") return;
      this.merge(source ?? this.requirement(entry, it), it);
    });
  }

  /**
   * The source decision for what is not an index pin: a git repository or an archive becomes a
   * pin to build, another vcs is refused, a local wheel's directory is a find-links, a local
   * folder is first-party; undefined for an index pin.
   */
  private fromSource(entry: Json, it: EntryOrigin): PinnedRequirement | "first-party" | undefined {
    const { name, table, where, at } = it;
    const hashes = () => (Array.isArray(entry.hashes) ? entry.hashes : []).map((h) => checkHash(h, at));
    const source: SourceEntry = {
      table,
      name,
      version: typeof entry.version === "string" ? (/^===?\s*(\S+)$/.exec(entry.version.trim())?.[1] ?? "") : "",
      extras: (Array.isArray(entry.extras) ? entry.extras : []).map((e) => normalizeName(checkExtra(e, at))),
      where: { file: this.ctx.file, line: where.line },
      relock: RELOCK,
    };
    if (typeof entry.git === "string") {
      const git = { url: entry.git, commit: entry.ref, subdirectory: entry.subdirectory };
      return gitPin(source, this.ctx, git);
    }
    for (const vcs of ["hg", "svn", "bzr"]) {
      if (typeof entry[vcs] === "string")
        throw vcsError(table, name, `${entry[vcs]}${entry.ref ? ` (${String(entry.ref)})` : ""}`, where);
    }
    if (typeof entry.file === "string") return archivePin(source, this.ctx, { url: entry.file }, hashes());
    if (typeof entry.path !== "string") return undefined;
    const local = projectPath(this.ctx, entry.path);
    if (local?.abs.endsWith(".whl")) {
      this.findLinks.add(localWheelDir(this.ctx, entry.path, table, name, where));
      return undefined;
    }
    // a source archive, never a folder of first-party code (archivePin refuses it under `never`)
    if (/\.(tar\.gz|tgz|zip|tar\.bz2|tar\.xz)$/i.test(entry.path))
      return archivePin(source, this.ctx, { path: entry.path }, hashes());
    this.firstParty.push({ name, path: firstPartyPath(this.ctx, entry.path, table, name, where) });
    return "first-party";
  }

  private requirement(entry: Json, { name, rawName, table, where, at }: EntryOrigin): PinnedRequirement {
    const pinned = typeof entry.version === "string" ? /^===?\s*(\S+)$/.exec(entry.version.trim())?.[1] : undefined;
    if (!pinned) {
      throw new UserError(
        `${table}: ${rawName} is not pinned to one version (${shown(JSON.stringify(entry.version ?? "no version"))})`,
        { where, hint: RELOCK },
      );
    }
    const version = checkVersion(pinned, at);
    const req: PinnedRequirement = {
      name,
      version,
      extras: (Array.isArray(entry.extras) ? entry.extras : []).map((e) => normalizeName(checkExtra(e, at))).sort(),
      hashes: (Array.isArray(entry.hashes) ? entry.hashes : []).map((h) => checkHash(h, at)),
      where: { file: this.ctx.file, line: where.line, table },
    };
    if (typeof entry.index === "string") req.index = this.indexUrl(entry.index, table, where, at);
    return req;
  }

  /** `index` names one of `_meta.sources`; a source with `verify_ssl = false` makes its host trusted. */
  private indexUrl(index: string, table: string, where: EntryOrigin["where"], at: FieldOrigin): string {
    const source = this.sources.find((s) => s.name === index);
    if (!source) {
      throw new UserError(
        `${table}: index "${shown(index)}" is not one of _meta.sources (${shown(listOrNone(this.sources.map((s) => String(s.name))), 200)})`,
        { where, hint: RELOCK },
      );
    }
    const url = checkIndexUrl(source.url, at);
    if (source.verify_ssl === false) this.trustedHosts.add(hostOf(source.url as string));
    return url;
  }

  /** A name locked in two sections must be the same pin there; its extras are the union. */
  private merge(req: PinnedRequirement, { name, rawName, table, where }: EntryOrigin): void {
    const previous = this.byName.get(name);
    if (!previous) {
      this.byName.set(name, req);
      return;
    }
    if (previous.version !== req.version) {
      throw new UserError(
        `${table}: ${rawName} ${req.version} differs from ${previous.version} in "${previous.where.table?.split('"')[1]}"`,
        { where, hint: RELOCK },
      );
    }
    // pipenv writes `index` on a package's direct entry and none on its transitive one: the same
    // version and hashes are the same files, so one index named and one left out agree
    const indexesDiffer = previous.index !== undefined && req.index !== undefined && previous.index !== req.index;
    const sourcesDiffer = JSON.stringify(previous.build) !== JSON.stringify(req.build);
    if (!sameHashes(previous.hashes, req.hashes) || indexesDiffer || sourcesDiffer) {
      const what = indexesDiffer ? "indexes" : sourcesDiffer ? "sources" : "hashes";
      throw new UserError(
        `${table}: ${rawName} ${req.version} is locked twice with different ${what} (line ${previous.where.line ?? "?"} and line ${where.line ?? "?"})`,
        { where, hint: RELOCK },
      );
    }
    previous.index ??= req.index;
    previous.extras = [...new Set([...previous.extras, ...req.extras])].sort();
  }
}

function sameHashes(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((h) => b.includes(h));
}

function asObject(v: unknown): Json | undefined {
  return v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Json) : undefined;
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

/**
 * JSON.parse, with a syntax error turned into a UserError at its line and column. Named by
 * position, not quoted (JSON.parse's message quotes the text, and a lockfile may hold a
 * credential in an index URL).
 */
function parseJson(text: string, file: string): Json {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    const syntax = findJsonError(text);
    throw new UserError(`malformed JSON${syntax ? ` ${describeJsonError(syntax)}` : ""}`, {
      where: { file, line: syntax?.line },
      hint: "fix the file or regenerate it with `pipenv lock`",
      cause: e,
    });
  }
  const doc = asObject(value);
  if (!doc) throw new UserError("Pipfile.lock is not a JSON object", { where: { file }, hint: RELOCK });
  return doc;
}

function lineAt(text: string, offset: number): number {
  return text.slice(0, offset).split("\n").length;
}

function lineOfKey(text: string, key: string): number | undefined {
  const at = text.indexOf(`"${key}"`);
  return at >= 0 ? lineAt(text, at) : undefined;
}

/**
 * The lines of the entries `"name": {` of one top-level section, found in file order from
 * a cursor, so a whole section costs one pass over the text (not one per entry).
 */
class EntryLines {
  private cursor: number;
  private readonly lineStarts: number[] = [0];
  constructor(
    private readonly text: string,
    section: string,
  ) {
    for (let i = text.indexOf("\n"); i >= 0; i = text.indexOf("\n", i + 1)) this.lineStarts.push(i + 1);
    this.cursor = text.search(new RegExp(`^\\s{0,4}"${escapeRegExp(section)}"\\s*:`, "m"));
  }

  next(name: string): number | undefined {
    if (this.cursor < 0) return undefined;
    const key = new RegExp(`"${escapeRegExp(name)}"\\s*:\\s*\\{`, "g");
    key.lastIndex = this.cursor;
    const m = key.exec(this.text);
    if (!m) {
      // written some other way (escaped key): stop looking rather than scan the rest once per entry
      this.cursor = -1;
      return undefined;
    }
    this.cursor = m.index + m[0].length;
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.lineStarts[mid]! <= m.index) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  }
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
