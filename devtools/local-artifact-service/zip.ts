// Entry names of an uploaded artifact, read from its central directory by the action's own
// zip reader: enough to tell what an artifact contains without extracting it.
import { zipDirectoryOf } from "../../src/zip/reader.ts";

/** Names of the entries in central-directory order; throws when `data` is not a readable zip. */
export function zipEntryNames(data: Buffer): string[] {
  return zipDirectoryOf(data, "artifact").entries.map((e) => e.name);
}
