/**
 * A wheel a build made, read and written again by the action's zip writer: sorted entries, one
 * fixed time, normalized modes, so the same source gives the same bytes on every runner. When the
 * plan retags it for the target, WHEEL's tags, RECORD's row for WHEEL and the file name change.
 */
import path from "node:path";
import { recordHash, recordRow } from "../install/tree.ts";
import type { PinnedRequirement } from "../lock/types.ts";
import type { WheelName } from "../target.ts";
import { EntryReader, inflateEntry, readZipDirectory } from "../zip/reader.ts";
import { writeZip, type ZipMember } from "../zip/writer.ts";
import { type BuiltWheel, isCompiled, unreadableWheel } from "./plan.ts";

export interface WheelMember {
  data: Buffer;
  executable: boolean;
}

/**
 * The wheel's members, and which of them are compiled code. The backend made the file: one
 * that is no readable zip is the build's failure, named, not an internal error.
 */
export async function readBuiltWheel(
  file: string,
  wheel: WheelName,
  pin: PinnedRequirement,
): Promise<BuiltWheel & { members: Map<string, WheelMember> }> {
  let reader: EntryReader | undefined;
  try {
    const directory = await readZipDirectory(file);
    reader = new EntryReader(directory);
    const members = new Map<string, WheelMember>();
    const compiled: string[] = [];
    for (const entry of directory.entries) {
      if (entry.name.endsWith("/")) continue;
      const data = inflateEntry(entry, await reader.read(entry));
      members.set(entry.name, { data, executable: (entry.mode & 0o111) !== 0 });
      if (isCompiled(entry.name, data)) compiled.push(entry.name);
    }
    return { wheel, compiled, members };
  } catch (error) {
    throw unreadableWheel(pin, wheel.filename, error instanceof Error ? error.message : String(error));
  } finally {
    // the handle closed here, not by the garbage collector (which Node will make an error)
    await reader?.close();
  }
}

/** Writes the wheel again into `outDir` (fixed times, sorted), retagged to `platform` when given; returns its path. */
export async function writeBuiltWheel(
  wheel: WheelName,
  members: Map<string, WheelMember>,
  outDir: string,
  platform?: string,
): Promise<string> {
  let filename = wheel.filename;
  const files = new Map(members);
  if (platform) {
    const tags = wheel.pythonTags.flatMap((py) => wheel.abiTags.map((abi) => `${py}-${abi}-${platform}`));
    filename = `${wheel.filename.split("-").slice(0, -1).join("-")}-${platform}.whl`;
    const wheelFile = [...files.keys()].find((n) => /^[^/]+\.dist-info\/WHEEL$/.test(n));
    const recordFile = [...files.keys()].find((n) => /^[^/]+\.dist-info\/RECORD$/.test(n));
    if (wheelFile) {
      const text = files.get(wheelFile)!.data.toString("utf8");
      const kept = text.split(/\r?\n/).filter((l) => l && !/^Tag:/i.test(l));
      const data = Buffer.from(`${[...kept, ...tags.map((t) => `Tag: ${t}`)].join("\n")}\n`);
      files.set(wheelFile, { data, executable: false });
      if (recordFile) {
        const rows = files
          .get(recordFile)!
          .data.toString("utf8")
          .split(/\r?\n/)
          .filter((l) => l && !l.startsWith(`${wheelFile},`));
        rows.push(recordRow([wheelFile, recordHash(data), String(data.length)]));
        files.set(recordFile, { data: Buffer.from(`${rows.join("\n")}\n`), executable: false });
      }
    }
  }
  const zipMembers: ZipMember[] = [...files.entries()].map(([name, member]) => ({ name, ...member }));
  const out = path.join(outDir, filename);
  await writeZip(zipMembers, out);
  return out;
}
