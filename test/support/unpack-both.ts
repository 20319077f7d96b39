/**
 * A lock of wheels built by the action twice: unpacked by the action (the default with pip)
 * and by pip itself (LPP_UNPACK=pip). Each way ends in an error (a UserError's message, where
 * and hint, temporary folders masked) or a layer (each entry's name, mode and bytes) and the log.
 * Each build runs once: the tests that look closer at a case reuse it.
 */
import path from "node:path";
import { readZip } from "../../devtools/zipread.ts";
import { UserError } from "../../src/errors.ts";
import { buildProject, writeProject } from "./project.ts";

export type Outcome = { error: string } | { layer: string[]; log: string };
export type Unpacker = "action" | "pip";

export function unpackOutcomes(
  /** the case's requirements.txt; `work` is read when a case is first built */
  requirementsOf: (key: string) => string,
  place: () => { work: string; indexUrl: string },
): (key: string, how: Unpacker) => Promise<Outcome> {
  const outcomes = new Map<string, Promise<Outcome>>();
  return (key, how) => {
    const id = `${key}-${how}`;
    let built = outcomes.get(id);
    if (!built) {
      built = buildOutcome(requirementsOf(key), place(), id, how);
      outcomes.set(id, built);
    }
    return built;
  };
}

async function buildOutcome(
  requirements: string,
  where: { work: string; indexUrl: string },
  id: string,
  how: Unpacker,
): Promise<Outcome> {
  const dir = await writeProject(path.join(where.work, id), {
    "app.py": "def handler(event, context):\n    return 1\n",
    "requirements.txt": requirements,
  });
  try {
    const { result, log } = await buildProject(
      dir,
      { runtime: "python3.12", package: "split", cache: "false" },
      {
        home: path.join(where.work, `${id}-home`),
        indexUrl: where.indexUrl,
        extra: how === "pip" ? { LPP_UNPACK: "pip" } : {},
      },
    );
    const layer = readZip(result.layerZip!.path).map(
      (e) => `${e.name} ${e.mode.toString(8)} ${e.data().toString("hex")}`,
    );
    return { layer, log: log.lines.join("\n") };
  } catch (error) {
    if (!(error instanceof UserError)) throw error;
    // pip's own lines in the message name the build's temporary folders
    const text = `${error.message} @ ${JSON.stringify(error.where)} → ${error.hint}`;
    return { error: text.replace(/\/tmp\/[^\s'"]+/g, "<tmp>") };
  }
}
