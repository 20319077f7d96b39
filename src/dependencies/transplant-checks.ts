/**
 * What a transplanted wheel is held to beyond its shipped members: the wheels' directories read
 * and their declared size bounded before anything is inflated, the members left out still
 * checked as pip opens them, and the installed RECORD against the files that ship.
 */
import { UNZIPPED_LIMIT } from "../inspect/sizes.ts";
import { recordVerdict, rowsByPath } from "../install/record.ts";
import { type InflatePool, MemberCorrupt } from "../zip/inflate.ts";
import { readZipDirectory, type ZipDirectory } from "../zip/reader.ts";
import { type Placement, WheelUnusual } from "./wheel-layout.ts";

/** The members not unpacked here (scripts, headers): pip opens them, so they are held to the same checks. */
export function checkLeftOut(
  wheel: string,
  directory: ZipDirectory,
  placement: ReadonlyMap<string, Placement>,
  pool: InflatePool,
): Promise<void>[] {
  const unread = directory.entries.filter((e) => !e.name.endsWith("/") && placement.get(e.name)?.kind === "leave");
  const checks = pool
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
  for (const u of checks) u.catch(() => {});
  return checks;
}

/** The first row of an installed RECORD that contradicts the shipped file it names (rows out of the tree aside). */
export function installedRecordLie(
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
export async function planAll(wheels: readonly string[]): Promise<{ wheel: string; directory: ZipDirectory }[]> {
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
